//! Shared by the tests: the specs as data, their examples, a key-by-key JSON comparison, and a
//! capturing HTTP server on 127.0.0.1:0.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

/// One vendor as the tests see it.
pub(crate) struct Vendor {
    pub(crate) name: &'static str,
    pub(crate) file: &'static str,
    pub(crate) spec: OpenAPI,
    pub(crate) decode:
        fn(&str, Value) -> Option<Result<kyc_clients::catalog::Decoded, serde_json::Error>>,
    pub(crate) json_schema: fn(&str) -> Option<schemars::schema::RootSchema>,
    pub(crate) pii_paths: fn(&str) -> &'static [(&'static str, kyc_clients::privacy::Pii)],
    pub(crate) operations: &'static [kyc_clients::catalog::Operation],
    pub(crate) schemas: &'static [&'static str],
}

/// Both vendors, their specs read with the same loader as build.rs.
pub(crate) fn vendors() -> Vec<Vendor> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let load =
        |file: &str| kyc_codegen::load_spec(&root.join(file)).unwrap_or_else(|e| panic!("{e}"));
    vec![
        Vendor {
            name: "kredibel",
            file: "openapi/kredibel.yaml",
            spec: load("openapi/kredibel.yaml"),
            decode: kyc_clients::kredibel::catalog::decode,
            json_schema: kyc_clients::kredibel::catalog::json_schema,
            pii_paths: kyc_clients::kredibel::catalog::pii_paths,
            operations: kyc_clients::kredibel::catalog::OPERATIONS,
            schemas: kyc_clients::kredibel::catalog::SCHEMAS,
        },
        Vendor {
            name: "iluma",
            file: "openapi/iluma.yaml",
            spec: load("openapi/iluma.yaml"),
            decode: kyc_clients::iluma::catalog::decode,
            json_schema: kyc_clients::iluma::catalog::json_schema,
            pii_paths: kyc_clients::iluma::catalog::pii_paths,
            operations: kyc_clients::iluma::catalog::OPERATIONS,
            schemas: kyc_clients::iluma::catalog::SCHEMAS,
        },
    ]
}

/// A named example of a request or response body, with the schema it documents.
pub(crate) struct Example {
    /// The operation, or `components` for a shared response.
    pub(crate) operation_id: String,
    /// `request` or the response status (`200`, `4XX`, ...).
    pub(crate) place: String,
    pub(crate) name: String,
    pub(crate) schema: String,
    pub(crate) value: Value,
}

impl Example {
    /// A stable snapshot name: `vendor__operation__place__example`.
    pub(crate) fn snapshot_name(&self, vendor: &str) -> String {
        format!(
            "{vendor}__{}__{}__{}",
            self.operation_id, self.place, self.name
        )
    }
}

fn schema_ref(schema: Option<&ReferenceOr<Schema>>) -> String {
    match schema {
        Some(ReferenceOr::Reference { reference }) => {
            reference.rsplit('/').next().unwrap_or_default().to_string()
        }
        _ => panic!("bodies must $ref a named schema (kyc-codegen enforces this)"),
    }
}

fn media_examples(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
    spec: &OpenAPI,
    operation_id: &str,
    place: &str,
    out: &mut Vec<Example>,
) {
    for media in content.values() {
        let schema = schema_ref(media.schema.as_ref());
        for (name, example) in &media.examples {
            let example = match example {
                ReferenceOr::Item(example) => example,
                ReferenceOr::Reference { reference } => {
                    let key = reference.rsplit('/').next().unwrap_or_default();
                    spec.components.as_ref().unwrap().examples[key]
                        .as_item()
                        .expect("one level of example $ref")
                }
            };
            out.push(Example {
                operation_id: operation_id.to_string(),
                place: place.to_string(),
                name: name.clone(),
                schema: schema.clone(),
                value: example.value.clone().expect("examples carry `value`"),
            });
        }
    }
}

