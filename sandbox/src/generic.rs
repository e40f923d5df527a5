//! Serving an operation from its spec alone: every operation of a vendor without hand-written
//! behaviour (a spec added with [`SandboxConfig::with_spec`](crate::SandboxConfig::with_spec)),
//! and any operation a behaviour has no handler for.
//!
//! The request is checked against the spec, in this order: the credentials the operation's
//! security asks for (in the scheme's header; a key with the spec's sandbox prefix when it
//! gives `x-key-prefixes`), the rate limit, the required query, header and cookie parameters,
//! then the body — its media type, then its schema and the rules of its image fields
//! (`x-image-formats`, `x-min-bytes`, `x-max-bytes`, `x-min-pixels`; base64 text in JSON, file
//! parts in `multipart/form-data`), both checked by `kyc_spec::validate`, the walk the clients
//! run ([`validation`]). A request that breaks it gets the operation's
//! documented error example ([`refuse`]); one that passes gets its first documented 2XX
//! example. A documented example cannot say what was wrong, so the reason (field and rule,
//! never a value) is logged at debug level.

use std::str::FromStr;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use http_body_util::{BodyDataStream, Limited};
use kyc_spec::image::ImageRule;
use kyc_spec::{Environment, Operation, ParameterLocation, Spec};
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::auth;
use crate::body::{self, BodyError, NON_IMAGE_ALLOWANCE};
use crate::rate_limit::retry_after_seconds;
use crate::validation;
use crate::vendor::Behaviour;

/// The behaviour of a vendor that has none written: every operation generic, every sandbox
/// answer from the spec's examples.
#[derive(Debug)]
pub(crate) struct Generic {
    spec: Arc<Spec>,
}

impl Generic {
    pub(crate) fn new(spec: Arc<Spec>) -> Self {
        Self { spec }
    }
}

impl Behaviour for Generic {
    fn handler(&self, _operation_id: &str) -> Option<MethodRouter<AppState>> {
        None
    }

    fn not_found(&self) -> Response {
        message(StatusCode::NOT_FOUND, "Not found.")
    }

    fn fault(&self, operation_id: &str, status: u16) -> Response {
        documented_status(&self.spec, operation_id, status)
    }

    fn not_recorded(&self, _operation_id: &str, reason: &str) -> Response {
        message(StatusCode::NOT_FOUND, reason)
    }

    fn bad_fault_header(&self, operation_id: &str, reason: &str) -> Response {
        match self.spec.operation(operation_id) {
            Some(operation) => refuse(&self.spec, operation, Failure::Invalid, reason),
            None => message(StatusCode::BAD_REQUEST, reason),
        }
    }
}

/// The generic route of `operation_id` of `spec`.
pub(crate) fn route(
    filter: MethodFilter,
    spec: Arc<Spec>,
    operation_id: &str,
) -> MethodRouter<AppState> {
    let operation_id: Arc<str> = operation_id.into();
    on(
        filter,
        move |State(app): State<AppState>, request: Request| async move {
            match spec.operation(&operation_id) {
                Some(operation) => answer(&app, &spec, operation, request).await,
                None => message(StatusCode::NOT_FOUND, "Not found."),
            }
        },
    )
}

/// The answer `operation_id` documents for `status` (exactly, or its range), sent with
/// `status`; the sandbox's own `{message}` when it documents none.
fn documented_status(spec: &Spec, operation_id: &str, status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let documented = spec
        .response_key(operation_id, status.as_u16())
        .and_then(|key| spec.first_response_example(operation_id, key));
    let mut response = match documented {
        Some(example) => (status, Json(example.clone())).into_response(),
        None => message(
            status,
            &format!("{}.", status.canonical_reason().unwrap_or("Error")),
        ),
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(1));
    }
    response
}

/// What kind of rule a request broke: it decides which documented error answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// No acceptable credentials.
    Credentials,
    /// A body over its limit.
    TooLarge,
    /// A body in another media type than the spec's.
    MediaType,
    /// Anything else the spec does not allow.
    Invalid,
}

