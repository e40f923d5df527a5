//! `x-magic-reply`: every value of the spec's `MagicReply` enum, on every operation that takes
//! the header. What each should answer is worked out here from the spec alone (the value's
//! `x-status`, the operation's declared responses), independently of the sandbox's code.
//!
//! Doc: the reference's "Simulating responses" section and the spec's `MagicReply` parameter.

use axum::http::Method;
use kyc_sandbox::SandboxApp;
use serde_json::Value;

use crate::support::{
    call, example_json, iluma_request, in_process, ktp_form, ktp_request, selfie,
};

const EKO_HADI_SALIM: &str = "2dc667a4-d232-4d51-a561-631ce966fb2c";

/// The Iluma document as JSON, read here key by key rather than through the sandbox's lookups.
fn spec() -> Value {
    kyc_sandbox::spec::iluma().document().clone()
}

/// The states each operation creates (README: screenings COMPLETED/FAILED, KTP all four).
fn states_of(operation: &str) -> &'static [&'static str] {
    match operation {
        "screen_individual" | "screen_entity" => &["COMPLETED", "FAILED"],
        "verify_id_card" => &[
            "COMPLETED",
            "COMPLETED_FOUND",
            "COMPLETED_NOT_FOUND",
            "FAILED",
        ],
        _ => &[],
    }
}

/// The status `value` should produce on `operation`, from the spec.
fn expected_status(spec: &Value, declared: &[String], operation: &str, value: &str) -> u16 {
    let declares = |status: u16| declared.iter().any(|s| *s == status.to_string());
    let error_status = spec["components"]["schemas"]["IlumaErrorCode"]["x-status"][value].as_u64();
    let applies = match error_status {
        Some(status) => declares(status as u16).then_some(status as u16),
        None => states_of(operation).contains(&value).then_some(200),
    };
    match applies {
        Some(status) => status,
        None if declares(400) => 400,
        None => 200,
    }
}

/// Every operation taking the header, with its declared statuses.
fn operations(spec: &Value) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let takes = operation["parameters"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["$ref"] == "#/components/parameters/MagicReply")
            });
            if takes {
                let declared = operation["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect();
                found.push((
                    operation["operationId"].as_str().unwrap().to_string(),
                    declared,
                ));
            }
        }
    }
    found
}

async fn send(app: &SandboxApp, operation: &str, magic: &str) -> (u16, Value) {
    let individual = example_json(kyc_sandbox::spec::iluma(), "screen_individual");
    let entity = example_json(kyc_sandbox::spec::iluma(), "screen_entity");
    let request = match operation {
        "get_callback_authentication_token" => iluma_request(
            Method::GET,
            "/v1/callback/authentication_tokens",
            None,
            Some(magic),
        ),
        "screen_individual" => iluma_request(
            Method::POST,
            "/v0/identity/individual_cft_peps",
            Some(&individual),
            Some(magic),
        ),
        "screen_entity" => iluma_request(
            Method::POST,
            "/v0/identity/entity_cft_peps",
            Some(&entity),
            Some(magic),
        ),
        "get_individual_screening" | "get_entity_screening" => {
            let (path, body) = if operation == "get_individual_screening" {
                ("/v0/identity/individual_cft_peps", &individual)
            } else {
                ("/v0/identity/entity_cft_peps", &entity)
            };
            let created = call(app, iluma_request(Method::POST, path, Some(body), None)).await;
            let id = created.body["id"].as_str().unwrap().to_string();
            iluma_request(Method::GET, &format!("{path}/{id}"), None, Some(magic))
        }
        "get_cft_pep_listing" => iluma_request(
            Method::GET,
            &format!("/v0/identity/cft_pep_listings/{EKO_HADI_SALIM}"),
            None,
            Some(magic),
        ),
        "verify_id_card" => ktp_request(ktp_form("3275031210930027", &selfie()), Some(magic)),
        other => panic!("no request for {other}"),
    };
    let reply = call(app, request).await;
    (reply.status.as_u16(), reply.body)
}

