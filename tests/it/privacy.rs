//! Nothing private leaks: a full scenario run against the sandbox, with every log line of
//! every crate captured at TRACE, contains no API key, NIK, name, birth date, image or token;
//! neither do the `Display` and `Debug` output of every error kind a call can return (against
//! a stub vendor), nor the `Debug` output of requests and of every documented example decoded.

use base64::Engine as _;
use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::Sandbox;

use serde_json::json;

use crate::id_card_multipart::valid_selfie;
use crate::support::{CaptureServer, FULL_NAME, NIK, certificate_request, synthetic_jpeg};

const KREDIBEL_KEY: &str = "kredibel-secret-key-7f3a";
const ILUMA_KEY: &str = "iluma_development_secret-key-9c2b";
const GIVEN_NAMES: &str = "Eko Hadi Salim";

/// Every call of both vendors, with real-looking personal data.
async fn full_scenario(debug_output: &mut String) {
    let sandbox = Sandbox::start().await.unwrap();
    let kredibel =
        kredibel::Client::with_api_key(Environment::Custom(sandbox.kredibel_url()), KREDIBEL_KEY)
            .unwrap();
    let iluma =
        iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY).unwrap();
    let face = synthetic_jpeg(640, 800, 150 * 1024);

    let certificate = certificate_request();
    let request =
        kredibel::types::CertificateIssuanceRequest::try_from(certificate.clone()).unwrap();
    debug_output.push_str(&format!("{request:?}\n{kredibel:?}\n{iluma:?}\n"));
    kredibel
        .issue_certificate()
        .body(certificate)
        .send()
        .await
        .unwrap();
    kredibel
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id(NIK)
                .face_image(kyc_clients::Base64Image::from_bytes(face)),
        )
        .send()
        .await
        .unwrap();
    // A refused request and a vendor error: their messages are output too.
    let refused = kredibel
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id(NIK)
                .face_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
                    10,
                    10,
                    2 * 1024 * 1024,
                ))),
        )
        .send()
        .await
        .unwrap_err();
    let refused = kredibel::Error::from(refused);
    debug_output.push_str(&format!("{refused}\n{refused:?}\n"));

    let screening = iluma
        .screen_individual()
        .body(
            crate::support::individual_screening()
                .user_id("user-1")
                .given_names(GIVEN_NAMES)
                .nationality("ID")
                .date_of_birth(kyc_clients::Redacted::new(
                    chrono::NaiveDate::from_ymd_opt(1943, 3, 11).unwrap(),
                ))
                .scopes(vec![iluma::types::Scope::Pep]),
        )
        .send()
        .await
        .unwrap();
    iluma
        .get_individual_screening()
        .id(screening.id.to_string())
        .send()
        .await
        .unwrap();
    iluma
        .verify_id_card()
        .name(FULL_NAME)
        .id_card_number(NIK)
        .birthdate("12-10-1993")
        .birthplace("Ketapang")
        .address("Alinda kencana blok E")
        .selfie(valid_selfie())
        .send()
        .await
        .unwrap();
    let token = iluma
        .get_callback_authentication_token()
        .send()
        .await
        .unwrap();
    debug_output.push_str(&format!("{:?}\n", token.into_inner()));
    let missing = iluma
        .get_individual_screening()
        .id("cftpi_missing")
        .send()
        .await
        .unwrap_err();
    let missing = iluma::Error::from(missing);
    debug_output.push_str(&format!("{missing}\n{missing:?}\n"));
}

#[tokio::test]
async fn a_full_scenario_logs_and_prints_nothing_private() {
    let captured = crate::drift::all_logs();
    let mut debug_output = String::new();
    full_scenario(&mut debug_output).await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("kyc.call"), "the calls are traced:\n{logs}");
    assert!(
        logs.contains("verify_id_card") && logs.contains("status=200"),
        "{logs}"
    );

    let face_base64 = base64::engine::general_purpose::STANDARD
        .encode(&synthetic_jpeg(640, 800, 150 * 1024)[..64]);
    let iluma_basic = base64::engine::general_purpose::STANDARD.encode(format!("{ILUMA_KEY}:"));
    let private = [
        KREDIBEL_KEY,
        ILUMA_KEY,
        &iluma_basic,
        NIK,
        FULL_NAME,
        "penito",
        GIVEN_NAMES,
        "1993-10-12",
        "12-10-1993",
        "1943-03-11",
        "penito@example.com",
        "6281234567890",
        "Ketapang",
        "Alinda",
        &face_base64[..40],
    ];
    for (what, text) in [("logs", &logs), ("Debug and Display output", &debug_output)] {
        for secret in private {
            assert!(
                !text.to_lowercase().contains(&secret.to_lowercase()),
                "the {what} contain `{secret}`:\n{text}"
            );
        }
    }
    assert!(
        debug_output.contains("3275********0027"),
        "NIKs show masked: {debug_output}"
    );
    assert!(
        debug_output.contains("Base64Image(jpeg, 153600 bytes)"),
        "{debug_output}"
    );
}

