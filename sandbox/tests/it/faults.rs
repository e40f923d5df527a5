//! Fault injection (latency, status bursts, dropped connections), the rate limit, and the
//! request counters that let client tests count retries.

use std::time::{Duration, Instant};

use axum::http::Method;
use kyc_sandbox::{FaultRule, RateLimit, SandboxApp, SandboxConfig};

use crate::support::{Harness, call, error_of, iluma_request};

fn health_with_fault(fault: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = iluma_request(Method::GET, "/health", None, None);
    request
        .headers_mut()
        .insert("x-sandbox-fault", fault.parse().unwrap());
    request
}

#[tokio::test]
async fn a_status_burst_ends_after_times() {
    let app = SandboxApp::new(SandboxConfig::default());
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = call(&app, health_with_fault("status=503;times=2")).await;
        statuses.push(reply.status.as_u16());
        if reply.status == 503 {
            assert_eq!(reply.body["error_code"], "SERVICE_UNAVAILABLE");
        }
    }
    assert_eq!(statuses, vec![503, 503, 200]);
    assert_eq!(app.requests().count("get_health"), 3);
}

#[tokio::test]
async fn latency_is_added() {
    let app = SandboxApp::new(SandboxConfig::default());
    let started = Instant::now();
    let reply = call(&app, health_with_fault("latency=150ms")).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn kredibel_faults_use_kredibel_bodies() {
    let app = SandboxApp::new(SandboxConfig::default());
    let mut request = crate::support::kredibel_post(
        "/v1/identity/verification/biometric",
        &serde_json::json!({}),
    );
    request
        .headers_mut()
        .insert("x-sandbox-fault", "status=500".parse().unwrap());
    let reply = call(&app, request).await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.body,
        serde_json::json!({"message": "Internal server error."})
    );
}

#[tokio::test]
async fn an_unparsable_fault_header_is_400() {
    let app = SandboxApp::new(SandboxConfig::default());
    let reply = call(&app, health_with_fault("explode")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["errors"][0]["field"], "x-sandbox-fault");
}

// A standing fault, configured at start, restricted to one operation; counted retries.
#[tokio::test]
async fn standing_faults_apply_to_their_operation_only() {
    let config =
        SandboxConfig::default().with_fault(FaultRule::status(503).on("get_health").times(2));
    let harness = Harness::start_with(config).await;
    for _ in 0..2 {
        let error = harness.iluma.get_health().send().await.expect_err("503");
        assert_eq!(error_of(error).0, 503);
    }
    assert!(harness.iluma.get_health().send().await.is_ok());
    assert!(
        harness
            .iluma
            .get_callback_authentication_token()
            .send()
            .await
            .is_ok()
    );
    let requests = harness.sandbox.requests();
    assert_eq!(requests.count("get_health"), 3);
    assert_eq!(requests.count("get_callback_authentication_token"), 1);
    assert_eq!(requests.total(), 4);
}

// A dropped connection, on a real socket: the client sees a transport error, not a response.
#[tokio::test]
async fn a_dropped_connection_reaches_the_client_as_an_error() {
    let config =
        SandboxConfig::default().with_fault(FaultRule::drop_connection().on("get_health").times(1));
    let harness = Harness::start_with(config).await;
    let error = harness
        .iluma
        .get_health()
        .send()
        .await
        .expect_err("dropped");
    assert!(
        matches!(error, kyc_clients::Error::CommunicationError(_)),
        "{error:?}"
    );
    assert!(harness.iluma.get_health().send().await.is_ok());
    assert_eq!(harness.sandbox.requests().count("get_health"), 2);
}

// Errors: RATE_LIMIT_EXCEEDED 429 "Rate Limit hit", with Retry-After.
#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let app = SandboxApp::new(SandboxConfig::default().with_rate_limit(RateLimit::per_minute(2)));
    let path = "/v1/callback/authentication_tokens";
    for _ in 0..2 {
        let reply = call(&app, iluma_request(Method::GET, path, None, None)).await;
        assert_eq!(reply.status, 200);
    }
    let limited = call(&app, iluma_request(Method::GET, path, None, None)).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["error_code"], "RATE_LIMIT_EXCEEDED");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    // Another key has its own budget.
    let mut other = iluma_request(Method::GET, path, None, None);
    other.headers_mut().insert(
        "authorization",
        crate::support::basic("iluma_development_other")
            .parse()
            .unwrap(),
    );
    assert_eq!(call(&app, other).await.status, 200);
}

#[tokio::test]
async fn kredibel_is_rate_limited_per_key_too() {
    let harness =
        Harness::start_with(SandboxConfig::default().with_rate_limit(RateLimit::per_minute(1)))
            .await;
    let first = harness
        .kredibel
        .verify_biometric()
        .body(
            kyc_clients::kredibel::types::BiometricVerificationRequest::builder()
                .identity_id("1234567890123456")
                .face_image(kyc_sandbox::samples::Image::jpeg(480, 640).base64(20_000)),
        )
        .send()
        .await;
    assert!(first.is_ok());
    let second = harness
        .kredibel
        .verify_biometric()
        .body(
            kyc_clients::kredibel::types::BiometricVerificationRequest::builder()
                .identity_id("1234567890123456")
                .face_image(kyc_sandbox::samples::Image::jpeg(480, 640).base64(20_000)),
        )
        .send()
        .await
        .expect_err("limited");
    assert_eq!(error_of(second).0, 429);
}
