//! Validation of a value against a spec schema: the one walk the client (before sending), the
//! sandbox (on what it receives) and a response check share.
//!
//! What is checked: `type`, `nullable`, `enum`, `required`, unknown fields under
//! `additionalProperties: false` (and `additionalProperties` schemas), `minLength`/`maxLength`
//! (in characters), `pattern` (ECMA-262, compiled once per [`Spec`]), `format` (`date`,
//! `date-time`, `email`, `uuid`; `byte` when base64 is not trusted), `minimum`/`maximum` (and
//! their `exclusive` forms), `minItems`/`maxItems`/`uniqueItems`, `items`, `oneOf`/`anyOf`/
//! `allOf`, `$ref`, and the image rules the specs carry as vendor extensions
//! (`x-image-formats`, `x-min-bytes`, `x-max-bytes`, `x-min-pixels`), read from the image's
//! header without decoding it.
//!
//! Each problem is a [`Violation`]: the field's path as a caller writes it
//! (`addresses[0].country`) and as a JSON pointer (`/addresses/0/country`), the [`Rule`]
//! broken, a predicate that follows the path in a message (`is 3 characters; the minimum is
//! 16`), whether the value is `x-pii`, and whether a reader would still decode it. A message
//! gives the rule and the value's size or shape, never the value: request values are NIKs,
//! names, faces.
//!
//! A validator checks requests by default; [`Validator::response`] checks what a vendor sent,
//! with the reader's tolerances (see [`response`]): an unknown field, an unlisted value of an
//! `x-open-enum`, a missing field of an `x-undocumented` guess are reported as decoding.
//!
//! ```
//! use kyc_spec::Spec;
//! use kyc_spec::validate::{Rule, Validator};
//! use serde_json::json;
//!
//! let spec = Spec::from_value(json!({
//!     "openapi": "3.0.3",
//!     "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
//!     "paths": {},
//!     "components": {"schemas": {"Request": {
//!         "type": "object",
//!         "required": ["nik"],
//!         "additionalProperties": false,
//!         "properties": {"nik": {"type": "string", "pattern": "^[0-9]{16}$"}}
//!     }}}
//! }))?;
//! let schema = spec.schema("Request").unwrap();
//! let found = Validator::new(&spec).value(schema, &json!({"nik": "123", "note": true}));
//! let found: Vec<_> = found.iter().map(|v| (v.path.as_str(), v.rule)).collect();
//! assert_eq!(found, [("nik", Rule::Pattern), ("note", Rule::UnknownField)]);
//! # Ok::<(), kyc_spec::SpecShapeError>(())
//! ```

mod formats;
pub mod json;
mod patterns;
pub mod response;
mod values;
mod walk;

use std::fmt;

use serde_json::{Map, Number, Value};

use crate::Spec;
use crate::extensions::PiiKind;
pub use json::Json;
pub(crate) use patterns::Patterns;
pub use response::Direction;

/// The rule a value breaks, named by the schema keyword or vendor extension that states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The body is not JSON at all.
    Json,
    /// `type`.
    Type,
    /// `null` where the schema is not `nullable`.
    Null,
    /// `required`.
    Required,
    /// A field the schema does not have, under `additionalProperties: false` (or a part of a
    /// multipart form that is not one of its properties).
    UnknownField,
    /// `enum`.
    Enum,
    /// `pattern`.
    Pattern,
    /// `minLength`.
    MinLength,
    /// `maxLength`.
    MaxLength,
    /// `minimum` (or `exclusiveMinimum`).
    Minimum,
    /// `maximum` (or `exclusiveMaximum`).
    Maximum,
    /// `minItems`.
    MinItems,
    /// `maxItems`.
    MaxItems,
    /// `uniqueItems`.
    UniqueItems,
    /// `oneOf`: no member matches.
    OneOf,
    /// `anyOf`: no member matches.
    AnyOf,
    /// `format` (for an image field: base64 text that is not valid base64).
    Format,
    /// `x-image-formats`: an image in a format the field does not accept (or none recognised).
    ImageFormats,
    /// `x-min-bytes`.
    MinBytes,
    /// `x-max-bytes`.
    MaxBytes,
    /// `x-min-pixels`.
    MinPixels,
    /// An image field whose content cannot be read as an image (empty, truncated, malformed).
    Image,
    /// A response status the operation does not declare (see [`Validator::status`]).
    Status,
}

