//! Request validation against a spec schema: the subset of OpenAPI 3.0 the two specs use
//! for request bodies (`type`, `required`, `properties`, `additionalProperties: false`,
//! `enum`, `pattern`, `minLength`/`maxLength`, `minimum`/`maximum`, `minItems`,
//! `uniqueItems`, `items`, `format: date` and `email`, `nullable`, `$ref`).
//!
//! Each problem names the field (a dotted path for nested ones) and says what is wrong in
//! words a developer can act on. Messages never repeat the value: request values are personal
//! data (NIKs, names) and the same texts end up in logs.
//!
//! [`validate`] is the one entry point every handler calls (Kredibel, Iluma, the generic
//! behaviour): the seam where this walker gives way to the workspace's shared validator
//! (`kyc_spec::validate`), mapping its violations to [`Issue`]s.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use kyc_spec::Spec;
use serde_json::{Map, Value};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// The field, as named in the request: `identityId`, `addresses[0].country`.
    pub(crate) field: String,
    /// What is wrong with it.
    pub(crate) message: String,
}

/// The text of a missing required field.
pub(crate) const MISSING: &str = "Missing required parameter.";
/// The text of a field the schema does not have (the vendor's own wording).
pub(crate) const UNKNOWN: &str = "Unknown field.";

/// Validates `value` against `schema` (resolved in `spec`); an empty list means valid.
///
/// The seam: every handler validates through this one function, so switching the sandbox to
/// the shared `kyc_spec::validate` is this body calling it and turning each violation into an
/// [`Issue`] (field path, message); [`MISSING`] and [`UNKNOWN`] are the vendor wording to keep
/// for a missing and an unknown field.
///
/// `byte` and `binary` formats are not checked here: images get their own, richer checks
/// (base64, size, format, pixels) with the vendors' dedicated error types.
pub(crate) fn validate(spec: &Spec, schema: &Value, value: &Value) -> Vec<Issue> {
    let mut issues = Vec::new();
    check(spec, schema, value, "", &mut issues);
    issues
}

fn check(spec: &Spec, schema: &Value, value: &Value, path: &str, issues: &mut Vec<Issue>) {
    let schema = spec.resolve(schema);
    let mut issue = |message: String| {
        issues.push(Issue {
            field: if path.is_empty() {
                "body".into()
            } else {
                path.into()
            },
            message,
        })
    };
    if value.is_null() {
        if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
            issue(format!("Must be {}, not null.", type_name(schema)));
        }
        return;
    }
    if let Some(expected) = schema.get("type").and_then(Value::as_str) {
        let matches = match expected {
            "string" => value.is_string(),
            "integer" => as_integer(value).is_some(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !matches {
            issue(format!("Must be {}.", type_name(schema)));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
        issue(format!("Must be one of: {}.", names.join(", ")));
        return;
    }
    match value {
        Value::String(text) => check_string(schema, text, &mut issue),
        Value::Number(_) => check_number(schema, value, &mut issue),
        Value::Array(items) => {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && (items.len() as u64) < min
            {
                issue(format!("Must contain at least {min} item(s)."));
            }
            if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true)
                && items
                    .iter()
                    .enumerate()
                    .any(|(i, item)| items[..i].contains(item))
            {
                issue("Must not contain duplicates.".into());
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(spec, item_schema, item, &format!("{path}[{i}]"), issues);
                }
            }
        }
        Value::Object(object) => check_object(spec, schema, object, path, issues),
        Value::Bool(_) | Value::Null => {}
    }
}

fn check_string(schema: &Value, text: &str, issue: &mut impl FnMut(String)) {
    // Counted only when a length is constrained: image fields are long and have none.
    let chars = || text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && chars() < min
    {
        issue(format!("Must be at least {min} characters long."));
        return;
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && chars() > max
    {
        issue(format!("Must be at most {max} characters long."));
        return;
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && !matches_pattern(pattern, text)
    {
        issue(format!("Does not match the pattern {pattern}."));
        return;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("date") if !is_date(text) => issue("Must be a date as YYYY-MM-DD.".into()),
        Some("email") if !is_email(text) => issue("Must be a valid email address.".into()),
        _ => {}
    }
}

fn check_number(schema: &Value, value: &Value, issue: &mut impl FnMut(String)) {
    let Some(number) = value.as_f64() else {
        return;
    };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && number < min
    {
        issue(format!("Must be at least {min}."));
        return;
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && number > max
    {
        issue(format!("Must be at most {max}."));
    }
}

fn check_object(
    spec: &Spec,
    schema: &Value,
    object: &Map<String, Value>,
    path: &str,
    issues: &mut Vec<Issue>,
) {
    let properties = schema.get("properties").and_then(Value::as_object);
    let field_path = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                issues.push(Issue {
                    field: field_path(name),
                    message: MISSING.into(),
                });
            }
        }
    }
    let closed = schema.get("additionalProperties").and_then(Value::as_bool) == Some(false);
    for (name, value) in object {
        match properties.and_then(|p| p.get(name)) {
            Some(property) => check(spec, property, value, &field_path(name), issues),
            None if closed => issues.push(Issue {
                field: field_path(name),
                message: UNKNOWN.into(),
            }),
            None => {}
        }
    }
}

