//! A parsed spec as the comparison sees it: the JSON form of the `openapiv3::OpenAPI` that
//! `kyc_codegen` parsed, with `$ref`s followed on demand.
//!
//! Working on the JSON form rather than on `openapiv3`'s types keeps the comparison generic
//! (every keyword is a map entry, every location a path) while the parse itself, and so what
//! counts as a valid spec, stays exactly the one `build.rs` uses. Serialising `openapiv3` also
//! normalises spellings that mean the same (`required: false` and an absent `required`).

use serde_json::Value;

/// HTTP methods in the order OpenAPI lists them, which is also the order of the report.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

static NULL: Value = Value::Null;

/// An empty JSON object that lives as long as any document, for absent maps.
pub(crate) fn empty_object() -> &'static serde_json::Map<String, Value> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(serde_json::Map::new)
}

/// One spec, as JSON.
#[derive(Debug)]
pub(crate) struct Document {
    root: Value,
}

/// A node reached by following any `$ref`s.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    /// The node after following references (`null` when there is nothing there).
    pub(crate) value: &'a Value,
    /// JSON pointer (`#/components/schemas/Nik`) of the node after following references.
    pub(crate) pointer: String,
    /// Name of the component the last `$ref` pointed at (`Nik`), if a reference was followed.
    pub(crate) ref_name: Option<String>,
}

/// One operation of a spec.
#[derive(Debug)]
pub(crate) struct OperationView<'a> {
    /// Upper-case method.
    pub(crate) method: String,
    /// The path template as written.
    pub(crate) path: String,
    /// The path with parameter names blanked (`/users/{}`), so a renamed path parameter does
    /// not turn one operation into a removal and an addition.
    pub(crate) key_path: String,
    /// The operation object.
    pub(crate) op: &'a Value,
    /// Parameters declared on the path item, shared by its operations.
    pub(crate) path_parameters: &'a Value,
    /// JSON pointer of the operation object.
    pub(crate) pointer: String,
}

impl OperationView<'_> {
    /// The `operationId` (empty when missing; `kyc_codegen` refuses such specs at build time).
    pub(crate) fn id(&self) -> &str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The dotted location of the operation, e.g. `paths./v1/x.post`.
    pub(crate) fn location(&self) -> String {
        format!("paths.{}.{}", self.path, self.method.to_lowercase())
    }
}

impl Document {
    /// The JSON form of a parsed spec.
    pub(crate) fn new(spec: &openapiv3::OpenAPI) -> Self {
        // `openapiv3` types serialise infallibly (string keys, no non-finite floats from YAML
        // that would survive parsing); `Null` would only make the comparison see an empty spec.
        let root = serde_json::to_value(spec).unwrap_or(Value::Null);
        Self { root }
    }

    /// The whole document.
    pub(crate) fn root(&self) -> &Value {
        &self.root
    }

    /// The value at a `#/...` JSON pointer.
    pub(crate) fn get(&self, pointer: &str) -> Option<&Value> {
        let pointer = pointer.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    /// Follows `$ref`s from `value` (found at `pointer`) to the node they name. A reference that
    /// does not resolve yields `null`; [`unresolved_refs`] reports those before any comparison.
    pub(crate) fn resolve<'a>(&'a self, value: &'a Value, pointer: String) -> Node<'a> {
        let mut node = Node {
            value,
            pointer,
            ref_name: None,
        };
        // Bounded, so a cycle of references (`A: {$ref: B}`, `B: {$ref: A}`) cannot hang.
        for _ in 0..32 {
            let Some(target) = node.value.get("$ref").and_then(Value::as_str) else {
                return node;
            };
            node.ref_name = target.rsplit('/').next().map(unescape);
            node.pointer = target.to_string();
            node.value = self.get(target).unwrap_or(&NULL);
        }
        node
    }

    /// The child `key` of `node`, resolved.
    pub(crate) fn child<'a>(&'a self, node: &Node<'a>, key: &str) -> Node<'a> {
        let value = node.value.get(key).unwrap_or(&NULL);
        self.resolve(value, format!("{}/{}", node.pointer, escape(key)))
    }

    /// Every operation, in document order.
    pub(crate) fn operations(&self) -> Vec<OperationView<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let item = self.resolve(item, format!("#/paths/{}", escape(path)));
            for method in METHODS {
                if let Some(op) = item.value.get(method) {
                    out.push(OperationView {
                        method: method.to_uppercase(),
                        path: path.clone(),
                        key_path: key_path(path),
                        op,
                        path_parameters: item.value.get("parameters").unwrap_or(&NULL),
                        pointer: format!("{}/{method}", item.pointer),
                    });
                }
            }
        }
        out
    }

    /// The security requirements that apply to an operation: its own, else the global ones.
    pub(crate) fn security_of<'a>(&'a self, op: &'a Value) -> &'a Value {
        op.get("security")
            .or_else(|| self.root.get("security"))
            .unwrap_or(&NULL)
    }

    /// The component schemas, by name.
    pub(crate) fn schemas(&self) -> Option<&serde_json::Map<String, Value>> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
    }
}

/// Every `$ref` in the document that does not resolve within it, as `(where, target)`.
pub(crate) fn unresolved_refs(document: &Document) -> Vec<(String, String)> {
    let mut found = Vec::new();
    collect_refs(document.root(), "#", &mut found);
    found
        .into_iter()
        .filter(|(_, target)| document.get(target).is_none())
        .collect()
}

fn collect_refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Some(target) = child.as_str() {
                        out.push((at.to_string(), target.to_string()));
                    }
                } else {
                    collect_refs(child, &format!("{at}/{}", escape(key)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Escapes a key for a JSON pointer.
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn key_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `value` without documentation keywords, recursively: the "structure" two schemas must share
/// to count as one schema renamed, or one field renamed.
pub(crate) fn structure(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !is_documentation(key) && !key.starts_with("x-"))
                .map(|(key, child)| {
                    // Property names are data, not keywords: keep every one of them.
                    if key == "properties" {
                        let props = child
                            .as_object()
                            .map(|props| {
                                props
                                    .iter()
                                    .map(|(k, v)| (k.clone(), structure(v)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (key.clone(), Value::Object(props))
                    } else {
                        (key.clone(), structure(child))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(structure).collect()),
        other => other.clone(),
    }
}

/// Keywords that only document: changing them changes nothing a caller sees.
pub(crate) fn is_documentation(key: &str) -> bool {
    matches!(
        key,
        "description" | "summary" | "title" | "example" | "examples" | "externalDocs" | "tags"
    )
}
