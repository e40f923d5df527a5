//! The wording of the structural check's messages: what is wrong with a keyword or value, and
//! the fix, naming the closest known word where there is one.

use serde_json::{Map, Value};

use super::keywords::Kind;
use super::suggest::closest;
use super::{article, describe};

/// `a, b or c`, each in backquotes.
pub(super) fn list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

pub(super) fn missing_fix(kind: Kind, key: &str) -> String {
    match (kind, key) {
        (Kind::Root, "openapi") => "add `openapi: 3.0.3` at the top".into(),
        (Kind::Root, "paths") => "add `paths:` with the API's operations".into(),
        (Kind::Info, "version") => {
            "add `version: \"1.0\"` (the API document's version, quoted)".into()
        }
        (Kind::Response, "description") => {
            "add `description:` saying when the API answers this (OpenAPI requires it)".into()
        }
        (Kind::Operation, "responses") => {
            "add `responses:` with at least the success response".into()
        }
        (Kind::Parameter, "in") => "add `in: query`, `path`, `header` or `cookie`".into(),
        (Kind::RequestBody, "content") => {
            "add `content: {application/json: {schema: {$ref: ...}}}`".into()
        }
        _ => format!("add `{key}:`"),
    }
}

/// Keywords from other objects that are often written one level off.
const SCHEMA_KEYWORDS_ON_PARAMETERS: &[&str] = &[
    "type",
    "format",
    "enum",
    "items",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "default",
    "nullable",
    "properties",
];

/// Whether `key`, written on a Parameter, Header or Media Type, belongs in its `schema`.
pub(super) fn belongs_to_schema(key: &str) -> bool {
    SCHEMA_KEYWORDS_ON_PARAMETERS.contains(&key)
}

/// JSON Schema keywords an OpenAPI 3.0 Schema object does not have (most are 3.1's), with the
/// 3.0 way to say the same where there is one.
fn json_schema_only(key: &str) -> Option<&'static str> {
    Some(match key {
        "const" => "write `enum: [<the value>]` (one value)",
        "examples" => {
            "write one `example: <value>` (a 3.0 schema has a single example; several named \
             examples go in the media type's `examples`)"
        }
        "$defs" | "definitions" => "move each definition to `components/schemas` and `$ref` it",
        "patternProperties" => {
            "use `additionalProperties: <schema>` (3.0 cannot constrain the names) and describe \
             the pattern in `description`"
        }
        "prefixItems" => "3.0 has no tuples: use `items` with one schema (`oneOf` for mixed items)",
        "contentEncoding" => "use `format: byte` (base64 text) or `format: binary`",
        "$comment" => "use `description`, or a YAML `#` comment",
        "if"
        | "then"
        | "else"
        | "dependentRequired"
        | "dependentSchemas"
        | "dependencies"
        | "propertyNames"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "contains"
        | "minContains"
        | "maxContains"
        | "$id"
        | "$schema"
        | "$anchor"
        | "$dynamicRef"
        | "$dynamicAnchor"
        | "contentMediaType"
        | "contentSchema" => "remove it (say the rule in `description` if readers need it)",
        _ => return None,
    })
}

/// A keyword `key` that `kind` does not have: what it is and what to write instead.
pub(super) fn unknown_keyword(kind: Kind, key: &str, map: &Map<String, Value>) -> (String, String) {
    let here = format!("{} object", article(kind.name()));
    let not_here = format!("`{key}` is not a keyword of {here}");
    if let Some(rest) = ["X-", "x_", "X_"].iter().find_map(|p| key.strip_prefix(p)) {
        return (
            format!("`{key}` looks like an extension, but extensions start with `x-`"),
            format!("write it `x-{rest}`"),
        );
    }
    if let Some(fix) = elsewhere(kind, key) {
        return (not_here, fix);
    }
    if kind == Kind::Schema
        && let Some(fix) = json_schema_only(key)
    {
        return (
            format!(
                "`{key}` is JSON Schema that OpenAPI 3.0 schemas do not have (OpenAPI 3.1 does); \
                 progenitor reads 3.0"
            ),
            fix.into(),
        );
    }
    let known: Vec<&str> = kind.keywords().iter().map(|(name, _)| *name).collect();
    if let Some(meant) = closest(key, known.iter().copied()) {
        return (
            format!("{not_here}; did you mean `{meant}`?"),
            format!("write `{meant}`"),
        );
    }
    if kind == Kind::Schema
        && map.get(key).is_some_and(|v| {
            ["type", "$ref", "properties", "items"]
                .iter()
                .any(|k| v.get(k).is_some())
        })
    {
        return (
            format!("{not_here}; it looks like a property schema written beside `properties`"),
            format!("indent `{key}` under the schema's `properties:`"),
        );
    }
    for other in [
        Kind::Operation,
        Kind::Parameter,
        Kind::RequestBody,
        Kind::Response,
        Kind::MediaType,
        Kind::Schema,
    ] {
        if other != kind && other.keyword(key).is_some() {
            return (
                format!("{not_here} (it is one of {} object)", article(other.name())),
                format!(
                    "move it to the {} object it belongs to (check its indentation), or name it \
                     `x-{key}` if it is an extension",
                    other.name()
                ),
            );
        }
    }
    let fix = if known.len() <= 10 {
        format!(
            "remove it, or name it `x-{key}` if it is an extension ({here} has {})",
            list(&known)
        )
    } else {
        format!("remove it, or name it `x-{key}` if it is an extension")
    };
    (not_here, fix)
}

