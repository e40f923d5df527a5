//! `Spec::status_charged`: what `x-charged` on response objects says about a status.

use kyc_spec::Spec;
use serde_json::json;

fn spec() -> Spec {
    let op = |extra: serde_json::Value| {
        let mut responses = json!({
            "200": {"description": "ok"},
            "429": {"$ref": "#/components/responses/RateLimited"},
            "4XX": {"description": "by the error code"},
            "500": {"$ref": "#/components/responses/ServerError"},
            "503": {"description": "down", "x-charged": false}
        });
        responses
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"operationId": "op", "responses": responses})
    };
    let mut second = op(json!({"409": {"description": "billed", "x-charged": true}}));
    second["operationId"] = json!("other");
    Spec::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
        "paths": {
            "/a": {"post": op(json!({"409": {"description": "free", "x-charged": false}}))},
            "/b": {"post": second}
        },
        "components": {"responses": {
            "RateLimited": {"description": "slow down", "x-charged": false},
            "ServerError": {"description": "broken", "x-charged": false}
        }}
    }))
    .unwrap()
}

#[test]
fn declared_statuses_read_their_responses() {
    let spec = spec();
    // Exact keys, through `$ref`s.
    assert_eq!(spec.status_charged(429), Some(false));
    assert_eq!(spec.status_charged(500), Some(false));
    assert_eq!(spec.status_charged(503), Some(false));
    // A range without `x-charged`: the error body decides.
    assert_eq!(spec.status_charged(400), None);
    assert_eq!(spec.status_charged(200), None);
    // Operations that disagree: nothing is said.
    assert_eq!(spec.status_charged(409), None);
}

#[test]
fn an_undeclared_status_takes_its_class_when_it_agrees() {
    let spec = spec();
    // 502 is declared nowhere; every declared 5XX says not billed.
    assert_eq!(spec.status_charged(502), Some(false));
    // 302: no declared 3XX at all.
    assert_eq!(spec.status_charged(302), None);
}