/// Whether `text` matches an ECMA-262 `pattern` (OpenAPI's dialect), compiling each pattern
/// once for the life of the process. Read-locked on the hot path: after the first request
/// every pattern is compiled. A pattern that does not compile checks nothing: `kyc-codegen`
/// refuses such a spec for the clients, and the sandbox should not block on it either.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    static COMPILED: LazyLock<RwLock<HashMap<String, Option<regress::Regex>>>> =
        LazyLock::new(RwLock::default);
    let found = |compiled: &HashMap<String, Option<regress::Regex>>| {
        compiled
            .get(pattern)
            .map(|regex| regex.as_ref().is_none_or(|r| r.find(text).is_some()))
    };
    if let Some(matched) = found(&COMPILED.read().unwrap_or_else(|e| e.into_inner())) {
        return matched;
    }
    let mut compiled = COMPILED.write().unwrap_or_else(|e| e.into_inner());
    compiled
        .entry(pattern.to_string())
        .or_insert_with(|| regress::Regex::new(pattern).ok());
    found(&compiled).unwrap_or(true)
}

/// An integer, also when written `90.0`.
pub(crate) fn as_integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

fn type_name(schema: &Value) -> &'static str {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "a string",
        Some("integer") => "an integer",
        Some("number") => "a number",
        Some("boolean") => "a boolean",
        Some("array") => "an array",
        Some("object") => "an object",
        _ => "a value",
    }
}

/// A calendar date written `YYYY-MM-DD` (RFC 3339 `full-date`).
pub(crate) fn is_date(text: &str) -> bool {
    text.len() == 10
        && text.as_bytes()[4] == b'-'
        && text.as_bytes()[7] == b'-'
        && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub(crate) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn issues(schema: &str, value: Value) -> Vec<(String, String)> {
        let spec = crate::spec::iluma();
        validate(spec, spec.schema(schema).unwrap(), &value)
            .into_iter()
            .map(|i| (i.field, i.message))
            .collect()
    }

    #[test]
    fn names_missing_unknown_and_invalid_fields() {
        // The spec's example (so every other required field is there), then broken.
        let mut body = crate::spec::iluma()
            .request_examples("screen_individual")
            .first()
            .map(|(_, example)| (*example).clone())
            .expect("screen_individual has a request example");
        let changes = json!({"given_names": "", "nationality": "id", "scopes": ["PEP", "PEP"],
                             "extra": 1, "score_threshold": 49, "addresses": [{"country": 7}]});
        let fields = body.as_object_mut().expect("an object example");
        fields.remove("user_id");
        fields.extend(changes.as_object().expect("an object").clone());
        let found = issues("IndividualScreeningRequest", body);
        let expected = [
            ("user_id", MISSING),
            ("scopes", "Must not contain duplicates."),
            ("given_names", "Must be at least 1 characters long."),
            ("nationality", "Does not match the pattern ^[A-Z]{2}$."),
            ("extra", UNKNOWN),
            ("score_threshold", "Must be at least 50."),
            ("addresses[0].country", "Must be a string."),
        ];
        for (field, message) in expected {
            assert!(
                found.iter().any(|(f, m)| f == field && m == message),
                "{field}: {message} not in {found:?}"
            );
        }
        assert_eq!(found.len(), expected.len(), "{found:?}");
    }

    /// Every JSON request example of both specs is valid by its schema.
    #[test]
    fn accepts_the_documented_requests() {
        for spec in [crate::spec::kredibel(), crate::spec::iluma()] {
            for operation in spec.operations() {
                let Some(schema) = operation
                    .request
                    .as_ref()
                    .filter(|body| body.media_type == "application/json")
                    .and_then(|body| spec.schema(body.schema.as_deref()?))
                else {
                    continue;
                };
                for (name, example) in spec.request_examples(&operation.id) {
                    let found = validate(spec, schema, example);
                    assert!(
                        found.is_empty(),
                        "{} example `{name}`: {found:?}",
                        operation.id
                    );
                }
            }
        }
    }

    #[test]
    fn dates_and_emails() {
        assert!(is_date("1990-07-06"));
        assert!(!is_date("1990-02-30"));
        assert!(!is_date("06-07-1990"));
        assert!(is_email("test@email.com"));
        assert!(!is_email("test@email"));
        assert!(!is_email("a b@email.com"));
    }
}
