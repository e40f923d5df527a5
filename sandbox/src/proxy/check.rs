//! One exchange checked against its vendor's spec, through `kyc-spec`: the operation (method
//! and path template), then the request (credentials, required header and query parameters,
//! media type, the body's schema and image rules — base64 in JSON, file parts in multipart),
//! then the response (declared status, media type, required headers, the body's schema read
//! as the client reads it, tolerances marked as decoding).
//!
//! Each problem is a violation: a rule and a place, never a value.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use kyc_spec::validate::{Rule, Validator, Violation};
use kyc_spec::{Operation, ParameterLocation, Spec};
use serde_json::{Map, Value};

use super::report::rules;

/// A violation before it is placed in an exchange: the rule, the JSON pointer, whether the
/// client would still decode it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) pointer: String,
    pub(crate) rule: String,
    pub(crate) decodes: bool,
    /// For a field the spec does not declare: the JSON type of its value (a type, never the
    /// value), what a spec edit adding it needs.
    pub(crate) json_type: Option<&'static str>,
}

impl Problem {
    fn about(rule: &str, decodes: bool) -> Self {
        Self {
            pointer: String::new(),
            rule: rule.to_string(),
            decodes,
            json_type: None,
        }
    }

    fn from_violation(violation: &Violation<'_>) -> Self {
        Self {
            pointer: violation.pointer.clone(),
            rule: violation.rule.as_str().to_string(),
            decodes: violation.decodes,
            json_type: None,
        }
    }
}

/// A request body as the proxy read it: JSON, or the parts of a multipart form.
#[derive(Debug)]
pub(crate) enum ReadBody {
    /// No body, or one of a media type the spec does not describe.
    None,
    /// A JSON body (`Value::Null` when it is not JSON).
    Json(Value),
    /// The text parts and the file parts of a form.
    Form {
        text: Map<String, Value>,
        files: Vec<(String, Bytes)>,
    },
}

/// The media type of a `Content-Type` header, lower-cased, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

fn is_json_type(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// Reads a multipart body from memory.
pub(crate) async fn read_form(
    headers: &HeaderMap,
    body: Bytes,
) -> Option<(Map<String, Value>, Vec<(String, Bytes)>)> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = http_body_util::BodyDataStream::new(http_body_util::Full::new(body));
    let mut multipart = multer::Multipart::new(stream, boundary);
    let (mut text, mut files) = (Map::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.ok()? {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let content = field.bytes().await.ok()?;
        if is_file {
            files.push((name, content));
        } else {
            text.insert(
                name,
                Value::String(String::from_utf8_lossy(&content).into()),
            );
        }
    }
    Some((text, files))
}

/// The request's problems, and its body as read (for the recording).
pub(crate) async fn request(
    spec: &Spec,
    operation: &Operation,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &Bytes,
) -> (Vec<Problem>, ReadBody) {
    let mut problems = Vec::new();
    if operation.authenticated && !headers.contains_key(header::AUTHORIZATION) {
        problems.push(Problem::about(rules::SECURITY, false));
    }
    for parameter in operation.parameters.iter().filter(|p| p.required) {
        let present = match parameter.location {
            ParameterLocation::Header => headers.contains_key(parameter.name.as_str()),
            ParameterLocation::Query => query
                .unwrap_or_default()
                .split('&')
                .any(|pair| pair.split('=').next() == Some(parameter.name.as_str())),
            ParameterLocation::Path | ParameterLocation::Cookie => true,
        };
        if !present {
            let rule = match parameter.location {
                ParameterLocation::Query => rules::QUERY,
                _ => rules::HEADER,
            };
            problems.push(Problem::about(rule, false));
        }
    }
    let Some(declared) = &operation.request else {
        return (problems, ReadBody::None);
    };
    let sent = media_type(headers);
    if body.is_empty() && sent.is_none() {
        if declared.required {
            problems.push(Problem::about(Rule::Required.as_str(), false));
        }
        return (problems, ReadBody::None);
    }
    let validator = Validator::new(spec);
    let schema = spec.request_schema(&operation.id, &declared.media_type);
    let read = if declared.media_type == "multipart/form-data" {
        if sent.as_deref() != Some("multipart/form-data") {
            problems.push(Problem::about(rules::CONTENT_TYPE, false));
            return (problems, ReadBody::None);
        }
        let Some((text, files)) = read_form(headers, body.clone()).await else {
            problems.push(Problem::about(rules::MULTIPART, false));
            return (problems, ReadBody::None);
        };
        if let Some(schema) = schema {
            let parts: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_ref()))
                .collect();
            let found = validator.multipart(schema, &text, &parts);
            problems.extend(found.iter().map(Problem::from_violation));
        }
        ReadBody::Form { text, files }
    } else if is_json_type(&declared.media_type) {
        if !sent.as_deref().is_some_and(is_json_type) {
            problems.push(Problem::about(rules::CONTENT_TYPE, false));
            return (problems, ReadBody::None);
        }
        if let Some(schema) = schema {
            let found = validator.json(schema, body);
            problems.extend(found.iter().map(Problem::from_violation));
        }
        ReadBody::Json(serde_json::from_slice(body).unwrap_or(Value::Null))
    } else {
        ReadBody::None
    };
    (problems, read)
}

