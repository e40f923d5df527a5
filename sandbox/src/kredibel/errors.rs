//! Kredibel's error bodies (Responses & Errors page), with the messages of the spec's
//! examples: `{message}`, `{errors: {errorId, errorType}, message}` and the validation shape
//! `{errors: {<field>: [reasons]}, message: "Input payload validation failed."}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use kyc_spec::Spec;

use crate::spec::{self, error_message};
use crate::validation::{Issue, Problem};

/// The status the sandbox sends a documented error type (the spec's `ErrorType`) with. The
/// docs say only "4XX"; these are the sandbox's choice (see the README): 400 for a body it
/// cannot read (`invalid_base64_encoding`), 413 for an image over its limit
/// (`image_too_large`), 424 "Failed Dependency" for Dukcapil not answering (`request_error`),
/// and 422 for what the vendor finds, or does not, in the picture (every other type: no face,
/// no card, no text, another document, a card it cannot parse).
fn status_of(error_type: &str) -> StatusCode {
    match error_type {
        INVALID_BASE64_ENCODING => StatusCode::BAD_REQUEST,
        IMAGE_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        "request_error" => StatusCode::FAILED_DEPENDENCY,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The error type of an image that is not valid base64.
pub(crate) const INVALID_BASE64_ENCODING: &str = "invalid_base64_encoding";
/// The error type of an image over its size limit.
pub(crate) const IMAGE_TOO_LARGE: &str = "image_too_large";

/// The error types `operation_id` documents: the `errorType` of its 4XX examples.
fn documented_types<'s>(spec: &'s Spec, operation_id: &str) -> Vec<&'s str> {
    let Some(key) = spec.response_key(operation_id, 400) else {
        return Vec::new();
    };
    spec.operation_response_examples(operation_id, key)
        .into_iter()
        .filter_map(|(_, example)| example.pointer("/errors/errorType")?.as_str())
        .collect()
}

/// The answer to the first image trigger (`kyc-sandbox:<errorType>`) that names an error type
/// `operation_id` documents, if any.
pub(crate) fn triggered(
    spec: &Spec,
    operation_id: &str,
    triggers: &[String],
    error_id: impl FnOnce() -> String,
) -> Option<Response> {
    // Most requests carry no trigger: the spec's examples are read only for those that do.
    if triggers.is_empty() {
        return None;
    }
    let documented = documented_types(spec, operation_id);
    let error_type = triggers.iter().find(|t| documented.contains(&t.as_str()))?;
    Some(typed(error_type, error_id()))
}

#[derive(Serialize)]
struct ErrorReference<'a> {
    #[serde(rename = "errorId")]
    error_id: String,
    #[serde(rename = "errorType")]
    error_type: &'a str,
}

#[derive(Serialize)]
struct Body<E: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<E>,
    message: String,
}

fn message_only(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(Body::<()> {
            errors: None,
            message: message.to_string(),
        }),
    )
        .into_response()
}

/// A typed error, with a fresh `errorId` and the message of the spec's example of that name.
pub(crate) fn typed(error_type: &str, error_id: String) -> Response {
    let message = error_message(spec::kredibel(), error_type)
        .unwrap_or("Request could not be processed.")
        .to_string();
    (
        status_of(error_type),
        Json(Body {
            errors: Some(ErrorReference {
                error_id,
                error_type,
            }),
            message,
        }),
    )
        .into_response()
}

/// The answer to a request that breaks the spec ([`refusal_type`]): a documented error type,
/// else the validation body — naming the fields whose shape is wrong when there are any (the
/// images are not looked at then), else each image that breaks a limit.
pub(crate) fn refusal(issues: &[Issue], error_id: impl FnOnce() -> String) -> Response {
    if let Some(error_type) = refusal_type(issues) {
        return typed(error_type, error_id());
    }
    let shape: Vec<Issue> = issues
        .iter()
        .filter(|issue| issue.problem == Problem::Field)
        .cloned()
        .collect();
    validation(if shape.is_empty() { issues } else { &shape })
}

