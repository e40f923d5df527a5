//! Typed errors: every documented error kind of both vendors, whether it is charged and
//! retryable (from the docs' tables, through the spec's `x-charged`), and error bodies the spec
//! does not know yet.

use kyc_clients::{Environment, VendorError, iluma, kredibel};
use serde_json::json;

use crate::support::CaptureServer;

async fn kredibel_error(
    server: &CaptureServer,
    status: u16,
    body: serde_json::Value,
) -> kredibel::Error {
    server.reply_with(status, body);
    let options = kyc_clients::ClientOptions {
        retry: kyc_clients::RetryPolicy::none(),
        ..Default::default()
    };
    let client = kredibel::Client::with_options(
        Environment::Custom(server.base_url.clone()),
        "key",
        options,
    )
    .unwrap();
    let image = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        crate::support::synthetic_jpeg(640, 640, 120 * 1024),
    );
    client
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id("1234567890123456")
                .face_image(image),
        )
        .send()
        .await
        .unwrap_err()
        .into()
}

#[tokio::test]
async fn kredibel_error_types_know_whether_they_are_charged() {
    let server = CaptureServer::start().await;
    for (error_type, charged) in [
        ("invalid_base64_encoding", false),
        ("image_too_large", false),
        ("no_face_detected", true),
        ("request_error", false),
    ] {
        let body = json!({"errors": {"errorId": "3b4c5d6e-7f80-4192-a334-4b5c6d7e8f90", "errorType": error_type}, "message": "m"});
        let err = kredibel_error(&server, 422, body).await;
        let kind = err.kind().expect("an API error");
        assert!(
            matches!(kind, kredibel::ErrorKind::Type(t) if t.to_string() == error_type),
            "{kind:?}"
        );
        assert_eq!(err.is_charged(), charged, "{error_type}");
        assert!(!err.is_retryable());
        assert_eq!(err.error_id(), Some("3b4c5d6e-7f80-4192-a334-4b5c6d7e8f90"));
        assert!(err.to_string().contains(error_type), "{err}");
    }
}

#[tokio::test]
async fn kredibel_validation_unauthenticated_unknown_and_5xx() {
    let server = CaptureServer::start().await;
    let err = kredibel_error(&server, 400, json!({"errors": {"identityId": ["Unknown field."]}, "message": "Input payload validation failed."})).await;
    let VendorError::Api(api) = &err else {
        panic!("{err}")
    };
    assert_eq!(api.kind, kredibel::ErrorKind::ValidationFailed);
    assert_eq!(api.fields, vec!["identityId".to_string()]);
    assert!(!err.is_charged());

    let err = kredibel_error(&server, 401, json!({"message": "Unauthenticated."})).await;
    assert_eq!(err.kind(), Some(&kredibel::ErrorKind::Unauthenticated));

    // An errorType the spec does not list: decoded leniently, counted as charged.
    let err = kredibel_error(
        &server,
        422,
        json!({"errors": {"errorId": "x", "errorType": "face_too_old"}, "message": "m"}),
    )
    .await;
    assert_eq!(
        err.kind(),
        Some(&kredibel::ErrorKind::Unknown("face_too_old".into()))
    );
    assert!(err.is_charged());

    let err = kredibel_error(&server, 503, json!({"message": "Service unavailable"})).await;
    assert!(err.is_retryable() && !err.is_charged());
}

#[tokio::test]
async fn vendor_messages_are_kept_masked_and_never_printed() {
    let server = CaptureServer::start().await;
    let err = kredibel_error(
        &server,
        422,
        json!({"message": "NIK 1234567890123456 is not registered"}),
    )
    .await;
    let VendorError::Api(api) = &err else {
        panic!("{err}")
    };
    assert_eq!(api.message, "NIK **************** is not registered");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("registered"), "{shown}");
    }
    let length = format!("[{} chars]", api.message.chars().count());
    assert!(format!("{err:?}").contains(&length), "{err:?}");
}

