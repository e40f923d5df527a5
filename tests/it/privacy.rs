//! Nothing private leaks: a full scenario run against the sandbox, with every log line of
//! every crate captured at TRACE, contains no API key, NIK, name, birth date, image or token;
//! neither do the `Debug` output of requests and errors.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::Sandbox;
use tracing_subscriber::fmt::MakeWriter;

use crate::id_card_multipart::valid_selfie;
use crate::support::synthetic_jpeg;

const KREDIBEL_KEY: &str = "kredibel-secret-key-7f3a";
const ILUMA_KEY: &str = "iluma_development_secret-key-9c2b";
const NIK: &str = "3275031210930027";
const FULL_NAME: &str = "PENITO KRISTIAN";
const GIVEN_NAMES: &str = "Eko Hadi Salim";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every call of both vendors, with real-looking personal data.
async fn full_scenario(debug_output: &mut String) {
    let sandbox = Sandbox::start().await.unwrap();
    let kredibel =
        kredibel::Client::with_api_key(Environment::Custom(sandbox.kredibel_url()), KREDIBEL_KEY)
            .unwrap();
    let iluma =
        iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY).unwrap();
    let face = synthetic_jpeg(640, 800, 150 * 1024);
    let card = synthetic_jpeg(800, 600, 150 * 1024);

    let certificate = kredibel::types::CertificateIssuanceRequest::builder()
        .identity_id(NIK)
        .full_name(FULL_NAME)
        .birth_date(chrono::NaiveDate::from_ymd_opt(1993, 10, 12).unwrap())
        .email_address("penito@example.com")
        .phone_number("6281234567890")
        .face_image(kyc_clients::Base64Image::from_bytes(face.clone()))
        .identity_image(kyc_clients::Base64Image::from_bytes(card));
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

/// The process-wide log capture. Global, not per thread: tracing caches per call site whether
/// anyone listens, so a thread-local subscriber can miss events when other tests run at the
/// same time. The other tests' logs land here too, and must be just as clean.
fn capture_all_logs() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(captured.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("only this test sets one");
            captured
        })
        .clone()
}

#[tokio::test]
async fn a_full_scenario_logs_and_prints_nothing_private() {
    let captured = capture_all_logs();
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
}