impl Rule {
    /// The keyword or extension, as the spec writes it: `minLength`, `x-max-bytes`; and
    /// `json`, `null`, `unknown-field`, `image`, `status` for the rules no single keyword names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Type => "type",
            Self::Null => "null",
            Self::Required => "required",
            Self::UnknownField => "unknown-field",
            Self::Enum => "enum",
            Self::Pattern => "pattern",
            Self::MinLength => "minLength",
            Self::MaxLength => "maxLength",
            Self::Minimum => "minimum",
            Self::Maximum => "maximum",
            Self::MinItems => "minItems",
            Self::MaxItems => "maxItems",
            Self::UniqueItems => "uniqueItems",
            Self::OneOf => "oneOf",
            Self::AnyOf => "anyOf",
            Self::Format => "format",
            Self::ImageFormats => "x-image-formats",
            Self::MinBytes => "x-min-bytes",
            Self::MaxBytes => "x-max-bytes",
            Self::MinPixels => "x-min-pixels",
            Self::Image => "image",
            Self::Status => "status",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule one value breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation<'s> {
    /// The field, as a path: `identityId`, `addresses[0].country`; empty for the whole body.
    pub path: String,
    /// The same field as a JSON pointer into the body: `/identityId`, `/addresses/0/country`;
    /// empty for the whole body.
    pub pointer: String,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong, as a predicate to follow the path (`is required`, `is 3 characters; the
    /// minimum is 16`): the rule and the value's size or shape, never the value.
    pub message: String,
    /// The schema that states the rule, references followed (for `required` and
    /// `unknown-field`, the object's schema), so a caller can word its own message from the
    /// limit (`minLength`, `enum`, `type`, ...).
    pub schema: &'s Value,
    /// Whether a reader of this value would still decode it: in the [`Direction::Response`]
    /// only, for an unknown field, an unlisted value of an `x-open-enum` and a missing field of
    /// an `x-undocumented` guess (see [`response`]). Always `false` for a request, which is
    /// refused for any violation.
    pub decodes: bool,
    /// The `x-pii` kind of the value at the path (its own mark or an enclosing one's): when
    /// set, a caller must not show the value, not even an unlisted enum value.
    pub pii: Option<PiiKind>,
}

impl fmt::Display for Violation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "body"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.message)
    }
}

impl std::error::Error for Violation<'_> {}

/// What a value looks like to the validator: [`Instance::view`] of a `serde_json::Value` or of
/// a borrowed [`Json`].
#[derive(Debug, Clone)]
pub enum View<'v, I: Instance> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(&'v Number),
    /// A string.
    String(&'v str),
    /// An array.
    Array(&'v [I]),
    /// An object's fields.
    Object(I::Fields<'v>),
}

/// A JSON value the validator can walk.
pub trait Instance: Sized {
    /// An object's fields, as `(name, value)`.
    type Fields<'v>: Iterator<Item = (&'v str, &'v Self)> + Clone
    where
        Self: 'v;

    /// What the value is.
    fn view(&self) -> View<'_, Self>;
}

type ValueFieldOf = for<'v> fn((&'v String, &'v Value)) -> (&'v str, &'v Value);

impl Instance for Value {
    type Fields<'v> = std::iter::Map<serde_json::map::Iter<'v>, ValueFieldOf>;

    fn view(&self) -> View<'_, Self> {
        match self {
            Value::Null => View::Null,
            Value::Bool(b) => View::Bool(*b),
            Value::Number(n) => View::Number(n),
            Value::String(s) => View::String(s),
            Value::Array(items) => View::Array(items),
            Value::Object(fields) => View::Object(fields.iter().map(value_field as ValueFieldOf)),
        }
    }
}

fn value_field<'v>((name, value): (&'v String, &'v Value)) -> (&'v str, &'v Value) {
    (name, value)
}

