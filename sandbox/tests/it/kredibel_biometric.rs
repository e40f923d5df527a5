//! Biometric verification through the generated Kredibel client: every documented error type
//! and the image formats (the documented outcomes are walked from the spec by `scenarios.rs`).
//!
//! Doc: <https://docs.kredibel.io/identity-verification/biometric-verification>, "Testing" tabs
//! and "Error 4XX".

use kyc_clients::kredibel::types::{
    BiometricVerification, BiometricVerificationRequest, ErrorType, KredibelError,
    KredibelErrorDetails,
};
use kyc_sandbox::samples::Image;
use serde_json::json;

use crate::support::{Harness, call, decode, example_json, in_process, kredibel_post, typed};

async fn verify(harness: &Harness, nik: &str, face_image: String) -> BiometricVerification {
    let response = harness
        .kredibel
        .verify_biometric()
        .body(
            kyc_clients::kredibel::types::builder::BiometricVerificationRequest::from(typed::<
                BiometricVerificationRequest,
            >(
                "the verify_biometric example",
                example_json(kyc_sandbox::spec::kredibel(), "verify_biometric"),
            ))
            .identity_id(nik)
            .face_image(face_image),
        )
        .send()
        .await
        .expect("documented scenario answers 200");
    assert_eq!(
        response.message,
        "Identity biometric verification succeeded."
    );
    response.into_inner().data
}

/// The status and error type of a request the client would refuse to send (it checks the
/// spec's limits first), so sent raw, in-process; the body is decoded with the generated type.
async fn error_type(nik: &str, face_image: String) -> (u16, ErrorType) {
    let app = in_process();
    let body = json!({"identityId": nik, "faceImage": face_image});
    let reply = call(
        &app,
        kredibel_post("/v1/identity/verification/biometric", &body),
    )
    .await;
    let error: KredibelError = decode(&reply.body);
    match error.errors {
        Some(KredibelErrorDetails::ErrorReference(reference)) => (
            reply.status.as_u16(),
            reference.error_type.expect("errorType"),
        ),
        other => panic!("expected an errorType, got {other:?}"),
    }
}

// Error 4XX table: invalid_base64_encoding.
#[tokio::test]
async fn biometric_invalid_base64_encoding() {
    let (status, kind) = error_type("1234567890123456", "data:image/png;base64,iVBOR".into()).await;
    assert_eq!((status, kind), (400, ErrorType::InvalidBase64Encoding));
}

// Error 4XX table: image_too_large (docs: max 1 MB).
#[tokio::test]
async fn biometric_image_too_large() {
    let too_large = Image::jpeg(480, 640).base64(1024 * 1024 + 1);
    let (status, kind) = error_type("1234567890123456", too_large).await;
    assert_eq!((status, kind), (413, ErrorType::ImageTooLarge));
}

// Error 4XX table: no_face_detected, by the sandbox's documented trigger (README).
#[tokio::test]
async fn biometric_no_face_detected() {
    let no_face = Image::jpeg(480, 640)
        .with_trigger("no_face_detected")
        .base64(100 * 1024);
    let (status, kind) = error_type("1234567890123456", no_face).await;
    assert_eq!((status, kind), (422, ErrorType::NoFaceDetected));
}

// Error 4XX table: request_error, by the sandbox's documented trigger (README).
#[tokio::test]
async fn biometric_request_error() {
    let unreachable = Image::png(480, 640)
        .with_trigger("request_error")
        .base64(100 * 1024);
    let (status, kind) = error_type("1234567890123456", unreachable).await;
    assert_eq!((status, kind), (424, ErrorType::RequestError));
}

// Docs: "Supports: JPG, JPEG, PNG, SVG": SVG is accepted, GIF is not.
#[tokio::test]
async fn biometric_image_formats() {
    let harness = Harness::start().await;
    let svg = Image::svg(480, 640).base64(20 * 1024);
    let data = verify(&harness, "1234567890123456", svg).await;
    assert_eq!(data.response.face, Some(true));

    let app = in_process();
    let gif = json!({"identityId": "1234567890123456", "faceImage": "R0lGODlhAQABAAAAACw="});
    let reply = call(
        &app,
        kredibel_post("/v1/identity/verification/biometric", &gif),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body["errors"]["faceImage"],
        json!(["Unsupported image format; send one of: jpeg, png, svg."])
    );
}

#[tokio::test]
async fn biometric_missing_and_unknown_fields() {
    let app = in_process();
    let body = json!({"identityId": "1234567890123456", "face": "x"});
    let reply = call(
        &app,
        kredibel_post("/v1/identity/verification/biometric", &body),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        json!({
            "errors": {"face": ["Unknown field."], "faceImage": ["Missing required parameter."]},
            "message": "Input payload validation failed."
        })
    );
}
