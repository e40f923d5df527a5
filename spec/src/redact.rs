//! A JSON body with everything personal masked, guided by its schema, for files that outlive
//! the exchange (a proxy's recordings, fixtures made from real traffic).
//!
//! What stays is what the schema declares and does not mark `x-pii`: enums, numbers, flags,
//! ids, messages. What is masked:
//! - a value under an `x-pii` mark (the mark covers all below it) becomes its kind and length,
//!   `"[name: 14 chars]"`, `"[secret]"`; an image (`x-pii: image` or a field with image rules)
//!   becomes its format and decoded size, `"[image: jpeg, 120,000 bytes]"`;
//! - a field the schema does not declare, and a whole body without a schema, keeps its shape
//!   and loses its values (`"[string: 5 chars]"`, `"[number]"`): a vendor's new field may hold
//!   personal data the spec does not know about yet.
//!
//! Stricter than [`PiiKind::mask`], the form logs show (which keeps a NIK's first and last
//! four digits and an email's domain): a file outlives the exchange and travels further.

use serde_json::{Map, Value};

use crate::image::{self, ImageRule};
use crate::{PiiKind, Spec};

/// How deep a value is followed before the rest is masked whole.
const MAX_DEPTH: usize = 32;

/// `value` with everything personal masked (see the [module](self)); `schema` is the body's
/// schema in `spec` (references followed), `None` when the spec declares none.
pub fn redact(spec: &Spec, schema: Option<&Value>, value: &Value) -> Value {
    match schema {
        Some(schema) => Redactor { spec }.value(schema, value, 0),
        None => unknown(value, 0),
    }
}

/// The masked form of a value of `kind`: its kind and length, never a character of it; an
/// image's format and size.
pub fn mask(kind: PiiKind, value: &Value) -> Value {
    match (kind, value) {
        (_, Value::Null) => Value::Null,
        (PiiKind::Secret, _) => Value::String("[secret]".into()),
        (PiiKind::Image, Value::String(text)) => Value::String(image_summary(text)),
        (_, Value::String(text)) => Value::String(format!("[{kind}: {} chars]", chars(text))),
        (_, Value::Array(items)) => Value::Array(items.iter().map(|v| mask(kind, v)).collect()),
        _ => Value::String(format!("[{kind}]")),
    }
}

/// The format and size of an image file's bytes, `"[image: png, 2,048 bytes]"`.
pub fn image_file_summary(bytes: &[u8]) -> String {
    match image::inspect(bytes) {
        Ok(info) => format!(
            "[image: {}, {} bytes]",
            info.format.as_str(),
            grouped(info.bytes)
        ),
        Err(_) => format!("[file: {} bytes]", grouped(bytes.len())),
    }
}

fn image_summary(base64: &str) -> String {
    match image::inspect_base64(base64) {
        Ok(info) => format!(
            "[image: {}, {} bytes]",
            info.format.as_str(),
            grouped(info.bytes)
        ),
        Err(_) => format!("[image: unreadable, {} chars]", chars(base64)),
    }
}

struct Redactor<'s> {
    spec: &'s Spec,
}

impl Redactor<'_> {
    fn value(&self, schema: &Value, value: &Value, depth: usize) -> Value {
        let schema = self.spec.resolve(schema);
        if depth > MAX_DEPTH {
            return unknown(value, depth);
        }
        if let Some(kind) = PiiKind::of(schema) {
            return mask(kind, value);
        }
        if ImageRule::from_schema(schema).is_some() {
            return mask(PiiKind::Image, value);
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let Some(members) = schema.get(combinator).and_then(Value::as_array) {
                // The member the value looks like; none fitting, the value is masked whole.
                return match members.iter().find(|m| self.fits(m, value)) {
                    Some(member) => self.value(member, value, depth + 1),
                    None => unknown(value, depth),
                };
            }
        }
        match value {
            Value::Object(fields) => Value::Object(self.object(schema, fields, depth)),
            Value::Array(items) => match schema.get("items") {
                Some(item) => items
                    .iter()
                    .map(|v| self.value(item, v, depth + 1))
                    .collect(),
                None => unknown(value, depth),
            },
            other => other.clone(),
        }
    }

    fn object(
        &self,
        schema: &Value,
        fields: &Map<String, Value>,
        depth: usize,
    ) -> Map<String, Value> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties").filter(|a| a.is_object());
        fields
            .iter()
            .map(|(name, field)| {
                let masked = match properties.and_then(|p| p.get(name)).or(additional) {
                    Some(property) => self.value(property, field, depth + 1),
                    None => unknown(field, depth + 1),
                };
                (name.clone(), masked)
            })
            .collect()
    }

    /// Whether `value` has the `type` of `schema` and, for an object, its required fields.
    fn fits(&self, schema: &Value, value: &Value) -> bool {
        let schema = self.spec.resolve(schema);
        let typed = match schema.get("type").and_then(Value::as_str) {
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some("array") => value.is_array(),
            Some("object") => value.is_object(),
            _ => true,
        };
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .all(|name| value.get(name).is_some());
        typed && (!value.is_object() || required)
    }
}

