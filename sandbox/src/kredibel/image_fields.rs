//! The base64 image fields of Kredibel requests (`faceImage`, `identityImage`), checked with
//! the rules the spec's extensions give (`kyc_spec::image::ImageRule`), each with whatever
//! limits it has: text that is not standard base64 is `invalid_base64_encoding`, over
//! `x-max-bytes` is `image_too_large`, and a format outside `x-image-formats`, a size under
//! `x-min-bytes` or a pixel size under `x-min-pixels` are validation errors on the field, in
//! the sandbox's words.

use kyc_spec::image::{self, ImageError, ImageFormat, ImageRule, ImageRuleViolation};
use serde_json::{Map, Value};

use super::errors::ErrorType;
use crate::images;
use crate::validation::Issue;

/// An image that passed every check.
#[derive(Debug)]
pub(crate) struct CheckedImage {
    /// The outcome its `kyc-sandbox:<outcome>` comment asks for, if any.
    pub(crate) trigger: Option<String>,
}

/// Why the images of a request were refused.
#[derive(Debug)]
pub(crate) enum ImageRejection {
    /// A documented error type.
    Typed(ErrorType),
    /// Field validation errors.
    Invalid(Vec<Issue>),
}

/// Checks every image field of `body` that `rules` name. Decoding problems win over
/// validation problems, as they stop the vendor before it looks at the picture.
pub(crate) fn check(
    rules: &[(&str, ImageRule)],
    body: &Map<String, Value>,
) -> Result<Vec<CheckedImage>, ImageRejection> {
    let mut checked = Vec::with_capacity(rules.len());
    let mut issues = Vec::new();
    for (field, rule) in rules {
        let Some(encoded) = body.get(*field).and_then(Value::as_str) else {
            continue;
        };
        // One pass over the text, nothing decoded: the decoded size, or not base64 at all. An
        // empty text is empty base64: an image in no format.
        let size = match image::check_base64(encoded) {
            Ok(size) => size,
            Err(ImageError::Empty) => 0,
            Err(_) => return Err(ImageRejection::Typed(ErrorType::InvalidBase64Encoding)),
        };
        if rule.max_bytes.is_some_and(|max| size > max) {
            return Err(ImageRejection::Typed(ErrorType::ImageTooLarge));
        }
        let reasons = match images::facts(image::inspect_valid_base64(encoded), size) {
            Some(info) => images::violations(rule, &info)
                .iter()
                .map(|violation| reason(rule, violation))
                .collect(),
            None => vec![unsupported_format(rule)],
        };
        if reasons.is_empty() {
            checked.push(CheckedImage {
                trigger: images::trigger_in_base64(encoded),
            });
        }
        for reason in reasons {
            match reason {
                Reason::Typed(error_type) => return Err(ImageRejection::Typed(error_type)),
                Reason::Field(message) => issues.push(Issue {
                    field: (*field).to_string(),
                    message,
                }),
            }
        }
    }
    if issues.is_empty() {
        Ok(checked)
    } else {
        Err(ImageRejection::Invalid(issues))
    }
}

/// What is wrong with one image.
enum Reason {
    Typed(ErrorType),
    Field(String),
}

fn unsupported_format(rule: &ImageRule) -> Reason {
    let accepted = if rule.formats.is_empty() {
        &ImageFormat::ALL[..]
    } else {
        &rule.formats[..]
    };
    let names: Vec<&str> = accepted.iter().map(|f| f.as_str()).collect();
    Reason::Field(format!(
        "Unsupported image format; send one of: {}.",
        names.join(", ")
    ))
}

