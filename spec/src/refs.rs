//! `$ref`: how a reference is written and what it points at. Only local references
//! (`#/components/...`) are used by the specs; anything else resolves to nothing.

use serde_json::Value;

/// How deep references may chain before a cycle is assumed.
const MAX_DEPTH: usize = 16;

/// The `$ref` of a JSON node, if it is a reference.
pub fn reference_of(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()
}

/// The component a local reference names: `#/components/schemas/Nik` is `("schemas", "Nik")`.
pub fn component(reference: &str) -> Option<(&str, &str)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    (!name.contains('/')).then_some((kind, name))
}

/// The schema name a reference points at: `#/components/schemas/Nik` is `Nik`.
pub fn schema_name(reference: &str) -> Option<&str> {
    match component(reference)? {
        ("schemas", name) => Some(name),
        _ => None,
    }
}

/// The reference to a component schema: `Nik` gives `#/components/schemas/Nik`.
pub fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// Follows `node`'s `$ref`s in `document` until a node without one, with the last reference
/// followed (`#/components/schemas/Nik`: the reached node's pointer, `#` first), `None` when
/// `node` is no reference. A reference that does not resolve stops the walk at the referencing
/// node.
pub fn resolve_reference<'a>(
    document: &'a Value,
    mut node: &'a Value,
) -> (&'a Value, Option<&'a str>) {
    let mut last = None;
    for _ in 0..MAX_DEPTH {
        let Some(reference) = reference_of(node) else {
            break;
        };
        let Some(target) = target(document, reference) else {
            break;
        };
        last = Some(reference);
        node = target;
    }
    (node, last)
}

/// Follows `node`'s `$ref`s in `document` until a node without one, with the name of the last
/// component followed (see [`resolve_reference`]).
pub fn resolve_named<'a>(document: &'a Value, node: &'a Value) -> (&'a Value, Option<&'a str>) {
    let (node, reference) = resolve_reference(document, node);
    (node, reference.and_then(component).map(|(_, name)| name))
}

/// What a local reference points at. `#/components/<kind>/<name>` without escapes is looked
/// up directly: request validation resolves references on every call, and a JSON-pointer
/// lookup allocates each segment.
fn target<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    match component(reference) {
        Some((kind, name)) if !kind.contains('~') && !name.contains('~') => {
            document.get("components")?.get(kind)?.get(name)
        }
        _ => document.pointer(reference.strip_prefix('#')?),
    }
}

/// Follows `node`'s `$ref`s in `document` (see [`resolve_named`]).
pub fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    resolve_named(document, node).0
}

/// Every `$ref` in `document` that points at nothing, as `(JSON pointer of the referencing
/// node, reference)`, in key order.
pub fn dangling(document: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(document, &mut String::new(), &mut |pointer, node| {
        if let Some(reference) = reference_of(node) {
            let resolves = reference
                .strip_prefix('#')
                .is_some_and(|p| document.pointer(p).is_some());
            if !resolves {
                out.push((pointer.to_string(), reference.to_string()));
            }
        }
    });
    out
}

/// Visits every node of `value` with its JSON pointer, parents before children.
pub fn walk(value: &Value, pointer: &mut String, visit: &mut impl FnMut(&str, &Value)) {
    visit(pointer, value);
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointer.push('/');
                pointer.push_str(&escape(key));
                walk(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(child, pointer, visit);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A key as a JSON-pointer segment (`~` and `/` escaped).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_chains_and_names_the_last_component() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"}
        }}});
        let (node, name) = resolve_named(&doc, &doc["components"]["schemas"]["A"]);
        assert_eq!(node, &json!({"type": "string"}));
        assert_eq!(name, Some("B"));
        let (_, reference) = resolve_reference(&doc, &doc["components"]["schemas"]["A"]);
        assert_eq!(reference, Some("#/components/schemas/B"));
        let plain = &doc["components"]["schemas"]["B"];
        assert_eq!(resolve_reference(&doc, plain), (plain, None));
    }

    #[test]
    fn cycles_and_dangling_refs_stop() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/A"},
            "C": {"$ref": "#/components/schemas/Missing"}
        }}});
        resolve(&doc, &doc["components"]["schemas"]["A"]);
        assert_eq!(
            dangling(&doc),
            vec![(
                "/components/schemas/C".to_string(),
                "#/components/schemas/Missing".to_string()
            )]
        );
    }

    #[test]
    fn component_names() {
        assert_eq!(
            component("#/components/parameters/MagicReply"),
            Some(("parameters", "MagicReply"))
        );
        assert_eq!(schema_name("#/components/schemas/Nik"), Some("Nik"));
        assert_eq!(schema_name("other.yaml#/Nik"), None);
    }
}
