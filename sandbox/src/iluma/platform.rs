//! `/health`, the callback authentication token, and Get API Key with its single-use token.
//!
//! The reference shows these calls but not their bodies; the shapes are the spec's
//! (`x-undocumented`): `{"status": "ok"}`, `{"token": ...}`, `{business_id, api_keys}`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{accept, development_key_prefix, errors};
use crate::app::AppState;
use crate::ids::splitmix64;
use crate::scenarios;

/// The development key the reference prints for its example business `5abc`; the sandbox
/// hands it out for that business so the documented example answers as documented.
const DOCUMENTED_BUSINESS: (&str, &str) = (
    "5abc",
    "iluma_development_FX4f0M5sxDgk5qFyZnk60ZengAfA9o31x3ecd29vihjc4VhyJ8FclZhHjjw",
);

/// `GET /health`: unauthenticated, always up (faults can say otherwise): the answer of the
/// spec's scenario for it.
pub(crate) async fn health() -> Response {
    let healthy = scenarios::iluma()
        .iter()
        .find(|case| case.operation_id == "get_health" && case.status == 200)
        .and_then(|case| case.response);
    match healthy {
        Some(answer) => Json(answer).into_response(),
        // A spec without the scenario documents no healthy answer.
        None => errors::error("SERVICE_UNAVAILABLE"),
    }
}

#[derive(Serialize)]
struct Token<'a> {
    token: &'a str,
}

/// `GET /v1/callback/authentication_tokens`.
pub(crate) async fn callback_token(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(response) = accept(&app, &headers, "get_callback_authentication_token", &[]) {
        return *response;
    }
    Json(Token {
        token: app.iluma.callback_token(),
    })
    .into_response()
}

#[derive(Serialize)]
struct ApiKeySet<'a> {
    business_id: &'a str,
    api_keys: [ApiKey; 1],
}

#[derive(Serialize)]
struct ApiKey {
    environment: &'static str,
    key: String,
}

/// `GET /businesses/{business_id}/api_keys?token=...`: any non-empty token works once per
/// business; using it again is 404 `DATA_NOT_FOUND`, as a used token is gone.
pub(crate) async fn api_keys(
    State(app): State<AppState>,
    Path(business_id): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let token = query.as_ref().ok().and_then(|q| q.get("token"));
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return errors::invalid_field("token", "Missing required parameter.");
    };
    if business_id.is_empty() {
        return errors::invalid_field("business_id", "Must not be empty.");
    }
    let first_use = app
        .iluma
        .used_key_tokens
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(token_hasher().hash_one((&business_id, token)));
    if !first_use {
        return errors::error_with(
            errors::DATA_NOT_FOUND,
            "The token was already used: it is single use.",
        );
    }
    Json(ApiKeySet {
        api_keys: [ApiKey {
            environment: "DEVELOPMENT",
            key: development_key_of(&business_id),
        }],
        business_id: &business_id,
    })
    .into_response()
}

/// One hasher for the process, so the same (business, token) always hashes the same.
fn token_hasher() -> &'static RandomState {
    static HASHER: OnceLock<RandomState> = OnceLock::new();
    HASHER.get_or_init(RandomState::new)
}

/// The business's development key: the documented one for the documented business, else one
/// derived from the business id (stable across runs, so a test can hard-code it).
fn development_key_of(business_id: &str) -> String {
    if business_id == DOCUMENTED_BUSINESS.0 {
        return DOCUMENTED_BUSINESS.1.to_string();
    }
    let seed = business_id.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    });
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let suffix: String = (0..59u64)
        .map(|i| {
            let n = splitmix64(seed.wrapping_add(i));
            char::from(ALPHABET[(n % ALPHABET.len() as u64) as usize])
        })
        .collect();
    format!("{}{suffix}", development_key_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_development_keys() {
        assert_eq!(development_key_of("5abc"), DOCUMENTED_BUSINESS.1);
        let key = development_key_of("acme");
        assert_eq!(key, development_key_of("acme"));
        assert_ne!(key, development_key_of("acme2"));
        assert!(key.starts_with("iluma_development_"));
        assert_eq!(key.len(), DOCUMENTED_BUSINESS.1.len());
    }
}
