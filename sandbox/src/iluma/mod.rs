//! Iluma, served under `/iluma`: health, callback token, API key retrieval, CFT + PEP
//! screening, KTP verification, and the sandbox-only callback URL registration.
//!
//! Each authenticated operation runs the same front half (`accept`): HTTP Basic with the key
//! as the username (only keys with the spec's sandbox prefix, `x-key-prefixes.sandbox`
//! (`iluma_development_`): anything else is 401 `INVALID_API_KEY`), the per-key rate limit,
//! then the `x-magic-reply` header.
//!
//! `x-magic-reply` takes the values of the spec's `MagicReply` enum:
//! - a state (`COMPLETED`, `COMPLETED_FOUND`, `COMPLETED_NOT_FOUND`, `FAILED`) makes the
//!   operations that create that state answer it (screenings: `COMPLETED`, `FAILED`; KTP
//!   verification: all four), after the request itself was validated;
//! - an error code answers that error's status and body at once, on every operation whose
//!   spec declares that status;
//! - a value that does not apply to the operation is refused with 400 `API_VALIDATION_ERROR`
//!   naming `x-magic-reply` where the operation can answer 400, and ignored where it cannot
//!   (so every answer stays one the spec declares).

mod callbacks;
pub(crate) mod errors;
mod id_card;
mod matching;
mod platform;
mod screening;
mod watchlist;

use std::collections::HashSet;
use std::sync::Mutex;

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post};
use kyc_spec::{Environment, ParameterLocation};
use serde_json::Value;

use crate::app::AppState;
use crate::body::{self, BodyError};
use crate::ids::Ids;
use crate::rate_limit::retry_after_seconds;
use crate::spec;
use crate::validation::{self, Issue};
use crate::vendor::{Behaviour, SandboxRoute};

pub(crate) use callbacks::Callbacks;
pub use callbacks::{
    CallbackDelivery, CallbackLog, CallbackUrlError, DeclaredCallback, declared_callbacks,
};

/// The prefix of the keys the sandbox accepts: the spec's sandbox key prefix
/// (`x-key-prefixes.sandbox`, `iluma_development_`).
pub fn development_key_prefix() -> &'static str {
    spec::iluma()
        .vendor()
        .key_prefix(Environment::Sandbox)
        .unwrap_or_default()
}

/// The header that asks for a simulated response.
pub const MAGIC_REPLY_HEADER: &str = "x-magic-reply";

/// Iluma's state.
#[derive(Debug)]
pub(crate) struct IlumaState {
    pub(crate) screenings: screening::Store,
    pub(crate) callbacks: Callbacks,
    /// Used Get API Key tokens, as hashes of (business id, token).
    pub(crate) used_key_tokens: Mutex<HashSet<u64>>,
}

impl IlumaState {
    pub(crate) fn new(ids: &Ids) -> Self {
        Self {
            screenings: screening::Store::default(),
            callbacks: Callbacks::new(ids.token()),
            used_key_tokens: Mutex::default(),
        }
    }

    /// The callback authentication token.
    pub(crate) fn callback_token(&self) -> &str {
        self.callbacks.token()
    }
}

/// Iluma's behaviour: its documented scenarios, state, callbacks and error bodies.
#[derive(Debug)]
pub(crate) struct Iluma;

impl Behaviour for Iluma {
    fn handler(&self, operation_id: &str) -> Option<MethodRouter<AppState>> {
        match operation_id {
            "get_health" => Some(get(platform::health)),
            "get_callback_authentication_token" => Some(get(platform::callback_token)),
            "get_api_keys" => Some(get(platform::api_keys)),
            "screen_individual" => Some(post(screening::screen_individual)),
            "get_individual_screening" => Some(get(screening::get_individual)),
            "screen_entity" => Some(post(screening::screen_entity)),
            "get_entity_screening" => Some(get(screening::get_entity)),
            "get_cft_pep_listing" => Some(get(screening::get_listing)),
            "verify_id_card" => Some(post(id_card::verify)),
            _ => None,
        }
    }

    fn sandbox_routes(&self) -> Vec<SandboxRoute> {
        vec![
            (
                "sandbox_set_callback_url",
                "/_sandbox/callback_urls/{product}",
                post(callbacks::set_url),
            ),
            (
                "sandbox_remove_callback_url",
                "/_sandbox/callback_urls/{product}",
                delete(callbacks::remove_url),
            ),
        ]
    }

    fn not_found(&self) -> Response {
        errors::not_found()
    }

    fn fault(&self, _operation_id: &str, status: u16) -> Response {
        errors::for_status(status)
    }

    fn bad_fault_header(&self, _operation_id: &str, reason: &str) -> Response {
        errors::bad_sandbox_header(crate::faults::FAULT_HEADER, reason)
    }

    fn not_recorded(&self, _operation_id: &str, reason: &str) -> Response {
        errors::error_with(errors::DATA_NOT_FOUND, reason)
    }
}

/// A state `x-magic-reply` can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SimulatedState {
    /// `COMPLETED`
    Completed,
    /// `COMPLETED_FOUND`
    CompletedFound,
    /// `COMPLETED_NOT_FOUND`
    CompletedNotFound,
    /// `FAILED`
    Failed,
}

