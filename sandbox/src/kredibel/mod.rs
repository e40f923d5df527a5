//! Kredibel, served under `/kredibel`: every operation of both its hosts (`$synapses` and
//! `$vision`), whose paths do not overlap.
//!
//! Each operation runs the same front half ([`accept`]): bearer auth (a missing or empty key
//! is a 401 `{message}`), the per-key rate limit, a bounded read of a JSON body, validation
//! against the spec's request schema and image extensions, and the image triggers. The back
//! half is chosen by the operation's product, its first spec `tag`: the certificate's contact
//! rule ([`certificate`]), the face comparison rule ([`face`]), text recognition ([`ocr`]),
//! account screening ([`screening`]); every other operation answers its documented sandbox
//! scenarios ([`scenario`]: biometric, demography, full verification, billing credit).

mod certificate;
pub(crate) mod errors;
mod face;
mod ocr;
mod scenario;
mod screening;

use axum::extract::Request;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};
use kyc_spec::image::ImageRule;
use serde_json::{Map, Value};

use crate::app::AppState;
use crate::auth::bearer_key;
use crate::body::{self, BodyError, NON_IMAGE_ALLOWANCE};
use crate::rate_limit::retry_after_seconds;
use crate::vendor::Behaviour;
use crate::{images, spec, validation};

pub(crate) use certificate::ContactRegistry;

/// Kredibel's state: who owns which email address and phone number.
#[derive(Debug, Default)]
pub(crate) struct KredibelState {
    pub(crate) contacts: ContactRegistry,
}

/// Kredibel's behaviour: its documented scenarios, the sandbox's rules and its error bodies.
#[derive(Debug)]
pub(crate) struct Kredibel;

impl Behaviour for Kredibel {
    fn handler(&self, operation_id: &str) -> Option<MethodRouter<AppState>> {
        let spec = spec::kredibel();
        let operation = spec.operation(operation_id)?;
        let filter = MethodFilter::try_from(
            axum::http::Method::from_bytes(operation.method.as_bytes()).ok()?,
        )
        .ok()?;
        let id: &'static str = operation.id.as_str();
        let product = spec
            .operation_node(operation)
            .pointer("/tags/0")
            .and_then(Value::as_str);
        Some(match product {
            Some("certificate") => on(filter, certificate::issue),
            Some("face") => on(filter, move |state, request| {
                face::compare(state, request, id)
            }),
            Some("ocr") => on(filter, move |state, request| ocr::read(state, request, id)),
            Some("screening") => on(filter, move |state, request| {
                screening::screen(state, request, id)
            }),
            _ => on(filter, move |state, request| {
                scenario::answer(state, request, id)
            }),
        })
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

    fn not_recorded(&self, _operation_id: &str, reason: &str) -> Response {
        errors::not_recorded(reason)
    }
}

/// A request that passed the front half: its JSON object (empty for an operation without a
/// body), valid by the spec, and the trigger comments of its images.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) body: Map<String, Value>,
    /// `kyc-sandbox:<trigger>` comments found in the images, in field order.
    pub(crate) triggers: Vec<String>,
}

/// [`accept`], then the error an image trigger names when the operation documents it
/// (`kyc-sandbox:no_face_detected`): how every product with images answers its triggers but
/// text recognition, whose `card_not_found` depends on the request.
pub(crate) async fn accept_answering_triggers(
    app: &AppState,
    request: Request,
    operation_id: &str,
) -> Result<Accepted, Response> {
    let accepted = accept(app, request, operation_id).await?;
    let error_id = || app.ids.uuid().to_string();
    match errors::triggered(spec::kredibel(), operation_id, &accepted.triggers, error_id) {
        Some(response) => Err(response),
        None => Ok(accepted),
    }
}