/// Every named example of every operation, requests, responses and callback payloads (place
/// `callback.<name>`), in document order.
pub(crate) fn examples(spec: &OpenAPI) -> Vec<Example> {
    let mut out = Vec::new();
    for (_, _, op) in spec.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        if let Some(ReferenceOr::Item(body)) = &op.request_body {
            media_examples(&body.content, spec, &id, "request", &mut out);
        }
        for (name, callback) in &op.callbacks {
            for (_, request) in callback.values().flat_map(|item| item.iter()) {
                if let Some(ReferenceOr::Item(body)) = &request.request_body {
                    let place = format!("callback.{name}");
                    media_examples(&body.content, spec, &id, &place, &mut out);
                }
            }
        }
        for (status, response) in &op.responses.responses {
            // Shared responses (`$ref: #/components/responses/...`) are listed once below, not
            // once per operation that uses them.
            if let ReferenceOr::Item(response) = response {
                media_examples(&response.content, spec, &id, &status.to_string(), &mut out);
            }
        }
    }
    if let Some(components) = &spec.components {
        for (name, response) in &components.responses {
            if let ReferenceOr::Item(response) = response {
                media_examples(
                    &response.content,
                    spec,
                    "components",
                    &format!("responses.{name}"),
                    &mut out,
                );
            }
        }
    }
    out
}

pub(crate) fn resolve_response<'a>(
    spec: &'a OpenAPI,
    response: &'a ReferenceOr<openapiv3::Response>,
) -> &'a openapiv3::Response {
    match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let key = reference.rsplit('/').next().unwrap_or_default();
            spec.components.as_ref().unwrap().responses[key]
                .as_item()
                .expect("one level of response $ref")
        }
    }
}

