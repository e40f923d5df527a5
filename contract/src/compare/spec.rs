//! Changes that belong to no operation: `info`, `servers`, and the component schemas (each of
//! which is a type in the generated `types` module, used by an operation or not).

use heck::ToPascalCase;
use kyc_spec::refs::escape;
use serde_json::Value;

use super::Walker;
use super::object::pair_renames;
use crate::document::structure;
use crate::rules::Rule;

impl Walker<'_> {
    /// Records the spec-level changes.
    pub(super) fn spec_level(&mut self) {
        let (old, new) = (self.old.root(), self.new.root());
        let info_keys: Vec<&str> = [
            "title",
            "description",
            "version",
            "contact",
            "license",
            "termsOfService",
        ]
        .into_iter()
        .filter(|k| old.pointer(&format!("/info/{k}")) != new.pointer(&format!("/info/{k}")))
        .collect();
        if !info_keys.is_empty() {
            let list = info_keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let at = match info_keys[..] {
                [key] => format!("info.{key}"),
                _ => "info".to_string(),
            };
            self.push(
                Rule::DocumentationChanged,
                at,
                None,
                format!("info: {list} changed"),
                String::new(),
            );
        }
        if old.get("servers") != new.get("servers") {
            self.push(
                Rule::DocumentationChanged,
                "servers".into(),
                None,
                "servers changed (generated clients take their base URL from the caller)".into(),
                String::new(),
            );
        }
        self.schemas();
    }

    fn schemas(&mut self) {
        let olds = self.old.schemas();
        let news = self.new.schemas();
        let removed: Vec<&String> = olds.keys().filter(|k| !news.contains_key(*k)).collect();
        let added: Vec<&String> = news.keys().filter(|k| !olds.contains_key(*k)).collect();
        // References to the schema itself inside its structure (recursion) would differ by name
        // alone; compare with self-references blanked.
        let shape = |schema: &Value, name: &str| {
            let own = format!("\"#/components/schemas/{}\"", escape(name));
            structure(schema).to_string().replace(&own, "\"#self\"")
        };
        let renames = pair_renames(&removed, &added, |r, a| {
            shape(&olds[r], r) == shape(&news[a], a)
        });

        for name in &removed {
            let loc = format!("components.schemas.{name}");
            let pointer = Some(format!("#/components/schemas/{}", escape(name)));
            match renames.get(*name) {
                Some(to) => {
                    // Already reported where an operation's body or a field switched to it.
                    if self
                        .ref_switches
                        .contains(&((*name).clone(), (*to).clone()))
                    {
                        continue;
                    }
                    let what = format!(
                        "schema `{name}` renamed to `{to}` (same structure): the Rust type `types::{}` is now `types::{}`",
                        name.to_pascal_case(),
                        to.to_pascal_case()
                    );
                    self.push(Rule::SchemaRenamed, loc, pointer, what, String::new());
                }
                None => {
                    let what = format!(
                        "schema `{name}` removed: the Rust type `types::{}` disappears",
                        name.to_pascal_case()
                    );
                    self.push(Rule::SchemaRemoved, loc, pointer, what, String::new());
                }
            }
        }
        let renamed_to: Vec<&String> = renames.values().copied().collect();
        for name in added.iter().filter(|a| !renamed_to.contains(a)) {
            let what = format!(
                "schema `{name}` added: new Rust type `types::{}`",
                name.to_pascal_case()
            );
            let pointer = Some(format!("#/components/schemas/{}", escape(name)));
            self.push(
                Rule::SchemaAdded,
                format!("components.schemas.{name}"),
                pointer,
                what,
                String::new(),
            );
        }
    }
}
