//! `kyc iluma …`: health, callback token, API keys, screenings, the watchlist record and the
//! multipart KTP verification.

use kyc_spec::image::sample::Image;
use serde_json::{Value, json};

use crate::support::{Files, ILUMA_KEY, kyc, sandbox};

/// The documented watchlist profile of Eko Hadi Salim.
const EKO_HADI_SALIM: &str = "2dc667a4-d232-4d51-a561-631ce966fb2c";
const KTP_NIK: &str = "3275031210930027";
const KTP_NAME: &str = "penito kristian";

#[tokio::test]
async fn get_health_takes_no_key() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-health", "--url", &sandbox.iluma_url()])
        .run()
        .await;
    assert_eq!(run.success(), json!({"status": "ok"}));
    assert_eq!(sandbox.requests().count("get_health"), 1);
}

#[tokio::test]
async fn the_callback_token_is_masked_unless_revealed() {
    let sandbox = sandbox().await;
    let command = kyc(&["iluma", "get-callback-authentication-token"])
        .args(&["--url", &sandbox.iluma_url()])
        .keys();
    assert_eq!(
        command.clone().run().await.success(),
        json!({"token": "[redacted]"})
    );
    let revealed = command.args(&["--reveal"]).run().await.success();
    assert_eq!(revealed["token"], sandbox.app().callback_token());
}

#[tokio::test]
async fn a_magic_reply_error_exits_1_with_the_code_and_status() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-callback-authentication-token"])
        .args(&[
            "--x-magic-reply",
            "INVALID_API_KEY",
            "--url",
            &sandbox.iluma_url(),
        ])
        .keys()
        .run()
        .await;
    run.failure(1, &["INVALID_API_KEY", "HTTP 401"]);
    run.stderr_never_shows(&[ILUMA_KEY]);
}

#[tokio::test]
async fn a_magic_reply_the_spec_does_not_list_is_a_usage_error() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-cft-pep-listing", "--id", EKO_HADI_SALIM])
        .args(&[
            "--x-magic-reply",
            "NOT_A_STATE",
            "--url",
            &sandbox.iluma_url(),
        ])
        .keys()
        .run()
        .await;
    run.failure(
        2,
        &["--x-magic-reply", "possible values: ", "DATA_NOT_FOUND"],
    );
    run.stderr_never_shows(&["NOT_A_STATE"]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn get_api_keys_prints_the_keys_and_the_token_is_single_use() {
    let sandbox = sandbox().await;
    let token = "single-use-token-8d1f";
    let command = kyc(&["iluma", "get-api-keys", "--business-id", "5abc"])
        .args(&["--url", &sandbox.iluma_url()])
        .env("ILUMA_API_KEYS_TOKEN", token);
    let answer = command.clone().run().await.success();
    assert_eq!(answer["business_id"], "5abc");
    // Printed in full without --reveal: the token cannot fetch them again.
    let key = answer["api_keys"][0]["key"].as_str().expect("a key");
    assert!(
        key.starts_with("iluma_development_") && key.len() > 30,
        "{key}"
    );
    let again = command.run().await;
    again.failure(1, &["iluma get-api-keys", "DATA_NOT_FOUND", "HTTP 404"]);
    again.stderr_never_shows(&[token, key]);
    assert_eq!(sandbox.requests().count("get_api_keys"), 2);
}

#[tokio::test]
async fn get_api_keys_reads_the_token_from_stdin() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-api-keys", "--business-id", "b-42"])
        .args(&["--url", &sandbox.iluma_url()])
        .stdin(b"stdin-token-42\n")
        .run()
        .await;
    assert_eq!(run.success()["business_id"], "b-42");
}

#[tokio::test]
async fn get_api_keys_without_a_token_sends_nothing() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-api-keys", "--business-id", "5abc"])
        .args(&["--url", &sandbox.iluma_url()])
        .run()
        .await;
    run.failure(2, &["no token", "ILUMA_API_KEYS_TOKEN", "never as a flag"]);
    assert_eq!(sandbox.requests().total(), 0);
    // And there is no flag to give it with.
    let flag = kyc(&[
        "iluma",
        "get-api-keys",
        "--business-id",
        "5abc",
        "--token",
        "t",
    ])
    .args(&["--url", &sandbox.iluma_url()])
    .run()
    .await;
    flag.failure(2, &["--token"]);
    assert_eq!(sandbox.requests().total(), 0);
}

