//! Request validation: the spec's schemas checked by `kyc_spec::validate`, the same walk the
//! clients run before sending (types, required and unknown fields, lengths, patterns, enums,
//! ranges, formats, and the image rules `x-image-formats`, `x-min-bytes`, `x-max-bytes`,
//! `x-min-pixels`), with each violation put in the sandbox's words ([`Issue`]).
//!
//! What the vendors answer differs by the kind of problem (Kredibel has dedicated error types
//! for an image's encoding and size, Iluma dedicated codes for a selfie's type and size), so
//! each issue says which kind it is ([`Problem`]) and each vendor picks its answer from that.
//! Messages never repeat the value: request values are personal data (NIKs, names, faces) and
//! the same texts end up in logs.

use kyc_spec::Spec;
use kyc_spec::image::{ImageFormat, ImageRule};
use kyc_spec::validate::{Rule, Validator, Violation};
use serde_json::{Map, Value};

/// What kind of problem an [`Issue`] is, as the vendors' answers tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A field that breaks a schema rule, or a body the sandbox could not read as the spec says.
    Field,
    /// Base64 text that is not valid standard base64 (an image's encoding, `format: byte`).
    Base64,
    /// An image in a format the field does not accept (`x-image-formats`).
    ImageFormat,
    /// An image that cannot be read (empty, cut short, malformed header).
    Unreadable,
    /// An image under `x-min-bytes`.
    TooSmall,
    /// An image over `x-max-bytes`.
    TooLarge,
    /// An image under `x-min-pixels` (or whose pixel size cannot be known).
    TooFewPixels,
}

impl Problem {
    /// Whether the problem is an image's (content, size or pixels), not its field's shape.
    pub(crate) fn is_image(self) -> bool {
        !matches!(self, Self::Field | Self::Base64)
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// The field, as named in the request: `identityId`, `addresses[0].country`; `body` for
    /// the whole body.
    pub(crate) field: String,
    /// What is wrong with it, in the sandbox's words.
    pub(crate) message: String,
    /// What kind of problem it is.
    pub(crate) problem: Problem,
}

impl Issue {
    /// A problem the sandbox found itself (a repeated form part, text that is not UTF-8).
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            problem: Problem::Field,
        }
    }
}

/// The text of a missing required field.
pub(crate) const MISSING: &str = "Missing required parameter.";
/// The text of a field the schema does not have (the vendor's own wording).
pub(crate) const UNKNOWN: &str = "Unknown field.";

/// Validates a JSON `value` against `schema` (resolved in `spec`), base64 image text checked in
/// full; an empty list means valid.
pub(crate) fn validate(spec: &Spec, schema: &Value, value: &Value) -> Vec<Issue> {
    Validator::new(spec)
        .value(schema, value)
        .iter()
        .map(issue)
        .collect()
}

/// Validates a `multipart/form-data` body against its object `schema`: the text parts
/// (`fields`) as strings, the file parts (`files`) against their properties' image rules.
/// A part that is not a property is an unknown field.
pub(crate) fn validate_form(
    spec: &Spec,
    schema: &Value,
    fields: &Map<String, Value>,
    files: &[(&str, &[u8])],
) -> Vec<Issue> {
    Validator::new(spec)
        .multipart(schema, fields, files)
        .iter()
        .map(issue)
        .collect()
}

