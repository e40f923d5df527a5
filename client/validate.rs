//! Request validation against the spec, before anything leaves the machine.
//!
//! Every call's body is checked against its operation's request schema in the embedded spec
//! (see [`crate::spec`]): types, required and unknown fields, lengths, patterns, enums, ranges,
//! formats, and the image limits the specs carry as vendor extensions (`x-image-formats`,
//! `x-min-bytes`, `x-max-bytes`, `x-min-pixels`). A violation names the field, the rule and
//! the value's size or shape — never the value, which may be a NIK, a name or a face.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::call::Vendor;
use crate::image::{self, ImageRule};

/// A JSON value whose strings borrow from the request body where they can: a body carrying
/// 6 MB of images is validated without a second copy of them (`serde_json::Value` would own
/// every string).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// From an owned `serde_json::Value` (the multipart fields, built in code).
    pub(crate) fn from_value(value: &'a Value) -> Self {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v)))
                    .collect(),
            ),
        }
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Json<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Json<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json<'a>, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json<'a>, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json<'a>, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json<'a>, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json<'a>, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Json<'a>, E> {
                Ok(Json::String(Cow::Owned(v)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Json<'a>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Json<'a>, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, Json<'a>>()? {
                    fields.push((key, value));
                }
                Ok(Json::Object(fields))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// A JSON reader for request bodies that finds the end of each string with `memchr` (SIMD)
/// rather than byte by byte: a body is mostly one or two base64 images, and this read runs on
/// every call. It handles what serde_json writes; anything else (an escape in a string, an
/// unusual number) returns `None` and the caller falls back to serde_json, which is exact.
mod fast {
    use std::borrow::Cow;

    use super::Json;

    pub(super) fn parse(body: &[u8]) -> Option<Json<'_>> {
        let mut reader = Reader { body, at: 0 };
        let value = reader.value(0)?;
        reader.skip_whitespace();
        (reader.at == body.len()).then_some(value)
    }

    struct Reader<'a> {
        body: &'a [u8],
        at: usize,
    }

    impl<'a> Reader<'a> {
        fn skip_whitespace(&mut self) {
            while self
                .body
                .get(self.at)
                .is_some_and(|b| b.is_ascii_whitespace())
            {
                self.at += 1;
            }
        }

        fn expect(&mut self, byte: u8) -> Option<()> {
            self.skip_whitespace();
            (self.body.get(self.at) == Some(&byte)).then(|| self.at += 1)
        }

        fn value(&mut self, depth: usize) -> Option<Json<'a>> {
            // Request bodies are shallow; a deep one goes to serde_json, which limits depth.
            if depth > 32 {
                return None;
            }
            self.skip_whitespace();
            match *self.body.get(self.at)? {
                b'{' => {
                    self.at += 1;
                    let mut fields = Vec::new();
                    self.skip_whitespace();
                    if self.body.get(self.at) == Some(&b'}') {
                        self.at += 1;
                        return Some(Json::Object(fields));
                    }
                    loop {
                        self.skip_whitespace();
                        let key = self.string()?;
                        self.expect(b':')?;
                        fields.push((key, self.value(depth + 1)?));
                        self.skip_whitespace();
                        match *self.body.get(self.at)? {
                            b',' => self.at += 1,
                            b'}' => {
                                self.at += 1;
                                return Some(Json::Object(fields));
                            }
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    self.skip_whitespace();
                    if self.body.get(self.at) == Some(&b']') {
                        self.at += 1;
                        return Some(Json::Array(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip_whitespace();
                        match *self.body.get(self.at)? {
                            b',' => self.at += 1,
                            b']' => {
                                self.at += 1;
                                return Some(Json::Array(items));
                            }
                            _ => return None,
                        }
                    }
                }
                b'"' => self.string().map(Json::String),
                b't' => self.literal(b"true", Json::Bool(true)),
                b'f' => self.literal(b"false", Json::Bool(false)),
                b'n' => self.literal(b"null", Json::Null),
                _ => {
                    let start = self.at;
                    while self.body.get(self.at).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        self.at += 1;
                    }
                    let number = serde_json::from_slice(&self.body[start..self.at]).ok()?;
                    Some(Json::Number(number))
                }
            }
        }

        fn literal(&mut self, word: &[u8], value: Json<'a>) -> Option<Json<'a>> {
            let end = self.at + word.len();
            (self.body.get(self.at..end) == Some(word)).then(|| {
                self.at = end;
                value
            })
        }

        /// A string without escapes, borrowed; `None` (fall back) for one with escapes.
        fn string(&mut self) -> Option<Cow<'a, str>> {
            if self.body.get(self.at) != Some(&b'"') {
                return None;
            }
            let start = self.at + 1;
            let length = memchr::memchr2(b'"', b'\\', &self.body[start..])?;
            if self.body[start + length] != b'"' {
                return None;
            }
            let text = &self.body[start..start + length];
            // A raw control character would make this invalid JSON, which this reader does not
            // look for: the bodies it reads are written by serde_json, which escapes them.
            self.at = start + length + 1;
            std::str::from_utf8(text).ok().map(Cow::Borrowed)
        }
    }
}

/// The first rule a request breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The field, as a path: `identityId`, `addresses[0].country`.
    pub(crate) field: String,
    /// The rule broken and the value's size or shape.
    pub(crate) reason: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() {
            "body"
        } else {
            &self.field
        };
        write!(f, "{field}: {}", self.reason)
    }
}