/// Every difference between two JSON values, each as `key path: what differs`. Empty when
/// equal. Numbers compare by value (`1` and `1.0` are the same number on the wire).
pub(crate) fn json_differences(expected: &Value, actual: &Value, path: &str) -> Vec<String> {
    let at = if path.is_empty() { "(root)" } else { path };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut out = Vec::new();
            for (key, ev) in e {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match a.get(key) {
                    Some(av) => out.extend(json_differences(ev, av, &child)),
                    None => out.push(format!("Key {child}: lost in the round trip (was {ev})")),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.push(format!("Key {child}: added by the round trip ({av})"));
                }
            }
            out
        }
        (Value::Array(e), Value::Array(a)) => {
            let mut out = Vec::new();
            if e.len() != a.len() {
                out.push(format!("Key {at}: {} items became {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                out.extend(json_differences(ev, av, &format!("{path}[{i}]")));
            }
            out
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Vec::new(),
        (e, a) if e == a => Vec::new(),
        (e, a) => vec![format!("Key {at}: {e} became {a}")],
    }
}

/// What the capturing server saw of one request.
#[derive(Debug, Clone)]
pub(crate) struct Captured {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A server on 127.0.0.1:0 that records every request and answers each with the same canned
/// status and JSON body (a JSON string body set by [`CaptureServer::reply_text`] goes as
/// `text/plain`, without quotes).
pub(crate) struct CaptureServer {
    pub(crate) base_url: String,
    pub(crate) requests: Arc<Mutex<Vec<Captured>>>,
    reply: Arc<Mutex<(StatusCode, Value, bool)>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl CaptureServer {
    pub(crate) async fn start() -> Self {
        let requests: Arc<Mutex<Vec<Captured>>> = Arc::default();
        let reply = Arc::new(Mutex::new((StatusCode::OK, Value::Null, false)));
        let app = {
            let requests = requests.clone();
            let reply = reply.clone();
            axum::Router::new().fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let requests = requests.clone();
                    let reply = reply.clone();
                    async move {
                        requests.lock().unwrap().push(Captured {
                            method,
                            uri,
                            headers,
                            body,
                        });
                        use axum::response::IntoResponse as _;
                        match reply.lock().unwrap().clone() {
                            (status, Value::String(text), true) => (status, text).into_response(),
                            (status, body, _) => (status, axum::Json(body)).into_response(),
                        }
                    }
                },
            )
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Self {
            base_url: format!("http://{addr}"),
            requests,
            reply,
            shutdown: Some(tx),
        }
    }

    pub(crate) fn reply_with(&self, status: u16, body: Value) {
        *self.reply.lock().unwrap() = (StatusCode::from_u16(status).unwrap(), body, false);
    }

    /// Both vendors' clients sending to this server, without retries: each answer is read once.
    pub(crate) fn clients(
        &self,
        kredibel_key: &str,
        iluma_key: &str,
    ) -> (kyc_clients::kredibel::Client, kyc_clients::iluma::Client) {
        let options = || kyc_clients::ClientOptions {
            retry: kyc_clients::RetryPolicy::none(),
            ..Default::default()
        };
        let url = || kyc_clients::Environment::Custom(self.base_url.clone());
        (
            kyc_clients::kredibel::Client::with_options(url(), kredibel_key, options()).unwrap(),
            kyc_clients::iluma::Client::with_options(url(), iluma_key, options()).unwrap(),
        )
    }

    /// Answers with `text` as `text/plain` (a body that is not JSON).
    pub(crate) fn reply_text(&self, status: u16, text: &str) {
        *self.reply.lock().unwrap() = (StatusCode::from_u16(status).unwrap(), text.into(), true);
    }

    /// The last request received; panics if none was.
    pub(crate) fn last(&self) -> Captured {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the server received a request")
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Runs `body` with insta writing to the repository's `snapshots/<folder>/`, without the
/// module prefix, so snapshot files are named after what they show.
pub(crate) fn in_snapshots<R>(folder: &str, body: impl FnOnce() -> R) -> R {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("snapshots")
            .join(folder),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(body)
}

/// A JPEG of `width`×`height` pixels padded to `size` bytes: valid headers (what the client
/// and the sandbox read), filler after them.
pub(crate) fn synthetic_jpeg(width: u16, height: u16, size: usize) -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    // SOF0: length 17, 8-bit precision, height, width, 3 components.
    jpeg.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    jpeg.resize(size.saturating_sub(2).max(jpeg.len()), 0x55);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}

/// A PNG of `width`×`height` pixels padded to `size` bytes.
pub(crate) fn synthetic_png(width: u32, height: u32, size: usize) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&width.to_be_bytes());
    chunk.extend_from_slice(&height.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    png.resize(size.max(png.len()), 0);
    png
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The spec's request example of `operation_id` (`kyc_sandbox::examples`: real images in place
/// of the placeholders) decoded as the generated request type `T`, so a test's request follows
/// the spec when a field is added to a schema and its example. Fails naming the operation.
pub(crate) fn example_request<T: serde::de::DeserializeOwned>(
    spec: &kyc_spec::Spec,
    operation_id: &str,
) -> T {
    let request = kyc_sandbox::examples::valid_request(spec, operation_id)
        .unwrap_or_else(|error| panic!("no valid request from the spec: {error}"));
    serde_json::from_value(request.body).unwrap_or_else(|error| {
        panic!("the {operation_id} example does not decode as the generated type: {error}")
    })
}

/// The Iluma spec's individual screening example, as the generated builder.
pub(crate) fn individual_screening()
-> kyc_clients::iluma::types::builder::IndividualScreeningRequest {
    example_request::<kyc_clients::iluma::types::IndividualScreeningRequest>(
        kyc_sandbox::spec::iluma(),
        "screen_individual",
    )
    .into()
}

/// The person of the privacy and drift tests: values that must never show in any output.
pub(crate) const NIK: &str = "3275031210930027";
/// Their full name.
pub(crate) const FULL_NAME: &str = "PENITO KRISTIAN";

/// A certificate issuance for [`NIK`] / [`FULL_NAME`] with images the spec accepts (a
/// 640×800 selfie and an 800×600 card, 150 KB JPEGs).
pub(crate) fn certificate_request()
-> kyc_clients::kredibel::types::builder::CertificateIssuanceRequest {
    kyc_clients::kredibel::types::CertificateIssuanceRequest::builder()
        .identity_id(NIK)
        .full_name(FULL_NAME)
        .birth_date(chrono::NaiveDate::from_ymd_opt(1993, 10, 12).expect("a date"))
        .email_address("penito@example.com")
        .phone_number("6281234567890")
        .face_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
            640,
            800,
            150 * 1024,
        )))
        .identity_image(kyc_clients::Base64Image::from_bytes(synthetic_jpeg(
            800,
            600,
            150 * 1024,
        )))
}
