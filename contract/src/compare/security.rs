//! Security requirements of an operation against its counterpart: alternatives, scopes, and
//! the schemes they name (how credentials are sent).

use std::collections::{BTreeMap, BTreeSet};

use kyc_spec::refs::escape;
use serde_json::Value;

use super::Walker;
use crate::document::{Document, OperationView, structure};
use crate::rules::Rule;

impl<'a> Walker<'a> {
    pub(super) fn security(
        &mut self,
        base: &str,
        old: &OperationView<'a>,
        new: &OperationView<'a>,
    ) {
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
            let definition = |doc: Document<'a>| {
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
