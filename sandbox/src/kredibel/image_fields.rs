//! The base64 image fields of Kredibel requests (`faceImage`, `identityImage`), checked with
//! the limits the spec's extensions give: base64 that does not decode is
//! `invalid_base64_encoding`, over `x-max-bytes` is `image_too_large`, and a format outside
//! `x-image-formats`, a size under `x-min-bytes` or dimensions under `x-min-pixels` are
//! validation errors on the field.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

use super::errors::ErrorType;
use crate::images::{self, ImageInfo};
use crate::spec::ImageRule;
use crate::validation::Issue;

/// Standard alphabet; padding optional, since encoders differ and the docs do not say.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An image that passed every check.
#[derive(Debug)]
pub(crate) struct CheckedImage {
    /// What its header says (format, dimensions, trigger).
    pub(crate) info: ImageInfo,
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
    rules: &[ImageRule],
    body: &Map<String, Value>,
) -> Result<Vec<CheckedImage>, ImageRejection> {
    let mut checked = Vec::with_capacity(rules.len());
    let mut issues = Vec::new();
    for rule in rules {
        let Some(encoded) = body.get(&rule.field).and_then(Value::as_str) else {
            continue;
        };
        if decoded_len_estimate(encoded) > rule.max_bytes {
            return Err(ImageRejection::Typed(ErrorType::ImageTooLarge));
        }
        let bytes = BASE64
            .decode(encoded)
            .map_err(|_| ImageRejection::Typed(ErrorType::InvalidBase64Encoding))?;
        if bytes.len() as u64 > rule.max_bytes {
            return Err(ImageRejection::Typed(ErrorType::ImageTooLarge));
        }
        let mut issue = |message: String| {
            issues.push(Issue {
                field: rule.field.clone(),
                message,
            })
        };
        let formats: Vec<String> = rule.formats.iter().map(ToString::to_string).collect();
        let Some(info) = images::inspect(&bytes).filter(|i| rule.formats.contains(&i.format))
        else {
            issue(format!(
                "Unsupported image format; send one of: {}.",
                formats.join(", ")
            ));
            continue;
        };
        if let Some(min) = rule.min_bytes
            && (bytes.len() as u64) < min
        {
            issue(format!(
                "The image is {} bytes; the minimum is {min} bytes.",
                bytes.len()
            ));
        }
        if let Some((min_width, min_height)) = rule.min_pixels {
            match info.dimensions {
                Some((width, height)) if width >= min_width && height >= min_height => {}
                Some((width, height)) => issue(format!(
                    "The image is {width}x{height} pixels; the minimum is {min_width}x{min_height}."
                )),
                None => issue("The image's dimensions cannot be read from its header.".into()),
            }
        }
        checked.push(CheckedImage { info });
    }
    if issues.is_empty() {
        Ok(checked)
    } else {
        Err(ImageRejection::Invalid(issues))
    }
}

/// The decoded size a base64 text would have, without decoding it: refuses a huge image
/// before spending time on it.
fn decoded_len_estimate(encoded: &str) -> u64 {
    let padding = encoded
        .bytes()
        .rev()
        .take_while(|b| *b == b'=')
        .count()
        .min(2);
    ((encoded.len() - padding) as u64 * 3) / 4
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::samples::Image;
    use crate::spec::Spec;

    fn rules() -> Vec<ImageRule> {
        Spec::kredibel().image_rules("CertificateIssuanceRequest")
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