#[test]
fn responses_can_be_logged_masked() {
    let screening: iluma::types::IndividualScreening = serde_json::from_value(serde_json::json!({
        "created": "2022-02-10T18:55:02.061Z", "updated": "2022-02-10T18:55:02.840Z",
        "id": "cftpi_1", "reference_id": null, "user_id": "u", "phone_number": "+6281234567890",
        "email": "eko@example.com", "addresses": [{"city": "Jakarta"}], "scopes": ["PEP"],
        "score_threshold": 90, "status": "COMPLETED", "given_names": GIVEN_NAMES, "surname": null,
        "nationality": "ID", "date_of_birth": "1943-03-11", "gender": null,
        "results": [{"id": "r1", "names": [GIVEN_NAMES], "score": 100, "scopes": ["PEP"], "dates_of_birth": ["1943-03-11"]}]
    }))
    .unwrap();
    let shown = kyc_clients::privacy::redacted_json(
        &screening,
        iluma::catalog::pii_paths("IndividualScreening"),
    )
    .to_string();
    for private in [
        GIVEN_NAMES,
        "1943-03-11",
        "eko@example.com",
        "81234567",
        "Jakarta",
    ] {
        assert!(!shown.contains(private), "`{private}` in {shown}");
    }
    assert!(
        shown.contains("cftpi_1") && shown.contains("COMPLETED"),
        "{shown}"
    );

    // The fields a guessed body carries that its guess does not name may hold anything: a key.
    let keys: iluma::types::ApiKeySet = serde_json::from_value(serde_json::json!({
        "business_id": "5abc",
        "api_keys": [{"environment": "LIVE", "key": API_KEY_SENT_BACK, "secret": API_KEY_SENT_BACK}],
        "live_key": API_KEY_SENT_BACK
    }))
    .unwrap();
    let shown = kyc_clients::privacy::redacted_json(&keys, iluma::catalog::pii_paths("ApiKeySet"))
        .to_string();
    assert!(!shown.contains(API_KEY_SENT_BACK), "{shown}");
    assert!(shown.contains("5abc") && shown.contains("LIVE"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Every error kind a call can return, printed every way, against a stub vendor.

const TOKEN: &str = "single-use-oauth-token-5d1e";
const API_KEY_SENT_BACK: &str = "iluma_production_leaked0key0in0body";
const BIRTH_DATE: &str = "1993-10-12";

/// `Display` and `Debug` (plain and alternate) of an error and of every error in its chain.
fn shown(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("{err}\n{err:?}\n{err:#}\n{err:#?}\n");
    let mut source = err.source();
    while let Some(inner) = source {
        out.push_str(&format!("{inner}\n{inner:?}\n"));
        source = inner.source();
    }
    out
}

/// What the client must never print, whatever the error.
fn private_values() -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{ILUMA_KEY}:"));
    [
        KREDIBEL_KEY,
        ILUMA_KEY,
        &basic,
        TOKEN,
        "token=",
        API_KEY_SENT_BACK,
        NIK,
        FULL_NAME,
        "penito",
        GIVEN_NAMES,
        BIRTH_DATE,
        "12-10-1993",
        "1993/10/12",
        "6281234567890",
        "Ketapang",
        "Alinda",
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect()
}

fn assert_clean(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for private in private_values() {
        assert!(
            !lower.contains(&private),
            "{what} shows `{private}`:\n{text}"
        );
    }
}

fn no_retries() -> kyc_clients::ClientOptions {
    kyc_clients::ClientOptions {
        retry: kyc_clients::RetryPolicy::none(),
        ..Default::default()
    }
}

fn stub_clients(base_url: &str) -> (kredibel::Client, iluma::Client) {
    let kredibel = kredibel::Client::with_options(
        Environment::Custom(base_url.to_string()),
        KREDIBEL_KEY,
        no_retries(),
    )
    .unwrap();
    let iluma = iluma::Client::with_options(
        Environment::Custom(base_url.to_string()),
        ILUMA_KEY,
        no_retries(),
    )
    .unwrap();
    (kredibel, iluma)
}

async fn screen(iluma: &iluma::Client) -> kyc_clients::Error<iluma::types::IlumaError> {
    iluma
        .screen_individual()
        .body(
            // The documented request, so a field the spec adds is there too.
            crate::support::individual_screening()
                .user_id("user-1")
                .given_names(GIVEN_NAMES)
                .nationality("ID")
                .scopes(vec![iluma::types::Scope::Pep]),
        )
        .send()
        .await
        .expect_err("the stub answers a body the spec does not decode")
}

async fn biometric(
    kredibel: &kredibel::Client,
    nik: &str,
) -> kyc_clients::Error<kredibel::types::KredibelError> {
    kredibel
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id(nik)
                .face_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
                    640,
                    800,
                    150 * 1024,
                ))),
        )
        .send()
        .await
        .unwrap_err()
}

