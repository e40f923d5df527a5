//! One revision of a spec as the comparison walks it: the [`kyc_spec::Spec`] that kyc-spec read
//! (the parse `build.rs` uses), with every node reached carrying its JSON pointer, so a change
//! found through a `$ref` can say where it is defined.
//!
//! The comparison works on the JSON form rather than on typed structures: every keyword is a map
//! entry and every location a path, and serialising `openapiv3` normalises spellings that mean
//! the same (`required: false` and an absent `required`). What is this tool's own: the key that
//! pairs operations across revisions (parameter names blanked) and the "structure" of a node
//! that renames are recognised by.

use kyc_spec::{Operation, Spec, refs};
use serde_json::Value;

static NULL: Value = Value::Null;

/// An empty JSON object that lives as long as any document, for absent maps.
pub(crate) fn empty_object() -> &'static serde_json::Map<String, Value> {
    static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(serde_json::Map::new)
}

/// One revision of a spec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Document<'a> {
    spec: &'a Spec,
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

/// One operation of a spec, with what the comparison needs beyond kyc-spec's [`Operation`].
#[derive(Debug)]
pub(crate) struct OperationView<'a> {
    /// The operation as kyc-spec reads it.
    pub(crate) operation: &'a Operation,
    /// The operation object.
    pub(crate) op: &'a Value,
    /// Parameters declared on the path item, shared by its operations.
    pub(crate) path_parameters: &'a Value,
    /// JSON pointer (`#/paths/...`) of the operation object.
    pub(crate) pointer: String,
    /// The path with parameter names blanked (`/users/{}`), so a renamed path parameter does
    /// not turn one operation into a removal and an addition.
    pub(crate) key_path: String,
}

impl OperationView<'_> {
    /// The `operationId` (empty when missing; `kyc-codegen` refuses such specs at build time).
    pub(crate) fn id(&self) -> &str {
        &self.operation.id
    }

    /// Upper-case method.
    pub(crate) fn method(&self) -> &str {
        &self.operation.method
    }

    /// The path template as written.
    pub(crate) fn path(&self) -> &str {
        &self.operation.path
    }

    /// The dotted location of the operation, e.g. `paths./v1/x.post`.
    pub(crate) fn location(&self) -> String {
        format!(
            "paths.{}.{}",
            self.operation.path,
            self.operation.method.to_lowercase()
        )
    }
}

impl<'a> Document<'a> {
    /// The comparison's view of a spec.
    pub(crate) fn new(spec: &'a Spec) -> Self {
        Self { spec }
    }

    /// The whole document.
    pub(crate) fn root(&self) -> &'a Value {
        self.spec.document()
    }

    /// The value at a `#/...` JSON pointer.
    pub(crate) fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.root().pointer(pointer.strip_prefix('#')?)
    }

    /// Follows `$ref`s from `value` (found at `pointer`) to the node they name. The input check
    /// ([`crate::input`]) refuses a spec with a reference that does not resolve.
    pub(crate) fn resolve(&self, value: &'a Value, pointer: String) -> Node<'a> {
        match refs::resolve_reference(self.root(), value) {
            (target, Some(reference)) => Node {
                value: target,
                pointer: reference.to_string(),
                ref_name: refs::component(reference).map(|(_, name)| name.to_string()),
            },
            (value, None) => Node {
                value,
                pointer,
                ref_name: None,
            },
        }
    }

    /// The child `key` of `node`, resolved.
    pub(crate) fn child(&self, node: &Node<'a>, key: &str) -> Node<'a> {
        let value = node.value.get(key).unwrap_or(&NULL);
        self.resolve(value, format!("{}/{}", node.pointer, refs::escape(key)))
    }

    /// The node at a `#/...` pointer, resolved (`null` when there is nothing there).
    pub(crate) fn at(&self, pointer: String) -> Node<'a> {
        let value = self.get(&pointer).unwrap_or(&NULL);
        self.resolve(value, pointer)
    }

    /// Every operation, in document order.
    pub(crate) fn operations(&self) -> Vec<OperationView<'a>> {
        self.spec
            .operations()
            .iter()
            .map(|operation| {
                let item = self
                    .root()
                    .pointer(&format!("/paths/{}", refs::escape(&operation.path)))
                    .map(|item| refs::resolve(self.root(), item))
                    .unwrap_or(&NULL);
                OperationView {
                    operation,
                    op: self.spec.operation_node(operation),
                    path_parameters: item.get("parameters").unwrap_or(&NULL),
                    pointer: format!("#{}", operation.pointer),
                    key_path: key_path(&operation.path),
                }
            })
            .collect()
    }

    /// The security requirements that apply to an operation: its own, else the global ones.
    pub(crate) fn security_of(&self, op: &'a Value) -> &'a Value {
        op.get("security")
            .or_else(|| self.root().get("security"))
            .unwrap_or(&NULL)
    }

    /// The component schemas, by name.
    pub(crate) fn schemas(&self) -> &'a serde_json::Map<String, Value> {
        self.root()
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or_else(|| empty_object())
    }
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

/// `value` without documentation keywords and vendor extensions, recursively: the "structure"
/// two schemas must share to count as one schema renamed, or one field renamed.
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
