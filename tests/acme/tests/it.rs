//! The third vendor end to end: the client generated from `openapi/acme.yaml` (this crate's
//! `build.rs`), called against the offline sandbox serving the same spec with no hand-written
//! behaviour (`SandboxConfig::with_spec`). Nothing Kredibel or Iluma are listed in was edited to
//! get here: the spec, one build-script entry, one macro call, and the sandbox's generic
//! behaviour.

use std::path::Path;
use std::time::Duration;

use kyc_acme::acme::{self, types};
use kyc_clients::{Base64Image, ClientOptions, Environment, RetryPolicy};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{FaultRule, Sandbox, SandboxConfig};
use serde_json::Value;

const KEY: &str = "acme-sandbox-key";

/// The spec as the sandbox reads it: the file `build.rs` generated the client from.
fn acme_spec() -> kyc_spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/acme.yaml");
    match kyc_spec_load::load(&path) {
        Ok(loaded) => loaded.spec,
        Err(errors) => panic!("{errors}"),
    }
}

async fn sandbox(config: SandboxConfig) -> (Sandbox, String) {
    let sandbox = Sandbox::start_with(config.with_spec(acme_spec()))
        .await
        .expect("the sandbox starts on 127.0.0.1");
    let url = sandbox
        .url("acme")
        .expect("the sandbox serves the acme spec");
    (sandbox, url)
}

/// The spec's request example with a real selfie meeting the field's rule.
fn valid_request() -> types::FaceCheckRequest {
    let request = kyc_sandbox::examples::valid_request(acme::spec(), "check_face")
        .unwrap_or_else(|error| panic!("{error}"));
    serde_json::from_value(request.body.clone()).unwrap_or_else(|error| {
        panic!(
            "check_face example `{}` does not decode: {error}",
            request.body
        )
    })
}

/// The example's request with `selfie` instead of its image.
fn with_selfie(selfie: Vec<u8>) -> types::FaceCheckRequest {
    types::FaceCheckRequest {
        selfie: Base64Image::from_bytes(selfie),
        ..valid_request()
    }
}

#[test]
fn the_registry_reads_the_third_spec() {
    let vendor = acme::spec().vendor();
    assert_eq!(vendor.name, "acme");
    assert_eq!(acme::VENDOR.name(), "acme");
    assert_eq!(
        vendor.server(kyc_spec::Environment::Sandbox),
        Some("https://sandbox.acme.example")
    );
    assert_eq!(vendor.auth, Some(kyc_spec::AuthScheme::Bearer));
    let operations: Vec<&str> = acme::catalog::OPERATIONS
        .iter()
        .map(|op| op.operation_id)
        .collect();
    assert_eq!(operations, ["check_face"]);
    // The spec's own servers, HTTPS: a client of the vendor's sandbox builds.
    assert!(acme::Client::with_api_key(Environment::Sandbox, KEY).is_ok());
}

#[tokio::test]
async fn a_generated_call_is_answered_with_the_documented_example() {
    let (sandbox, url) = sandbox(SandboxConfig::default()).await;
    let client = acme::Client::with_api_key(Environment::Custom(url), KEY).unwrap();
    let check = client
        .check_face()
        .body(valid_request())
        .send()
        .await
        .unwrap_or_else(|error| panic!("check_face: {error}"))
        .into_inner();
    // The sandbox answers the spec's 200 example; the generated type decodes it.
    let documented = acme::spec()
        .first_response_example("check_face", "200")
        .expect("check_face documents a 200 example");
    assert_eq!(serde_json::to_value(&check).unwrap(), *documented);
    assert!(check.face);
    // Sent once, with the spec's Bearer credentials (the sandbox refuses a call without them).
    assert_eq!(sandbox.requests().count("check_face"), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_spec_image_rule_is_checked_before_sending() {
    let (sandbox, url) = sandbox(SandboxConfig::default()).await;
    let client = acme::Client::with_api_key(Environment::Custom(url), KEY).unwrap();
    let cases = [
        (
            "too small",
            Image::jpeg(400, 400).bytes(10_239),
            "the minimum is 10,240 bytes",
        ),
        (
            "too few pixels",
            Image::jpeg(319, 400).bytes(20_000),
            "the minimum is 320×320",
        ),
        (
            "an SVG",
            Image::svg(400, 400).bytes(20_000),
            "accepted: jpeg, png",
        ),
    ];
    for (case, selfie, expected) in cases {
        let error = client
            .check_face()
            .body(with_selfie(selfie))
            .send()
            .await
            .expect_err(case);
        let kyc_clients::Error::InvalidRequest(message) = &error else {
            panic!("{case}: refused after sending: {error:?}");
        };
        assert!(message.starts_with("selfie: "), "{case}: {message}");
        assert!(message.contains(expected), "{case}: {message}");
    }
    assert_eq!(
        sandbox.requests().total(),
        0,
        "a refused request never leaves"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_sandbox_refuses_what_the_spec_refuses_with_its_error_examples() {
    let (sandbox, url) = sandbox(SandboxConfig::default()).await;
    let http = reqwest::Client::new();
    let post = |body: Value, key: Option<&str>| {
        let mut request = http.post(format!("{url}/v1/face_checks")).json(&body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let body = serde_json::to_value(valid_request()).unwrap();

    let unauthenticated = post(body.clone(), None).await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let error: types::AcmeError = unauthenticated.json().await.unwrap();
    assert_eq!(error.code, "unauthenticated");

    let mut small = body.clone();
    small["selfie"] = Value::String(Image::jpeg(400, 400).base64(10_239));
    let refused = post(small, Some(KEY)).await.unwrap();
    assert_eq!(refused.status(), 400);
    let error: types::AcmeError = refused.json().await.unwrap();
    assert_eq!(error.code, "invalid_request");

    assert_eq!(post(body, Some(KEY)).await.unwrap().status(), 200);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn what_the_spec_marks_never_billed_is_retried() {
    // The spec's 5XX is `x-charged: false`: the library's retry policy sends the call again.
    let fault = FaultRule::status(503).on("check_face").times(1);
    let (sandbox, url) = sandbox(SandboxConfig::default().with_fault(fault)).await;
    let options = ClientOptions {
        retry: RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    };
    let client = acme::Client::connect(&Environment::Custom(url), KEY, &options).unwrap();
    let check = client.check_face().body(valid_request()).send().await;
    assert!(check.is_ok(), "{check:?}");
    assert_eq!(sandbox.requests().count("check_face"), 2);
    sandbox.shutdown().await;
}
