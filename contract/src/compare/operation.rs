//! One operation against its counterpart: the method name, deprecation, request body and
//! responses (parameters, security and callbacks have modules of their own).

use heck::ToPascalCase;
use kyc_spec::refs::escape;
use serde_json::Value;

use super::{Ctx, Direction, Walker, ref_name};
use crate::document::{Node, OperationView, empty_object, is_documentation};
use crate::rules::Rule;
use crate::rust_types::rust_type;

impl<'a> Walker<'a> {
    /// Compares an operation with its counterpart (same method, same path).
    pub(super) fn operation(&mut self, old: &OperationView<'a>, new: &OperationView<'a>) {
        let base = new.location();
        if old.id() != new.id() {
            let what = format!(
                "`operationId` `{}` → `{}`: the Rust method `Client::{}` is now `Client::{}` and its builder `builder::{}` is now `builder::{}` (the request on the wire is unchanged)",
                old.id(),
                new.id(),
                old.id(),
                new.id(),
                old.id().to_pascal_case(),
                new.id().to_pascal_case()
            );
            self.push(
                Rule::OperationIdRenamed,
                format!("{base}.operationId"),
                None,
                what,
                String::new(),
            );
        }
        self.documentation(&base, "operation", old.op, new.op);
        self.lifecycle(&base, old, new);
        self.parameters(&base, old, new);
        self.request_body(&base, old, new);
        self.responses(&base, old, new);
        self.security(&base, old, new);
        self.callbacks(&base, old, new);
    }

    /// `deprecated` and the `x-sunset` date.
    fn lifecycle(&mut self, base: &str, old: &OperationView<'a>, new: &OperationView<'a>) {
        let (o, n) = (old.operation, new.operation);
        let note = |walker: &mut Self, rule: Rule, key: &str, what: String| {
            walker.push(rule, format!("{base}.{key}"), None, what, String::new());
        };
        if o.deprecated != n.deprecated {
            if n.deprecated {
                let sunset = n
                    .sunset
                    .as_deref()
                    .map(|date| format!(" (the vendor stops serving it on {date})"))
                    .unwrap_or_default();
                let what =
                    format!("operation marked deprecated{sunset}: callers should move off it");
                note(self, Rule::OperationDeprecated, "deprecated", what);
            } else {
                let what = "operation no longer deprecated".to_string();
                note(self, Rule::DocumentationChanged, "deprecated", what);
            }
        }
        let what = match (&o.sunset, &n.sunset) {
            (None, Some(date)) => format!(
                "sunset announced (`x-sunset`): the vendor stops serving the operation on {date}; callers must move off it before then"
            ),
            (Some(was), Some(date)) if was != date => format!(
                "sunset moved (`x-sunset`) from {was} to {date}: the vendor stops serving the operation on {date}"
            ),
            (Some(was), None) => {
                format!("sunset (`x-sunset`, {was}) withdrawn: no end date is announced any more")
            }
            _ => return,
        };
        note(self, Rule::OperationSunsetChanged, "x-sunset", what);
    }

