//! The structural check: a spec read against the OpenAPI 3.0.3 objects before anything else
//! reads it.
//!
//! `openapiv3` (and so progenitor) silently drops keys it does not know, so a misspelt keyword
//! (`requried`, `minLenght`) is lost without a word and an unknown `type` makes progenitor
//! panic. This check walks the document as parsed from the file (the JSON value, unknown keys
//! included) along the keyword tables of the OpenAPI objects, and reports every problem at
//! once, each with its JSON pointer, its line and a fix: unknown and misspelt keywords (with the
//! closest known one), keywords in the wrong object or on the wrong type, values of the wrong
//! kind, unknown `type` and `format` values, and OpenAPI 3.1 / JSON Schema forms 3.0 does not
//! have. Extensions (`x-…`) are never questioned and their values never read.

mod keywords;
mod schema;
mod suggest;
mod words;

use serde_json::{Map, Value};

use crate::error::{SpecError, SpecErrors};
use crate::locate::YamlLines;
use crate::refs;
use keywords::{Kind, Shape};

/// Every structural problem of `document` (the spec as parsed from `text`), with its line in
/// `text`; `file` names the spec in messages.
pub fn check(file: &str, text: &str, document: &Value) -> Result<(), SpecErrors> {
    let mut errors = SpecErrors(problems(file, document));
    if errors.0.is_empty() {
        return Ok(());
    }
    errors.locate(&YamlLines::new(text));
    // In the file's order, for the reader going down the file.
    errors.0.sort_by_key(|error| error.line);
    Err(errors)
}

/// Every structural problem of `document`, without lines: see [`check`].
pub fn problems(file: &str, document: &Value) -> Vec<SpecError> {
    let mut walker = Walker {
        file,
        problems: Vec::new(),
    };
    walker.object(Kind::Root, document, "");
    walker.problems
}

impl SpecErrors {
    /// Adds the line of each error that names a node (a JSON pointer) but no line yet: the line
    /// of the node, or of its nearest ancestor written in the text; then lists the errors of a
    /// file in line order, as the author reads it (those without a line keep their place, first).
    pub fn locate(&mut self, lines: &YamlLines) {
        for error in &mut self.0 {
            if let (Some(pointer), None) = (&error.pointer, error.line) {
                error.line = Some(lines.locate(pointer).line);
            }
        }
        self.0.sort_by_key(|error| error.line);
    }
}

/// Reads a document against the tables, collecting problems.
pub(crate) struct Walker<'a> {
    file: &'a str,
    problems: Vec<SpecError>,
}

