//! Text recognition (`read_ktp`, `read_driver_license`, `read_passport`, on `$vision`): the
//! pages publish no sandbox values, so any readable image gets the answer of the operation's
//! default scenario case (the card read, its fictional holder) with a fresh id, and the
//! image's trigger comment chooses the rest, as the spec's descriptions say:
//!
//! - `kyc-sandbox:card_not_found`: no card in the picture. An error only when the request
//!   sets `passCardDetect: false` (the pages: "only raised when passCardDetect = false");
//!   otherwise the reading carries on and answers `cardDetected: false`;
//! - `kyc-sandbox:<errorType>` for every other error type the operation documents
//!   (`text_not_found`, `invalid_document_type`, `parsing_failed`): that error.
//!
//! Docs: <https://docs.kredibel.io/api-references/text-recognition>.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{accept, errors};
use crate::app::AppState;
use crate::scenarios::{self, put};
use crate::spec;

/// The error type of a picture without a card.
const CARD_NOT_FOUND: &str = "card_not_found";

/// Handles a text recognition.
pub(crate) async fn read(
    State(app): State<AppState>,
    request: Request,
    operation_id: &'static str,
) -> Response {
    let accepted = match accept(&app, request, operation_id).await {
        Ok(accepted) => accepted,
        Err(response) => return response,
    };
    let spec = spec::kredibel();
    let no_card = accepted.triggers.iter().any(|t| t == CARD_NOT_FOUND);
    let pass_card_detect = accepted
        .body
        .get("passCardDetect")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if no_card && !pass_card_detect {
        return errors::typed(CARD_NOT_FOUND, app.ids.uuid().to_string());
    }
    let others: Vec<String> = accepted
        .triggers
        .into_iter()
        .filter(|t| t != CARD_NOT_FOUND)
        .collect();
    let error_id = || app.ids.uuid().to_string();
    if let Some(response) = errors::triggered(spec, operation_id, &others, error_id) {
        return response;
    }
    // The default case is the card read without a trigger.
    let read = scenarios::by_values(scenarios::kredibel(), operation_id)
        .find(|case| case.default)
        .and_then(|case| case.response);
    let Some(read) = read else {
        return errors::no_scenario(operation_id);
    };
    let mut answer = read.clone();
    put(
        &mut answer,
        "/data/id",
        Value::String(app.ids.uuid().to_string()),
    );
    if no_card {
        put(
            &mut answer,
            "/data/information/cardDetected",
            Value::Bool(false),
        );
    }
    Json(answer).into_response()
}
