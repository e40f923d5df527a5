//! The schema walk behind [`Validator`](super::Validator). One path buffer is extended and cut
//! back as the walk goes down and up, and a schema's keywords are read in one pass over its
//! keys, so checking a valid value allocates nothing per field; text is only built for a
//! violation.

use std::fmt::Write as _;
use std::ops::ControlFlow;

use serde_json::{Map, Number, Value};

use super::{Instance, Rule, Validator, View, Violation, formats};
use crate::Spec;
use crate::image::{self, ImageError, ImageInfo, ImageRule, ImageRuleViolation};

/// How deep schemas may nest (through `allOf` and references) before the walk gives up on a
/// branch: the specs have no recursive schemas, and this keeps a future one from looping.
const MAX_DEPTH: usize = 64;

/// `Break` ends the walk: the first violation was found and only the first was asked for.
type Flow = ControlFlow<()>;

pub(super) struct Walk<'s> {
    spec: &'s Spec,
    first_only: bool,
    trusted_base64: bool,
    path: String,
    out: Vec<Violation<'s>>,
}

/// The keywords of one schema node, read in one pass over its keys.
#[derive(Default)]
struct Keywords<'s> {
    ty: Option<&'s str>,
    nullable: bool,
    enumeration: Option<&'s [Value]>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<&'s str>,
    format: Option<&'s str>,
    minimum: Option<&'s Number>,
    maximum: Option<&'s Number>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    properties: Option<&'s Map<String, Value>>,
    required: Option<&'s [Value]>,
    additional: Option<&'s Value>,
    items: Option<&'s Value>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    one_of: Option<&'s [Value]>,
    any_of: Option<&'s [Value]>,
    all_of: Option<&'s [Value]>,
    image: bool,
}

impl<'s> Keywords<'s> {
    fn of(schema: &'s Value) -> Self {
        let mut k = Self::default();
        let Value::Object(map) = schema else {
            return k;
        };
        for (key, value) in map {
            match key.as_str() {
                "type" => k.ty = value.as_str(),
                "nullable" => k.nullable = value.as_bool() == Some(true),
                "enum" => k.enumeration = value.as_array().map(Vec::as_slice),
                "minLength" => k.min_length = value.as_u64(),
                "maxLength" => k.max_length = value.as_u64(),
                "pattern" => k.pattern = value.as_str(),
                "format" => k.format = value.as_str(),
                "minimum" => k.minimum = value.as_number(),
                "maximum" => k.maximum = value.as_number(),
                "exclusiveMinimum" => k.exclusive_minimum = value.as_bool() == Some(true),
                "exclusiveMaximum" => k.exclusive_maximum = value.as_bool() == Some(true),
                "properties" => k.properties = value.as_object(),
                "required" => k.required = value.as_array().map(Vec::as_slice),
                "additionalProperties" => k.additional = Some(value),
                "items" => k.items = Some(value),
                "minItems" => k.min_items = value.as_u64(),
                "maxItems" => k.max_items = value.as_u64(),
                "uniqueItems" => k.unique_items = value.as_bool() == Some(true),
                "oneOf" => k.one_of = value.as_array().map(Vec::as_slice),
                "anyOf" => k.any_of = value.as_array().map(Vec::as_slice),
                "allOf" => k.all_of = value.as_array().map(Vec::as_slice),
                "x-image-formats" | "x-min-bytes" | "x-max-bytes" | "x-min-pixels" => {
                    k.image = true
                }
                _ => {}
            }
        }
        k
    }
}

impl<'s> Walk<'s> {
    pub(super) fn new(validator: &Validator<'s>) -> Self {
        Self {
            spec: validator.spec,
            first_only: validator.first_only,
            trusted_base64: validator.trusted_base64,
            path: String::new(),
            out: Vec::new(),
        }
    }

