//! KTP verification through the hand-written multipart client: what the sandbox adds to the
//! documented outcomes (which `scenarios.rs` walks from the spec), and every documented error
//! code.
//!
//! Doc: the reference's "KTP Biometrics Verification" section
//! (<https://docs.iluma.ai/#ktp-biometrics-verification>): request, the three example responses and
//! "Id card verifications Errors".

use kyc_clients::iluma::types::{IdCardVerification, IlumaError, MagicReply, VerificationStatus};
use kyc_sandbox::samples::Image;

use crate::support::{
    Harness, Part, call, decode, in_process, ktp_builder, ktp_form, ktp_request, multipart, selfie,
};

async fn verify(nik: &str, magic: Option<MagicReply>) -> IdCardVerification {
    let harness = Harness::start().await;
    let mut request = ktp_builder(&harness.iluma, nik);
    if let Some(magic) = magic {
        request = request.x_magic_reply(magic);
    }
    let verification = request.send().await.expect("200").into_inner();
    assert!(verification.id.to_string().starts_with("idvr_"));
    assert_eq!(verification.id_card_number.typed().unwrap().as_str(), nik);
    verification
}

// x-magic-reply state values on the KTP verification.
#[tokio::test]
async fn ktp_magic_completed_found() {
    let verification = verify("3275031210930021", Some(MagicReply::CompletedFound)).await;
    assert_eq!(verification.is_found, Some(true));
    assert!(verification.result.expect("result").is_name_match);
}

#[tokio::test]
async fn ktp_magic_completed() {
    let verification = verify("3275031210930099", Some(MagicReply::Completed)).await;
    assert_eq!(verification.status, Some(VerificationStatus::Completed));
}

// Result schema: is_name_match false when the name differs from Dukcapil's record.
#[tokio::test]
async fn ktp_mismatched_data_is_reported() {
    let harness = Harness::start().await;
    let verification = harness
        .iluma
        .verify_id_card()
        .name("someone else")
        .id_card_number("3275031210930027")
        .selfie(selfie())
        .send()
        .await
        .unwrap()
        .into_inner();
    let result = verification.result.expect("found");
    assert!(!result.is_name_match);
    // Optional card data not sent is not compared.
    assert_eq!(result.is_birthdate_match, None);
}

// Errors: API_VALIDATION_ERROR 400 "Missing form fields are provided in the response payload."
#[tokio::test]
async fn ktp_missing_fields_are_named() {
    let app = in_process();
    let body = multipart(&[Part::Text("birthdate", "1991-10-12")]);
    let reply = call(&app, ktp_request(body, None)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["error_code"], "API_VALIDATION_ERROR");
    let errors = reply.body["errors"].as_array().unwrap();
    let named = |field: &str| errors.iter().any(|e| e["field"] == field);
    assert!(
        named("name") && named("id_card_number") && named("selfie") && named("birthdate"),
        "{errors:?}"
    );
}

// Request: name "Min - 2 characters, Max - 100 characters".
#[tokio::test]
async fn ktp_name_length_is_validated() {
    let app = in_process();
    let too_long = "x".repeat(101);
    for name in ["a", too_long.as_str()] {
        let body = multipart(&[
            Part::Text("name", name),
            Part::Text("id_card_number", "3275031210930027"),
            Part::File("selfie", "image/jpeg", &selfie()),
        ]);
        let reply = call(&app, ktp_request(body, None)).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body["errors"][0]["field"], "name");
    }
}

// Errors: FILE_TOO_LARGE 413 (max 500 KB).
#[tokio::test]
async fn ktp_selfie_too_large_is_413() {
    let app = in_process();
    let large = Image::jpeg(800, 800).bytes(512_001);
    let reply = call(
        &app,
        ktp_request(ktp_form("3275031210930027", &large), None),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["error_code"], "FILE_TOO_LARGE");
}

// Errors: FILE_TOO_SMALL 413 (min 100 KB).
#[tokio::test]
async fn ktp_selfie_too_small_is_413() {
    let app = in_process();
    let small = Image::jpeg(800, 800).bytes(100 * 1024 - 1);
    let reply = call(
        &app,
        ktp_request(ktp_form("3275031210930027", &small), None),
    )
    .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["error_code"], "FILE_TOO_SMALL");
}

// Errors: UNSUPPORTED_CONTENT_TYPE 415 ("Supported mime types: image/jpeg, image/png").
#[tokio::test]
async fn ktp_selfie_of_the_wrong_type_is_415() {
    let app = in_process();
    let svg = Image::svg(800, 800).bytes(150 * 1024);
    let reply = call(&app, ktp_request(ktp_form("3275031210930027", &svg), None)).await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.body["error_code"], "UNSUPPORTED_CONTENT_TYPE");
    // A PNG declared as JPEG is refused too.
    let png = Image::png(800, 800).bytes(150 * 1024);
    let reply = call(&app, ktp_request(ktp_form("3275031210930027", &png), None)).await;
    assert_eq!(reply.status, 415);
}

// Request: selfie "500x500 pixels" minimum.
#[tokio::test]
async fn ktp_selfie_below_500_pixels_is_400() {
    let app = in_process();
    let narrow = Image::jpeg(499, 800).bytes(150 * 1024);
    let reply = call(
        &app,
        ktp_request(ktp_form("3275031210930027", &narrow), None),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["errors"][0]["field"], "selfie");
}

#[tokio::test]
async fn ktp_png_selfies_are_accepted() {
    let harness = Harness::start().await;
    let verification = harness
        .iluma
        .verify_id_card()
        .name("penito kristian")
        .id_card_number("3275031210930027")
        .selfie(Image::png(500, 500).bytes(200 * 1024))
        .send()
        .await
        .expect("png accepted");
    assert_eq!(verification.is_found, Some(true));
}

// Errors table, decoded with the generated type. Sent raw: the client refuses a selfie under
// the spec's minimum before sending it.
#[tokio::test]
async fn ktp_error_codes_decode_with_the_generated_type() {
    let app = in_process();
    let small = Image::jpeg(800, 800).bytes(50 * 1024);
    let reply = call(
        &app,
        ktp_request(ktp_form("3275031210930027", &small), None),
    )
    .await;
    assert_eq!(reply.status, 413);
    let error: IlumaError = decode(&reply.body);
    assert_eq!(error.error_code, Some("FILE_TOO_SMALL".into()));
    assert_eq!(error.message.as_deref(), Some("Selfie image too small"));
}