impl Walker<'_> {
    pub(crate) fn report(&mut self, at: &str, problem: impl Into<String>, fix: impl Into<String>) {
        self.problems
            .push(SpecError::at(self.file, at, problem, fix));
    }

    /// An object of `kind` at `at`.
    fn object(&mut self, kind: Kind, node: &Value, at: &str) {
        let Some(map) = node.as_object() else {
            self.report(
                at,
                format!(
                    "expected {} object (a mapping of keywords), found {}",
                    article(kind.name()),
                    describe(node)
                ),
                format!(
                    "write {} object here, as in the OpenAPI 3.0.3 specification",
                    article(kind.name())
                ),
            );
            return;
        };
        for required in kind.required() {
            // A misspelling of it (`descripton`) is reported as such, once.
            let misspelt = map.keys().any(|key| {
                kind.keyword(key).is_none() && suggest::closest(key, [*required]).is_some()
            });
            if !map.contains_key(*required) && !misspelt {
                self.report(
                    at,
                    format!(
                        "{} object without its required `{required}`",
                        article(kind.name())
                    ),
                    words::missing_fix(kind, required),
                );
            }
        }
        match kind {
            Kind::Paths => return self.paths(map, at),
            Kind::Responses => return self.responses(map, at),
            Kind::Callback => return self.callback(map, at),
            Kind::SecurityRequirement => {
                for (name, scopes) in map {
                    self.value(Shape::List(&Shape::Text), scopes, &child(at, name), name);
                }
                return;
            }
            Kind::Parameter | Kind::Header => self.parameter(kind, map, at),
            _ => {}
        }
        let handled = if kind == Kind::Schema {
            schema::check(self, map, at);
            schema::HANDLED
        } else {
            &[]
        };
        for (key, value) in map {
            if is_extension(key) || handled.contains(&key.as_str()) {
                continue;
            }
            let pointer = child(at, key);
            match kind.keyword(key) {
                Some(shape) => self.value(shape, value, &pointer, key),
                None => {
                    let (problem, fix) = words::unknown_keyword(kind, key, map);
                    self.report(&pointer, problem, fix);
                }
            }
        }
    }

    /// The value of keyword `key`, at `at`, against `shape`.
    fn value(&mut self, shape: Shape, value: &Value, at: &str, key: &str) {
        let expected = match shape {
            Shape::Any => return,
            Shape::Text if value.is_string() => return,
            Shape::Text => "a string".to_string(),
            Shape::Bool if value.is_boolean() => return,
            Shape::Bool => {
                let (problem, fix) = words::not_a_bool(key, value);
                return self.report(at, problem, fix);
            }
            Shape::Number if value.is_number() => return,
            Shape::Number => "a number".to_string(),
            Shape::Count if value.is_u64() => return,
            Shape::Count => "a whole number, 0 or more".to_string(),
            Shape::Word(words) => match value.as_str() {
                Some(word) if words.contains(&word) => return,
                Some(word) => {
                    let (problem, fix) = words::unknown_word(key, word, words);
                    return self.report(at, problem, fix);
                }
                None => format!("one of {}", words::list(words)),
            },
            Shape::Object(kind) => return self.object(kind, value, at),
            Shape::RefOr(kind) => return self.ref_or(kind, value, at),
            Shape::BoolOrSchema if value.is_boolean() => return,
            Shape::BoolOrSchema => return self.ref_or(Kind::Schema, value, at),
            Shape::Map(inner) => match value.as_object() {
                Some(map) => {
                    for (name, item) in map {
                        self.value(*inner, item, &child(at, name), name);
                    }
                    return;
                }
                None => "a mapping of names to values".to_string(),
            },
            Shape::List(inner) | Shape::NonEmptyList(inner) => match value.as_array() {
                Some(items) if items.is_empty() && matches!(shape, Shape::NonEmptyList(_)) => {
                    return self.report(
                        at,
                        format!("`{key}` is an empty list"),
                        format!("list at least one value, or remove `{key}`"),
                    );
                }
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        self.value(*inner, item, &child(at, &index.to_string()), key);
                    }
                    return;
                }
                None => "a list".to_string(),
            },
        };
        self.report(
            at,
            format!("`{key}` must be {expected}, found {}", describe(value)),
            words::wrong_value_fix(key, &expected),
        );
    }

    /// An object of `kind`, or a `$ref` to one.
    fn ref_or(&mut self, kind: Kind, value: &Value, at: &str) {
        let Some(reference) = value.get("$ref") else {
            return self.object(kind, value, at);
        };
        if !reference.is_string() {
            self.report(
                &child(at, "$ref"),
                format!("`$ref` must be a string, found {}", describe(reference)),
                "write the reference in quotes: `$ref: \"#/components/schemas/Name\"`",
            );
        }
        let Some(map) = value.as_object() else {
            return;
        };
        for key in map.keys().filter(|k| *k != "$ref") {
            // openapiv3 drops everything beside a `$ref` (extensions included: an `x-pii` there
            // would never reach the readers), as OpenAPI 3.0 says it does.
            self.report(
                &child(at, key),
                format!("`{key}` beside `$ref` is ignored: OpenAPI 3.0 reads nothing next to a reference"),
                words::ref_sibling_fix(kind, key),
            );
        }
    }

    fn paths(&mut self, map: &Map<String, Value>, at: &str) {
        for (path, item) in map {
            if is_extension(path) {
                continue;
            }
            let pointer = child(at, path);
            if !path.starts_with('/') {
                self.report(
                    &pointer,
                    format!("path `{path}` does not start with `/`"),
                    format!("write it `/{}`", path.trim_start_matches('/')),
                );
            }
            self.object(Kind::PathItem, item, &pointer);
        }
    }

    fn responses(&mut self, map: &Map<String, Value>, at: &str) {
        if map.keys().all(|k| is_extension(k)) {
            self.report(
                at,
                "`responses` lists no response",
                "add at least the success response, e.g. `\"200\": {description: ..., content: ...}`",
            );
        }
        for (code, response) in map {
            if is_extension(code) {
                continue;
            }
            let pointer = child(at, code);
            if !is_status_code(code) {
                let (problem, fix) = words::bad_status_code(code);
                self.report(&pointer, problem, fix);
            }
            self.ref_or(Kind::Response, response, &pointer);
        }
    }

    fn callback(&mut self, map: &Map<String, Value>, at: &str) {
        for (expression, item) in map {
            if !is_extension(expression) {
                self.object(Kind::PathItem, item, &child(at, expression));
            }
        }
    }

    /// What a Parameter or Header needs beyond its keywords' values.
    fn parameter(&mut self, kind: Kind, map: &Map<String, Value>, at: &str) {
        match (map.contains_key("schema"), map.contains_key("content")) {
            // A schema keyword on the parameter itself is reported as such, with the fix.
            (false, false) if !map.keys().any(|key| words::belongs_to_schema(key)) => self.report(
                at,
                format!(
                    "{} object with neither `schema` nor `content`",
                    article(kind.name())
                ),
                "add `schema:` with the value's type (e.g. `schema: {type: string}`); progenitor \
                 types the argument from it",
            ),
            (true, true) => self.report(
                at,
                format!(
                    "{} object with both `schema` and `content`",
                    article(kind.name())
                ),
                "keep one: `schema` for a plain value, `content` only for a value sent as a \
                 media type",
            ),
            _ => {}
        }
    }
}

fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// `200`, `4XX` or `default`.
fn is_status_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    code == "default"
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit) || &bytes[1..] == b"XX"))
}

/// The pointer of `key` under `at`.
pub(crate) fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", refs::escape(key))
}

/// "a Schema", "an Info", "an OpenAPI".
pub(crate) fn article(name: &str) -> String {
    let vowel = name.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// What a value is, never what it says (a spec's values may be examples of personal data).
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests;
