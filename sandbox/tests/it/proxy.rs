//! The validating proxy, end to end on loopback: with the offline sandbox as the upstream,
//! every documented scenario passes through with no violation; with a stub upstream answering
//! the ways real vendors differ from the specs, each difference is reported with its path and
//! rule; and neither the report nor the recordings hold any personal data that was sent.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use kyc_sandbox::proxy::{Proxy, ProxyConfig, Report, Upstream};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{Sandbox, spec};
use kyc_spec::extensions::is_open_enum;
use kyc_spec::image::{ImageFormat, ImageRule};
use kyc_spec::{AuthScheme, ParameterLocation, Scenario, Spec};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::support::{ILUMA_KEY, KREDIBEL_KEY, http_client};

/// A scratch directory under the system's temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kyc-proxy-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A proxy in front of `kredibel` and `iluma` base URLs, reporting to a file and recording.
struct Run {
    proxy: Option<Proxy>,
    scratch: Scratch,
    http: reqwest::Client,
    seen: usize,
}

impl Run {
    async fn start(kredibel: &str, iluma: &str) -> Self {
        let scratch = Scratch::new("run");
        let file = std::fs::File::create(scratch.0.join("report.jsonl")).unwrap();
        let upstreams = vec![
            Upstream::parse(&format!("kredibel={kredibel}")).unwrap(),
            Upstream::parse(&format!("iluma={iluma}")).unwrap(),
        ];
        let config = ProxyConfig::new(upstreams, Arc::new(Report::new(Box::new(file))))
            .with_record(scratch.0.join("records"));
        let proxy = Proxy::bind(([127, 0, 0, 1], 0).into(), config)
            .await
            .expect("proxy starts");
        Self {
            proxy: Some(proxy),
            scratch,
            http: http_client(),
            seen: 0,
        }
    }

    fn proxy(&self) -> &Proxy {
        self.proxy.as_ref().expect("running")
    }

    fn url(&self, vendor: &str) -> String {
        self.proxy().url(vendor).expect("vendor served")
    }

    fn report_text(&self) -> String {
        std::fs::read_to_string(self.scratch.0.join("report.jsonl")).unwrap_or_default()
    }

    /// The report lines written since the last call.
    fn new_lines(&mut self) -> Vec<Value> {
        let lines: Vec<Value> = self
            .report_text()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        let fresh = lines[self.seen..].to_vec();
        self.seen = lines.len();
        fresh
    }

