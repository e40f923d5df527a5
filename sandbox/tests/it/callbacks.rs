//! Callbacks: results POSTed to the registered URL with `X-CALLBACK-TOKEN`, retried when the
//! receiver fails.
//!
//! Doc: the reference's "Setting callbacks" section (<https://docs.iluma.ai>): callbacks carry
//! an `X-CALLBACK-TOKEN` header whose value is the token returned by
//! `GET /v1/callback/authentication_tokens`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use kyc_sandbox::{CallbackProduct, RetryPolicy, SandboxApp, SandboxConfig};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::support::{call, example_json, iluma_request, ktp_form, ktp_request, selfie};

/// What a receiver saw: the token header and the body of each call.
type Received = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A receiver on 127.0.0.1:0 that fails the first `failures` calls with 500.
async fn receiver(failures: usize) -> (String, Received) {
    let received: Received = Arc::default();
    let router = Router::new()
        .route(
            "/hook",
            post(
                |State((received, failures)): State<(Received, usize)>,
                 headers: HeaderMap,
                 body: axum::body::Bytes| async move {
                    let token = headers
                        .get("x-callback-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let mut calls = received.lock().unwrap();
                    calls.push((token, body));
                    if calls.len() <= failures {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                },
            ),
        )
        .with_state((received.clone(), failures));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, received)
}

fn fast_retries() -> SandboxConfig {
    SandboxConfig::default().with_callback_retry(RetryPolicy {
        attempts: 3,
        initial_backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(2),
    })
}

#[tokio::test]
async fn screening_result_is_delivered_with_the_token() {
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(0).await;
    // Registration over HTTP, as a client of the sandbox would do it.
    let registered = call(
        &app,
        iluma_request(
            Method::POST,
            "/_sandbox/callback_urls/individual_cft_peps",
            Some(&json!({ "url": url })),
            None,
        ),
    )
    .await;
    assert_eq!(registered.status, 200);
    let body = example_json(kyc_sandbox::spec::iluma(), "screen_individual");
    let screening = call(
        &app,
        iluma_request(
            Method::POST,
            "/v0/identity/individual_cft_peps",
            Some(&body),
            None,
        ),
    )
    .await;
    let deliveries = app.callbacks().wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered);
    assert_eq!(deliveries[0].attempts, 1);
    assert_eq!(
        deliveries[0].resource_id,
        screening.body["id"].as_str().unwrap()
    );
    let calls = received.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0.as_deref(), Some(app.callback_token().as_str()));
    assert_eq!(calls[0].1, screening.body);
}

#[tokio::test]
async fn failed_deliveries_are_retried() {
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(2).await;
    app.set_callback_url(CallbackProduct::IdCardVerification, &url)
        .unwrap();
    let reply = call(
        &app,
        ktp_request(ktp_form("3275031210930027", &selfie()), None),
    )
    .await;
    assert_eq!(reply.status, 200);
    let deliveries = app.callbacks().wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(deliveries[0].attempts, 3);
    assert!(deliveries[0].delivered);
    assert_eq!(received.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_policy() {
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(usize::MAX).await;
    app.set_callback_url(CallbackProduct::EntityScreening, &url)
        .unwrap();
    let body = example_json(kyc_sandbox::spec::iluma(), "screen_entity");
    call(
        &app,
        iluma_request(
            Method::POST,
            "/v0/identity/entity_cft_peps",
            Some(&body),
            None,
        ),
    )
    .await;
    let deliveries = app.callbacks().wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(deliveries[0].attempts, 3);
    assert!(!deliveries[0].delivered);
    assert_eq!(deliveries[0].last_status, Some(500));
    assert_eq!(received.lock().unwrap().len(), 3);
}

// "If the response state would normally trigger a callback, this will also be sent."
#[tokio::test]
async fn magic_reply_states_send_callbacks_too() {
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(0).await;
    app.set_callback_url(CallbackProduct::IdCardVerification, &url)
        .unwrap();
    call(
        &app,
        ktp_request(ktp_form("3275031210930027", &selfie()), Some("FAILED")),
    )
    .await;
    app.callbacks().wait_for(1, Duration::from_secs(5)).await;
    let calls = received.lock().unwrap().clone();
    assert_eq!(calls[0].1["status"], "FAILED");
}

#[tokio::test]
async fn registration_refuses_unusable_urls_and_unknown_products() {
    let app = SandboxApp::new(SandboxConfig::default());
    let bad_url = call(
        &app,
        iluma_request(
            Method::POST,
            "/_sandbox/callback_urls/individual_cft_peps",
            Some(&json!({"url": "https://example.com/hook"})),
            None,
        ),
    )
    .await;
    assert_eq!(bad_url.status, 400);
    let unknown = call(
        &app,
        iluma_request(
            Method::POST,
            "/_sandbox/callback_urls/nothing",
            Some(&json!({"url": "http://127.0.0.1:9/hook"})),
            None,
        ),
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(app.requests().count("sandbox_set_callback_url"), 2);
}
