//! `POST /v1/identity/verification/biometric`: the three documented sandbox scenarios.
//!
//! Docs: <https://docs.kredibel.io/identity-verification/biometric-verification>.
//!
//! The "Face Match" tab says `1234567890123456` gives "face not match", but its example
//! answers a match with similarity 1.0; the spec resolved this by the example, and so does
//! the sandbox: `1234567890123456` matches (1.0), `1234567890111111` does not (0.24), and any
//! other NIK is not a valid identity (`isValid: false`, `isActive: false`, `response: {}`).

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{accept, text};
use crate::app::AppState;
use crate::spec;

/// The documented NIKs that exist in the sandbox's Dukcapil, with the face similarity of any
/// selfie against them.
const KNOWN_IDENTITIES: &[(&str, f64)] = &[
    // "Face Match"
    ("1234567890123456", 1.0),
    // "Face Not Match"
    ("1234567890111111", 0.24),
];

/// The documented threshold, when the spec does not carry `x-threshold`.
const DEFAULT_FACE_THRESHOLD: f64 = 0.75;

/// The message of every biometric answer (the docs' examples).
const MESSAGE: &str = "Identity biometric verification succeeded.";

#[derive(Serialize)]
struct Envelope<'a> {
    message: &'static str,
    data: BiometricVerification<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BiometricVerification<'a> {
    id: String,
    identity_id: &'a str,
    is_valid: bool,
    is_active: bool,
    response: FaceMatch,
}

/// Empty (`{}`) for an identity that is not valid.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FaceMatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    face: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    face_similarity: Option<f64>,
}

/// Handles `verify_biometric`.
pub(crate) async fn verify(State(app): State<AppState>, request: Request) -> Response {
    let accepted = match accept(&app, request, "BiometricVerificationRequest").await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let nik = text(&accepted.body, "identityId");
    let similarity = KNOWN_IDENTITIES
        .iter()
        .find(|(known, _)| *known == nik)
        .map(|(_, similarity)| *similarity);
    let threshold = spec::kredibel()
        .property_extension("FaceMatch", "face", "x-threshold")
        .and_then(|value| value.as_f64())
        .unwrap_or(DEFAULT_FACE_THRESHOLD);
    let data = BiometricVerification {
        id: app.ids.uuid().to_string(),
        identity_id: nik,
        is_valid: similarity.is_some(),
        is_active: similarity.is_some(),
        response: FaceMatch {
            face: similarity.map(|s| s >= threshold),
            face_similarity: similarity,
        },
    };
    Json(Envelope {
        message: MESSAGE,
        data,
    })
    .into_response()
}
