//! Shared helpers: a sandbox on a socket with both generated clients, in-process calls through
//! the router, valid requests built from the specs' examples (with real images), and multipart
//! bodies.

use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::{Sandbox, SandboxApp, SandboxConfig};
use kyc_spec::example::ExampleRequest;
use kyc_spec::image::ImageRule;
use kyc_spec::{Operation, Scenario, Spec};
use serde_json::Value;
use tower::ServiceExt as _;

/// Any non-empty bearer key is a Kredibel sandbox key.
pub(crate) const KREDIBEL_KEY: &str = "sandbox-test-key";
/// The reference's public development key.
pub(crate) const ILUMA_KEY: &str =
    "iluma_development_FX4f0M5sxDgk5qFyZnk60ZengAfA9o31x3ecd29vihjc4VhyJ8FclZhHjjw";

/// A sandbox on 127.0.0.1:0 with a client of each vendor pointed at it.
pub(crate) struct Harness {
    pub(crate) sandbox: Sandbox,
    pub(crate) kredibel: kredibel::Client,
    pub(crate) iluma: iluma::Client,
}

impl Harness {
    pub(crate) async fn start() -> Self {
        Self::start_with(SandboxConfig::default()).await
    }

    pub(crate) async fn start_with(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start_with(config).await.expect("sandbox starts");
        let kredibel = kredibel::Client::with_api_key(
            Environment::Custom(sandbox.kredibel_url()),
            KREDIBEL_KEY,
        )
        .expect("kredibel client");
        let iluma =
            iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY)
                .expect("iluma client");
        Self {
            sandbox,
            kredibel,
            iluma,
        }
    }
}

/// The spec's request example of `operation_id` with real images (`kyc_sandbox::examples`),
/// as JSON; for a multipart form, its text fields. Fails naming the operation and what the
/// spec lacks.
pub(crate) fn example_json(spec: &Spec, operation_id: &str) -> Value {
    valid_request(spec, operation_id).body
}

/// The spec's request example of `operation_id`, with real images.
pub(crate) fn valid_request(spec: &Spec, operation_id: &str) -> ExampleRequest {
    kyc_sandbox::examples::valid_request(spec, operation_id)
        .unwrap_or_else(|error| panic!("no valid request from the spec: {error}"))
}

/// The request a documented scenario sends, with real images, as JSON.
pub(crate) fn scenario_json(spec: &Spec, scenario: &Scenario<'_>) -> Value {
    kyc_sandbox::examples::scenario_request(spec, scenario)
        .unwrap_or_else(|error| panic!("no request for scenario `{}`: {error}", scenario.name))
        .body
}

/// `json` as the generated type `T`; fails naming `what` and serde's reason.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(what: &str, json: Value) -> T {
    serde_json::from_value(json).unwrap_or_else(|error| {
        panic!(
            "{what} does not decode as {}: {error}",
            std::any::type_name::<T>()
        )
    })
}

/// The request of a documented scenario as a generated request type's builder.
pub(crate) fn example_of<T, B>(spec: &Spec, scenario: &Scenario<'_>) -> B
where
    T: serde::de::DeserializeOwned,
    B: From<T>,
{
    let what = format!(
        "the request of {} / {}",
        scenario.operation_id, scenario.name
    );
    B::from(typed::<T>(&what, scenario_json(spec, scenario)))
}

/// An image field of the certificate example (with a real image), as base64.
fn certificate_image(field: &str) -> String {
    static CERTIFICATE: OnceLock<Value> = OnceLock::new();
    let example = CERTIFICATE
        .get_or_init(|| example_json(kyc_sandbox::spec::kredibel(), "issue_certificate"));
    example[field]
        .as_str()
        .unwrap_or_else(|| panic!("issue_certificate example: `{field}` is not base64 text"))
        .to_string()
}

/// A selfie within the certificate limits (the example's field, with a real image), base64.
pub(crate) fn face_image() -> String {
    certificate_image("faceImage")
}

/// A card photo within the certificate limits (the example's field, with a real image).
pub(crate) fn identity_image() -> String {
    certificate_image("identityImage")
}

/// A KTP selfie within Iluma's limits: the example's file part, with a real image.
pub(crate) fn selfie() -> Vec<u8> {
    let request = valid_request(kyc_sandbox::spec::iluma(), "verify_id_card");
    match request.files.into_iter().next() {
        Some(file) => file.bytes,
        None => panic!("verify_id_card example: no file part"),
    }
}

/// The documented certificate request (the spec's example) for `nik`.
pub(crate) fn certificate_request(
    nik: &str,
) -> kredibel::types::builder::CertificateIssuanceRequest {
    typed::<kredibel::types::CertificateIssuanceRequest>(
        "the issue_certificate example",
        certificate_json(nik),
    )
    .into()
}

/// The documented certificate request as JSON, for raw calls.
pub(crate) fn certificate_json(nik: &str) -> Value {
    let mut body = example_json(kyc_sandbox::spec::kredibel(), "issue_certificate");
    body["identityId"] = Value::String(nik.to_string());
    body
}

/// The documented individual screening request (the spec's example).
pub(crate) fn individual_request() -> iluma::types::builder::IndividualScreeningRequest {
    typed::<iluma::types::IndividualScreeningRequest>(
        "the screen_individual example",
        example_json(kyc_sandbox::spec::iluma(), "screen_individual"),
    )
    .into()
}

/// The documented entity screening request (the spec's example).
pub(crate) fn entity_request() -> iluma::types::builder::EntityScreeningRequest {
    typed::<iluma::types::EntityScreeningRequest>(
        "the screen_entity example",
        example_json(kyc_sandbox::spec::iluma(), "screen_entity"),
    )
    .into()
}

/// The status and body of an error answer of a generated client.
pub(crate) fn error_of<T: std::fmt::Debug>(error: kyc_clients::Error<T>) -> (u16, T) {
    match error {
        kyc_clients::Error::ErrorResponse(response) => {
            let status = response.status().as_u16();
            (status, response.into_inner())
        }
        other => panic!("expected an error response, got {other:?}"),
    }
}

/// The value a secret-bearing generated type carries, whatever wraps it (its JSON form is
/// what went over the wire).
pub(crate) fn reveal<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Decodes an answer's body with a generated type; fails showing the body.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &Value) -> T {
    typed(&format!("the answer {body}"), body.clone())
}

