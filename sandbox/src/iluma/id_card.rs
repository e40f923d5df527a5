//! `POST /v0/identity/id_card_verifications`: KTP verification over `multipart/form-data`.
//!
//! Docs: the reference's "KTP Biometrics Verification" section
//! (<https://docs.iluma.ai/#ktp-biometrics-verification>).
//!
//! The form is read as a stream, with the selfie capped at the spec's `x-max-bytes` (413
//! `FILE_TOO_LARGE` as soon as it passes) and the whole body at that plus room for the text
//! fields. Then the parts are checked against the spec's `IdCardVerificationRequest` by
//! `kyc_spec::validate` (the walk the client runs before sending), and answered in order:
//! missing, unknown or invalid fields are 400 `API_VALIDATION_ERROR` naming each; a selfie
//! that is not JPEG or PNG (by its bytes, and by its declared type if it has one) is 415
//! `UNSUPPORTED_CONTENT_TYPE`; one under `x-min-bytes` is 413 `FILE_TOO_SMALL`; one under
//! `x-min-pixels`, or that cannot be read, is 400 naming `selfie`.
//!
//! Outcomes by NIK come from the spec's scenarios (`x-scenarios` of `verify_id_card`): the
//! case whose `id_card_number` the request carries answers as its response example — found
//! (its request example is the record the submitted data is compared with, its
//! `seflie_score` the selfie's), not found, or failed with the example's reason — and any
//! other NIK as the default case (not found), unless the sandbox's own [`SYNTHETIC_RECORDS`]
//! hold it. `x-magic-reply` overrides the outcome.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyDataStream, LengthLimitError};
use kyc_spec::image::{self, ImageRule};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::matching::{self, NameKind};
use super::{Refusal, SimulatedState, accept, errors};
use crate::app::AppState;
use crate::body::{self, NON_IMAGE_ALLOWANCE};
use crate::images;
use crate::scenarios::{self, Selected};
use crate::spec;
use crate::validation::{self, Issue, Problem};

/// Why a verification failed when `x-magic-reply: FAILED` asks it to (the reason of the
/// spec's failure example, which a test compares with).
const MAGIC_FAILURE_REASON: &str = "TEMPORARY_NETWORK_ERROR";

/// The longest text field accepted; the longest the spec allows is 100 characters.
const TEXT_FIELD_LIMIT: usize = 4 * 1024;

/// Address similarity (0–100) from which addresses count as matching ("fuzzy match").
const ADDRESS_MATCH_SCORE: u8 = 80;

/// The states `x-magic-reply` can ask a KTP verification for.
const STATES: &[SimulatedState] = &[
    SimulatedState::Completed,
    SimulatedState::CompletedFound,
    SimulatedState::CompletedNotFound,
    SimulatedState::Failed,
];

/// A Dukcapil record: what the government holds for a NIK.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DukcapilRecord {
    nik: &'static str,
    name: &'static str,
    birthdate: Option<&'static str>,
    birthplace: Option<&'static str>,
    address: Option<&'static str>,
    /// How similar any selfie is to the photo on file, 0 to 100.
    selfie_score: f64,
}

/// The sandbox's own records, beside the documented ones of the spec: a synthetic person
/// whose photo does not look like the selfie.
pub(crate) const SYNTHETIC_RECORDS: &[DukcapilRecord] = &[DukcapilRecord {
    nik: "3171011505900001",
    name: "budi santoso",
    birthdate: Some("15-05-1990"),
    birthplace: Some("Jakarta"),
    address: Some("Jl. Merdeka No. 1"),
    selfie_score: 38.5,
}];

