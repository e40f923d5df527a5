//! Schema comparison: the walk over two schemas found at the same place, types, formats,
//! nullability, defaults and compositions, each judged by direction. Objects, value
//! constraints and the project's vendor extensions have modules of their own.

use std::collections::{BTreeMap, BTreeSet};

use kyc_spec::extensions::is_undocumented;
use serde_json::Value;

use super::vocabulary::INTERPRETED;
use super::{Ctx, Direction, Walker, defined_at, ref_name, shown};
use crate::document::{Node, is_documentation, structure};
use crate::rules::Rule;
use crate::rust_types::kind;

/// Keywords kyc-contract reports but does not judge.
const NOT_INTERPRETED: [&str; 2] = ["readOnly", "writeOnly"];

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
        self.vocabulary(&ctx, o, n, &new.pointer);

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
    pub(super) fn pick(&self, ctx: &Ctx, request: Rule, response: Rule) -> Rule {
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
        // `x-undocumented: [keyword, ...]` only says which constraints are inferences; `true`
        // on a body changes how clients read it, and is judged with what it marks.
        let provenance =
            |k: &str| k == "x-undocumented" && !is_undocumented(o) && !is_undocumented(n);
        let docs: Vec<&str> = keys
            .iter()
            .map(|k| k.as_str())
            .filter(|k| (is_documentation(k) || *k == "deprecated" || provenance(k)) && differs(k))
            .collect();
        if !docs.is_empty() {
            let what = format!(
                "{} changed",
                docs.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            // One keyword changed: point at it (the annotation's line), as other rules do.
            let keyword = if docs.len() == 1 { docs[0] } else { "" };
            let suffix = if keyword.is_empty() {
                String::new()
            } else {
                format!(".{keyword}")
            };
            self.emit(
                ctx,
                Rule::DocumentationChanged,
                &suffix,
                defined_at(pointer, keyword),
                what,
            );
        }
        let opaque: Vec<String> = keys
            .iter()
            .map(|k| k.as_str())
            .filter(|k| {
                let extension = k.starts_with("x-") && !INTERPRETED.contains(k) && !provenance(k);
                (extension || NOT_INTERPRETED.contains(k)) && differs(k)
            })
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