async fn api_keys(iluma: &iluma::Client) -> kyc_clients::Error<iluma::types::IlumaError> {
    iluma
        .get_api_keys()
        .business_id("5abc")
        .token(TOKEN)
        .send()
        .await
        .unwrap_err()
}

/// Prints a generated error and its vendor conversion, checks both, and returns the texts.
fn check_iluma(case: &str, err: kyc_clients::Error<iluma::types::IlumaError>) -> String {
    let mut text = shown(&err);
    text.push_str(&shown(&iluma::Error::from(err)));
    assert_clean(case, &text);
    text
}

fn check_kredibel(case: &str, err: kyc_clients::Error<kredibel::types::KredibelError>) -> String {
    let mut text = shown(&err);
    text.push_str(&shown(&kredibel::Error::from(err)));
    assert_clean(case, &text);
    text
}

#[tokio::test]
async fn no_error_kind_shows_a_body_a_header_a_url_or_personal_data() {
    let server = CaptureServer::start().await;
    let (kredibel, iluma) = stub_clients(&server.base_url);

    // A decode failure: a name where the spec has a number, in the documented example.
    let mut body = iluma::spec().operation_response_examples("screen_individual", "2XX")[0]
        .1
        .clone();
    body["results"][0]["score"] = json!(GIVEN_NAMES);
    body["phone_number"] = json!("+6281234567890");
    body["date_of_birth"] = json!(BIRTH_DATE);
    server.reply_with(200, body);
    let err = screen(&iluma).await;
    let kyc_clients::Error::InvalidResponsePayload(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path(), "results[0].score");
    assert!(decode.may_be_charged());
    // The body is there for a caller who asks for it, and only then.
    assert!(String::from_utf8_lossy(decode.raw_body()).contains(GIVEN_NAMES));
    let text = check_iluma("a decode failure", err);
    assert!(
        text.contains("iluma screen_individual: the HTTP 200 answer does not match the spec at `results[0].score`: expected i64, found string; the call may have been billed"),
        "{text}"
    );

    // A decode failure in a Kredibel answer: a name where a boolean was expected, the NIK
    // beside it.
    server.reply_with(
        200,
        json!({"message": "ok", "data": {"id": "64d07984-81a8-4e79-ad16-a439f5885075", "identityId": NIK, "isValid": FULL_NAME, "isActive": true, "response": {"face": true, "faceSimilarity": 1.0}}}),
    );
    let text = check_kredibel("a Kredibel decode failure", biometric(&kredibel, NIK).await);
    assert!(text.contains("data.isValid"), "{text}");

    // An error body the spec cannot read at all.
    server.reply_with(
        400,
        json!({"error_code": 400, "message": format!("{GIVEN_NAMES} born {BIRTH_DATE}")}),
    );
    check_iluma("an undecodable error body", screen(&iluma).await);

    // A status the spec does not declare, on the call whose URL carries a single-use token,
    // with keys and a name in the body.
    server.reply_with(
        418,
        json!({"api_keys": [{"key": API_KEY_SENT_BACK}], "owner": GIVEN_NAMES}),
    );
    let err = api_keys(&iluma).await;
    assert!(
        matches!(err, kyc_clients::Error::UnexpectedResponse(_)),
        "{err:?}"
    );
    let text = check_iluma("an unexpected status", err);
    assert!(text.contains("HTTP 418"), "{text}");

    // Vendor errors whose messages echo what was sent.
    server.reply_with(
        422,
        json!({"errors": {"errorId": "3b4c5d6e-7f80-4192-a334-4b5c6d7e8f90", "errorType": "no_face_detected"}, "message": format!("No face for {FULL_NAME}, NIK {NIK}, born {BIRTH_DATE}")}),
    );
    let text = check_kredibel("a Kredibel vendor error", biometric(&kredibel, NIK).await);
    assert!(text.contains("no_face_detected"), "{text}");
    server.reply_with(
        400,
        json!({"error_code": "API_VALIDATION_ERROR", "message": format!("{GIVEN_NAMES} is not valid"), "errors": [{"field": "given_names", "message": format!("{GIVEN_NAMES} is not valid")}]}),
    );
    let text = check_iluma("an Iluma vendor error", screen(&iluma).await);
    assert!(
        text.contains("API_VALIDATION_ERROR") && text.contains("given_names"),
        "{text}"
    );
    server.reply_with(
        400,
        json!({"error_code": "API_VALIDATION_ERROR", "message": format!("{FULL_NAME} / {NIK}")}),
    );
    let err = iluma
        .verify_id_card()
        .name(FULL_NAME)
        .id_card_number(NIK)
        .selfie(valid_selfie())
        .send()
        .await
        .unwrap_err();
    check_iluma("a vendor error of the multipart call", err);

    // Requests refused before sending.
    let text = check_kredibel(
        "a NIK refused by its type",
        biometric(&kredibel, &NIK[..15]).await,
    );
    assert!(text.contains("refused before sending"), "{text}");
    let err = iluma
        .verify_id_card()
        .name(FULL_NAME)
        .id_card_number(NIK)
        .birthdate("1993/10/12")
        .birthplace("Ketapang")
        .address("Alinda kencana blok E")
        .selfie(valid_selfie())
        .send()
        .await
        .unwrap_err();
    let text = check_iluma("a birth date refused by the spec", err);
    assert!(text.contains("birthdate"), "{text}");
    let err = kredibel
        .issue_certificate()
        .body(certificate_request().email_address("penito-at-example.com"))
        .send()
        .await
        .unwrap_err();
    let text = check_kredibel("an email refused by the spec", err);
    assert!(text.contains("emailAddress"), "{text}");
    drop(server);

    // Transport: nothing listens any more; the URL and its token stay out.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let (kredibel, iluma) = stub_clients(&closed);
    let err = api_keys(&iluma).await;
    assert!(
        matches!(err, kyc_clients::Error::CommunicationError(_)),
        "{err:?}"
    );
    let text = check_iluma("a transport failure", err);
    assert!(text.contains("could not connect"), "{text}");
    check_kredibel(
        "a Kredibel transport failure",
        biometric(&kredibel, NIK).await,
    );
}

