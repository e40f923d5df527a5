//! Recordings played back: `kyc-sandbox --replay DIR` answers a request that matches an
//! exchange the proxy recorded (`proxy --record DIR`) with the recorded status and body.
//!
//! A request matches a recording when it is for the same vendor and operation and it is the
//! same request *after masking*: the same path parameters, query parameter names and body once
//! every personal value is reduced to its shape (`kyc_spec::redact::shape`: kind, character
//! classes, lengths, image format, pixel size and size class). The recording's own key is
//! never written, so a live request cannot be masked exactly as it was; its shape is what both
//! share. Personal values therefore never choose between recordings: several recordings of the
//! same request shape answer in the order they were recorded, one each, and the last keeps
//! answering.
//!
//! A request no recording matches gets the spec's scenarios, as without `--replay`; with
//! `--replay-strict`, an error in the vendor's documented error shape naming the operation and
//! why nothing matched (no recording of the operation, or the first place where the closest
//! recording differs: a JSON pointer, never a value).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use kyc_spec::{Operation, Spec, redact};
use serde_json::{Map, Value};

use crate::proxy::{check, record};

/// Recordings to answer from (see the [module](self)).
pub struct Replay {
    exchanges: Vec<Recorded>,
    strict: bool,
    /// Which recordings have answered already.
    used: Mutex<Vec<bool>>,
}

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("exchanges", &self.exchanges.len())
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// One recorded exchange, as read from its file.
#[derive(Debug, Clone)]
struct Recorded {
    file: String,
    vendor: String,
    operation: String,
    request: Value,
    /// `request` reduced to its shape, once, at its first comparison (the spec it needs is
    /// known only then): a recording never changes, and every request is compared with every
    /// recording of its operation.
    request_shape: OnceLock<Value>,
    status: u16,
    content_type: Option<String>,
    /// Shared with every answer it gives, not copied.
    body: Option<Bytes>,
}

/// Why recordings cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The directory cannot be listed.
    #[error("--replay {dir}: cannot read the directory: {error}")]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A file is not a recording.
    #[error("--replay: {file} is not a recording written by `proxy --record`: {problem}")]
    Recording {
        /// The file.
        file: String,
        /// What is wrong.
        problem: String,
    },
}