/// The response's problems. Content type and headers are not read by the generated client's
/// decoding, so their problems decode; an undeclared status does not.
pub(crate) fn response(
    spec: &Spec,
    operation: &Operation,
    status: u16,
    headers: &HeaderMap,
    body: &Bytes,
) -> Vec<Problem> {
    let validator = Validator::new(spec).response();
    if let Some(undeclared) = validator.status(&operation.id, status) {
        return vec![Problem::from_violation(&undeclared)];
    }
    let mut problems = Vec::new();
    let declared = declared_response(spec, operation, status);
    let media_types: Vec<&str> = declared
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .map(|c| c.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if !body.is_empty() && !media_types.is_empty() {
        let sent = media_type(headers);
        let listed = sent
            .as_deref()
            .is_some_and(|sent| media_types.iter().any(|m| m.eq_ignore_ascii_case(sent)));
        if !listed {
            problems.push(Problem::about(rules::CONTENT_TYPE, true));
        }
    }
    for (name, header) in declared
        .and_then(|r| r.get("headers"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let required = spec
            .resolve(header)
            .get("required")
            .and_then(Value::as_bool);
        if required == Some(true) && !headers.contains_key(name.as_str()) {
            problems.push(Problem::about(rules::HEADER, true));
        }
    }
    if media_types.iter().any(|m| is_json_type(m)) {
        let found = validator.response_json(&operation.id, status, body);
        problems.extend(found.iter().map(Problem::from_violation));
    }
    let unknown = Rule::UnknownField.as_str();
    if problems.iter().any(|p| p.rule == unknown) {
        // Read again, as a tree, only to name the type of each unknown field.
        let tree: Option<Value> = serde_json::from_slice(body).ok();
        for problem in problems.iter_mut().filter(|p| p.rule == unknown) {
            problem.json_type = tree
                .as_ref()
                .and_then(|t| t.pointer(&problem.pointer))
                .map(kyc_spec::json_type);
        }
    }
    problems
}

/// The response object covering `status` (references followed).
fn declared_response<'s>(spec: &'s Spec, operation: &Operation, status: u16) -> Option<&'s Value> {
    let key = spec.response_key(&operation.id, status)?;
    let response = spec.operation_node(operation).get("responses")?.get(key)?;
    Some(spec.resolve(response))
}

/// The `application/json` schema of the response covering `status`, for the recording.
pub(crate) fn response_schema<'s>(
    spec: &'s Spec,
    operation: &Operation,
    status: u16,
) -> Option<&'s Value> {
    let key = spec.response_key(&operation.id, status)?;
    spec.response_schema(&operation.id, key)
}

/// The request body schema, for the recording.
pub(crate) fn request_schema<'s>(spec: &'s Spec, operation: &Operation) -> Option<&'s Value> {
    let declared = operation.request.as_ref()?;
    spec.request_schema(&operation.id, &declared.media_type)
}