impl SimulatedState {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "COMPLETED" => Some(Self::Completed),
            "COMPLETED_FOUND" => Some(Self::CompletedFound),
            "COMPLETED_NOT_FOUND" => Some(Self::CompletedNotFound),
            "FAILED" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// A response that ends a request early (refused credentials, a magic error reply, ...).
/// Boxed: it travels up through `Result`s, and a `Response` is large.
pub(crate) type Refusal = Box<Response>;

/// Auth, rate limit and `x-magic-reply` for `operation_id`. `states` are the simulated
/// states the operation can produce. `Ok` carries the state asked for, if any.
pub(crate) fn accept(
    app: &AppState,
    headers: &HeaderMap,
    operation_id: &str,
    states: &[SimulatedState],
) -> Result<Option<SimulatedState>, Refusal> {
    let key =
        development_key(headers).ok_or_else(|| Box::new(errors::error(errors::INVALID_API_KEY)))?;
    app.limiter
        .admit(&format!("iluma:{key}"))
        .map_err(|wait| Box::new(errors::rate_limited(retry_after_seconds(wait))))?;
    magic_reply(headers, operation_id, states)
}

/// The development key of `Authorization: Basic base64(key:)`: one with the spec's sandbox
/// prefix and something after it.
fn development_key(headers: &HeaderMap) -> Option<String> {
    let prefix = development_key_prefix();
    crate::auth::basic_username(headers)
        .filter(|key| key.len() > prefix.len() && key.starts_with(prefix))
}

fn magic_reply(
    headers: &HeaderMap,
    operation_id: &str,
    states: &[SimulatedState],
) -> Result<Option<SimulatedState>, Refusal> {
    let Some(operation) = spec::iluma().operation(operation_id) else {
        return Ok(None);
    };
    let Some(value) = headers.get(MAGIC_REPLY_HEADER) else {
        return Ok(None);
    };
    if !operation.has_parameter(MAGIC_REPLY_HEADER, ParameterLocation::Header) {
        return Ok(None);
    }
    let value = value.to_str().unwrap_or_default().trim();
    let not_applicable = |reason: String| {
        if operation.declares(400) {
            Err(Box::new(errors::invalid_field(MAGIC_REPLY_HEADER, &reason)))
        } else {
            Ok(None)
        }
    };
    let accepted = spec::iluma().enum_values("MagicReply");
    if !accepted.contains(&value) {
        return not_applicable(format!("Must be one of: {}.", accepted.join(", ")));
    }
    if let Some(status) = errors::status_of(value) {
        if operation.declares(status.as_u16()) {
            return Err(Box::new(errors::error(value)));
        }
        return not_applicable(format!(
            "{value} ({}) is not an answer of {operation_id}.",
            status.as_u16()
        ));
    }
    match SimulatedState::from_name(value) {
        Some(state) if states.contains(&state) => Ok(Some(state)),
        _ => not_applicable(format!("{value} is not a state of {operation_id}.")),
    }
}

/// Reads and validates a JSON body against `schema_name`; `Err` is the 400 to send.
pub(crate) async fn json_body(request: Request, schema_name: &str) -> Result<Value, Response> {
    let (parts, request_body) = request.into_parts();
    let invalid_body = |message: &str| errors::validation(&[Issue::field("body", message)]);
    if !body::is_json(&parts.headers) {
        return Err(invalid_body("The body must be application/json."));
    }
    let bytes = body::read_limited(request_body, &parts.headers, body::NON_IMAGE_ALLOWANCE)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge => invalid_body("The body is too large."),
            BodyError::Unreadable => invalid_body("The body could not be read."),
        })?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|_| invalid_body("The body is not valid JSON."))?;
    let spec = spec::iluma();
    let Some(schema) = spec.schema(schema_name) else {
        return Err(invalid_body("Unknown operation."));
    };
    let issues = validation::validate(spec, schema, &value);
    if !issues.is_empty() {
        return Err(errors::validation(&issues));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};
    use base64::Engine as _;

    use super::*;

    fn basic(credentials: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap(),
        );
        headers
    }

    #[test]
    fn accepts_only_development_keys() {
        assert!(development_key(&basic("iluma_development_abc:")).is_some());
        assert!(development_key(&basic("iluma_development_abc")).is_some());
        assert!(development_key(&basic("iluma_development_:")).is_none());
        assert!(development_key(&basic("iluma_production_abc:")).is_none());
        assert!(development_key(&HeaderMap::new()).is_none());
    }

    #[test]
    fn magic_values_apply_where_the_spec_declares_them() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(MAGIC_REPLY_HEADER, HeaderValue::from_str(value).unwrap());
            headers
        };
        let screening = [SimulatedState::Completed, SimulatedState::Failed];
        let failed = magic_reply(&with("FAILED"), "screen_individual", &screening);
        assert_eq!(failed.unwrap(), Some(SimulatedState::Failed));
        let found = magic_reply(&with("COMPLETED_FOUND"), "screen_individual", &screening);
        assert_eq!(found.unwrap_err().status(), 400);
        let not_found = magic_reply(&with("DATA_NOT_FOUND"), "get_cft_pep_listing", &[]);
        assert_eq!(not_found.unwrap_err().status(), 404);
        // get_cft_pep_listing cannot answer 413 or 400: ignored.
        let ignored = magic_reply(&with("FILE_TOO_LARGE"), "get_cft_pep_listing", &[]);
        assert_eq!(ignored.unwrap(), None);
        let ignored = magic_reply(&with("SERVER_ERROR"), "get_health", &[]);
        assert_eq!(ignored.unwrap(), None);
    }
}