/// The error type a request that breaks the spec is answered with, if any: none while a
/// field's shape is wrong (the validation body names it); else an image that is not base64
/// (`invalid_base64_encoding`), else one over `x-max-bytes` (`image_too_large`), which stop
/// the vendor before it looks at the picture. The other image limits (format, minimum size,
/// pixels) are validation errors on the field.
pub(crate) fn refusal_type(issues: &[Issue]) -> Option<&'static str> {
    let any = |problem| issues.iter().any(|issue| issue.problem == problem);
    if any(Problem::Field) {
        None
    } else if any(Problem::Base64) {
        Some(INVALID_BASE64_ENCODING)
    } else if any(Problem::TooLarge) {
        Some(IMAGE_TOO_LARGE)
    } else {
        None
    }
}

/// The validation body: each field with its reasons.
pub(crate) fn validation(issues: &[Issue]) -> Response {
    validation_of(
        issues
            .iter()
            .map(|issue| (issue.field.as_str(), issue.message.as_str())),
    )
}

/// The validation body of `(field, reason)` pairs.
pub(crate) fn validation_of<'a>(reasons: impl IntoIterator<Item = (&'a str, &'a str)>) -> Response {
    let mut errors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (field, reason) in reasons {
        errors.entry(field).or_default().push(reason);
    }
    let message = error_message(spec::kredibel(), "validation_failed")
        .unwrap_or("Input payload validation failed.")
        .to_string();
    (
        StatusCode::BAD_REQUEST,
        Json(Body {
            errors: Some(errors),
            message,
        }),
    )
        .into_response()
}

/// 401 for a missing or empty bearer key.
pub(crate) fn unauthenticated() -> Response {
    let message = error_message(spec::kredibel(), "unauthenticated").unwrap_or("Unauthenticated.");
    let mut response = message_only(StatusCode::UNAUTHORIZED, message);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// 429 with `Retry-After`.
pub(crate) fn rate_limited(retry_after_seconds: u64) -> Response {
    let mut response = message_only(StatusCode::TOO_MANY_REQUESTS, "Too Many Attempts.");
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
    response
}

/// A request the sandbox cannot read (message-only body).
pub(crate) fn bad_request(message: &str) -> Response {
    message_only(StatusCode::BAD_REQUEST, message)
}

/// A 400 with the message of the spec's error example `example_name` (message-only body).
pub(crate) fn documented_message(example_name: &str, fallback: &str) -> Response {
    message_only(
        StatusCode::BAD_REQUEST,
        error_message(spec::kredibel(), example_name).unwrap_or(fallback),
    )
}

/// A body that is not `application/json`.
pub(crate) fn unsupported_media_type() -> Response {
    message_only(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "The request body must be application/json.",
    )
}

/// A body over the operation's limit: the only part that can be that large is an image.
pub(crate) fn body_too_large(error_id: String) -> Response {
    typed(IMAGE_TOO_LARGE, error_id)
}

/// An `x-sandbox-fault` header the sandbox cannot parse.
pub(crate) fn bad_sandbox_header(reason: &str) -> Response {
    message_only(StatusCode::BAD_REQUEST, reason)
}

/// `--replay-strict`: no recording answers the request (`reason` says why).
pub(crate) fn not_recorded(reason: &str) -> Response {
    message_only(StatusCode::NOT_FOUND, reason)
}

/// No such route.
pub(crate) fn not_found() -> Response {
    message_only(StatusCode::NOT_FOUND, "Not found.")
}

/// The body of an injected fault status.
pub(crate) fn for_status(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if status == StatusCode::TOO_MANY_REQUESTS {
        return rate_limited(1);
    }
    let message = match status.as_u16() {
        500 => error_message(spec::kredibel(), "server_error")
            .unwrap_or("Internal server error.")
            .to_string(),
        _ => format!("{}.", status.canonical_reason().unwrap_or("Error")),
    };
    message_only(status, &message)
}

/// An operation whose spec declares no scenario to answer with (no default case): the
/// sandbox cannot answer it. A unit test keeps this unreachable for the shipped specs.
pub(crate) fn no_scenario(operation_id: &str) -> Response {
    tracing::error!(
        operation_id,
        "the spec's x-scenarios has no default case for this operation"
    );
    for_status(500)
}