/// Sends `value` to every operation and checks status, body and (for states) the state.
async fn check(value: &str) {
    let spec = spec();
    let accepted: Vec<&str> = spec["components"]["schemas"]["MagicReply"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        accepted.contains(&value),
        "{value} is not in the spec's MagicReply"
    );
    let app = in_process();
    let operations = operations(&spec);
    assert_eq!(operations.len(), 7);
    for (operation, declared) in operations {
        let expected = expected_status(&spec, &declared, &operation, value);
        let (status, body) = send(&app, &operation, value).await;
        assert_eq!(status, expected, "{value} on {operation}: {body}");
        let error_applies = status != 200
            && spec["components"]["schemas"]["IlumaErrorCode"]["x-status"][value].as_u64()
                == Some(u64::from(status));
        if error_applies {
            assert_eq!(body["error_code"], value, "{value} on {operation}");
        } else if status == 400 {
            assert_eq!(body["errors"][0]["field"], "x-magic-reply", "{operation}");
        }
        if status == 200 && states_of(&operation).contains(&value) {
            let state = match value {
                "COMPLETED_FOUND" => ("COMPLETED", Some(true)),
                "COMPLETED_NOT_FOUND" => ("COMPLETED", Some(false)),
                other => (other, None),
            };
            assert_eq!(body["status"], state.0, "{value} on {operation}");
            if let Some(found) = state.1 {
                assert_eq!(body["is_found"], found);
            }
        }
    }
}

#[tokio::test]
async fn magic_completed() {
    check("COMPLETED").await;
}

#[tokio::test]
async fn magic_completed_found() {
    check("COMPLETED_FOUND").await;
}

#[tokio::test]
async fn magic_completed_not_found() {
    check("COMPLETED_NOT_FOUND").await;
}

#[tokio::test]
async fn magic_failed() {
    check("FAILED").await;
}

#[tokio::test]
async fn magic_api_validation_error() {
    check("API_VALIDATION_ERROR").await;
}

#[tokio::test]
async fn magic_invalid_api_key() {
    check("INVALID_API_KEY").await;
}

#[tokio::test]
async fn magic_api_key_is_not_live_error() {
    check("API_KEY_IS_NOT_LIVE_ERROR").await;
}

#[tokio::test]
async fn magic_data_not_found() {
    check("DATA_NOT_FOUND").await;
}

#[tokio::test]
async fn magic_file_too_large() {
    check("FILE_TOO_LARGE").await;
}

#[tokio::test]
async fn magic_file_too_small() {
    check("FILE_TOO_SMALL").await;
}

#[tokio::test]
async fn magic_unsupported_content_type() {
    check("UNSUPPORTED_CONTENT_TYPE").await;
}

#[tokio::test]
async fn magic_rate_limit_exceeded() {
    check("RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn magic_server_error() {
    check("SERVER_ERROR").await;
}

#[tokio::test]
async fn magic_service_unavailable() {
    check("SERVICE_UNAVAILABLE").await;
}

#[tokio::test]
async fn magic_unknown_value_is_refused_where_400_is_declared() {
    let app = in_process();
    let (status, body) = send(&app, "screen_individual", "EXPLODE").await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "x-magic-reply");
    // get_cft_pep_listing declares no 400: the header is ignored.
    let (status, _) = send(&app, "get_cft_pep_listing", "EXPLODE").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn magic_rate_limit_exceeded_carries_retry_after() {
    let app = in_process();
    let request = iluma_request(
        Method::GET,
        "/v1/callback/authentication_tokens",
        None,
        Some("RATE_LIMIT_EXCEEDED"),
    );
    let reply = call(&app, request).await;
    assert_eq!(reply.status, 429);
    assert!(reply.headers.contains_key("retry-after"));
}
