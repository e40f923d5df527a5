//! Drift events: an answer that differs from the spec in a way the client tolerates emits one
//! WARN event per difference, target `kyc.drift`, with vendor, operation, status, JSON pointer
//! and what differed — and the unlisted value of an enum that is not `x-pii`, never any other
//! value. Against a stub vendor on 127.0.0.1:0, events captured by a subscriber of the test's
//! own.
//!
//! Where a case depends on a spec mark (`x-open-enum`, a `2XX` success key), the test reads the
//! mark and asserts what the client must do either way, so it holds before and after the
//! spec gains it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use kyc_clients::{Environment, iluma, kredibel};
use serde_json::{Value, json};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

use crate::support::{CaptureServer, FULL_NAME, NIK, certificate_request, synthetic_jpeg};

const API_KEY: &str = "iluma_production_0secret0key0from0body";

/// One captured event: its fields by name, and its level.
pub(crate) type Event = BTreeMap<String, String>;

/// Records every event of one target (`kyc.drift`, `kyc.deprecated`).
#[derive(Clone)]
pub(crate) struct Drift {
    target: &'static str,
    events: Arc<Mutex<Vec<Event>>>,
}

struct Fields<'a>(&'a mut Event);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
}

impl Drift {
    fn record(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() != self.target {
            return;
        }
        let mut fields = Event::new();
        fields.insert("level".into(), event.metadata().level().to_string());
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields);
    }

    /// The events so far, emptied.
    pub(crate) fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap())
    }
}

thread_local! {
    /// The captures of the test running on this thread.
    static CAPTURES: std::cell::RefCell<Vec<Drift>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The one global subscriber of this test binary: it hands each event to the captures of the
/// thread it happens on. One global dispatcher rather than one per test (`set_default`):
/// tracing caches a callsite's interest, and with a single per-thread dispatcher live it asks
/// only the thread that first meets the callsite, which may be a test that listens to nothing.
struct ToThisThread;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ToThisThread {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        CAPTURES.with(|captures| {
            for capture in captures.borrow().iter() {
                capture.record(event);
            }
        });
    }
}

/// Stops a capture when dropped.
pub(crate) struct CaptureGuard(&'static str);

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        let target = self.0;
        CAPTURES.with(|captures| captures.borrow_mut().retain(|c| c.target != target));
    }
}

/// Captures drift events on this thread (the test's current-thread runtime runs the calls).
pub(crate) fn capture() -> (Drift, CaptureGuard) {
    capture_target("kyc.drift")
}

/// Every log line of this test binary, as `tracing_subscriber::fmt` writes them at TRACE.
#[derive(Clone, Default)]
pub(crate) struct Logs(pub(crate) Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the binary's global subscriber once: every event written to [`all_logs`], and
/// handed to the captures of the thread it happens on.
fn global() -> &'static Logs {
    static LOGS: std::sync::OnceLock<Logs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::registry().with(ToThisThread).with(
            tracing_subscriber::fmt::layer()
                .with_writer(logs.clone())
                .with_ansi(false),
        );
        tracing::subscriber::set_global_default(subscriber).expect("set once, here");
        logs
    })
}

/// Every log line of every test so far (all of them must be clean of personal data).
pub(crate) fn all_logs() -> Logs {
    global().clone()
}

/// Captures the events of `target` on this thread.
fn capture_target(target: &'static str) -> (Drift, CaptureGuard) {
    global();
    let drift = Drift {
        target,
        events: Arc::default(),
    };
    CAPTURES.with(|captures| captures.borrow_mut().push(drift.clone()));
    (drift, CaptureGuard(target))
}