/// `kyc iluma screen-individual` for the docs' example; the answer.
async fn screen_eko(url: &str) -> Value {
    kyc(&["iluma", "screen-individual", "--url", url])
        .args(&["--user-id", "foo123", "--given-names", "Eko Hadi Salim"])
        .args(&[
            "--nationality",
            "ID",
            "--scopes",
            "PEP,SANCTION",
            "--scopes",
            "OTHER",
        ])
        .args(&["--score-threshold", "90"])
        .keys()
        .run()
        .await
        .success()
}

#[tokio::test]
async fn screen_individual_then_get_it_by_id() {
    let sandbox = sandbox().await;
    let screening = screen_eko(&sandbox.iluma_url()).await;
    assert_eq!(screening["status"], "COMPLETED");
    assert_eq!(screening["scopes"], json!(["PEP", "SANCTION", "OTHER"]));
    assert_eq!(screening["score_threshold"], 90);
    // Names are masked along the spec's x-pii paths; ids are not personal data.
    assert_eq!(screening["given_names"], "[name: 14 chars]");
    let first = &screening["results"][0];
    assert_eq!(first["id"], EKO_HADI_SALIM);
    assert_eq!(first["names"], json!(["[name: 14 chars]"]));
    assert_eq!(first["dates_of_birth"], json!(["[birth date]"]));

    let id = screening["id"].as_str().expect("an id");
    let fetched = kyc(&["iluma", "get-individual-screening", "--id", id])
        .args(&["--url", &sandbox.iluma_url()])
        .keys()
        .run()
        .await
        .success();
    assert_eq!(fetched, screening);
    assert_eq!(sandbox.requests().count("get_individual_screening"), 1);
}

#[tokio::test]
async fn an_unknown_screening_is_the_vendors_404() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-individual-screening", "--id", "cftpi_unknown"])
        .args(&["--url", &sandbox.iluma_url()])
        .keys()
        .run()
        .await;
    run.failure(1, &["DATA_NOT_FOUND", "HTTP 404", "not charged"]);
}

#[tokio::test]
async fn an_empty_id_is_refused_with_the_specs_rule() {
    let sandbox = sandbox().await;
    let run = kyc(&["iluma", "get-individual-screening", "--id", ""])
        .args(&["--url", &sandbox.iluma_url()])
        .keys()
        .run()
        .await;
    run.failure(
        2,
        &["refused before sending", "id: must be at least 1 character"],
    );
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_bad_nationality_in_a_body_file_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let body = files.json(
        "screening.json",
        &json!({
            "user_id": "foo123",
            "given_names": "Eko Hadi Salim",
            "nationality": "Indonesia",
            "scopes": ["PEP"],
        }),
    );
    let run = kyc(&["iluma", "screen-individual", "--url", &sandbox.iluma_url()])
        .arg_path("--body", &body)
        .keys()
        .run()
        .await;
    run.failure(2, &["refused before sending", "nationality"]);
    run.stderr_never_shows(&["Eko", "Indonesia", ILUMA_KEY]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn screen_entity_then_get_it_by_id() {
    let sandbox = sandbox().await;
    let screening = kyc(&["iluma", "screen-entity", "--url", &sandbox.iluma_url()])
        .args(&[
            "--user-id",
            "foo123",
            "--name",
            "intel",
            "--business-domicile",
            "US",
        ])
        .args(&["--scopes", "PEP", "--score-threshold", "95"])
        .keys()
        .run()
        .await
        .success();
    assert_eq!(screening["status"], "COMPLETED");
    assert_eq!(
        screening["results"][0]["id"],
        "ed84802c-d73d-4d22-8897-5bc771709073"
    );
    let id = screening["id"].as_str().expect("an id");
    let fetched = kyc(&["iluma", "get-entity-screening", "--id", id])
        .args(&["--url", &sandbox.iluma_url()])
        .keys()
        .run()
        .await
        .success();
    assert_eq!(fetched, screening);
}

#[tokio::test]
async fn get_cft_pep_listing_and_its_magic_404() {
    let sandbox = sandbox().await;
    let listing = kyc(&["iluma", "get-cft-pep-listing", "--id", EKO_HADI_SALIM])
        .args(&["--url", &sandbox.iluma_url()])
        .keys()
        .run()
        .await
        .success();
    assert_eq!(listing["id"], EKO_HADI_SALIM);
    let missing = kyc(&["iluma", "get-cft-pep-listing", "--id", EKO_HADI_SALIM])
        .args(&[
            "--x-magic-reply",
            "DATA_NOT_FOUND",
            "--url",
            &sandbox.iluma_url(),
        ])
        .keys()
        .run()
        .await;
    missing.failure(1, &["DATA_NOT_FOUND", "HTTP 404"]);
    assert_eq!(sandbox.requests().count("get_cft_pep_listing"), 2);
}

#[tokio::test]
async fn verify_id_card_sends_the_form_and_masks_the_answer() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let selfie = files.write("selfie.jpg", &Image::jpeg(600, 600).bytes(150 * 1024));
    let command = kyc(&["iluma", "verify-id-card", "--url", &sandbox.iluma_url()])
        .args(&[
            "--name",
            KTP_NAME,
            "--id-card-number",
            KTP_NIK,
            "--birthdate",
            "12-10-1991",
        ])
        .arg_path("--selfie", &selfie)
        .keys();
    let answer = command.clone().run().await.success();
    assert_eq!(answer["status"], "COMPLETED");
    assert_eq!(answer["is_found"], true);
    assert_eq!(answer["id_card_number"], "3275********0027");
    assert_eq!(answer["name"], "[name: 15 chars]");
    let revealed = command.args(&["--reveal"]).run().await.success();
    assert_eq!(revealed["id_card_number"], KTP_NIK);
    assert_eq!(sandbox.requests().count("verify_id_card"), 2);
}

#[tokio::test]
async fn verify_id_card_text_fields_can_come_from_a_body_file() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let selfie = files.write("selfie.png", &Image::png(600, 600).bytes(150 * 1024));
    let body = files.json(
        "ktp.json",
        &json!({"name": KTP_NAME, "id_card_number": KTP_NIK}),
    );
    let answer = kyc(&["iluma", "verify-id-card", "--url", &sandbox.iluma_url()])
        .arg_path("--body", &body)
        .arg_path("--selfie", &selfie)
        .args(&["--x-magic-reply", "COMPLETED_NOT_FOUND"])
        .keys()
        .run()
        .await
        .success();
    assert_eq!(answer["is_found"], false);
}

