//! The Rust type progenitor (through typify 0.8) generates for a schema, written as a short
//! string (`Option<CertificateIssuanceRequestFullName>`, `Vec<RejectField>`, `i64`).
//!
//! Two revisions of a field whose strings differ mean Rust callers see a different type, even
//! when the JSON on the wire is the same. A component schema marked `x-pii` is written as the
//! hand-written type that replaces it (`kyc_clients::Nik`), as kyc-spec says. The rules mirror typify's `convert_string`,
//! `convert_integer`, `convert_number` and `struct_property`; they only need to be right about
//! *whether* the type changes, not to spell it exactly as rustc would.

use heck::ToPascalCase;
use kyc_spec::{pii_replacement, refs};
use serde_json::Value;

/// The type of a schema of `document` used in position `hint` (the name typify gives an inline
/// type there, `<Parent><Property>` in PascalCase).
pub(crate) fn rust_type(document: &Value, schema: &Value, hint: &str) -> String {
    if let Some(target) = refs::reference_of(schema) {
        let replacement = target
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
            .and_then(pii_replacement);
        if let Some(path) = replacement {
            return path.replace("crate::", "kyc_clients::");
        }
        // Every component schema becomes a named type, whatever its shape.
        return target
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_pascal_case();
    }
    let base = if schema.get("enum").is_some() {
        format!("{hint} (enum)")
    } else {
        match kind(schema) {
            "string" => string_type(schema, hint),
            "integer" => integer_type(schema).to_string(),
            "number" => match schema.get("format").and_then(Value::as_str) {
                Some("float") => "f32".to_string(),
                _ => "f64".to_string(),
            },
            "boolean" => "bool".to_string(),
            "array" => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                format!(
                    "Vec<{}>",
                    rust_type(document, items, &format!("{hint}Item"))
                )
            }
            "object" => object_type(document, schema, hint),
            "any" => "serde_json::Value".to_string(),
            // oneOf / anyOf / allOf / not: a type of its own, named after its position.
            _ => hint.to_string(),
        }
    };
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        format!("Option<{base}>")
    } else {
        base
    }
}

/// The type of a struct field: like [`rust_type`], wrapped in `Option` when the property is not
/// required — unless typify can default it instead (arrays, maps, options, explicit defaults).
/// In a `response`, a value whose type refuses some values of its kind is `Expected<T>`
/// (kyc-codegen's response rule, `kyc_spec::refuses_values_of_its_kind`).
pub(crate) fn rust_field_type(
    document: &Value,
    schema: &Value,
    required: bool,
    hint: &str,
    response: bool,
) -> String {
    let mut inner = rust_type(document, schema, hint);
    if response {
        inner = expected(document, schema, inner);
    }
    let has_default = schema.get("default").is_some();
    let defaultable = ["Option<", "Vec<", "Map<"]
        .iter()
        .any(|prefix| inner.starts_with(prefix));
    if required || defaultable || has_default {
        inner
    } else {
        format!("Option<{inner}>")
    }
}

/// `ty` as a response carries it: in `Expected` when the schema (one reference followed)
/// refuses some values of its kind, inside the `Option` of a nullable one.
fn expected(document: &Value, schema: &Value, ty: String) -> String {
    let resolved = refs::reference_of(schema)
        .and_then(|target| document.pointer(target.strip_prefix('#')?))
        .unwrap_or(schema);
    if !kyc_spec::refuses_values_of_its_kind(resolved) {
        return ty;
    }
    match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(inner) => format!("Option<Expected<{inner}>>"),
        None => format!("Expected<{ty}>"),
    }
}

/// The schema's kind: its `type`, or what its keywords imply when `type` is absent.
pub(crate) fn kind(schema: &Value) -> &str {
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        return kind;
    }
    for composition in ["oneOf", "anyOf", "allOf", "not"] {
        if schema.get(composition).is_some() {
            return composition;
        }
    }
    if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
        "object"
    } else {
        "any"
    }
}

