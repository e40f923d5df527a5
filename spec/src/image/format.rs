//! [`ImageFormat`], the one list of formats the workspace reads and writes, and how a format is
//! told from an image's first bytes (magic numbers; SVG is recognised by its root element in
//! [`svg`](super::svg)). Formats people send by mistake are named, so a refusal can say what the
//! file is.

use std::fmt;
use std::str::FromStr;

/// An image format the vendors accept, as the specs' `x-image-formats` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (`jpeg`; `jpg` is read as the same).
    Jpeg,
    /// PNG (`png`).
    Png,
    /// SVG (`svg`), accepted by Kredibel only.
    Svg,
}

impl ImageFormat {
    /// Every format [`inspect`](super::inspect) reads.
    pub const ALL: [Self; 3] = [Self::Jpeg, Self::Png, Self::Svg];

    /// The MIME type: `image/jpeg`, `image/png`, `image/svg+xml`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
        }
    }

    /// The name the specs' `x-image-formats` use: `jpeg`, `png`, `svg`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }

    /// The name people write: `JPEG`, `PNG`, `SVG`.
    pub(super) fn display_name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Svg => "SVG",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImageFormat {
    type Err = UnknownImageFormat;

    /// Reads an `x-image-formats` name, ignoring ASCII case; `jpg` is `jpeg`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Ok(Self::Jpeg),
            "png" => Ok(Self::Png),
            "svg" => Ok(Self::Svg),
            _ => Err(UnknownImageFormat(name.to_string())),
        }
    }
}

/// A format name [`ImageFormat::from_str`] does not know. It holds the name (from a spec, not
/// from an image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownImageFormat(pub String);

impl fmt::Display for UnknownImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an image format this client reads (jpeg, png, svg)",
            self.0
        )
    }
}

impl std::error::Error for UnknownImageFormat {}

/// How many leading bytes identify a format.
pub(super) const HEAD_LEN: usize = 16;
/// SOI followed by the first byte of the next marker.
pub(super) const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];
/// The 8-byte PNG file signature.
pub(super) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Names the formats people send by mistake, so the message can say what the file is.
pub(super) fn other_format(head: &[u8]) -> Option<&'static str> {
    let ftyp_brand = (head.len() >= 12 && &head[4..8] == b"ftyp").then(|| &head[8..12]);
    match head {
        _ if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") => Some("GIF"),
        _ if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") => Some("WebP"),
        _ if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") => Some("TIFF"),
        _ if head.starts_with(b"BM") => Some("BMP"),
        _ if head.starts_with(b"%PDF") => Some("PDF"),
        _ if head.starts_with(&[0, 0, 1, 0]) => Some("ICO"),
        _ if head.starts_with(&[0xFF, 0x0A]) || head.starts_with(b"\0\0\0\x0CJXL ") => {
            Some("JPEG XL")
        }
        _ if head.starts_with(b"\0\0\0\x0CjP  ") => Some("JPEG 2000"),
        _ => match ftyp_brand {
            Some(b"avif" | b"avis") => Some("AVIF"),
            Some(b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1") => {
                Some("HEIC/HEIF")
            }
            _ if head.starts_with(b"<") => Some("markup document that is not SVG"),
            _ => None,
        },
    }
}
