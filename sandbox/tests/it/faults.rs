//! Fault injection (latency, status bursts, dropped connections), the rate limit, and the
//! request counters that let client tests count retries.

use std::time::{Duration, Instant};

use axum::http::Method;
use kyc_sandbox::{FaultRule, RateLimit, SandboxApp, SandboxConfig};

use crate::support::{call, iluma_request};

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

// A standing fault, configured at start, restricted to one operation; the counters see every
// request, which is how a client test counts its retries.
#[tokio::test]
async fn standing_faults_apply_to_their_operation_only() {
    let config =
        SandboxConfig::default().with_fault(FaultRule::status(503).on("get_health").times(2));
    let app = SandboxApp::new(config);
    let health = || iluma_request(Method::GET, "/health", None, None);
    let token = || {
        iluma_request(
            Method::GET,
            "/v1/callback/authentication_tokens",
            None,
            None,
        )
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(call(&app, health()).await.status.as_u16());
    }
    statuses.push(call(&app, token()).await.status.as_u16());
    assert_eq!(statuses, vec![503, 503, 200, 200]);
    let requests = app.requests();
    assert_eq!(requests.count("get_health"), 3);
    assert_eq!(requests.count("get_callback_authentication_token"), 1);
    assert_eq!(requests.total(), 4);
}

// A dropped connection, on a real socket: the connection closes and no response comes back.
#[tokio::test]
async fn a_dropped_connection_closes_without_a_response() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let config =
        SandboxConfig::default().with_fault(FaultRule::drop_connection().on("get_health").times(1));
    let sandbox = kyc_sandbox::Sandbox::start_with(config).await.unwrap();
    let get = format!(
        "GET /iluma/health HTTP/1.1\r\nHost: {}\r\n\r\n",
        sandbox.local_addr()
    );
    let mut dropped = tokio::net::TcpStream::connect(sandbox.local_addr())
        .await
        .unwrap();
    dropped.write_all(get.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = dropped.read_to_end(&mut answer).await;
    assert!(
        read.is_err() || answer.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&answer)
    );
    // The next request is answered.
    let mut next = tokio::net::TcpStream::connect(sandbox.local_addr())
        .await
        .unwrap();
    next.write_all(
        get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    next.read_to_end(&mut answer).await.unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(sandbox.requests().count("get_health"), 2);
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
    let app = SandboxApp::new(SandboxConfig::default().with_rate_limit(RateLimit::per_minute(1)));
    let body = serde_json::json!({
        "identityId": "1234567890123456",
        "faceImage": kyc_sandbox::samples::Image::jpeg(480, 640).base64(20_000),
    });
    let path = "/v1/identity/verification/biometric";
    let first = call(&app, crate::support::kredibel_post(path, &body)).await;
    assert_eq!(first.status, 200);
    let second = call(&app, crate::support::kredibel_post(path, &body)).await;
    assert_eq!(second.status, 429);
    assert_eq!(
        second.body,
        serde_json::json!({"message": "Too Many Attempts."})
    );
    assert!(second.headers.contains_key("retry-after"));
}
