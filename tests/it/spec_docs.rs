//! The specs are documentation: every operation, schema and property says what it is, and
//! every operation names the vendor doc page it comes from. Also: every sandbox scenario the
//! vendor docs name is an example in the spec.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use crate::support::{examples, vendors};

fn check_schema(at: &str, schema: &ReferenceOr<Schema>, missing: &mut Vec<String>) {
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
        missing.push(at.to_string());
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                check_schema(&format!("{at}.{name}"), &property.clone().unbox(), missing);
            }
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &object.additional_properties
            {
                check_schema(&format!("{at}.*"), extra, missing);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                check_schema(&format!("{at}[]"), &items.clone().unbox(), missing);
            }
        }
        SchemaKind::OneOf { one_of } | SchemaKind::AnyOf { any_of: one_of } => {
            for (i, member) in one_of.iter().enumerate() {
                check_schema(&format!("{at}|{i}"), member, missing);
            }
        }
        _ => {}
    }
}

#[test]
fn every_operation_schema_and_property_is_described() {
    for vendor in vendors() {
        let mut missing = Vec::new();
        for (path, method, op) in vendor.spec.operations() {
            let id = op.operation_id.clone().unwrap_or_default();
            if op.description.as_deref().is_none_or(str::is_empty) {
                missing.push(format!("operation {id} ({method} {path}): description"));
            }
            if op.external_docs.is_none() {
                missing.push(format!(
                    "operation {id} ({method} {path}): externalDocs (the vendor doc page)"
                ));
            }
        }
        for (name, schema) in &vendor.spec.components.as_ref().unwrap().schemas {
            check_schema(&format!("components.schemas.{name}"), schema, &mut missing);
        }
        assert!(
            missing.is_empty(),
            "{}: these have no description:\n{}",
            vendor.file,
            missing.join("\n")
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
                    && e.place == "200"
                    && e.name == request.name),
            "{}: request example `{}` has no 200 example of the same name",
            request.operation_id,
            request.name
        );
    }
}
