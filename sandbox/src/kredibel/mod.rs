//! Kredibel, served under `/kredibel`: certificate issuance and biometric verification.
//!
//! Each operation runs the same front half ([`accept`]): bearer auth (a missing or empty key
//! is a 401 `{message}`), the per-key rate limit, a bounded read of a JSON body, and
//! validation against the spec's request schema and image extensions. The back half is the
//! documented sandbox scenarios, in [`certificate`] and [`biometric`].

mod biometric;
mod certificate;
pub(crate) mod errors;
mod image_fields;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use serde_json::{Map, Value};

use self::image_fields::ImageRejection;
use crate::app::AppState;
use crate::body::{self, BodyError, NON_IMAGE_ALLOWANCE};
use crate::observe::UNMATCHED;
use crate::rate_limit::retry_after_seconds;
use crate::spec::{ImageRule, Spec};
use crate::validation;

pub(crate) use certificate::ContactRegistry;

/// Kredibel's state: who owns which email address and phone number.
#[derive(Debug, Default)]
pub(crate) struct KredibelState {
    pub(crate) contacts: ContactRegistry,
}

/// The handler of a spec operation.
pub(crate) fn handler(operation_id: &str) -> Option<MethodRouter<AppState>> {
    match operation_id {
        "issue_certificate" => Some(post(certificate::issue)),
        "verify_biometric" => Some(post(biometric::verify)),
        _ => None,
    }
}

/// No such Kredibel route.
pub(crate) async fn not_found(State(app): State<AppState>) -> Response {
    app.requests.record(UNMATCHED);
    errors::not_found()
}

/// A request that passed the front half: its JSON object, valid by the spec.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) body: Map<String, Value>,
}

/// Auth, rate limit, bounded read, schema and image validation, image triggers; `Err` is the
/// response to send.
pub(crate) async fn accept(
    app: &AppState,
    request: Request,
    schema_name: &str,
) -> Result<Accepted, Response> {
    let spec = Spec::kredibel();
    let (parts, request_body) = request.into_parts();
    let key = bearer_key(&parts.headers).ok_or_else(errors::unauthenticated)?;
    app.limiter
        .admit(&format!("kredibel:{key}"))
        .map_err(|wait| errors::rate_limited(retry_after_seconds(wait)))?;
    if !body::is_json(&parts.headers) {
        return Err(errors::unsupported_media_type());
    }
    let rules = spec.image_rules(schema_name);
    let bytes = body::read_limited(request_body, &parts.headers, body_limit(&rules))
        .await
        .map_err(|error| match error {
            BodyError::TooLarge => errors::body_too_large(app.ids.uuid().to_string()),
            BodyError::Unreadable => errors::bad_request("The request body could not be read."),
        })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| errors::bad_request("The request body is not valid JSON."))?;
    let Value::Object(object) = &value else {
        return Err(errors::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let schema = spec
        .schema(schema_name)
        .ok_or_else(|| errors::bad_request("Unknown operation."))?;
    let issues = validation::validate(spec, schema, &value);
    if !issues.is_empty() {
        return Err(errors::validation(&issues));
    }
    let images = image_fields::check(&rules, object).map_err(|rejection| match rejection {
        ImageRejection::Typed(error_type) => errors::typed(error_type, app.ids.uuid().to_string()),
        ImageRejection::Invalid(issues) => errors::validation(&issues),
    })?;
    if let Some(error_type) = images
        .iter()
        .filter_map(|image| image.info.trigger.as_deref())
        .find_map(errors::ErrorType::from_trigger)
    {
        return Err(errors::typed(error_type, app.ids.uuid().to_string()));
    }
    let Value::Object(body) = value else {
        return Err(errors::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    Ok(Accepted { body })
}

/// The key of `Authorization: Bearer <key>`, if present and not blank.
fn bearer_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// The largest body an operation can legitimately have: its images at their maximum size,
/// base64-encoded, plus the other fields.
fn body_limit(rules: &[ImageRule]) -> usize {
    rules
        .iter()
        .map(|rule| body::base64_len(rule.max_bytes))
        .sum::<usize>()
        + NON_IMAGE_ALLOWANCE
}

/// A string field of a validated body (validation guarantees presence and type).
pub(crate) fn text<'a>(body: &'a Map<String, Value>, field: &str) -> &'a str {
    body.get(field).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_limits_fit_the_largest_images() {
        let spec = Spec::kredibel();
        let certificate = body_limit(&spec.image_rules("CertificateIssuanceRequest"));
        assert_eq!(certificate, (4_194_304 + 2_097_152) / 3 * 4 + 4 + 65_536);
        let biometric = body_limit(&spec.image_rules("BiometricVerificationRequest"));
        assert_eq!(biometric, 1_398_104 + 65_536);
    }

    #[test]
    fn bearer_keys() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_key(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer   ".parse().unwrap());
        assert_eq!(bearer_key(&headers), None);
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer_key(&headers), None);
        headers.insert(header::AUTHORIZATION, "bearer key-1".parse().unwrap());
        assert_eq!(bearer_key(&headers), Some("key-1"));
    }
}
