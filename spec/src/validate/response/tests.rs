//! The response direction on a small spec written here (each tolerance, and what stays
//! refused) and on the real specs' documented response examples.

use serde_json::{Value, json};

use crate::Spec;
use crate::extensions::PiiKind;
use crate::validate::{Direction, Rule, Validator, Violation};

fn demo() -> Spec {
    Spec::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
        "paths": {
            "/screenings": {"post": {
                "operationId": "screen",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Screening"}}}},
                    "4XX": {"description": "refused", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/health": {"get": {
                "operationId": "health",
                "responses": {
                    "2XX": {"description": "up", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Health"}}}},
                    "default": {"description": "anything else"}
                }
            }}
        },
        "components": {"schemas": {
            "Status": {"type": "string", "enum": ["DONE", "PENDING"], "x-open-enum": true},
            "Scope": {"type": "string", "enum": ["PEP", "CFT"], "x-open-enum": true},
            "Kind": {"type": "string", "enum": ["A", "B"]},
            "Gender": {"type": "string", "enum": ["MALE", "FEMALE"], "x-pii": "name",
                       "x-open-enum": true},
            "Screening": {
                "type": "object",
                "required": ["status", "results"],
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "gender": {"$ref": "#/components/schemas/Gender"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
                    "metadata": {"type": "object"},
                    "strict": {"type": "object", "additionalProperties": false,
                               "properties": {"a": {"type": "integer"}}},
                    "guess": {"type": "string", "x-undocumented": true}
                }
            },
            "Result": {
                "type": "object",
                "required": ["scopes"],
                "properties": {
                    "scopes": {"type": "array", "items": {"$ref": "#/components/schemas/Scope"}},
                    "address": {"$ref": "#/components/schemas/Address"}
                }
            },
            "Address": {
                "type": "object", "x-pii": "address",
                "properties": {"category": {"$ref": "#/components/schemas/Kind"}}
            },
            "Echo": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "ref": {"type": "string", "pattern": "^ref_"},
                    "nik": {"type": "string", "pattern": "^[0-9]{16}$", "minLength": 16,
                            "maxLength": 16, "x-pii": "nik"},
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "tags": {"type": "array", "maxItems": 1, "items": {"type": "string"}},
                    "when": {"type": "string", "format": "date-time"}
                }
            },
            "Health": {
                "type": "object", "x-undocumented": true,
                "required": ["status"],
                "properties": {"status": {"type": "string"}}
            },
            "GuessedField": {
                "type": "object",
                "required": ["guess", "sure"],
                "properties": {
                    "guess": {"type": "string", "x-undocumented": true},
                    "sure": {"type": "string"}
                }
            },
            "Error": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "message": {"type": "string"},
                    "errors": {"oneOf": [
                        {"$ref": "#/components/schemas/ErrorReference"},
                        {"type": "object", "additionalProperties": {"type": "array"}}
                    ]}
                }
            },
            "ErrorReference": {
                "type": "object",
                "required": ["errorId"],
                "properties": {
                    "errorId": {"type": "string"},
                    "errorType": {"type": "string", "enum": ["INTERNAL"], "x-open-enum": true}
                }
            }
        }}
    }))
    .unwrap()
}