impl Replay {
    /// Every recording (`*.json`) in `dir`, in the order of their names (the order they were
    /// recorded in).
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, ReplayError> {
        let dir = dir.as_ref();
        let listing = |error| ReplayError::Directory {
            dir: dir.to_path_buf(),
            error,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(listing)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut exchanges = Vec::with_capacity(files.len());
        for path in files {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let problem = |problem: String| ReplayError::Recording {
                file: file.clone(),
                problem,
            };
            let text = std::fs::read_to_string(&path).map_err(|e| problem(e.to_string()))?;
            let value: Value = serde_json::from_str(&text).map_err(|e| problem(e.to_string()))?;
            let Some(operation) = value["operation"].as_str() else {
                continue; // a request no operation matched: nothing to answer
            };
            let text_of = |key: &str| value.get(key).and_then(Value::as_str);
            let vendor = text_of("vendor").ok_or_else(|| problem("no `vendor`".into()))?;
            let response = &value["response"];
            let status = response["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| problem("no `response.status`".into()))?;
            let body = match (&response["body"], response.get("text")) {
                (_, Some(Value::String(text))) => Some(Bytes::from(text.clone())),
                (Value::Null, _) => None,
                (body, _) => Some(serde_json::to_vec(body).unwrap_or_default().into()),
            };
            exchanges.push(Recorded {
                file: file.clone(),
                vendor: vendor.to_string(),
                operation: operation.to_string(),
                request: value["request"].clone(),
                request_shape: OnceLock::new(),
                status,
                content_type: response["content_type"].as_str().map(str::to_string),
                body,
            });
        }
        let used = Mutex::new(vec![false; exchanges.len()]);
        Ok(Self {
            exchanges,
            strict: false,
            used,
        })
    }

    /// Answers only from the recordings: a request none matches is an error, not a scenario.
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    /// Whether a request no recording matches is an error.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// How many exchanges were loaded.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// True when no exchange was loaded.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// Whether a request of `vendor` must be looked at (it has recordings, or strict mode).
    pub(crate) fn concerns(&self, vendor: &str) -> bool {
        self.strict || self.exchanges.iter().any(|e| e.vendor == vendor)
    }

    /// The recorded answer to a request, or why there is none.
    pub(crate) async fn answer(
        &self,
        spec: &Spec,
        operation: &Operation,
        request: &Incoming<'_>,
    ) -> Result<Response, Unmatched> {
        let vendor = &spec.vendor().name;
        let candidates: Vec<usize> = (0..self.exchanges.len())
            .filter(|&i| {
                self.exchanges[i].vendor == *vendor && self.exchanges[i].operation == operation.id
            })
            .collect();
        if candidates.is_empty() {
            return Err(Unmatched::NoRecording);
        }
        let wanted = request_shape_live(spec, operation, request).await;
        let mut closest: Option<String> = None;
        let mut matching = Vec::new();
        for &i in &candidates {
            let exchange = &self.exchanges[i];
            let recorded = exchange
                .request_shape
                .get_or_init(|| request_shape_recorded(spec, operation, &exchange.request));
            match first_difference(&wanted, recorded, String::new()) {
                None => matching.push(i),
                Some(at) => {
                    closest.get_or_insert(at);
                }
            }
        }
        let Some(&last) = matching.last() else {
            return Err(Unmatched::Differs {
                recordings: candidates.len(),
                at: closest.unwrap_or_default(),
            });
        };
        let chosen = {
            let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
            let next = matching.iter().copied().find(|&i| !used[i]).unwrap_or(last);
            used[next] = true;
            next
        };
        Ok(self.exchanges[chosen].response())
    }
}

impl Recorded {
    fn response(&self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = match &self.body {
            Some(body) => (status, Body::from(body.clone())).into_response(),
            None => status.into_response(),
        };
        if let Some(value) = self
            .content_type
            .as_deref()
            .and_then(|c| HeaderValue::from_str(c).ok())
        {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response.headers_mut().insert(
            header::HeaderName::from_static("x-kyc-replay"),
            HeaderValue::from_str(&self.file).unwrap_or(HeaderValue::from_static("1")),
        );
        response
    }
}

/// Why no recording answers a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unmatched {
    /// The operation was never recorded.
    NoRecording,
    /// It was, with other requests: how many, and where the first differs.
    Differs { recordings: usize, at: String },
}

impl Unmatched {
    /// A sentence naming the operation and why nothing matched; no value.
    pub(crate) fn reason(&self, operation: &str) -> String {
        match self {
            Self::NoRecording => format!(
                "kyc-sandbox --replay-strict: no recorded exchange of {operation} (record one with `kyc-sandbox proxy --record`)"
            ),
            Self::Differs { recordings, at } => {
                let place = if at.is_empty() {
                    "the request".to_string()
                } else {
                    format!("`{at}`")
                };
                let exchanges = if *recordings == 1 {
                    "the 1 recorded exchange".to_string()
                } else {
                    format!("any of the {recordings} recorded exchanges")
                };
                format!(
                    "kyc-sandbox --replay-strict: this {operation} request does not match {exchanges} once personal values are masked: it differs at {place}"
                )
            }
        }
    }
}

/// A request as the sandbox received it, for matching.
#[derive(Debug)]
pub(crate) struct Incoming<'a> {
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Bytes,
}

/// `{parameters, query, body}` of a live request, personal values reduced to their shape.
async fn request_shape_live(spec: &Spec, operation: &Operation, request: &Incoming<'_>) -> Value {
    let parameters = record::path_parameters(spec, operation, request.path, |schema, value| {
        redact::shape(spec, schema, value)
    });
    let mut query = record::query_names(request.query);
    query.sort_unstable();
    let schema = check::request_schema(spec, operation);
    let body = match check::request(
        spec,
        operation,
        request.headers,
        request.query,
        request.body,
    )
    .await
    .1
    {
        check::ReadBody::Json(value) => redact::shape(spec, schema, &value),
        check::ReadBody::Form { text, files } => form_shape(spec, schema, text, files),
        check::ReadBody::None if request.body.is_empty() => Value::Null,
        check::ReadBody::None => Value::String(format!("[body: {} bytes]", request.body.len())),
    };
    serde_json::json!({"parameters": parameters, "query": query, "body": body})
}

/// `{parameters, query, body}` of a recorded request, its masked values reduced to their
/// shape.
fn request_shape_recorded(spec: &Spec, operation: &Operation, request: &Value) -> Value {
    let parameters: Map<String, Value> = request["parameters"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let schema = record::parameter_schema(spec, operation, name);
            (name.clone(), redact::shape(spec, schema, value))
        })
        .collect();
    let mut query: Vec<&str> = request["query"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    query.sort_unstable();
    let schema = check::request_schema(spec, operation);
    let files: Vec<&str> = request["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let body = match &request["body"] {
        Value::Object(fields) if !files.is_empty() => {
            let text: Map<String, Value> = fields
                .iter()
                .filter(|(name, _)| !files.contains(&name.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let files = files.into_iter().map(|name| {
                let bytes = fields
                    .get(name)
                    .and_then(Value::as_str)
                    .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                    .unwrap_or_default();
                (name.to_string(), bytes)
            });
            form_shape(spec, schema, text, files)
        }
        Value::String(text) if text.starts_with("[body: ") => Value::String(text.clone()),
        Value::Null => Value::Null,
        body => redact::shape(spec, schema, body),
    };
    serde_json::json!({"parameters": parameters, "query": query, "body": body})
}

/// The shape of a multipart form: its text parts as a JSON object's, its files as image
/// files'.
fn form_shape(
    spec: &Spec,
    schema: Option<&Value>,
    text: Map<String, Value>,
    files: impl IntoIterator<Item = (String, impl AsRef<[u8]>)>,
) -> Value {
    let mut shaped = match redact::shape(spec, schema, &Value::Object(text)) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    for (name, bytes) in files {
        shaped.insert(name, redact::image_file_shape(bytes.as_ref()));
    }
    Value::Object(shaped)
}

/// The JSON pointer of the first place where `a` and `b` differ; `None` when they are equal.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let here = format!("{at}/{}", kyc_spec::refs::escape(key));
                match (x.get(key), y.get(key)) {
                    (Some(x), Some(y)) => first_difference(x, y, here),
                    _ => Some(here),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{at}/{i}"))),
        _ => (a != b).then_some(at),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_difference_is_a_pointer() {
        let a = json!({"body": {"a": 1, "b": [1, 2]}, "query": []});
        let b = json!({"body": {"a": 1, "b": [1, 3]}, "query": []});
        assert_eq!(first_difference(&a, &a, String::new()), None);
        assert_eq!(
            first_difference(&a, &b, String::new()).as_deref(),
            Some("/body/b/1")
        );
        let c = json!({"body": {"a": 1}, "query": []});
        assert_eq!(
            first_difference(&a, &c, String::new()).as_deref(),
            Some("/body/b")
        );
    }

    #[test]
    fn reasons_name_the_operation_never_a_value() {
        assert!(
            Unmatched::NoRecording
                .reason("verify_biometric")
                .contains("no recorded exchange of verify_biometric")
        );
        let differs = Unmatched::Differs {
            recordings: 2,
            at: "/body/identityId".into(),
        };
        assert!(
            differs
                .reason("issue_certificate")
                .contains("any of the 2 recorded exchanges")
        );
    }
}