/// Checks values against the schemas of one [`Spec`]. By default it reports every violation
/// (a sandbox answers with all of them) and checks base64 text in full; [`Validator::first_only`]
/// stops at the first (a client refuses on it), [`Validator::trusting_base64`] reads only the
/// header of base64 image text already known to be valid.
#[derive(Debug, Clone, Copy)]
pub struct Validator<'s> {
    spec: &'s Spec,
    first_only: bool,
    trusted_base64: bool,
    direction: Direction,
}

impl<'s> Validator<'s> {
    /// A validator for `spec`'s schemas: every violation, base64 checked in full.
    pub fn new(spec: &'s Spec) -> Self {
        Self {
            spec,
            first_only: false,
            trusted_base64: false,
            direction: Direction::Request,
        }
    }

    /// Stops at the first violation that does not decode (in the order: the value's own
    /// rules, then `required`, then the fields in the value's order); the tolerated ones found
    /// before it are kept. A request's violations never decode: it stops at the first.
    pub fn first_only(mut self) -> Self {
        self.first_only = true;
        self
    }

    /// Base64 image text is known to be valid (the client's `Base64Image` checks it when
    /// built): only its length and header are read, so the cost does not grow with the image.
    pub fn trusting_base64(mut self) -> Self {
        self.trusted_base64 = true;
        self
    }

    /// Checks `value` against `schema` (a schema of this spec; references are followed).
    pub fn value<I: Instance>(&self, schema: &'s Value, value: &I) -> Vec<Violation<'s>> {
        let mut walk = walk::Walk::new(self);
        let _ = walk.check(schema, value, 0);
        walk.into_violations()
    }

    /// Reads a JSON body (borrowing its strings, see [`json::parse`]) and checks it against
    /// `schema`. A body that is not JSON is one [`Rule::Json`] violation.
    pub fn json(&self, schema: &'s Value, body: &[u8]) -> Vec<Violation<'s>> {
        match json::parse(body) {
            Ok(value) => self.value(schema, &value),
            Err(_) => vec![Violation {
                path: String::new(),
                pointer: String::new(),
                rule: Rule::Json,
                message: "is not valid JSON".into(),
                schema: self.spec.resolve(schema),
                decodes: false,
                pii: None,
            }],
        }
    }

    /// Checks a `multipart/form-data` body against its object `schema`: the text parts as
    /// strings under their properties' schemas, the file parts (`(name, bytes)`) against their
    /// properties' image rules. Every part must be a property, every required property a part.
    pub fn multipart(
        &self,
        schema: &'s Value,
        text_fields: &Map<String, Value>,
        files: &[(&str, &[u8])],
    ) -> Vec<Violation<'s>> {
        let mut walk = walk::Walk::new(self);
        let _ = walk.multipart(schema, text_fields, files);
        walk.into_violations()
    }

    /// [`Validator::json`] with the `application/json` request schema of `operation_id`; no
    /// violation when the operation has none.
    pub fn request_json(&self, operation_id: &str, body: &[u8]) -> Vec<Violation<'s>> {
        match self.spec.request_schema(operation_id, "application/json") {
            Some(schema) => self.json(schema, body),
            None => Vec::new(),
        }
    }

    /// [`Validator::multipart`] with the `multipart/form-data` request schema of
    /// `operation_id`; no violation when the operation has none.
    pub fn request_multipart(
        &self,
        operation_id: &str,
        text_fields: &Map<String, Value>,
        files: &[(&str, &[u8])],
    ) -> Vec<Violation<'s>> {
        match self
            .spec
            .request_schema(operation_id, "multipart/form-data")
        {
            Some(schema) => self.multipart(schema, text_fields, files),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