impl Failure {
    /// The response keys to answer with, best first; any other `4xx` key comes after them.
    fn preferred(self) -> &'static [&'static str] {
        match self {
            Self::Credentials => &["401", "403", "400"],
            Self::TooLarge => &["413", "400", "422"],
            Self::MediaType => &["415", "400", "422"],
            Self::Invalid => &["400", "422"],
        }
    }

    /// The status of a range key (`4XX`), and of the sandbox's own answer when the spec
    /// documents no error example.
    fn status(self) -> StatusCode {
        match self {
            Self::Credentials => StatusCode::UNAUTHORIZED,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid => StatusCode::BAD_REQUEST,
        }
    }
}

async fn answer(app: &AppState, spec: &Spec, operation: &Operation, request: Request) -> Response {
    let (parts, request_body) = request.into_parts();
    if operation.authenticated {
        let vendor = spec.vendor();
        let key = auth::key(&parts.headers, vendor.auth).filter(|key| {
            vendor
                .key_prefix(Environment::Sandbox)
                .is_none_or(|prefix| key.len() > prefix.len() && key.starts_with(prefix))
        });
        let Some(key) = key else {
            let scheme = "credentials: missing, or not a sandbox key of the spec's scheme";
            return refuse(spec, operation, Failure::Credentials, scheme);
        };
        if let Err(wait) = app.limiter.admit(&format!("{}:{key}", vendor.name)) {
            let mut response = documented_status(spec, &operation.id, 429);
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_seconds(wait)),
            );
            return response;
        }
    }
    if let Some(missing) = missing_parameter(operation, &parts) {
        return refuse(spec, operation, Failure::Invalid, &missing);
    }
    if let Err((failure, reason)) = check_body(spec, operation, &parts, request_body).await {
        return refuse(spec, operation, failure, &reason);
    }
    success(spec, operation)
}

/// `location parameter `name`: missing` for the first required parameter the request lacks.
fn missing_parameter(operation: &Operation, parts: &Parts) -> Option<String> {
    let query = parts.uri.query().unwrap_or_default();
    let cookies = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(";");
    operation
        .parameters
        .iter()
        .filter(|p| p.required)
        .find(|p| match p.location {
            ParameterLocation::Path => false,
            ParameterLocation::Header => !parts.headers.contains_key(p.name.as_str()),
            ParameterLocation::Query => !has_pair(query, '&', &p.name),
            ParameterLocation::Cookie => !has_pair(&cookies, ';', &p.name),
        })
        .map(|p| format!("{} parameter `{}`: missing", p.location.as_str(), p.name))
}

/// Whether `text` (`a=1&b=2`, `a=1; b=2`) has a pair named `name`.
fn has_pair(text: &str, separator: char, name: &str) -> bool {
    text.split(separator)
        .any(|pair| pair.trim().split('=').next() == Some(name))
}

type Refused = (Failure, String);

/// Checks the body against the operation's request body: media type, schema, image rules.
async fn check_body(
    spec: &Spec,
    operation: &Operation,
    parts: &Parts,
    request_body: Body,
) -> Result<(), Refused> {
    let Some(declared) = &operation.request else {
        return Ok(());
    };
    let schema = spec.request_schema(&operation.id, &declared.media_type);
    let images = schema.map(|s| spec.image_fields(s)).unwrap_or_default();
    let limit = images
        .iter()
        .map(|(_, rule)| body::base64_len(body::image_limit(rule)))
        .sum::<usize>()
        + NON_IMAGE_ALLOWANCE;
    let sent = body::media_type(&parts.headers);
    let is_multipart = declared.media_type == "multipart/form-data";
    let is_json =
        declared.media_type == "application/json" || declared.media_type.ends_with("+json");
    let invalid = |reason: String| (Failure::Invalid, reason);
    if sent.is_none() && body::declared_length(&parts.headers).unwrap_or(0) == 0 {
        return if declared.required {
            Err(invalid("body: missing".into()))
        } else {
            Ok(())
        };
    }
    let issues = if is_multipart {
        if sent.as_deref() != Some("multipart/form-data") {
            return Err((Failure::MediaType, "body: not multipart/form-data".into()));
        }
        let (fields, files) = read_form(parts, request_body, limit, &images).await?;
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(name, bytes)| (name.as_str(), &bytes[..]))
            .collect();
        schema.map(|schema| validation::validate_form(spec, schema, &fields, &files))
    } else if is_json {
        if !body::is_json(&parts.headers) {
            return Err((Failure::MediaType, "body: not application/json".into()));
        }
        let bytes = read(request_body, &parts.headers, limit).await?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| invalid("body: not valid JSON".into()))?;
        schema.map(|schema| validation::validate(spec, schema, &value))
    } else {
        // A media type the sandbox has no reader for: bounded, not checked.
        read(request_body, &parts.headers, limit).await?;
        None
    };
    match issues.unwrap_or_default().first() {
        Some(issue) => Err(invalid(format!("{}: {}", issue.field, issue.message))),
        None => Ok(()),
    }
}

