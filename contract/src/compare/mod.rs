//! Walks two revisions of one spec side by side and records every difference as a finding.
//!
//! Operations are matched by method and path; inside an operation, parameters by location and
//! name, responses by status, media types by name, and schemas by following `$ref`s on both
//! sides in step. Each schema is walked once per operation and direction (request or response)
//! because the same change means opposite things in the two directions: a tightened constraint
//! breaks requests, a widened one breaks responses.

mod callbacks;
mod constraints;
mod object;
mod operation;
mod parameters;
mod schema;
mod security;
mod spec;
mod vocabulary;

use std::collections::{BTreeSet, HashSet};

use crate::document::{Document, OperationView};
use crate::report::{Change, OperationRef};
use crate::rules::{Class, Rule};

/// Which way data flows through the schema being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    /// Sent by the caller: bodies and parameters.
    Request,
    /// Received by the caller: bodies and headers.
    Response,
}

/// A change, plus the slot (field, parameter or body) whose generated Rust type it belongs to.
#[derive(Debug)]
pub(crate) struct Finding {
    pub(crate) change: Change,
    slot: String,
}

/// Where the walk is.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// Dotted location of the current node, through the operation (`paths./x.post.requestBody...`).
    loc: String,
    /// Location of the field, parameter or body whose Rust type the current node is part of.
    slot: String,
    /// How messages name the place: `request body`, `response 200`, `query parameter `page``.
    place: String,
    /// JSON field path inside the body (`data.status`), empty at the root.
    field: String,
    direction: Direction,
    /// The name typify gives the current node if it is an inline type, in each revision.
    old_name: String,
    new_name: String,
    /// True at the root schema of a parameter, where a changed `default` changes behaviour.
    parameter_root: bool,
    /// True inside a request or response body, where the root is named "... body".
    body: bool,
}

impl Ctx {
    fn subject(&self) -> String {
        if self.field.is_empty() && self.body {
            format!("{} body", self.place)
        } else if self.field.is_empty() {
            self.place.clone()
        } else {
            format!("{} field `{}`", self.place, self.field)
        }
    }

    /// The context of a child node that is part of the same Rust type (array items, map values,
    /// composition members).
    fn part(&self, loc_suffix: &str, field_suffix: &str, name_suffix: &str) -> Ctx {
        Ctx {
            loc: format!("{}{loc_suffix}", self.loc),
            field: format!("{}{field_suffix}", self.field),
            old_name: format!("{}{name_suffix}", self.old_name),
            new_name: format!("{}{name_suffix}", self.new_name),
            parameter_root: false,
            ..self.clone()
        }
    }
}

/// Compares two revisions of one spec.
#[derive(Debug)]
pub(crate) struct Walker<'a> {
    old: Document<'a>,
    new: Document<'a>,
    findings: Vec<Finding>,
    /// `$ref` pairs already walked in the current operation, per direction: stops recursive
    /// schemas, and reports a shared schema once per operation rather than once per use.
    seen: HashSet<(String, String, Direction)>,
    /// Pairs of schema names that some slot switched between; a component rename already
    /// reported through them is not reported again at spec level.
    pub(crate) ref_switches: BTreeSet<(String, String)>,
}

/// Every change between two revisions of one spec: spec-level changes first, then operations in
/// the new revision's order, then removed operations.
pub(crate) fn compare(old: Document<'_>, new: Document<'_>) -> Vec<Change> {
    let mut walker = Walker {
        old,
        new,
        findings: Vec::new(),
        seen: HashSet::new(),
        ref_switches: BTreeSet::new(),
    };
    let old_ops = old.operations();
    let new_ops = new.operations();
    let mut matched = vec![false; old_ops.len()];
    for new_op in &new_ops {
        let start = walker.findings.len();
        let counterpart = old_ops
            .iter()
            .position(|o| o.method() == new_op.method() && o.key_path == new_op.key_path);
        match counterpart {
            Some(i) => {
                matched[i] = true;
                walker.seen.clear();
                walker.operation(&old_ops[i], new_op);
            }
            None => walker.push(
                Rule::OperationAdded,
                new_op.location(),
                None,
                format!("new operation: the method `Client::{}`", new_op.id()),
                String::new(),
            ),
        }
        walker.scope(start, new_op);
    }
    for (old_op, _) in old_ops.iter().zip(&matched).filter(|(_, m)| !**m) {
        let start = walker.findings.len();
        walker.push(
            Rule::OperationRemoved,
            old_op.location(),
            None,
            "operation removed: callers get an error from the server".to_string(),
            String::new(),
        );
        walker.also_rust(format!("the method `Client::{}` disappears", old_op.id()));
        walker.scope(start, old_op);
    }
    let operation_findings = std::mem::take(&mut walker.findings);
    walker.spec_level();
    walker
        .findings
        .into_iter()
        .chain(operation_findings)
        .map(|finding| finding.change)
        .collect()
}