/// A violation in the sandbox's words.
fn issue(violation: &Violation<'_>) -> Issue {
    let schema = violation.schema;
    let number = |key: &str| schema.get(key).map(Value::to_string).unwrap_or_default();
    let image = |problem| (problem, format!("The image {}.", violation.message));
    let (problem, message) = match violation.rule {
        Rule::Required => (Problem::Field, MISSING.to_string()),
        Rule::UnknownField => (Problem::Field, UNKNOWN.to_string()),
        Rule::Json => (Problem::Field, "The body is not valid JSON.".into()),
        Rule::Type => (Problem::Field, format!("Must be {}.", type_name(schema))),
        Rule::Null => (
            Problem::Field,
            format!("Must be {}, not null.", type_name(schema)),
        ),
        Rule::Enum => {
            let allowed: Vec<String> = schema
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect();
            (
                Problem::Field,
                format!("Must be one of: {}.", allowed.join(", ")),
            )
        }
        Rule::Pattern => {
            let pattern = schema.get("pattern").and_then(Value::as_str);
            (
                Problem::Field,
                format!("Does not match the pattern {}.", pattern.unwrap_or("")),
            )
        }
        Rule::MinLength => (
            Problem::Field,
            format!("Must be at least {} characters long.", number("minLength")),
        ),
        Rule::MaxLength => (
            Problem::Field,
            format!("Must be at most {} characters long.", number("maxLength")),
        ),
        Rule::Minimum if exclusive(schema, "exclusiveMinimum") => (
            Problem::Field,
            format!("Must be more than {}.", number("minimum")),
        ),
        Rule::Minimum => (
            Problem::Field,
            format!("Must be at least {}.", number("minimum")),
        ),
        Rule::Maximum if exclusive(schema, "exclusiveMaximum") => (
            Problem::Field,
            format!("Must be less than {}.", number("maximum")),
        ),
        Rule::Maximum => (
            Problem::Field,
            format!("Must be at most {}.", number("maximum")),
        ),
        Rule::MinItems => (
            Problem::Field,
            format!("Must contain at least {} item(s).", number("minItems")),
        ),
        Rule::MaxItems => (
            Problem::Field,
            format!("Must contain at most {} item(s).", number("maxItems")),
        ),
        Rule::UniqueItems => (Problem::Field, "Must not contain duplicates.".into()),
        Rule::OneOf | Rule::AnyOf => (
            Problem::Field,
            "Does not match any of the accepted forms.".into(),
        ),
        Rule::Format => format_issue(schema),
        Rule::ImageFormats => (Problem::ImageFormat, unsupported_format(schema)),
        Rule::Image => image(Problem::Unreadable),
        Rule::MinBytes => image(Problem::TooSmall),
        Rule::MaxBytes => image(Problem::TooLarge),
        Rule::MinPixels => image(Problem::TooFewPixels),
        // A rule added to the shared validator later: its own words.
        _ => (
            Problem::Field,
            format!("Breaks `{}`: {}.", violation.rule, violation.message),
        ),
    };
    Issue {
        field: if violation.path.is_empty() {
            "body".into()
        } else {
            violation.path.clone()
        },
        message,
        problem,
    }
}

/// A broken `format`: for an image field (or any `format: byte` string), text that is not
/// valid base64 or carries a `data:` prefix.
fn format_issue(schema: &Value) -> (Problem, String) {
    let format = schema.get("format").and_then(Value::as_str);
    if format == Some("byte") || ImageRule::from_schema(schema).is_some() {
        return (
            Problem::Base64,
            "Must be standard base64 (padded, one line, no data: prefix).".into(),
        );
    }
    let message = match format {
        Some("date") => "Must be a date as YYYY-MM-DD.".to_string(),
        Some("date-time") => "Must be a date and time as RFC 3339.".to_string(),
        Some("email") => "Must be a valid email address.".to_string(),
        Some("uuid") => "Must be a UUID.".to_string(),
        Some(other) => format!("Must be in the {other} format."),
        None => "Has the wrong format.".to_string(),
    };
    (Problem::Field, message)
}

/// The sandbox's words for an image in a format the field does not take.
fn unsupported_format(schema: &Value) -> String {
    let accepted = ImageRule::from_schema(schema)
        .map(|rule| rule.formats)
        .filter(|formats| !formats.is_empty())
        .unwrap_or_else(|| ImageFormat::ALL.to_vec());
    let names: Vec<&str> = accepted.iter().map(|f| f.as_str()).collect();
    format!(
        "Unsupported image format; send one of: {}.",
        names.join(", ")
    )
}