/// An answer of an in-process call.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

/// Calls the sandbox in-process, through its router.
pub(crate) async fn call(app: &SandboxApp, request: Request<Body>) -> Reply {
    let response = app.router().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes: Bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

/// A default sandbox without a socket.
pub(crate) fn in_process() -> SandboxApp {
    SandboxApp::new(SandboxConfig::default())
}

/// A JSON `POST` to Kredibel with the bearer key.
pub(crate) fn kredibel_post(path: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/kredibel{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {KREDIBEL_KEY}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

/// `Authorization: Basic base64(key:)`.
pub(crate) fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

/// An Iluma request with the development key, a JSON body if given and `x-magic-reply` if
/// given.
pub(crate) fn iluma_request(
    method: Method,
    path: &str,
    body: Option<&Value>,
    magic: Option<&str>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("/iluma{path}"))
        .header(header::AUTHORIZATION, basic(ILUMA_KEY));
    if let Some(magic) = magic {
        builder = builder.header("x-magic-reply", magic);
    }
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

/// One part of a multipart form.
pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

pub(crate) const BOUNDARY: &str = "kyc-sandbox-test-boundary";

/// A `multipart/form-data` body.
pub(crate) fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, content_type, bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"file\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The documented KTP form (the spec's example's text fields) for `nik`, with `selfie` as a
/// JPEG part.
pub(crate) fn ktp_form(nik: &str, selfie: &[u8]) -> Vec<u8> {
    let mut fields = example_json(kyc_sandbox::spec::iluma(), "verify_id_card");
    fields["id_card_number"] = Value::String(nik.to_string());
    let texts: Vec<(String, String)> = fields
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            (name.clone(), text)
        })
        .collect();
    let mut parts: Vec<Part<'_>> = texts
        .iter()
        .map(|(name, value)| Part::Text(name, value))
        .collect();
    parts.push(Part::File("selfie", "image/jpeg", selfie));
    multipart(&parts)
}

/// A multipart KTP request with the development key.
pub(crate) fn ktp_request(body: Vec<u8>, magic: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/iluma/v0/identity/id_card_verifications")
        .header(header::AUTHORIZATION, basic(ILUMA_KEY))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(magic) = magic {
        builder = builder.header("x-magic-reply", magic);
    }
    builder.body(Body::from(body)).expect("request")
}

/// The documented KTP verification (the spec's example, with a real selfie) for `nik`, on
/// the hand-written multipart builder.
pub(crate) fn ktp_builder<'a>(client: &'a iluma::Client, nik: &str) -> iluma::VerifyIdCard<'a> {
    let request = valid_request(kyc_sandbox::spec::iluma(), "verify_id_card");
    let mut builder = client.verify_id_card().id_card_number(nik);
    for (field, value) in request.body.as_object().into_iter().flatten() {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        builder = match field.as_str() {
            "id_card_number" => builder,
            "name" => builder.name(text),
            "birthdate" => builder.birthdate(text),
            "birthplace" => builder.birthplace(text),
            "address" => builder.address(text),
            other => panic!("verify_id_card example: `{other}` has no builder method"),
        };
    }
    for file in request.files {
        match file.field.as_str() {
            "selfie" => builder = builder.selfie(file.bytes),
            other => panic!("verify_id_card example: file `{other}` has no builder method"),
        }
    }
    builder
}

