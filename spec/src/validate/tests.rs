//! The validator on a small spec written here (every rule, both value kinds, both modes) and on
//! the real specs of `openapi/` (the cases the sandbox's own validator was tested with).

use serde_json::{Map, Value, json};

use super::{Json, Rule, Validator, Violation, json};
use crate::Spec;

fn demo() -> Spec {
    Spec::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
        "paths": {"/people": {"post": {
            "operationId": "add_person",
            "requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Person"}
            }}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {
            "Nik": {"type": "string", "pattern": "^[0-9]{16}$", "minLength": 16, "maxLength": 16},
            "Person": {
                "type": "object",
                "required": ["nik", "name"],
                "additionalProperties": false,
                "properties": {
                    "nik": {"$ref": "#/components/schemas/Nik"},
                    "name": {"type": "string", "minLength": 2, "maxLength": 5},
                    "born": {"type": "string", "format": "date"},
                    "seen": {"type": "string", "format": "date-time"},
                    "email": {"type": "string", "format": "email"},
                    "id": {"type": "string", "format": "uuid"},
                    "score": {"type": "integer", "minimum": 50, "maximum": 100},
                    "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                    "kind": {"type": "string", "enum": ["A", "B"]},
                    "active": {"type": "boolean"},
                    "note": {"type": "string", "nullable": true},
                    "tags": {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": true,
                             "items": {"type": "string"}},
                    "addresses": {"type": "array", "items": {
                        "type": "object", "properties": {"country": {"type": "string"}}}},
                    "extra": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "when": {"oneOf": [{"type": "string", "format": "date"},
                                       {"type": "object", "required": ["y"]}]},
                    "face": {"type": "string", "format": "byte",
                             "x-image-formats": ["png"], "x-max-bytes": 1000,
                             "x-min-pixels": {"width": 10, "height": 10}},
                    "raw": {"type": "string", "format": "byte"}
                }
            }
        }}
    }))
    .unwrap()
}

