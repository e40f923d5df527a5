//! What the walk asks of a JSON value itself: whether it has a schema's `type`, what to call
//! its kind in a message, and whether two values are the same (`enum`, `uniqueItems`).

use serde_json::{Number, Value};

use super::{Instance, View};

/// The type a value should have had, when it does not have it (`a string`, `a whole number`).
pub(super) fn type_mismatch<I: Instance>(ty: &str, view: &View<'_, I>) -> Option<&'static str> {
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

pub(super) fn kind_of<I: Instance>(view: &View<'_, I>) -> &'static str {
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
pub(super) fn equals<I: Instance>(a: &I, b: &I) -> bool {
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
pub(super) fn equals_value<I: Instance>(a: &I, b: &Value) -> bool {
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