/// `(pointer, rule, decodes)` of each violation.
fn found(violations: &[Violation<'_>]) -> Vec<(String, Rule, bool)> {
    violations
        .iter()
        .map(|v| (v.pointer.clone(), v.rule, v.decodes))
        .collect()
}

fn screening() -> Value {
    json!({"status": "DONE", "results": [{"scopes": ["PEP", "CFT"]}]})
}

fn check(spec: &Spec, schema: &str, value: &Value) -> Vec<(String, Rule, bool)> {
    let schema = spec.schema(schema).unwrap();
    found(&Validator::new(spec).response().value(schema, value))
}

#[test]
fn a_documented_response_has_no_violation() {
    let spec = demo();
    assert_eq!(check(&spec, "Screening", &screening()), []);
    assert_eq!(Validator::new(&spec).direction(), Direction::Request);
    assert_eq!(
        Validator::new(&spec).response().direction(),
        Direction::Response
    );
    assert_eq!(Direction::Response.as_str(), "response");
}

#[test]
fn tolerated_differences_are_reported_as_decoding() {
    let spec = demo();
    let mut value = screening();
    value["status"] = json!("QUEUED");
    value["results"][0]["scopes"][1] = json!("SANCTIONS");
    value["results"][0]["new/field~"] = json!(1);
    value["kind"] = json!("C");
    value["metadata"] = json!({"anything": true});
    value["strict"] = json!({"a": 1, "b": 2});
    assert_eq!(
        check(&spec, "Screening", &value),
        [
            ("/kind".to_string(), Rule::Enum, false),
            (
                "/results/0/new~1field~0".to_string(),
                Rule::UnknownField,
                true
            ),
            ("/results/0/scopes/1".to_string(), Rule::Enum, true),
            ("/status".to_string(), Rule::Enum, true),
            ("/strict/b".to_string(), Rule::UnknownField, false),
        ]
    );
    let violations = Validator::new(&spec)
        .response()
        .value(spec.schema("Screening").unwrap(), &value);
    let scope = violations
        .iter()
        .find(|v| v.rule == Rule::Enum && v.decodes);
    assert_eq!(scope.unwrap().path, "results[0].scopes[1]");
    let unknown = violations.iter().find(|v| v.rule == Rule::UnknownField);
    assert_eq!(
        unknown.unwrap().message,
        "is not a field the spec declares",
        "{violations:?}"
    );
}

#[test]
fn values_that_break_an_expectation_decode() {
    let spec = demo();
    let echo = json!({
        "id": "0001", "ref": "REF-1", "nik": "327503******0027", "score": 87.5,
        "tags": ["a", "b"], "when": "2024-01-31 10:00:00"
    });
    assert_eq!(
        check(&spec, "Echo", &echo),
        [
            ("/id".to_string(), Rule::Format, true),
            ("/nik".to_string(), Rule::Pattern, true),
            ("/ref".to_string(), Rule::Pattern, true),
            ("/score".to_string(), Rule::Type, true),
            ("/tags".to_string(), Rule::MaxItems, true),
            ("/when".to_string(), Rule::Format, true),
        ]
    );
    let violations = Validator::new(&spec)
        .response()
        .value(spec.schema("Echo").unwrap(), &echo);
    let nik = violations.iter().find(|v| v.pointer == "/nik").unwrap();
    assert_eq!(nik.pii, Some(PiiKind::Nik));
    assert!(!nik.message.contains("3275"), "{}", nik.message);
    // Another kind of value still does not decode; a request is refused for any of them.
    assert_eq!(
        check(&spec, "Echo", &json!({"score": "87", "id": {}})),
        [
            ("/id".to_string(), Rule::Type, false),
            ("/score".to_string(), Rule::Type, false),
        ]
    );
    let request = Validator::new(&spec).value(spec.schema("Echo").unwrap(), &echo);
    assert!(request.iter().all(|v| !v.decodes) && request.len() == 6);
}

#[test]
fn the_request_direction_is_unchanged() {
    let spec = demo();
    let mut value = screening();
    value["status"] = json!("QUEUED");
    value["surprise"] = json!(true);
    let schema = spec.schema("Screening").unwrap();
    // An open enum is open to reading only: a request still sends listed values alone, and a
    // field of a schema without `additionalProperties: false` is no request violation.
    assert_eq!(
        found(&Validator::new(&spec).value(schema, &value)),
        [("/status".to_string(), Rule::Enum, false)]
    );
}

#[test]
fn guessed_required_fields_may_be_missing() {
    let spec = demo();
    assert_eq!(
        check(&spec, "Health", &json!({"healthy": true})),
        [
            ("/status".to_string(), Rule::Required, true),
            ("/healthy".to_string(), Rule::UnknownField, true),
        ]
    );
    assert_eq!(
        check(&spec, "GuessedField", &json!({})),
        [
            ("/guess".to_string(), Rule::Required, true),
            ("/sure".to_string(), Rule::Required, false),
        ]
    );
    // A guessed field present with the wrong type still does not decode.
    assert_eq!(
        check(&spec, "Health", &json!({"status": 1})),
        [("/status".to_string(), Rule::Type, false)]
    );
}

#[test]
fn violations_say_whether_the_value_is_personal_data() {
    let spec = demo();
    let mut value = screening();
    value["gender"] = json!("OTHER");
    value["results"][0]["address"] = json!({"category": "Z"});
    let violations = Validator::new(&spec)
        .response()
        .value(spec.schema("Screening").unwrap(), &value);
    let pii: Vec<_> = violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.pii))
        .collect();
    assert_eq!(
        pii,
        [
            ("/gender", Some(PiiKind::Name)),
            ("/results/0/address/category", Some(PiiKind::Address)),
        ]
    );
    value["status"] = json!("QUEUED");
    let violations = Validator::new(&spec)
        .response()
        .value(spec.schema("Screening").unwrap(), &value);
    let status = violations.iter().find(|v| v.pointer == "/status").unwrap();
    assert_eq!(status.pii, None);
}

