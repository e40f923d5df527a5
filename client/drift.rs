//! Drift: where a vendor's answer differs from the spec in a way the client tolerates, one
//! `tracing` event per difference, at WARN, target `kyc.drift`.
//!
//! Every answer is checked in the hook that reads it before it is decoded
//! (`crate::call::exec`), with `kyc_spec::validate` in its response direction: the differences
//! it marks as decoding (a field the spec does not declare, a value an `x-open-enum` enum does
//! not list, a missing field the spec only guessed, `x-undocumented`, a value that breaks its
//! documented form — `format`, `pattern`, a length, a range, integer-ness — which the client
//! keeps as sent in an [`crate::Expected`]) and a status the operation does not declare are
//! reported, personal fields included; a `2XX` the spec declares is not a difference. So is a
//! success of a free operation whose body is not JSON, which decodes as an empty body. An
//! answer that does not decode at all is the caller's [`crate::DecodeError`], not drift.
//!
//! Each event carries `vendor`, `operation` (the operationId), `status`, `path` (a JSON pointer
//! into the body, `/results/0/scopes/1`; empty for the status or the whole body), `rule` (the
//! spec keyword: `enum`, `unknown-field`, `required`, `pattern`, `format`, `minimum`, `type`,
//! `status`, `json`, ...) and `difference` (`unknown enum value`, `unknown field`, `missing
//! guessed field`, `unexpected value`, `undeclared status`, `not json`), and for an unlisted
//! value of an enum that is not `x-pii`, `value`: what the spec edit needs. Never any other
//! value. The check is skipped when nothing listens to `kyc.drift` at WARN.

use kyc_spec::Spec;
use kyc_spec::validate::{Rule, Validator, Violation};
use serde_json::Value;

/// The `tracing` target of drift events.
pub(crate) const TARGET: &str = "kyc.drift";

/// The longest unlisted enum value an event carries; a longer one is cut.
const MAX_VALUE_CHARS: usize = 100;

/// What differed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Difference {
    UnknownEnumValue,
    UnknownField,
    MissingGuessedField,
    UnexpectedValue,
    UndeclaredStatus,
    NotJson,
}

impl Difference {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::UnknownEnumValue => "unknown enum value",
            Self::UnknownField => "unknown field",
            Self::MissingGuessedField => "missing guessed field",
            Self::UnexpectedValue => "unexpected value",
            Self::UndeclaredStatus => "undeclared status",
            Self::NotJson => "not json",
        }
    }

    /// The difference a violation of a response is, if it is drift: a tolerated one, or an
    /// undeclared status.
    fn of(violation: &Violation<'_>) -> Option<Self> {
        match violation.rule {
            Rule::Status => Some(Self::UndeclaredStatus),
            _ if !violation.decodes => None,
            Rule::Json => Some(Self::NotJson),
            Rule::Enum => Some(Self::UnknownEnumValue),
            Rule::UnknownField => Some(Self::UnknownField),
            Rule::Required => Some(Self::MissingGuessedField),
            // A value of the right kind breaking its `format`, `pattern`, length, range,
            // integer-ness or list size: kept as sent.
            _ => Some(Self::UnexpectedValue),
        }
    }
}

/// One difference between an answer and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    pub(crate) difference: Difference,
    /// The spec keyword the answer breaks.
    pub(crate) rule: Rule,
    /// JSON pointer into the body; empty for the status.
    pub(crate) pointer: String,
    /// The unlisted value, for an enum that is not `x-pii`.
    pub(crate) value: Option<String>,
}

/// The drift in an answer of `operation` with `status` and `body`.
pub(crate) fn differences(spec: &Spec, operation: &str, status: u16, body: &[u8]) -> Vec<Drift> {
    let violations = Validator::new(spec)
        .first_only()
        .response_json(operation, status, body);
    // Read again, as a tree, only to quote an unlisted enum value.
    let mut tree: Option<Option<Value>> = None;
    violations
        .iter()
        .filter_map(|violation| {
            let difference = Difference::of(violation)?;
            let value = (difference == Difference::UnknownEnumValue && violation.pii.is_none())
                .then(|| {
                    let tree = tree.get_or_insert_with(|| serde_json::from_slice(body).ok());
                    tree.as_ref()?.pointer(&violation.pointer).map(quoted)
                })
                .flatten();
            Some(Drift {
                difference,
                rule: violation.rule,
                pointer: violation.pointer.clone(),
                value,
            })
        })
        .collect()
}

/// An enum value as an event shows it: a string as it is, anything else as JSON; cut at
/// [`MAX_VALUE_CHARS`].
fn quoted(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Emits one `kyc.drift` event per difference in an answer.
pub(crate) fn report(spec: &Spec, vendor: &'static str, operation: &str, status: u16, body: &[u8]) {
    if !listening() {
        return;
    }
    for drift in differences(spec, operation, status, body) {
        emit(vendor, operation, status, &drift);
    }
}

fn listening() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::WARN)
}

