//! CFT + PEP screening of individuals and entities over the built-in [`watchlist`], the
//! stored screenings (get by id; the spec's documented ids too) and the watchlist records they
//! found (get listing).
//!
//! Docs: the reference's "CFT + PEP Individual", "CFT + PEP Entity" and "Get by id" sections
//! (<https://docs.iluma.ai/#cft-pep-individual>, `#cft-pep-entity`, `#cft-pep-individual-get-by-id`,
//! `#cft-pep-entity-get-by-id`, `#cft-pep-record-get-by-id`). Responses follow the examples: fields not
//! supplied are `null` (`addresses` is `[]`), dates of birth are strings when fully known and
//! `{y, m, d}` objects when partial, and entities echo their name as `name`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::watchlist::{self, Profile, ProfileKind, Scope, WatchlistDate};
use super::{SimulatedState, accept, errors, json_body};
use crate::app::AppState;
use crate::validation::as_integer;
use crate::{scenarios, spec};

/// Screenings kept before the oldest are forgotten.
const MAX_STORED: usize = 10_000;

/// The states `x-magic-reply` can ask a screening for.
const STATES: &[SimulatedState] = &[SimulatedState::Completed, SimulatedState::Failed];

/// The threshold when the request gives none (the spec's `ScoreThreshold.default`).
fn default_threshold() -> u8 {
    spec::iluma()
        .schema("ScoreThreshold")
        .and_then(|s| s.get("default"))
        .and_then(Value::as_u64)
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(85)
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Status {
    Completed,
    Failed,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum FailureReason {
    TemporaryNetworkError,
}

#[derive(Debug, Deserialize)]
struct IndividualRequest {
    reference_id: Option<String>,
    user_id: String,
    given_names: String,
    surname: Option<String>,
    nationality: String,
    scopes: Vec<Scope>,
    addresses: Option<Vec<Value>>,
    date_of_birth: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    gender: Option<String>,
    score_threshold: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct EntityRequest {
    reference_id: Option<String>,
    user_id: String,
    name: String,
    business_domicile: String,
    scopes: Vec<Scope>,
    addresses: Option<Vec<Value>>,
    date_of_registration: Option<String>,
    phone_number: Option<String>,
    email: Option<String>,
    score_threshold: Option<Value>,
}

/// An individual screening, fields in the order of the reference's example.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IndividualScreening {
    created: String,
    updated: String,
    id: String,
    reference_id: Option<String>,
    user_id: String,
    phone_number: Option<String>,
    email: Option<String>,
    addresses: Vec<Value>,
    scopes: Vec<Scope>,
    score_threshold: u8,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<FailureReason>,
    given_names: String,
    surname: Option<String>,
    nationality: Option<String>,
    date_of_birth: Option<String>,
    gender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<IndividualMatch>>,
}

/// An entity screening, fields in the order of the reference's example.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntityScreening {
    created: String,
    updated: String,
    id: String,
    reference_id: Option<String>,
    user_id: String,
    addresses: Vec<Value>,
    scopes: Vec<Scope>,
    score_threshold: u8,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_reason: Option<FailureReason>,
    name: String,
    business_domicile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_registration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Vec<EntityMatch>>,
}

#[derive(Debug, Clone, Serialize)]
struct IndividualMatch {
    id: &'static str,
    names: &'static [&'static str],
    score: u8,
    scopes: &'static [Scope],
    nationalities: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    dates_of_birth: &'static [WatchlistDate],
}

#[derive(Debug, Clone, Serialize)]
struct EntityMatch {
    id: &'static str,
    score: u8,
    names: &'static [&'static str],
    business_domiciles: &'static [&'static str],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    dates_of_registration: &'static [WatchlistDate],
    scopes: &'static [Scope],
}

/// A watchlist record by id (the spec's `CftPepListing`), with the score of the last
/// screening that found it.
#[derive(Debug, Serialize)]
struct Listing {
    id: &'static str,
    names: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<u8>,
    scopes: &'static [Scope],
    #[serde(skip_serializing_if = "Option::is_none")]
    nationalities: Option<&'static [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dates_of_birth: Option<&'static [WatchlistDate]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_domiciles: Option<&'static [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dates_of_registration: Option<&'static [WatchlistDate]>,
}

#[derive(Debug, Clone)]
enum Stored {
    Individual(IndividualScreening),
    Entity(EntityScreening),
}

