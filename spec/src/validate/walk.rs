//! The schema walk behind [`Validator`](super::Validator). One path buffer is extended and cut
//! back as the walk goes down and up, and a schema's keywords are read in one pass over its
//! keys, so checking a valid value allocates nothing per field; text is only built for a
//! violation.

use std::fmt::Write as _;
use std::ops::ControlFlow;

use serde_json::{Map, Number, Value};

use super::values::{equals, equals_value, kind_of, type_mismatch};
use super::{Instance, Rule, Validator, View, Violation, formats, response};
use crate::Spec;
use crate::extensions::PiiKind;
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
    /// Response direction: the tolerances of [`response`] apply.
    response: bool,
    path: String,
    /// The same place as `path`, as a JSON pointer, kept alongside rather than derived: a field
    /// name may hold `.` or `[`, which a dotted path cannot tell apart.
    pointer: String,
    /// The `x-pii` kind of the innermost marked schema the walk is in (a mark covers all below).
    pii: Option<PiiKind>,
    out: Vec<Violation<'s>>,
}

/// Where to cut the path and the pointer back to when leaving a field.
#[derive(Clone, Copy)]
struct Mark {
    path: usize,
    pointer: usize,
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
    pii: Option<&'s str>,
    open_enum: bool,
    undocumented: bool,
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
                "x-pii" => k.pii = value.as_str(),
                "x-open-enum" => k.open_enum = value.as_bool() == Some(true),
                "x-undocumented" => k.undocumented = value.as_bool() == Some(true),
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
            response: validator.direction == response::Direction::Response,
            path: String::new(),
            pointer: String::new(),
            pii: None,
            out: Vec::new(),
        }
    }

    pub(super) fn into_violations(self) -> Vec<Violation<'s>> {
        self.out
    }

    /// Records a violation at the current path that the reader would refuse.
    fn report(&mut self, rule: Rule, schema: &'s Value, message: impl Into<String>) -> Flow {
        self.record(rule, schema, message.into(), false, self.pii)
    }

    /// Records a value that breaks what its schema expects of it (`format`, `pattern`, a
    /// length, a range, integer-ness, a list's size): a request is refused for it, a response
    /// still decodes (see [`response`]).
    fn expectation(&mut self, rule: Rule, schema: &'s Value, message: String) -> Flow {
        self.record(rule, schema, message, self.response, self.pii)
    }

    /// Records a violation at the current path. With `first_only`, the walk stops at the first
    /// one that does not decode (a tolerated one is kept and the walk goes on).
    fn record(
        &mut self,
        rule: Rule,
        schema: &'s Value,
        message: String,
        decodes: bool,
        pii: Option<PiiKind>,
    ) -> Flow {
        self.out.push(Violation {
            path: self.path.clone(),
            pointer: self.pointer.clone(),
            rule,
            message,
            schema,
            decodes,
            pii,
        });
        if self.first_only && !decodes {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Extends the path with a field name; returns where to cut back to.
    fn enter(&mut self, name: &str) -> Mark {
        let mark = self.mark();
        if mark.path > 0 {
            self.path.push('.');
        }
        self.path.push_str(name);
        self.pointer.push('/');
        if name.contains(['~', '/']) {
            self.pointer
                .push_str(&name.replace('~', "~0").replace('/', "~1"));
        } else {
            self.pointer.push_str(name);
        }
        mark
    }

    fn enter_index(&mut self, index: usize) -> Mark {
        let mark = self.mark();
        let _ = write!(self.path, "[{index}]");
        let _ = write!(self.pointer, "/{index}");
        mark
    }

    fn mark(&self) -> Mark {
        Mark {
            path: self.path.len(),
            pointer: self.pointer.len(),
        }
    }

    fn leave(&mut self, mark: Mark) {
        self.path.truncate(mark.path);
        self.pointer.truncate(mark.pointer);
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
        let outer = self.pii;
        if outer.is_none()
            && let Some(name) = k.pii
        {
            // An unknown name reads as the safest kind, as `PiiKind::of` does.
            self.pii = Some(PiiKind::parse(name).unwrap_or(PiiKind::Secret));
        }
        let flow = self.check_node(schema, &k, value, depth);
        self.pii = outer;
        flow
    }

    /// [`Walk::check`] on a resolved schema node whose keywords are read.
    fn check_node<I: Instance>(
        &mut self,
        schema: &'s Value,
        k: &Keywords<'s>,
        value: &I,
        depth: usize,
    ) -> Flow {
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
            let message = format!("must be {expected}, not {}", kind_of(&view));
            // A fraction where a whole number is expected is the right kind of value.
            if ty == "integer" && matches!(view, View::Number(_)) {
                return self.expectation(Rule::Type, schema, message);
            }
            return self.report(Rule::Type, schema, message);
        }
        if let Some(allowed) = k.enumeration
            && !allowed.iter().any(|a| equals_value(value, a))
        {
            let names: Vec<String> = allowed
                .iter()
                .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_string))
                .collect();
            let message = format!("is not one of: {}", names.join(", "));
            let decodes = self.response && k.open_enum;
            return self.record(Rule::Enum, schema, message, decodes, self.pii);
        }
        match view {
            View::String(text) => self.string(schema, k, text)?,
            View::Number(number) => self.number(schema, k, number)?,
            View::Array(items) => self.array(schema, k, items, depth)?,
            View::Object(fields) => self.object::<I>(schema, k, fields, depth)?,
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

    /// Whether `value` meets `schema`. Nothing it breaks is reported, except, when it does
    /// meet it, what it breaks that the reader tolerates (in a response, an unknown field of
    /// the `oneOf` member that matched is still news).
    fn matches<I: Instance>(&mut self, schema: &'s Value, value: &I, depth: usize) -> bool {
        let (first_only, found, mark) = (self.first_only, self.out.len(), self.mark());
        self.first_only = true;
        let _ = self.check(schema, value, depth + 1);
        let matched = self.out[found..].iter().all(|v| v.decodes);
        if !matched {
            self.out.truncate(found);
        }
        self.leave(mark);
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
            return self.expectation(Rule::MinLength, schema, message);
        }
        if let Some(max) = k.max_length
            && (length() as u64) > max
        {
            let message = format!("is {} characters; the maximum is {max}", length());
            return self.expectation(Rule::MaxLength, schema, message);
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
            return self.expectation(Rule::Pattern, schema, message);
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
            Some("ipv4") if !formats::is_ipv4(text) => {
                format!("is not an IPv4 address ({} characters)", length())
            }
            Some("byte") if !self.trusted_base64 => match image::check_base64(text) {
                Ok(_) => return ControlFlow::Continue(()),
                Err(err) => err.to_string(),
            },
            _ => return ControlFlow::Continue(()),
        };
        self.expectation(Rule::Format, schema, problem)
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
            return self.expectation(Rule::Minimum, schema, message);
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
            return self.expectation(Rule::Maximum, schema, message);
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
            return self.expectation(Rule::MinItems, schema, message);
        }
        if let Some(max) = k.max_items
            && count > max
        {
            let message = format!("has {count} items; the maximum is {max}");
            return self.expectation(Rule::MaxItems, schema, message);
        }
        if k.unique_items
            && let Some(repeat) =
                (1..items.len()).find(|&i| items[..i].iter().any(|e| equals(e, &items[i])))
        {
            let back = self.enter_index(repeat);
            let flow = self.expectation(
                Rule::UniqueItems,
                schema,
                "repeats an earlier item; items must be unique".into(),
            );
            self.leave(back);
            return flow;
        }
        if let Some(item_schema) = k.items {
            for (i, item) in items.iter().enumerate() {
                let back = self.enter_index(i);
                self.check(item_schema, item, depth + 1)?;
                self.leave(back);
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
                self.missing(schema, k, name)?;
            }
        }
        for (name, field) in fields {
            let back = self.enter(name);
            match (k.properties.and_then(|p| p.get(name)), k.additional) {
                (Some(property), _) => self.check(property, field, depth + 1)?,
                (None, Some(extra @ Value::Object(_))) => self.check(extra, field, depth + 1)?,
                (None, additional) => {
                    if let Some(decodes) =
                        response::unknown_field(self.response, k.properties, additional)
                    {
                        let message = response::unknown_field_message(self.response);
                        self.record(
                            Rule::UnknownField,
                            schema,
                            message.into(),
                            decodes,
                            self.pii,
                        )?
                    }
                }
            }
            self.leave(back);
        }
        ControlFlow::Continue(())
    }

    /// Reports the required field `name` missing from an object of `schema`.
    fn missing(&mut self, schema: &'s Value, k: &Keywords<'s>, name: &str) -> Flow {
        let back = self.enter(name);
        let property = k
            .properties
            .and_then(|p| p.get(name))
            .map(|p| self.spec.resolve(p));
        let decodes = self.response && response::guessed(k.undocumented, property);
        let pii = self.pii.or_else(|| property.and_then(PiiKind::of));
        let flow = self.record(Rule::Required, schema, "is required".into(), decodes, pii);
        self.leave(back);
        flow
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
                self.missing(schema, &k, name)?;
            }
        }
        for (name, value) in text_fields {
            let back = self.enter(name);
            match k.properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, value, 1)?,
                None => self.report(
                    Rule::UnknownField,
                    schema,
                    response::unknown_field_message(self.response),
                )?,
            }
            self.leave(back);
        }
        for (name, bytes) in files {
            let back = self.enter(name);
            match k.properties.and_then(|p| p.get(*name)) {
                Some(property) => {
                    let property = self.spec.resolve(property);
                    if ImageRule::from_schema(property).is_some() {
                        let outer = self.pii;
                        self.pii = outer.or_else(|| PiiKind::of(property));
                        let flow = self.image(property, image::inspect(bytes));
                        self.pii = outer;
                        flow?;
                    }
                }
                None => self.report(
                    Rule::UnknownField,
                    schema,
                    response::unknown_field_message(self.response),
                )?,
            }
            self.leave(back);
        }
        ControlFlow::Continue(())
    }
}