/// The event expected: vendor, operation, status, path, difference, and the value if any.
pub(crate) fn event(
    vendor: &str,
    operation: &str,
    status: u16,
    path: &str,
    difference: &str,
    value: Option<&str>,
) -> Event {
    let mut fields: Event = [
        ("level", "WARN"),
        ("message", "the vendor's answer differs from the spec"),
        ("vendor", vendor),
        ("operation", operation),
        ("path", path),
        ("difference", difference),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    fields.insert("status".into(), status.to_string());
    let rule = match difference {
        "unknown enum value" => "enum",
        "unknown field" => "unknown-field",
        "missing guessed field" => "required",
        "undeclared status" => "status",
        "not json" => "json",
        other => panic!("`{other}`: which rule?"),
    };
    fields.insert("rule".into(), rule.into());
    if let Some(value) = value {
        fields.insert("value".into(), value.into());
    }
    fields
}

/// No personal data, key or token in any event.
fn assert_no_private_data(events: &[Event]) {
    let text = format!("{events:?}").to_lowercase();
    for private in [NIK, FULL_NAME, "penito", API_KEY, "eko hadi salim"] {
        assert!(
            !text.contains(&private.to_lowercase()),
            "`{private}` in {events:?}"
        );
    }
}

fn clients(server: &CaptureServer) -> (kredibel::Client, iluma::Client) {
    server.clients("kredibel-key", "iluma_development_key")
}

/// A documented response example of `operation`.
fn example(spec: &kyc_clients::spec::Spec, operation: &str, status: &str) -> Value {
    // The response key that covers the status: `2XX` where the spec writes success so.
    let key = status
        .parse()
        .ok()
        .and_then(|code| spec.response_key(operation, code))
        .unwrap_or(status);
    spec.operation_response_examples(operation, key)[0]
        .1
        .clone()
}

async fn issue_certificate(
    kredibel: &kredibel::Client,
) -> Result<
    kyc_clients::ResponseValue<kredibel::types::CertificateIssuanceResponse>,
    kyc_clients::Error<kredibel::types::KredibelError>,
> {
    kredibel
        .issue_certificate()
        .body(certificate_request())
        .send()
        .await
}

fn is_open_enum(spec: &kyc_clients::spec::Spec, schema: &str) -> bool {
    spec.schema(schema)
        .and_then(|s| s.get("x-open-enum"))
        .is_some_and(|open| open == &json!(true))
}

#[tokio::test]
async fn an_unknown_field_is_reported_by_path_without_its_value() {
    let (drift, _guard) = capture();
    let server = CaptureServer::start().await;
    let (kredibel, _) = clients(&server);
    let mut body = example(kredibel::spec(), "verify_biometric", "200");
    body["data"]["holderName"] = json!(FULL_NAME);
    body["trace"] = json!({"nik": NIK});
    server.reply_with(200, body);
    let verified = kredibel
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id(NIK)
                .face_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
                    640,
                    800,
                    150 * 1024,
                ))),
        )
        .send()
        .await;
    assert!(verified.is_ok(), "unknown fields decode: {verified:?}");
    let events = drift.take();
    let drift = |path| {
        event(
            "kredibel",
            "verify_biometric",
            200,
            path,
            "unknown field",
            None,
        )
    };
    assert_eq!(events, [drift("/data/holderName"), drift("/trace")]);
    assert_no_private_data(&events);
}

#[tokio::test]
async fn guessed_bodies_report_each_missing_field() {
    let (drift, _guard) = capture();
    let server = CaptureServer::start().await;
    let (_, iluma) = clients(&server);

    server.reply_with(200, json!({"state": "up"}));
    let health = iluma.get_health().send().await;
    assert_eq!(
        drift.take(),
        [
            event(
                "iluma",
                "get_health",
                200,
                "/status",
                "missing guessed field",
                None
            ),
            event("iluma", "get_health", 200, "/state", "unknown field", None),
        ],
        "{health:?}"
    );

    // Get API Key: the keys under another name than the spec's guess. The token is single
    // use, so whatever the answer, the caller must be able to reach the keys.
    server.reply_with(
        200,
        json!({"business_id": "5abc", "keys": [{"key": API_KEY}]}),
    );
    let keys = iluma
        .get_api_keys()
        .business_id("5abc")
        .token("single-use-token")
        .send()
        .await;
    let events = drift.take();
    assert_eq!(
        events,
        [
            event(
                "iluma",
                "get_api_keys",
                200,
                "/api_keys",
                "missing guessed field",
                None
            ),
            event("iluma", "get_api_keys", 200, "/keys", "unknown field", None),
        ]
    );
    assert_no_private_data(&events);
    if let Err(kyc_clients::Error::InvalidResponsePayload(decode)) = &keys {
        assert!(String::from_utf8_lossy(decode.raw_body()).contains(API_KEY));
    }
}