/// The spec's request example of `operation_id` (real images) with `changes` applied: each
/// field of `changes` replaces the example's, `null` removes it. A request built so stays
/// valid when the spec adds a required field to the schema and its example.
pub(crate) fn example_with(spec: &Spec, operation_id: &str, changes: Value) -> Value {
    let mut body = example_json(spec, operation_id);
    let Some(fields) = body.as_object_mut() else {
        panic!("{operation_id}: the request example is not an object");
    };
    for (field, value) in changes.as_object().into_iter().flatten() {
        match value {
            Value::Null => fields.remove(field),
            value => fields.insert(field.clone(), value.clone()),
        };
    }
    body
}

/// Every image field of `spec`'s request bodies, with its operation and rule, in the spec's
/// order.
pub(crate) fn image_fields(spec: &Spec) -> Vec<(&Operation, &str, ImageRule)> {
    let mut out = Vec::new();
    for operation in spec.operations() {
        let Some(schema) = operation
            .request
            .as_ref()
            .and_then(|r| r.schema.as_deref())
            .and_then(|name| spec.schema(name))
        else {
            continue;
        };
        for (field, rule) in spec.image_fields(schema) {
            out.push((operation, field, rule));
        }
    }
    out
}

/// The `kyc-sandbox` binary, listening on 127.0.0.1:0. Dropping it kills the process and
/// waits for it, so no test leaves a sandbox running, whatever path it ends by (a failed
/// assertion included).
pub(crate) struct SandboxProcess {
    child: std::process::Child,
    /// Kept open: the binary may write to stdout after its URLs.
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    stderr: Option<std::thread::JoinHandle<String>>,
    /// `http://127.0.0.1:PORT/kredibel`, from the binary's first line.
    pub(crate) kredibel_url: String,
    /// `http://127.0.0.1:PORT/iluma`, from its second line.
    pub(crate) iluma_url: String,
}

impl SandboxProcess {
    /// Starts the binary with `env` added; its stderr is collected (see
    /// [`SandboxProcess::stop`]) when `capture_stderr`, else discarded.
    pub(crate) fn start(env: &[(&str, &str)], capture_stderr: bool) -> Self {
        Self::start_with(&["--listen", "127.0.0.1:0"], env, capture_stderr)
    }

    /// Starts the binary with these arguments (which must make it listen); see
    /// [`SandboxProcess::start`].
    pub(crate) fn start_with(args: &[&str], env: &[(&str, &str)], capture_stderr: bool) -> Self {
        use std::io::{BufRead as _, Read as _};
        use std::process::{Command, Stdio};

        let mut child = Command::new(env!("CARGO_BIN_EXE_kyc-sandbox"))
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(if capture_stderr {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap_or_else(|error| panic!("kyc-sandbox does not start: {error}"));
        let stderr = child.stderr.take().map(|mut stderr| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            })
        });
        let stdout = child.stdout.take();
        let mut process = Self {
            child,
            _stdout: std::io::BufReader::new(stdout.expect("stdout is piped")).lines(),
            stderr,
            kredibel_url: String::new(),
            iluma_url: String::new(),
        };
        // From here a panic drops `process`, which stops the binary.
        let mut line = |vendor: &str| {
            let text = process
                ._stdout
                .next()
                .unwrap_or_else(|| panic!("kyc-sandbox exited before printing its {vendor} URL"))
                .unwrap_or_else(|error| panic!("reading kyc-sandbox's stdout: {error}"));
            text.strip_prefix(&format!("{vendor}: "))
                .unwrap_or_else(|| panic!("expected `{vendor}: URL`, got {text:?}"))
                .to_string()
        };
        let kredibel_url = line("kredibel");
        let iluma_url = line("iluma");
        process.kredibel_url = kredibel_url;
        process.iluma_url = iluma_url;
        process
    }

    /// Stops the binary with SIGTERM (a graceful shutdown) and waits: whether it exited
    /// successfully, and its stderr if captured.
    #[cfg(unix)]
    pub(crate) fn stop(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        let signalled = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|status| status.success());
        let exited = self.child.wait().is_ok_and(|status| status.success());
        let logs = self
            .stderr
            .take()
            .map(|logs| logs.join().unwrap_or_default())
            .unwrap_or_default();
        (signalled && exited, logs)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A reqwest client (the workspace builds reqwest without a TLS crypto provider: ring is
/// installed, as the clients do).
pub(crate) fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
