//! Kredibel's error bodies (Responses & Errors page), with the messages of the spec's
//! examples: `{message}`, `{errors: {errorId, errorType}, message}` and the validation shape
//! `{errors: {<field>: [reasons]}, message: "Input payload validation failed."}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::spec::{self, error_message};
use crate::validation::{Issue, Problem};

/// The documented 4XX error types (`ErrorType` in the spec) and the status the sandbox sends
/// each with. The docs say only "4XX"; the statuses are the sandbox's choice (see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorType {
    /// The image is not valid base64. 400.
    InvalidBase64Encoding,
    /// The image is over its size limit. 413.
    ImageTooLarge,
    /// No face, or a blurry image (charged). 422.
    NoFaceDetected,
    /// Dukcapil did not answer. 424 (Failed Dependency).
    RequestError,
}

impl ErrorType {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::InvalidBase64Encoding => "invalid_base64_encoding",
            Self::ImageTooLarge => "image_too_large",
            Self::NoFaceDetected => "no_face_detected",
            Self::RequestError => "request_error",
        }
    }

    /// The error type an image trigger comment (`kyc-sandbox:<name>`) names.
    pub(crate) fn from_trigger(name: &str) -> Option<Self> {
        match name {
            "no_face_detected" => Some(Self::NoFaceDetected),
            "request_error" => Some(Self::RequestError),
            "invalid_base64_encoding" => Some(Self::InvalidBase64Encoding),
            "image_too_large" => Some(Self::ImageTooLarge),
            _ => None,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::InvalidBase64Encoding => StatusCode::BAD_REQUEST,
            Self::ImageTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NoFaceDetected => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RequestError => StatusCode::FAILED_DEPENDENCY,
        }
    }
}

#[derive(Serialize)]
struct ErrorReference {
    #[serde(rename = "errorId")]
    error_id: String,
    #[serde(rename = "errorType")]
    error_type: &'static str,
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

/// A typed error, with a fresh `errorId`.
pub(crate) fn typed(error_type: ErrorType, error_id: String) -> Response {
    let message = error_message(spec::kredibel(), error_type.name())
        .unwrap_or("Request could not be processed.")
        .to_string();
    (
        error_type.status(),
        Json(Body {
            errors: Some(ErrorReference {
                error_id,
                error_type: error_type.name(),
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
pub(crate) fn refusal_type(issues: &[Issue]) -> Option<ErrorType> {
    let any = |problem| issues.iter().any(|issue| issue.problem == problem);
    if any(Problem::Field) {
        None
    } else if any(Problem::Base64) {
        Some(ErrorType::InvalidBase64Encoding)
    } else if any(Problem::TooLarge) {
        Some(ErrorType::ImageTooLarge)
    } else {
        None
    }
}

/// The validation body: each field with its reasons.
pub(crate) fn validation(issues: &[Issue]) -> Response {
    let mut errors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for issue in issues {
        errors
            .entry(issue.field.as_str())
            .or_default()
            .push(issue.message.as_str());
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

/// A body that is not `application/json`.
pub(crate) fn unsupported_media_type() -> Response {
    message_only(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "The request body must be application/json.",
    )
}

/// A body over the operation's limit: the only part that can be that large is an image.
pub(crate) fn body_too_large(error_id: String) -> Response {
    typed(ErrorType::ImageTooLarge, error_id)
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