    /// Every recording, as text.
    fn recordings(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.scratch.0.join("records"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect()
    }

    async fn stop(mut self) {
        if let Some(proxy) = self.proxy.take() {
            proxy.shutdown().await;
        }
    }
}

/// A sample image meeting `rule`.
fn sample(rule: &ImageRule) -> Vec<u8> {
    let format = if rule.formats.is_empty() || rule.formats.contains(&ImageFormat::Jpeg) {
        ImageFormat::Jpeg
    } else {
        rule.formats[0]
    };
    let width = rule.min_width.unwrap_or(0).max(640) as u16;
    let height = rule.min_height.unwrap_or(0).max(640) as u16;
    let mut size = rule.min_bytes.unwrap_or(0).max(40_000) + 1_000;
    if let Some(max) = rule.max_bytes {
        size = size.min(max - 1);
    }
    Image::new(format, width, height).bytes(size)
}

/// A parameter's documented example, as text.
fn parameter_example(spec: &Spec, operation_id: &str, name: &str) -> String {
    spec.parameter_example(operation_id, name)
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_else(|| "x".into())
}

/// The request of `scenario` (or, with none, of the operation's documented examples), to
/// `base`, with the vendor's sandbox credentials, images replaced by samples meeting the spec.
fn request(
    http: &reqwest::Client,
    base: &str,
    spec: &Spec,
    operation_id: &str,
    scenario: Option<&Scenario<'_>>,
) -> reqwest::RequestBuilder {
    let operation = spec.operation(operation_id).unwrap();
    let given = |name: &str| {
        scenario
            .and_then(|s| s.parameter(name))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    let mut path = operation.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for parameter in &operation.parameters {
        let value = given(&parameter.name).or_else(|| {
            parameter
                .required
                .then(|| parameter_example(spec, operation_id, &parameter.name))
        });
        let Some(value) = value else { continue };
        match parameter.location {
            ParameterLocation::Path => {
                path = path.replace(&format!("{{{}}}", parameter.name), &value)
            }
            ParameterLocation::Query => query.push((parameter.name.clone(), value)),
            ParameterLocation::Header => headers.push((parameter.name.clone(), value)),
            ParameterLocation::Cookie => {}
        }
    }
    let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
    let mut builder = http.request(method, format!("{base}{path}")).query(&query);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if operation.authenticated {
        builder = match spec.vendor().auth {
            Some(AuthScheme::Bearer) => builder.bearer_auth(KREDIBEL_KEY),
            _ => builder.basic_auth(ILUMA_KEY, Some("")),
        };
    }
    let Some(declared) = &operation.request else {
        return builder;
    };
    let body = scenario.and_then(|s| s.request.clone()).or_else(|| {
        spec.request_examples(operation_id)
            .first()
            .map(|(_, v)| (*v).clone())
    });
    let Some(Value::Object(mut fields)) = body else {
        return builder;
    };
    let schema = spec
        .request_schema(operation_id, &declared.media_type)
        .unwrap();
    let images = spec.image_fields(schema);
    if declared.media_type == "multipart/form-data" {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = match images.iter().find(|(field, _)| *field == name) {
                Some((_, rule)) => form.part(
                    name,
                    reqwest::multipart::Part::bytes(sample(rule))
                        .file_name("selfie.jpg")
                        .mime_str("image/jpeg")
                        .unwrap(),
                ),
                None => form.text(
                    name,
                    value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string),
                ),
            };
        }
        return builder.multipart(form);
    }
    // A scenario's images are the spec's samples, with the case's trigger comment if it has one.
    if let Some(request) =
        scenario.and_then(|s| kyc_sandbox::examples::scenario_request(spec, s).ok())
    {
        return builder.json(&request.body);
    }
    for (field, rule) in &images {
        if fields.contains_key(*field) {
            let encoded = base64::engine::general_purpose::STANDARD.encode(sample(rule));
            fields.insert(field.to_string(), Value::String(encoded));
        }
    }
    builder.json(&Value::Object(fields))
}