    pub(super) fn into_violations(self) -> Vec<Violation<'s>> {
        self.out
    }

    /// Records a violation at the current path.
    fn report(&mut self, rule: Rule, schema: &'s Value, message: impl Into<String>) -> Flow {
        self.out.push(Violation {
            path: self.path.clone(),
            rule,
            message: message.into(),
            schema,
        });
        if self.first_only {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Extends the path with a field name; returns the length to cut back to.
    fn enter(&mut self, name: &str) -> usize {
        let len = self.path.len();
        if len > 0 {
            self.path.push('.');
        }
        self.path.push_str(name);
        len
    }

    fn enter_index(&mut self, index: usize) -> usize {
        let len = self.path.len();
        let _ = write!(self.path, "[{index}]");
        len
    }

    /// Checks `value` against `schema`. After a violation of a value's own rules, its other
    /// rules are not checked (one problem per field), but its siblings still are.
    pub(super) fn check<I: Instance>(
        &mut self,
        schema: &'s Value,
        value: &I,
        depth: usize,
    ) -> Flow {
        if depth > MAX_DEPTH {
            return ControlFlow::Continue(());
        }
        let schema = self.spec.resolve(schema);
        let k = Keywords::of(schema);
        let view = value.view();
        if matches!(view, View::Null) {
            if k.nullable {
                return ControlFlow::Continue(());
            }
            return self.report(Rule::Null, schema, "must not be null");
        }
        if k.image
            && let View::String(text) = view
        {
            let inspected = if self.trusted_base64 {
                image::inspect_valid_base64(text)
            } else {
                image::inspect_base64(text)
            };
            return self.image(schema, inspected);
        }
        if let Some(ty) = k.ty
            && let Some(expected) = type_mismatch(ty, &view)
        {
            return self.report(
                Rule::Type,
                schema,
                format!("must be {expected}, not {}", kind_of(&view)),
            );
        }
        if let Some(allowed) = k.enumeration
            && !allowed.iter().any(|a| equals_value(value, a))
        {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_string))
                .collect();
            return self.report(
                Rule::Enum,
                schema,
                format!("is not one of: {}", names.join(", ")),
            );
        }
        match view {
            View::String(text) => self.string(schema, &k, text)?,
            View::Number(number) => self.number(schema, &k, number)?,
            View::Array(items) => self.array(schema, &k, items, depth)?,
            View::Object(fields) => self.object::<I>(schema, &k, fields, depth)?,
            View::Null | View::Bool(_) => {}
        }
        for (members, rule) in [(k.one_of, Rule::OneOf), (k.any_of, Rule::AnyOf)] {
            if let Some(members) = members
                && !members.iter().any(|m| self.matches(m, value, depth))
            {
                return self.report(rule, schema, "matches none of the accepted forms");
            }
        }
        for member in k.all_of.unwrap_or_default() {
            self.check(member, value, depth + 1)?;
        }
        ControlFlow::Continue(())
    }

    /// Whether `value` meets `schema`, without reporting anything.
    fn matches<I: Instance>(&mut self, schema: &'s Value, value: &I, depth: usize) -> bool {
        let (first_only, found, path) = (self.first_only, self.out.len(), self.path.len());
        self.first_only = true;
        let _ = self.check(schema, value, depth + 1);
        let matched = self.out.len() == found;
        self.out.truncate(found);
        self.path.truncate(path);
        self.first_only = first_only;
        matched
    }

    fn string(&mut self, schema: &'s Value, k: &Keywords<'s>, text: &str) -> Flow {
        // Counted only when needed: most strings have no length rule, and images are long.
        let length = || text.chars().count();
        if let Some(min) = k.min_length
            && (length() as u64) < min
        {
            let message = format!("is {} characters; the minimum is {min}", length());
            return self.report(Rule::MinLength, schema, message);
        }
        if let Some(max) = k.max_length
            && (length() as u64) > max
        {
            let message = format!("is {} characters; the maximum is {max}", length());
            return self.report(Rule::MaxLength, schema, message);
        }
        if let Some(pattern) = k.pattern
            && !self
                .spec
                .patterns()
                .matches(self.spec.document(), pattern, text)
        {
            let message = format!(
                "does not match the pattern {pattern} ({} characters)",
                length()
            );
            return self.report(Rule::Pattern, schema, message);
        }
        let problem = match k.format {
            Some("date") if !formats::is_date(text) => {
                "is not a date in the form YYYY-MM-DD".to_string()
            }
            Some("date-time") if !formats::is_date_time(text) => {
                "is not an RFC 3339 date-time".to_string()
            }
            Some("email") if !formats::is_email(text) => {
                format!("is not an email address ({} characters)", length())
            }
            Some("uuid") if !formats::is_uuid(text) => "is not a UUID".to_string(),
            Some("byte") if !self.trusted_base64 => match image::check_base64(text) {
                Ok(_) => return ControlFlow::Continue(()),
                Err(err) => err.to_string(),
            },
            _ => return ControlFlow::Continue(()),
        };
        self.report(Rule::Format, schema, problem)
    }

    fn number(&mut self, schema: &'s Value, k: &Keywords<'s>, number: &Number) -> Flow {
        let Some(n) = number.as_f64() else {
            return ControlFlow::Continue(());
        };
        if let Some(min) = k.minimum
            && let Some(limit) = min.as_f64()
            && (n < limit || (k.exclusive_minimum && n == limit))
        {
            let message = if k.exclusive_minimum {
                format!("is too small; the minimum (exclusive) is {min}")
            } else {
                format!("is too small; the minimum is {min}")
            };
            return self.report(Rule::Minimum, schema, message);
        }
        if let Some(max) = k.maximum
            && let Some(limit) = max.as_f64()
            && (n > limit || (k.exclusive_maximum && n == limit))
        {
            let message = if k.exclusive_maximum {
                format!("is too large; the maximum (exclusive) is {max}")
            } else {
                format!("is too large; the maximum is {max}")
            };
            return self.report(Rule::Maximum, schema, message);
        }
        ControlFlow::Continue(())
    }

    fn array<I: Instance>(
        &mut self,
        schema: &'s Value,
        k: &Keywords<'s>,
        items: &[I],
        depth: usize,
    ) -> Flow {
        let count = items.len() as u64;
        if let Some(min) = k.min_items
            && count < min
        {
            let message = format!("has {count} items; the minimum is {min}");
            return self.report(Rule::MinItems, schema, message);
        }
        if let Some(max) = k.max_items
            && count > max
        {
            let message = format!("has {count} items; the maximum is {max}");
            return self.report(Rule::MaxItems, schema, message);
        }
        if k.unique_items
            && let Some(repeat) =
                (1..items.len()).find(|&i| items[..i].iter().any(|e| equals(e, &items[i])))
        {
            let back = self.enter_index(repeat);
            let flow = self.report(
                Rule::UniqueItems,
                schema,
                "repeats an earlier item; items must be unique",
            );
            self.path.truncate(back);
            return flow;
        }
        if let Some(item_schema) = k.items {
            for (i, item) in items.iter().enumerate() {
                let back = self.enter_index(i);
                self.check(item_schema, item, depth + 1)?;
                self.path.truncate(back);
            }
        }
        ControlFlow::Continue(())
    }

    fn object<'v, I: Instance + 'v>(
        &mut self,
        schema: &'s Value,
        k: &Keywords<'s>,
        fields: I::Fields<'v>,
        depth: usize,
    ) -> Flow {
        for name in k
            .required
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
        {
            if !fields.clone().any(|(field, _)| field == name) {
                let back = self.enter(name);
                self.report(Rule::Required, schema, "is required")?;
                self.path.truncate(back);
            }
        }
        for (name, field) in fields {
            let back = self.enter(name);
            match (k.properties.and_then(|p| p.get(name)), k.additional) {
                (Some(property), _) => self.check(property, field, depth + 1)?,
                (None, Some(Value::Bool(false))) => {
                    self.report(Rule::UnknownField, schema, "is not a field of this request")?
                }
                (None, Some(extra @ Value::Object(_))) => self.check(extra, field, depth + 1)?,
                (None, _) => {}
            }
            self.path.truncate(back);
        }
        ControlFlow::Continue(())
    }

    /// Reports what an image breaks, if anything: unreadable, or against the schema's rule.
    fn image(&mut self, schema: &'s Value, inspected: Result<ImageInfo, ImageError>) -> Flow {
        let info = match inspected {
            Ok(info) => info,
            Err(err) => {
                let rule = match err {
                    ImageError::UnsupportedFormat { .. } => Rule::ImageFormats,
                    ImageError::InvalidBase64 { .. } | ImageError::DataUrlPrefix => Rule::Format,
                    _ => Rule::Image,
                };
                return self.report(rule, schema, err.to_string());
            }
        };
        let Some(image_rule) = ImageRule::from_schema(schema) else {
            return ControlFlow::Continue(());
        };
        match image_rule.check(&info) {
            Ok(()) => ControlFlow::Continue(()),
            Err(violation) => {
                let rule = match violation {
                    ImageRuleViolation::Format { .. } => Rule::ImageFormats,
                    ImageRuleViolation::TooSmall { .. } => Rule::MinBytes,
                    ImageRuleViolation::TooLarge { .. } => Rule::MaxBytes,
                    ImageRuleViolation::TooFewPixels { .. }
                    | ImageRuleViolation::UnknownPixels { .. }
                    | ImageRuleViolation::SvgWithoutSize { .. } => Rule::MinPixels,
                };
                self.report(rule, schema, violation.to_string())
            }
        }
    }

    /// A multipart form: required parts, then the text parts, then the files.
    pub(super) fn multipart(
        &mut self,
        schema: &'s Value,
        text_fields: &Map<String, Value>,
        files: &[(&str, &[u8])],
    ) -> Flow {
        let schema = self.spec.resolve(schema);
        let k = Keywords::of(schema);
        for name in k
            .required
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
        {
            if !text_fields.contains_key(name) && !files.iter().any(|(f, _)| *f == name) {
                let back = self.enter(name);
                self.report(Rule::Required, schema, "is required")?;
                self.path.truncate(back);
            }
        }
        for (name, value) in text_fields {
            let back = self.enter(name);
            match k.properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, value, 1)?,
                None => {
                    self.report(Rule::UnknownField, schema, "is not a field of this request")?
                }
            }
            self.path.truncate(back);
        }
        for (name, bytes) in files {
            let back = self.enter(name);
            match k.properties.and_then(|p| p.get(*name)) {
                Some(property) => {
                    let property = self.spec.resolve(property);
                    if ImageRule::from_schema(property).is_some() {
                        self.image(property, image::inspect(bytes))?;
                    }
                }
                None => {
                    self.report(Rule::UnknownField, schema, "is not a field of this request")?
                }
            }
            self.path.truncate(back);
        }
        ControlFlow::Continue(())
    }
}

