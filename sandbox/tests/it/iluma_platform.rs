//! Health, the callback authentication token, Get API Key and authentication, through the
//! generated Iluma client.
//!
//! Doc: the reference's "Integration guide", "Authentication" and "Get API Key" sections
//! (<https://docs.iluma.ai/#integration-guide>, `#authentication`, `#get-api-key`).

use axum::http::{Method, header};
use serde_json::json;

use crate::support::{
    Harness, ILUMA_KEY, basic, call, error_of, iluma_request, in_process, reveal,
};

// Integration guide: `curl https://api.iluma.ai/health`, no credentials.
#[tokio::test]
async fn health_is_up_without_credentials() {
    let harness = Harness::start().await;
    let health = harness
        .iluma
        .get_health()
        .send()
        .await
        .expect("up")
        .into_inner();
    assert_eq!(health.status.as_deref(), Some("ok"));
}

// Authentication: GET /v1/callback/authentication_tokens; the token is what callbacks carry.
#[tokio::test]
async fn callback_token_is_the_one_callbacks_carry() {
    let harness = Harness::start().await;
    let token = harness
        .iluma
        .get_callback_authentication_token()
        .send()
        .await
        .expect("token")
        .into_inner()
        .token;
    assert_eq!(reveal(&token), harness.sandbox.app().callback_token());
    assert_eq!(reveal(&token).len(), 48);
}

// Get API Key: "the token is single use only".
#[tokio::test]
async fn api_keys_token_is_single_use() {
    let harness = Harness::start().await;
    let keys = harness
        .iluma
        .get_api_keys()
        .business_id("5abc")
        .token("123")
        .send()
        .await
        .expect("first use")
        .into_inner();
    assert_eq!(keys.business_id.as_deref(), Some("5abc"));
    assert_eq!(keys.api_keys.len(), 1);
    assert_eq!(reveal(&keys.api_keys[0].key), ILUMA_KEY);
    let again = harness
        .iluma
        .get_api_keys()
        .business_id("5abc")
        .token("123")
        .send()
        .await
        .expect_err("second use");
    let (status, body) = error_of(again);
    assert_eq!(status, 404);
    assert_eq!(body.error_code, Some("DATA_NOT_FOUND".into()));
    // A fresh token still works.
    let fresh = harness
        .iluma
        .get_api_keys()
        .business_id("5abc")
        .token("456")
        .send()
        .await;
    assert!(fresh.is_ok());
}

#[tokio::test]
async fn api_keys_without_a_token_is_400() {
    let app = in_process();
    let request = axum::http::Request::builder()
        .uri("/iluma/businesses/5abc/api_keys")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = call(&app, request).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["errors"][0]["field"], "token");
}

// Authentication: Basic with an `iluma_development_` key; errors: INVALID_API_KEY 401.
#[tokio::test]
async fn only_development_keys_are_accepted() {
    let app = in_process();
    let path = "/v1/callback/authentication_tokens";
    let with = |authorization: Option<String>| {
        let mut request = iluma_request(Method::GET, path, None, None);
        match authorization {
            Some(value) => {
                request
                    .headers_mut()
                    .insert(header::AUTHORIZATION, value.parse().unwrap());
            }
            None => {
                request.headers_mut().remove(header::AUTHORIZATION);
            }
        }
        request
    };
    let refused = [
        None,
        Some(basic("iluma_production_abc")),
        Some(basic("not-a-key")),
        Some(format!("Bearer {ILUMA_KEY}")),
        Some("Basic %%%".to_string()),
    ];
    for authorization in refused {
        let reply = call(&app, with(authorization)).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            json!({"error_code": "INVALID_API_KEY", "message": "API key format is invalid"})
        );
    }
    let accepted = call(&app, with(Some(basic("iluma_development_mine")))).await;
    assert_eq!(accepted.status, 200);
}