fn exclusive(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::samples::Image;

    fn issues(spec: &Spec, schema: &str, value: Value) -> Vec<(String, String, Problem)> {
        validate(spec, spec.schema(schema).unwrap(), &value)
            .into_iter()
            .map(|i| (i.field, i.message, i.problem))
            .collect()
    }

    #[test]
    fn names_missing_unknown_and_invalid_fields() {
        // The spec's example (so every other required field is there), then broken.
        let spec = crate::spec::iluma();
        let mut body = spec
            .request_examples("screen_individual")
            .first()
            .map(|(_, example)| (*example).clone())
            .expect("screen_individual has a request example");
        let changes = json!({"given_names": "", "nationality": "id", "scopes": ["PEP", "PEP"],
                             "extra": 1, "score_threshold": 49, "addresses": [{"country": 7}]});
        let fields = body.as_object_mut().expect("an object example");
        fields.remove("user_id");
        fields.extend(changes.as_object().expect("an object").clone());
        let found = issues(spec, "IndividualScreeningRequest", body);
        let expected = [
            ("user_id", MISSING),
            // The repeated item, as the client names it.
            ("scopes[1]", "Must not contain duplicates."),
            ("given_names", "Must be at least 1 characters long."),
            ("nationality", "Does not match the pattern ^[A-Z]{2}$."),
            ("extra", UNKNOWN),
            ("score_threshold", "Must be at least 50."),
            ("addresses[0].country", "Must be a string."),
        ];
        for (field, message) in expected {
            assert!(
                found
                    .iter()
                    .any(|(f, m, p)| f == field && m == message && *p == Problem::Field),
                "{field}: {message} not in {found:?}"
            );
        }
        assert_eq!(found.len(), expected.len(), "{found:?}");
    }

    /// Every JSON request example of both specs is valid by its schema (image placeholders
    /// aside, which are swapped for real images by `examples::valid_request`).
    #[test]
    fn accepts_the_documented_requests() {
        for spec in [crate::spec::kredibel(), crate::spec::iluma()] {
            for operation in spec.operations() {
                if operation
                    .request
                    .as_ref()
                    .is_none_or(|body| body.media_type != "application/json")
                {
                    continue;
                }
                let request = crate::examples::valid_request(spec, &operation.id)
                    .unwrap_or_else(|error| panic!("{error}"));
                let schema = spec
                    .request_schema(&operation.id, "application/json")
                    .unwrap();
                let found = validate(spec, schema, &request.body);
                assert!(found.is_empty(), "{}: {found:?}", operation.id);
            }
        }
    }

    #[test]
    fn image_problems_are_told_apart() {
        let spec = crate::spec::kredibel();
        let face = |text: String| {
            let mut body = crate::examples::valid_request(spec, "verify_biometric")
                .unwrap()
                .body;
            body["faceImage"] = Value::String(text);
            issues(spec, "BiometricVerificationRequest", body)
        };
        let problem = |text: &str| face(text.to_string())[0].2;
        for text in [
            "QQ",
            "QR==",
            "QU I=",
            "QUJD\n",
            "-_9z",
            "data:image/png;base64,QUJD",
        ] {
            assert_eq!(problem(text), Problem::Base64, "{text:?}");
        }
        assert_eq!(problem("R0lGODlhAQABAAAAACw="), Problem::ImageFormat);
        assert_eq!(problem(""), Problem::Unreadable);
        let large = face(Image::jpeg(480, 640).base64(1_000_001));
        assert_eq!(large[0].2, Problem::TooLarge);
        assert_eq!(
            face("R0lGODlhAQABAAAAACw=".into())[0].1,
            "Unsupported image format; send one of: jpeg, png, svg."
        );
        assert!(face(Image::jpeg(480, 640).base64(150_000)).is_empty());
    }

    #[test]
    fn form_parts_are_checked_by_the_same_walk() {
        let spec = crate::spec::iluma();
        let schema = spec.schema("IdCardVerificationRequest").unwrap();
        let fields = json!({"name": "penito kristian", "id_card_number": "3275031210930027",
                            "nickname": "x"});
        let fields = fields.as_object().unwrap();
        let small = Image::jpeg(600, 600).bytes(50_000);
        let found = validate_form(spec, schema, fields, &[("selfie", &small)]);
        let mut found: Vec<_> = found
            .iter()
            .map(|i| (i.field.as_str(), i.problem))
            .collect();
        found.sort_by_key(|(field, _)| *field);
        assert_eq!(
            found,
            [("nickname", Problem::Field), ("selfie", Problem::TooSmall)]
        );
        let missing = validate_form(spec, schema, fields, &[]);
        assert!(
            missing
                .iter()
                .any(|i| i.field == "selfie" && i.message == MISSING),
            "{missing:?}"
        );
    }
}