/// The values under `x-pii` marks in `value` (schema `schema` of `spec`), at least 4
/// characters long: what must never reach a report or a recording.
fn pii_values(spec: &Spec, schema: &Value, value: &Value, inside: bool, out: &mut Vec<String>) {
    let schema = spec.resolve(schema);
    let inside = inside || schema.get("x-pii").is_some();
    match value {
        Value::String(text) if inside && text.chars().count() >= 4 => out.push(text.clone()),
        Value::Object(fields) => {
            for (name, field) in fields {
                let property = schema.pointer(&format!("/properties/{name}"));
                pii_values(spec, property.unwrap_or(&Value::Null), field, inside, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                pii_values(
                    spec,
                    schema.get("items").unwrap_or(&Value::Null),
                    item,
                    inside,
                    out,
                );
            }
        }
        _ => {}
    }
}

fn assert_no_leak(run: &Run, secrets: &[String]) {
    let mut texts = run.recordings();
    assert!(!texts.is_empty(), "no recording written");
    texts.push(run.report_text());
    for secret in secrets {
        for text in &texts {
            assert!(
                !text.contains(secret.as_str()),
                "a recording or the report holds personal data"
            );
        }
    }
}

/// Every documented scenario, through the proxy to the offline sandbox: each answered as
/// documented, no violation either way, each exchange recorded without personal data.
#[tokio::test]
async fn the_offline_sandbox_meets_the_specs_through_the_proxy() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let mut run = Run::start(&sandbox.kredibel_url(), &sandbox.iluma_url()).await;
    let mut secrets = vec![KREDIBEL_KEY.to_string(), ILUMA_KEY.to_string()];
    let mut exchanges = 0;
    for spec in [spec::kredibel(), spec::iluma()] {
        let vendor = &spec.vendor().name;
        for scenario in spec.all_scenarios().unwrap() {
            let base = run.url(vendor);
            let response = request(
                &run.http,
                &base,
                spec,
                scenario.operation_id,
                Some(&scenario),
            )
            .send()
            .await
            .unwrap();
            let label = format!("{vendor} {} / {}", scenario.operation_id, scenario.name);
            assert_eq!(response.status().as_u16(), scenario.status, "{label}");
            assert_eq!(run.new_lines(), Vec::<Value>::new(), "{label}");
            exchanges += 1;
            if let (Some(body), Some(op)) =
                (&scenario.request, spec.operation(scenario.operation_id))
                && let Some(declared) = &op.request
            {
                let schema = spec.request_schema(&op.id, &declared.media_type).unwrap();
                pii_values(spec, schema, body, false, &mut secrets);
            }
        }
    }
    assert!(exchanges >= 20, "only {exchanges} scenarios");
    assert_eq!(run.recordings().len(), exchanges);
    assert!(secrets.iter().any(|s| s == "Eko Hadi Salim"), "{secrets:?}");
    assert_no_leak(&run, &secrets);
    // A recording loads as a fixture: what the spec lists stays, personal data is masked.
    let recordings: Vec<Value> = run
        .recordings()
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect();
    let screening = recordings
        .iter()
        .find(|r| r["operation"] == "screen_individual" && r["response"]["status"] == 200)
        .expect("a screening recorded");
    assert_eq!(screening["vendor"], "iluma");
    assert_eq!(screening["request"]["method"], "POST");
    assert_eq!(
        screening["request"]["path"],
        "/v0/identity/individual_cft_peps"
    );
    // Masked, keeping its shape: a name of the same lengths and case.
    let given = screening["request"]["body"]["given_names"]
        .as_str()
        .unwrap();
    assert_eq!(given.chars().count(), "Eko Hadi Salim".chars().count());
    assert_ne!(given, "Eko Hadi Salim");
    assert_eq!(screening["request"]["body"]["nationality"], "ID");
    let status = screening["response"]["body"]["status"].as_str().unwrap();
    assert!(
        spec::iluma()
            .enum_values("ScreeningStatus")
            .contains(&status)
    );
    assert_eq!(screening["violations"], json!([]));
    let certificate = recordings
        .iter()
        .find(|r| r["operation"] == "issue_certificate")
        .expect("a certificate recorded");
    let face = certificate["request"]["body"]["faceImage"]
        .as_str()
        .unwrap();
    let face = kyc_spec::image::inspect_base64(face).expect("a masked image is an image");
    assert_eq!(face.format.as_str(), "jpeg");
    let headers = certificate["request"]["headers"].as_array().unwrap();
    assert!(
        headers.contains(&json!("authorization")),
        "names only: {headers:?}"
    );
    let summary = run.proxy().report().summary();
    assert!(summary.contains("iluma screen_individual:"), "{summary}");
    assert!(summary.contains(" 0 violations"), "{summary}");
    run.stop().await;
    sandbox.shutdown().await;
}

