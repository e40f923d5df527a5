//! What the sandbox reads from an image without decoding it: the format (from the magic
//! number), the pixel dimensions (JPEG SOF marker, PNG IHDR chunk, SVG `width`/`height` or
//! `viewBox`) and the sandbox trigger comment (JPEG COM segment, PNG tEXt/iTXt chunk, SVG
//! comment) that selects a documented error such as `no_face_detected`.
//!
//! Only headers are walked, so the cost does not grow with the image, and nothing here can
//! panic on hostile bytes: every read is bounds-checked.

use std::fmt;

/// The prefix of a trigger comment: `kyc-sandbox:<outcome>` in an image's comment selects a
/// documented error outcome (see the README).
pub const TRIGGER_PREFIX: &str = "kyc-sandbox:";

/// An image format the vendors name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (`jpg`, `jpeg`).
    Jpeg,
    /// PNG.
    Png,
    /// SVG (Kredibel only).
    Svg,
}

impl ImageFormat {
    /// The format of a spec's `x-image-formats` entry.
    pub fn from_spec_name(name: &str) -> Option<Self> {
        match name {
            "jpeg" | "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }

    /// The MIME type.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
        }
    }

    /// The format sent with this MIME type, if any.
    pub fn from_mime_type(mime: &str) -> Option<Self> {
        let essence = mime.split(';').next().unwrap_or("").trim();
        match essence.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/svg+xml" => Some(Self::Svg),
            _ => None,
        }
    }

    /// Reads the format from the first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(Self::Png)
        } else if looks_like_svg(bytes) {
            Some(Self::Svg)
        } else {
            None
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Svg => "svg",
        })
    }
}

/// What the header of an image says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// The format.
    pub format: ImageFormat,
    /// Width and height in pixels, when the header could be read.
    pub dimensions: Option<(u32, u32)>,
    /// The outcome named by a `kyc-sandbox:<outcome>` comment, if the image carries one.
    pub trigger: Option<String>,
}

/// Reads format, dimensions and trigger comment; `None` if the bytes are no known format.
pub fn inspect(bytes: &[u8]) -> Option<ImageInfo> {
    let format = ImageFormat::sniff(bytes)?;
    let (dimensions, trigger) = match format {
        ImageFormat::Jpeg => jpeg_header(bytes),
        ImageFormat::Png => png_header(bytes),
        ImageFormat::Svg => svg_header(bytes),
    };
    Some(ImageInfo {
        format,
        dimensions,
        trigger,
    })
}

/// The 8-byte PNG file signature.
pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// How far into a file the SVG root element may start (after an XML prolog, comments, a
/// doctype) for the sniffing to find it.
const SVG_SNIFF_WINDOW: usize = 4096;

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SVG_SNIFF_WINDOW)];
    let Ok(text) = std::str::from_utf8(head).or_else(|e| {
        // The window may cut a multi-byte character in two; the valid prefix is enough.
        std::str::from_utf8(&head[..e.valid_up_to()])
    }) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

fn trigger_in(comment: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(comment);
    let start = text.find(TRIGGER_PREFIX)? + TRIGGER_PREFIX.len();
    let outcome: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!outcome.is_empty()).then(|| outcome.replace('-', "_"))
}

/// Walks JPEG segments up to the first start-of-frame marker, which carries the dimensions;
/// COM segments on the way may carry a trigger.
fn jpeg_header(bytes: &[u8]) -> (Option<(u32, u32)>, Option<String>) {
    let mut trigger = None;
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return (None, trigger);
        }
        let marker = bytes[at + 1];
        // Fill bytes and standalone markers (RSTn, TEM) carry no length.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            at += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if length < 2 {
            return (None, trigger);
        }
        let segment = &bytes[at + 4..bytes.len().min(at + 2 + length)];
        match marker {
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if segment.len() >= 5 {
                    let height = u32::from(u16::from_be_bytes([segment[1], segment[2]]));
                    let width = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
                    return (Some((width, height)), trigger);
                }
                return (None, trigger);
            }
            0xFE => trigger = trigger.or_else(|| trigger_in(segment)),
            // Start of scan or end of image before any frame header: no dimensions.
            0xDA | 0xD9 => return (None, trigger),
            _ => {}
        }
        at += 2 + length;
    }
    (None, trigger)
}

