//! `--record DIR`: each exchange as one JSON file, personal data masked, that a test can load
//! as a fixture.
//!
//! A file is `NNNNNN-<vendor>-<operationId>-<status>.json`:
//!
//! ```json
//! {"vendor": "iluma", "operation": "screen_individual",
//!  "request": {"method": "POST", "path": "/v0/identity/individual_cft_peps",
//!              "query": ["token"], "headers": ["authorization", "content-type"],
//!              "content_type": "application/json", "body": {...}},
//!  "response": {"status": 200, "headers": ["content-type"],
//!               "content_type": "application/json", "body": {...}},
//!  "violations": [{"direction": "response", "path": "/status", "rule": "enum", "decodes": true}]}
//! ```
//!
//! `path` is the operation's template (the request path when none matched, its segments
//! masked), headers and query parameters are names only (values hold keys and tokens), and
//! bodies go through `kyc_spec::redact`: `x-pii` values become their kind and length, images
//! their format and size, fields the spec does not declare their shape.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::HeaderMap;
use kyc_spec::redact;
use kyc_spec::{Operation, Spec};
use serde_json::{Map, Value, json};

use super::check::{self, ReadBody};
use super::report::Finding;

/// Writes recordings into one directory.
#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
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
        let value = recording(exchange);
        let text = serde_json::to_vec_pretty(&value).unwrap_or_default();
        if let Err(error) = std::fs::write(self.dir.join(&name), text) {
            tracing::warn!(%error, file = %name, "cannot write a proxy recording");
        }
    }
}

/// The recording of one exchange (see the [module](self)).
pub(crate) fn recording(exchange: &Exchange<'_>) -> Value {
    let spec = exchange.spec;
    let operation = exchange.operation;
    let path = operation.map_or_else(|| masked_path(exchange.path), |op| op.path.clone());
    let request_schema = operation.and_then(|op| check::request_schema(spec, op));
    let request_body = match exchange.request_body {
        ReadBody::Json(value) => redact::redact(spec, request_schema, value),
        ReadBody::Form { text, files } => form(spec, request_schema, text, files),
        ReadBody::None if exchange.raw_request_body.is_empty() => Value::Null,
        ReadBody::None => json!(format!("[body: {} bytes]", exchange.raw_request_body.len())),
    };
    let response_schema =
        operation.and_then(|op| check::response_schema(spec, op, exchange.status));
    let response_body = if exchange.response_body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(exchange.response_body) {
            Ok(value) => redact::redact(spec, response_schema, &value),
            Err(_) => json!(format!(
                "[not JSON: {} bytes]",
                exchange.response_body.len()
            )),
        }
    };
    let query: Vec<&str> = exchange
        .query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split('=').next().unwrap_or_default())
        .collect();
    let violations: Vec<Value> = exchange
        .findings
        .iter()
        .map(|f| json!({"direction": f.direction, "path": f.path, "rule": f.rule, "decodes": f.decodes}))
        .collect();
    json!({
        "vendor": spec.vendor().name,
        "operation": operation.map(|op| op.id.as_str()),
        "request": {
            "method": exchange.method,
            "path": path,
            "query": query,
            "headers": names(exchange.request_headers),
            "content_type": check::media_type(exchange.request_headers),
            "body": request_body,
        },
        "response": {
            "status": exchange.status,
            "headers": names(exchange.response_headers),
            "content_type": check::media_type(exchange.response_headers),
            "body": response_body,
        },
        "violations": violations,
    })
}

/// A form's text parts redacted as a JSON object would be, its files as format and size.
fn form(
    spec: &Spec,
    schema: Option<&Value>,
    text: &Map<String, Value>,
    files: &[(String, Bytes)],
) -> Value {
    let mut out = match redact::redact(spec, schema, &Value::Object(text.clone())) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    for (name, bytes) in files {
        out.insert(name.clone(), json!(redact::image_file_summary(bytes)));
    }
    Value::Object(out)
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
