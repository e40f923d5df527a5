//! Callbacks: results POSTed to the registered URL with the spec's token header, retried when
//! the receiver fails.
//!
//! Doc: the reference's "Setting callbacks" section (<https://docs.iluma.ai>): callbacks carry
//! an `X-CALLBACK-TOKEN` header whose value is the token returned by
//! `GET /v1/callback/authentication_tokens`. The spec declares each callback (name, payload
//! schema, header) on the operation that sends it; these tests read the declarations with
//! `kyc-spec`, independently of the sandbox, and hold every delivered payload to its schema.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use kyc_sandbox::{RetryPolicy, SandboxApp, SandboxConfig};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::conformance::to_json_schema;
use crate::support::{call, example_json, iluma_request, ktp_form, ktp_request, selfie};

/// The callbacks the spec declares, read with kyc-spec: `(operation, callback)`.
fn spec_callbacks() -> Vec<(String, kyc_spec::Callback)> {
    let spec = kyc_sandbox::spec::iluma();
    spec.operations()
        .iter()
        .flat_map(|op| op.callbacks.iter().map(|c| (op.id.clone(), c.clone())))
        .collect()
}

/// The one header every callback declares: the token's.
fn token_header() -> String {
    let headers: Vec<String> = spec_callbacks()
        .into_iter()
        .flat_map(|(_, c)| c.headers)
        .collect();
    assert!(!headers.is_empty(), "the spec declares no callback header");
    assert!(headers.iter().all(|h| *h == headers[0]), "{headers:?}");
    headers[0].clone()
}

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
                        .get(token_header().as_str())
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
    assert_eq!(deliveries[0].product, "individual_cft_peps");
    assert_eq!(deliveries[0].operation_id, "screen_individual");
    let calls = received.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0.as_deref(), Some(app.callback_token().as_str()));
    assert_eq!(calls[0].1, screening.body);
}

#[tokio::test]
async fn failed_deliveries_are_retried() {
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(2).await;
    app.set_callback_url("id_card_verifications", &url).unwrap();
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
    app.set_callback_url("entity_cft_peps", &url).unwrap();
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
    app.set_callback_url("id_card_verifications", &url).unwrap();
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

/// The JSON Schema of the component schema `name`, strict about unknown properties (as the
/// conformance walk checks responses).
fn payload_schema(name: &str) -> jsonschema::Validator {
    let document = kyc_sandbox::spec::iluma().document();
    let definitions: Map<String, Value> = document["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, schema)| (n.clone(), to_json_schema(schema)))
        .collect();
    let mut root = to_json_schema(&json!({ "$ref": format!("#/components/schemas/{name}") }));
    root["definitions"] = Value::Object(definitions);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&root)
        .expect("schema compiles")
}

// Every declared callback, in every state its operation can end in, sends a payload that
// validates against the callback's payload schema and decodes into the generated type.
#[tokio::test]
async fn every_delivered_payload_is_its_declared_schema() {
    let declared = spec_callbacks();
    assert_eq!(declared.len(), 3, "individual, entity, KTP");
    let app = SandboxApp::new(fast_retries());
    let (url, received) = receiver(0).await;
    for (_, callback) in &declared {
        app.set_callback_url(&callback.name, &url).unwrap();
    }
    // The documented requests: a field the spec adds (with its example) is sent too.
    let individual = example_json(kyc_sandbox::spec::iluma(), "screen_individual");
    let mut entity = example_json(kyc_sandbox::spec::iluma(), "screen_entity");
    entity["scopes"] = json!(["PEP", "SANCTION"]);
    // (operation, how to trigger it, state asked for)
    let mut triggers = Vec::new();
    for magic in [None, Some("COMPLETED"), Some("FAILED")] {
        triggers.push((
            "screen_individual",
            iluma_request(
                Method::POST,
                "/v0/identity/individual_cft_peps",
                Some(&individual),
                magic,
            ),
        ));
        triggers.push((
            "screen_entity",
            iluma_request(
                Method::POST,
                "/v0/identity/entity_cft_peps",
                Some(&entity),
                magic,
            ),
        ));
    }
    for (nik, magic) in [
        ("3275031210930027", None),
        ("3275031210930021", None),
        ("3275031210930027", Some("COMPLETED_NOT_FOUND")),
        ("3275031210930027", Some("FAILED")),
    ] {
        triggers.push((
            "verify_id_card",
            ktp_request(ktp_form(nik, &selfie()), magic),
        ));
    }
    let mut sent = Vec::new();
    for (operation, request) in triggers {
        let reply = call(&app, request).await;
        assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
        sent.push((operation, reply.body));
    }
    let deliveries = app
        .callbacks()
        .wait_for(sent.len(), Duration::from_secs(10))
        .await;
    assert_eq!(deliveries.len(), sent.len());
    assert!(deliveries.iter().all(|d| d.delivered));

    let calls = received.lock().unwrap().clone();
    let mut failures = Vec::new();
    for (operation, answered) in &sent {
        let (_, callback) = declared.iter().find(|(op, _)| op == operation).unwrap();
        let schema = callback.payload_schema.as_deref().unwrap();
        let (token, payload) = calls
            .iter()
            .find(|(_, body)| body["id"] == answered["id"])
            .unwrap_or_else(|| panic!("{operation}: no callback for {}", answered["id"]));
        let at = format!(
            "{} callback of {operation} ({})",
            callback.name, answered["status"]
        );
        assert_eq!(
            token.as_deref(),
            Some(app.callback_token().as_str()),
            "{at}"
        );
        assert_eq!(
            payload, answered,
            "{at}: the payload is the resource answered"
        );
        for error in payload_schema(schema).iter_errors(payload) {
            failures.push(format!("{at}: {error} at {}", error.instance_path()));
        }
        if let Some(Err(error)) = kyc_clients::iluma::catalog::decode(schema, payload.clone()) {
            failures.push(format!("{at}: does not decode as {schema}: {error}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_strict_payload_schema_refuses_an_undeclared_field() {
    // Guards the check above: it would catch a field the spec does not declare.
    let mut body = json!({
        "id": "idvr_1", "created": "2022-03-21T12:24:42.480Z",
        "updated": "2022-03-21T12:24:42.480Z", "id_card_number": "3275031210930027",
        "name": "penito kristian", "status": "COMPLETED", "is_found": false
    });
    assert!(payload_schema("IdCardVerification").is_valid(&body));
    body["selfie_url"] = json!("http://x");
    assert!(!payload_schema("IdCardVerification").is_valid(&body));
}
