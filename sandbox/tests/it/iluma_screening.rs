//! CFT + PEP screening through the generated Iluma client: what the sandbox adds to the
//! documented examples (which `scenarios.rs` walks from the spec): the echo of the request,
//! scoring, scopes and thresholds, stored results, get by id and the watchlist record.
//!
//! Doc: the reference's "CFT + PEP Individual", "CFT + PEP Entity", "Get by id" and "CFT + PEP
//! Record: Get by id" sections (<https://docs.iluma.ai/#cft-pep-individual> and the following).

use kyc_clients::iluma::types::{
    IndividualScreeningRequest, MagicReply, Scope, ScreeningStatus, WatchlistBirthDate,
};
use serde_json::{Value, json};

use crate::support::{
    Harness, call, entity_request, error_of, example_json, example_with, iluma_request, in_process,
    individual_request, typed,
};

/// The documented individual profile (the one the spec's listing example shows).
const EKO_HADI_SALIM: &str = "2dc667a4-d232-4d51-a561-631ce966fb2c";

/// The spec's individual example with `changes` applied (`null` removes a field).
fn individual(changes: Value) -> IndividualScreeningRequest {
    let body = example_with(kyc_sandbox::spec::iluma(), "screen_individual", changes);
    typed("the changed screen_individual example", body)
}

// Responses echo the request as the docs' examples do: fields not supplied are `null`,
// `addresses` is `[]`.
#[tokio::test]
async fn screening_echoes_the_request() {
    let harness = Harness::start().await;
    let request = example_json(kyc_sandbox::spec::iluma(), "screen_individual");
    let screening = harness
        .iluma
        .screen_individual()
        .body(individual_request())
        .send()
        .await
        .expect("the documented request is screened");
    let answer = serde_json::to_value(screening.into_inner()).expect("serializes");
    assert!(
        answer["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("cftpi_")),
        "{answer}"
    );
    let spec = kyc_sandbox::spec::iluma();
    let answered = spec
        .response_schema("screen_individual", "2XX")
        .and_then(|schema| schema.get("properties"))
        .expect("the screening schema has properties");
    for (field, value) in request.as_object().into_iter().flatten() {
        if answered.get(field).is_some() {
            assert_eq!(&answer[field], value, "`{field}` is echoed: {answer}");
        }
    }
    assert_eq!(answer["reference_id"], Value::Null, "{answer}");
    assert_eq!(answer["addresses"], json!([]), "{answer}");
}

// "Example Request - Entity" (its response example answers another request, `intel`).
#[tokio::test]
async fn screening_entity_without_matches_is_completed_and_empty() {
    let harness = Harness::start().await;
    let screening = harness
        .iluma
        .screen_entity()
        .body(
            // The spec's request example: IBM Corporation is on no list here.
            entity_request(),
        )
        .send()
        .await
        .expect("screening")
        .into_inner();
    assert_eq!(screening.status, ScreeningStatus::Completed);
    assert!(screening.results.is_empty());
}

// Request schema: score_threshold "minimum score allowed is 50, and the default score is 85";
// scopes select the lists.
#[tokio::test]
async fn screening_scores_scopes_and_thresholds() {
    let harness = Harness::start().await;
    let search = |threshold: Option<i64>, scopes: Vec<Scope>| {
        let body = individual(json!({
            "given_names": "Eko Hadi Salim", "user_id": "u1", "nationality": "ID",
            "scopes": scopes, "score_threshold": threshold,
        }));
        harness.iluma.screen_individual().body(body).send()
    };
    let default = search(None, vec![Scope::Pep, Scope::Sanction, Scope::Other])
        .await
        .unwrap()
        .into_inner();
    assert_eq!(default.score_threshold, 85);
    assert!(default.results.iter().all(|r| r.score.as_f64() >= 85.0));
    let wide = search(Some(50), vec![Scope::Pep, Scope::Sanction, Scope::Other])
        .await
        .unwrap()
        .into_inner();
    assert!(wide.results.len() > default.results.len());
    let scores: Vec<f64> = wide.results.iter().map(|r| r.score.as_f64()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let sanctions = search(Some(50), vec![Scope::Sanction])
        .await
        .unwrap()
        .into_inner();
    assert!(!sanctions.results.is_empty());
    assert!(
        sanctions
            .results
            .iter()
            .all(|r| r.scopes.contains(&Scope::Sanction))
    );
    assert!(sanctions.results.iter().all(|r| r.id != EKO_HADI_SALIM));
}

// Result schema: "Partial dates will have values of 0 for the unknown components".
#[tokio::test]
async fn screening_partial_dates_of_birth_are_objects() {
    let harness = Harness::start().await;
    let screening = harness
        .iluma
        .screen_individual()
        .body(individual(
            json!({"given_names": "Siti Rahmawati", "user_id": "u2",
                              "nationality": "ID", "scopes": ["PEP"], "score_threshold": null}),
        ))
        .send()
        .await
        .unwrap()
        .into_inner();
    let dates = &screening.results[0].dates_of_birth;
    assert!(
        matches!(&dates[..], [WatchlistBirthDate::PartialBirthDate(p)] if [&p.y, &p.m, &p.d].map(|part| part.typed().map(|n| **n)) == [Some(1975), Some(0), Some(0)]),
        "{dates:?}"
    );
}

// "CFT + PEP Individual: Get by id", "Entity: Get by id", "Record: Get by id".
#[tokio::test]
async fn screening_results_are_stored_and_fetched_by_id() {
    let harness = Harness::start().await;
    let created = harness
        .iluma
        .screen_individual()
        .body(individual_request())
        .send()
        .await
        .unwrap()
        .into_inner();
    let fetched = harness
        .iluma
        .get_individual_screening()
        .id(created.id.to_string())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, created);

    let listing = harness
        .iluma
        .get_cft_pep_listing()
        .id(EKO_HADI_SALIM)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        listing.names.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        ["Eko Hadi Salim"]
    );
    assert_eq!(listing.score.as_ref().and_then(|s| s.typed()), Some(&100));
    assert_eq!(listing.scopes, vec![Scope::Other, Scope::Pep]);
    assert_eq!(listing.nationalities, vec!["ID"]);

    // An individual screening is not an entity screening.
    let error = harness
        .iluma
        .get_entity_screening()
        .id(created.id.to_string())
        .send()
        .await
        .expect_err("404");
    assert_eq!(error_of(error).0, 404);
}