/// A PNG header of `width`×`height` (the pixel data does not matter to the header reader).
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&width.to_be_bytes());
    chunk.extend_from_slice(&height.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d".to_vec();
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn found(violations: &[Violation<'_>]) -> Vec<(String, Rule, String)> {
    violations
        .iter()
        .map(|v| (v.path.clone(), v.rule, v.message.clone()))
        .collect()
}

fn person(spec: &Spec) -> &Value {
    spec.schema("Person").unwrap()
}

fn valid() -> Value {
    json!({"nik": "1234567890123456", "name": "Eko"})
}

fn with(field: &str, value: Value) -> Value {
    let mut body = valid();
    body[field] = value;
    body
}

#[test]
fn a_valid_value_has_no_violation() {
    let spec = demo();
    let full = json!({
        "nik": "1234567890123456", "name": "Eko", "born": "1990-07-06",
        "seen": "2024-01-31T08:00:00Z", "email": "test@email.com",
        "id": "36a6ed7b-cd7a-44d7-b4d2-d181cf561ea3", "score": 90.0, "ratio": 0.5,
        "kind": "A", "active": true, "note": null, "tags": ["x", "y"],
        "addresses": [{"country": "ID"}], "extra": {"a": 1}, "when": {"y": 1990},
        "face": base64(&png(20, 20)), "raw": "AAEC"
    });
    assert_eq!(
        found(&Validator::new(&spec).value(person(&spec), &full)),
        []
    );
    let body = serde_json::to_vec(&full).unwrap();
    assert_eq!(found(&Validator::new(&spec).json(person(&spec), &body)), []);
}

#[test]
fn each_rule_is_named_with_the_path_and_a_message_without_the_value() {
    let spec = demo();
    let cases: Vec<(Value, &str, Rule, &str)> = vec![
        (json!({"name": "Eko"}), "nik", Rule::Required, "is required"),
        (
            with("nik", json!("123")),
            "nik",
            Rule::MinLength,
            "is 3 characters; the minimum is 16",
        ),
        (
            with("nik", json!("12345678901234ab")),
            "nik",
            Rule::Pattern,
            "does not match the pattern ^[0-9]{16}$ (16 characters)",
        ),
        (
            with("name", json!("Eko Hadi")),
            "name",
            Rule::MaxLength,
            "is 8 characters; the maximum is 5",
        ),
        (
            with("name", json!(7)),
            "name",
            Rule::Type,
            "must be a string, not a number",
        ),
        (
            with("name", Value::Null),
            "name",
            Rule::Null,
            "must not be null",
        ),
        (
            with("unknown", json!(1)),
            "unknown",
            Rule::UnknownField,
            "is not a field of this request",
        ),
        (
            with("born", json!("06-07-1990")),
            "born",
            Rule::Format,
            "is not a date in the form YYYY-MM-DD",
        ),
        (
            with("seen", json!("2024-01-31")),
            "seen",
            Rule::Format,
            "is not an RFC 3339 date-time",
        ),
        (
            with("email", json!("a@b")),
            "email",
            Rule::Format,
            "is not an email address (3 characters)",
        ),
        (with("id", json!("x")), "id", Rule::Format, "is not a UUID"),
        (
            with("score", json!(49)),
            "score",
            Rule::Minimum,
            "is too small; the minimum is 50",
        ),
        (
            with("score", json!(101)),
            "score",
            Rule::Maximum,
            "is too large; the maximum is 100",
        ),
        (
            with("score", json!(90.5)),
            "score",
            Rule::Type,
            "must be a whole number, not a number",
        ),
        (
            with("ratio", json!(0)),
            "ratio",
            Rule::Minimum,
            "is too small; the minimum (exclusive) is 0",
        ),
        (
            with("kind", json!("C")),
            "kind",
            Rule::Enum,
            "is not one of: A, B",
        ),
        (
            with("active", json!("yes")),
            "active",
            Rule::Type,
            "must be true or false, not a string",
        ),
        (
            with("tags", json!([])),
            "tags",
            Rule::MinItems,
            "has 0 items; the minimum is 1",
        ),
        (
            with("tags", json!(["a", "b", "c"])),
            "tags",
            Rule::MaxItems,
            "has 3 items; the maximum is 2",
        ),
        (
            with("tags", json!(["a", "a"])),
            "tags[1]",
            Rule::UniqueItems,
            "repeats an earlier item; items must be unique",
        ),
        (
            with("tags", json!("a")),
            "tags",
            Rule::Type,
            "must be a list, not a string",
        ),
        (
            with("addresses", json!([{"country": "ID"}, {"country": 7}])),
            "addresses[1].country",
            Rule::Type,
            "must be a string, not a number",
        ),
        (
            with("extra", json!({"a": "one"})),
            "extra.a",
            Rule::Type,
            "must be a whole number, not a string",
        ),
        (
            with("when", json!("1990")),
            "when",
            Rule::OneOf,
            "matches none of the accepted forms",
        ),
        (
            with("face", json!(base64(b"GIF89a......"))),
            "face",
            Rule::ImageFormats,
            "is a GIF, not a JPEG, PNG or SVG image",
        ),
        (
            with("face", json!(base64(&png(5, 20)))),
            "face",
            Rule::MinPixels,
            "is 5×20 pixels; the minimum is 10×10",
        ),
        (
            with("face", json!("not base64!")),
            "face",
            Rule::Format,
            "is not valid base64: character 4 of 11 is whitespace",
        ),
        (
            with(
                "face",
                json!(base64(&[&png(20, 20)[..], &[0; 1000]].concat())),
            ),
            "face",
            Rule::MaxBytes,
            "is 1,033 bytes; the maximum is 1,000 bytes (1 KB)",
        ),
        (
            with("face", json!(base64(&png(20, 20)[..20]))),
            "face",
            Rule::Image,
            "is a PNG that ends after 20 bytes, before the end of its IHDR chunk, which gives its size",
        ),
        (
            with("raw", json!("A")),
            "raw",
            Rule::Format,
            "is not valid base64 (1 characters): a length that is not a multiple of 4 (padding missing or extra characters)",
        ),
        (json!([]), "", Rule::Type, "must be an object, not a list"),
    ];
    for (value, path, rule, message) in cases {
        let violations = Validator::new(&spec).value(person(&spec), &value);
        let expected = vec![(path.to_string(), rule, message.to_string())];
        assert_eq!(found(&violations), expected, "{value}");
        // The borrowed body reader gives the same verdict.
        let body = serde_json::to_vec(&value).unwrap();
        let from_json = Validator::new(&spec).json(person(&spec), &body);
        assert_eq!(found(&from_json), expected, "{value} as a body");
        let violation = &violations[0];
        assert_eq!(violation.rule.as_str(), rule.to_string());
        let shown = if path.is_empty() { "body" } else { path };
        assert_eq!(violation.to_string(), format!("{shown}: {message}"));
    }
}

#[test]
fn every_violation_or_the_first() {
    let spec = demo();
    let value = json!({"name": "E", "kind": "C", "tags": ["a", "a"], "x": 1});
    let all = found(&Validator::new(&spec).value(person(&spec), &value));
    let paths: Vec<(&str, Rule)> = all.iter().map(|(p, r, _)| (p.as_str(), *r)).collect();
    // `required` first, then the fields in the value's order (a `Value` object's keys sort).
    assert_eq!(
        paths,
        [
            ("nik", Rule::Required),
            ("kind", Rule::Enum),
            ("name", Rule::MinLength),
            ("tags[1]", Rule::UniqueItems),
            ("x", Rule::UnknownField),
        ]
    );
    let first = Validator::new(&spec)
        .first_only()
        .value(person(&spec), &value);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].rule, Rule::Required);
    // The schema that states the broken rule comes with it, for callers with their own words.
    let kind = Validator::new(&spec).value(person(&spec), &with("kind", json!("C")));
    assert_eq!(kind[0].schema["enum"], json!(["A", "B"]));
}