/// The screenings made, and the last score of each record found.
#[derive(Debug, Default)]
pub(crate) struct Store {
    inner: Mutex<StoreInner>,
}

#[derive(Debug, Default)]
struct StoreInner {
    screenings: HashMap<String, Stored>,
    order: VecDeque<String>,
    last_scores: HashMap<&'static str, u8>,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, StoreInner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn insert(&self, id: String, screening: Stored, scores: &[(&'static str, u8)]) {
        let mut inner = self.lock();
        if inner.order.len() >= MAX_STORED
            && let Some(oldest) = inner.order.pop_front()
        {
            inner.screenings.remove(&oldest);
        }
        inner.order.push_back(id.clone());
        inner.screenings.insert(id, screening);
        inner.last_scores.extend(scores.iter().copied());
    }

    fn get(&self, id: &str) -> Option<Stored> {
        self.lock().screenings.get(id).cloned()
    }

    fn last_score(&self, record: &str) -> Option<u8> {
        self.lock().last_scores.get(record).copied()
    }
}

fn threshold_of(value: Option<&Value>) -> u8 {
    value
        .and_then(as_integer)
        .and_then(|t| u8::try_from(t).ok())
        .unwrap_or_else(default_threshold)
}

/// A screening's status, why it failed, and its matches with their scores.
type Outcome = (
    Status,
    Option<FailureReason>,
    Option<Vec<(&'static Profile, u8)>>,
);

/// Runs `search` unless the state asked for is `FAILED`.
fn outcome(state: Option<SimulatedState>, search: &watchlist::Search<'_>) -> Outcome {
    if state == Some(SimulatedState::Failed) {
        return (
            Status::Failed,
            Some(FailureReason::TemporaryNetworkError),
            None,
        );
    }
    (Status::Completed, None, Some(watchlist::search(search)))
}

/// `POST /v0/identity/individual_cft_peps`.
pub(crate) async fn screen_individual(State(app): State<AppState>, request: Request) -> Response {
    let state = match accept(&app, request.headers(), "screen_individual", STATES) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    let value = match json_body(request, "IndividualScreeningRequest").await {
        Ok(value) => value,
        Err(response) => return response,
    };
    let request: IndividualRequest = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(_) => return errors::invalid_field("body", "The body does not match the schema."),
    };
    let created = app.ids.timestamp();
    let threshold = threshold_of(request.score_threshold.as_ref());
    let name = match &request.surname {
        Some(surname) => format!("{} {surname}", request.given_names),
        None => request.given_names.clone(),
    };
    let search = watchlist::Search {
        kind: ProfileKind::Individual,
        name: &name,
        country: Some(&request.nationality),
        date: request
            .date_of_birth
            .as_deref()
            .and_then(|d| d.parse().ok()),
        scopes: &request.scopes,
        threshold,
    };
    let (status, failure_reason, found) = outcome(state, &search);
    let scores: Vec<(&'static str, u8)> = found
        .iter()
        .flatten()
        .map(|(profile, score)| (profile.id, *score))
        .collect();
    let screening = IndividualScreening {
        created,
        updated: app.ids.timestamp(),
        id: format!("cftpi_{}", app.ids.uuid()),
        reference_id: request.reference_id,
        user_id: request.user_id,
        phone_number: request.phone_number,
        email: request.email,
        addresses: request.addresses.unwrap_or_default(),
        scopes: request.scopes,
        score_threshold: threshold,
        status,
        failure_reason,
        given_names: request.given_names,
        surname: request.surname,
        nationality: Some(request.nationality),
        date_of_birth: request.date_of_birth,
        gender: request.gender,
        results: found.map(|found| {
            found
                .into_iter()
                .map(|(profile, score)| IndividualMatch {
                    id: profile.id,
                    names: &profile.names,
                    score,
                    scopes: &profile.scopes,
                    nationalities: &profile.countries,
                    dates_of_birth: &profile.dates,
                })
                .collect()
        }),
    };
    app.iluma.callbacks.deliver(
        "screen_individual",
        &screening.id,
        &screening,
        app.callback_retry,
    );
    app.iluma.screenings.insert(
        screening.id.clone(),
        Stored::Individual(screening.clone()),
        &scores,
    );
    Json(screening).into_response()
}

/// `POST /v0/identity/entity_cft_peps`.
pub(crate) async fn screen_entity(State(app): State<AppState>, request: Request) -> Response {
    let state = match accept(&app, request.headers(), "screen_entity", STATES) {
        Ok(state) => state,
        Err(response) => return *response,
    };
    let value = match json_body(request, "EntityScreeningRequest").await {
        Ok(value) => value,
        Err(response) => return response,
    };
    let request: EntityRequest = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(_) => return errors::invalid_field("body", "The body does not match the schema."),
    };
    let created = app.ids.timestamp();
    let threshold = threshold_of(request.score_threshold.as_ref());
    let search = watchlist::Search {
        kind: ProfileKind::Entity,
        name: &request.name,
        country: Some(&request.business_domicile),
        date: request
            .date_of_registration
            .as_deref()
            .and_then(|d| d.parse().ok()),
        scopes: &request.scopes,
        threshold,
    };
    let (status, failure_reason, found) = outcome(state, &search);
    let scores: Vec<(&'static str, u8)> = found
        .iter()
        .flatten()
        .map(|(profile, score)| (profile.id, *score))
        .collect();
    let screening = EntityScreening {
        created,
        updated: app.ids.timestamp(),
        id: format!("cftpi_{}", app.ids.uuid()),
        reference_id: request.reference_id,
        user_id: request.user_id,
        addresses: request.addresses.unwrap_or_default(),
        scopes: request.scopes,
        score_threshold: threshold,
        status,
        failure_reason,
        name: request.name,
        business_domicile: Some(request.business_domicile),
        date_of_registration: request.date_of_registration,
        phone_number: request.phone_number,
        email: request.email,
        results: found.map(|found| {
            found
                .into_iter()
                .map(|(profile, score)| EntityMatch {
                    id: profile.id,
                    score,
                    names: &profile.names,
                    business_domiciles: &profile.countries,
                    dates_of_registration: &profile.dates,
                    scopes: &profile.scopes,
                })
                .collect()
        }),
    };
    app.iluma.callbacks.deliver(
        "screen_entity",
        &screening.id,
        &screening,
        app.callback_retry,
    );
    app.iluma.screenings.insert(
        screening.id.clone(),
        Stored::Entity(screening.clone()),
        &scores,
    );
    Json(screening).into_response()
}

/// `GET /v0/identity/individual_cft_peps/{id}`.
pub(crate) async fn get_individual(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = accept(&app, &headers, "get_individual_screening", &[]) {
        return *response;
    }
    match app.iluma.screenings.get(&id) {
        Some(Stored::Individual(screening)) => Json(screening).into_response(),
        _ => documented("get_individual_screening", &id),
    }
}

/// `GET /v0/identity/entity_cft_peps/{id}`.
pub(crate) async fn get_entity(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = accept(&app, &headers, "get_entity_screening", &[]) {
        return *response;
    }
    match app.iluma.screenings.get(&id) {
        Some(Stored::Entity(screening)) => Json(screening).into_response(),
        _ => documented("get_entity_screening", &id),
    }
}

/// A screening the sandbox did not make: the answer of the spec's case for this id (the
/// reference's get-by-id examples, so the documented ids work on a fresh sandbox), else 404.
fn documented(operation_id: &str, id: &str) -> Response {
    let case = scenarios::by_parameter(scenarios::iluma(), operation_id, "id", id);
    match case.and_then(|case| Some((StatusCode::from_u16(case.status).ok()?, case.response?))) {
        Some((status, example)) => (status, Json(example)).into_response(),
        None => errors::not_found(),
    }
}

/// `GET /v0/identity/cft_pep_listings/{id}`: any watchlist record, with the score of the
/// last screening that found it (else the documented record's score, else none).
pub(crate) async fn get_listing(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = accept(&app, &headers, "get_cft_pep_listing", &[]) {
        return *response;
    }
    let Some(profile) = watchlist::profile(&id) else {
        return errors::not_found();
    };
    let individual = profile.kind == ProfileKind::Individual;
    let dates = (!profile.dates.is_empty()).then_some(profile.dates.as_slice());
    Json(Listing {
        id: profile.id,
        names: &profile.names,
        // The last screening's score; the documented record's own before any screening.
        score: app
            .iluma
            .screenings
            .last_score(profile.id)
            .or(profile.documented_score),
        scopes: &profile.scopes,
        nationalities: individual.then_some(profile.countries.as_slice()),
        dates_of_birth: if individual { dates } else { None },
        business_domiciles: (!individual).then_some(profile.countries.as_slice()),
        dates_of_registration: if individual { None } else { dates },
    })
    .into_response()
}