/// Auth, rate limit, bounded read, schema and image validation (the spec's, through
/// `kyc_spec::validate`, answered as [`errors::refusal`] says); `Err` is the response to send.
/// The image triggers are collected for the back half, which answers them.
pub(crate) async fn accept(
    app: &AppState,
    request: Request,
    operation_id: &str,
) -> Result<Accepted, Response> {
    let spec = spec::kredibel();
    let (parts, request_body) = request.into_parts();
    let key = bearer_key(&parts.headers).ok_or_else(errors::unauthenticated)?;
    app.limiter
        .admit(&format!("kredibel:{key}"))
        .map_err(|wait| errors::rate_limited(retry_after_seconds(wait)))?;
    let schema_name = spec
        .operation(operation_id)
        .and_then(|operation| operation.request.as_ref())
        .and_then(|request| request.schema.as_deref());
    let Some(schema_name) = schema_name else {
        // No body to read (billing credit): auth and the rate limit were all there is.
        return Ok(Accepted {
            body: Map::new(),
            triggers: Vec::new(),
        });
    };
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
    let not_an_object = || errors::bad_request("The request body must be a JSON object.");
    if !value.is_object() {
        return Err(not_an_object());
    }
    let issues = validation::validate(spec, schema, &value);
    if !issues.is_empty() {
        return Err(errors::refusal(&issues, || app.ids.uuid().to_string()));
    }
    let Value::Object(body) = value else {
        return Err(not_an_object());
    };
    // Every image is valid base64 by now: only its first bytes are decoded for a trigger.
    let triggers = rules
        .iter()
        .filter_map(|(field, _)| body.get(*field).and_then(Value::as_str))
        .filter_map(images::trigger_in_base64)
        .collect();
    Ok(Accepted { body, triggers })
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

    /// How a certificate issuance with `face` and `identity` (base64) is answered: `ok`, a
    /// documented error type, or `invalid <fields>` (the validation body's fields).
    fn verdict(face: &str, identity: &str, nik: &str) -> String {
        let spec = spec::kredibel();
        let mut body = crate::examples::valid_request(spec, "issue_certificate")
            .unwrap_or_else(|error| panic!("{error}"))
            .body;
        body["faceImage"] = face.into();
        body["identityImage"] = identity.into();
        body["identityId"] = nik.into();
        let schema = spec.schema("CertificateIssuanceRequest").unwrap();
        let issues = validation::validate(spec, schema, &body);
        if issues.is_empty() {
            return "ok".into();
        }
        if let Some(error_type) = errors::refusal_type(&issues) {
            return error_type.into();
        }
        let mut fields: Vec<&str> = issues
            .iter()
            .filter(|i| i.problem == validation::Problem::Field)
            .map(|i| i.field.as_str())
            .collect();
        if fields.is_empty() {
            fields = issues.iter().map(|i| i.field.as_str()).collect();
        }
        format!("invalid {}", fields.join(" "))
    }

    #[test]
    fn image_refusals_follow_the_error_table() {
        use crate::samples::Image;
        let face = Image::jpeg(480, 640).base64(150_000);
        let card = Image::png(480, 360).base64(110_000);
        let nik = "1234567890123456";
        assert_eq!(verdict(&face, &card, nik), "ok");
        // Base64 is the padded standard alphabet, on one line, without a `data:` prefix.
        for text in [
            "QQ",
            "QUI",
            "QR==",
            "Q===",
            "QQ==QQ==",
            "QU I=",
            "QUJD\n",
            "data:image/png;base64,QUJD",
            "-_9z",
            "not base64!",
        ] {
            assert_eq!(
                verdict(text, &card, nik),
                "invalid_base64_encoding",
                "{text:?}"
            );
        }
        // Valid base64 that is no image in an accepted format, or an empty one: the field.
        for text in ["", "QUJD", "R0lGODlhAQABAAAAACw="] {
            assert_eq!(verdict(text, &card, nik), "invalid faceImage", "{text:?}");
        }
        let too_large = Image::jpeg(480, 640).base64(4_000_001);
        assert_eq!(verdict(&too_large, &card, nik), "image_too_large");
        let card_too_large = Image::jpeg(480, 360).base64(2_000_001);
        assert_eq!(verdict(&face, &card_too_large, nik), "image_too_large");
        let narrow = Image::jpeg(479, 640).base64(150_000);
        assert_eq!(verdict(&narrow, &card, nik), "invalid faceImage");
        let small = Image::jpeg(480, 640).base64(102_399);
        assert_eq!(verdict(&small, &card, nik), "invalid faceImage");
        // A field's shape is answered first; the images are not looked at then.
        assert_eq!(verdict("QQ", &card, "12345"), "invalid identityId");
    }
}
