//! Valid requests for a spec, built from its documented examples: `kyc_spec::example` with
//! each image field's placeholder swapped for a [`samples`](crate::samples) image that meets
//! the field's rule. For tests (here and in other crates) and the tour: a request built here
//! follows the spec, so a field added to a schema and its example reaches every caller.

use kyc_spec::example::{self, ExampleError, ExampleRequest, ImageSample};
use kyc_spec::image::ImageFormat;
use kyc_spec::{Scenario, Spec};

use crate::samples::Image;

/// The bytes of a sample image of `sample`'s format, pixel size and byte size.
pub fn draw(sample: &ImageSample) -> Vec<u8> {
    let image = match sample.format {
        ImageFormat::Jpeg => Image::jpeg(sample.width, sample.height),
        ImageFormat::Png => Image::png(sample.width, sample.height),
        ImageFormat::Svg => Image::svg(sample.width, sample.height),
    };
    image.bytes(sample.bytes)
}

/// The first request example of `operation_id`, with real images.
pub fn valid_request(spec: &Spec, operation_id: &str) -> Result<ExampleRequest, ExampleError> {
    example::valid_request(spec, operation_id, &draw)
}

/// The request of a documented scenario, with real images.
pub fn scenario_request(
    spec: &Spec,
    scenario: &Scenario<'_>,
) -> Result<ExampleRequest, ExampleError> {
    example::scenario_request(spec, scenario, &draw)
}

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