/// The record of a documented "found" case: its request example is what Dukcapil holds, its
/// response example's score is the selfie's.
fn documented_record(case: &'static kyc_spec::Scenario<'static>) -> Option<DukcapilRecord> {
    let request = case.request.as_ref()?;
    let response = case.response?;
    if response.get("is_found") != Some(&Value::Bool(true)) {
        return None;
    }
    // The request is owned by the 'static scenario table, so its strings live as long.
    let text = |field: &str| request.get(field).and_then(Value::as_str);
    let score = response
        .pointer("/result/seflie_score")
        .or_else(|| response.pointer("/result/selfie_score"))
        .and_then(Value::as_f64)?;
    Some(DukcapilRecord {
        nik: text("id_card_number")?,
        name: text("name")?,
        birthdate: text("birthdate"),
        birthplace: text("birthplace"),
        address: text("address"),
        selfie_score: score,
    })
}

/// The record of `nik`: a documented one, else a synthetic one.
fn record_of(nik: &str) -> Option<DukcapilRecord> {
    scenarios::by_values(scenarios::iluma(), "verify_id_card")
        .filter_map(documented_record)
        .chain(SYNTHETIC_RECORDS.iter().copied())
        .find(|record| record.nik == nik)
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Status {
    Completed,
    Failed,
}

/// A verification, fields in the order of the reference's example.
#[derive(Debug, Serialize)]
struct IdCardVerification {
    id: String,
    created: String,
    updated: String,
    id_card_number: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthdate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthplace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_found: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<&'static str>,
}

/// How the submitted data compares with the record. The score goes out as `seflie_score`,
/// the name in the reference's example (the schema table's `selfie_score` is a typo fix
/// the vendor's example does not have; the spec accepts both).
#[derive(Debug, Serialize)]
struct Comparison {
    #[serde(rename = "seflie_score", serialize_with = "whole_as_integer")]
    selfie_score: f64,
    is_name_match: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_birthdate_match: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_birthplace_match: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_address_match: Option<bool>,
}

/// `100`, not `100.0`, as the example writes it.
fn whole_as_integer<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// The form, once read.
#[derive(Debug, Default)]
struct Form {
    fields: Map<String, Value>,
    selfie: Option<(Bytes, Option<String>)>,
    issues: Vec<Issue>,
}

/// `POST /v0/identity/id_card_verifications`.
pub(crate) async fn verify(State(app): State<AppState>, request: Request) -> Response {
    let state = match accept(&app, request.headers(), "verify_id_card", STATES) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    let spec = spec::iluma();
    let Some(schema) = spec.schema("IdCardVerificationRequest") else {
        return errors::error("SERVER_ERROR");
    };
    let Some((field, rule)) = spec.image_fields(schema).into_iter().next() else {
        return errors::error("SERVER_ERROR");
    };
    let form = match read_form(request, field, &rule).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let files: Vec<(&str, &[u8])> = form
        .selfie
        .iter()
        .map(|(bytes, _)| (field, &bytes[..]))
        .collect();
    let mut issues = form.issues;
    issues.extend(validation::validate_form(
        spec,
        schema,
        &form.fields,
        &files,
    ));
    if let Err(response) = refusal(field, &issues, form.selfie.as_ref()) {
        return *response;
    }

    let text = |field: &str| {
        form.fields
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let nik = text("id_card_number").unwrap_or_default();
    let submitted = Submitted {
        name: text("name").unwrap_or_default(),
        birthdate: text("birthdate"),
        birthplace: text("birthplace"),
        address: text("address"),
    };
    let created = app.ids.timestamp();
    let selected = scenarios::select(
        spec::iluma(),
        scenarios::iluma(),
        "verify_id_card",
        &form.fields,
    );
    let (status, is_found, result, failure_reason) = outcome(state, selected, &nik, &submitted);
    let verification = IdCardVerification {
        id: format!("idvr_{}", app.ids.uuid()),
        created,
        updated: app.ids.timestamp(),
        id_card_number: nik,
        name: submitted.name,
        birthdate: submitted.birthdate,
        birthplace: submitted.birthplace,
        address: submitted.address,
        status,
        is_found,
        result,
        failure_reason,
    };
    app.iluma.callbacks.deliver(
        "verify_id_card",
        &verification.id,
        &verification,
        app.callback_retry,
    );
    Json(verification).into_response()
}

/// The card data the client sent.
#[derive(Debug)]
struct Submitted {
    name: String,
    birthdate: Option<String>,
    birthplace: Option<String>,
    address: Option<String>,
}

type Outcome = (
    Status,
    Option<bool>,
    Option<Comparison>,
    Option<&'static str>,
);

fn outcome(
    state: Option<SimulatedState>,
    selected: Option<Selected>,
    nik: &str,
    submitted: &Submitted,
) -> Outcome {
    let record = record_of(nik);
    let failed = |reason| (Status::Failed, None, None, Some(reason));
    let not_found = (Status::Completed, Some(false), None, None);
    let found = |comparison| (Status::Completed, Some(true), Some(comparison), None);
    match (state, selected) {
        (Some(SimulatedState::Failed), _) => failed(MAGIC_FAILURE_REASON),
        (Some(SimulatedState::CompletedNotFound), _) => not_found,
        (Some(SimulatedState::CompletedFound), _) => found(match record {
            Some(record) => compare(&record, submitted),
            // Found without a record: the simulated record is what was submitted.
            None => all_match(100.0, submitted),
        }),
        // The lookup runs; a case that fails (a trigger NIK) does not.
        (Some(SimulatedState::Completed), _) => match record {
            Some(record) => found(compare(&record, submitted)),
            None => not_found,
        },
        (None, selected) => match (selected, record) {
            (Some(Selected { case, exact: true }), record) => as_case(case, record, submitted),
            (_, Some(record)) => found(compare(&record, submitted)),
            (Some(Selected { case, .. }), None) => as_case(case, None, submitted),
            (None, None) => not_found,
        },
    }
}

/// The outcome a case's response example documents, with the record's comparison when found.
fn as_case(
    case: &'static kyc_spec::Scenario<'static>,
    record: Option<DukcapilRecord>,
    submitted: &Submitted,
) -> Outcome {
    let answer = case.response.unwrap_or(&Value::Null);
    if answer.get("status").and_then(Value::as_str) == Some("FAILED") {
        let reason = answer.get("failure_reason").and_then(Value::as_str);
        return (
            Status::Failed,
            None,
            None,
            Some(reason.unwrap_or(MAGIC_FAILURE_REASON)),
        );
    }
    if answer.get("is_found").and_then(Value::as_bool) != Some(true) {
        return (Status::Completed, Some(false), None, None);
    }
    let comparison = match record {
        Some(record) => compare(&record, submitted),
        None => all_match(
            answer
                .pointer("/result/seflie_score")
                .and_then(Value::as_f64)
                .unwrap_or(100.0),
            submitted,
        ),
    };
    (Status::Completed, Some(true), Some(comparison), None)
}

/// A comparison in which every submitted field matches.
fn all_match(selfie_score: f64, submitted: &Submitted) -> Comparison {
    Comparison {
        selfie_score,
        is_name_match: true,
        is_birthdate_match: submitted.birthdate.as_ref().map(|_| true),
        is_birthplace_match: submitted.birthplace.as_ref().map(|_| true),
        is_address_match: submitted.address.as_ref().map(|_| true),
    }
}

fn compare(record: &DukcapilRecord, submitted: &Submitted) -> Comparison {
    let same = |a: &str, b: &str| {
        let normal = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        normal(a) == normal(b)
    };
    Comparison {
        selfie_score: record.selfie_score,
        is_name_match: same(&submitted.name, record.name),
        is_birthdate_match: submitted
            .birthdate
            .as_deref()
            .map(|b| record.birthdate == Some(b)),
        is_birthplace_match: submitted
            .birthplace
            .as_deref()
            .map(|b| record.birthplace.is_some_and(|r| same(b, r))),
        is_address_match: submitted.address.as_deref().map(|a| {
            let tokens = |s| matching::tokens(s, NameKind::Individual);
            record
                .address
                .is_some_and(|r| matching::score(&tokens(a), &tokens(r)) >= ADDRESS_MATCH_SCORE)
        }),
    }
}

/// Streams the multipart form, bounded.
async fn read_form(request: Request, selfie: &str, rule: &ImageRule) -> Result<Form, Response> {
    let (parts, request_body) = request.into_parts();
    let not_multipart = || {
        errors::error_with(
            errors::UNSUPPORTED_CONTENT_TYPE,
            "The request must be multipart/form-data.",
        )
    };
    if body::media_type(&parts.headers).as_deref() != Some("multipart/form-data") {
        return Err(not_multipart());
    }
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Err(errors::invalid_field(
            "body",
            "The multipart/form-data content type has no boundary.",
        ));
    };
    let max_selfie = body::image_limit(rule);
    let limit = max_selfie + NON_IMAGE_ALLOWANCE;
    let too_large = || errors::error(errors::FILE_TOO_LARGE);
    // Past the limit the body is still read, and dropped, up to a bound (see `body`), so that
    // the client reads the answer.
    let request_body = body::within_declared_limit(request_body, &parts.headers, limit)
        .await
        .ok_or_else(too_large)?;
    let stream = BodyDataStream::new(request_body);
    let mut multipart = multer::Multipart::new(stream, boundary);
    let malformed = |error: multer::Error| {
        let over_limit = matches!(&error, multer::Error::StreamReadFailed(source)
            if source.downcast_ref::<LengthLimitError>().is_some());
        if over_limit {
            too_large()
        } else {
            errors::invalid_field("body", "The multipart body is malformed or truncated.")
        }
    };
    let mut form = Form::default();
    // Bytes of the parts received, and whether the selfie or the whole body passed its limit:
    // the rest is still read (and dropped) before the answer.
    let mut received = 0usize;
    let mut selfie_too_large = false;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        let is_selfie = name == selfie;
        let cap = if is_selfie {
            max_selfie
        } else {
            TEXT_FIELD_LIMIT
        };
        let declared_type = field.content_type().map(ToString::to_string);
        let mut content = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            received += chunk.len();
            if over {
                continue;
            }
            if content.len() + chunk.len() > cap {
                selfie_too_large |= is_selfie;
                over = true;
                continue;
            }
            content.extend_from_slice(&chunk);
        }
        let mut issue = |message: &str| {
            let field = if name.is_empty() { "body" } else { &name };
            form.issues.push(Issue::field(field, message))
        };
        // A part that is not a property is kept as text: the validator names it unknown.
        if selfie_too_large || received > limit {
            continue;
        }
        let duplicate = form.fields.contains_key(&name) || (is_selfie && form.selfie.is_some());
        if duplicate {
            issue("Given more than once.");
        } else if over {
            issue("Too long.");
        } else if is_selfie {
            form.selfie = Some((Bytes::from(content), declared_type));
        } else {
            match String::from_utf8(content) {
                Ok(text) => {
                    form.fields.insert(name, Value::String(text));
                }
                Err(_) => issue("Must be UTF-8 text."),
            }
        }
    }
    if selfie_too_large || received > limit {
        return Err(too_large());
    }
    Ok(form)
}

