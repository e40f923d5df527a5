//! Values a schema allows: enums and constraint keywords (lengths, ranges, patterns ...),
//! tightened or relaxed, judged by direction.

use heck::ToPascalCase;
use kyc_spec::extensions::is_open_enum;
use serde_json::Value;

use super::{Ctx, Direction, Walker, defined_at, plural, show, shown};
use crate::rules::Rule;

/// How a constraint keyword moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Fewer values are valid.
    Tightened,
    /// More values are valid.
    Relaxed,
    /// Neither provably (a new pattern): breaking in both directions.
    Changed,
}

/// Upper bounds: a lower number, or a new bound, tightens.
const UPPER: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
/// Lower bounds: a higher number, or a new bound, tightens.
const LOWER: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
/// Flags that tighten when they become true.
const FLAGS: [&str; 3] = ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"];
/// Constraints whose old and new values cannot be ordered.
const OPAQUE: [&str; 2] = ["pattern", "multipleOf"];

fn list(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| format!("`{}`", show(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Walker<'_> {
    /// Enum values added or removed, an enum set or dropped.
    pub(super) fn enums(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        let at = defined_at(pointer, "enum");
        let rust_enum = ctx.new_name.to_pascal_case();
        match (
            o.get("enum").and_then(Value::as_array),
            n.get("enum").and_then(Value::as_array),
        ) {
            (Some(old), Some(new)) => {
                let removed: Vec<&Value> = old.iter().filter(|v| !new.contains(v)).collect();
                let added: Vec<&Value> = new.iter().filter(|v| !old.contains(v)).collect();
                if !removed.is_empty() {
                    let (rule, why) = match ctx.direction {
                        Direction::Request => (
                            Rule::RequestEnumValueRemoved,
                            "callers sending it are refused".to_string(),
                        ),
                        Direction::Response => (
                            Rule::ResponseEnumValueRemoved,
                            format!(
                                "the wire is fine, but the variant{} {} of `{rust_enum}` disappear{}",
                                plural(removed.len()),
                                removed
                                    .iter()
                                    .map(|v| format!("`{rust_enum}::{}`", show(v).to_pascal_case()))
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                if removed.len() == 1 { "s" } else { "" }
                            ),
                        ),
                    };
                    let what = format!(
                        "enum value{} {} removed; {why}",
                        plural(removed.len()),
                        list(&removed)
                    );
                    self.emit(ctx, rule, ".enum", at.clone(), what);
                }
                if !added.is_empty() {
                    let (rule, why) = match ctx.direction {
                        Direction::Request => (
                            Rule::RequestEnumValueAdded,
                            "callers may send it".to_string(),
                        ),
                        // The old revision's marker decides: it is what old clients were built from.
                        Direction::Response if is_open_enum(o) => (
                            Rule::ResponseOpenEnumValueAdded,
                            format!(
                                "the enum `{rust_enum}` is marked open (`x-open-enum`), so clients built from the old spec decode it as an unlisted value rather than failing"
                            ),
                        ),
                        Direction::Response => (
                            Rule::ResponseEnumValueAdded,
                            format!(
                                "the generated enum `{rust_enum}` is closed, so clients built from the old spec fail to decode a response carrying it"
                            ),
                        ),
                    };
                    let what = format!(
                        "enum value{} {} added; {why}",
                        plural(added.len()),
                        list(&added)
                    );
                    self.emit(ctx, rule, ".enum", at, what);
                }
            }
            (None, Some(new)) => {
                let values: Vec<&Value> = new.iter().collect();
                let rule = self.pick(ctx, Rule::RequestBecameEnum, Rule::ResponseBecameEnum);
                self.emit(
                    ctx,
                    rule,
                    ".enum",
                    at,
                    format!("became an enum of {}", list(&values)),
                );
            }
            (Some(_), None) => {
                let rule = self.pick(ctx, Rule::RequestEnumRemoved, Rule::ResponseEnumRemoved);
                self.emit(
                    ctx,
                    rule,
                    ".enum",
                    at,
                    "no longer an enum: any value of the type is allowed".into(),
                );
            }
            (None, None) => {}
        }
    }

    /// Constraint keywords set, dropped, tightened or relaxed.
    pub(super) fn constraints(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        let number = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
        let mut moved: Vec<(&str, Effect, String)> = Vec::new();
        for key in UPPER.iter().chain(&LOWER) {
            let upper = UPPER.contains(key);
            let effect = match (number(o, key), number(n, key)) {
                (None, Some(_)) => Effect::Tightened,
                (Some(_), None) => Effect::Relaxed,
                (Some(a), Some(b)) if (a - b).abs() > f64::EPSILON => {
                    if (b < a) == upper {
                        Effect::Tightened
                    } else {
                        Effect::Relaxed
                    }
                }
                _ => continue,
            };
            moved.push((
                key,
                effect,
                format!("`{key}` {} → {}", shown(o.get(*key)), shown(n.get(*key))),
            ));
        }
        for key in FLAGS {
            let flag = |v: &Value| v.get(key).and_then(Value::as_bool).unwrap_or(false);
            if flag(o) != flag(n) {
                let effect = if flag(n) {
                    Effect::Tightened
                } else {
                    Effect::Relaxed
                };
                moved.push((key, effect, format!("`{key}` {} → {}", flag(o), flag(n))));
            }
        }
        for key in OPAQUE {
            let effect = match (o.get(key), n.get(key)) {
                (None, Some(_)) => Effect::Tightened,
                (Some(_), None) => Effect::Relaxed,
                (Some(a), Some(b)) if a != b => Effect::Changed,
                _ => continue,
            };
            moved.push((
                key,
                effect,
                format!("`{key}` {} → {}", shown(o.get(key)), shown(n.get(key))),
            ));
        }
        for (key, effect, what) in moved {
            let (rule, why) = match (ctx.direction, effect) {
                (Direction::Request, Effect::Relaxed) => {
                    (Rule::RequestConstraintRelaxed, "more values accepted")
                }
                (Direction::Request, Effect::Tightened) => (
                    Rule::RequestConstraintTightened,
                    "values callers send today may be refused",
                ),
                (Direction::Request, Effect::Changed) => (
                    Rule::RequestConstraintTightened,
                    "changed, not provably wider: values callers send today may be refused",
                ),
                (Direction::Response, Effect::Tightened) => (
                    Rule::ResponseConstraintTightened,
                    "the server promises narrower values",
                ),
                (Direction::Response, Effect::Relaxed) => (
                    Rule::ResponseConstraintRelaxed,
                    "the server may send values clients built from the old spec reject",
                ),
                (Direction::Response, Effect::Changed) => (
                    Rule::ResponseConstraintRelaxed,
                    "changed, not provably narrower: the server may send values clients built from the old spec reject",
                ),
            };
            self.emit(
                ctx,
                rule,
                &format!(".{key}"),
                defined_at(pointer, key),
                format!("{what} ({why})"),
            );
        }
    }
}
