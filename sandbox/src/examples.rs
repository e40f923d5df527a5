//! Valid requests for a spec, built from its documented examples (`kyc_spec::example`: each
//! image field's placeholder swapped for a sample image that meets the field's rule). For tests
//! (here and in other crates) and the tour: a request built here follows the spec, so a field
//! added to a schema and its example reaches every caller.

pub use kyc_spec::example::{scenario_request, valid_request};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    /// Every operation with a body gets a request its own image rules accept.
    #[test]
    fn every_example_request_meets_the_image_rules() {
        for spec in [spec::kredibel(), spec::iluma()] {
            for operation in spec.operations() {
                let Some(body) = &operation.request else {
                    continue;
                };
                let request =
                    valid_request(spec, &operation.id).unwrap_or_else(|error| panic!("{error}"));
                let schema = spec
                    .schema(body.schema.as_deref().unwrap_or_default())
                    .unwrap();
                for (field, rule) in spec.image_fields(schema) {
                    let verdict = match request.files.iter().find(|f| f.field == field) {
                        Some(file) => rule.validate(&file.bytes),
                        None => rule.validate_base64(request.text(field).unwrap_or_default()),
                    };
                    assert!(verdict.is_ok(), "{} {field}: {verdict:?}", operation.id);
                }
            }
        }
    }
}