/// The answer to a form that breaks the spec, if it does: 400 naming every field whose shape
/// is wrong (a missing selfie included); else, for the selfie, 415 when its declared type is
/// not the format of its bytes, then by the first limit it breaks — 415 for a format outside
/// `x-image-formats`, 413 `FILE_TOO_SMALL` / `FILE_TOO_LARGE` for its size, 400 naming it for
/// its pixels or a header that cannot be read.
fn refusal(
    field: &str,
    issues: &[Issue],
    selfie: Option<&(Bytes, Option<String>)>,
) -> Result<(), Refusal> {
    let (image_issues, shape): (Vec<&Issue>, Vec<&Issue>) =
        issues.iter().partition(|issue| issue.problem.is_image());
    if !shape.is_empty() {
        let shape: Vec<Issue> = shape.into_iter().cloned().collect();
        return Err(Box::new(errors::validation(&shape)));
    }
    let Some((bytes, declared)) = selfie else {
        return Err(Box::new(errors::invalid_field(field, validation::MISSING)));
    };
    let declared = declared
        .as_deref()
        .map(|d| d.split(';').next().unwrap_or("").trim())
        .filter(|d| !d.is_empty() && *d != "application/octet-stream");
    if let (Some(mime), Ok(info)) = (declared, image::inspect(bytes))
        && images::format_of_mime_type(mime) != Some(info.format)
    {
        return Err(Box::new(errors::error(errors::UNSUPPORTED_CONTENT_TYPE)));
    }
    let Some(issue) = image_issues.first() else {
        return Ok(());
    };
    let response = match issue.problem {
        Problem::ImageFormat => errors::error(errors::UNSUPPORTED_CONTENT_TYPE),
        Problem::TooSmall => errors::error(errors::FILE_TOO_SMALL),
        Problem::TooLarge => errors::error(errors::FILE_TOO_LARGE),
        _ => errors::invalid_field(&issue.field, &issue.message),
    };
    Err(Box::new(response))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted(name: &str) -> Submitted {
        Submitted {
            name: name.into(),
            birthdate: Some("12-10-1991".into()),
            birthplace: Some("Ketapang".into()),
            address: Some("Alinda Kencana Blok E".into()),
        }
    }

    fn selected(nik: &str) -> Option<Selected> {
        let fields = serde_json::json!({ "id_card_number": nik });
        let fields = fields.as_object().expect("an object");
        scenarios::select(spec::iluma(), scenarios::iluma(), "verify_id_card", fields)
    }

    /// The NIK of the documented "found" case.
    fn documented_nik() -> &'static str {
        scenarios::by_values(scenarios::iluma(), "verify_id_card")
            .find_map(documented_record)
            .expect("a documented found case")
            .nik
    }

    #[test]
    fn mismatches_with_the_documented_record_are_reported() {
        let nik = documented_nik();
        let (_, found, result, _) = outcome(None, selected(nik), nik, &submitted("someone else"));
        assert_eq!(found, Some(true));
        let result = result.expect("a comparison");
        assert!(!result.is_name_match);
        assert_eq!(result.is_birthplace_match, Some(true));
    }

    #[test]
    fn synthetic_records_are_found_and_magic_states_override() {
        let budi = SYNTHETIC_RECORDS[0].nik;
        let (_, found, result, _) = outcome(None, selected(budi), budi, &submitted("budi santoso"));
        assert_eq!(found, Some(true));
        assert_eq!(result.expect("a comparison").selfie_score, 38.5);
        let unknown = "3201000000000009";
        let not_found = outcome(None, selected(unknown), unknown, &submitted("x"));
        assert_eq!(not_found.1, Some(false));
        let simulated = outcome(
            Some(SimulatedState::CompletedFound),
            selected(unknown),
            unknown,
            &submitted("x"),
        );
        assert_eq!(simulated.1, Some(true));
        let failed = outcome(
            Some(SimulatedState::Failed),
            selected(budi),
            budi,
            &submitted("x"),
        );
        assert_eq!(failed.3, Some(MAGIC_FAILURE_REASON));
    }

    #[test]
    fn scores_serialize_like_the_example() {
        let json = serde_json::to_value(Comparison {
            selfie_score: 100.0,
            is_name_match: true,
            is_birthdate_match: None,
            is_birthplace_match: None,
            is_address_match: None,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"seflie_score": 100, "is_name_match": true})
        );
    }
}
