//! Parameters (path, query, header, cookie) of an operation against its counterpart: matched
//! by location and name, renames recognised within one location.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use super::object::pair_renames;
use super::{Ctx, Direction, Walker, defined_at};
use crate::document::{Document, Node, OperationView, structure};
use crate::rules::Rule;
use crate::rust_types::rust_type;

/// Parameter keywords that change how a value is written on the wire.
const SERIALIZATION: [&str; 4] = ["style", "explode", "allowReserved", "allowEmptyValue"];

impl<'a> Walker<'a> {
    pub(super) fn parameters(
        &mut self,
        base: &str,
        old: &OperationView<'a>,
        new: &OperationView<'a>,
    ) {
        let olds = parameters(self.old, old);
        let news = parameters(self.new, new);
        let op_name = new.id().to_pascal_case();
        for (key, new_param) in &news {
            let Some(old_param) = olds.get(key) else {
                continue;
            };
            let (location, name) = key;
            let loc = format!("{base}.parameters.{location}.{name}");
            let ctx = Ctx {
                loc: loc.clone(),
                slot: loc.clone(),
                place: format!("{location} parameter `{name}`"),
                field: String::new(),
                direction: Direction::Request,
                old_name: format!("{}{}", old.id().to_pascal_case(), name.to_pascal_case()),
                new_name: format!("{op_name}{}", name.to_pascal_case()),
                parameter_root: true,
                body: false,
            };
            let start = self.findings.len();
            let (o, n) = (old_param.value, new_param.value);
            self.documentation(&loc, &ctx.place, o, n);
            let is_required =
                |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
            if is_required(o) != is_required(n) {
                let rule = if is_required(n) {
                    Rule::ParameterBecameRequired
                } else {
                    Rule::ParameterBecameOptional
                };
                let what = if is_required(n) {
                    "became required"
                } else {
                    "became optional"
                };
                self.emit(
                    &ctx,
                    rule,
                    ".required",
                    defined_at(&new_param.pointer, "required"),
                    what.into(),
                );
            }
            for keyword in SERIALIZATION.iter().filter(|k| o.get(**k) != n.get(**k)) {
                let what =
                    format!("`{keyword}` changed: the value is written differently on the wire");
                self.emit(
                    &ctx,
                    Rule::RequestTypeChanged,
                    &format!(".{keyword}"),
                    None,
                    what,
                );
            }
            let (os, ns) = (
                self.old.child(old_param, "schema"),
                self.new.child(new_param, "schema"),
            );
            let schema_ctx = Ctx {
                loc: format!("{loc}.schema"),
                ..ctx.clone()
            };
            self.schema(&schema_ctx, os, ns);
            let null = &Value::Null;
            let old_type = rust_type(
                self.old.root(),
                o.get("schema").unwrap_or(null),
                &ctx.old_name,
            );
            let new_type = rust_type(
                self.new.root(),
                n.get("schema").unwrap_or(null),
                &ctx.new_name,
            );
            if old_type != new_type {
                let effect = format!(
                    "the builder method `{}` now takes `{new_type}` (was `{old_type}`)",
                    name.to_snake_case()
                );
                self.rust_effect(start, &ctx, effect);
            }
        }

        let removed: Vec<&(String, String)> =
            olds.keys().filter(|k| !news.contains_key(*k)).collect();
        let added: Vec<&(String, String)> =
            news.keys().filter(|k| !olds.contains_key(*k)).collect();
        // Renames are looked for within one location: a query parameter that became a header
        // is a removal and an addition.
        let mut renames: BTreeMap<(String, String), String> = BTreeMap::new();
        let locations: BTreeSet<&String> = removed.iter().map(|(l, _)| l).collect();
        for location in locations {
            let gone: Vec<&String> = removed
                .iter()
                .filter(|(l, _)| l == location)
                .map(|(_, n)| n)
                .collect();
            let new_names: Vec<&String> = added
                .iter()
                .filter(|(l, _)| l == location)
                .map(|(_, n)| n)
                .collect();
            let pairs = pair_renames(&gone, &new_names, |r, a| {
                let (rk, ak) = ((location.clone(), r.clone()), (location.clone(), a.clone()));
                same_parameter(olds[&rk].value, news[&ak].value)
            });
            for (from, to) in pairs {
                renames.insert((location.clone(), from.clone()), to.clone());
            }
        }
        for key in &removed {
            let (location, name) = key;
            let loc = format!("{base}.parameters.{location}.{name}");
            let method = name.to_snake_case();
            let (rule, what, effect) = match renames.get(*key) {
                Some(to) => (
                    Rule::ParameterRenamed,
                    format!(
                        "{location} parameter `{name}` renamed to `{to}` (same schema): callers send the old name"
                    ),
                    format!(
                        "the builder method `{method}` becomes `{}`",
                        to.to_snake_case()
                    ),
                ),
                None => (
                    Rule::ParameterRemoved,
                    format!("{location} parameter `{name}` removed: callers still send it"),
                    format!("the builder method `{method}` disappears"),
                ),
            };
            self.push(
                rule,
                loc.clone(),
                defined_at(&olds[*key].pointer, ""),
                what,
                loc,
            );
            self.also_rust(effect);
        }
        let renamed_to: BTreeSet<(&String, &String)> = renames
            .iter()
            .map(|((location, _), to)| (location, to))
            .collect();
        for key in added.iter().filter(|(l, n)| !renamed_to.contains(&(l, n))) {
            let (location, name) = key;
            let loc = format!("{base}.parameters.{location}.{name}");
            let param = news[*key].value;
            let method = name.to_snake_case();
            let (rule, what) = if param.get("required").and_then(Value::as_bool) == Some(true) {
                (
                    Rule::ParameterAddedRequired,
                    format!(
                        "new required {location} parameter `{name}`: callers built from the old spec do not send it (new builder method `{method}`)"
                    ),
                )
            } else {
                (
                    Rule::ParameterAddedOptional,
                    format!(
                        "new optional {location} parameter `{name}` (new builder method `{method}`)"
                    ),
                )
            };
            self.push(
                rule,
                loc.clone(),
                defined_at(&news[*key].pointer, ""),
                what,
                loc,
            );
        }
    }
}

/// Whether two parameters differ only in name: same location, requiredness and schema.
fn same_parameter(old: &Value, new: &Value) -> bool {
    let strip = |p: &Value| {
        let mut value = structure(p);
        if let Some(map) = value.as_object_mut() {
            map.remove("name");
        }
        value
    };
    strip(old) == strip(new)
}

/// The parameters of an operation by (location, name): the path item's, overridden by the
/// operation's own.
fn parameters<'d>(
    doc: Document<'d>,
    op: &OperationView<'d>,
) -> BTreeMap<(String, String), Node<'d>> {
    let mut out = BTreeMap::new();
    let sources = [
        (
            op.path_parameters,
            op.pointer
                .rsplit_once('/')
                .map(|(item, _)| item.to_string())
                .unwrap_or_default(),
        ),
        (
            op.op.get("parameters").unwrap_or(&Value::Null),
            op.pointer.clone(),
        ),
    ];
    for (list, owner) in sources {
        for (i, param) in list.as_array().into_iter().flatten().enumerate() {
            let node = doc.resolve(param, format!("{owner}/parameters/{i}"));
            let get = |k: &str| {
                node.value
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            out.insert((get("in"), get("name")), node.clone());
        }
    }
    out
}
