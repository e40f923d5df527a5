//! Schema comparison: types, formats, enums, constraints, nullability, properties and
//! compositions, each judged by direction.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::{Map, Value};

use super::{Ctx, Direction, Walker, defined_at, show};
use crate::resolve::{Node, empty_object, is_documentation, structure};
use crate::rules::Rule;
use crate::rust_types::{kind, rust_field_type};

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
/// Keywords kyc-contract reports but does not judge.
const NOT_INTERPRETED: [&str; 2] = ["readOnly", "writeOnly"];

fn props(value: &Value) -> &Map<String, Value> {
    value
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or_else(|| empty_object())
}

fn required(value: &Value) -> BTreeSet<&str> {
    value
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

fn list(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| format!("`{}`", show(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Walker<'a> {
    /// Compares two schemas found at the same place.
    pub(super) fn schema(&mut self, ctx: &Ctx, old: Node<'a>, new: Node<'a>) {
        if (old.ref_name.is_some() || new.ref_name.is_some())
            && !self
                .seen
                .insert((old.pointer.clone(), new.pointer.clone(), ctx.direction))
        {
            return;
        }
        let ctx = Ctx {
            old_name: old.ref_name.clone().unwrap_or_else(|| ctx.old_name.clone()),
            new_name: new.ref_name.clone().unwrap_or_else(|| ctx.new_name.clone()),
            ..ctx.clone()
        };
        let (o, n) = (old.value, new.value);
        self.annotations(&ctx, o, n, &new.pointer);

        let (old_kind, new_kind) = (kind(o), kind(n));
        if old_kind != new_kind {
            self.type_changed(&ctx, old_kind, new_kind, &new.pointer);
            // Keywords of different types cannot be compared meaningfully.
            return;
        }
        self.format(&ctx, o, n, &new.pointer);
        self.enums(&ctx, o, n, &new.pointer);
        self.constraints(&ctx, o, n, &new.pointer);
        self.nullable(&ctx, o, n, &new.pointer);
        self.default(&ctx, o, n, &new.pointer);

        match new_kind {
            "object" => self.object(&ctx, &old, &new),
            "array" => {
                let items = ctx.part(".items", "[]", "Item");
                let (oi, ni) = (self.old.child(&old, "items"), self.new.child(&new, "items"));
                self.schema(&items, oi, ni);
            }
            "oneOf" | "anyOf" => self.variants(&ctx, new_kind, &old, &new),
            "allOf" => self.all_of(&ctx, &old, &new),
            "not" if structure(&o["not"]) != structure(&n["not"]) => self.emit(
                &ctx,
                self.pick(&ctx, Rule::RequestTypeChanged, Rule::ResponseTypeChanged),
                ".not",
                defined_at(&new.pointer, "not"),
                "the `not` schema changed".into(),
            ),
            _ => {}
        }
    }

    /// The request or the response variant of a rule.
    fn pick(&self, ctx: &Ctx, request: Rule, response: Rule) -> Rule {
        match ctx.direction {
            Direction::Request => request,
            Direction::Response => response,
        }
    }

    fn annotations(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        let keys: BTreeSet<&String> = o
            .as_object()
            .into_iter()
            .chain(n.as_object())
            .flat_map(|m| m.keys())
            .collect();
        let differs = |key: &str| o.get(key) != n.get(key);
        let docs: Vec<&str> = keys
            .iter()
            .map(|k| k.as_str())
            .filter(|k| (is_documentation(k) || *k == "deprecated") && differs(k))
            .collect();
        if !docs.is_empty() {
            let what = format!(
                "{} changed",
                docs.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.emit(
                ctx,
                Rule::DocumentationChanged,
                "",
                defined_at(pointer, ""),
                what,
            );
        }
        let opaque: Vec<String> = keys
            .iter()
            .map(|k| k.as_str())
            .filter(|k| (k.starts_with("x-") || NOT_INTERPRETED.contains(k)) && differs(k))
            .map(|k| format!("`{k}` {} → {}", shown(o.get(k)), shown(n.get(k))))
            .collect();
        if !opaque.is_empty() {
            let what = format!("{} (not interpreted: review by hand)", opaque.join("; "));
            self.emit(ctx, Rule::NotInterpreted, "", defined_at(pointer, ""), what);
        }
    }

    fn type_changed(&mut self, ctx: &Ctx, old_kind: &str, new_kind: &str, pointer: &str) {
        let rule = match (ctx.direction, old_kind, new_kind) {
            (Direction::Request, "integer", "number") => Rule::RequestTypeGeneralized,
            (Direction::Response, "number", "integer") => Rule::ResponseTypeSpecialized,
            (Direction::Request, ..) => Rule::RequestTypeChanged,
            (Direction::Response, ..) => Rule::ResponseTypeChanged,
        };
        self.emit(
            ctx,
            rule,
            ".type",
            defined_at(pointer, "type"),
            format!("type `{old_kind}` → `{new_kind}`"),
        );
    }

    fn format(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        let (of, nf) = (
            o.get("format").and_then(Value::as_str),
            n.get("format").and_then(Value::as_str),
        );
        let (rule, what) = match (of, nf) {
            (None, Some(f)) => (
                self.pick(ctx, Rule::RequestFormatChanged, Rule::ResponseFormatAdded),
                format!("`format: {f}` set"),
            ),
            (Some(f), None) => (
                self.pick(ctx, Rule::RequestFormatRemoved, Rule::ResponseFormatChanged),
                format!("`format: {f}` removed"),
            ),
            (Some(a), Some(b)) if a != b => (
                self.pick(ctx, Rule::RequestFormatChanged, Rule::ResponseFormatChanged),
                format!("`format` `{a}` → `{b}`"),
            ),
            _ => return,
        };
        self.emit(ctx, rule, ".format", defined_at(pointer, "format"), what);
    }

    fn enums(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
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

    fn constraints(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
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

    fn nullable(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        let flag = |v: &Value| v.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let rule = match (flag(o), flag(n)) {
            (false, true) => self.pick(
                ctx,
                Rule::RequestBecameNullable,
                Rule::ResponseBecameNullable,
            ),
            (true, false) => self.pick(
                ctx,
                Rule::RequestBecameNotNullable,
                Rule::ResponseBecameNotNullable,
            ),
            _ => return,
        };
        let what = format!("`nullable` {} → {}", flag(o), flag(n));
        self.emit(
            ctx,
            rule,
            ".nullable",
            defined_at(pointer, "nullable"),
            what,
        );
    }

    fn default(&mut self, ctx: &Ctx, o: &Value, n: &Value, pointer: &str) {
        if o.get("default") == n.get("default") {
            return;
        }
        let (rule, why) = if ctx.parameter_root {
            (
                Rule::ParameterDefaultChanged,
                "callers that omit the parameter get another behaviour",
            )
        } else {
            (
                Rule::DefaultChanged,
                "documentation of the server's behaviour",
            )
        };
        let what = format!(
            "`default` {} → {} ({why})",
            shown(o.get("default")),
            shown(n.get("default"))
        );
        self.emit(ctx, rule, ".default", defined_at(pointer, "default"), what);
    }

    fn object(&mut self, ctx: &Ctx, old: &Node<'a>, new: &Node<'a>) {
        let (o, n) = (old.value, new.value);
        let (old_props, new_props) = (props(o), props(n));
        let (old_req, new_req) = (required(o), required(n));

        for (name, new_schema) in new_props {
            let Some(old_schema) = old_props.get(name) else {
                continue;
            };
            let pctx = self.property_ctx(ctx, name);
            let start = self.findings.len();
            let (was, is) = (
                old_req.contains(name.as_str()),
                new_req.contains(name.as_str()),
            );
            if was != is {
                let rule = match (ctx.direction, is) {
                    (Direction::Request, true) => Rule::RequestPropertyBecameRequired,
                    (Direction::Request, false) => Rule::RequestPropertyBecameOptional,
                    (Direction::Response, true) => Rule::ResponsePropertyBecameRequired,
                    (Direction::Response, false) => Rule::ResponsePropertyBecameOptional,
                };
                let what = match (ctx.direction, is) {
                    (Direction::Request, true) => {
                        "became required (callers built from the old spec may omit it)"
                    }
                    (Direction::Request, false) => {
                        "became optional (the server accepts what it did)"
                    }
                    (Direction::Response, true) => {
                        "became required (the server now always sends it)"
                    }
                    (Direction::Response, false) => {
                        "became optional (the server may omit it, and clients built from the old spec fail to decode a response without it)"
                    }
                };
                self.emit(
                    &pctx,
                    rule,
                    "",
                    defined_at(&new.pointer, "required"),
                    what.into(),
                );
            }
            let on = self.old.resolve(
                old_schema,
                format!(
                    "{}/properties/{}",
                    old.pointer,
                    crate::resolve::escape(name)
                ),
            );
            let nn = self.new.resolve(
                new_schema,
                format!(
                    "{}/properties/{}",
                    new.pointer,
                    crate::resolve::escape(name)
                ),
            );
            self.schema(&pctx, on, nn);

            let old_type = rust_field_type(old_schema, was, &pctx.old_name);
            let new_type = rust_field_type(new_schema, is, &pctx.new_name);
            if old_type != new_type {
                let effect = format!(
                    "the Rust field `{}` changes from `{old_type}` to `{new_type}`",
                    name.to_snake_case()
                );
                self.rust_effect(start, &pctx, effect);
            }
            if let (Some(a), Some(b)) = (ref_name(old_schema), ref_name(new_schema))
                && a != b
            {
                self.ref_switches.insert((a.to_string(), b.to_string()));
            }
        }

        let removed: Vec<&String> = old_props
            .keys()
            .filter(|k| !new_props.contains_key(*k))
            .collect();
        let added: Vec<&String> = new_props
            .keys()
            .filter(|k| !old_props.contains_key(*k))
            .collect();
        let renames = pair_renames(&removed, &added, |r, a| {
            structure(&old_props[r]) == structure(&new_props[a])
                && old_req.contains(r.as_str()) == new_req.contains(a.as_str())
        });

        for name in &removed {
            let pctx = self.property_ctx(ctx, name);
            let old_field = name.to_snake_case();
            match renames.get(*name) {
                Some(to) => {
                    let rule = self.pick(
                        ctx,
                        Rule::RequestPropertyRenamed,
                        Rule::ResponsePropertyRenamed,
                    );
                    let what = format!(
                        "renamed to `{to}` (same schema): the JSON name changes, and the Rust field `{old_field}` becomes `{}`",
                        to.to_snake_case()
                    );
                    self.emit(&pctx, rule, "", property_pointer(&old.pointer, name), what);
                }
                None => {
                    let why = match ctx.direction {
                        Direction::Request => "callers still send it",
                        Direction::Response => {
                            "callers reading it get nothing, and decoding fails if it was required"
                        }
                    };
                    let rule = self.pick(
                        ctx,
                        Rule::RequestPropertyRemoved,
                        Rule::ResponsePropertyRemoved,
                    );
                    let what = format!("removed ({why}); the Rust field `{old_field}` disappears");
                    self.emit(&pctx, rule, "", property_pointer(&old.pointer, name), what);
                }
            }
        }
        let renamed_to: BTreeSet<&String> = renames.values().copied().collect();
        let closed = n.get("additionalProperties") == Some(&Value::Bool(false));
        for name in added.iter().filter(|a| !renamed_to.contains(*a)) {
            let pctx = self.property_ctx(ctx, name);
            let is_required = new_req.contains(name.as_str());
            let ty = rust_field_type(&new_props[*name], is_required, &pctx.new_name);
            let field = name.to_snake_case();
            let (rule, what) = match (ctx.direction, is_required) {
                (Direction::Request, true) => (
                    Rule::RequestPropertyAddedRequired,
                    format!(
                        "new required field (callers built from the old spec do not send it); Rust field `{field}: {ty}`"
                    ),
                ),
                (Direction::Request, false) => (
                    Rule::RequestPropertyAddedOptional,
                    format!(
                        "new optional field; Rust field `{field}: {ty}` (builders default it to `None`)"
                    ),
                ),
                (Direction::Response, _) if closed => (
                    Rule::ResponsePropertyAddedToClosedObject,
                    format!(
                        "new field in an object with `additionalProperties: false`: the generated type denies unknown fields, so clients built from the old spec fail to decode it; Rust field `{field}: {ty}`"
                    ),
                ),
                (Direction::Response, _) => (
                    Rule::ResponsePropertyAdded,
                    format!("new field (old clients ignore it); Rust field `{field}: {ty}`"),
                ),
            };
            self.emit(&pctx, rule, "", property_pointer(&new.pointer, name), what);
        }

        self.additional_properties(ctx, old, new);
    }

    fn property_ctx(&self, ctx: &Ctx, name: &str) -> Ctx {
        let loc = format!("{}.properties.{name}", ctx.loc);
        Ctx {
            slot: loc.clone(),
            loc,
            field: if ctx.field.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", ctx.field)
            },
            old_name: format!("{}{}", ctx.old_name, name.to_pascal_case()),
            new_name: format!("{}{}", ctx.new_name, name.to_pascal_case()),
            parameter_root: false,
            ..ctx.clone()
        }
    }

    fn additional_properties(&mut self, ctx: &Ctx, old: &Node<'a>, new: &Node<'a>) {
        let (o, n) = (
            old.value.get("additionalProperties"),
            new.value.get("additionalProperties"),
        );
        let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
        if closed(o) != closed(n) {
            let rule = match (ctx.direction, closed(n)) {
                (Direction::Request, true) => Rule::RequestAdditionalPropertiesForbidden,
                (Direction::Request, false) => Rule::RequestAdditionalPropertiesAllowed,
                (Direction::Response, true) => Rule::ResponseAdditionalPropertiesForbidden,
                (Direction::Response, false) => Rule::ResponseAdditionalPropertiesAllowed,
            };
            let what = if closed(n) {
                "`additionalProperties: false` set: unknown fields are refused (the Rust type denies unknown fields)"
            } else {
                "`additionalProperties: false` dropped: unknown fields are allowed"
            };
            let at = defined_at(&new.pointer, "additionalProperties");
            self.emit(ctx, rule, ".additionalProperties", at, what.into());
        }
        if matches!(o, Some(Value::Object(_))) && matches!(n, Some(Value::Object(_))) {
            let values = ctx.part(".additionalProperties", ".*", "Value");
            let (ov, nv) = (
                self.old.child(old, "additionalProperties"),
                self.new.child(new, "additionalProperties"),
            );
            self.schema(&values, ov, nv);
        }
    }

    fn variants(&mut self, ctx: &Ctx, key: &str, old: &Node<'a>, new: &Node<'a>) {
        let (olds, news) = (members(old.value, key), members(new.value, key));
        for (label, (i, new_member)) in &news {
            match olds.get(label) {
                Some((j, old_member)) => {
                    let member = ctx.part(&format!(".{key}[{i}]"), "", "");
                    let on = self
                        .old
                        .resolve(old_member, format!("{}/{key}/{j}", old.pointer));
                    let nn = self
                        .new
                        .resolve(new_member, format!("{}/{key}/{i}", new.pointer));
                    self.schema(&member, on, nn);
                }
                None => {
                    let (rule, why) = match ctx.direction {
                        Direction::Request => (Rule::RequestVariantAdded, "callers may send it"),
                        Direction::Response => (
                            Rule::ResponseVariantAdded,
                            "clients built from the old spec cannot decode it",
                        ),
                    };
                    let what = format!("`{key}` alternative {label} added ({why})");
                    self.emit(
                        ctx,
                        rule,
                        &format!(".{key}[{i}]"),
                        defined_at(&new.pointer, key),
                        what,
                    );
                }
            }
        }
        for (label, (j, _)) in olds.iter().filter(|(label, _)| !news.contains_key(*label)) {
            let (rule, why) = match ctx.direction {
                Direction::Request => (
                    Rule::RequestVariantRemoved,
                    "callers sending it are refused",
                ),
                Direction::Response => (
                    Rule::ResponseVariantRemoved,
                    "the wire is fine, but its variant of the generated enum disappears",
                ),
            };
            let what = format!("`{key}` alternative {label} removed ({why})");
            self.emit(
                ctx,
                rule,
                &format!(".{key}[{j}]"),
                defined_at(&old.pointer, key),
                what,
            );
        }
    }

    fn all_of(&mut self, ctx: &Ctx, old: &Node<'a>, new: &Node<'a>) {
        let (olds, news) = (members(old.value, "allOf"), members(new.value, "allOf"));
        let rule = self.pick(ctx, Rule::RequestTypeChanged, Rule::ResponseTypeChanged);
        for (label, (i, new_member)) in &news {
            match olds.get(label) {
                Some((j, old_member)) => {
                    let member = ctx.part(&format!(".allOf[{i}]"), "", "");
                    let on = self
                        .old
                        .resolve(old_member, format!("{}/allOf/{j}", old.pointer));
                    let nn = self
                        .new
                        .resolve(new_member, format!("{}/allOf/{i}", new.pointer));
                    self.schema(&member, on, nn);
                }
                None => {
                    let what = format!("`allOf` part {label} added: the combined type changed");
                    self.emit(
                        ctx,
                        rule,
                        &format!(".allOf[{i}]"),
                        defined_at(&new.pointer, "allOf"),
                        what,
                    );
                }
            }
        }
        for (label, (j, _)) in olds.iter().filter(|(label, _)| !news.contains_key(*label)) {
            let what = format!("`allOf` part {label} removed: the combined type changed");
            self.emit(
                ctx,
                rule,
                &format!(".allOf[{j}]"),
                defined_at(&old.pointer, "allOf"),
                what,
            );
        }
    }
}

/// Members of a composition, keyed by the schema they reference (`` `ErrorReference` ``) or,
/// when inline, by position (`#2`), so a reordered list of references still pairs up.
fn members<'v>(value: &'v Value, key: &str) -> BTreeMap<String, (usize, &'v Value)> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let label = match ref_name(item) {
                        Some(name) => format!("`{name}`"),
                        None => format!("#{i}"),
                    };
                    (label, (i, item))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Pairs removed names with added ones that `same` says are one thing renamed. Only unambiguous
/// pairs count: a removed name matching two added ones (or the reverse) stays a removal and an
/// addition, since guessing wrong would hide a real removal.
pub(crate) fn pair_renames<'n>(
    removed: &[&'n String],
    added: &[&'n String],
    same: impl Fn(&String, &String) -> bool,
) -> BTreeMap<&'n String, &'n String> {
    let mut pairs = BTreeMap::new();
    for r in removed {
        let candidates: Vec<&&String> = added.iter().filter(|a| same(r, a)).collect();
        if let [only] = candidates.as_slice() {
            let rivals = removed.iter().filter(|other| same(other, only)).count();
            if rivals == 1 {
                pairs.insert(*r, **only);
            }
        }
    }
    pairs
}

/// Where a property is defined, when that is in `components`.
fn property_pointer(object: &str, name: &str) -> Option<String> {
    defined_at(
        &format!("{object}/properties/{}", crate::resolve::escape(name)),
        "",
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        Some(v) => format!("`{}`", show(v)),
        None => "(none)".to_string(),
    }
}