#[test]
fn bodies_that_are_not_json_and_operations_by_id() {
    let spec = demo();
    let validator = Validator::new(&spec).first_only();
    let not_json = validator.request_json("add_person", b"{\"nik\":");
    assert_eq!(
        found(&not_json),
        [(String::new(), Rule::Json, "is not valid JSON".to_string())]
    );
    assert_eq!(not_json[0].to_string(), "body: is not valid JSON");
    assert_eq!(
        found(&validator.request_json("add_person", br#"{"name":"Eko"}"#)),
        [("nik".to_string(), Rule::Required, "is required".to_string())]
    );
    // No such operation, or no JSON body: nothing to check against.
    assert!(validator.request_json("nothing", b"{}").is_empty());
    assert!(
        validator
            .request_multipart("add_person", &Map::new(), &[])
            .is_empty()
    );
}

#[test]
fn trusted_base64_reads_only_the_header() {
    let spec = demo();
    // Not base64 past the header: refused when checked in full, not when trusted.
    let mut text = base64(&png(20, 20));
    text.push_str("!!!!");
    let body = with("face", json!(text));
    let full = Validator::new(&spec).value(person(&spec), &body);
    assert_eq!(full[0].rule, Rule::Format);
    let trusted = Validator::new(&spec)
        .trusting_base64()
        .value(person(&spec), &body);
    assert_eq!(found(&trusted), []);
}

#[test]
fn multipart_forms() {
    let spec = demo();
    let schema = person(&spec);
    let mut text = Map::new();
    text.insert("nik".into(), json!("1234567890123456"));
    let good = png(20, 20);
    let small = png(5, 5);
    let validator = Validator::new(&spec);
    assert_eq!(
        found(&validator.multipart(schema, &text, &[("name", b"Eko"), ("face", &good)])),
        []
    );
    text.insert("stray".into(), json!("x"));
    let violations = validator.multipart(schema, &text, &[("face", &small), ("other", b"x")]);
    let paths: Vec<(&str, Rule)> = violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect();
    assert_eq!(
        paths,
        [
            ("name", Rule::Required),
            ("stray", Rule::UnknownField),
            ("face", Rule::MinPixels),
            ("other", Rule::UnknownField),
        ]
    );
}

#[test]
fn json_and_value_instances_agree_on_equality_rules() {
    // 1 and 1.0 are the same value to JSON Schema, in either kind of instance.
    let spec = demo();
    let body = br#"{"nik":"1234567890123456","name":"Eko","tags":[{"a":1},{"a":1.0}]}"#;
    let value: Value = serde_json::from_slice(body).unwrap();
    let borrowed: Json<'_> = json::parse(body).unwrap();
    let from_value = found(&Validator::new(&spec).value(person(&spec), &value));
    let from_json = found(&Validator::new(&spec).value(person(&spec), &borrowed));
    assert_eq!(from_value, from_json);
    assert_eq!(from_value[0].0, "tags[1]", "{from_value:?}");
    assert_eq!(from_value[0].1, Rule::UniqueItems, "{from_value:?}");
}

/// The real specs, read from `openapi/` (YAML) the way `build.rs` embeds them.
fn real(file: &str) -> Spec {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../openapi")
        .join(file);
    let yaml: Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Spec::from_value(yaml).unwrap()
}

#[test]
fn the_real_iluma_screening_request() {
    let spec = real("iluma.yaml");
    let schema = spec.schema("IndividualScreeningRequest").unwrap();
    let validator = Validator::new(&spec);
    // The documented request, so a field the spec adds (with its example) keeps this green.
    let (name, documented) = spec
        .request_examples("screen_individual")
        .first()
        .map(|(name, value)| (name.to_string(), (*value).clone()))
        .expect("screen_individual documents a request");
    assert_eq!(
        found(&validator.value(schema, &documented)),
        [],
        "example `{name}`"
    );
    let mut broken = documented;
    let fields = broken.as_object_mut().expect("the example is an object");
    fields.remove("user_id");
    for (field, value) in [
        ("given_names", json!("")),
        ("nationality", json!("id")),
        ("scopes", json!(["PEP", "PEP"])),
        ("extra", json!(1)),
        ("score_threshold", json!(49)),
        ("addresses", json!([{"country": 7}])),
    ] {
        fields.insert(field.into(), value);
    }
    let violations = validator.value(schema, &broken);
    let mut paths: Vec<(&str, Rule)> = violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule))
        .collect();
    paths.sort_by_key(|(path, _)| *path);
    assert_eq!(
        paths,
        [
            ("addresses[0].country", Rule::Type),
            ("extra", Rule::UnknownField),
            ("given_names", Rule::MinLength),
            ("nationality", Rule::Pattern),
            ("scopes[1]", Rule::UniqueItems),
            ("score_threshold", Rule::Minimum),
            ("user_id", Rule::Required),
        ]
    );
}

#[test]
fn the_real_specs_compile_their_patterns_once() {
    for file in ["kredibel.yaml", "iluma.yaml"] {
        let spec = real(file);
        let nik = spec.schema("Nik").unwrap();
        let validator = Validator::new(&spec).first_only();
        assert_eq!(found(&validator.value(nik, &json!("3275031210930027"))), []);
        assert_eq!(
            validator.value(nik, &json!("327503121093002x"))[0].rule,
            Rule::Pattern
        );
        assert!(
            format!("{:?}", spec.patterns()).contains("compiled"),
            "{file}"
        );
    }
}