    /// Reports changed documentation keywords of an object that is not a schema.
    pub(super) fn documentation(&mut self, loc: &str, what: &str, old: &Value, new: &Value) {
        let mut keys: Vec<&str> = old
            .as_object()
            .into_iter()
            .chain(new.as_object())
            .flat_map(|m| m.keys())
            .map(String::as_str)
            .filter(|k| is_documentation(k) && old.get(*k) != new.get(*k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        if !keys.is_empty() {
            let list = keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            // One keyword changed: point at it (the annotation's line), as other rules do.
            let at = match keys[..] {
                [key] => format!("{loc}.{key}"),
                _ => loc.to_string(),
            };
            self.push(
                Rule::DocumentationChanged,
                at,
                None,
                format!("{what}: {list} changed"),
                String::new(),
            );
        }
    }
    fn request_body(&mut self, base: &str, old: &OperationView<'a>, new: &OperationView<'a>) {
        let loc = format!("{base}.requestBody");
        let ob = self.old.resolve(
            old.op.get("requestBody").unwrap_or(&Value::Null),
            format!("{}/requestBody", old.pointer),
        );
        let nb = self.new.resolve(
            new.op.get("requestBody").unwrap_or(&Value::Null),
            format!("{}/requestBody", new.pointer),
        );
        let is_required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        match (ob.value.is_null(), nb.value.is_null()) {
            (true, true) => return,
            (true, false) => {
                let (rule, what) = if is_required(nb.value) {
                    (
                        Rule::RequestBodyAddedRequired,
                        "required request body added: callers built from the old spec send none",
                    )
                } else {
                    (
                        Rule::RequestBodyAddedOptional,
                        "optional request body added",
                    )
                };
                self.push(rule, loc.clone(), None, what.into(), loc);
                return;
            }
            (false, true) => {
                self.push(
                    Rule::RequestBodyRemoved,
                    loc.clone(),
                    None,
                    "request body removed".into(),
                    loc,
                );
                return;
            }
            (false, false) => {}
        }
        self.documentation(&loc, "request body", ob.value, nb.value);
        if is_required(ob.value) != is_required(nb.value) {
            let (rule, what) = if is_required(nb.value) {
                (
                    Rule::RequestBodyBecameRequired,
                    "request body became required",
                )
            } else {
                (
                    Rule::RequestBodyBecameOptional,
                    "request body became optional",
                )
            };
            self.push(
                rule,
                format!("{loc}.required"),
                None,
                what.into(),
                loc.clone(),
            );
        }
        let ctx = Ctx {
            loc: String::new(),
            slot: String::new(),
            place: "request body".into(),
            field: String::new(),
            direction: Direction::Request,
            old_name: format!("{}Body", old.id().to_pascal_case()),
            new_name: format!("{}Body", new.id().to_pascal_case()),
            parameter_root: false,
            body: true,
        };
        self.content(
            &loc,
            &ctx,
            &ob,
            &nb,
            (
                Rule::RequestMediaTypeAdded,
                Rule::RequestMediaTypeRemoved,
                Rule::RequestBodyTypeChanged,
            ),
        );
    }

    /// Compares the `content` maps of a request body or a response: media types, then each
    /// shared media type's schema. `rules` are the (added, removed, type changed) rules.
    pub(super) fn content(
        &mut self,
        loc: &str,
        ctx: &Ctx,
        old: &Node<'a>,
        new: &Node<'a>,
        rules: (Rule, Rule, Rule),
    ) {
        let oc = old
            .value
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or_else(|| empty_object());
        let nc = new
            .value
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or_else(|| empty_object());
        for (media, new_media) in nc {
            let media_loc = format!("{loc}.content.{media}");
            let Some(old_media) = oc.get(media) else {
                let what = format!("{}: media type `{media}` added", ctx.place);
                self.push(rules.0, media_loc.clone(), None, what, media_loc);
                continue;
            };
            self.documentation(
                &media_loc,
                &format!("{} `{media}`", ctx.place),
                old_media,
                new_media,
            );
            let schema_loc = format!("{media_loc}.schema");
            let (os, ns) = (
                old_media.get("schema").unwrap_or(&Value::Null),
                new_media.get("schema").unwrap_or(&Value::Null),
            );
            let ctx = Ctx {
                loc: schema_loc.clone(),
                slot: schema_loc.clone(),
                ..ctx.clone()
            };
            let pointer =
                |node: &Node<'_>| format!("{}/content/{}/schema", node.pointer, escape(media));
            let on = self.old.resolve(os, pointer(old));
            let nn = self.new.resolve(ns, pointer(new));
            if !os.is_null() && !ns.is_null() {
                self.schema(&ctx, on, nn);
            }
            let describe = |document: &Value, schema: &Value, name: &str| {
                if schema.is_null() {
                    "no body".to_string()
                } else {
                    format!("`{}`", rust_type(document, schema, name))
                }
            };
            let old_type = describe(self.old.root(), os, &ctx.old_name);
            let new_type = describe(self.new.root(), ns, &ctx.new_name);
            if old_type != new_type {
                if let (Some(a), Some(b)) = (ref_name(os), ref_name(ns)) {
                    self.ref_switches.insert((a.to_string(), b.to_string()));
                }
                let what = format!(
                    "{}: the body type changes from {old_type} to {new_type} in the generated client",
                    ctx.place
                );
                // A change of its own rather than an effect on a wire change inside the body:
                // the caller renames the type whatever else moved.
                self.push(rules.2, schema_loc.clone(), None, what, schema_loc);
            }
        }
        for media in oc.keys().filter(|m| !nc.contains_key(*m)) {
            let media_loc = format!("{loc}.content.{media}");
            let what = format!("{}: media type `{media}` removed", ctx.place);
            self.push(rules.1, media_loc.clone(), None, what, media_loc);
        }
    }

    fn responses(&mut self, base: &str, old: &OperationView<'a>, new: &OperationView<'a>) {
        let statuses = |op: &'a Value| {
            op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or_else(|| empty_object())
        };
        let (ors, nrs) = (statuses(old.op), statuses(new.op));
        // `200` → `2XX` and back: the same response under a wider or narrower key. Compared
        // with the key it replaces, and not reported as added and removed.
        let mut paired: Vec<&String> = Vec::new();
        for (status, new_response) in nrs {
            let loc = format!("{base}.responses.{status}");
            let (old_status, old_response) = match ors.get_key_value(status) {
                Some(found) => found,
                None => match replaced(status, ors, nrs) {
                    Some((old_status, old_response)) => {
                        paired.push(old_status);
                        let (rule, what) = if is_range(status) {
                            let what = format!(
                                "response `{old_status}` widened to `{status}`: every {status} status decodes as `{old_status}` did"
                            );
                            (Rule::ResponseStatusWidened, what)
                        } else {
                            let what = format!(
                                "response `{old_status}` narrowed to `{status}`: the class's other statuses no longer decode"
                            );
                            (Rule::ResponseStatusNarrowed, what)
                        };
                        self.push(rule, loc.clone(), None, what, loc.clone());
                        (old_status, old_response)
                    }
                    None => {
                        let what = format!("response `{status}` added");
                        self.push(Rule::ResponseStatusAdded, loc.clone(), None, what, loc);
                        continue;
                    }
                },
            };
            let on = self.old.resolve(
                old_response,
                format!("{}/responses/{}", old.pointer, escape(old_status)),
            );
            let nn = self.new.resolve(
                new_response,
                format!("{}/responses/{}", new.pointer, escape(status)),
            );
            let place = format!("response {status}");
            self.documentation(&loc, &place, on.value, nn.value);
            self.headers(&loc, &place, &on, &nn);
            let ctx = Ctx {
                loc: String::new(),
                slot: String::new(),
                place,
                field: String::new(),
                direction: Direction::Response,
                old_name: format!("{}Response", old.id().to_pascal_case()),
                new_name: format!("{}Response", new.id().to_pascal_case()),
                parameter_root: false,
                body: true,
            };
            self.content(
                &loc,
                &ctx,
                &on,
                &nn,
                (
                    Rule::ResponseMediaTypeAdded,
                    Rule::ResponseMediaTypeRemoved,
                    Rule::ResponseBodyTypeChanged,
                ),
            );
        }
        for status in ors
            .keys()
            .filter(|s| !nrs.contains_key(*s) && !paired.contains(s))
        {
            let loc = format!("{base}.responses.{status}");
            let success = status.starts_with('2') || status.starts_with('3');
            let why = if success {
                "callers expecting it get an unexpected-response error"
            } else {
                "the generated client no longer decodes its error body: callers matching `Error::ErrorResponse` for it get `Error::UnexpectedResponse`"
            };
            let what = format!("response `{status}` removed ({why})");
            self.push(Rule::ResponseStatusRemoved, loc.clone(), None, what, loc);
        }
    }

    fn headers(&mut self, loc: &str, place: &str, old: &Node<'a>, new: &Node<'a>) {
        let oh = old
            .value
            .get("headers")
            .and_then(Value::as_object)
            .unwrap_or_else(|| empty_object());
        let nh = new
            .value
            .get("headers")
            .and_then(Value::as_object)
            .unwrap_or_else(|| empty_object());
        let is_required = |h: &Value| h.get("required").and_then(Value::as_bool).unwrap_or(false);
        for (name, new_header) in nh {
            let header_loc = format!("{loc}.headers.{name}");
            let Some(old_header) = oh.get(name) else {
                let what = format!("{place}: header `{name}` added");
                self.push(
                    Rule::ResponseHeaderAdded,
                    header_loc.clone(),
                    None,
                    what,
                    header_loc,
                );
                continue;
            };
            let on = self.old.resolve(
                old_header,
                format!("{}/headers/{}", old.pointer, escape(name)),
            );
            let nn = self.new.resolve(
                new_header,
                format!("{}/headers/{}", new.pointer, escape(name)),
            );
            let hplace = format!("{place} header `{name}`");
            self.documentation(&header_loc, &hplace, on.value, nn.value);
            if is_required(on.value) != is_required(nn.value) {
                let (rule, what) = if is_required(nn.value) {
                    (Rule::ResponseHeaderBecameRequired, "became required")
                } else {
                    (
                        Rule::ResponseHeaderBecameOptional,
                        "became optional: callers relying on it may not get it",
                    )
                };
                let message = format!("{hplace}: {what}");
                self.push(
                    rule,
                    format!("{header_loc}.required"),
                    None,
                    message,
                    header_loc.clone(),
                );
            }
            let ctx = Ctx {
                loc: format!("{header_loc}.schema"),
                slot: header_loc.clone(),
                place: hplace,
                field: String::new(),
                direction: Direction::Response,
                old_name: name.to_pascal_case(),
                new_name: name.to_pascal_case(),
                parameter_root: false,
                body: false,
            };
            let (os, ns) = (self.old.child(&on, "schema"), self.new.child(&nn, "schema"));
            self.schema(&ctx, os, ns);
        }
        for name in oh.keys().filter(|n| !nh.contains_key(*n)) {
            let header_loc = format!("{loc}.headers.{name}");
            let what = format!("{place}: header `{name}` removed (callers reading it get nothing)");
            self.push(
                Rule::ResponseHeaderRemoved,
                header_loc.clone(),
                None,
                what,
                header_loc,
            );
        }
    }
}

/// `2XX`, `4XX`: a range key.
fn is_range(status: &str) -> bool {
    status.len() == 3 && status.ends_with("XX")
}

/// The old response a new key stands for when it only widens or narrows one: a new range
/// (`2XX`) replacing the one exact status of its class the old spec had and the new one drops,
/// or a new exact status replacing the old range of its class.
fn replaced<'v>(
    status: &str,
    old: &'v serde_json::Map<String, Value>,
    new: &serde_json::Map<String, Value>,
) -> Option<(&'v String, &'v Value)> {
    let class = status.chars().next()?;
    let candidates: Vec<_> = old
        .iter()
        .filter(|(key, _)| !new.contains_key(*key) && key.starts_with(class))
        .filter(|(key, _)| is_range(status) != is_range(key))
        .collect();
    match candidates[..] {
        [only] => Some(only),
        _ => None,
    }
}