// ---------------------------------------------------------------------------------------------
// `Debug` of every documented example, decoded.

/// Every string (and long number) under `path` (a catalog `pii_paths` entry) of `value`.
fn values_at(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    let (first, rest) = match path.split_once('.') {
        Some((first, rest)) => (first, Some(rest)),
        None => (path, None),
    };
    let (name, every_item) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (first, false),
    };
    let target = if name.is_empty() {
        Some(value)
    } else {
        value.get(name)
    };
    let Some(target) = target else { return };
    let targets: Vec<&serde_json::Value> = match (every_item, target) {
        (true, serde_json::Value::Array(items)) => items.iter().collect(),
        (true, _) => return,
        (false, target) => vec![target],
    };
    for target in targets {
        match rest {
            Some(rest) => values_at(target, rest, out),
            None => leaves(target, out),
        }
    }
}

fn leaves(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Number(n) if n.to_string().len() >= 6 => out.push(n.to_string()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|v| leaves(v, out)),
        _ => {}
    }
}

#[test]
fn debug_of_every_documented_example_shows_no_personal_data() {
    let mut leaks = Vec::new();
    let mut checked = 0;
    for vendor in crate::support::vendors() {
        for example in crate::support::examples(&vendor.spec) {
            let decoded = (vendor.decode)(&example.schema, example.value.clone())
                .unwrap_or_else(|| panic!("{} has no generated type", example.schema))
                .unwrap_or_else(|e| panic!("{}: {e}", example.snapshot_name(vendor.name)));
            let mut private = Vec::new();
            for (path, _) in (vendor.pii_paths)(&example.schema) {
                values_at(&example.value, path, &mut private);
            }
            // Values this short (a country code inside an address) say nothing alone and
            // appear elsewhere in the output anyway.
            private.retain(|v| v.chars().count() >= 4);
            checked += 1;
            let shown: Vec<&String> = private
                .iter()
                .filter(|v| decoded.debug.contains(v.as_str()))
                .collect();
            if !shown.is_empty() {
                leaks.push(format!(
                    "{} ({}): {shown:?}",
                    example.snapshot_name(vendor.name),
                    example.schema
                ));
            }
        }
    }
    assert!(checked > 20, "only {checked} examples");
    assert!(
        leaks.is_empty(),
        "`{{:?}}` shows personal data:\n{}",
        leaks.join("\n")
    );
}
