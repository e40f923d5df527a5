//! Object schemas: properties (added, removed, renamed, required or not) and
//! `additionalProperties`, each judged by direction.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use kyc_spec::refs::escape;
use serde_json::{Map, Value};

use super::{Ctx, Direction, Walker, defined_at, ref_name};
use crate::document::{Node, empty_object, structure};
use crate::rules::Rule;
use crate::rust_types::rust_field_type;

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

impl<'a> Walker<'a> {
    pub(super) fn object(&mut self, ctx: &Ctx, old: &Node<'a>, new: &Node<'a>) {
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
                format!("{}/properties/{}", old.pointer, escape(name)),
            );
            let nn = self.new.resolve(
                new_schema,
                format!("{}/properties/{}", new.pointer, escape(name)),
            );
            self.schema(&pctx, on, nn);

            let response = pctx.direction == Direction::Response;
            let old_type =
                rust_field_type(self.old.root(), old_schema, was, &pctx.old_name, response);
            let new_type =
                rust_field_type(self.new.root(), new_schema, is, &pctx.new_name, response);
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
                    let what = format!("renamed to `{to}` (same schema): the JSON name changes");
                    self.emit(&pctx, rule, "", property_pointer(&old.pointer, name), what);
                    self.also_rust(format!(
                        "the Rust field `{old_field}` becomes `{}`",
                        to.to_snake_case()
                    ));
                }
                None => {
                    // The old revision says whether the field was required: say what follows.
                    let why = match (ctx.direction, old_req.contains(name.as_str())) {
                        (Direction::Request, _) => "callers still send it",
                        (Direction::Response, true) => {
                            "it was required: clients built from the old spec fail to decode a response without it"
                        }
                        (Direction::Response, false) => {
                            "it was optional: clients built from the old spec still decode the response, and callers reading the field get nothing"
                        }
                    };
                    let rule = self.pick(
                        ctx,
                        Rule::RequestPropertyRemoved,
                        Rule::ResponsePropertyRemoved,
                    );
                    let what = format!("removed ({why})");
                    self.emit(&pctx, rule, "", property_pointer(&old.pointer, name), what);
                    self.also_rust(format!("the Rust field `{old_field}` disappears"));
                }
            }
        }
        let renamed_to: BTreeSet<&String> = renames.values().copied().collect();
        let closed = n.get("additionalProperties") == Some(&Value::Bool(false));
        for name in added.iter().filter(|a| !renamed_to.contains(*a)) {
            let pctx = self.property_ctx(ctx, name);
            let is_required = new_req.contains(name.as_str());
            let ty = rust_field_type(
                self.new.root(),
                &new_props[*name],
                is_required,
                &pctx.new_name,
                ctx.direction == Direction::Response,
            );
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
    defined_at(&format!("{object}/properties/{}", escape(name)), "")
}
