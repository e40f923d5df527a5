//! The JSON Schema (schemars) of every generated type, so a spec change shows the reviewer
//! exactly which Rust types changed (`snapshots/schemas/`).

use crate::support::{in_snapshots, vendors};

#[test]
fn every_generated_type_has_its_json_schema_snapshotted() {
    for vendor in vendors() {
        let declared: Vec<&String> = vendor
            .spec
            .components
            .as_ref()
            .map(|c| c.schemas.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            declared.len(),
            vendor.schemas.len(),
            "{}: the catalog and the spec disagree on the schemas",
            vendor.file
        );
        for name in vendor.schemas {
            let schema = (vendor.json_schema)(name)
                .unwrap_or_else(|| panic!("{}: no generated type for schema {name}", vendor.file));
            in_snapshots("schemas", || {
                insta::with_settings!({
                    description => format!("{}: components.schemas.{name} as types::{name}", vendor.file),
                    omit_expression => true,
                }, {
                    insta::assert_json_snapshot!(format!("{}__{name}", vendor.name), schema);
                });
            });
        }
    }
}
