//! Certificate issuance through the generated Kredibel client: the "unique per NIK" rule and
//! how it meets the documented NIKs (whose outcomes `scenarios.rs` walks from the spec), and
//! the validation errors.
//!
//! Doc: <https://docs.kredibel.io/certificate-issuance>, "Testing" tabs.

use kyc_clients::kredibel::types::{
    CertificateIssuance, CertificateIssuanceRequest, CertificateStatus, ErrorReference, ErrorType,
    KredibelError, KredibelErrorDetails, RejectField,
};
use serde_json::json;

use crate::support::{
    Harness, call, certificate_json, certificate_request, decode, in_process, kredibel_post,
};

async fn issue(nik: &str) -> CertificateIssuance {
    let harness = Harness::start().await;
    issue_on(&harness, certificate_request(nik)).await
}

async fn issue_on(
    harness: &Harness,
    request: kyc_clients::kredibel::types::builder::CertificateIssuanceRequest,
) -> CertificateIssuance {
    let response = harness
        .kredibel
        .issue_certificate()
        .body(request)
        .send()
        .await
        .expect("documented scenario answers 200");
    assert_eq!(
        response.message,
        "Certificate electronic verification has been done"
    );
    let issuance = response.into_inner().data;
    assert!(issuance.reference_id.to_string().starts_with("ref_certel#"));
    issuance
}

fn outcome(issuance: &CertificateIssuance) -> (CertificateStatus, Vec<RejectField>) {
    (issuance.status.clone(), issuance.reject_fields.clone())
}

// Doc tab "All Match": any other identityId is verified too.
#[tokio::test]
async fn certificate_any_other_nik_is_verified() {
    let issuance = issue("3201234567890001").await;
    assert_eq!(outcome(&issuance), (CertificateStatus::Verified, vec![]));
}

// Doc: "Email address (must be unique per NIK)", "phone number ... (must be unique per nik)",
// and the hint "the email, phone number, or both have been used by another NIK".
#[tokio::test]
async fn certificate_contacts_are_unique_per_nik() {
    let harness = Harness::start().await;
    let first = |nik: &str, email: &str, phone: &str| {
        certificate_request(nik)
            .email_address(email.to_string())
            .phone_number(phone.to_string())
    };
    let owner = issue_on(
        &harness,
        first("3201000000000001", "owner@example.id", "6281100000001"),
    )
    .await;
    assert_eq!(outcome(&owner), (CertificateStatus::Verified, vec![]));
    // The same NIK may use its own contacts again.
    let again = issue_on(
        &harness,
        first("3201000000000001", "OWNER@example.id", "6281100000001"),
    )
    .await;
    assert_eq!(outcome(&again), (CertificateStatus::Verified, vec![]));
    let email_taken = issue_on(
        &harness,
        first("3201000000000002", "owner@example.id", "6281100000002"),
    )
    .await;
    assert_eq!(
        outcome(&email_taken),
        (
            CertificateStatus::VerifiedWithReason,
            vec![RejectField::EmailAddress]
        )
    );
    let both_taken = issue_on(
        &harness,
        first("3201000000000003", "owner@example.id", "6281100000001"),
    )
    .await;
    assert_eq!(
        outcome(&both_taken),
        (
            CertificateStatus::VerifiedWithReason,
            vec![RejectField::PhoneNumber, RejectField::EmailAddress]
        )
    );
}

// The decision documented in sandbox/README.md: the documented NIKs neither claim nor check
// ownership, so the docs' examples (all sharing one email and phone) answer as documented in
// any order, and do not block other NIKs.
#[tokio::test]
async fn certificate_documented_niks_neither_claim_nor_check_contacts() {
    let harness = Harness::start().await;
    let spec = kyc_sandbox::spec::kredibel();
    let cases = crate::scenarios::scenarios(spec);
    for case in cases
        .iter()
        .filter(|c| c.operation_id == "issue_certificate")
    {
        let request = crate::support::example_of::<CertificateIssuanceRequest, _>(spec, case);
        let issuance = issue_on(&harness, request).await;
        let documented = case.response.and_then(|r| r.pointer("/data/status"));
        assert_eq!(
            Some(&json!(issuance.status)),
            documented,
            "{}",
            crate::scenarios::label(spec, case)
        );
    }
    // Another NIK with the examples' email and phone: nobody owns them.
    let other = issue_on(&harness, certificate_request("3201000000000009")).await;
    assert_eq!(outcome(&other), (CertificateStatus::Verified, vec![]));
}