impl<'a> Walker<'a> {
    /// Records a change with the rule's own class.
    fn push(
        &mut self,
        rule: Rule,
        location: String,
        defined_at: Option<String>,
        message: String,
        slot: String,
    ) {
        self.findings.push(Finding {
            change: Change {
                class: rule.class(),
                rule,
                operation: None,
                location,
                defined_at,
                message,
                rust_effect: None,
            },
            slot,
        });
    }

    /// Records a change about the node at `ctx`, `suffix` appended to its location.
    fn emit(
        &mut self,
        ctx: &Ctx,
        rule: Rule,
        suffix: &str,
        defined_at: Option<String>,
        what: String,
    ) {
        let message = format!("{}: {what}", ctx.subject());
        self.push(
            rule,
            format!("{}{suffix}", ctx.loc),
            defined_at,
            message,
            ctx.slot.clone(),
        );
    }

    /// Notes that the generated Rust type of the slot at `ctx` changed. The effect is attached to
    /// the most severe change already found for that slot since `start` (raising a compatible
    /// one to breaking-for-Rust); when the wire saw no change at all, it becomes a change of its own.
    fn rust_effect(&mut self, start: usize, ctx: &Ctx, effect: String) {
        let target = self.findings[start..]
            .iter_mut()
            .filter(|f| f.slot == ctx.slot)
            .min_by_key(|f| f.change.class);
        match target {
            Some(finding) => {
                if finding.change.rust_effect.is_none() {
                    finding.change.rust_effect = Some(effect);
                }
                if finding.change.class == Class::Compatible {
                    finding.change.class = Class::BreakingRust;
                }
            }
            None => {
                let message = format!("{}: {effect}", ctx.subject());
                self.push(
                    Rule::RustTypeChanged,
                    ctx.slot.clone(),
                    None,
                    message,
                    ctx.slot.clone(),
                );
            }
        }
    }

    /// Notes what the change just recorded does to the generated Rust code (a field, method or
    /// builder argument that disappears or is renamed), so a change that breaks the wire and
    /// Rust code alike shows and counts both (see [`crate::Counts`]).
    fn also_rust(&mut self, effect: String) {
        if let Some(finding) = self.findings.last_mut() {
            finding.change.rust_effect.get_or_insert(effect);
        }
    }

    /// Assigns the operation to every finding recorded since `start`.
    fn scope(&mut self, start: usize, op: &OperationView<'_>) {
        let operation = OperationRef {
            operation_id: op.id().to_string(),
            method: op.method().to_string(),
            path: op.path().to_string(),
        };
        for finding in &mut self.findings[start..] {
            finding.change.operation = Some(operation.clone());
        }
    }
}

/// The pointer to report as "defined at": only worth showing when the node lives in
/// `components`, away from the operation the location walks through.
fn defined_at(pointer: &str, keyword: &str) -> Option<String> {
    pointer.starts_with("#/components/").then(|| {
        if keyword.is_empty() {
            pointer.to_string()
        } else {
            format!("{pointer}/{}", kyc_spec::refs::escape(keyword))
        }
    })
}

/// The component schema a node references (`Nik` for `$ref: "#/components/schemas/Nik"`).
fn ref_name(node: &serde_json::Value) -> Option<&str> {
    kyc_spec::refs::reference_of(node).and_then(kyc_spec::refs::schema_name)
}

/// A JSON value as it reads in a message: strings bare, everything else as compact JSON.
fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `s` for a plural count.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A keyword's value as a message shows it: `` `5` ``, or `(none)` when absent.
fn shown(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(v) => format!("`{}`", show(v)),
        None => "(none)".to_string(),
    }
}