async fn read(
    request_body: Body,
    headers: &axum::http::HeaderMap,
    limit: usize,
) -> Result<axum::body::Bytes, Refused> {
    body::read_limited(request_body, headers, limit)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge => (Failure::TooLarge, format!("body: over {limit} bytes")),
            BodyError::Unreadable => (Failure::Invalid, "body: unreadable".into()),
        })
}

/// The text parts and the file parts (the parts named after an image field) of a
/// `multipart/form-data` body.
type Form = (Map<String, Value>, Vec<(String, axum::body::Bytes)>);

/// Reads a `multipart/form-data` body: image parts as bytes, every other part as text.
async fn read_form(
    parts: &Parts,
    request_body: Body,
    limit: usize,
    images: &[(&str, ImageRule)],
) -> Result<Form, Refused> {
    let invalid = |reason: String| (Failure::Invalid, reason);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| invalid("body: multipart/form-data without a boundary".into()))?;
    if body::declared_length(&parts.headers).is_some_and(|length| length > limit as u64) {
        return Err((Failure::TooLarge, format!("body: over {limit} bytes")));
    }
    let stream = BodyDataStream::new(Limited::new(request_body, limit));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed = |_| invalid("body: malformed or over its limit".into());
    let (mut fields, mut files) = (Map::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        let content = field.bytes().await.map_err(malformed)?;
        if fields.contains_key(&name) || files.iter().any(|(file, _)| *file == name) {
            return Err(invalid(format!("{name}: given more than once")));
        }
        if images.iter().any(|(field, _)| *field == name) {
            files.push((name, content));
        } else {
            let text = String::from_utf8(content.to_vec())
                .map_err(|_| invalid(format!("{name}: not UTF-8 text")))?;
            fields.insert(name, Value::String(text));
        }
    }
    Ok((fields, files))
}

/// The operation's documented error for `failure`: the first preferred response key with an
/// example, else any other `4xx` key with one; the sandbox's own `{message}` when the spec
/// documents none.
fn refuse(spec: &Spec, operation: &Operation, failure: Failure, reason: &str) -> Response {
    tracing::debug!(operation = %operation.id, reason, "request refused");
    let keys = failure.preferred().iter().copied().chain(
        operation
            .statuses
            .iter()
            .map(String::as_str)
            .filter(|k| k.starts_with('4')),
    );
    for key in keys.filter(|k| operation.statuses.iter().any(|s| s == k)) {
        if let Some(example) = spec.first_response_example(&operation.id, key) {
            let status = u16::from_str(key)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(failure.status());
            return (status, Json(example.clone())).into_response();
        }
    }
    message(
        failure.status(),
        &format!("The request does not match the spec: {reason}."),
    )
}

/// The operation's first documented 2XX answer (else its `default` one), with its status.
fn success(spec: &Spec, operation: &Operation) -> Response {
    let key = operation
        .statuses
        .iter()
        .find(|k| k.starts_with('2'))
        .or_else(|| operation.statuses.iter().find(|k| *k == "default"));
    let status = key
        .and_then(|k| u16::from_str(k).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    match key.and_then(|k| spec.first_response_example(&operation.id, k)) {
        Some(example) => (status, Json(example.clone())).into_response(),
        None => status.into_response(),
    }
}

fn message(status: StatusCode, text: &str) -> Response {
    (status, Json(json!({ "message": text }))).into_response()
}