#[tokio::test]
async fn an_undeclared_status_is_reported_and_a_declared_2xx_is_not() {
    let (drift, _guard) = capture();
    let server = CaptureServer::start().await;
    let (kredibel, iluma) = clients(&server);

    let spec = iluma::spec();
    assert_eq!(
        spec.response_key("get_individual_screening", 418),
        None,
        "the test needs a status the spec does not declare"
    );
    server.reply_with(418, example(spec, "get_individual_screening", "200"));
    let err = iluma
        .get_individual_screening()
        .id("cftpi_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, kyc_clients::Error::UnexpectedResponse(_)),
        "{err:?}"
    );
    let events = drift.take();
    assert_eq!(
        events,
        [event(
            "iluma",
            "get_individual_screening",
            418,
            "",
            "undeclared status",
            None
        )]
    );
    assert_no_private_data(&events);

    // The certificate answered 201: the docs say any 2XX is success.
    server.reply_with(201, example(kredibel::spec(), "issue_certificate", "200"));
    let issued = issue_certificate(&kredibel).await;
    let events = drift.take();
    if kredibel::spec().response_key("issue_certificate", 201) == Some("2XX") {
        assert!(issued.is_ok(), "{issued:?}");
        assert_eq!(events, [], "a declared 2XX is no drift");
    } else {
        assert!(
            matches!(issued, Err(kyc_clients::Error::UnexpectedResponse(_))),
            "{issued:?}"
        );
        assert_eq!(
            events,
            [event(
                "kredibel",
                "issue_certificate",
                201,
                "",
                "undeclared status",
                None
            )]
        );
    }
}

#[tokio::test]
async fn an_unlisted_enum_value_is_reported_with_the_value_unless_personal() {
    let (drift, _guard) = capture();
    let server = CaptureServer::start().await;
    let (kredibel, iluma) = clients(&server);

    // The certificate's docs: `rejectFields` may hold "nik"; and a status not listed.
    let mut body = example(kredibel::spec(), "issue_certificate", "200");
    body["data"]["status"] = json!("on_hold");
    body["data"]["rejectFields"] = json!(["nik"]);
    server.reply_with(200, body);
    let issued = issue_certificate(&kredibel).await;
    let events = drift.take();
    let open = ["CertificateStatus", "RejectField"].map(|s| is_open_enum(kredibel::spec(), s));
    if open == [true, true] {
        assert!(issued.is_ok(), "{issued:?}");
        let drift = |path, value| {
            event(
                "kredibel",
                "issue_certificate",
                200,
                path,
                "unknown enum value",
                Some(value),
            )
        };
        // In path order: the order the checker meets them in is the body's, not the spec's.
        let mut events = events;
        events.sort_by(|a, b| a["path"].cmp(&b["path"]));
        assert_eq!(
            events,
            [
                drift("/data/rejectFields/0", "nik"),
                drift("/data/status", "on_hold")
            ]
        );
    } else {
        // A closed enum: the answer does not decode, and that is the caller's error.
        let Err(kyc_clients::Error::InvalidResponsePayload(decode)) = &issued else {
            panic!("{issued:?}")
        };
        assert!(decode.path().starts_with("data."), "{decode}");
        assert!(events.is_empty(), "{events:?}");
    }

    // An address category not listed: the address is personal data, so the value stays out.
    let mut body = example(iluma::spec(), "get_individual_screening", "200");
    body["addresses"] = json!([{"category": "Jalan Alinda 5", "city": "Ketapang"}]);
    server.reply_with(200, body);
    let screening = iluma.get_individual_screening().id("cftpi_1").send().await;
    let events = drift.take();
    if is_open_enum(iluma::spec(), "AddressCategory") {
        assert!(screening.is_ok(), "{screening:?}");
        assert_eq!(
            events,
            [event(
                "iluma",
                "get_individual_screening",
                200,
                "/addresses/0/category",
                "unknown enum value",
                None
            )]
        );
    } else {
        assert!(screening.is_err() && events.is_empty(), "{events:?}");
    }
    let text = format!("{events:?}");
    assert!(
        !text.contains("Alinda") && !text.contains("Ketapang"),
        "{text}"
    );
}