/// Keywords written in the wrong object, where the right one is known.
fn elsewhere(kind: Kind, key: &str) -> Option<String> {
    let media_type = "`content: {application/json: {…}}`";
    Some(match (kind, key) {
        (Kind::Root, "swagger") => {
            "this is Swagger 2.0: write `openapi: 3.0.3` and 3.0 forms".into()
        }
        (Kind::Root, "definitions") => {
            "Swagger 2.0 form: move the schemas to `components: schemas:`".into()
        }
        (Kind::Root, "securityDefinitions") => {
            "Swagger 2.0 form: move them to `components: securitySchemes:`".into()
        }
        (Kind::Root, "host" | "basePath" | "schemes") => {
            "Swagger 2.0 form: write the base URL in `servers: [{url: https://host/basePath}]`"
                .into()
        }
        (Kind::Root | Kind::Operation, "consumes" | "produces") => format!(
            "Swagger 2.0 form: name the media types as the keys of each request body's and \
             response's {media_type}"
        ),
        (Kind::Root, "parameters" | "responses") => {
            format!("move `{key}` under `components:` (as `components: {key}:`)")
        }
        (Kind::Root, "webhooks" | "jsonSchemaDialect") | (Kind::Components, "pathItems") => {
            format!("`{key}` is OpenAPI 3.1; progenitor reads 3.0: remove it")
        }
        (Kind::Info, "summary") | (Kind::License, "identifier") => {
            format!("`{key}` is OpenAPI 3.1: say it in `description` (Info) or remove it")
        }
        (Kind::Response | Kind::RequestBody, "example" | "examples") => {
            format!("examples of a body belong to its media type: move `{key}` under {media_type}")
        }
        (Kind::Operation, "example" | "examples") => format!(
            "move `{key}` to the media type of the request body or response it shows \
             ({media_type})"
        ),
        (Kind::Example, "example") => "an Example object holds its example in `value`".into(),
        (Kind::Response | Kind::RequestBody, "schema") => format!(
            "Swagger 2.0 form: in OpenAPI 3.0 the schema sits under the media type: {}",
            "`content: {application/json: {schema: …}}`"
        ),
        (Kind::Parameter | Kind::Header | Kind::MediaType, _)
            if SCHEMA_KEYWORDS_ON_PARAMETERS.contains(&key) =>
        {
            format!("`{key}` belongs to the schema: move it under `schema:`")
        }
        (Kind::Header, "name" | "in") => {
            format!("remove `{key}`: a header's name is its key under `headers:`")
        }
        _ => return None,
    })
}

pub(super) fn not_a_bool(key: &str, value: &Value) -> (String, String) {
    let Some(text) = value.as_str() else {
        return (
            format!("`{key}` must be true or false, found {}", describe(value)),
            format!("write `{key}: true` or `{key}: false`"),
        );
    };
    let meant = match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "on" | "true" => Some(true),
        "no" | "n" | "off" | "false" => Some(false),
        _ => None,
    };
    match meant {
        Some(meant) => (
            format!(
                "`{key}: {text}` is the string \"{text}\", not true/false (YAML 1.2 reads only an \
                 unquoted `true` or `false` as a boolean)"
            ),
            format!("write `{key}: {meant}`, unquoted"),
        ),
        None => (
            format!("`{key}` must be true or false, found a string"),
            format!("write `{key}: true` or `{key}: false`"),
        ),
    }
}

pub(super) fn unknown_word(key: &str, word: &str, words: &[&str]) -> (String, String) {
    let problem = format!("`{key}: {word}` is not one of {}", list(words));
    match closest(word, words.iter().copied()) {
        Some(meant) => (
            format!("{problem}; did you mean `{meant}`?"),
            format!("write `{key}: {meant}`"),
        ),
        None => (problem, format!("write one of {}", list(words))),
    }
}

pub(super) fn wrong_value_fix(key: &str, expected: &str) -> String {
    match expected {
        "a string" => format!(
            "quote the value: `{key}: \"…\"` (unquoted, YAML reads `1.0`, `true` or `null` as a \
             number, a boolean or nothing)"
        ),
        "a list" => format!("write a list, even of one value: `{key}: [a, b]`"),
        _ => format!("write `{key}` as {expected}"),
    }
}

pub(super) fn ref_sibling_fix(kind: Kind, key: &str) -> String {
    if kind == Kind::Schema {
        format!(
            "put `{key}` in the referenced schema, or wrap the reference so it can sit beside it: \
             `allOf: [{{$ref: …}}]` with `{key}` next to `allOf`"
        )
    } else {
        format!("put `{key}` in the referenced component, or remove it here")
    }
}

pub(super) fn bad_status_code(code: &str) -> (String, String) {
    let upper = code.to_ascii_uppercase();
    let fix = if upper != code && super::is_status_code(&upper) {
        format!("write `\"{upper}\"`")
    } else {
        "write a status code (`\"200\"`), a range (`\"4XX\"`) or `default`".into()
    };
    (format!("`{code}` is not a response status code"), fix)
}