/// An upstream that answers whatever the test sets next.
struct Stub {
    url: String,
    answer: Arc<Mutex<(u16, Value)>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Stub {
    async fn start() -> Self {
        let answer = Arc::new(Mutex::new((200, json!({}))));
        let router = Router::new()
            .fallback(
                |State(answer): State<Arc<Mutex<(u16, Value)>>>| async move {
                    let (status, body) = answer.lock().unwrap().clone();
                    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
                },
            )
            .with_state(answer.clone());
        let listener = kyc_sandbox::listen(([127, 0, 0, 1], 0).into()).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(kyc_sandbox::serve(listener, router, async {
            let _ = stopped.await;
        }));
        Self {
            url,
            answer,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn answer(&self, status: u16, body: Value) {
        *self.answer.lock().unwrap() = (status, body);
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The documented success example of `operation_id`.
fn documented(spec: &Spec, operation_id: &str) -> Value {
    let key = spec.response_key(operation_id, 200).unwrap();
    spec.first_response_example(operation_id, key)
        .unwrap()
        .clone()
}

fn open(spec: &Spec, schema: &str) -> bool {
    spec.schema(schema).is_some_and(is_open_enum)
}

/// `(path, rule, decodes)` of report lines, after checking the exchange's other keys.
fn found(
    lines: &[Value],
    vendor: &str,
    operation: &str,
    status: u16,
) -> Vec<(String, String, bool)> {
    for line in lines {
        // An unknown field's line, and only it, names the JSON type of its value.
        let typed = line["json_type"].as_str();
        assert_eq!(typed.is_some(), line["rule"] == "unknown-field", "{line}");
        assert!(
            typed.is_none_or(|t| {
                [
                    "string", "integer", "number", "boolean", "array", "object", "null",
                ]
                .contains(&t)
            }),
            "{line}"
        );
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "json_type")
            .collect();
        assert_eq!(
            keys,
            [
                "decodes",
                "direction",
                "operation",
                "path",
                "rule",
                "status",
                "vendor"
            ],
            "{line}"
        );
        assert_eq!(line["vendor"], vendor, "{line}");
        assert_eq!(line["operation"], operation, "{line}");
        assert_eq!(line["direction"], "response", "{line}");
        assert_eq!(line["status"], status, "{line}");
    }
    lines
        .iter()
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap().to_string();
            (text("path"), text("rule"), l["decodes"].as_bool().unwrap())
        })
        .collect()
}

fn entry(path: &str, rule: &str, decodes: bool) -> (String, String, bool) {
    (path.to_string(), rule.to_string(), decodes)
}

/// Each way the vendors' answers differ from the specs is reported with its path and rule,
/// marked as decoding when the client still decodes it; the answer reaches the client
/// unchanged; nothing personal is written.
#[tokio::test]
async fn a_stub_vendor_s_differences_are_reported() {
    let stub = Stub::start().await;
    let mut run = Run::start(&format!("{}/k", stub.url), &format!("{}/i", stub.url)).await;
    let (kredibel, iluma) = (spec::kredibel().as_ref(), spec::iluma().as_ref());
    let mut secrets = vec![KREDIBEL_KEY.to_string(), ILUMA_KEY.to_string()];
    let first = |spec: &'static Spec, op: &str| spec.scenarios(op).unwrap().into_iter().next();

    // Sends a valid request of `op`, the stub answering `status` and `body`; returns the
    // report lines of the exchange.
    macro_rules! exchange {
        ($spec:expr, $op:expr, $status:expr, $body:expr) => {{
            let spec: &'static Spec = $spec;
            let body: Value = $body;
            stub.answer($status, body.clone());
            let scenario = first(spec, $op);
            let base = run.url(&spec.vendor().name);
            let response = request(&run.http, &base, spec, $op, scenario.as_ref())
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status().as_u16(),
                $status,
                "passed through unchanged"
            );
            let returned: Value = response.json().await.unwrap();
            assert_eq!(returned, body, "passed through unchanged");
            if let Some(request) = scenario.as_ref().and_then(|s| s.request.clone()) {
                let op = spec.operation($op).unwrap();
                let media = &op.request.as_ref().unwrap().media_type;
                let schema = spec.request_schema($op, media).unwrap();
                pii_values(spec, schema, &request, false, &mut secrets);
            }
            let lines = run.new_lines();
            found(&lines, &spec.vendor().name, $op, $status)
        }};
    }

    let certificate = documented(kredibel, "issue_certificate");
    let mut reject = certificate.clone();
    reject["data"]["rejectFields"] = json!(["nik"]);
    assert_eq!(
        exchange!(kredibel, "issue_certificate", 200, reject),
        [entry(
            "/data/rejectFields/0",
            "enum",
            open(kredibel, "RejectField")
        )]
    );

    let mut status = certificate.clone();
    status["data"]["status"] = json!("PENDING_REVIEW");
    assert_eq!(
        exchange!(kredibel, "issue_certificate", 200, status),
        [entry(
            "/data/status",
            "enum",
            open(kredibel, "CertificateStatus")
        )]
    );

    let created = if kredibel.response_key("issue_certificate", 201).is_some() {
        vec![]
    } else {
        vec![entry("", "status", false)]
    };
    assert_eq!(
        exchange!(kredibel, "issue_certificate", 201, certificate.clone()),
        created
    );

    let screening = documented(iluma, "screen_individual");
    let mut queued = screening.clone();
    queued["status"] = json!("QUEUED_FOR_REVIEW");
    assert_eq!(
        exchange!(iluma, "screen_individual", 200, queued),
        [entry("/status", "enum", open(iluma, "ScreeningStatus"))]
    );

    let mut scopes = screening.clone();
    scopes["results"][0]["scopes"] = json!(["PEP", "SANCTIONS_V2"]);
    assert_eq!(
        exchange!(iluma, "screen_individual", 200, scopes),
        [entry("/results/0/scopes/1", "enum", open(iluma, "Scope"))]
    );

    // Values that break their documented form: the clients keep them `Raw`, so they decode.
    let mut forms = certificate.clone();
    forms["data"]["id"] = json!("hist_0001");
    forms["data"]["referenceId"] = json!("REF-CERTEL-0001");
    assert_eq!(
        exchange!(kredibel, "issue_certificate", 200, forms),
        [
            entry("/data/id", "format", true),
            entry("/data/referenceId", "pattern", true)
        ]
    );
    let mut masked = documented(kredibel, "verify_biometric");
    masked["data"]["identityId"] = json!("123456******3456");
    secrets.push("123456******3456".into());
    assert_eq!(
        exchange!(kredibel, "verify_biometric", 200, masked),
        [entry("/data/identityId", "pattern", true)]
    );
    let mut echoes = screening.clone();
    echoes["score_threshold"] = json!(85.5);
    echoes["created"] = json!("2022-02-10 18:55:02");
    echoes["addresses"] = json!([{"country": "ID-JK", "category": "HOME"}]);
    assert_eq!(
        exchange!(iluma, "screen_individual", 200, echoes),
        [
            entry("/addresses/0/country", "pattern", true),
            entry("/created", "format", true),
            entry("/score_threshold", "type", true),
        ]
    );

    let mut new_fields = screening.clone();
    new_fields["risk_band"] = json!("HIGH");
    new_fields["results"][0]["mother_name"] = json!("Siti Aminah Rahayu");
    secrets.push("Siti Aminah Rahayu".into());
    assert_eq!(
        exchange!(iluma, "screen_individual", 200, new_fields),
        [
            entry("/results/0/mother_name", "unknown-field", true),
            entry("/risk_band", "unknown-field", true),
        ]
    );

    assert_eq!(
        exchange!(iluma, "get_health", 200, json!({"healthy": true})),
        [
            entry("/status", "required", true),
            entry("/healthy", "unknown-field", true)
        ]
    );

    let token = "3f1c2bd4a5e6470f8a9b0c1d2e3f4a5b-stub-token";
    secrets.push(token.into());
    assert_eq!(
        exchange!(
            iluma,
            "get_callback_authentication_token",
            200,
            json!({"callback_token": token})
        ),
        [
            entry("/token", "required", true),
            entry("/callback_token", "unknown-field", true),
        ]
    );

    let key = "iluma_development_stubbed0key0for0the0proxy0test";
    secrets.push(key.into());
    assert_eq!(
        exchange!(
            iluma,
            "get_api_keys",
            200,
            json!({"keys": [{"env": "DEVELOPMENT", "secret": key}]})
        ),
        [
            entry("/business_id", "required", true),
            entry("/api_keys", "required", true),
            entry("/keys", "unknown-field", true),
        ]
    );

    let error_id = "2f1b7c66-94f4-4b0e-a0c6-3a1f2e0d9b11";
    let error_type = exchange!(
        kredibel,
        "issue_certificate",
        400,
        json!({"message": "Bad.", "errors": {"errorId": error_id, "errorType": "NEW_TYPE"}})
    );
    if open(kredibel, "ErrorType") {
        assert_eq!(error_type, [entry("/errors/errorType", "enum", true)]);
    } else {
        // A closed enum fails the one member it could match: no member of `oneOf` fits.
        assert_eq!(error_type, [entry("/errors", "oneOf", false)]);
    }

    assert_eq!(
        exchange!(
            iluma,
            "screen_individual",
            400,
            json!({"error_code": "NEW_ERROR_CODE", "message": "Something new."})
        ),
        [entry("/error_code", "enum", open(iluma, "IlumaErrorCode"))]
    );

    assert_no_leak(&run, &secrets);
    let summary = run.proxy().report().summary();
    assert!(
        summary.contains("iluma get_api_keys: 1 exchange, 3 violations"),
        "{summary}"
    );
    assert!(
        summary.contains("response unknown-field (decodes): 1"),
        "{summary}"
    );
    run.stop().await;
    stub.stop().await;
}

/// Requests are checked too: a request that breaks the spec is reported (and still
/// forwarded), a path no operation has is reported as such.
#[tokio::test]
async fn requests_that_break_the_spec_are_reported_and_forwarded() {
    let stub = Stub::start().await;
    let mut run = Run::start(&stub.url, &stub.url).await;
    stub.answer(200, documented(spec::iluma(), "screen_individual"));
    let response = run
        .http
        .post(format!(
            "{}/v0/identity/individual_cft_peps",
            run.url("iluma")
        ))
        .basic_auth(ILUMA_KEY, Some(""))
        .json(
            &json!({"user_id": "u1", "given_names": "Eko Hadi Salim", "nationality": "ID",
                      "scopes": ["PEP", "MAGIC"], "score_threshold": 10}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let lines = run.new_lines();
    let requests: Vec<(String, String)> = lines
        .iter()
        .filter(|l| l["direction"] == "request")
        .map(|l| {
            (
                l["path"].as_str().unwrap().into(),
                l["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        requests,
        [
            ("/scopes/1".to_string(), "enum".to_string()),
            ("/score_threshold".to_string(), "minimum".to_string()),
        ]
    );
    assert!(
        lines
            .iter()
            .all(|l| l["status"] == 200 && l["decodes"] == false)
    );

    let response = run
        .http
        .get(format!("{}/v9/nothing/here", run.url("kredibel")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "forwarded all the same");
    let lines = run.new_lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["rule"], "operation");
    assert_eq!(lines[0]["operation"], Value::Null);

    let elsewhere = run
        .http
        .get(format!("http://{}/acme/x", run.proxy().local_addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 404);
    assert_no_leak(&run, &["Eko Hadi Salim".to_string(), ILUMA_KEY.to_string()]);
    run.stop().await;
    stub.stop().await;
}

/// An upstream that does not answer gets the proxy's 502, the request's problems reported
/// with it.
#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    // A port that was just free: nothing listens on it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let run = Run::start(&base, &base).await;
    let response = run
        .http
        .get(format!("{}/health", run.url("iluma")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let headers: HeaderMap = response.headers().clone();
    assert_eq!(headers["x-kyc-proxy"], "1");
    run.stop().await;
}

/// The binary: `proxy` prints the vendors' URLs first, refuses plain HTTP to a remote host,
/// and prints its summary on SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn the_proxy_binary_prints_its_urls_and_a_summary_on_sigterm() {
    use std::io::{BufRead as _, BufReader, Read as _};
    use std::process::{Command, Stdio};

    let refused = Command::new(env!("CARGO_BIN_EXE_kyc-sandbox"))
        .args(["proxy", "--upstream", "iluma=http://api.iluma.ai"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use https://"));

    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let scratch = Scratch::new("bin");
    let report = scratch.0.join("report.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kyc-sandbox"))
        .args(["proxy", "--listen", "127.0.0.1:0"])
        .args([
            "--upstream",
            &format!("kredibel={}", sandbox.kredibel_url()),
        ])
        .args(["--upstream", &format!("iluma={}", sandbox.iluma_url())])
        .args(["--report", report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let kill = |signal: &str, pid: u32| {
        let _ = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status();
    };
    let pid = child.id();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = || {
        let mut text = String::new();
        stdout.read_line(&mut text).unwrap();
        text.trim_end().to_string()
    };
    let (kredibel, iluma) = (line(), line());
    if !kredibel.starts_with("kredibel: http://127.0.0.1:") || !iluma.starts_with("iluma: ") {
        kill("-KILL", pid);
        let _ = child.wait();
        panic!("unexpected first lines: {kredibel} / {iluma}");
    }
    let health = http_client()
        .get(format!("{}/health", &iluma["iluma: ".len()..]))
        .send()
        .await;
    kill("-TERM", pid);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let exit = child.wait().unwrap();
    assert_eq!(health.unwrap().status(), 200);
    assert!(exit.success(), "{exit:?}");
    assert!(
        rest.contains("iluma get_health: 1 exchange, 0 violations"),
        "{rest}"
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "");
    sandbox.shutdown().await;
}

/// A spec whose second operation has its own host (path-level `servers`, `x-host: other`).
fn two_hosts() -> Spec {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {
        "schema": {"type": "object"}}}}});
    Spec::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "Two hosts", "version": "1", "x-vendor": "twohost"},
        "servers": [{"url": "https://main.example", "x-environments": ["sandbox"]}],
        "paths": {
            "/v1/a": {"get": {"operationId": "get_a", "responses": ok.clone()}},
            "/v1/b": {
                "servers": [{"url": "https://other.example", "x-environments": ["sandbox"],
                             "x-host": "other"}],
                "get": {"operationId": "get_b", "responses": ok}
            }
        }
    }))
    .unwrap()
}

/// Each operation goes to its host's upstream (`VENDOR.HOST=URL`), the others to the vendor's;
/// a host the spec does not name is refused at start.
#[tokio::test]
async fn operations_go_to_their_hosts_upstream() {
    let (main, other) = (Stub::start().await, Stub::start().await);
    main.answer(200, json!({"from": "main"}));
    other.answer(200, json!({"from": "other"}));
    let upstreams = vec![
        Upstream::parse(&format!("twohost={}", main.url)).unwrap(),
        Upstream::parse(&format!("twohost.other={}", other.url)).unwrap(),
    ];
    let report = Arc::new(Report::new(Box::new(std::io::sink())));
    let mut config = ProxyConfig::new(upstreams, report);
    config.specs.push(two_hosts());
    let proxy = Proxy::bind(([127, 0, 0, 1], 0).into(), config)
        .await
        .expect("proxy starts");
    let base = proxy.url("twohost").unwrap();
    for (path, expected) in [("/v1/a", "main"), ("/v1/b", "other")] {
        let answer: Value = http_client()
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["from"], expected, "{path}");
    }
    proxy.shutdown().await;

    let mut config = ProxyConfig::new(
        vec![Upstream::parse(&format!("twohost.vision={}", main.url)).unwrap()],
        Arc::new(Report::new(Box::new(std::io::sink()))),
    );
    config.specs.push(two_hosts());
    let refused = Proxy::bind(([127, 0, 0, 1], 0).into(), config).await;
    let Err(refused) = refused else {
        panic!("an unknown host is refused")
    };
    let message = refused.to_string();
    assert!(
        message.contains("twohost.vision") && message.contains("other"),
        "{message}"
    );
    main.stop().await;
    other.stop().await;
}

/// The recordings played back (`--replay`): requests of a recorded shape get the recorded
/// answers in the order they were recorded, the last repeating, whatever personal values they
/// carry; another request gets the scenarios, or with `--replay-strict` the vendor's not-found
/// error naming the operation.
#[tokio::test]
async fn recordings_play_back_in_order_then_fall_back_or_refuse() {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let mut run = Run::start(&sandbox.kredibel_url(), &sandbox.iluma_url()).await;
    let face = crate::support::face_image();
    let biometric = |base: &str, nik: &str| {
        run.http
            .post(format!("{base}/v1/identity/verification/biometric"))
            .bearer_auth(KREDIBEL_KEY)
            .json(&json!({"identityId": nik, "faceImage": face}))
    };
    let get_health = |base: &str| run.http.get(format!("{base}/health"));
    let base = run.url("kredibel");
    for nik in ["1234567890123456", "1234567890111111"] {
        let answer = biometric(&base, nik).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 200);
    }
    // A multipart request: text parts and a selfie file.
    let selfie = crate::support::selfie();
    let ktp = |base: &str, nik: &str, selfie: &[u8]| {
        run.http
            .post(format!("{base}/v0/identity/id_card_verifications"))
            .basic_auth(ILUMA_KEY, Some(""))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={}", crate::support::BOUNDARY),
            )
            .body(crate::support::ktp_form(nik, selfie))
    };
    let recorded = ktp(&run.url("iluma"), "3275031210930027", &selfie)
        .send()
        .await
        .unwrap();
    assert_eq!(recorded.status().as_u16(), 200);
    let recorded: Value = recorded.json().await.unwrap();
    if let Some(proxy) = run.proxy.take() {
        proxy.shutdown().await;
    }
    sandbox.shutdown().await;
    let records = run.scratch.0.join("records");

    let replaying = Sandbox::start_with(
        kyc_sandbox::SandboxConfig::default()
            .with_replay(kyc_sandbox::Replay::load(&records).unwrap()),
    )
    .await
    .unwrap();
    let base = replaying.kredibel_url();
    let mut faces = Vec::new();
    for _ in 0..3 {
        let answer = biometric(&base, "9999999999999999").send().await.unwrap();
        let file = answer.headers().get("x-kyc-replay").cloned();
        assert!(file.is_some(), "answered from a recording");
        let body: Value = answer.json().await.unwrap();
        faces.push(body["data"]["response"]["face"].clone());
    }
    assert_eq!(faces, [json!(true), json!(false), json!(false)]);
    // Another shape (a NIK of 15 digits is refused by the scenarios' validation) and another
    // operation: the sandbox's own answers.
    let short = biometric(&base, "123456789012345").send().await.unwrap();
    assert_eq!(short.status().as_u16(), 400);
    assert!(short.headers().get("x-kyc-replay").is_none());
    let health = get_health(&replaying.iluma_url()).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    // The multipart request, another NIK of the same shape and the same selfie file: the
    // recorded answer, its echoed NIK masked (16 digits, not the one sent).
    let replayed = ktp(&replaying.iluma_url(), "3171011507850003", &selfie)
        .send()
        .await
        .unwrap();
    assert!(replayed.headers().get("x-kyc-replay").is_some());
    let replayed: Value = replayed.json().await.unwrap();
    assert_eq!(replayed["status"], recorded["status"]);
    let echo = replayed["id_card_number"].as_str().unwrap_or_default();
    assert!(echo.len() == 16 && echo != "3275031210930027", "{replayed}");
    replaying.shutdown().await;

    let strict = Sandbox::start_with(
        kyc_sandbox::SandboxConfig::default()
            .with_replay(kyc_sandbox::Replay::load(&records).unwrap().strict()),
    )
    .await
    .unwrap();
    let health = get_health(&strict.iluma_url()).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 404);
    let body: Value = health.json().await.unwrap();
    assert_eq!(body["error_code"], "DATA_NOT_FOUND");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("no recorded exchange of get_health"),
        "{message}"
    );
    let short = biometric(&strict.kredibel_url(), "123456789012345")
        .send()
        .await
        .unwrap();
    assert_eq!(short.status().as_u16(), 404);
    let body: Value = short.json().await.unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("verify_biometric") && message.contains("`/body/identityId`"),
        "{message}"
    );
    strict.shutdown().await;

    // The binary: `--replay DIR --replay-strict`.
    let records = records.to_str().unwrap();
    let binary = crate::support::SandboxProcess::start_with(
        &[
            "--replay",
            records,
            "--replay-strict",
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
        false,
    );
    let health = get_health(&binary.iluma_url).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 404);
    let answer = biometric(&binary.kredibel_url, "9999999999999999")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
}