#[tokio::test]
async fn screening_entity_is_fetched_by_id() {
    let harness = Harness::start().await;
    let created = harness
        .iluma
        .screen_entity()
        .body(
            entity_request()
                .name("Golden Crescent Trading")
                .user_id("u3")
                .business_domicile("AE")
                .score_threshold(kyc_clients::iluma::types::ScoreThreshold(85))
                .scopes(vec![Scope::Sanction]),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.results.len(), 1);
    let fetched = harness
        .iluma
        .get_entity_screening()
        .id(created.id.to_string())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched, created);
}

// Errors: 404 "Page or endpoint not found" (the spec's DATA_NOT_FOUND body).
#[tokio::test]
async fn screening_unknown_ids_are_404() {
    let harness = Harness::start().await;
    let individual = harness
        .iluma
        .get_individual_screening()
        .id("cftpi_00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown");
    let (status, body) = error_of(individual);
    assert_eq!(status, 404);
    assert_eq!(body.error_code, Some("DATA_NOT_FOUND".into()));
    assert_eq!(
        body.message.as_deref(),
        Some("The requested resource was not found")
    );
    let listing = harness
        .iluma
        .get_cft_pep_listing()
        .id("not-a-record")
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(error_of(listing).0, 404);
}

// x-magic-reply FAILED: status FAILED, failure_reason TEMPORARY_NETWORK_ERROR, no results.
#[tokio::test]
async fn screening_failed_by_magic_reply() {
    let harness = Harness::start().await;
    let screening = harness
        .iluma
        .screen_individual()
        .x_magic_reply(MagicReply::Failed)
        .body(individual_request())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(screening.status, ScreeningStatus::Failed);
    assert_eq!(
        screening.failure_reason.map(|r| r.to_string()).as_deref(),
        Some("TEMPORARY_NETWORK_ERROR")
    );
    assert!(screening.results.is_empty());
}

// Errors: 400 API_VALIDATION_ERROR names the fields.
#[tokio::test]
async fn screening_validation_errors_name_the_fields() {
    let app = in_process();
    let body = json!({"given_names": "Eko", "nationality": "Indonesia", "scopes": [], "score_threshold": 40});
    let reply = call(
        &app,
        iluma_request(
            axum::http::Method::POST,
            "/v0/identity/individual_cft_peps",
            Some(&body),
            None,
        ),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["error_code"], "API_VALIDATION_ERROR");
    let fields: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["user_id", "nationality", "scopes", "score_threshold"] {
        assert!(fields.contains(&field), "{field} not in {fields:?}");
    }
}