/// The type a value should have had, when it does not have it (`a string`, `a whole number`).
fn type_mismatch<I: Instance>(ty: &str, view: &View<'_, I>) -> Option<&'static str> {
    let (matches, expected) = match ty {
        "string" => (matches!(view, View::String(_)), "a string"),
        "integer" => (
            matches!(view, View::Number(n) if is_integer(n)),
            "a whole number",
        ),
        "number" => (matches!(view, View::Number(_)), "a number"),
        "boolean" => (matches!(view, View::Bool(_)), "true or false"),
        "array" => (matches!(view, View::Array(_)), "a list"),
        "object" => (matches!(view, View::Object(_)), "an object"),
        _ => (true, ""),
    };
    (!matches).then_some(expected)
}

/// An integer, also when written `90.0` (JSON Schema counts a number by its value).
fn is_integer(number: &Number) -> bool {
    number.is_i64()
        || number.is_u64()
        || number
            .as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn kind_of<I: Instance>(view: &View<'_, I>) -> &'static str {
    match view {
        View::Null => "null",
        View::Bool(_) => "a boolean",
        View::Number(_) => "a number",
        View::String(_) => "a string",
        View::Array(_) => "a list",
        View::Object(_) => "an object",
    }
}

/// Two instances are the same JSON value (numbers by value).
fn equals<I: Instance>(a: &I, b: &I) -> bool {
    match (a.view(), b.view()) {
        (View::Null, View::Null) => true,
        (View::Bool(x), View::Bool(y)) => x == y,
        (View::Number(x), View::Number(y)) => same_number(x, y),
        (View::String(x), View::String(y)) => x == y,
        (View::Array(x), View::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equals(x, y))
        }
        (View::Object(x), View::Object(y)) => {
            x.clone().count() == y.clone().count()
                && x.into_iter()
                    .all(|(name, v)| y.clone().any(|(n, w)| n == name && equals(v, w)))
        }
        _ => false,
    }
}

/// An instance is the same JSON value as a schema's `serde_json::Value` (an `enum` entry).
fn equals_value<I: Instance>(a: &I, b: &Value) -> bool {
    match (a.view(), b) {
        (View::Null, Value::Null) => true,
        (View::Bool(x), Value::Bool(y)) => x == *y,
        (View::Number(x), Value::Number(y)) => same_number(x, y),
        (View::String(x), Value::String(y)) => x == y,
        (View::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equals_value(x, y))
        }
        (View::Object(x), Value::Object(y)) => {
            x.clone().count() == y.len()
                && x.into_iter()
                    .all(|(name, v)| y.get(name).is_some_and(|w| equals_value(v, w)))
        }
        _ => false,
    }
}

fn same_number(a: &Number, b: &Number) -> bool {
    a == b || a.as_f64().zip(b.as_f64()).is_some_and(|(x, y)| x == y)
}
