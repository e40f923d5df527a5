//! Face comparison (`compare_faces`, `compare_handheld_faces`, on `$vision`): the Face
//! Comparison page publishes no sandbox values, so the sandbox answers by a rule a tester can
//! drive, written in the spec's descriptions:
//!
//! - an image commented `kyc-sandbox:similarity_<digits>` compares at `0.<digits>`;
//! - else two identical images compare at 1.0 and two different ones at
//!   [`DIFFERENT_FACES`]; a handheld photo (one image: the face and the card it holds)
//!   at 1.0;
//! - `matched` is `similarity >= threshold`: the request's, else the spec's `x-threshold` on
//!   `FaceComparison.matched` (the Models table's 0.80);
//! - an image commented with an error type the operation documents (`no_face_detected`) gets
//!   that error.
//!
//! Docs: <https://docs.kredibel.io/api-references/face-recognition/face-comparison>.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::accept_answering_triggers;
use crate::app::AppState;
use crate::spec;

/// The similarity of two different faces: the biometric page's "face not match" example
/// (0.24), the one non-matching similarity Kredibel publishes.
const DIFFERENT_FACES: f64 = 0.24;

/// The trigger that sets the similarity: `similarity_74` is 0.74.
const SIMILARITY_TRIGGER: &str = "similarity_";

/// Handles a face comparison.
pub(crate) async fn compare(
    State(app): State<AppState>,
    request: Request,
    operation_id: &'static str,
) -> Response {
    let accepted = match accept_answering_triggers(&app, request, operation_id).await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let spec = spec::kredibel();
    let similarity = accepted
        .triggers
        .iter()
        .find_map(|trigger| similarity_of(trigger))
        .unwrap_or_else(|| same_or_different(operation_id, &accepted.body));
    let threshold = accepted
        .body
        .get("threshold")
        .and_then(Value::as_f64)
        .or_else(|| {
            spec.property_extension("FaceComparison", "matched", "x-threshold")
                .and_then(Value::as_f64)
        })
        .unwrap_or(1.0);
    let message = spec
        .first_response_example(operation_id, "2XX")
        .and_then(|example| example.get("message"))
        .cloned()
        .unwrap_or_else(|| Value::from("face verification succeded"));
    Json(json!({
        "message": message,
        "data": {
            "id": app.ids.uuid().to_string(),
            "similarity": similarity,
            "matched": similarity >= threshold,
        }
    }))
    .into_response()
}

/// `0.<digits>` of a `similarity_<digits>` trigger.
fn similarity_of(trigger: &str) -> Option<f64> {
    let digits = trigger.strip_prefix(SIMILARITY_TRIGGER)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    format!("0.{digits}").parse().ok()
}

/// 1.0 when every image of the request is the same (a handheld photo has one), else
/// [`DIFFERENT_FACES`].
fn same_or_different(operation_id: &str, body: &Map<String, Value>) -> f64 {
    let spec = spec::kredibel();
    let fields = spec
        .operation(operation_id)
        .and_then(|operation| operation.request.as_ref())
        .and_then(|request| request.schema.as_deref())
        .and_then(|name| spec.schema(name))
        .map(|schema| spec.image_fields(schema))
        .unwrap_or_default();
    let mut images = fields
        .iter()
        .filter_map(|(field, _)| body.get(*field).and_then(Value::as_str));
    let first = images.next();
    if images.all(|image| Some(image) == first) {
        1.0
    } else {
        DIFFERENT_FACES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_similarity_trigger_reads_its_digits_as_a_fraction() {
        assert_eq!(similarity_of("similarity_74"), Some(0.74));
        assert_eq!(similarity_of("similarity_05"), Some(0.05));
        assert_eq!(
            similarity_of("similarity_7396538793680758"),
            Some(0.739_653_879_368_075_8)
        );
        for not_one in ["similarity_", "similarity_7x", "no_face_detected"] {
            assert_eq!(similarity_of(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn identical_images_are_the_same_face() {
        let body = |a: &str, b: &str| {
            json!({"image1": a, "image2": b})
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            same_or_different("compare_faces", &body("QUJD", "QUJD")),
            1.0
        );
        assert_eq!(
            same_or_different("compare_faces", &body("QUJD", "REVG")),
            DIFFERENT_FACES
        );
        let handheld = json!({"image": "QUJD"})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(same_or_different("compare_handheld_faces", &handheld), 1.0);
    }

    /// The default threshold is the spec's `x-threshold`, the Models table's 0.80. (That the
    /// documented examples answer as documented is `tests/it/scenarios.rs`'s to check.)
    #[test]
    fn the_default_threshold_is_the_models_tables() {
        let spec = spec::kredibel();
        let threshold = spec
            .property_extension("FaceComparison", "matched", "x-threshold")
            .and_then(Value::as_f64);
        assert_eq!(threshold, Some(0.8));
    }
}