/// Reads IHDR (always the first chunk) and any text chunk before the image data.
fn png_header(bytes: &[u8]) -> (Option<(u32, u32)>, Option<String>) {
    let mut dimensions = None;
    let mut trigger = None;
    let mut at = PNG_SIGNATURE.len();
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let Ok(length) = usize::try_from(length) else {
            break;
        };
        let kind = &bytes[at + 4..at + 8];
        let data_end = (at + 8).saturating_add(length);
        let data = &bytes[at + 8..bytes.len().min(data_end)];
        match kind {
            b"IHDR" if data.len() >= 8 => {
                let width = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let height = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                dimensions = Some((width, height));
            }
            b"tEXt" | b"iTXt" | b"zTXt" => trigger = trigger.or_else(|| trigger_in(data)),
            b"IDAT" | b"IEND" => break,
            _ => {}
        }
        // Chunk: length, type, data, CRC.
        at = data_end.saturating_add(4);
    }
    (dimensions, trigger)
}

/// Reads `width`/`height` of the root `<svg>` element (falling back to its `viewBox`) and a
/// trigger from any comment.
fn svg_header(bytes: &[u8]) -> (Option<(u32, u32)>, Option<String>) {
    let text = String::from_utf8_lossy(bytes);
    let trigger = text.match_indices("<!--").find_map(|(start, _)| {
        let rest = &text[start + 4..];
        let end = rest.find("-->").unwrap_or(rest.len());
        trigger_in(&rest.as_bytes()[..end])
    });
    let Some(start) = text.find("<svg") else {
        return (None, trigger);
    };
    let tag_end = text[start..].find('>').map_or(text.len(), |e| start + e);
    let tag = &text[start..tag_end];
    let width = attribute(tag, "width").and_then(svg_length);
    let height = attribute(tag, "height").and_then(svg_length);
    let dimensions = match (width, height) {
        (Some(w), Some(h)) => Some((w, h)),
        _ => attribute(tag, "viewBox").and_then(|view_box| {
            let numbers: Vec<f64> = view_box
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect();
            match numbers.as_slice() {
                [_, _, w, h] => Some((to_pixels(*w)?, to_pixels(*h)?)),
                _ => None,
            }
        }),
    };
    (dimensions, trigger)
}

/// The value of `name="..."` (or `'...'`) inside a start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut search = 0;
    while let Some(found) = tag[search..].find(name) {
        let at = search + found;
        search = at + name.len();
        // A whole attribute name: preceded by whitespace, followed by `=`.
        let preceded = tag[..at].ends_with(|c: char| c.is_whitespace());
        let rest = tag[search..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value = &rest[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

/// An SVG length in user units or `px` (other units and percentages have no pixel size).
fn svg_length(value: &str) -> Option<u32> {
    let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
    to_pixels(number.parse().ok()?)
}

fn to_pixels(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 0.0 && value <= f64::from(u32::MAX))
        // Saturating by construction: the range was checked above.
        .then(|| value.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples;

    #[test]
    fn reads_jpeg_dimensions_and_comment() {
        let jpeg = samples::Image::jpeg(640, 480)
            .with_trigger("no_face_detected")
            .bytes(120_000);
        let info = inspect(&jpeg).unwrap();
        assert_eq!(info.format, ImageFormat::Jpeg);
        assert_eq!(info.dimensions, Some((640, 480)));
        assert_eq!(info.trigger.as_deref(), Some("no_face_detected"));
        assert_eq!(jpeg.len(), 120_000);
    }

    #[test]
    fn reads_png_dimensions() {
        let png = samples::Image::png(500, 720).bytes(150_000);
        let info = inspect(&png).unwrap();
        assert_eq!(info.format, ImageFormat::Png);
        assert_eq!(info.dimensions, Some((500, 720)));
        assert_eq!(info.trigger, None);
    }

    #[test]
    fn reads_svg_dimensions_and_view_box() {
        let svg = br#"<?xml version="1.0"?><!-- kyc-sandbox:no-face-detected --><svg xmlns="http://www.w3.org/2000/svg" width="480px" height='640'></svg>"#;
        let info = inspect(svg).unwrap();
        assert_eq!(info.format, ImageFormat::Svg);
        assert_eq!(info.dimensions, Some((480, 640)));
        assert_eq!(info.trigger.as_deref(), Some("no_face_detected"));
        let by_view_box = inspect(br#"<svg viewBox="0 0 800 600"/>"#).unwrap();
        assert_eq!(by_view_box.dimensions, Some((800, 600)));
    }

    #[test]
    fn hostile_headers_do_not_panic() {
        for bytes in [
            &b"\xFF\xD8\xFF"[..],
            b"\xFF\xD8\xFF\xC0\x00\x01",
            b"\xFF\xD8\xFF\xFE\xFF\xFF",
            b"\x89PNG\r\n\x1a\n\xFF\xFF\xFF\xFFIHDR",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00",
            b"<svg width=",
            b"<svg width='",
            b"GIF89a",
        ] {
            let _ = inspect(bytes);
        }
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
    }
}
