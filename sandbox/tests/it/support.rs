//! Shared helpers: a sandbox on a socket with both generated clients, in-process calls through
//! the router, sample images within the documented limits, and multipart bodies.

use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{Sandbox, SandboxApp, SandboxConfig};
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

fn cached(cell: &'static OnceLock<String>, make: impl FnOnce() -> String) -> String {
    cell.get_or_init(make).clone()
}

/// A selfie within the certificate limits: JPEG, 480×640, 120 KB, base64.
pub(crate) fn face_image() -> String {
    static CELL: OnceLock<String> = OnceLock::new();
    cached(&CELL, || Image::jpeg(480, 640).base64(120 * 1024))
}

/// A card photo within the certificate limits: PNG, 640×400, 110 KB, base64.
pub(crate) fn identity_image() -> String {
    static CELL: OnceLock<String> = OnceLock::new();
    cached(&CELL, || Image::png(640, 400).base64(110 * 1024))
}

/// A KTP selfie within Iluma's limits: JPEG, 600×600, 150 KB.
pub(crate) fn selfie() -> Vec<u8> {
    Image::jpeg(600, 600).bytes(150 * 1024)
}

/// The documented certificate request (docs' example fields) for `nik`.
pub(crate) fn certificate_request(
    nik: &str,
) -> kredibel::types::builder::CertificateIssuanceRequest {
    kredibel::types::CertificateIssuanceRequest::builder()
        .identity_id(nik)
        .full_name("ASEP SUPRIYADI".to_string())
        .birth_date("1990-07-06".parse::<chrono::NaiveDate>().expect("date"))
        .email_address("test@email.com".to_string())
        .phone_number("621234567890".to_string())
        .face_image(face_image())
        .identity_image(identity_image())
}

/// The documented certificate request as JSON, for raw calls.
pub(crate) fn certificate_json(nik: &str) -> Value {
    serde_json::json!({
        "identityId": nik,
        "fullName": "ASEP SUPRIYADI",
        "birthDate": "1990-07-06",
        "emailAddress": "test@email.com",
        "phoneNumber": "621234567890",
        "faceImage": face_image(),
        "identityImage": identity_image(),
    })
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

/// Decodes an answer's body with a generated type.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone()).expect("decodes with the generated type")
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

/// The documented KTP form for `nik`, with `selfie` as a JPEG part.
pub(crate) fn ktp_form(nik: &str, selfie: &[u8]) -> Vec<u8> {
    multipart(&[
        Part::Text("name", "penito kristian"),
        Part::Text("id_card_number", nik),
        Part::Text("birthdate", "12-10-1991"),
        Part::Text("birthplace", "Ketapang"),
        Part::Text("address", "Alinda kencana blok E"),
        Part::File("selfie", "image/jpeg", selfie),
    ])
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
