//! `kyc kredibel …`: certificate issuance and biometric verification.

use kyc_spec::image::sample::Image;
use serde_json::json;

use crate::support::{Files, KREDIBEL_KEY, kyc, sandbox};

const NIK: &str = "1234567890123456";
const NAME: &str = "ASEP SUPRIYADI";

/// A selfie within the certificate limits (JPEG, 480×640, 120 KB) and a card photo (PNG,
/// 640×400, 110 KB).
fn images(files: &Files) -> (std::path::PathBuf, std::path::PathBuf) {
    (
        files.write("selfie.jpg", &Image::jpeg(480, 640).bytes(120 * 1024)),
        files.write("ktp.png", &Image::png(640, 400).bytes(110 * 1024)),
    )
}

#[tokio::test]
async fn issue_certificate_from_flags() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, card) = images(&files);
    let run = kyc(&[
        "kredibel",
        "issue-certificate",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .args(&["--identity-id", "1234567890111112", "--full-name", NAME])
    .args(&[
        "--birth-date",
        "1990-07-06",
        "--email-address",
        "test@email.com",
    ])
    .args(&["--phone-number", "621234567890"])
    .arg_path("--face-image", &face)
    .arg_path("--identity-image", &card)
    .keys()
    .run()
    .await;
    let answer = run.success();
    assert_eq!(answer["data"]["status"], "not_verified");
    assert_eq!(answer["data"]["rejectFields"], json!(["fullName"]));
    assert_eq!(sandbox.requests().count("issue_certificate"), 1);
}

#[tokio::test]
async fn issue_certificate_from_a_body_file_with_a_flag_over_it() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, card) = images(&files);
    let body = files.json(
        "request.json",
        &json!({
            "identityId": NIK,
            "fullName": NAME,
            "birthDate": "1990-07-06",
            "emailAddress": "test@email.com",
            "phoneNumber": "621234567890",
        }),
    );
    let run = kyc(&[
        "kredibel",
        "issue-certificate",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .arg_path("--body", &body)
    .args(&["--identity-id", "1234567890111111"])
    .arg_path("--face-image", &face)
    .arg_path("--identity-image", &card)
    .keys()
    .run()
    .await;
    let answer = run.success();
    assert_eq!(answer["data"]["status"], "not_verified");
    assert_eq!(answer["data"]["rejectFields"], json!(["identityId"]));
}

#[tokio::test]
async fn a_too_small_face_image_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (_, card) = images(&files);
    let small = files.write("small.jpg", &Image::jpeg(480, 640).bytes(50 * 1024));
    let run = kyc(&[
        "kredibel",
        "issue-certificate",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .args(&[
        "--identity-id",
        NIK,
        "--full-name",
        NAME,
        "--birth-date",
        "1990-07-06",
    ])
    .args(&[
        "--email-address",
        "test@email.com",
        "--phone-number",
        "621234567890",
    ])
    .arg_path("--face-image", &small)
    .arg_path("--identity-image", &card)
    .keys()
    .run()
    .await;
    run.failure(2, &["refused before sending", "faceImage", "minimum"]);
    run.stderr_never_shows(&[NIK, NAME, KREDIBEL_KEY, "test@email.com", "621234567890"]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn verify_biometric_masks_the_nik_unless_revealed() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let command = kyc(&["kredibel", "verify-biometric", "--identity-id", NIK])
        .arg_path("--face-image", &face)
        .args(&["--url", &sandbox.kredibel_url()])
        .keys();
    let masked = command.clone().run().await.success();
    assert_eq!(masked["data"]["identityId"], "1234********3456");
    assert_eq!(masked["data"]["response"]["face"], true);
    let revealed = command.args(&["--reveal"]).run().await.success();
    assert_eq!(revealed["data"]["identityId"], NIK);
    assert_eq!(sandbox.requests().count("verify_biometric"), 2);
}

#[tokio::test]
async fn a_bad_nik_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let run = kyc(&[
        "kredibel",
        "verify-biometric",
        "--identity-id",
        "32750312109",
    ])
    .arg_path("--face-image", &face)
    .args(&["--url", &sandbox.kredibel_url()])
    .keys()
    .run()
    .await;
    run.failure(2, &["identityId", "16 digits", "11 characters"]);
    run.stderr_never_shows(&["32750312109", KREDIBEL_KEY]);
    assert_eq!(sandbox.requests().total(), 0);
}

/// The value is in the wrong form: the message names the flag and the form the spec asks for
/// (from the spec's `format`), never the value.
#[tokio::test]
async fn a_malformed_date_names_the_expected_form() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, card) = images(&files);
    let run = kyc(&[
        "kredibel",
        "issue-certificate",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .args(&["--identity-id", NIK, "--full-name", NAME])
    .args(&[
        "--birth-date",
        "06-07-1990",
        "--email-address",
        "test@email.com",
    ])
    .args(&["--phone-number", "621234567890"])
    .arg_path("--face-image", &face)
    .arg_path("--identity-image", &card)
    .keys()
    .run()
    .await;
    run.failure(
        2,
        &["--birth-date (birthDate): is not a date in the form YYYY-MM-DD"],
    );
    run.stderr_never_shows(&["06-07-1990", NIK, NAME]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_missing_required_field_is_named_by_its_flag_and_nothing_is_sent() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let run = kyc(&[
        "kredibel",
        "verify-biometric",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .arg_path("--face-image", &face)
    .keys()
    .run()
    .await;
    run.failure(2, &["--identity-id (identityId): required"]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_vendor_error_exits_1_with_its_kind_status_and_error_id() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let noface = files.write(
        "noface.jpg",
        &Image::jpeg(480, 640)
            .with_trigger("no_face_detected")
            .bytes(120 * 1024),
    );
    let run = kyc(&["kredibel", "verify-biometric", "--identity-id", NIK])
        .arg_path("--face-image", &noface)
        .args(&["--url", &sandbox.kredibel_url()])
        .keys()
        .run()
        .await;
    let line = run.failure(
        1,
        &["kredibel verify-biometric", "no_face_detected", "HTTP 422"],
    );
    assert!(line.contains("error id "), "{line}");
    // The docs' table: Kredibel bills `no_face_detected`.
    assert!(line.ends_with(", may be charged"), "{line}");
    run.stderr_never_shows(&[NIK, KREDIBEL_KEY]);
    assert_eq!(sandbox.requests().count("verify_biometric"), 1);
}

#[tokio::test]
async fn without_a_key_nothing_is_sent() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let run = kyc(&["kredibel", "verify-biometric", "--identity-id", NIK])
        .arg_path("--face-image", &face)
        .args(&["--url", &sandbox.kredibel_url()])
        .run()
        .await;
    run.failure(2, &["KREDIBEL_API_KEY is not set"]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_blank_key_counts_as_unset() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let run = kyc(&["kredibel", "verify-biometric", "--identity-id", NIK])
        .arg_path("--face-image", &face)
        .args(&["--url", &format!("{}/", sandbox.kredibel_url())])
        .env("KREDIBEL_API_KEY", " ")
        .run()
        .await;
    // A blank variable counts as unset.
    run.failure(2, &["KREDIBEL_API_KEY is not set"]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_field_the_spec_does_not_define_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let (face, _) = images(&files);
    let body = files.json("request.json", &json!({"identityId": NIK, "selfie": "x"}));
    let run = kyc(&[
        "kredibel",
        "verify-biometric",
        "--url",
        &sandbox.kredibel_url(),
    ])
    .arg_path("--body", &body)
    .arg_path("--face-image", &face)
    .keys()
    .run()
    .await;
    run.failure(2, &["selfie: not a field the spec defines", "`faceImage`"]);
    run.stderr_never_shows(&[NIK]);
    assert_eq!(sandbox.requests().total(), 0);
}