fn string_type(schema: &Value, hint: &str) -> String {
    match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => "Uuid".to_string(),
        Some("date") => "NaiveDate".to_string(),
        Some("date-time") => "DateTime<Utc>".to_string(),
        Some("ip") => "IpAddr".to_string(),
        Some("ipv4") => "Ipv4Addr".to_string(),
        Some("ipv6") => "Ipv6Addr".to_string(),
        _ => {
            let validated = ["pattern", "minLength", "maxLength"]
                .iter()
                .any(|key| schema.get(key).is_some());
            if validated {
                format!("{hint} (validated newtype)")
            } else {
                "String".to_string()
            }
        }
    }
}

fn object_type(document: &Value, schema: &Value, hint: &str) -> String {
    let has_properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|props| !props.is_empty());
    if has_properties {
        return hint.to_string();
    }
    match schema.get("additionalProperties") {
        Some(Value::Object(values)) if !values.is_empty() => {
            format!(
                "Map<String, {}>",
                rust_type(
                    document,
                    &Value::Object(values.clone()),
                    &format!("{hint}Value")
                )
            )
        }
        _ => "Map<String, serde_json::Value>".to_string(),
    }
}

/// typify's choice of integer type: the `format`'s type when the bounds fit it (a `NonZero`
/// type for `minimum: 1`), else a type whose range the bounds match exactly, else `i64`.
fn integer_type(schema: &Value) -> &'static str {
    // (format, type, NonZero type, type min, type max), most to least restrictive.
    const FORMATS: &[(&str, &str, &str, f64, f64)] = &[
        ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
        ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
        (
            "int16",
            "i16",
            "NonZeroU16",
            i16::MIN as f64,
            i16::MAX as f64,
        ),
        (
            "uint16",
            "u16",
            "NonZeroU16",
            u16::MIN as f64,
            u16::MAX as f64,
        ),
        ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
        (
            "int32",
            "i32",
            "NonZeroU32",
            i32::MIN as f64,
            i32::MAX as f64,
        ),
        (
            "uint",
            "u32",
            "NonZeroU32",
            u32::MIN as f64,
            u32::MAX as f64,
        ),
        (
            "uint32",
            "u32",
            "NonZeroU32",
            u32::MIN as f64,
            u32::MAX as f64,
        ),
        (
            "int64",
            "i64",
            "NonZeroU64",
            i64::MIN as f64,
            i64::MAX as f64,
        ),
        (
            "uint64",
            "u64",
            "NonZeroU64",
            u64::MIN as f64,
            u64::MAX as f64,
        ),
    ];
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    // OpenAPI 3.0's exclusive bounds are flags on minimum/maximum.
    let min = number("minimum").map(|m| if flag("exclusiveMinimum") { m + 1.0 } else { m });
    let max = number("maximum").map(|m| if flag("exclusiveMaximum") { m - 1.0 } else { m });
    let multiple = schema.get("multipleOf").is_some();

    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && let Some((_, ty, nonzero, lo, hi)) = FORMATS.iter().find(|(f, ..)| *f == format)
    {
        let fits = min.is_none_or(|m| m >= *lo) && max.is_none_or(|m| m <= *hi);
        if !multiple && fits {
            return if min == Some(1.0) { nonzero } else { ty };
        }
    }
    let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
    let found = match (min, max) {
        (None, None) => None,
        (Some(1.0), _) => FORMATS.last().map(|f| f.2),
        (Some(lo), None) => FORMATS.iter().rev().find(|f| same(f.3, lo)).map(|f| f.1),
        (None, Some(hi)) => FORMATS.iter().rev().find(|f| same(f.4, hi)).map(|f| f.1),
        (Some(lo), Some(hi)) => FORMATS
            .iter()
            .rev()
            .find(|f| same(f.3, lo) && same(f.4, hi))
            .map(|f| f.1),
    };
    found.unwrap_or("i64")
}
