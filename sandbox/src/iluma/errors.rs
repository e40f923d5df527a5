//! Iluma's error body, `{error_code, message, errors?}` (the spec's `IlumaError`): the status
//! of each code is the spec's `x-status`, the message the one of the spec's example for it.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::spec::{self, error_message};
use crate::validation::Issue;

/// The code of a request that does not match the spec.
pub(crate) const API_VALIDATION_ERROR: &str = "API_VALIDATION_ERROR";
/// The code of refused credentials.
pub(crate) const INVALID_API_KEY: &str = "INVALID_API_KEY";
/// The code of an unknown resource.
pub(crate) const DATA_NOT_FOUND: &str = "DATA_NOT_FOUND";
/// The code of too many requests.
pub(crate) const RATE_LIMIT_EXCEEDED: &str = "RATE_LIMIT_EXCEEDED";
/// The code of a selfie over the size limit.
pub(crate) const FILE_TOO_LARGE: &str = "FILE_TOO_LARGE";
/// The code of a selfie under the size limit.
pub(crate) const FILE_TOO_SMALL: &str = "FILE_TOO_SMALL";
/// The code of a selfie (or body) of the wrong type.
pub(crate) const UNSUPPORTED_CONTENT_TYPE: &str = "UNSUPPORTED_CONTENT_TYPE";

#[derive(Serialize)]
struct Body<'a> {
    error_code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError<'a>],
}

#[derive(Serialize)]
struct FieldError<'a> {
    field: &'a str,
    message: &'a str,
}

/// The HTTP status the spec gives `code` (`IlumaErrorCode.x-status`).
pub(crate) fn status_of(code: &str) -> Option<StatusCode> {
    StatusCode::from_u16(spec::iluma().status_of("IlumaErrorCode", code)?).ok()
}

/// Every documented error code (`IlumaErrorCode`).
pub(crate) fn codes() -> Vec<&'static str> {
    spec::iluma().enum_values("IlumaErrorCode")
}

fn respond(code: &str, message: Option<&str>, errors: &[FieldError<'_>]) -> Response {
    let status = status_of(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let documented = error_message(spec::iluma(), &code.to_ascii_lowercase());
    let message = message.or(documented).unwrap_or("Error");
    let mut response = (
        status,
        Json(Body {
            error_code: code,
            message,
            errors,
        }),
    )
        .into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(1));
    }
    response
}

/// The documented error `code`, with its documented message.
pub(crate) fn error(code: &str) -> Response {
    respond(code, None, &[])
}

/// The documented error `code` with a more precise message.
pub(crate) fn error_with(code: &str, message: &str) -> Response {
    respond(code, Some(message), &[])
}

/// 400 `API_VALIDATION_ERROR` naming each field and what is wrong with it.
pub(crate) fn validation(issues: &[Issue]) -> Response {
    let errors: Vec<FieldError<'_>> = issues
        .iter()
        .map(|issue| FieldError {
            field: &issue.field,
            message: &issue.message,
        })
        .collect();
    respond(API_VALIDATION_ERROR, None, &errors)
}

/// 400 `API_VALIDATION_ERROR` about one field.
pub(crate) fn invalid_field(field: &str, message: &str) -> Response {
    respond(API_VALIDATION_ERROR, None, &[FieldError { field, message }])
}

/// 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`.
pub(crate) fn rate_limited(retry_after_seconds: u64) -> Response {
    let mut response = error(RATE_LIMIT_EXCEEDED);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
    response
}

/// A sandbox-only header the sandbox cannot parse.
pub(crate) fn bad_sandbox_header(header: &str, reason: &str) -> Response {
    invalid_field(header, reason)
}

/// No such route or resource.
pub(crate) fn not_found() -> Response {
    error(DATA_NOT_FOUND)
}

/// The body of an injected fault status: the code with exactly that status, else
/// `SERVER_ERROR` (5XX) or `API_VALIDATION_ERROR` (4XX), sent with the injected status.
pub(crate) fn for_status(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let exact = codes()
        .into_iter()
        .find(|code| status_of(code) == Some(status));
    let mut response = match exact {
        Some(code) => error(code),
        None if status.is_server_error() => error("SERVER_ERROR"),
        None => error(API_VALIDATION_ERROR),
    };
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_come_from_the_spec() {
        assert_eq!(
            status_of(FILE_TOO_SMALL),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(
            status_of("SERVICE_UNAVAILABLE"),
            Some(StatusCode::SERVICE_UNAVAILABLE)
        );
        assert_eq!(status_of("NOPE"), None);
        assert_eq!(codes().len(), 10);
        assert_eq!(for_status(502).status(), StatusCode::BAD_GATEWAY);
        assert!(for_status(429).headers().contains_key(header::RETRY_AFTER));
    }
}
