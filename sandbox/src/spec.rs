//! The two OpenAPI specs in `openapi/`, compiled into the binary and parsed once.
//!
//! The sandbox reads its contract from the same files the clients are generated from, so the
//! two cannot drift: the routes are the spec's operations, request validation follows the
//! spec's schemas (types, patterns, lengths, required and unknown fields), image limits are the
//! `x-min-bytes` / `x-max-bytes` / `x-min-pixels` / `x-image-formats` extensions, the face
//! threshold is `x-threshold`, Iluma's status per error code is `x-status`, and every error
//! message is the one the spec's examples show.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::Method;
use serde_json::Value;

use crate::images::ImageFormat;

/// The Kredibel spec, as shipped in `openapi/kredibel.yaml`.
const KREDIBEL_YAML: &str = include_str!("../../openapi/kredibel.yaml");
/// The Iluma spec, as shipped in `openapi/iluma.yaml`.
const ILUMA_YAML: &str = include_str!("../../openapi/iluma.yaml");

/// Which vendor a spec (or a route) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// Kredibel, served under `/kredibel`.
    Kredibel,
    /// Iluma, served under `/iluma`.
    Iluma,
}

impl Vendor {
    /// The path prefix the vendor is served under.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Kredibel => "/kredibel",
            Self::Iluma => "/iluma",
        }
    }
}

/// One operation of a spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/v0/identity/individual_cft_peps/{id}` (axum's syntax too).
    pub path: String,
    /// The response keys the spec declares: `"200"`, `"404"`, `"4XX"`, ...
    pub statuses: Vec<String>,
    /// Whether the operation takes the `x-magic-reply` header.
    pub takes_magic_reply: bool,
    /// Whether the operation needs credentials (the spec's `security`).
    pub authenticated: bool,
}

impl Operation {
    /// Whether the spec declares `status` for this operation, exactly or as a `4XX`-style range.
    pub fn declares(&self, status: u16) -> bool {
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        self.statuses.iter().any(|s| *s == exact || *s == range)
    }
}

/// The limits of one base64 or binary image field (the spec's `x-*` extensions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRule {
    /// The request field, e.g. `faceImage`.
    pub field: String,
    /// The accepted formats (`x-image-formats`).
    pub formats: Vec<ImageFormat>,
    /// The smallest accepted size in bytes (`x-min-bytes`), after base64 decoding.
    pub min_bytes: Option<u64>,
    /// The largest accepted size in bytes (`x-max-bytes`), after base64 decoding.
    pub max_bytes: u64,
    /// The smallest accepted width and height in pixels (`x-min-pixels`).
    pub min_pixels: Option<(u32, u32)>,
}

/// A parsed spec with what the sandbox looks up in it.
#[derive(Debug)]
pub struct Spec {
    vendor: Vendor,
    document: Value,
    operations: Vec<Operation>,
    patterns: HashMap<String, regress::Regex>,
}

/// Why an embedded spec could not be used. Only a broken `openapi/*.yaml` causes this, and the
/// crate's tests catch it before anything ships.
#[derive(Debug, thiserror::Error)]
#[error("{vendor:?} spec: {reason}")]
pub struct SpecError {
    vendor: Vendor,
    reason: String,
}

