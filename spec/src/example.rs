//! Valid requests built from a spec's documented examples, for tests, tours and tools: the
//! operation's (or a scenario's) request example with every image field swapped for a real
//! image that meets the field's [`ImageRule`], so that a new required field added to a schema
//! and its example reaches every caller that builds its requests here.
//!
//! The examples' images are placeholders (`/9j/4AAQSkZJRg==`, "(binary contents of ...)"):
//! each image field gets an image of [`ImageSample::meeting`] its rule instead, drawn by
//! [`image::sample`], base64 text for a `format: byte` field, file bytes
//! for a `format: binary` part of a multipart form.
//!
//! ```
//! # use kyc_spec::{Spec, example};
//! # fn demo(spec: &Spec) {
//! let request = example::valid_request(spec, "verify_biometric").unwrap();
//! assert!(request.files.is_empty()); // JSON: the image is base64 in `request.body`
//! # }
//! ```

use serde_json::{Map, Value};

use crate::image::{self, ImageFormat, sample};
use crate::{ImageRule, Scenario, Spec};

/// The image a field gets: its format, pixel size and byte size, all within the field's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSample {
    /// The format: JPEG when the rule accepts it, else the first it accepts.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Size in bytes (decoded).
    pub bytes: usize,
}

/// The pixel size of a sample when its rule asks for none (a common selfie size).
const DEFAULT_SIDE: u32 = 640;
/// The byte size of a sample when its rule sets no minimum.
const DEFAULT_BYTES: usize = 32 * 1024;

impl ImageSample {
    /// An image meeting `rule`: JPEG if accepted; at least 640×640 pixels and at least the
    /// minimum size; a quarter over the minimum byte size (so it is not a boundary case) but
    /// never over the maximum.
    pub fn meeting(rule: &ImageRule) -> Self {
        let format = if rule.formats.is_empty() || rule.formats.contains(&ImageFormat::Jpeg) {
            ImageFormat::Jpeg
        } else {
            rule.formats[0]
        };
        let side = |min: Option<u32>| {
            u16::try_from(min.unwrap_or(0).max(DEFAULT_SIDE)).unwrap_or(u16::MAX)
        };
        let wanted = rule
            .min_bytes
            .map_or(DEFAULT_BYTES, |min| min + min / 4)
            .max(DEFAULT_BYTES);
        let bytes = rule.max_bytes.map_or(wanted, |max| wanted.min(max));
        Self {
            format,
            width: side(rule.min_width),
            height: side(rule.min_height),
            bytes,
        }
    }

    /// The image's file: a [`sample`] of this format, pixel size and byte size.
    pub fn draw(&self) -> Vec<u8> {
        sample::Image::new(self.format, self.width, self.height).bytes(self.bytes)
    }

    /// The image's file, commented `kyc-sandbox:<trigger>` (a sandbox trigger).
    pub fn draw_with_trigger(&self, trigger: &str) -> Vec<u8> {
        sample::Image::new(self.format, self.width, self.height)
            .with_trigger(trigger)
            .bytes(self.bytes)
    }
}

/// A file part of a multipart request (an image field of `format: binary`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFile {
    /// The form field.
    pub field: String,
    /// The image's format (its media type is `format.mime_type()`).
    pub format: ImageFormat,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A request body built from an example, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRequest {
    /// The operation's request media type (`application/json`, `multipart/form-data`).
    pub media_type: String,
    /// The JSON body, images as base64; for a multipart form, its text fields (files apart).
    pub body: Value,
    /// The file parts of a multipart form, in the schema's order; empty for JSON.
    pub files: Vec<ExampleFile>,
}

impl ExampleRequest {
    /// A text field of the body (`None` when absent or not a string).
    pub fn text(&self, field: &str) -> Option<&str> {
        self.body.get(field).and_then(Value::as_str)
    }
}

/// Why no valid request could be built: the operation and what is missing in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleError {
    /// The operation.
    pub operation_id: String,
    /// What is wrong and how to fix it.
    pub problem: String,
}

impl std::fmt::Display for ExampleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.operation_id, self.problem)
    }
}

impl std::error::Error for ExampleError {}

