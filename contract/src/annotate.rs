//! The report as GitHub workflow annotations: one `::error` (breaking, on the wire or for Rust
//! callers) or `::notice` (compatible) per change, on the line of the new spec where the change
//! is, so that GitHub shows it on the pull request's diff.
//!
//! A change carries its dotted location through the operation (`paths./v1/x.post.requestBody...`,
//! as oasdiff writes it). [`pointer_in`] follows it through the new revision's document —
//! `$ref`s, parameters named by location and name, `allOf[1]` — to the JSON pointer of the node
//! it names, and [`kyc_spec::locate::YamlLines`] turns that into a line. A change whose node is
//! gone from the new revision (a removal) is put on its nearest surviving parent, and its
//! message says so.

use std::fmt;

use kyc_spec::Spec;
use kyc_spec::locate::YamlLines;
use kyc_spec::refs;
use serde_json::Value;

use crate::report::{Change, Report, VendorStatus};

/// The new revision of one spec file: what the annotations point into.
#[derive(Debug, Clone, Copy)]
pub struct NewSpec<'a> {
    /// The file as the report names it ([`crate::VendorReport::file`]): the repository path
    /// with `--base`, the path given otherwise.
    pub file: &'a str,
    /// The file's text, whose lines are annotated.
    pub text: &'a str,
    /// The same file, parsed.
    pub spec: &'a Spec,
}

/// How GitHub shows an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `::error`: a breaking change.
    Error,
    /// `::notice`: a compatible change.
    Notice,
}

/// One workflow annotation; its `Display` is the `::error file=…,line=…,title=…::…` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// Error for a breaking change, notice for a compatible one.
    pub level: Level,
    /// The spec file.
    pub file: String,
    /// 1-based line in the new revision; `None` for a spec that no longer exists.
    pub line: Option<usize>,
    /// The rule's id.
    pub title: String,
    /// One line: the class and operation, what changed, the effect on generated code, and
    /// where the line is a parent of the changed node, that it is.
    pub message: String,
    /// JSON pointer (in the new revision) of the node on whose line the annotation sits.
    pub pointer: Option<String>,
}

impl fmt::Display for Annotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Notice => "notice",
        };
        write!(f, "::{level} file={}", escape_property(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ",line={line}")?;
        }
        write!(
            f,
            ",title={}::{}",
            escape_property(&self.title),
            escape_data(&self.message)
        )
    }
}

impl Report {
    /// The report as workflow commands, one line per change (see [`annotations`]).
    pub fn to_github(&self, new_specs: &[NewSpec<'_>]) -> String {
        annotations(self, new_specs)
            .iter()
            .map(|a| format!("{a}\n"))
            .collect()
    }
}

/// One annotation per change of `report`, in report order. `new_specs` are the new revisions
/// of the report's files; a change of a file not among them (a spec removed) is annotated on
/// the file without a line.
pub fn annotations(report: &Report, new_specs: &[NewSpec<'_>]) -> Vec<Annotation> {
    let mut out = Vec::new();
    for vendor in &report.vendors {
        let new = new_specs.iter().find(|s| s.file == vendor.file);
        let lines = new.map(|s| YamlLines::new(s.text));
        for change in &vendor.changes {
            let (line, pointer, note) = match (new, &lines) {
                // A new spec, or a spec removed: the change is the whole file.
                _ if vendor.status != VendorStatus::Compared => {
                    (new.map(|_| 1), None, String::new())
                }
                (Some(new), Some(lines)) => {
                    let (pointer, whole) = pointer_in(new.spec.document(), &change.location);
                    let found = lines.locate(&pointer);
                    let note = if !whole {
                        format!(
                            " (not in the new revision: shown at its nearest surviving parent, `#{}`)",
                            found.pointer
                        )
                    } else if !found.exact {
                        format!(" (shown at `#{}`, the nearest node found)", found.pointer)
                    } else {
                        String::new()
                    };
                    (Some(found.line), Some(found.pointer), note)
                }
                _ => (None, None, String::new()),
            };
            out.push(Annotation {
                level: if change.class.is_breaking() {
                    Level::Error
                } else {
                    Level::Notice
                },
                file: vendor.file.clone(),
                line,
                title: change.rule.id().to_string(),
                message: message(change, &note),
                pointer,
            });
        }
    }
    out
}

fn message(change: &Change, note: &str) -> String {
    // The operation says which method is affected: a shared schema's line carries one
    // annotation per operation that uses it.
    let operation = change
        .operation
        .as_ref()
        .map(|op| format!(" in `{}`", op.operation_id))
        .unwrap_or_default();
    let mut text = format!("{}{operation} — {}", change.class.label(), change.message);
    if let Some(effect) = &change.rust_effect {
        text.push_str(". Generated code: ");
        text.push_str(effect);
    }
    text.push_str(note);
    text
}

/// The JSON pointer (no `#`) of the node a dotted location names in `document`, and whether
/// the whole location was found. When it was not (the node is gone from this revision), the
/// pointer is that of the deepest node reached.
///
/// The location is not split on dots up front, since keys hold dots (`application/vnd.x+json`,
/// callback expressions): at each node the longest key the rest of the location starts with
/// is taken. `$ref`s are followed wherever the location goes on past one; parameters are
/// named `parameters.<in>.<name>` and looked for in the operation, then in its path item.
pub fn pointer_in(document: &Value, location: &str) -> (String, bool) {
    let mut node = document;
    let mut pointer = String::new();
    let mut rest = location;
    // Each step consumes part of the location or follows a reference; references are bounded.
    let mut hops = 0;
    while !rest.is_empty() {
        if let Some(target) = refs::reference_of(node)
            .and_then(|r| r.strip_prefix('#'))
            .filter(|_| hops < 32)
            && let Some(resolved) = document.pointer(target)
        {
            hops += 1;
            node = resolved;
            pointer = target.to_string();
            continue;
        }
        let step = match node {
            Value::Object(map) => parameter(document, node, &pointer, rest).or_else(|| {
                map.iter()
                    .filter(|(key, _)| continues(rest, key))
                    .max_by_key(|(key, _)| key.len())
                    .map(|(key, child)| {
                        (child, format!("{pointer}/{}", refs::escape(key)), key.len())
                    })
            }),
            Value::Array(items) => index(rest).and_then(|(i, used)| {
                items
                    .get(i)
                    .map(|item| (item, format!("{pointer}/{i}"), used))
            }),
            _ => None,
        };
        let Some((child, child_pointer, used)) = step else {
            return (pointer, false);
        };
        node = child;
        pointer = child_pointer;
        rest = rest[used..].trim_start_matches('.');
    }
    (pointer, true)
}

/// True when `rest` names `key` and perhaps goes on past it (`key`, `key.…`, `key[…`).
fn continues(rest: &str, key: &str) -> bool {
    rest.strip_prefix(key)
        .is_some_and(|after| after.is_empty() || after.starts_with(['.', '[']))
}

/// `[3]` or `3` at the start of `rest`: the index, and how many bytes it takes.
fn index(rest: &str) -> Option<(usize, usize)> {
    let (body, extra) = match rest.strip_prefix('[') {
        Some(inner) => (inner.split(']').next()?, 2),
        None => (rest.split(['.', '[']).next()?, 0),
    };
    Some((body.parse().ok()?, body.len() + extra))
}

/// `parameters.<in>.<name>` at an operation: the parameter's node and pointer (the operation's
/// own list first, then the path item's), and how much of `rest` it takes.
fn parameter<'a>(
    document: &'a Value,
    node: &'a Value,
    pointer: &str,
    rest: &str,
) -> Option<(&'a Value, String, usize)> {
    let after = rest.strip_prefix("parameters.")?;
    let (location, name_and_rest) = after.split_once('.')?;
    let path_item = pointer
        .rsplit_once('/')
        .and_then(|(parent, _)| document.pointer(parent));
    let lists = [(node, pointer.to_string())]
        .into_iter()
        .chain(path_item.map(|item| {
            (
                item,
                pointer.rsplit_once('/').map_or("", |p| p.0).to_string(),
            )
        }));
    for (owner, owner_pointer) in lists {
        let Some(list) = owner.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, item) in list.iter().enumerate() {
            let (resolved, _) = refs::resolve_reference(document, item);
            let named = |key: &str| resolved.get(key).and_then(Value::as_str);
            if named("in") == Some(location)
                && named("name").is_some_and(|name| continues(name_and_rest, name))
            {
                let used = "parameters.".len() + location.len() + 1 + named("name")?.len();
                return Some((item, format!("{owner_pointer}/parameters/{i}"), used));
            }
        }
    }
    None
}

