//! What a Schema object needs beyond its keywords' values: a known `type`, a `format` that
//! fits it, keywords that apply to that type, `required` as a list on the object, and the 3.0
//! forms of what OpenAPI 3.1 writes differently.

use serde_json::{Map, Value};

use super::keywords::{
    INTEGER_FORMATS, NUMBER_FORMATS, STRING_FORMATS, Shape, TYPES, keyword_type,
};
use super::suggest::closest;
use super::words::list;
use super::{Walker, child, describe};

/// The keywords [`check`] reads itself; the walker reads the others.
pub(super) const HANDLED: &[&str] = &[
    "type",
    "format",
    "required",
    "items",
    "exclusiveMinimum",
    "exclusiveMaximum",
];

/// Checks the schema `map` at `at`.
pub(super) fn check(walker: &mut Walker<'_>, map: &Map<String, Value>, at: &str) {
    let typ = schema_type(walker, map, at);
    format(walker, map, at, typ);
    required(walker, map, at);
    for (key, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        exclusive(walker, map, at, key, bound);
    }
    match map.get("items") {
        Some(Value::Array(_)) => walker.report(
            &child(at, "items"),
            "`items` is a list (the JSON Schema tuple form), which OpenAPI 3.0 does not have",
            "write one schema: `items: {type: …}` (with `oneOf` inside it for items of several \
             kinds)",
        ),
        Some(items) => walker.value(
            Shape::RefOr(super::Kind::Schema),
            items,
            &child(at, "items"),
            "items",
        ),
        None if typ == Some("array") => walker.report(
            at,
            "`type: array` without `items`",
            "add `items:` with the schema of the list's elements (OpenAPI 3.0 requires it)",
        ),
        None => {}
    }
    for (key, value) in map {
        let Some(types) = keyword_type(key) else {
            continue;
        };
        if key == "required" && !value.is_array() {
            continue; // `required: true` on a property: reported as such above
        }
        match typ {
            Some(typ) if !types.contains(&typ) => walker.report(
                &child(at, key),
                format!(
                    "`{key}` applies to `type: {}`, but this schema is `type: {typ}`, so \
                     progenitor ignores it",
                    types[0]
                ),
                format!("remove `{key}`, or make the schema `type: {}`", types[0]),
            ),
            None if key == "items" && !map.contains_key("type") => walker.report(
                &child(at, key),
                "`items` without `type: array`",
                "add `type: array` beside `items`",
            ),
            _ => {}
        }
    }
}

/// The schema's type, if it is one of the six; reports any other `type`.
fn schema_type<'a>(
    walker: &mut Walker<'_>,
    map: &'a Map<String, Value>,
    at: &str,
) -> Option<&'a str> {
    let value = map.get("type")?;
    let at = child(at, "type");
    let all = list(TYPES);
    match value {
        Value::String(typ) if TYPES.contains(&typ.as_str()) => return Some(typ),
        Value::String(typ) => {
            let (meant, fix) = match alias(typ) {
                Some(fix) => (None, fix.to_string()),
                None => match closest(typ, TYPES.iter().copied()) {
                    Some(meant) => (Some(meant), format!("write `type: {meant}`")),
                    None => (None, format!("write one of {all}")),
                },
            };
            let meant = meant.map_or_else(String::new, |m| format!("; did you mean `{m}`?"));
            walker.report(
                &at,
                format!("`type: {typ}` is not an OpenAPI 3.0 type{meant}"),
                format!("{fix} (the types are {all})"),
            );
        }
        Value::Array(types) => {
            let named: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            let others: Vec<&str> = named.iter().copied().filter(|t| *t != "null").collect();
            let fix = match (others.as_slice(), others.len() < named.len()) {
                ([one], true) => format!("write `type: {one}` and `nullable: true`"),
                ([one], false) => format!("write `type: {one}`"),
                _ => "a 3.0 schema has one type: use `oneOf` with one schema per type (and \
                      `nullable: true` for null)"
                    .into(),
            };
            walker.report(
                &at,
                "`type` is a list (the OpenAPI 3.1 form); OpenAPI 3.0 takes one type",
                fix,
            );
        }
        Value::Null => walker.report(
            &at,
            "`type` is empty (OpenAPI 3.0 has no `null` type)",
            format!(
                "write one of {all}, or remove `type:` for any value; `nullable: true` lets a \
                 schema take null"
            ),
        ),
        other => walker.report(
            &at,
            format!("`type` must be a string, found {}", describe(other)),
            format!("write one of {all}"),
        ),
    }
    None
}

/// Common names for the six types, from other languages and from formats.
fn alias(typ: &str) -> Option<&'static str> {
    Some(match typ.to_ascii_lowercase().as_str() {
        "int" | "int32" | "int64" | "long" | "short" => {
            "write `type: integer` (with `format: int32` or `int64` for the width)"
        }
        "float" | "double" | "decimal" => "write `type: number` (with `format: float` or `double`)",
        "bool" => "write `type: boolean`",
        "str" | "text" | "char" => "write `type: string`",
        "date" | "datetime" | "date-time" | "uuid" | "byte" | "binary" | "email" => {
            "write `type: string` with the `format` (`format: date`, `date-time`, `uuid`, …)"
        }
        "list" | "sequence" => "write `type: array` with `items`",
        "map" | "dict" | "hash" | "json" | "record" => {
            "write `type: object` (with `properties`, or `additionalProperties` for a map)"
        }
        "null" | "none" => {
            "remove `type:` and write `nullable: true` on the schema that may be null"
        }
        _ => return None,
    })
}