#[tokio::test]
async fn an_answer_that_does_not_decode_names_the_operation_path_and_billing() {
    let server = CaptureServer::start().await;
    // A success that does not decode: the check ran, so it may be billed.
    let err = kredibel_error(
        &server,
        200,
        json!({"message": "ok", "data": {"id": "64d07984-81a8-4e79-ad16-a439f5885075", "identityId": "1234567890123456", "isValid": "yes", "isActive": true, "response": {"face": true, "faceSimilarity": 1.0}}}),
    )
    .await;
    let VendorError::Decode(decode) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        (decode.vendor(), decode.operation(), decode.status()),
        (Some("kredibel"), Some("verify_biometric"), 200)
    );
    assert_eq!(decode.path(), "data.isValid");
    assert_eq!(decode.problem(), "expected a boolean, found string");
    assert!(err.is_charged() && decode.may_be_charged());
    assert_eq!(
        err.to_string(),
        "kredibel verify_biometric: the HTTP 200 answer does not match the spec at `data.isValid`: expected a boolean, found string; the call may have been billed"
    );

    // Not JSON at all, under a status the spec says is never billed.
    let err = kredibel_error(&server, 503, json!("<html>busy</html>")).await;
    let VendorError::Decode(decode) = &err else {
        panic!("{err}")
    };
    assert_eq!((decode.path(), decode.status()), ("", 503));
    assert!(!err.is_charged() && !decode.may_be_charged());
    assert!(!err.to_string().contains("billed"), "{err}");
    assert!(!err.to_string().contains("busy"), "{err}");
}

#[tokio::test]
async fn every_iluma_error_code_is_typed_and_not_charged() {
    let server = CaptureServer::start().await;
    let client = iluma::Client::with_options(
        Environment::Custom(server.base_url.clone()),
        "iluma_development_key",
        kyc_clients::ClientOptions {
            retry: kyc_clients::RetryPolicy::none(),
            ..Default::default()
        },
    )
    .unwrap();
    for (code, status) in [
        ("API_VALIDATION_ERROR", 400),
        ("INVALID_API_KEY", 401),
        ("API_KEY_IS_NOT_LIVE_ERROR", 403),
        ("DATA_NOT_FOUND", 404),
        ("RATE_LIMIT_EXCEEDED", 429),
        ("SERVER_ERROR", 500),
        ("SERVICE_UNAVAILABLE", 503),
    ] {
        server.reply_with(status, json!({"error_code": code, "message": "m", "errors": [{"field": "selfie", "message": "is required"}]}));
        // Each operation declares the statuses it can answer; pick one that declares this one.
        let err = if status == 404 {
            client
                .get_cft_pep_listing()
                .id("x")
                .send()
                .await
                .unwrap_err()
        } else {
            client
                .screen_individual()
                .body(
                    crate::support::individual_screening()
                        .user_id("u")
                        .given_names("A B")
                        .nationality("ID")
                        .scopes(vec![iluma::types::Scope::Pep]),
                )
                .send()
                .await
                .unwrap_err()
        };
        let err = iluma::Error::from(err);
        assert!(
            matches!(err.kind(), Some(iluma::ErrorKind::Code(c)) if c.to_string() == code),
            "{code}: got {err} ({err:?})"
        );
        assert!(err.to_string().contains(code), "{err}");
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_charged(), "{code}");
        assert_eq!(err.is_retryable(), status == 429 || status >= 500, "{code}");
    }
    server.reply_with(418, json!({"error_code": "TEAPOT", "message": "m"}));
    let err = iluma::Error::from(
        client
            .get_cft_pep_listing()
            .id("x")
            .send()
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, VendorError::UnexpectedStatus(418)), "{err}");
}

#[test]
fn errors_can_cross_threads_and_be_boxed() {
    fn boxable<T: std::error::Error + Send + Sync + 'static>() {}
    boxable::<kyc_clients::Error<kredibel::types::KredibelError>>();
    boxable::<kyc_clients::Error<iluma::types::IlumaError>>();
    boxable::<kredibel::Error>();
    boxable::<iluma::Error>();
    boxable::<kyc_clients::DecodeError>();
}