/// The sandbox's words for a broken rule.
fn reason(rule: &ImageRule, violation: &ImageRuleViolation) -> Reason {
    match violation {
        ImageRuleViolation::Format { .. } => unsupported_format(rule),
        ImageRuleViolation::TooSmall { bytes, min_bytes } => Reason::Field(format!(
            "The image is {bytes} bytes; the minimum is {min_bytes} bytes."
        )),
        ImageRuleViolation::TooLarge { .. } => Reason::Typed(ErrorType::ImageTooLarge),
        ImageRuleViolation::TooFewPixels {
            width,
            height,
            min_width,
            min_height,
        } => Reason::Field(format!(
            "The image is {width}x{height} pixels; the minimum is {}.",
            images::minimum_pixels(*min_width, *min_height)
        )),
        ImageRuleViolation::UnknownPixels { .. } => {
            Reason::Field("The image's dimensions cannot be read from its header.".into())
        }
        other => Reason::Field(format!("The image {other}.")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::samples::Image;
    use crate::spec;

    fn rules() -> Vec<(&'static str, ImageRule)> {
        let spec = spec::kredibel();
        spec.image_fields(spec.schema("CertificateIssuanceRequest").unwrap())
    }

    fn body(face: String, identity: String) -> Map<String, Value> {
        json!({"faceImage": face, "identityImage": identity})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn accepts_images_within_the_limits() {
        let face = Image::jpeg(480, 640).base64(150_000);
        let identity = Image::png(480, 360).base64(110_000);
        let checked = check(&rules(), &body(face, identity)).unwrap();
        assert_eq!(checked.len(), 2);
    }

    #[test]
    fn base64_is_the_padded_standard_alphabet() {
        let verdict = |text: &str| match check(&rules(), &body(text.into(), String::new())) {
            Err(ImageRejection::Typed(t)) => t.name().to_string(),
            Err(ImageRejection::Invalid(issues)) => issues[0].message.clone(),
            Ok(_) => "ok".into(),
        };
        // Valid base64, but no image: the format is what is wrong.
        for text in ["", "QQ==", "QUI=", "QUJD", "/+9z"] {
            assert!(
                verdict(text).starts_with("Unsupported image format"),
                "{text:?}"
            );
        }
        for text in [
            "QQ",
            "QUI",
            "QR==",
            "QUJ=",
            "Q",
            "QQ=",
            "Q===",
            "QQ==QQ==",
            "QU I=",
            "QUJD\n",
            "data:image/png;base64,QUJD",
            "-_9z",
        ] {
            assert_eq!(verdict(text), "invalid_base64_encoding", "{text:?}");
        }
    }

    #[test]
    fn finds_the_trigger_of_a_valid_image() {
        let face = Image::jpeg(480, 640)
            .with_trigger("no_face_detected")
            .base64(150_000);
        let checked = check(&rules(), &body(face, Image::png(480, 360).base64(110_000))).unwrap();
        assert_eq!(checked[0].trigger.as_deref(), Some("no_face_detected"));
        assert_eq!(checked[1].trigger, None);
    }

    #[test]
    fn refuses_each_limit() {
        let ok = || Image::png(480, 640).base64(150_000);
        let cases = [
            (
                body("not base64!".into(), ok()),
                "typed invalid_base64_encoding",
            ),
            (
                body(Image::jpeg(480, 640).base64(4_194_305), ok()),
                "typed image_too_large",
            ),
            (
                body(ok(), Image::jpeg(480, 360).base64(2_097_153)),
                "typed image_too_large",
            ),
            (
                body(Image::jpeg(479, 640).base64(150_000), ok()),
                "invalid faceImage",
            ),
            (
                body(Image::jpeg(480, 640).base64(102_399), ok()),
                "invalid faceImage",
            ),
            (
                body(ok(), "R0lGODlhAQABAAAAACw=".into()),
                "invalid identityImage",
            ),
        ];
        for (body, expected) in cases {
            let got = match check(&rules(), &body) {
                Err(ImageRejection::Typed(t)) => format!("typed {}", t.name()),
                Err(ImageRejection::Invalid(issues)) => format!("invalid {}", issues[0].field),
                Ok(_) => "ok".into(),
            };
            assert_eq!(got, expected);
        }
    }
}
