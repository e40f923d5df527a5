//! `--record DIR`: each exchange as one JSON file, personal data masked, that the sandbox
//! plays back (`kyc-sandbox --replay DIR`, [`crate::replay`]) and a test can load as a fixture.
//!
//! A file is `NNNNNN-<vendor>-<operationId>-<status>.json`:
//!
//! ```json
//! {"vendor": "iluma", "operation": "get_individual_screening",
//!  "recorded_at": "2026-12-07T04:29:29Z",
//!  "request": {"method": "GET", "path": "/v0/identity/individual_cft_peps/{id}",
//!              "parameters": {"id": "cftpi_05e27fc2-..."},
//!              "query": ["token"], "headers": ["authorization", "content-type"],
//!              "content_type": "application/json", "files": [], "body": {...}},
//!  "response": {"status": 200, "headers": ["content-type"],
//!               "content_type": "application/json", "body": {...}},
//!  "violations": [{"direction": "response", "path": "/status", "rule": "enum", "decodes": true}]}
//! ```
//!
//! `path` is the operation's template (the request path when none matched, its segments
//! masked), `parameters` the path parameters' values masked as their schemas say, headers and
//! query parameters are names only (values hold keys and tokens), `files` names the multipart
//! parts that were files (their masked bytes are in `body`, base64), and bodies go through
//! `kyc_spec::redact` with one key per recording session: every personal value keeps its
//! shape (a NIK 16 digits, a date a date, an image an image of the same format, pixel size and
//! size class), the same real value masks the same way in every file of the session (a NIK and
//! its echo stay equal), and fields the spec does not declare are masked too. A response that
//! is not JSON is kept as `text`, masked character by character.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::HeaderMap;
use kyc_spec::redact::Masker;
use kyc_spec::{Operation, Spec};
use serde_json::{Map, Value, json};

use super::check::{self, ReadBody};
use super::report::Finding;

/// Writes recordings into one directory.
#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
    /// The session's key: never written.
    masker: Masker,
}

/// What one exchange is made of, for its recording.
pub(crate) struct Exchange<'a> {
    pub(crate) spec: &'a Spec,
    pub(crate) operation: Option<&'a Operation>,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) request_headers: &'a HeaderMap,
    pub(crate) request_body: &'a ReadBody,
    pub(crate) raw_request_body: &'a Bytes,
    pub(crate) status: u16,
    pub(crate) response_headers: &'a HeaderMap,
    pub(crate) response_body: &'a Bytes,
    pub(crate) findings: &'a [Finding],
}

impl Recorder {
    /// Records into `dir`, created if missing.
    pub(crate) fn new(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            next: AtomicU64::new(1),
            masker: Masker::new(),
        })
    }

    /// Writes one exchange; an error is logged, never fails the exchange.
    pub(crate) fn write(&self, exchange: &Exchange<'_>) {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let vendor = &exchange.spec.vendor().name;
        let operation = exchange.operation.map_or("unmatched", |op| op.id.as_str());
        let name = format!(
            "{number:06}-{}-{}-{}.json",
            file_safe(vendor),
            file_safe(operation),
            exchange.status
        );
        let value = recording(&self.masker, exchange);
        let text = serde_json::to_vec_pretty(&value).unwrap_or_default();
        if let Err(error) = std::fs::write(self.dir.join(&name), text) {
            tracing::warn!(%error, file = %name, "cannot write a proxy recording");
        }
    }
}