fn emit(vendor: &'static str, operation: &str, status: u16, drift: &Drift) {
    let (path, difference) = (drift.pointer.as_str(), drift.difference.as_str());
    let rule = drift.rule.as_str();
    // `None` records no `value` field at all: the event then carries no value.
    let value = drift.value.as_deref();
    tracing::warn!(
        target: TARGET,
        vendor,
        operation,
        status,
        path,
        rule,
        difference,
        value,
        "the vendor's answer differs from the spec"
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
            "paths": {
                "/screenings": {"post": {
                    "operationId": "screen",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Screening"}}}}
                    }
                }},
                "/certificates": {"post": {
                    "operationId": "issue",
                    "responses": {
                        "2XX": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Health"}}}}
                    }
                }}
            },
            "components": {"schemas": {
                "Status": {"type": "string", "enum": ["DONE"], "x-open-enum": true},
                "Gender": {"type": "string", "enum": ["MALE", "FEMALE"], "x-open-enum": true,
                           "x-pii": "name"},
                "Screening": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"$ref": "#/components/schemas/Status"},
                        "gender": {"$ref": "#/components/schemas/Gender"},
                        "name": {"type": "string", "x-pii": "name"},
                        "nik": {"type": "string", "pattern": "^[0-9]{16}$", "x-pii": "nik"},
                        "id": {"type": "string", "format": "uuid"},
                        "score": {"type": "integer"}
                    }
                },
                "Health": {
                    "type": "object", "x-undocumented": true,
                    "required": ["status"],
                    "properties": {"status": {"type": "string"}}
                }
            }}
        }))
        .unwrap()
    }

    fn drift(difference: Difference, pointer: &str, value: Option<&str>) -> Drift {
        let rule = match difference {
            Difference::UnknownEnumValue => Rule::Enum,
            Difference::UnknownField => Rule::UnknownField,
            Difference::MissingGuessedField => Rule::Required,
            Difference::UndeclaredStatus => Rule::Status,
            Difference::NotJson => Rule::Json,
            Difference::UnexpectedValue => Rule::Pattern,
        };
        Drift {
            difference,
            rule,
            pointer: pointer.into(),
            value: value.map(str::to_string),
        }
    }

    #[test]
    fn each_tolerated_difference_once_with_the_value_only_of_an_open_enum_that_is_not_pii() {
        let body = br#"{"status": "ON_HOLD", "gender": "Eko Hadi Salim", "name": "Eko", "extra": "Eko Hadi Salim"}"#;
        let found = differences(&spec(), "screen", 200, body);
        assert_eq!(
            found,
            [
                drift(Difference::UnknownEnumValue, "/status", Some("ON_HOLD")),
                drift(Difference::UnknownEnumValue, "/gender", None),
                drift(Difference::UnknownField, "/extra", None),
            ]
        );
    }

    #[test]
    fn a_guessed_field_missing_and_an_undeclared_status() {
        let found = differences(&spec(), "issue", 201, b"{\"state\": \"up\"}");
        assert_eq!(
            found,
            [
                drift(Difference::MissingGuessedField, "/status", None),
                drift(Difference::UnknownField, "/state", None),
            ]
        );
        assert_eq!(
            differences(&spec(), "screen", 201, b"{}"),
            [drift(Difference::UndeclaredStatus, "", None)]
        );
    }

    #[test]
    fn a_broken_form_is_drift_personal_fields_by_path_and_rule_only() {
        let body = br#"{"status": "DONE", "nik": "327503******0027", "id": "x-1", "score": 1.5}"#;
        let found = differences(&spec(), "screen", 200, body);
        let found: Vec<_> = found
            .iter()
            .map(|d| (d.difference, d.rule, d.pointer.as_str(), d.value.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Difference::UnexpectedValue, Rule::Pattern, "/nik", None),
                (Difference::UnexpectedValue, Rule::Format, "/id", None),
                (Difference::UnexpectedValue, Rule::Type, "/score", None),
            ]
        );
    }

    #[test]
    fn what_matches_or_does_not_decode_is_no_drift() {
        assert!(differences(&spec(), "screen", 200, br#"{"status": "DONE"}"#).is_empty());
        assert!(differences(&spec(), "issue", 202, br#"{"status": "up"}"#).is_empty());
        // A wrong type fails the decode; the caller gets the error, not an event.
        assert!(differences(&spec(), "screen", 200, br#"{"status": 5}"#).is_empty());
        assert!(differences(&spec(), "screen", 200, b"not json").is_empty());
    }

    #[test]
    fn a_long_value_is_cut() {
        let long = "X".repeat(150);
        assert_eq!(quoted(&json!(long)).chars().count(), MAX_VALUE_CHARS + 1);
        assert_eq!(quoted(&json!(42)), "42");
    }
}