/// Escapes workflow-command data (the message): `%`, `\r`, `\n`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (file, title): as data, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn locations_follow_refs_parameters_indices_and_dotted_keys() {
        let doc = json!({
            "paths": {
                "/a.json": {
                    "parameters": [{"name": "id", "in": "path"}],
                    "get": {
                        "parameters": [{"$ref": "#/components/parameters/Q"}],
                        "responses": {"200": {"content": {"application/vnd.x+json": {
                            "schema": {"$ref": "#/components/schemas/Out"}
                        }}}}
                    }
                }
            },
            "components": {
                "parameters": {"Q": {"name": "q.v", "in": "query", "schema": {"type": "string"}}},
                "schemas": {"Out": {"allOf": [{"type": "object"}, {"properties": {"x": {}}}]}}
            }
        });
        let at = |loc: &str| pointer_in(&doc, loc);
        assert_eq!(
            at(
                "paths./a.json.get.responses.200.content.application/vnd.x+json.schema.allOf[1].properties.x"
            ),
            ("/components/schemas/Out/allOf/1/properties/x".into(), true)
        );
        assert_eq!(
            at("paths./a.json.get.parameters.query.q.v.schema.type"),
            ("/components/parameters/Q/schema/type".into(), true)
        );
        assert_eq!(
            at("paths./a.json.get.parameters.query.q.v"),
            ("/paths/~1a.json/get/parameters/0".into(), true)
        );
        assert_eq!(
            at("paths./a.json.get.parameters.path.id"),
            ("/paths/~1a.json/parameters/0".into(), true)
        );
        assert_eq!(
            at("paths./a.json.get.parameters.header.gone"),
            ("/paths/~1a.json/get/parameters".into(), false)
        );
        assert_eq!(
            at(
                "paths./a.json.get.responses.200.content.application/vnd.x+json.schema.properties.y"
            ),
            ("/components/schemas/Out".into(), false)
        );
        assert_eq!(at("paths./b.post"), ("/paths".into(), false));
    }

    #[test]
    fn commands_escape_data_and_properties() {
        let annotation = Annotation {
            level: Level::Error,
            file: "openapi/a,b:c.yaml".into(),
            line: Some(7),
            title: "rule-id".into(),
            message: "100% sure\r\nnext: line, yes".into(),
            pointer: None,
        };
        assert_eq!(
            annotation.to_string(),
            "::error file=openapi/a%2Cb%3Ac.yaml,line=7,title=rule-id::100%25 sure%0D%0Anext: line, yes"
        );
        let notice = Annotation {
            level: Level::Notice,
            line: None,
            ..annotation
        };
        assert!(
            notice
                .to_string()
                .starts_with("::notice file=openapi/a%2Cb%3Ac.yaml,title=")
        );
    }
}