#[tokio::test]
async fn a_too_small_selfie_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let selfie = files.write("small.jpg", &Image::jpeg(600, 600).bytes(50 * 1024));
    let run = kyc(&["iluma", "verify-id-card", "--url", &sandbox.iluma_url()])
        .args(&["--name", KTP_NAME, "--id-card-number", KTP_NIK])
        .arg_path("--selfie", &selfie)
        .keys()
        .run()
        .await;
    run.failure(2, &["refused before sending", "selfie", "minimum"]);
    run.stderr_never_shows(&[KTP_NIK, KTP_NAME, ILUMA_KEY]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_bad_ktp_nik_is_refused_before_sending() {
    let sandbox = sandbox().await;
    let files = Files::new();
    let selfie = files.write("selfie.jpg", &Image::jpeg(600, 600).bytes(150 * 1024));
    let run = kyc(&["iluma", "verify-id-card", "--url", &sandbox.iluma_url()])
        .args(&["--name", KTP_NAME, "--id-card-number", "3275O31210930027"])
        .arg_path("--selfie", &selfie)
        .keys()
        .run()
        .await;
    run.failure(2, &["id_card_number", "16 digits", "not all digits"]);
    run.stderr_never_shows(&["3275O31210930027", KTP_NAME]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn objects_are_given_as_json_and_numbers_are_checked() {
    let sandbox = sandbox().await;
    let command = kyc(&["iluma", "screen-individual", "--url", &sandbox.iluma_url()])
        .args(&["--user-id", "foo123", "--given-names", "Eko Hadi Salim"])
        .args(&["--nationality", "ID", "--scopes", "PEP"])
        .keys();
    let answer = command
        .clone()
        .args(&[
            "--addresses",
            r#"[{"country": "ID", "city": "Jakarta", "category": "HOME"}]"#,
        ])
        .run()
        .await
        .success();
    assert_eq!(answer["addresses"], json!(["[address]"]));
    let not_a_list = command
        .clone()
        .args(&["--addresses", r#"{"country": "ID"}"#])
        .run()
        .await;
    not_a_list.failure(2, &["--addresses: wrong type (map), expected a sequence"]);
    let not_json = command
        .clone()
        .args(&["--addresses", "Jakarta"])
        .run()
        .await;
    not_json.failure(2, &["--addresses: not JSON"]);
    not_json.stderr_never_shows(&["Jakarta"]);
    let not_a_number = command.args(&["--score-threshold", "high"]).run().await;
    not_a_number.failure(
        2,
        &["--score-threshold (score_threshold): must be a whole number"],
    );
    assert_eq!(sandbox.requests().count("screen_individual"), 1);
}
