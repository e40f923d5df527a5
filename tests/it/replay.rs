//! From the vendors' real traffic to a reviewed spec change (`README.md`, "When the vendor
//! changes"): the validating proxy stands before a stub vendor that answers with several kinds
//! of drift, records the exchanges; `kyc-contract suggest` turns the report and the recordings
//! into a patch; the patch applies with `git apply`, the patched specs load and generate
//! clients (`kyc_codegen::generate` into a temporary folder: rebuilding the crate inside a test
//! is too slow on these machines, so the generated source stands for the rebuild) and the
//! same answers conform to them with no drift; the recordings, played back by the offline
//! sandbox, give the generated clients the answers of the live run, personal values masked;
//! no recorded file holds a personal value sent or received; `suggest` on clean traffic
//! changes nothing, and on drift of `x-pii` values alone suggests no value.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kyc_clients::{Environment, iluma, kredibel};
use kyc_contract::suggest::{self, Evidence, SpecText};
use kyc_sandbox::proxy::{Proxy, ProxyConfig, Report, Upstream};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{Replay, Sandbox, SandboxConfig};
use kyc_spec::validate::Validator;
use serde_json::{Value, json};

const KREDIBEL_KEY: &str = "kredibel-live-key-0042";
const ILUMA_KEY: &str = "iluma_development_live0key0042";
const NIK: &str = "3174052908930006";
const NAME: &str = "SITI NURHALIZA PUTRI";
const BIRTH_DATE: &str = "1993-08-29";
const EMAIL: &str = "siti.putri@example.co.id";
const PHONE: &str = "6281398765432";
const SCREENING_ID: &str = "cftpi_0b7f2a1e-9c3d-4e5f-8a6b-7c8d9e0f1a2b";

/// A temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "kyc-replay-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The answers of the stub vendor: what a vendor that has moved on from its docs sends.
fn certificate_answer() -> Value {
    json!({
        "message": "Certificate electronic verification has been done",
        "data": {
            "id": "KRD-000123",
            "status": "pending_review",
            "rejectFields": ["nik"],
            "referenceId": "ref_cert-4f1c2b9a",
            "certificateUrl": "https://certs.example/KRD-000123",
            "attempt": 2
        }
    })
}

fn biometric_answer(echo: &str) -> Value {
    json!({
        "message": "Identity biometric verification succeeded.",
        "data": {
            "id": "64d07984-81a8-4e79-ad16-a439f5885075",
            "identityId": echo,
            "isValid": true,
            "isActive": true,
            "response": {"face": true, "faceSimilarity": 0.97}
        }
    })
}

fn gateway_answer() -> Value {
    json!({"error_code": "SERVER_ERROR", "message": "Upstream did not answer."})
}

