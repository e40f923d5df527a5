//! One operation against its counterpart: the method name, parameters, request body, responses
//! and security.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use super::schema::pair_renames;
use super::{Ctx, Direction, Walker, defined_at};
use crate::resolve::{
    Document, Node, OperationView, empty_object, escape, is_documentation, structure,
};
use crate::rules::Rule;
use crate::rust_types::rust_type;

/// Parameter keywords that change how a value is written on the wire.
const SERIALIZATION: [&str; 4] = ["style", "explode", "allowReserved", "allowEmptyValue"];

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
        let deprecated = |op: &Value| {
            op.get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        if !deprecated(old.op) && deprecated(new.op) {
            self.push(
                Rule::OperationDeprecated,
                format!("{base}.deprecated"),
                None,
                "operation marked deprecated".into(),
                String::new(),
            );
        }
        self.parameters(&base, old, new);
        self.request_body(&base, old, new);
        self.responses(&base, old, new);
        self.security(&base, old, new);
    }

    /// Reports changed documentation keywords of an object that is not a schema.
    fn documentation(&mut self, loc: &str, what: &str, old: &Value, new: &Value) {
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
            self.push(
                Rule::DocumentationChanged,
                loc.to_string(),
                None,
                format!("{what}: {list} changed"),
                String::new(),
            );
        }
    }

    fn parameters(&mut self, base: &str, old: &OperationView<'a>, new: &OperationView<'a>) {
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
            let old_type = rust_type(o.get("schema").unwrap_or(&Value::Null), &ctx.old_name);
            let new_type = rust_type(n.get("schema").unwrap_or(&Value::Null), &ctx.new_name);
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
            let (rule, what) = match renames.get(*key) {
                Some(to) => (
                    Rule::ParameterRenamed,
                    format!(
                        "{location} parameter `{name}` renamed to `{to}` (same schema): callers send the old name, and the builder method `{method}` becomes `{}`",
                        to.to_snake_case()
                    ),
                ),
                None => (
                    Rule::ParameterRemoved,
                    format!(
                        "{location} parameter `{name}` removed: callers still send it, and the builder method `{method}` disappears"
                    ),
                ),
            };
            self.push(
                rule,
                loc.clone(),
                defined_at(&olds[*key].pointer, ""),
                what,
                loc,
            );
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
    fn content(
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
            let describe = |schema: &Value, name: &str| {
                if schema.is_null() {
                    "no body".to_string()
                } else {
                    format!("`{}`", rust_type(schema, name))
                }
            };
            let (old_type, new_type) = (describe(os, &ctx.old_name), describe(ns, &ctx.new_name));
            if old_type != new_type {
                if let (Some(a), Some(b)) = (ref_of(os), ref_of(ns)) {
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
        for (status, new_response) in nrs {
            let loc = format!("{base}.responses.{status}");
            let Some(old_response) = ors.get(status) else {
                let what = format!("response `{status}` added");
                self.push(Rule::ResponseStatusAdded, loc.clone(), None, what, loc);
                continue;
            };
            let on = self.old.resolve(
                old_response,
                format!("{}/responses/{}", old.pointer, escape(status)),
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
        for status in ors.keys().filter(|s| !nrs.contains_key(*s)) {
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

    fn security(&mut self, base: &str, old: &OperationView<'a>, new: &OperationView<'a>) {
        let loc = if new.op.get("security").is_some() {
            format!("{base}.security")
        } else {
            "security".to_string()
        };
        let (os, ns) = (
            requirements(self.old.security_of(old.op)),
            requirements(self.new.security_of(new.op)),
        );
        let describe = |alt: &Alternative| {
            if alt.is_empty() {
                "anonymous".to_string()
            } else {
                alt.iter()
                    .map(|(scheme, scopes)| {
                        if scopes.is_empty() {
                            format!("`{scheme}`")
                        } else {
                            format!(
                                "`{scheme}` ({})",
                                scopes.iter().cloned().collect::<Vec<_>>().join(", ")
                            )
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        };
        let add = |walker: &mut Self, rule: Rule, what: String| {
            walker.push(rule, loc.clone(), None, what, loc.clone());
        };
        if os.is_empty() && !ns.is_empty() {
            let alts = ns.iter().map(describe).collect::<Vec<_>>().join(" or ");
            add(
                self,
                Rule::SecurityRequired,
                format!("authentication now required ({alts}) where none was"),
            );
        } else if !os.is_empty() && ns.is_empty() {
            add(
                self,
                Rule::SecurityNoLongerRequired,
                "authentication no longer required".into(),
            );
        } else {
            let schemes = |alt: &Alternative| alt.keys().cloned().collect::<BTreeSet<_>>();
            for alt in os.iter().filter(|a| !ns.contains(a)) {
                match ns.iter().find(|n| schemes(n) == schemes(alt)) {
                    Some(same) => {
                        for (scheme, scopes) in alt {
                            let now = &same[scheme];
                            let added: Vec<&String> = now.difference(scopes).collect();
                            let removed: Vec<&String> = scopes.difference(now).collect();
                            if !added.is_empty() {
                                let what = format!(
                                    "`{scheme}` now also needs scope(s) {}",
                                    quoted(&added)
                                );
                                add(self, Rule::SecurityScopeAdded, what);
                            }
                            if !removed.is_empty() {
                                let what = format!(
                                    "`{scheme}` no longer needs scope(s) {}",
                                    quoted(&removed)
                                );
                                add(self, Rule::SecurityScopeRemoved, what);
                            }
                        }
                    }
                    None => add(
                        self,
                        Rule::SecurityRemoved,
                        format!(
                            "security alternative {} removed: callers using it are refused",
                            describe(alt)
                        ),
                    ),
                }
            }
            for alt in ns
                .iter()
                .filter(|n| !os.contains(n) && !os.iter().any(|o| schemes(o) == schemes(n)))
            {
                add(
                    self,
                    Rule::SecurityAdded,
                    format!("security alternative {} added", describe(alt)),
                );
            }
        }
        // A scheme kept by name but redefined sends credentials differently.
        let used = |alts: &[Alternative]| {
            alts.iter()
                .flat_map(|a| a.keys().cloned())
                .collect::<BTreeSet<_>>()
        };
        for scheme in used(&os).intersection(&used(&ns)) {
            let pointer = format!("#/components/securitySchemes/{}", escape(scheme));
            let definition = |doc: &Document| {
                let node = doc.resolve(doc.get(&pointer).unwrap_or(&Value::Null), pointer.clone());
                let mut value = structure(node.value);
                if let Some(map) = value.as_object_mut() {
                    map.remove("bearerFormat");
                }
                value
            };
            let (od, nd) = (definition(self.old), definition(self.new));
            if od != nd {
                let what = format!(
                    "security scheme `{scheme}` changed from {} to {}: credentials are sent differently",
                    summary(&od),
                    summary(&nd)
                );
                self.push(
                    Rule::SecuritySchemeChanged,
                    loc.clone(),
                    Some(pointer),
                    what,
                    loc.clone(),
                );
            }
        }
    }
}

/// One security alternative: scheme name → scopes.
type Alternative = BTreeMap<String, BTreeSet<String>>;

fn requirements(value: &Value) -> Vec<Alternative> {
    value
        .as_array()
        .map(|alts| {
            alts.iter()
                .filter_map(Value::as_object)
                .map(|alt| {
                    alt.iter()
                        .map(|(scheme, scopes)| {
                            let scopes = scopes
                                .as_array()
                                .map(|s| {
                                    s.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (scheme.clone(), scopes)
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn quoted(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A security scheme definition in a few words: `http bearer`, `apiKey in header X-Key`.
fn summary(definition: &Value) -> String {
    let get = |k: &str| {
        definition
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let words = match get("type") {
        "http" => format!("http {}", get("scheme")),
        "apiKey" => format!("apiKey in {} `{}`", get("in"), get("name")),
        "" => "nothing".to_string(),
        other => other.to_string(),
    };
    format!("`{}`", words.trim())
}

fn ref_of(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
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
    doc: &'d Document,
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