#[test]
fn the_matching_one_of_member_reports_what_it_tolerates() {
    let spec = demo();
    let error = json!({"message": "x", "errors": {"errorId": "e1", "errorType": "NEW"}});
    assert_eq!(
        check(&spec, "Error", &error),
        [("/errors/errorType".to_string(), Rule::Enum, true)]
    );
    let validation = json!({"message": "x", "errors": {"field": ["reason"]}});
    assert_eq!(check(&spec, "Error", &validation), []);
    let neither = json!({"message": "x", "errors": {"field": "not a list"}});
    assert_eq!(
        check(&spec, "Error", &neither),
        [("/errors".to_string(), Rule::OneOf, false)]
    );
}

#[test]
fn first_only_goes_past_tolerated_violations() {
    let spec = demo();
    let mut value = screening();
    value["status"] = json!("QUEUED");
    value["kind"] = json!("C");
    value["zzz"] = json!(1);
    let schema = spec.schema("Screening").unwrap();
    let violations = Validator::new(&spec)
        .response()
        .first_only()
        .value(schema, &value);
    assert_eq!(
        found(&violations),
        [("/kind".to_string(), Rule::Enum, false),],
        "stops at the first that does not decode"
    );
    value["kind"] = json!("A");
    let violations = Validator::new(&spec)
        .response()
        .first_only()
        .value(schema, &value);
    assert_eq!(
        found(&violations),
        [
            ("/status".to_string(), Rule::Enum, true),
            ("/zzz".to_string(), Rule::UnknownField, true),
        ]
    );
}

#[test]
fn statuses_are_checked_against_the_declared_responses() {
    let spec = demo();
    let validator = Validator::new(&spec);
    assert!(validator.status("screen", 200).is_none());
    assert!(validator.status("screen", 404).is_none(), "4XX covers it");
    let undeclared = validator.status("screen", 201).unwrap();
    assert_eq!(undeclared.rule, Rule::Status);
    assert_eq!(undeclared.rule.as_str(), "status");
    assert!(!undeclared.decodes);
    assert_eq!(undeclared.pointer, "");
    assert_eq!(
        undeclared.message,
        "HTTP 201 is not a status the operation declares (declared: 200, 4XX)"
    );
    assert!(undeclared.schema.get("200").is_some());
    assert!(validator.status("health", 201).is_none(), "2XX covers it");
    assert!(
        validator.status("health", 503).is_none(),
        "default covers it"
    );
    assert!(validator.status("nothing", 200).is_some());
}

#[test]
fn response_bodies_by_operation_and_status() {
    let spec = demo();
    let validator = Validator::new(&spec);
    let body = br#"{"status":"QUEUED","results":[]}"#;
    assert_eq!(
        found(&validator.response_json("screen", 200, body)),
        [("/status".to_string(), Rule::Enum, true)]
    );
    assert_eq!(
        found(&validator.response_json("screen", 201, body)),
        [(String::new(), Rule::Status, false)]
    );
    assert_eq!(
        found(&validator.response_json("screen", 422, br#"{"error":"x"}"#)),
        [
            ("/message".to_string(), Rule::Required, false),
            ("/error".to_string(), Rule::UnknownField, true),
        ]
    );
    assert_eq!(
        found(&validator.response_json("screen", 200, b"<html>")),
        [(String::new(), Rule::Json, false)]
    );
    assert_eq!(found(&validator.response_json("health", 500, b"oops")), []);
}

/// The real specs, read from `openapi/` (YAML) the way `build.rs` embeds them.
fn real(file: &str) -> Spec {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../openapi")
        .join(file);
    let yaml: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Spec::from_value(yaml).unwrap()
}

/// Every documented response example is a response its spec declares, field for field.
#[test]
fn the_real_specs_documented_responses_have_no_violation() {
    let mut checked = 0;
    for file in ["kredibel.yaml", "iluma.yaml"] {
        let spec = real(file);
        let validator = Validator::new(&spec).response();
        for operation in spec.operations() {
            for key in &operation.statuses {
                let Some(schema) = spec.response_schema(&operation.id, key) else {
                    continue;
                };
                for (name, example) in spec.operation_response_examples(&operation.id, key) {
                    let violations: Vec<String> = validator
                        .value(schema, example)
                        .iter()
                        .map(|v| format!("{} {}: {}", v.pointer, v.rule, v.message))
                        .collect();
                    assert!(
                        violations.is_empty(),
                        "{file} {} {key} example {name}: {violations:?}",
                        operation.id
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} examples checked");
}
