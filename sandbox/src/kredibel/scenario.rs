//! The operations whose sandbox is their documented scenarios alone (biometric, demography
//! and full verification, billing credit), read from the spec's `x-scenarios`: the case whose
//! selector values (`identityId`) the request carries answers its example, any other value the
//! default case's; a case with an error status answers that documented error. The answer
//! carries a fresh `id` and echoes the request's `identityId` where its example has them.
//!
//! Docs: <https://docs.kredibel.io/api-references/identity-verification/biometric-verification>
//! and its siblings. Where a page's tabs contradict its examples (biometric's "Face Match" tab
//! says `1234567890123456` does not match; its example matches at 1.0), the spec resolved it
//! by the example, and the sandbox follows the spec.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{accept_answering_triggers, errors};
use crate::app::AppState;
use crate::scenarios::{self, put};
use crate::spec;

/// Answers `operation_id` from its scenarios.
pub(crate) async fn answer(
    State(app): State<AppState>,
    request: Request,
    operation_id: &'static str,
) -> Response {
    let accepted = match accept_answering_triggers(&app, request, operation_id).await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let spec = spec::kredibel();
    let Some(selected) =
        scenarios::select(spec, scenarios::kredibel(), operation_id, &accepted.body)
    else {
        return errors::no_scenario(operation_id);
    };
    let case = selected.case;
    if case.status >= 400 {
        let error_type = case
            .response
            .and_then(|r| r.pointer("/errors/errorType"))
            .and_then(Value::as_str);
        return match error_type {
            Some(error_type) => errors::typed(error_type, app.ids.uuid().to_string()),
            None => errors::no_scenario(operation_id),
        };
    }
    let mut answer = case.response.cloned().unwrap_or_default();
    replace(&mut answer, "/data/id", || {
        Some(Value::String(app.ids.uuid().to_string()))
    });
    replace(&mut answer, "/data/identityId", || {
        accepted.body.get("identityId").cloned()
    });
    Json(answer).into_response()
}

/// Sets the value at `pointer` when the documented answer has one there (a fresh id, an
/// echo): an answer never gains a field its example does not show.
fn replace(answer: &mut Value, pointer: &str, value: impl FnOnce() -> Option<Value>) {
    if answer.pointer(pointer).is_some()
        && let Some(value) = value()
    {
        put(answer, pointer, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The biometric examples the sandbox answers agree with the spec's face threshold
    /// (`x-threshold`).
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

    #[test]
    fn replace_never_adds_a_field() {
        let mut answer = serde_json::json!({"data": {"amount": 1}});
        replace(&mut answer, "/data/id", || Some(Value::from("x")));
        replace(&mut answer, "/data/amount", || Some(Value::from(2)));
        assert_eq!(answer, serde_json::json!({"data": {"amount": 2}}));
    }
}