/// The stub vendor: Kredibel and Iluma paths, answered by path. `masked_echo` makes the
/// biometric answer echo the NIK masked, a drift of an `x-pii` value only.
async fn stub(masked_echo: bool) -> (String, tokio::sync::oneshot::Sender<()>) {
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    let echo = if masked_echo { "317405******0006" } else { NIK };
    let biometric = biometric_answer(echo);
    let router = axum::Router::new()
        .route(
            "/kredibel/v1/certificate/issuance",
            post(|| async { axum::Json(certificate_answer()) }),
        )
        .route(
            "/kredibel/v1/identity/verification/biometric",
            post(move || async move { axum::Json(biometric) }),
        )
        .route(
            "/iluma/v0/identity/individual_cft_peps/{id}",
            get(|| async { (StatusCode::BAD_GATEWAY, axum::Json(gateway_answer())) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (url, stop)
}

/// The person's images: JPEGs with a comment of their own, so no synthetic image is equal.
fn face() -> Vec<u8> {
    Image::jpeg(640, 800)
        .with_comment("face of the customer, camera 7")
        .bytes(150_000)
}

fn card() -> Vec<u8> {
    Image::jpeg(800, 600)
        .with_comment("KTP scan, branch 12")
        .bytes(160_000)
}

fn clients(kredibel_url: String, iluma_url: String) -> (kredibel::Client, iluma::Client) {
    let options = || kyc_clients::ClientOptions {
        retry: kyc_clients::RetryPolicy::none(),
        ..Default::default()
    };
    (
        kredibel::Client::with_options(Environment::Custom(kredibel_url), KREDIBEL_KEY, options())
            .unwrap(),
        iluma::Client::with_options(Environment::Custom(iluma_url), ILUMA_KEY, options()).unwrap(),
    )
}

/// The person's biometric check, `selfie` the face image.
fn biometric_request(selfie: Vec<u8>) -> kredibel::types::builder::BiometricVerificationRequest {
    kredibel::types::BiometricVerificationRequest::builder()
        .identity_id(NIK)
        .face_image(kyc_clients::Base64Image::from_bytes(selfie))
}

/// What the three calls give a caller: each typed answer as JSON, or the error's status.
async fn calls(kredibel: &kredibel::Client, iluma: &iluma::Client) -> [Value; 3] {
    let certificate = kredibel
        .issue_certificate()
        .body(
            kredibel::types::CertificateIssuanceRequest::builder()
                .identity_id(NIK)
                .full_name(NAME)
                .birth_date(BIRTH_DATE.parse::<chrono::NaiveDate>().unwrap())
                .email_address(EMAIL)
                .phone_number(PHONE)
                .face_image(kyc_clients::Base64Image::from_bytes(face()))
                .identity_image(kyc_clients::Base64Image::from_bytes(card())),
        )
        .send()
        .await
        .expect("a certificate answer with drift decodes");
    let biometric = kredibel
        .verify_biometric()
        .body(biometric_request(face()))
        .send()
        .await
        .expect("a biometric answer decodes");
    let screening = iluma
        .get_individual_screening()
        .id(SCREENING_ID)
        .send()
        .await
        .expect_err("an undeclared 502");
    [
        serde_json::to_value(certificate.into_inner()).unwrap(),
        serde_json::to_value(biometric.into_inner()).unwrap(),
        json!({"status": screening.status().map(|s| s.as_u16())}),
    ]
}

/// A proxy before `upstream` for both vendors, reporting and recording.
async fn proxy(upstream: &str, record: &Path, report: &Path) -> Proxy {
    let upstreams = vec![
        Upstream::parse(&format!("kredibel={upstream}/kredibel")).unwrap(),
        Upstream::parse(&format!("iluma={upstream}/iluma")).unwrap(),
    ];
    let sink = std::fs::File::create(report).unwrap();
    let config =
        ProxyConfig::new(upstreams, Arc::new(Report::new(Box::new(sink)))).with_record(record);
    Proxy::bind(([127, 0, 0, 1], 0).into(), config)
        .await
        .unwrap()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn spec_texts() -> Vec<SpecText> {
    ["openapi/kredibel.yaml", "openapi/iluma.yaml"]
        .into_iter()
        .map(|file| SpecText {
            file: file.to_string(),
            text: std::fs::read_to_string(repository().join(file)).unwrap(),
        })
        .collect()
}

fn evidence(report: &Path, record: &Path) -> Evidence {
    let mut evidence = Evidence::default();
    let text = std::fs::read_to_string(report).unwrap();
    evidence.read_report("report.jsonl", &text).unwrap();
    evidence.read_recordings(record).unwrap();
    evidence
}

/// Every recorded file, as text.
fn recorded_texts(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

/// The personal values the calls sent or received, as they would appear in a file: text,
/// and the images' base64 (whole, and the part before the filler).
fn personal_values() -> Vec<String> {
    let mut values: Vec<String> = [NIK, NAME, BIRTH_DATE, EMAIL, PHONE, KREDIBEL_KEY, ILUMA_KEY]
        .into_iter()
        .map(str::to_string)
        .collect();
    values.extend(["NURHALIZA", "siti.putri", "98765432"].map(str::to_string));
    for image in [face(), card()] {
        let encoded = kyc_spec::image::encode_base64(&image);
        values.push(encoded[..120].to_string());
        values.push(encoded);
    }
    values
}

#[tokio::test]
async fn drift_becomes_a_reviewed_patch_and_recordings_play_back() {
    let record = TempDir::new("record");
    let work = TempDir::new("work");
    let report_file = work.0.join("report.jsonl");
    let (upstream, stop_stub) = stub(false).await;
    let live_proxy = proxy(&upstream, &record.0, &report_file).await;
    let (kredibel, iluma) = clients(
        live_proxy.url("kredibel").unwrap(),
        live_proxy.url("iluma").unwrap(),
    );
    let live = calls(&kredibel, &iluma).await;
    live_proxy.shutdown().await;
    let _ = stop_stub.send(());

    // The report names each difference; the recordings hold no personal value.
    let report = std::fs::read_to_string(&report_file).unwrap();
    for (path, rule) in [
        ("/data/id", "format"),
        ("/data/status", "enum"),
        ("/data/rejectFields/0", "enum"),
        ("/data/referenceId", "pattern"),
        ("/data/certificateUrl", "unknown-field"),
        ("/data/attempt", "unknown-field"),
        ("", "status"),
    ] {
        let needle = format!(r#""path":"{path}","rule":"{rule}""#);
        assert!(report.contains(&needle), "{needle} not in {report}");
    }
    assert!(
        report.contains(r#""path":"/data/certificateUrl","rule":"unknown-field","decodes":true,"json_type":"string""#),
        "an unknown field's line names its JSON type: {report}"
    );
    let texts = recorded_texts(&record.0);
    assert_eq!(texts.len(), 3);
    for value in personal_values() {
        for text in &texts {
            assert!(
                !text.contains(&value),
                "a recording holds a personal value ({} chars)",
                value.len()
            );
        }
    }
    // The request's NIK and its echo mask the same way, as 16 digits.
    let biometric: Value = serde_json::from_str(&texts[1]).unwrap();
    let sent = biometric["request"]["body"]["identityId"].as_str().unwrap();
    assert_eq!(biometric["response"]["body"]["data"]["identityId"], sent);
    assert!(sent.len() == 16 && sent.bytes().all(|b| b.is_ascii_digit()) && sent != NIK);

    // suggest: one patch for both specs, each edit carrying its evidence.
    let specs = spec_texts();
    let suggestion = suggest::suggest(&specs, &evidence(&report_file, &record.0)).unwrap();
    let patch = suggestion.patch();
    assert!(suggestion.notes.is_empty(), "{:?}", suggestion.notes);
    for expected in [
        "+      enum: [verified, verified_with_reason, not_verified, pending_review]",
        "+        - nik",
        "+      x-undocumented-values: [nik]",
        "+        certificateUrl:",
        "+          type: string",
        "+        attempt:",
        "+          type: integer",
        "+          x-undocumented: [pattern]",
        r#"+          pattern: "(?:^ref_certel#)|^(?:[a-z]{3}_[a-z]{4}-[0-9a-z]{8})$""#,
        "+        \"502\":",
        "seen once, first 20",
        "(000001-kredibel-issue_certificate-200.json)",
    ] {
        assert!(
            patch.contains(expected),
            "`{expected}` not in the patch:\n{patch}"
        );
    }
    assert!(patch.contains("^(?:[0-9a-fA-F]{8}-"), "{patch}");
    assert!(
        suggestion.report.to_markdown().starts_with("**Breaking**"),
        "a relaxed uuid changes a Rust type: {}",
        suggestion.report.to_markdown()
    );

    // The report alone (no recordings): the added fields keep their types (the report names
    // them), the broken pattern is removed rather than widened (no value shows its shape).
    let mut report_only = Evidence::default();
    report_only.read_report("report.jsonl", &report).unwrap();
    let coarse = suggest::suggest(&specs, &report_only).unwrap().patch();
    assert!(
        coarse.contains("+        attempt:\n") && coarse.contains("+          type: integer"),
        "{coarse}"
    );
    assert!(
        coarse.contains("-          pattern: \"^ref_certel#\""),
        "{coarse}"
    );
    assert!(!coarse.contains("+          pattern:"), "{coarse}");
    assert!(
        !coarse.contains("pending_review"),
        "no value in a report: {coarse}"
    );

    // The patch applies with git apply, to the same texts suggest computed.
    let copy = work.0.join("copy");
    std::fs::create_dir_all(copy.join("openapi")).unwrap();
    for spec in &specs {
        std::fs::write(copy.join(&spec.file), &spec.text).unwrap();
    }
    std::fs::write(copy.join("fix.patch"), &patch).unwrap();
    let applied = std::process::Command::new("git")
        .args(["apply", "--verbose", "fix.patch"])
        .current_dir(&copy)
        .output()
        .expect("git runs");
    assert!(
        applied.status.success(),
        "git apply: {}",
        String::from_utf8_lossy(&applied.stderr)
    );
    for file in &suggestion.files {
        assert_eq!(
            std::fs::read_to_string(copy.join(&file.file)).unwrap(),
            file.new
        );
    }

    // The patched specs generate clients, and the same answers now conform: no drift.
    for (file, hand_written, types) in [
        ("openapi/kredibel.yaml", vec![], "crate::kredibel::types"),
        (
            "openapi/iluma.yaml",
            vec!["verify_id_card".to_string()],
            "crate::iluma::types",
        ),
    ] {
        kyc_codegen::generate(&kyc_codegen::VendorSpec {
            file: copy.join(file),
            derives: vec![],
            hand_written,
            inner_type: "crate::CallSettings".into(),
            types_path: types.into(),
            replacements: vec![],
        })
        .unwrap_or_else(|errors| panic!("{file} does not generate: {errors}"));
    }
    let patched = |file: &str| {
        let text = std::fs::read_to_string(copy.join(file)).unwrap();
        kyc_spec_load::parse(file, &text).unwrap().spec
    };
    let (kredibel_spec, iluma_spec) = (
        patched("openapi/kredibel.yaml"),
        patched("openapi/iluma.yaml"),
    );
    for (spec, operation, status, body) in [
        (
            &kredibel_spec,
            "issue_certificate",
            200,
            certificate_answer(),
        ),
        (
            &kredibel_spec,
            "verify_biometric",
            200,
            biometric_answer(NIK),
        ),
        (
            &iluma_spec,
            "get_individual_screening",
            502,
            gateway_answer(),
        ),
    ] {
        let body = serde_json::to_vec(&body).unwrap();
        let drift: Vec<String> = Validator::new(spec)
            .response_json(operation, status, &body)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(drift, Vec::<String>::new(), "{operation}");
    }

    // The recordings, played back offline: the typed answers of the live run.
    let sandbox = Sandbox::start_with(
        SandboxConfig::default().with_replay(Replay::load(&record.0).unwrap().strict()),
    )
    .await
    .unwrap();
    let (kredibel, iluma) = clients(sandbox.kredibel_url(), sandbox.iluma_url());
    let replayed = calls(&kredibel, &iluma).await;
    assert_eq!(replayed[0], live[0], "the certificate, as live");
    assert_eq!(replayed[2], live[2], "the undeclared status, as live");
    let without_nik = |answer: &Value| {
        let mut answer = answer.clone();
        let nik = answer["data"]["identityId"].take();
        (answer, nik)
    };
    let ((replayed_biometric, masked), (live_biometric, real)) =
        (without_nik(&replayed[1]), without_nik(&live[1]));
    assert_eq!(
        replayed_biometric, live_biometric,
        "the biometric answer, as live"
    );
    assert_eq!(real, NIK);
    assert_eq!(masked, sent, "the NIK masked as recorded");

    // Strict replay: a request no recording matches is the vendor's error, naming why.
    let other = kredibel
        .verify_biometric()
        .body(biometric_request(Image::png(500, 500).bytes(120_000)))
        .send()
        .await
        .expect_err("no recording of a PNG selfie");
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404));
    let message = match kredibel::Error::from(other) {
        kyc_clients::VendorError::Api(api) => api.message,
        other => panic!("{other:?}"),
    };
    assert!(
        message.contains("verify_biometric") && message.contains("`/body/faceImage`"),
        "{message}"
    );
    sandbox.shutdown().await;

    // Clean traffic: nothing to change.
    let mut clean = Evidence::default();
    clean.read_report("clean.jsonl", "").unwrap();
    assert!(suggest::suggest(&specs, &clean).unwrap().is_empty());
    let conforming = TempDir::new("conforming");
    std::fs::copy(
        record.0.join("000002-kredibel-verify_biometric-200.json"),
        conforming
            .0
            .join("000001-kredibel-verify_biometric-200.json"),
    )
    .unwrap();
    let mut clean = Evidence::default();
    clean.read_recordings(&conforming.0).unwrap();
    let nothing = suggest::suggest(&specs, &clean).unwrap();
    assert!(nothing.is_empty() && nothing.patch().is_empty());
}

#[tokio::test]
async fn drift_of_personal_values_alone_suggests_no_value() {
    let record = TempDir::new("pii-record");
    let work = TempDir::new("pii-work");
    let report_file = work.0.join("report.jsonl");
    let (upstream, stop_stub) = stub(true).await;
    let live_proxy = proxy(&upstream, &record.0, &report_file).await;
    let (kredibel, _) = clients(
        live_proxy.url("kredibel").unwrap(),
        live_proxy.url("iluma").unwrap(),
    );
    kredibel
        .verify_biometric()
        .body(biometric_request(face()))
        .send()
        .await
        .expect("a masked echo decodes");
    live_proxy.shutdown().await;
    let _ = stop_stub.send(());
    let report = std::fs::read_to_string(&report_file).unwrap();
    assert_eq!(
        report.trim(),
        r#"{"vendor":"kredibel","operation":"verify_biometric","direction":"response","status":200,"path":"/data/identityId","rule":"pattern","decodes":true}"#
    );
    let mut evidence = evidence(&report_file, &record.0);
    // A drift event of the same, as a client logs it (tracing-subscriber's JSON layer).
    evidence
        .read_drift(
            "app.log",
            r#"{"timestamp":"2026-12-07T04:00:00.000000Z","level":"WARN","fields":{"message":"the vendor's answer differs from the spec","vendor":"kredibel","operation":"verify_biometric","status":200,"path":"/data/identityId","rule":"pattern","difference":"unexpected value"},"target":"kyc.drift"}"#,
        )
        .unwrap();
    let suggestion = suggest::suggest(&spec_texts(), &evidence).unwrap();
    assert!(suggestion.is_empty(), "{}", suggestion.patch());
    let notes = suggestion.notes.join("\n");
    assert!(
        notes.contains("`#/components/schemas/Nik` is also a request schema"),
        "{notes}"
    );
    for value in ["3174", "0006", "317405"] {
        assert!(!notes.contains(value), "{notes}");
    }
}