impl Spec {
    /// The Kredibel spec.
    pub fn kredibel() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            Spec::parse(Vendor::Kredibel, KREDIBEL_YAML).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// The Iluma spec.
    pub fn iluma() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            Spec::parse(Vendor::Iluma, ILUMA_YAML).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// The spec of `vendor`.
    pub fn of(vendor: Vendor) -> &'static Spec {
        match vendor {
            Vendor::Kredibel => Self::kredibel(),
            Vendor::Iluma => Self::iluma(),
        }
    }

    /// The raw YAML text of `vendor`'s spec (what schemathesis and the tests read).
    pub fn yaml(vendor: Vendor) -> &'static str {
        match vendor {
            Vendor::Kredibel => KREDIBEL_YAML,
            Vendor::Iluma => ILUMA_YAML,
        }
    }

    fn parse(vendor: Vendor, yaml: &str) -> Result<Spec, SpecError> {
        let error = |reason: String| SpecError { vendor, reason };
        let document: Value =
            serde_yaml::from_str(yaml).map_err(|e| error(format!("not valid YAML: {e}")))?;
        let global_security = document
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
        let mut operations = Vec::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| error("no `paths`".into()))?;
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                    continue;
                };
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| error(format!("{method} {path} has no operationId")))?;
                let statuses = operation
                    .get("responses")
                    .and_then(Value::as_object)
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default();
                let takes_magic_reply = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .is_some_and(|params| {
                        params.iter().any(|p| {
                            p.get("$ref").and_then(Value::as_str)
                                == Some("#/components/parameters/MagicReply")
                        })
                    });
                let authenticated = match operation.get("security").and_then(Value::as_array) {
                    Some(security) => !security.is_empty(),
                    None => global_security,
                };
                operations.push(Operation {
                    id: id.to_string(),
                    method,
                    path: path.clone(),
                    statuses,
                    takes_magic_reply,
                    authenticated,
                });
            }
        }
        let mut patterns = HashMap::new();
        collect_patterns(&document, &mut patterns)
            .map_err(|(p, e)| error(format!("pattern `{p}` does not compile: {e}")))?;
        Ok(Spec {
            vendor,
            document,
            operations,
            patterns,
        })
    }

    /// The vendor this spec describes.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The whole parsed document.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.document
            .pointer(&format!("/components/schemas/{name}"))
    }

    /// Follows `$ref`s (local ones, `#/...`) until a schema without one.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        // Specs cannot nest references deeper than this without a cycle.
        for _ in 0..16 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.document.pointer(pointer))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// A compiled `pattern` of this spec.
    pub fn pattern(&self, pattern: &str) -> Option<&regress::Regex> {
        self.patterns.get(pattern)
    }

    /// The image fields of a request schema, in the schema's order, with their limits.
    pub fn image_rules(&self, schema_name: &str) -> Vec<ImageRule> {
        let Some(properties) = self
            .schema(schema_name)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        properties
            .iter()
            .filter_map(|(field, property)| {
                let property = self.resolve(property);
                let formats = property
                    .get("x-image-formats")?
                    .as_array()?
                    .iter()
                    .filter_map(|f| f.as_str().and_then(ImageFormat::from_spec_name))
                    .collect();
                let min_pixels = property.get("x-min-pixels").and_then(|p| {
                    let width = u32::try_from(p.get("width")?.as_u64()?).ok()?;
                    let height = u32::try_from(p.get("height")?.as_u64()?).ok()?;
                    Some((width, height))
                });
                Some(ImageRule {
                    field: field.clone(),
                    formats,
                    min_bytes: property.get("x-min-bytes").and_then(Value::as_u64),
                    max_bytes: property.get("x-max-bytes").and_then(Value::as_u64)?,
                    min_pixels,
                })
            })
            .collect()
    }

    /// The `message` the spec's examples give for an error, found by a field of the example
    /// value (`error_code` for Iluma, `errors.errorType` for Kredibel) or by the example's name.
    pub fn error_message(&self, example_name: &str) -> Option<&str> {
        let responses = self
            .document
            .pointer("/components/responses")?
            .as_object()?;
        responses.values().find_map(|response| {
            let examples = response.get("content")?.as_object()?.values().next()?;
            let example = examples.get("examples")?.get(example_name)?;
            example.get("value")?.get("message")?.as_str()
        })
    }

    /// A number-valued vendor extension on a component schema's property, e.g. the face
    /// threshold (`x-threshold` on `FaceMatch.face`).
    pub fn property_extension(&self, schema: &str, property: &str, extension: &str) -> Option<f64> {
        self.schema(schema)?
            .get("properties")?
            .get(property)?
            .get(extension)?
            .as_f64()
    }

    /// The values of an enum schema.
    pub fn enum_values(&self, schema: &str) -> Vec<String> {
        self.schema(schema)
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Compiles every `pattern` in the document, so validation never compiles on a request.
fn collect_patterns(
    value: &Value,
    into: &mut HashMap<String, regress::Regex>,
) -> Result<(), (String, regress::Error)> {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "pattern"
                    && let Some(pattern) = child.as_str()
                {
                    let regex =
                        regress::Regex::new(pattern).map_err(|e| (pattern.to_string(), e))?;
                    into.insert(pattern.to_string(), regex);
                    continue;
                }
                collect_patterns(child, into)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_patterns(item, into)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_specs_parse_with_every_operation() {
        assert_eq!(Spec::kredibel().operations().len(), 2);
        assert_eq!(Spec::iluma().operations().len(), 9);
        let ktp = Spec::iluma().operation("verify_id_card").unwrap();
        assert!(ktp.takes_magic_reply && ktp.authenticated);
        assert!(ktp.declares(413) && !ktp.declares(404));
        assert!(!Spec::iluma().operation("get_health").unwrap().authenticated);
        assert!(
            Spec::kredibel()
                .operation("verify_biometric")
                .unwrap()
                .declares(422)
        );
    }

    #[test]
    fn image_limits_come_from_the_extensions() {
        let rules = Spec::kredibel().image_rules("CertificateIssuanceRequest");
        let face = rules.iter().find(|r| r.field == "faceImage").unwrap();
        assert_eq!(face.min_bytes, Some(102_400));
        assert_eq!(face.max_bytes, 4_194_304);
        assert_eq!(face.min_pixels, Some((480, 640)));
        let selfie = &Spec::iluma().image_rules("IdCardVerificationRequest")[0];
        assert_eq!(selfie.formats, vec![ImageFormat::Jpeg, ImageFormat::Png]);
        assert_eq!(selfie.max_bytes, 512_000);
    }

    #[test]
    fn error_messages_are_the_examples() {
        assert_eq!(
            Spec::kredibel().error_message("invalid_base64_encoding"),
            Some("Invalid base64 encoding.")
        );
        assert_eq!(
            Spec::iluma().error_message("invalid_api_key"),
            Some("API key format is invalid")
        );
    }
}
