//! What the sandbox adds to `kyc_spec::image` (which reads formats, sizes and pixel sizes):
//! the sandbox's trigger comment, the format a declared MIME type names, and how an image whose
//! header cannot be read is treated.
//!
//! The trigger comment `kyc-sandbox:<outcome>` (in a JPEG COM segment, a PNG text chunk or an
//! SVG comment) selects a documented error such as `no_face_detected`. It is found by a plain
//! scan of the image's first [`TRIGGER_WINDOW`] bytes, where comments sit in practice; no header
//! is parsed for it.

use base64::Engine as _;
use kyc_spec::image::{ImageError, ImageFormat, ImageInfo, ImageRule, ImageRuleViolation};

pub use kyc_spec::image::sample::TRIGGER_PREFIX;

/// How far into an image a trigger comment is looked for.
pub const TRIGGER_WINDOW: usize = 16 * 1024;

/// The outcome a `kyc-sandbox:<outcome>` comment in the first [`TRIGGER_WINDOW`] bytes names
/// (`-` read as `_`), if any.
pub fn trigger(bytes: &[u8]) -> Option<String> {
    let window = &bytes[..bytes.len().min(TRIGGER_WINDOW)];
    let prefix = TRIGGER_PREFIX.as_bytes();
    let start = window.windows(prefix.len()).position(|w| w == prefix)? + prefix.len();
    let outcome: String = window[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .map(|&b| if b == b'-' { '_' } else { char::from(b) })
        .collect();
    (!outcome.is_empty()).then_some(outcome)
}

/// [`trigger`] of an image given as valid standard base64: only the window is decoded.
pub fn trigger_in_base64(encoded: &str) -> Option<String> {
    // Whole 4-character groups covering the window (3 bytes each).
    let text = &encoded[..encoded.len().min(TRIGGER_WINDOW.div_ceil(3) * 4)];
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    trigger(&bytes)
}

/// The format a part's declared `Content-Type` names, if it names one of the image formats.
pub fn format_of_mime_type(mime: &str) -> Option<ImageFormat> {
    let essence = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        // Aliases some clients send for JPEG.
        "image/jpg" | "image/pjpeg" => Some(ImageFormat::Jpeg),
        _ => ImageFormat::ALL
            .into_iter()
            .find(|format| format.mime_type() == essence),
    }
}

/// What the sandbox checks an image's rule against: the header's facts; or, for an image in a
/// known format whose header is truncated or malformed, that format and `bytes` with no pixel
/// size (so a size rule still applies and a minimum-pixels rule is broken). `None` when the
/// image is empty or in no format the reader knows.
pub fn facts(inspected: Result<ImageInfo, ImageError>, bytes: usize) -> Option<ImageInfo> {
    match inspected {
        Ok(info) => Some(info),
        Err(ImageError::Truncated { format, .. } | ImageError::Malformed { format, .. }) => {
            Some(ImageInfo {
                format,
                width: None,
                height: None,
                bytes,
            })
        }
        Err(_) => None,
    }
}

/// Every part of `rule` that `info` breaks, where [`ImageRule::check`] stops at the first: the
/// format, else the byte size, and the pixel size, so a field's answer lists all its reasons.
pub(crate) fn violations(rule: &ImageRule, info: &ImageInfo) -> Vec<ImageRuleViolation> {
    let sizes = ImageRule {
        min_width: None,
        min_height: None,
        ..rule.clone()
    };
    let pixels = ImageRule {
        min_width: rule.min_width,
        min_height: rule.min_height,
        ..ImageRule::default()
    };
    let mut found: Vec<ImageRuleViolation> = sizes.check(info).err().into_iter().collect();
    if !found
        .iter()
        .any(|v| matches!(v, ImageRuleViolation::Format { .. }))
    {
        found.extend(pixels.check(info).err());
    }
    found
}

/// A minimum pixel size as messages write it: `480x640`, `anyx640`.
pub(crate) fn minimum_pixels(width: Option<u32>, height: Option<u32>) -> String {
    let side = |s: Option<u32>| s.map_or_else(|| "any".to_string(), |n| n.to_string());
    format!("{}x{}", side(width), side(height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::Image;

    #[test]
    fn finds_the_trigger_in_each_format() {
        for image in [
            Image::jpeg(640, 480),
            Image::png(500, 720),
            Image::svg(480, 640),
        ] {
            let bytes = image
                .clone()
                .with_trigger("no-face-detected")
                .bytes(120_000);
            assert_eq!(trigger(&bytes).as_deref(), Some("no_face_detected"));
            let encoded = image.with_trigger("request_error").base64(120_000);
            assert_eq!(
                trigger_in_base64(&encoded).as_deref(),
                Some("request_error")
            );
        }
        assert_eq!(trigger(&Image::jpeg(640, 480).bytes(120_000)), None);
        assert_eq!(trigger(b"kyc-sandbox:"), None);
    }

    #[test]
    fn a_trigger_past_the_window_is_not_seen() {
        let mut bytes = vec![b' '; TRIGGER_WINDOW];
        bytes.extend_from_slice(b"kyc-sandbox:no_face_detected");
        assert_eq!(trigger(&bytes), None);
    }

    #[test]
    fn declared_types() {
        assert_eq!(
            format_of_mime_type("image/JPEG; q=1"),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(format_of_mime_type("image/jpg"), Some(ImageFormat::Jpeg));
        assert_eq!(format_of_mime_type("image/png"), Some(ImageFormat::Png));
        assert_eq!(format_of_mime_type("image/svg+xml"), Some(ImageFormat::Svg));
        assert_eq!(format_of_mime_type("image/gif"), None);
    }

    #[test]
    fn unreadable_headers_keep_their_format_and_size() {
        let truncated = kyc_spec::image::inspect(b"\xFF\xD8\xFF\xE0\x00\x10JFIF");
        let facts = facts(truncated, 10).unwrap();
        assert_eq!(
            (facts.format, facts.dimensions(), facts.bytes),
            (ImageFormat::Jpeg, None, 10)
        );
        assert_eq!(super::facts(kyc_spec::image::inspect(b"GIF89a"), 6), None);
        assert_eq!(minimum_pixels(Some(480), None), "480xany");
    }

    #[test]
    fn every_broken_part_of_a_rule_is_reported() {
        let rule = ImageRule {
            formats: vec![ImageFormat::Jpeg],
            min_bytes: Some(100),
            min_width: Some(480),
            ..ImageRule::default()
        };
        let info = |format, width| ImageInfo {
            format,
            width: Some(width),
            height: Some(640),
            bytes: 50,
        };
        let kinds = |info: &ImageInfo| {
            violations(&rule, info)
                .iter()
                .map(|v| match v {
                    ImageRuleViolation::Format { .. } => "format",
                    ImageRuleViolation::TooSmall { .. } => "bytes",
                    ImageRuleViolation::TooFewPixels { .. } => "pixels",
                    _ => "other",
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&info(ImageFormat::Jpeg, 479)), ["bytes", "pixels"]);
        assert_eq!(kinds(&info(ImageFormat::Png, 479)), ["format"]);
        assert!(
            kinds(&ImageInfo {
                bytes: 100,
                ..info(ImageFormat::Jpeg, 480)
            })
            .is_empty()
        );
    }
}
