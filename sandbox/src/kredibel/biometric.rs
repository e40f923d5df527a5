//! `POST /v1/identity/verification/biometric`: the documented sandbox scenarios, read from the
//! spec (`x-scenarios` of `verify_biometric`): the case whose `identityId` the request carries
//! answers its response example, and any other NIK the default case's ("Wrong Identity": not
//! a valid identity). The answer carries a fresh `id` and the request's `identityId`.
//!
//! Docs: <https://docs.kredibel.io/identity-verification/biometric-verification>. The "Face
//! Match" tab says `1234567890123456` gives "face not match", but its example answers a match
//! with similarity 1.0; the spec resolved this by the example, and so does the sandbox.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{accept, errors, text};
use crate::app::AppState;
use crate::scenarios::{self, put};
use crate::spec;

/// Handles `verify_biometric`.
pub(crate) async fn verify(State(app): State<AppState>, request: Request) -> Response {
    let accepted = match accept(&app, request, "BiometricVerificationRequest").await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let Some(selected) = scenarios::select(
        spec::kredibel(),
        scenarios::kredibel(),
        "verify_biometric",
        &accepted.body,
    ) else {
        return errors::no_scenario("verify_biometric");
    };
    let mut answer = selected.case.response.cloned().unwrap_or_default();
    put(
        &mut answer,
        "/data/id",
        Value::String(app.ids.uuid().to_string()),
    );
    let nik = text(&accepted.body, "identityId");
    put(
        &mut answer,
        "/data/identityId",
        Value::String(nik.to_string()),
    );
    Json(answer).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples the sandbox answers agree with the spec's face threshold (`x-threshold`).
    #[test]
    fn the_documented_faces_agree_with_the_threshold() {
        let threshold = spec::kredibel()
            .property_extension("FaceMatch", "face", "x-threshold")
            .and_then(Value::as_f64)
            .expect("FaceMatch.face has x-threshold");
        let mut checked = 0;
        for case in scenarios::by_values(scenarios::kredibel(), "verify_biometric") {
            let response = case.response.expect("documented answer");
            let face = response
                .pointer("/data/response/face")
                .and_then(Value::as_bool);
            let similarity = response
                .pointer("/data/response/faceSimilarity")
                .and_then(Value::as_f64);
            if let (Some(face), Some(similarity)) = (face, similarity) {
                assert_eq!(face, similarity >= threshold, "case {}", case.name);
                checked += 1;
            }
        }
        assert_eq!(checked, 2);
    }
}