fn violation(field: &str, reason: impl Into<String>) -> Violation {
    Violation {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// The request schema of a JSON operation, if it has one.
fn request_schema<'a>(
    spec: &'a OpenAPI,
    operation_id: &str,
    media_type: &str,
) -> Option<&'a ReferenceOr<Schema>> {
    let (_, _, operation) = spec
        .operations()
        .find(|(_, _, op)| op.operation_id.as_deref() == Some(operation_id))?;
    let body = operation.request_body.as_ref()?.as_item()?;
    body.content.get(media_type)?.schema.as_ref()
}

/// Checks a serialized JSON request body of `operation_id`.
pub(crate) fn json_request(
    vendor: Vendor,
    operation_id: &str,
    body: &[u8],
) -> Result<(), Violation> {
    let spec = vendor.spec();
    let Some(schema) = request_schema(spec, operation_id, "application/json") else {
        return Ok(());
    };
    let value = match fast::parse(body) {
        Some(value) => value,
        None => serde_json::from_slice(body).map_err(|_| violation("", "is not valid JSON"))?,
    };
    check(spec, schema, &value, "")
}

/// Checks a multipart request of `operation_id`: its text fields as a JSON object, and its
/// files as `(field, bytes)`.
pub(crate) fn multipart_request(
    vendor: Vendor,
    operation_id: &str,
    text_fields: &serde_json::Map<String, Value>,
    files: &[(&str, &[u8])],
) -> Result<(), Violation> {
    let spec = vendor.spec();
    let Some(schema) = request_schema(spec, operation_id, "multipart/form-data") else {
        return Ok(());
    };
    let Some(schema) = crate::spec::resolve(spec, schema) else {
        return Ok(());
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(());
    };
    for name in &object.required {
        if !text_fields.contains_key(name) && !files.iter().any(|(f, _)| f == name) {
            return Err(violation(name, "is required"));
        }
    }
    for (name, value) in text_fields {
        let property = object
            .properties
            .get(name)
            .ok_or_else(|| violation(name, "is not a field of this request"))?;
        check(
            spec,
            &property.clone().unbox(),
            &Json::from_value(value),
            name,
        )?;
    }
    for (name, bytes) in files {
        let property = object
            .properties
            .get(*name)
            .ok_or_else(|| violation(name, "is not a field of this request"))?;
        let property = property.clone().unbox();
        if let Some(rule) = crate::spec::resolve(spec, &property)
            .and_then(|s| ImageRule::from_extensions(|k| s.schema_data.extensions.get(k)))
        {
            let info = image::inspect(bytes).map_err(|err| violation(name, err.to_string()))?;
            rule.check(&info)
                .map_err(|err| violation(name, err.to_string()))?;
        }
    }
    Ok(())
}