/// The operation's first named request example, its images swapped for real ones.
pub fn valid_request(spec: &Spec, operation_id: &str) -> Result<ExampleRequest, ExampleError> {
    let error = |problem: &str| ExampleError {
        operation_id: operation_id.to_string(),
        problem: problem.to_string(),
    };
    let examples = spec.request_examples(operation_id);
    let Some((_, example)) = examples.first() else {
        return Err(error(
            "has no named request example (requestBody.content.*.examples); add one",
        ));
    };
    with_sample_images(spec, operation_id, example)
}

/// The request a scenario sends (its example with `set` applied), its images swapped for
/// real ones, each carrying the scenario's `trigger` comment when it has one.
pub fn scenario_request(
    spec: &Spec,
    scenario: &Scenario<'_>,
) -> Result<ExampleRequest, ExampleError> {
    match &scenario.request {
        Some(body) => draw_images(spec, scenario.operation_id, body, scenario.trigger),
        None => Err(ExampleError {
            operation_id: scenario.operation_id.to_string(),
            problem: format!("scenario `{}` has no request body", scenario.name),
        }),
    }
}

/// `body`, a request of `operation_id`, with each image field of its schema swapped for a
/// real image: base64 text for JSON (`format: byte`), a file part for a multipart form
/// (`format: binary`). An image field the body leaves out stays out.
pub fn with_sample_images(
    spec: &Spec,
    operation_id: &str,
    body: &Value,
) -> Result<ExampleRequest, ExampleError> {
    draw_images(spec, operation_id, body, None)
}

/// [`with_sample_images`], each image commented `kyc-sandbox:<trigger>` when a trigger is given.
fn draw_images(
    spec: &Spec,
    operation_id: &str,
    body: &Value,
    trigger: Option<&str>,
) -> Result<ExampleRequest, ExampleError> {
    let error = |problem: String| ExampleError {
        operation_id: operation_id.to_string(),
        problem,
    };
    let operation = spec
        .operation(operation_id)
        .ok_or_else(|| error("is no operation of the spec".into()))?;
    let request = operation
        .request
        .as_ref()
        .ok_or_else(|| error("takes no request body".into()))?;
    let schema = request
        .schema
        .as_deref()
        .and_then(|name| spec.schema(name))
        .ok_or_else(|| error("has a request body without a named schema ($ref)".into()))?;
    let Value::Object(fields) = body else {
        return Err(error("has a request example that is not an object".into()));
    };
    let multipart = request.media_type.starts_with("multipart/");
    let mut out: Map<String, Value> = fields.clone();
    let mut files = Vec::new();
    for (field, rule) in spec.image_fields(schema) {
        if !out.contains_key(field) {
            continue;
        }
        let image = ImageSample::meeting(&rule);
        let bytes = match trigger {
            Some(trigger) => image.draw_with_trigger(trigger),
            None => image.draw(),
        };
        if multipart || is_binary(spec, schema, field) {
            out.remove(field);
            files.push(ExampleFile {
                field: field.to_string(),
                format: image.format,
                bytes,
            });
        } else {
            out.insert(
                field.to_string(),
                Value::String(image::encode_base64(&bytes)),
            );
        }
    }
    Ok(ExampleRequest {
        media_type: request.media_type.clone(),
        body: Value::Object(out),
        files,
    })
}

/// Whether the property is `format: binary` (a file, not base64 text).
fn is_binary(spec: &Spec, schema: &Value, field: &str) -> bool {
    spec.resolve(schema)
        .get("properties")
        .and_then(|p| p.get(field))
        .map(|p| spec.resolve(p))
        .and_then(|p| p.get("format"))
        .and_then(Value::as_str)
        == Some("binary")
}