// Responses & Errors page: the validation shape, `Unknown field.` for an unknown field.
#[tokio::test]
async fn certificate_unknown_and_missing_fields_are_named() {
    let app = in_process();
    let mut body = certificate_json("1234567890123456");
    body["nickname"] = json!("asep");
    body.as_object_mut().unwrap().remove("birthDate");
    let reply = call(&app, kredibel_post("/v1/certificate/issuance", &body)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["message"], "Input payload validation failed.");
    assert_eq!(reply.body["errors"]["nickname"], json!(["Unknown field."]));
    assert_eq!(
        reply.body["errors"]["birthDate"],
        json!(["Missing required parameter."])
    );
}

// Docs: identityId `len: 16`, birthDate `format: yyyy-mm-dd`.
#[tokio::test]
async fn certificate_nik_and_date_formats_are_validated() {
    let app = in_process();
    let mut body = certificate_json("12345");
    body["birthDate"] = json!("06-07-1990");
    let reply = call(&app, kredibel_post("/v1/certificate/issuance", &body)).await;
    assert_eq!(reply.status, 400);
    let errors = reply.body["errors"].as_object().unwrap();
    assert!(errors.contains_key("identityId"), "{errors:?}");
    assert_eq!(
        errors["birthDate"],
        json!(["Must be a date as YYYY-MM-DD."])
    );
    // The NIK is never echoed back.
    assert!(!reply.body.to_string().contains("12345\""));
}

// Docs: faceImage min 480×640 px and 100 KB; identityImage max 2 MB (spec x-min-pixels,
// x-min-bytes, x-max-bytes).
#[tokio::test]
async fn certificate_image_limits_come_from_the_spec() {
    use kyc_sandbox::samples::Image;
    let app = in_process();
    let mut small = certificate_json("1234567890123456");
    small["faceImage"] = json!(Image::jpeg(479, 640).base64(99 * 1024));
    let reply = call(&app, kredibel_post("/v1/certificate/issuance", &small)).await;
    assert_eq!(reply.status, 400);
    // The first limit broken (the size, before the pixels), in the words the client uses.
    assert_eq!(
        reply.body["errors"]["faceImage"],
        json!(["The image is 101,376 bytes (99 KB); the minimum is 102,400 bytes (100 KB)."])
    );

    let mut large = certificate_json("1234567890123456");
    large["identityImage"] = json!(Image::png(640, 400).base64(2 * 1024 * 1024 + 1));
    let reply = call(&app, kredibel_post("/v1/certificate/issuance", &large)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["errors"]["errorType"], "image_too_large");
}

// Auth page: `Authorization: Bearer <key>`; Responses & Errors: `{message}` body.
#[tokio::test]
async fn certificate_without_a_key_is_401() {
    let app = in_process();
    for authorization in [None, Some("Bearer "), Some("Basic abc")] {
        let mut request = kredibel_post(
            "/v1/certificate/issuance",
            &certificate_json("1234567890123456"),
        );
        match authorization {
            Some(value) => {
                request
                    .headers_mut()
                    .insert("authorization", value.parse().unwrap());
            }
            None => {
                request.headers_mut().remove("authorization");
            }
        }
        let reply = call(&app, request).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, json!({"message": "Unauthenticated."}));
    }
}

// Error 4XX structure `{errors: {errorId, errorType}, message}`, decoded with the generated
// type. Sent raw: the client refuses to send an image that is not base64.
#[tokio::test]
async fn certificate_error_body_decodes_with_the_generated_type() {
    let app = in_process();
    let mut body = certificate_json("1234567890123456");
    body["faceImage"] = json!("@@not base64@@");
    let reply = call(&app, kredibel_post("/v1/certificate/issuance", &body)).await;
    assert_eq!(reply.status, 400);
    let error: KredibelError = decode(&reply.body);
    assert_eq!(error.message, "Invalid base64 encoding.");
    assert!(matches!(
        error.errors,
        Some(KredibelErrorDetails::ErrorReference(ErrorReference {
            error_type: Some(ErrorType::InvalidBase64Encoding),
            ..
        }))
    ));
}