fn kind_of(value: &Json<'_>) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Checks `value` at `path` against `schema`; the first violation wins.
fn check(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    value: &Json<'_>,
    path: &str,
) -> Result<(), Violation> {
    let Some(schema) = crate::spec::resolve(spec, schema) else {
        return Ok(());
    };
    if matches!(value, Json::Null) {
        return if schema.schema_data.nullable {
            Ok(())
        } else {
            Err(violation(path, "must not be null"))
        };
    }
    // The text comes from a `Base64Image`, which holds valid base64 by construction (checked
    // when built from text, encoded by us from bytes), so only the header is read here.
    if let (Some(rule), Json::String(encoded)) = (
        ImageRule::from_extensions(|k| schema.schema_data.extensions.get(k)),
        value,
    ) {
        let info =
            image::inspect_valid_base64(encoded).map_err(|err| violation(path, err.to_string()))?;
        rule.check(&info)
            .map_err(|err| violation(path, err.to_string()))?;
        return Ok(());
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let Json::String(text) = value else {
                return Err(violation(
                    path,
                    format!("must be a string, not {}", kind_of(value)),
                ));
            };
            check_string(string, text, path)
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            let Some(number) = (match value {
                Json::Number(n) => n.as_i64(),
                _ => None,
            }) else {
                return Err(violation(
                    path,
                    format!("must be a whole number, not {}", kind_of(value)),
                ));
            };
            if let Some(minimum) = integer.minimum
                && number < minimum
            {
                return Err(violation(
                    path,
                    format!("is {number}; the minimum is {minimum}"),
                ));
            }
            if let Some(maximum) = integer.maximum
                && number > maximum
            {
                return Err(violation(
                    path,
                    format!("is {number}; the maximum is {maximum}"),
                ));
            }
            Ok(())
        }
        SchemaKind::Type(Type::Number(bounds)) => {
            let Some(number) = (match value {
                Json::Number(n) => n.as_f64(),
                _ => None,
            }) else {
                return Err(violation(
                    path,
                    format!("must be a number, not {}", kind_of(value)),
                ));
            };
            if let Some(minimum) = bounds.minimum
                && number < minimum
            {
                return Err(violation(
                    path,
                    format!("is {number}; the minimum is {minimum}"),
                ));
            }
            if let Some(maximum) = bounds.maximum
                && number > maximum
            {
                return Err(violation(
                    path,
                    format!("is {number}; the maximum is {maximum}"),
                ));
            }
            Ok(())
        }
        SchemaKind::Type(Type::Boolean(_)) => match value {
            Json::Bool(_) => Ok(()),
            _ => Err(violation(
                path,
                format!("must be true or false, not {}", kind_of(value)),
            )),
        },
        SchemaKind::Type(Type::Object(object)) => {
            let Json::Object(fields) = value else {
                return Err(violation(
                    path,
                    format!("must be an object, not {}", kind_of(value)),
                ));
            };
            for name in &object.required {
                if value.get(name).is_none() {
                    return Err(violation(&join(path, name), "is required"));
                }
            }
            for (name, field) in fields {
                match object.properties.get(name.as_ref()) {
                    Some(property) => {
                        check(spec, &property.clone().unbox(), field, &join(path, name))?
                    }
                    None => match &object.additional_properties {
                        Some(openapiv3::AdditionalProperties::Any(false)) => {
                            return Err(violation(
                                &join(path, name),
                                "is not a field of this request",
                            ));
                        }
                        Some(openapiv3::AdditionalProperties::Schema(extra)) => {
                            check(spec, extra, field, &join(path, name))?;
                        }
                        _ => {}
                    },
                }
            }
            Ok(())
        }
        SchemaKind::Type(Type::Array(array)) => {
            let Json::Array(items) = value else {
                return Err(violation(
                    path,
                    format!("must be a list, not {}", kind_of(value)),
                ));
            };
            if let Some(min) = array.min_items
                && items.len() < min
            {
                return Err(violation(
                    path,
                    format!("has {} items; the minimum is {min}", items.len()),
                ));
            }
            if let Some(max) = array.max_items
                && items.len() > max
            {
                return Err(violation(
                    path,
                    format!("has {} items; the maximum is {max}", items.len()),
                ));
            }
            if array.unique_items {
                for (i, item) in items.iter().enumerate() {
                    if items[..i].contains(item) {
                        return Err(violation(
                            &format!("{path}[{i}]"),
                            "repeats an earlier item; items must be unique",
                        ));
                    }
                }
            }
            if let Some(item_schema) = &array.items {
                let item_schema = item_schema.clone().unbox();
                for (i, item) in items.iter().enumerate() {
                    check(spec, &item_schema, item, &format!("{path}[{i}]"))?;
                }
            }
            Ok(())
        }
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            if members.iter().any(|m| check(spec, m, value, path).is_ok()) {
                Ok(())
            } else {
                Err(violation(path, "matches none of the accepted forms"))
            }
        }
        SchemaKind::AllOf { all_of } => all_of.iter().try_for_each(|m| check(spec, m, value, path)),
        _ => Ok(()),
    }
}