impl Spec {
    /// The documented value of a parameter of `operation_id` (its `example`, else its
    /// schema's), e.g. the id a get-by-id example uses.
    pub fn parameter_example(&self, operation_id: &str, name: &str) -> Option<&Value> {
        let parameter = self.parameter_node(self.operation(operation_id)?, name)?;
        parameter
            .get("example")
            .or_else(|| self.resolve(parameter.get("schema")?).get("example"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Spec {
        let image = |format: &str| {
            json!({"type": "string", "format": format, "x-image-formats": ["png", "jpeg"],
                   "x-min-bytes": 1000, "x-max-bytes": 1100, "x-min-pixels": {"width": 700}})
        };
        Spec::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "x-vendor": "acme"},
            "paths": {
                "/json": {"post": {
                    "operationId": "post_json",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Json"},
                        "examples": {"first": {"value": {"name": "a", "photo": "/9j/"}}}
                    }}},
                    "responses": {"200": {"description": "ok"}}
                }},
                "/form/{id}": {
                    "parameters": [{"name": "id", "in": "path", "required": true,
                                    "schema": {"type": "string"}, "example": "p-1"}],
                    "post": {
                        "operationId": "post_form",
                        "parameters": [{"name": "q", "in": "query",
                                        "schema": {"type": "string", "example": "s"}}],
                        "requestBody": {"content": {"multipart/form-data": {
                            "schema": {"$ref": "#/components/schemas/Form"},
                            "examples": {"form": {"value": {"name": "a", "selfie": "(bytes)"}}}
                        }}},
                        "responses": {"200": {"description": "ok"}}
                    }
                },
                "/none": {"get": {"operationId": "get_none",
                                  "responses": {"200": {"description": "ok"}}}}
            },
            "components": {"schemas": {
                "Json": {"type": "object", "properties": {
                    "name": {"type": "string"}, "photo": image("byte")}},
                "Form": {"type": "object", "properties": {
                    "name": {"type": "string"}, "selfie": image("binary")}}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn samples_meet_their_rule() {
        let rule = ImageRule {
            formats: vec![ImageFormat::Png, ImageFormat::Svg],
            min_bytes: Some(102_400),
            max_bytes: Some(110_000),
            min_width: Some(480),
            min_height: Some(900),
        };
        let sample = ImageSample::meeting(&rule);
        assert_eq!(sample.format, ImageFormat::Png);
        assert_eq!((sample.width, sample.height), (640, 900));
        assert_eq!(sample.bytes, 110_000);
        let open = ImageSample::meeting(&ImageRule::default());
        assert_eq!(open.format, ImageFormat::Jpeg);
        assert_eq!(open.bytes, DEFAULT_BYTES);
    }

    #[test]
    fn json_images_become_base64_and_form_images_files() {
        let spec = spec();
        let json = valid_request(&spec, "post_json").unwrap();
        assert_eq!(json.media_type, "application/json");
        assert!(json.files.is_empty());
        assert_eq!(json.text("name"), Some("a"));
        let photo = json.text("photo").unwrap();
        assert_eq!(image::check_base64(photo), Ok(1100));
        assert_eq!(
            photo,
            image::encode_base64(&ImageSample::meeting(&spec_rule()).draw())
        );

        let form = valid_request(&spec, "post_form").unwrap();
        assert_eq!(form.body, json!({"name": "a"}));
        assert_eq!(form.files.len(), 1);
        assert_eq!(form.files[0].field, "selfie");
        assert_eq!(form.files[0].format, ImageFormat::Jpeg);
        assert_eq!(form.files[0].bytes.len(), 1100);
    }

    fn spec_rule() -> ImageRule {
        let spec = spec();
        spec.image_fields(spec.schema("Json").unwrap())[0].1.clone()
    }

    #[test]
    fn errors_name_the_operation() {
        let spec = spec();
        let error = valid_request(&spec, "get_none").unwrap_err();
        assert_eq!(error.operation_id, "get_none");
        assert!(
            error.to_string().contains("no named request example"),
            "{error}"
        );
        let error = with_sample_images(&spec, "nope", &json!({})).unwrap_err();
        assert!(error.to_string().contains("no operation"), "{error}");
    }

    #[test]
    fn parameter_examples_from_the_parameter_or_its_schema() {
        let spec = spec();
        assert_eq!(
            spec.parameter_example("post_form", "id"),
            Some(&json!("p-1"))
        );
        assert_eq!(spec.parameter_example("post_form", "q"), Some(&json!("s")));
        assert_eq!(spec.parameter_example("post_form", "r"), None);
    }
}
