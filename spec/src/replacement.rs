//! The hand-written Rust types that stand for `x-pii` schemas in generated code: `kyc-codegen`
//! asks here which type replaces a marked component schema, and `kyc-contract` asks the same to
//! say how a changed mark changes a caller's types.

use serde_json::Value;

use crate::PiiKind;

impl PiiKind {
    /// The type that replaces a component string schema with this mark, as generated code
    /// names it: `crate::Nik` (masked), `crate::Base64Image` (bytes in, base64 out),
    /// `crate::Secret`, and `crate::Redacted<String>` for other personal data
    /// (`crate::Redacted<chrono::NaiveDate>` for a `format: date` string). Their `Debug` never
    /// prints the value, which a derived one would.
    pub fn replacement(self, is_date: bool) -> &'static str {
        match self {
            Self::Nik => "crate::Nik",
            Self::Image => "crate::Base64Image",
            Self::Secret => "crate::Secret",
            _ if is_date => "crate::Redacted<chrono::NaiveDate>",
            _ => "crate::Redacted<String>",
        }
    }
}

/// The hand-written type that replaces the component schema `schema` (references not
/// followed) in generated code, when it is a string or an integer marked `x-pii`: the kind's
/// type for a string, `crate::Redacted<i64>` for an integer (a part of a birth date),
/// `crate::Redacted<serde_json::Value>` for a schema without a `type` (a value whose shape the
/// vendor does not document, kept whole), wrapped in `Option` when the schema is `nullable`. Objects (an address) stay generated: their
/// fields are masked where the library prints them, and their personal fields are marked
/// schemas of their own.
pub fn pii_replacement(schema: &Value) -> Option<String> {
    let base = pii_type(schema)?;
    Some(
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            format!("Option<{base}>")
        } else {
            base.to_string()
        },
    )
}

/// [`pii_replacement`] without the `Option` of a nullable schema: the hand-written type itself.
pub fn pii_type(schema: &Value) -> Option<&'static str> {
    let kind = PiiKind::of(schema)?;
    Some(match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            // A multipart file part: its JSON form is no image, just text kept out of `Debug`.
            Some("binary") => "crate::Redacted<String>",
            format => kind.replacement(format == Some("date")),
        },
        Some("integer") => "crate::Redacted<i64>",
        None if schema.get("properties").is_none() && schema.get("items").is_none() => {
            "crate::Redacted<serde_json::Value>"
        }
        _ => return None,
    })
}

/// Whether the Rust type generated code gives `schema` (references not followed) refuses some
/// values of the right JSON kind: a `uuid`, `date` or `date-time` string, a string with a
/// `pattern` or a length (typify's checked newtype), an integer (a fraction), and of the
/// personal types those that check their text (`Nik`, a `Redacted` date or integer). Such a
/// value of a response is typed `Expected<T, Raw>` (kyc-codegen), which keeps what it refuses;
/// enums (open on the response side) and images are not.
pub fn refuses_values_of_its_kind(schema: &Value) -> bool {
    let image = [
        "x-image-formats",
        "x-min-bytes",
        "x-max-bytes",
        "x-min-pixels",
    ]
    .iter()
    .any(|k| schema.get(k).is_some());
    if schema.get("enum").is_some() || image {
        return false;
    }
    if let Some(base) = pii_type(schema) {
        return matches!(
            base,
            "crate::Nik" | "crate::Redacted<chrono::NaiveDate>" | "crate::Redacted<i64>"
        );
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => true,
        Some("string") => {
            matches!(
                schema.get("format").and_then(Value::as_str),
                Some("uuid" | "date" | "date-time")
            ) || ["pattern", "minLength", "maxLength"]
                .iter()
                .any(|k| schema.get(k).is_some())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_strings_are_replaced_objects_are_not() {
        assert_eq!(
            pii_replacement(&json!({"type": "string", "x-pii": "nik"})),
            Some("crate::Nik".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "string", "format": "date", "x-pii": "birth-date"})),
            Some("crate::Redacted<chrono::NaiveDate>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"x-pii": "personal", "description": "any shape"})),
            Some("crate::Redacted<serde_json::Value>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "string", "x-pii": "email"})),
            Some("crate::Redacted<String>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "string", "nullable": true, "x-pii": "name"})),
            Some("Option<crate::Redacted<String>>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "string", "format": "binary", "x-pii": "image"})),
            Some("crate::Redacted<String>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "integer", "x-pii": "birth-date"})),
            Some("crate::Redacted<i64>".to_string())
        );
        assert_eq!(
            pii_replacement(&json!({"type": "object", "x-pii": "address"})),
            None
        );
        assert_eq!(pii_replacement(&json!({"type": "string"})), None);
    }

    #[test]
    fn open_enum_marker() {
        assert!(crate::extensions::is_open_enum(
            &json!({"enum": ["a"], "x-open-enum": true})
        ));
        assert!(!crate::extensions::is_open_enum(&json!({"enum": ["a"]})));
    }
}