fn format(walker: &mut Walker<'_>, map: &Map<String, Value>, at: &str, typ: Option<&str>) {
    let Some(value) = map.get("format") else {
        return;
    };
    let at = child(at, "format");
    let Some(format) = value.as_str() else {
        return walker.value(Shape::Text, value, &at, "format");
    };
    let family = |format: &str| {
        [
            ("string", STRING_FORMATS),
            ("integer", INTEGER_FORMATS),
            ("number", NUMBER_FORMATS),
        ]
        .into_iter()
        .find(|(_, formats)| formats.contains(&format))
        .map(|(typ, _)| typ)
    };
    let known = match typ {
        Some("string") => STRING_FORMATS,
        Some("integer") => INTEGER_FORMATS,
        Some("number") => NUMBER_FORMATS,
        Some(other) => {
            return walker.report(
                &at,
                format!("`format` has no meaning on a `type: {other}` schema"),
                "remove `format`",
            );
        }
        None if map.contains_key("type") => return, // an unknown type, reported already
        None => {
            let (problem, fix) = match family(format) {
                Some(typ) => (
                    format!("`format: {format}` without `type`: progenitor ignores the format"),
                    format!("add `type: {typ}`"),
                ),
                None => (
                    format!("`format: {format}` without `type`, and not a format progenitor knows"),
                    "add the `type` and a known `format`, or remove `format`".into(),
                ),
            };
            return walker.report(&at, problem, fix);
        }
    };
    if known.contains(&format) {
        return;
    }
    let typ = typ.unwrap_or_default();
    let (problem, fix) = if let Some(other) = family(format) {
        (
            format!("`format: {format}` is a format of `type: {other}`, on a `type: {typ}` schema"),
            format!("write `type: {other}`, or a {typ} format: {}", list(known)),
        )
    } else if let Some(meant) = closest(format, known.iter().copied()) {
        (
            format!("`format: {format}` is not a format of `type: {typ}`; did you mean `{meant}`?"),
            format!("write `format: {meant}`"),
        )
    } else {
        (
            format!(
                "`format: {format}` is not a format of `type: {typ}` that progenitor knows, so \
                 it would generate a plain {typ} and check nothing"
            ),
            if typ == "string" {
                "remove it, and write the rule as a `pattern` (and in `description`)".to_string()
            } else {
                format!("write one of {}", list(known))
            },
        )
    };
    walker.report(&at, problem, fix);
}

fn required(walker: &mut Walker<'_>, map: &Map<String, Value>, at: &str) {
    let Some(value) = map.get("required") else {
        return;
    };
    let here = child(at, "required");
    let as_flag = match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" | "y" => Some(true),
            "no" | "false" | "off" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if let Some(flag) = as_flag {
        let written = value
            .as_str()
            .map_or_else(|| flag.to_string(), str::to_string);
        let (problem, fix) = match property_of(at) {
            Some((object, name)) => (
                format!(
                    "`required: {written}` on the property `{name}`: OpenAPI 3.0 lists the \
                     required properties on the object, not on each property"
                ),
                if flag {
                    format!(
                        "remove it here and add `{name}` to the `required: [...]` list of the \
                         object at {object} (beside its `properties`)"
                    )
                } else {
                    "remove it: a property is optional unless the object's `required` lists it"
                        .into()
                },
            ),
            None => (
                format!(
                    "`required: {written}` on a schema: in a schema, `required` lists property \
                     names"
                ),
                "write `required: [name, …]` beside `properties`; for a parameter or request \
                 body, put `required: true` on the parameter or request body, not in its schema"
                    .into(),
            ),
        };
        return walker.report(&here, problem, fix);
    }
    walker.value(Shape::NonEmptyList(&Shape::Text), value, &here, "required");
    let (Some(Value::Array(names)), Some(Value::Object(properties))) =
        (map.get("required"), map.get("properties"))
    else {
        return;
    };
    if ["allOf", "anyOf", "oneOf", "additionalProperties"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return; // the properties may come from elsewhere
    }
    for (index, name) in names.iter().enumerate() {
        let Some(name) = name.as_str() else { continue };
        if properties.contains_key(name) {
            continue;
        }
        let meant = closest(name, properties.keys().map(String::as_str));
        walker.report(
            &child(&here, &index.to_string()),
            format!(
                "`required` lists `{name}`, which is not among the `properties`{}",
                meant.map_or_else(String::new, |m| format!("; did you mean `{m}`?"))
            ),
            match meant {
                Some(meant) => format!("write `{meant}`"),
                None => format!("add a property `{name}`, or remove it from `required`"),
            },
        );
    }
}

/// `(pointer of the object, property name)` when `at` is a property's schema
/// (`…/properties/<name>`).
fn property_of(at: &str) -> Option<(&str, String)> {
    let (parent, name) = at.rsplit_once('/')?;
    let object = parent.strip_suffix("/properties")?;
    let object = if object.is_empty() { "/" } else { object };
    Some((object, name.replace("~1", "/").replace("~0", "~")))
}

fn exclusive(walker: &mut Walker<'_>, map: &Map<String, Value>, at: &str, key: &str, bound: &str) {
    let Some(value) = map.get(key) else { return };
    let here = child(at, key);
    match value {
        Value::Number(number) => walker.report(
            &here,
            format!("`{key}: {number}` is the OpenAPI 3.1 form; in 3.0 `{key}` is true or false"),
            format!("write `{bound}: {number}` and `{key}: true`"),
        ),
        Value::Bool(true) if !map.contains_key(bound) => walker.report(
            &here,
            format!("`{key}: true` without `{bound}`: there is no bound to exclude"),
            format!("add `{bound}: <the bound>`, or remove `{key}`"),
        ),
        _ => walker.value(Shape::Bool, value, &here, key),
    }
}