#[tokio::test]
async fn an_answer_as_the_spec_says_is_silent() {
    let (drift, _guard) = capture();
    let server = CaptureServer::start().await;
    let (_, iluma) = clients(&server);
    server.reply_with(
        200,
        example(iluma::spec(), "get_individual_screening", "200"),
    );
    iluma
        .get_individual_screening()
        .id("cftpi_1")
        .send()
        .await
        .unwrap();
    assert_eq!(drift.take(), []);
}

#[tokio::test]
async fn a_deprecated_operation_warns_once_per_process() {
    let (deprecations, _guard) = capture_target("kyc.deprecated");
    assert!(
        kredibel::spec()
            .operation("verify_biometric")
            .is_some_and(|op| op.deprecated),
        "the spec marks verify_biometric deprecated (the vendor files it under [Deprecated])"
    );
    // Nothing listens on port 1: the warning comes before sending, the call then fails.
    let client = kredibel::Client::with_options(
        Environment::Custom("http://127.0.0.1:1".into()),
        "kredibel-key",
        kyc_clients::ClientOptions {
            retry: kyc_clients::RetryPolicy::none(),
            ..Default::default()
        },
    )
    .unwrap();
    for _ in 0..2 {
        let sent = client
            .verify_biometric()
            .body(
                kredibel::types::BiometricVerificationRequest::builder()
                    .identity_id(NIK)
                    .face_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
                        480, 640, 20_000,
                    ))),
            )
            .send()
            .await;
        assert!(sent.is_err(), "nothing listens on 127.0.0.1:1");
    }
    let events = deprecations.take();
    assert_eq!(events.len(), 1, "one warning for two calls: {events:?}");
    assert_eq!(events[0]["level"], "WARN");
    assert_eq!(events[0]["operation"], "verify_biometric");
    assert_eq!(events[0]["sunset"], "not announced");
    assert!(!format!("{events:?}").contains(NIK));

    // Every other operation the spec marks deprecated warns too (demography, full
    // verification): the hook reads the mark, no list of operations.
    let deprecated: Vec<&str> = kredibel::spec()
        .operations()
        .iter()
        .filter(|op| op.deprecated && op.id != "verify_biometric")
        .map(|op| op.id.as_str())
        .collect();
    assert_eq!(deprecated, ["verify_demography", "verify_full"]);
    let demography: kredibel::types::DemographyVerificationRequest =
        crate::support::example_request(kyc_sandbox::spec::kredibel(), "verify_demography");
    let full: kredibel::types::FullVerificationRequest =
        crate::support::example_request(kyc_sandbox::spec::kredibel(), "verify_full");
    let _ = client.verify_demography().body(demography).send().await;
    let _ = client.verify_full().body(full).send().await;
    let warned: Vec<String> = deprecations
        .take()
        .iter()
        .map(|e| e["operation"].clone())
        .collect();
    assert_eq!(warned, deprecated);
}