/// The recording of one exchange (see the [module](self)).
pub(crate) fn recording(masker: &Masker, exchange: &Exchange<'_>) -> Value {
    let spec = exchange.spec;
    let operation = exchange.operation;
    let path = operation.map_or_else(|| masked_path(exchange.path), |op| op.path.clone());
    let request_schema = operation.and_then(|op| check::request_schema(spec, op));
    let mut files = Vec::new();
    let request_body = match exchange.request_body {
        ReadBody::Json(value) => masker.redact(spec, request_schema, value),
        ReadBody::Form { text, files: parts } => {
            files = parts.iter().map(|(name, _)| name.clone()).collect();
            form(masker, spec, request_schema, text, parts)
        }
        ReadBody::None if exchange.raw_request_body.is_empty() => Value::Null,
        ReadBody::None => json!(format!("[body: {} bytes]", exchange.raw_request_body.len())),
    };
    let response_schema =
        operation.and_then(|op| check::response_schema(spec, op, exchange.status));
    let (response_body, response_text) = if exchange.response_body.is_empty() {
        (Value::Null, None)
    } else {
        match serde_json::from_slice::<Value>(exchange.response_body) {
            Ok(value) => (masker.redact(spec, response_schema, &value), None),
            Err(_) => (
                Value::Null,
                Some(masker.text(&String::from_utf8_lossy(exchange.response_body))),
            ),
        }
    };
    let parameters: Map<String, Value> = operation
        .map(|op| {
            path_parameters(spec, op, exchange.path, |schema, value| {
                masker.redact(spec, schema, value)
            })
        })
        .unwrap_or_default();
    let query = query_names(exchange.query);
    let violations: Vec<Value> = exchange
        .findings
        .iter()
        .map(|f| json!({"direction": f.direction, "path": f.path, "rule": f.rule, "decodes": f.decodes}))
        .collect();
    let mut response = json!({
        "status": exchange.status,
        "headers": names(exchange.response_headers),
        "content_type": check::media_type(exchange.response_headers),
        "body": response_body,
    });
    if let Some(text) = response_text {
        response["text"] = Value::String(text);
    }
    json!({
        "vendor": spec.vendor().name,
        "operation": operation.map(|op| op.id.as_str()),
        "recorded_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "request": {
            "method": exchange.method,
            "path": path,
            "parameters": parameters,
            "query": query,
            "headers": names(exchange.request_headers),
            "content_type": check::media_type(exchange.request_headers),
            "files": files,
            "body": request_body,
        },
        "response": response,
        "violations": violations,
    })
}

/// A form's text parts masked as a JSON object would be, its files as masked image bytes
/// (base64).
fn form(
    masker: &Masker,
    spec: &Spec,
    schema: Option<&Value>,
    text: &Map<String, Value>,
    files: &[(String, Bytes)],
) -> Value {
    let mut out = match masker.redact(spec, schema, &Value::Object(text.clone())) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    for (name, bytes) in files {
        let masked = masker.image_file(bytes);
        out.insert(name.clone(), json!(kyc_spec::image::encode_base64(&masked)));
    }
    Value::Object(out)
}

/// The values of the path parameters of `operation` in `path`, each through `mask` with its
/// schema: masked as the schema says for a recording (an id is kept, a NIK masked), reduced
/// to its shape for a replay to match.
pub(crate) fn path_parameters(
    spec: &Spec,
    operation: &Operation,
    path: &str,
    mask: impl Fn(Option<&Value>, &Value) -> Value,
) -> Map<String, Value> {
    let segments = path.split('/').filter(|s| !s.is_empty());
    operation
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .zip(segments)
        .filter_map(|(template, actual)| {
            let name = template.strip_prefix('{')?.strip_suffix('}')?;
            let value = Value::String(percent_decoded(actual));
            let schema = parameter_schema(spec, operation, name);
            Some((name.to_string(), mask(schema, &value)))
        })
        .collect()
}

/// The names of a query's parameters, in the order sent: their values hold keys and tokens.
pub(crate) fn query_names(query: Option<&str>) -> Vec<&str> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split('=').next().unwrap_or_default())
        .collect()
}

/// The schema of the path parameter `name` of `operation`, references followed.
pub(crate) fn parameter_schema<'s>(
    spec: &'s Spec,
    operation: &Operation,
    name: &str,
) -> Option<&'s Value> {
    let parameter = spec
        .parameter_node(operation, name)
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))?;
    parameter.get("schema").map(|schema| spec.resolve(schema))
}

/// `%2F` and the like decoded; text that does not decode is kept.
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = segment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

/// Header names, lower-case, sorted, once each.
fn names(headers: &HeaderMap) -> Vec<&str> {
    let mut names: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A path no operation matched: each segment reduced to its length (it may hold an id or a
/// NIK).
fn masked_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.is_empty() {
                String::new()
            } else {
                format!("[{}]", segment.chars().count())
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Letters, digits, `-` and `_` kept, anything else `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmatched_paths_and_file_names_hold_no_value() {
        assert_eq!(masked_path("/v1/1234567890123456"), "/[2]/[16]");
        assert_eq!(file_safe("screen/individual x"), "screen_individual_x");
    }
}
