//! What the sandbox adds to `kyc_spec::image` (which reads formats, sizes and pixel sizes, and
//! whose rules `kyc_spec::validate` checks): the sandbox's trigger comment, and the format a
//! declared MIME type names.
//!
//! The trigger comment `kyc-sandbox:<outcome>` (in a JPEG COM segment, a PNG text chunk or an
//! SVG comment) selects a documented error such as `no_face_detected`. It is found by a plain
//! scan of the image's first [`TRIGGER_WINDOW`] bytes, where comments sit in practice; no header
//! is parsed for it.

use base64::Engine as _;
use kyc_spec::image::ImageFormat;

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
}
