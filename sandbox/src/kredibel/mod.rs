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

use axum::extract::Request;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use kyc_spec::image::ImageRule;
use serde_json::{Map, Value};

use self::image_fields::ImageRejection;
use crate::app::AppState;
use crate::auth::bearer_key;
use crate::body::{self, BodyError, NON_IMAGE_ALLOWANCE};
use crate::rate_limit::retry_after_seconds;
use crate::vendor::Behaviour;
use crate::{spec, validation};

pub(crate) use certificate::ContactRegistry;

/// Kredibel's state: who owns which email address and phone number.
#[derive(Debug, Default)]
pub(crate) struct KredibelState {
    pub(crate) contacts: ContactRegistry,
}

/// Kredibel's behaviour: its documented scenarios and its error bodies.
#[derive(Debug)]
pub(crate) struct Kredibel;

impl Behaviour for Kredibel {
    fn handler(&self, operation_id: &str) -> Option<MethodRouter<AppState>> {
        match operation_id {
            "issue_certificate" => Some(post(certificate::issue)),
            "verify_biometric" => Some(post(biometric::verify)),
            _ => None,
        }
    }

    fn not_found(&self) -> Response {
        errors::not_found()
    }

    fn fault(&self, _operation_id: &str, status: u16) -> Response {
        errors::for_status(status)
    }

    fn bad_fault_header(&self, _operation_id: &str, reason: &str) -> Response {
        errors::bad_sandbox_header(reason)
    }
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
    let spec = spec::kredibel();
    let (parts, request_body) = request.into_parts();
    let key = bearer_key(&parts.headers).ok_or_else(errors::unauthenticated)?;
    app.limiter
        .admit(&format!("kredibel:{key}"))
        .map_err(|wait| errors::rate_limited(retry_after_seconds(wait)))?;
    if !body::is_json(&parts.headers) {
        return Err(errors::unsupported_media_type());
    }
    let schema = spec
        .schema(schema_name)
        .ok_or_else(|| errors::bad_request("Unknown operation."))?;
    let rules = spec.image_fields(schema);
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
        .filter_map(|image| image.trigger.as_deref())
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

/// The largest body an operation can legitimately have: its images at their maximum size,
/// base64-encoded, plus the other fields.
fn body_limit(rules: &[(&str, ImageRule)]) -> usize {
    rules
        .iter()
        .map(|(_, rule)| body::base64_len(body::image_limit(rule)))
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
        let spec = spec::kredibel();
        let limit = |name| body_limit(&spec.image_fields(spec.schema(name).unwrap()));
        assert_eq!(
            limit("CertificateIssuanceRequest"),
            (4_000_000 + 2_000_000) / 3 * 4 + 4 + 65_536
        );
        assert_eq!(limit("BiometricVerificationRequest"), 1_333_336 + 65_536);
    }
}