fn check_string(string: &openapiv3::StringType, text: &str, path: &str) -> Result<(), Violation> {
    let length = text.chars().count();
    if !string.enumeration.is_empty() && !string.enumeration.iter().flatten().any(|e| e == text) {
        let allowed: Vec<&str> = string
            .enumeration
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        return Err(violation(
            path,
            format!("is not one of: {}", allowed.join(", ")),
        ));
    }
    if let Some(min) = string.min_length
        && length < min
    {
        return Err(violation(
            path,
            format!("is {length} characters; the minimum is {min}"),
        ));
    }
    if let Some(max) = string.max_length
        && length > max
    {
        return Err(violation(
            path,
            format!("is {length} characters; the maximum is {max}"),
        ));
    }
    if let Some(pattern) = &string.pattern
        && !matches_pattern(pattern, text)
    {
        return Err(violation(
            path,
            format!("does not match the pattern {pattern} ({length} characters)"),
        ));
    }
    match &string.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date)
            if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() =>
        {
            return Err(violation(path, "is not a date in the form YYYY-MM-DD"));
        }
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)
            if chrono::DateTime::parse_from_rfc3339(text).is_err() =>
        {
            return Err(violation(path, "is not an RFC 3339 date-time"));
        }
        VariantOrUnknownOrEmpty::Unknown(format) if format == "email" => {
            let valid = text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !text.chars().any(char::is_whitespace);
            if !valid {
                return Err(violation(
                    path,
                    format!("is not an email address ({length} characters)"),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether `text` matches an ECMA-262 pattern (OpenAPI's dialect, as the generated types use),
/// compiling each pattern once.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    static COMPILED: OnceLock<Mutex<HashMap<String, Option<regress::Regex>>>> = OnceLock::new();
    let mut compiled = COMPILED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // Looked up by `&str` first: the key is allocated once per pattern, not once per call.
    if !compiled.contains_key(pattern) {
        compiled.insert(pattern.to_string(), regress::Regex::new(pattern).ok());
    }
    let regex = &compiled[pattern];
    // A pattern regress cannot compile was accepted by the build; do not block calls on it.
    regex.as_ref().is_none_or(|r| r.find(text).is_some())
}

#[cfg(test)]
mod tests {
    use super::{Json, fast};

    /// The fast reader agrees with serde_json wherever it answers, and steps aside (for the
    /// serde_json fallback) where it does not.
    #[test]
    fn the_fast_reader_agrees_with_serde_json() {
        let bodies = [
            r#"{"identityId":"1234567890123456","faceImage":"/9j/4AAQSkZJRg=="}"#,
            r#" { "a" : [1, -2.5e3, true, false, null, {"b": []}, {}] } "#,
            r#"{"scopes":["PEP","OTHER"],"score_threshold":90,"nested":{"x":{"y":[[]]}}}"#,
            r#""just a string""#,
            r#"[]"#,
            "{\"name\":\"Nur \u{e9}\u{4e2d}\"}",
        ];
        for body in bodies {
            let fast = fast::parse(body.as_bytes()).unwrap_or_else(|| panic!("read {body}"));
            let exact: Json<'_> = serde_json::from_str(body).unwrap();
            assert_eq!(fast, exact, "{body}");
        }
        let fall_back = [
            r#"{"name":"with \"escaped\" quotes"}"#,
            r#"{"a":1"#,
            r#"{"a":1}}"#,
            r#"{"a" 1}"#,
            r#"[1,]"#,
            r#"{"a":tru}"#,
            r#"{"a":1.2.3}"#,
        ];
        for body in fall_back {
            assert!(fast::parse(body.as_bytes()).is_none(), "{body}");
        }
    }
}