/// A value no schema describes: its shape, no value.
fn unknown(value: &Value, depth: usize) -> Value {
    match value {
        Value::Null | Value::Bool(_) => value.clone(),
        Value::Number(_) => Value::String("[number]".into()),
        Value::String(text) => Value::String(format!("[string: {} chars]", chars(text))),
        Value::Array(items) if depth < MAX_DEPTH => {
            items.iter().map(|v| unknown(v, depth + 1)).collect()
        }
        Value::Object(fields) if depth < MAX_DEPTH => fields
            .iter()
            .map(|(name, v)| (name.clone(), unknown(v, depth + 1)))
            .collect(),
        _ => Value::String("[nested]".into()),
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// `120000` as `120,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::image::sample::Image;

    fn demo() -> Spec {
        Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
            "paths": {},
            "components": {"schemas": {
                "Name": {"type": "string", "x-pii": "name"},
                "Person": {
                    "type": "object",
                    "properties": {
                        "name": {"$ref": "#/components/schemas/Name"},
                        "status": {"type": "string", "enum": ["DONE"]},
                        "score": {"type": "number"},
                        "aliases": {"type": "array", "items": {"$ref": "#/components/schemas/Name"}},
                        "address": {"type": "object", "x-pii": "address",
                                    "properties": {"city": {"type": "string"}}},
                        "face": {"type": "string", "format": "byte", "x-max-bytes": 100000},
                        "key": {"type": "string", "x-pii": "secret"},
                        "when": {"oneOf": [
                            {"type": "string"},
                            {"type": "object", "required": ["y"],
                             "properties": {"y": {"type": "integer"}}}
                        ]}
                    }
                }
            }}
        }))
        .unwrap()
    }

    #[test]
    fn personal_data_and_unknown_fields_are_masked_the_rest_kept() {
        let spec = demo();
        let face = Image::jpeg(64, 64).base64(2000);
        let person = json!({
            "name": "Eko Hadi Salim",
            "status": "DONE",
            "score": 97.5,
            "aliases": ["Eko", "Salim"],
            "address": {"city": "Jakarta"},
            "face": face,
            "key": "iluma_development_secret",
            "when": {"y": 1990, "extra": "Jl. Sudirman"},
            "mother": {"name": "Siti", "age": 70}
        });
        let redacted = redact(&spec, spec.schema("Person"), &person);
        assert_eq!(
            redacted,
            json!({
                "name": "[name: 14 chars]",
                "status": "DONE",
                "score": 97.5,
                "aliases": ["[name: 3 chars]", "[name: 5 chars]"],
                "address": "[address]",
                "face": "[image: jpeg, 2,000 bytes]",
                "key": "[secret]",
                "when": {"y": 1990, "extra": "[string: 12 chars]"},
                "mother": {"name": "[string: 4 chars]", "age": "[number]"}
            })
        );
        assert_eq!(
            redact(&spec, None, &json!({"a": ["x", 1, true, null]})),
            json!({"a": ["[string: 1 chars]", "[number]", true, null]})
        );
    }

    #[test]
    fn image_files_are_format_and_size() {
        let png = Image::png(10, 10).bytes(1234);
        assert_eq!(image_file_summary(&png), "[image: png, 1,234 bytes]");
        assert_eq!(image_file_summary(b"hello"), "[file: 5 bytes]");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
