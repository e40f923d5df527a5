//! The specs are documentation: every operation, schema and property says what it is, and
//! every operation names the vendor doc page it comes from. Also: every sandbox scenario the
//! vendor docs name is an example in the spec.

use kyc_spec::locate::YamlLines;
use kyc_spec::refs::escape;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use crate::support::{examples, vendors};

/// Something undocumented: a readable name and the JSON pointer of the node that lacks it.
struct Missing {
    what: String,
    pointer: String,
}

fn check_schema(at: &str, pointer: &str, schema: &ReferenceOr<Schema>, missing: &mut Vec<Missing>) {
    // A `$ref` is documented where it points (OpenAPI 3.0 ignores siblings of `$ref`).
    let ReferenceOr::Item(schema) = schema else {
        return;
    };
    if schema
        .schema_data
        .description
        .as_deref()
        .is_none_or(str::is_empty)
    {
        missing.push(Missing {
            what: format!("{at}: description"),
            pointer: pointer.to_string(),
        });
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                check_schema(
                    &format!("{at}.{name}"),
                    &format!("{pointer}/properties/{}", escape(name)),
                    &property.clone().unbox(),
                    missing,
                );
            }
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &object.additional_properties
            {
                let pointer = format!("{pointer}/additionalProperties");
                check_schema(&format!("{at}.*"), &pointer, extra, missing);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                let pointer = format!("{pointer}/items");
                check_schema(
                    &format!("{at}[]"),
                    &pointer,
                    &items.clone().unbox(),
                    missing,
                );
            }
        }
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            let keyword = match &schema.schema_kind {
                SchemaKind::OneOf { .. } => "oneOf",
                _ => "anyOf",
            };
            for (i, member) in members.iter().enumerate() {
                let pointer = format!("{pointer}/{keyword}/{i}");
                check_schema(&format!("{at}|{i}"), &pointer, member, missing);
            }
        }
        _ => {}
    }
}

/// Each undocumented node as `file:line: what`, the line found through `kyc_spec::locate` (as
/// the build's own messages and the contract report's annotations find theirs).
#[test]
fn every_operation_schema_and_property_is_described() {
    for vendor in vendors() {
        let mut missing = Vec::new();
        for (path, method, op) in vendor.spec.operations() {
            let id = op.operation_id.clone().unwrap_or_default();
            let pointer = format!("/paths/{}/{method}", escape(path));
            if op.description.as_deref().is_none_or(str::is_empty) {
                missing.push(Missing {
                    what: format!("operation {id} ({method} {path}): description"),
                    pointer: pointer.clone(),
                });
            }
            if op.external_docs.is_none() {
                missing.push(Missing {
                    what: format!(
                        "operation {id} ({method} {path}): externalDocs (the vendor doc page)"
                    ),
                    pointer,
                });
            }
        }
        for (name, schema) in &vendor.spec.components.as_ref().unwrap().schemas {
            let at = format!("components.schemas.{name}");
            let pointer = format!("/components/schemas/{}", escape(name));
            check_schema(&at, &pointer, schema, &mut missing);
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(vendor.file)).expect("the spec file");
        let lines = YamlLines::new(&text);
        let located: Vec<String> = missing
            .iter()
            .map(|m| {
                format!(
                    "{}:{}: {}",
                    vendor.file,
                    lines.locate(&m.pointer).line,
                    m.what
                )
            })
            .collect();
        assert!(
            located.is_empty(),
            "these have no description (every schema, property and operation needs one: it \
             becomes the rustdoc):\n{}",
            located.join("\n")
        );
    }
}

#[test]
fn response_examples_pair_with_request_examples() {
    // Every request example of a Kredibel scenario has the response example of the same name,
    // so the docs' "this input gives that output" pairs survive in the spec.
    let vendor = vendors()
        .into_iter()
        .find(|v| v.name == "kredibel")
        .unwrap();
    let examples = examples(&vendor.spec);
    for request in examples.iter().filter(|e| e.place == "request") {
        assert!(
            examples
                .iter()
                .any(|e| e.operation_id == request.operation_id
                    && (e.place == "200" || e.place == "2XX")
                    && e.name == request.name),
            "{}: request example `{}` has no success example of the same name",
            request.operation_id,
            request.name
        );
    }
}
