//! The vendor specs as the client reads them at run time: embedded by `build.rs` (as JSON,
//! from the same parse that generated the code) and parsed once, on first use. Request
//! validation and the charged/not-charged tables read them, so limits live in one place.

use std::sync::OnceLock;

use openapiv3::{OpenAPI, ReferenceOr, Schema};

pub(crate) fn parse(json: &'static str, cell: &'static OnceLock<OpenAPI>) -> &'static OpenAPI {
    cell.get_or_init(|| serde_json::from_str(json).expect("build.rs embeds a spec it parsed"))
}

/// A component schema by name.
pub(crate) fn schema<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    spec.components.as_ref()?.schemas.get(name)?.as_item()
}

/// Follows a `$ref` to a component schema.
pub(crate) fn resolve<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            self::schema(spec, name)
        }
    }
}

/// `x-charged` of an error-kind schema: whether the vendor bills an error of this code.
pub(crate) fn charged(spec: &OpenAPI, schema_name: &str, code: &str) -> Option<bool> {
    schema(spec, schema_name)?
        .schema_data
        .extensions
        .get("x-charged")?
        .get(code)?
        .as_bool()
}
