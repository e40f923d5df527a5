//! Image facts read from the bytes — format, pixel size, byte size — without decoding the
//! image, and the spec's image rules checked against them. Written by hand; nothing here is
//! generated.
//!
//! - [`inspect`] reads a file's bytes; [`inspect_base64`] reads base64 text (as Kredibel takes
//!   images) without decoding all of it: the whole text is checked to be valid standard base64
//!   in one pass that allocates nothing, and only the few bytes the header parser needs are
//!   decoded, where it needs them.
//! - The format comes from the content (magic numbers, the SVG root element), never from a file
//!   name or a declared MIME type.
//! - JPEG: the markers are walked to the first frame header (SOF0..SOF15, except DHT, JPG and
//!   DAC), skipping every segment on the way (EXIF, ICC profiles, comments) by its length, so
//!   the cost does not grow with the image or its metadata. PNG: the signature and the IHDR
//!   chunk, which must come first, CRC included. SVG: the root `<svg>` element's `width` and
//!   `height` when they are plain numbers or `px`, otherwise its `viewBox`'s width and height,
//!   otherwise no pixel size.
//! - [`ImageRule`] is what the specs' vendor extensions say about an image field
//!   (`x-image-formats`, `x-min-bytes`, `x-max-bytes`, `x-min-pixels`), read from the spec
//!   rather than repeated in code; [`ImageRule::check`] checks an [`ImageInfo`] against it.
//!
//! **SVG and minimum pixel sizes.** An SVG has no raster size: it is drawn at whatever size the
//! reader chooses. When its root element declares a size (`width`/`height` in pixels or user
//! units, or a `viewBox`), a minimum-pixels rule applies to that size, since that is the size
//! the vendor's renderer will use by default. When it declares none, the rule is treated as
//! met. (The offline sandbox refuses such an SVG instead; the vendors do not say.)
//!
//! Error messages and rule violations describe the image by its format, size and shape only;
//! they never contain its content. They are predicates written to follow a field name, as a
//! request validator prints them: `faceImage: is 51.2 KB (52,431 bytes); the minimum is 100 KB
//! (102,400 bytes)`.
//!
//! ```
//! use kyc_spec::image::{ImageFormat, ImageRule, inspect};
//!
//! // A PNG header for a 640×480 image (the pixel data does not matter here).
//! let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
//! png.extend_from_slice(&640u32.to_be_bytes());
//! png.extend_from_slice(&480u32.to_be_bytes());
//! png.extend_from_slice(&[8, 2, 0, 0, 0]);
//! png.extend_from_slice(&0xBAB3_4BB3u32.to_be_bytes()); // CRC-32 of the chunk
//!
//! let info = inspect(&png)?;
//! assert_eq!((info.format, info.width, info.height), (ImageFormat::Png, Some(640), Some(480)));
//!
//! let rule = ImageRule {
//!     formats: vec![ImageFormat::Jpeg, ImageFormat::Png],
//!     min_bytes: Some(100 * 1024),
//!     min_width: Some(500),
//!     min_height: Some(500),
//!     ..ImageRule::default()
//! };
//! let violation = rule.check(&info).unwrap_err();
//! assert_eq!(
//!     violation.to_string(),
//!     "is 33 bytes; the minimum is 100 KB (102,400 bytes)"
//! );
//! # Ok::<(), kyc_spec::image::ImageError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

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
    /// Every format this module reads.
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
    fn display_name(self) -> &'static str {
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

/// What an image's header says, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageInfo {
    /// The format, read from the content.
    pub format: ImageFormat,
    /// Width in pixels. Always present for JPEG and PNG; for SVG, present when the root
    /// element declares it (see the [module docs](self)).
    pub width: Option<u32>,
    /// Height in pixels. Always present for PNG and SVG-with-a-size; absent for a JPEG whose
    /// frame header leaves it to a later DNL marker (rare), and for an SVG without a size.
    pub height: Option<u32>,
    /// The size of the image file in bytes (for base64 text, the size it decodes to).
    pub bytes: usize,
}

impl ImageInfo {
    /// `(width, height)` when both are known.
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        self.width.zip(self.height)
    }
}

/// An image that cannot be read: empty, in an unknown format, truncated, malformed, or base64
/// text that is not valid. The message names the format, the size and the place of the
/// problem, never the content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageError {
    /// No bytes at all.
    Empty,
    /// Not JPEG, PNG or SVG. `detected` names the format when it is a known other one (`GIF`,
    /// `WebP`, `HEIC/HEIF`, ...).
    UnsupportedFormat {
        /// The other format recognised, if any.
        detected: Option<&'static str>,
    },
    /// The data ends before the header part that gives the pixel size.
    Truncated {
        /// The format the first bytes announce.
        format: ImageFormat,
        /// The size of the data.
        bytes: usize,
        /// What was still missing.
        missing: &'static str,
    },
    /// The header is not well formed.
    Malformed {
        /// The format the first bytes announce.
        format: ImageFormat,
        /// The byte offset of the problem.
        offset: usize,
        /// What is wrong there.
        problem: &'static str,
    },
    /// Base64 text that starts with a `data:` URL prefix.
    DataUrlPrefix,
    /// Text that is not valid standard (RFC 4648, padded) base64.
    InvalidBase64 {
        /// The 0-based index of the first offending character, when there is one.
        position: Option<usize>,
        /// The length of the text.
        length: usize,
        /// What is wrong.
        problem: Base64Problem,
    },
}

/// Why a text is not valid standard base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base64Problem {
    /// A line break: standard base64 in JSON is one unbroken line (not MIME's 76-column lines).
    LineBreak,
    /// A space or tab.
    Whitespace,
    /// `-` or `_`: the URL-safe alphabet, not the standard one.
    UrlSafeAlphabet,
    /// `=` anywhere but the last one or two characters.
    MisplacedPadding,
    /// Any other character outside `A–Z a–z 0–9 + /`.
    OutsideAlphabet,
    /// The length is not a multiple of 4 (padding missing or extra characters).
    Length,
    /// The bits after the last full byte are not zero (not a canonical encoding).
    TrailingBits,
}

impl fmt::Display for Base64Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LineBreak => "a line break (standard base64 is one unbroken line)",
            Self::Whitespace => "whitespace",
            Self::UrlSafeAlphabet => {
                "a character of the URL-safe alphabet (`-` or `_`); standard base64 uses `+` and `/`"
            }
            Self::MisplacedPadding => "padding (`=`) before the end",
            Self::OutsideAlphabet => "a character outside the base64 alphabet (A-Z a-z 0-9 + /)",
            Self::Length => "a length that is not a multiple of 4 (padding missing or extra characters)",
            Self::TrailingBits => {
                "non-zero bits after the last byte in the final group (not a canonical encoding)"
            }
        })
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("is empty (0 bytes)"),
            Self::UnsupportedFormat {
                detected: Some(name),
            } => write!(
                f,
                "is {}, not a JPEG, PNG or SVG image",
                with_article(name)
            ),
            Self::UnsupportedFormat { detected: None } => f.write_str(
                "is not a JPEG, PNG or SVG image: its first bytes match none of their signatures",
            ),
            Self::Truncated {
                format,
                bytes,
                missing,
            } => write!(
                f,
                "is {} that ends after {}, before {missing}",
                with_article(format.display_name()),
                Size(*bytes),
            ),
            Self::Malformed {
                format,
                offset,
                problem,
            } => write!(
                f,
                "is {} with a malformed header at byte {}: {problem}",
                with_article(format.display_name()),
                Thousands(*offset),
            ),
            Self::DataUrlPrefix => f.write_str(
                "starts with a `data:...;base64,` prefix: send the base64 text alone, without the prefix",
            ),
            Self::InvalidBase64 {
                position: Some(position),
                length,
                problem,
            } => write!(
                f,
                "is not valid base64: character {} of {} is {problem}",
                Thousands(position + 1),
                Thousands(*length),
            ),
            Self::InvalidBase64 {
                position: None,
                length,
                problem,
            } => write!(
                f,
                "is not valid base64 ({} characters): {problem}",
                Thousands(*length),
            ),
        }
    }
}

impl std::error::Error for ImageError {}

/// Reads format, pixel size and byte size from an image file's bytes, without decoding it.
pub fn inspect(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    inspect_source(bytes)
}

/// Reads format, pixel size and decoded byte size from base64 text (standard alphabet,
/// padded, no line breaks, no `data:` prefix), without decoding all of it.
///
/// The whole text is checked to be valid base64 in one pass over its bytes; then only the
/// bytes the header parser asks for are decoded, 4-character group by group, wherever they
/// are (a JPEG's frame header can sit after 60 KB of EXIF). Nothing the size of the image is
/// allocated.
pub fn inspect_base64(encoded: &str) -> Result<ImageInfo, ImageError> {
    inspect_source(&Base64Source::new(encoded)?)
}

/// Like [`inspect_base64`], for text already known to be valid base64 — the text a
/// `kyc_clients::Base64Image` holds, which was checked when it was built (or encoded from bytes).
/// Only the length and padding are read and the header windows decoded, so the cost does not
/// grow with the image: this is what request validation runs on every call.
pub fn inspect_valid_base64(encoded: &str) -> Result<ImageInfo, ImageError> {
    inspect_source(&Base64Source::assume_valid(encoded)?)
}

/// Checks that `encoded` is valid standard base64 (alphabet, padding, length, trailing bits)
/// in one pass, without decoding it; returns the decoded size.
pub fn check_base64(encoded: &str) -> Result<usize, ImageError> {
    Base64Source::new(encoded).map(|source| source.decoded_len)
}

/// Random access to an image's bytes: the file's own, or decoded on demand from base64.
trait Source {
    /// The size of the image in bytes.
    fn len(&self) -> usize;

    /// Fills `out` with the bytes starting at `offset`; false when they run past the end.
    fn read(&self, offset: usize, out: &mut [u8]) -> bool;

    /// The first `len` bytes (`len` at most [`Source::len`]).
    fn prefix(&self, len: usize) -> Cow<'_, [u8]> {
        let mut out = vec![0; len.min(self.len())];
        let _ = self.read(0, &mut out);
        Cow::Owned(out)
    }
}

impl Source for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }

    fn read(&self, offset: usize, out: &mut [u8]) -> bool {
        match offset
            .checked_add(out.len())
            .and_then(|end| self.get(offset..end))
        {
            Some(bytes) => {
                out.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }

    fn prefix(&self, len: usize) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self[..len.min(self.len())])
    }
}

fn inspect_source<S: Source + ?Sized>(source: &S) -> Result<ImageInfo, ImageError> {
    let len = source.len();
    if len == 0 {
        return Err(ImageError::Empty);
    }
    let head = source.prefix(HEAD_LEN);
    let info = |format, (width, height)| ImageInfo {
        format,
        width,
        height,
        bytes: len,
    };
    if head.starts_with(JPEG_START) {
        return jpeg_dimensions(source).map(|size| info(ImageFormat::Jpeg, size));
    }
    if head.starts_with(PNG_SIGNATURE) {
        return png_dimensions(source).map(|size| info(ImageFormat::Png, size));
    }
    // A file shorter than a signature it begins: say it is cut short, not unknown.
    for (signature, format) in [
        (JPEG_START, ImageFormat::Jpeg),
        (PNG_SIGNATURE, ImageFormat::Png),
    ] {
        if head.len() < signature.len() && signature.starts_with(&head) {
            return Err(ImageError::Truncated {
                format,
                bytes: len,
                missing: "the end of its signature",
            });
        }
    }
    // Only text that starts like markup is worth scanning as SVG.
    let markup = head[0] == b'<' || head[0].is_ascii_whitespace() || head.starts_with(UTF8_BOM);
    if markup && let Some(size) = svg_dimensions(source)? {
        return Ok(info(ImageFormat::Svg, size));
    }
    Err(ImageError::UnsupportedFormat {
        detected: other_format(&head),
    })
}

/// Width and height in pixels, each when the header gives it.
type Dimensions = (Option<u32>, Option<u32>);

/// How many leading bytes identify a format.
const HEAD_LEN: usize = 16;
/// SOI followed by the first byte of the next marker.
const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];
/// The 8-byte PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Names the formats people send by mistake, so the message can say what the file is.
fn other_format(head: &[u8]) -> Option<&'static str> {
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

/// Walks JPEG segments from SOI to the first frame header and reads its size.
fn jpeg_dimensions<S: Source + ?Sized>(source: &S) -> Result<Dimensions, ImageError> {
    let truncated = || ImageError::Truncated {
        format: ImageFormat::Jpeg,
        bytes: source.len(),
        missing: "its frame header (SOF), which gives its size",
    };
    let malformed = |offset, problem| ImageError::Malformed {
        format: ImageFormat::Jpeg,
        offset,
        problem,
    };
    let byte_at = |offset: usize| {
        let mut byte = [0];
        source.read(offset, &mut byte).then_some(byte[0])
    };
    let mut at = 2; // after SOI
    loop {
        if byte_at(at).ok_or_else(truncated)? != 0xFF {
            return Err(malformed(
                at,
                "expected a marker (0xFF) after the previous segment",
            ));
        }
        // Any number of 0xFF fill bytes may precede a marker.
        let mut marker_at = at + 1;
        let mut marker = byte_at(marker_at).ok_or_else(truncated)?;
        while marker == 0xFF {
            marker_at += 1;
            marker = byte_at(marker_at).ok_or_else(truncated)?;
        }
        // Errors point at the marker's own 0xFF, after any fill bytes.
        let marker_start = marker_at - 1;
        at = marker_at + 1;
        match marker {
            // Standalone markers (RSTn, TEM) have no length.
            0xD0..=0xD7 | 0x01 => continue,
            0x00 => {
                return Err(malformed(
                    marker_start,
                    "a stuffed 0x00 where a marker belongs",
                ));
            }
            0xD8 => {
                return Err(malformed(
                    marker_start,
                    "a second start-of-image marker (SOI)",
                ));
            }
            0xD9 => {
                return Err(malformed(
                    marker_start,
                    "end of image (EOI) before any frame header (SOF)",
                ));
            }
            0xDA => {
                return Err(malformed(
                    marker_start,
                    "image data (SOS) before any frame header (SOF)",
                ));
            }
            _ => {}
        }
        let mut length = [0; 2];
        if !source.read(at, &mut length) {
            return Err(truncated());
        }
        let length = usize::from(u16::from_be_bytes(length));
        if length < 2 {
            return Err(malformed(at, "a segment length under 2"));
        }
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            // Length, precision, height, width, component count: the part this needs.
            if length < 8 {
                return Err(malformed(at, "a frame header (SOF) shorter than 8 bytes"));
            }
            let mut frame = [0; 5];
            if !source.read(at + 2, &mut frame) {
                return Err(truncated());
            }
            let height = u32::from(u16::from_be_bytes([frame[1], frame[2]]));
            let width = u32::from(u16::from_be_bytes([frame[3], frame[4]]));
            if width == 0 {
                return Err(malformed(at + 5, "a frame header (SOF) with a width of 0"));
            }
            // A height of 0 means a DNL marker after the first scan gives it: not in the header.
            return Ok((Some(width), (height != 0).then_some(height)));
        }
        at += length;
    }
}

/// Checks the PNG signature and reads the IHDR chunk, which must come first.
fn png_dimensions<S: Source + ?Sized>(source: &S) -> Result<Dimensions, ImageError> {
    let malformed = |offset, problem| ImageError::Malformed {
        format: ImageFormat::Png,
        offset,
        problem,
    };
    // Length (4), type (4), data (13), CRC (4) after the signature.
    let mut chunk = [0; 25];
    if !source.read(PNG_SIGNATURE.len(), &mut chunk) {
        return Err(ImageError::Truncated {
            format: ImageFormat::Png,
            bytes: source.len(),
            missing: "the end of its IHDR chunk, which gives its size",
        });
    }
    if &chunk[4..8] != b"IHDR" {
        return Err(malformed(12, "the first chunk is not IHDR"));
    }
    if chunk[..4] != 13u32.to_be_bytes() {
        return Err(malformed(8, "an IHDR chunk whose length is not 13"));
    }
    let crc = u32::from_be_bytes([chunk[21], chunk[22], chunk[23], chunk[24]]);
    if crc32(&chunk[4..21]) != crc {
        return Err(malformed(
            29,
            "the IHDR chunk's CRC does not match its content",
        ));
    }
    let width = u32::from_be_bytes([chunk[8], chunk[9], chunk[10], chunk[11]]);
    let height = u32::from_be_bytes([chunk[12], chunk[13], chunk[14], chunk[15]]);
    // The PNG specification allows 1 to 2^31 - 1 in each direction.
    let valid = 1..=0x7FFF_FFFF;
    if !valid.contains(&width) || !valid.contains(&height) {
        return Err(malformed(16, "an IHDR width or height outside 1..2^31-1"));
    }
    Ok((Some(width), Some(height)))
}

/// CRC-32 (IEEE 802.3), as PNG chunks carry it. Bitwise: it only ever sees 17 bytes.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// How much of an SVG is read to find the root element's start tag: a small window first,
/// then a larger one for long prologs (doctype, comments) or long start tags.
const SVG_WINDOWS: [usize; 2] = [4 * 1024, 64 * 1024];

/// `Some(size)` for an SVG, `None` for text that is not one.
fn svg_dimensions<S: Source + ?Sized>(source: &S) -> Result<Option<Dimensions>, ImageError> {
    for window in SVG_WINDOWS {
        let text = source.prefix(window);
        let complete = text.len() == source.len();
        match scan_svg(&text, complete) {
            SvgScan::Root(size) => return Ok(Some(size)),
            SvgScan::NotSvg => return Ok(None),
            SvgScan::Malformed(offset, problem) => {
                return Err(ImageError::Malformed {
                    format: ImageFormat::Svg,
                    offset,
                    problem,
                });
            }
            SvgScan::NeedMore { in_root: true } if complete => {
                return Err(ImageError::Truncated {
                    format: ImageFormat::Svg,
                    bytes: source.len(),
                    missing: "the end of its <svg> start tag",
                });
            }
            SvgScan::NeedMore { .. } if complete => return Ok(None),
            SvgScan::NeedMore { .. } => {}
        }
    }
    // Still inside the prolog or the start tag after the largest window.
    Err(ImageError::Malformed {
        format: ImageFormat::Svg,
        offset: SVG_WINDOWS[SVG_WINDOWS.len() - 1],
        problem: "no complete <svg> start tag within the first 64 KB",
    })
}

/// What the start of a text says about it being an SVG.
enum SvgScan {
    /// The root element is `<svg>`, with this size.
    Root(Dimensions),
    /// Not an SVG document.
    NotSvg,
    /// The window ended first; `in_root` when inside the `<svg>` start tag.
    NeedMore { in_root: bool },
    /// An SVG root start tag that is not well formed.
    Malformed(usize, &'static str),
}

/// Skips the BOM and the XML prolog (declaration, processing instructions, comments, doctype,
/// whitespace) and reads the root element's start tag if it is `<svg`.
fn scan_svg(text: &[u8], complete: bool) -> SvgScan {
    let need_more = SvgScan::NeedMore { in_root: false };
    let mut at = if text.starts_with(UTF8_BOM) { 3 } else { 0 };
    loop {
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let rest = &text[at..];
        // Too little left to tell which construct starts here.
        if rest.len() < 10 && !complete {
            return need_more;
        }
        let skip_to = |open: usize, close: &[u8]| find(rest, open, close).map(|end| at + end);
        let next = if rest.starts_with(b"<?") {
            skip_to(2, b"?>")
        } else if rest.starts_with(b"<!--") {
            skip_to(4, b"-->")
        } else if rest.starts_with(b"<!DOCTYPE") {
            // An internal subset in `[...]` may contain `>`.
            match (find(rest, 9, b"["), find(rest, 9, b">")) {
                (Some(open), Some(close)) if open < close => {
                    find(rest, open, b"]").and_then(|end| find(rest, end, b">").map(|e| at + e))
                }
                (_, close) => close.map(|end| at + end),
            }
        } else if rest.starts_with(b"<svg")
            && rest
                .get(4)
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        {
            return scan_svg_start_tag(text, at + 4);
        } else {
            return SvgScan::NotSvg;
        };
        match next {
            Some(end) => at = end,
            None if complete => return SvgScan::NotSvg,
            None => return need_more,
        }
    }
}

/// The index just past the first `needle` at or after `from` in `haystack`.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p + needle.len())
}

/// Reads the attributes of the `<svg` start tag from `at` (just past `<svg`) to its `>`.
/// A `>` inside a quoted value does not end the tag.
fn scan_svg_start_tag(text: &[u8], mut at: usize) -> SvgScan {
    // Running out of text: the caller knows whether the window was the whole file.
    let end_of_window = || SvgScan::NeedMore { in_root: true };
    let (mut width, mut height, mut view_box) = (None, None, None);
    loop {
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        match text.get(at) {
            None => return end_of_window(),
            Some(b'>') => break,
            Some(b'/') => match text.get(at + 1) {
                Some(b'>') => break,
                None => return end_of_window(),
                Some(_) => return SvgScan::Malformed(at, "a `/` inside the <svg> start tag"),
            },
            Some(_) => {}
        }
        let name_start = at;
        while text
            .get(at)
            .is_some_and(|&b| !(b.is_ascii_whitespace() || matches!(b, b'=' | b'>' | b'/')))
        {
            at += 1;
        }
        let name = &text[name_start..at];
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        match text.get(at) {
            None => return end_of_window(),
            Some(b'=') => at += 1,
            Some(_) => return SvgScan::Malformed(at, "an <svg> attribute without a value"),
        }
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let quote = match text.get(at) {
            None => return end_of_window(),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return SvgScan::Malformed(at, "an unquoted <svg> attribute value"),
        };
        let value_start = at + 1;
        let Some(length) = text[value_start..].iter().position(|&b| b == quote) else {
            return end_of_window();
        };
        let value = std::str::from_utf8(&text[value_start..value_start + length]).ok();
        at = value_start + length + 1;
        match name {
            b"width" => width = value,
            b"height" => height = value,
            b"viewBox" => view_box = value,
            _ => {}
        }
    }
    let size = match (width.and_then(svg_length), height.and_then(svg_length)) {
        (Some(w), Some(h)) => (Some(w), Some(h)),
        _ => view_box.and_then(view_box_size).unzip(),
    };
    SvgScan::Root(size)
}

/// An SVG length in pixels: a plain number (user units, which are CSS pixels) or `px`.
/// Other units (`mm`, `em`, `%`, ...) have no fixed pixel size.
fn svg_length(value: &str) -> Option<u32> {
    let value = value.trim();
    let number = value.strip_suffix("px").unwrap_or(value).trim_end();
    to_pixels(number.parse().ok()?)
}

/// The width and height of a `viewBox="min-x min-y width height"`.
fn view_box_size(value: &str) -> Option<(u32, u32)> {
    let mut numbers = value
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::parse::<f64>);
    let (_, _, width, height) = (
        numbers.next()?.ok()?,
        numbers.next()?.ok()?,
        numbers.next()?.ok()?,
        numbers.next()?.ok()?,
    );
    if numbers.next().is_some() {
        return None;
    }
    Some((to_pixels(width)?, to_pixels(height)?))
}

/// A non-negative finite length, rounded to whole pixels (as the offline sandbox does).
fn to_pixels(value: f64) -> Option<u32> {
    (value.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&value))
        // In range by the check above, so the cast cannot saturate.
        .then(|| value.round() as u32)
}

/// Base64 text, checked valid, read as the bytes it decodes to.
struct Base64Source<'a> {
    text: &'a [u8],
    decoded_len: usize,
}

impl<'a> Base64Source<'a> {
    /// Checks `encoded` is valid standard base64 in one pass and computes its decoded size.
    fn new(encoded: &'a str) -> Result<Self, ImageError> {
        let text = encoded.as_bytes();
        if text.len() >= 5 && text[..5].eq_ignore_ascii_case(b"data:") {
            return Err(ImageError::DataUrlPrefix);
        }
        if text.is_empty() {
            return Err(ImageError::Empty);
        }
        let invalid = |position, problem| ImageError::InvalidBase64 {
            position,
            length: text.len(),
            problem,
        };
        let padding = text
            .iter()
            .rev()
            .take(2)
            .take_while(|&&b| b == b'=')
            .count();
        let body = &text[..text.len() - padding];
        if let Some(position) = first_outside_alphabet(body) {
            return Err(invalid(Some(position), classify(text[position])));
        }
        if !text.len().is_multiple_of(4) {
            return Err(invalid(None, Base64Problem::Length));
        }
        // The bits of the last character that fall after the last byte must be zero, as in
        // any canonical encoding (and as strict decoders, like the `base64` crate's, require).
        let unused_bits_mask = match padding {
            1 => 0b0000_0011,
            2 => 0b0000_1111,
            _ => 0,
        };
        let last = body.len() - 1;
        if DECODE[usize::from(body[last])] & unused_bits_mask != 0 {
            return Err(invalid(Some(last), Base64Problem::TrailingBits));
        }
        Ok(Self {
            text,
            decoded_len: text.len() / 4 * 3 - padding,
        })
    }
}

impl<'a> Base64Source<'a> {
    /// For text known to be valid: the decoded size from the length and padding alone.
    fn assume_valid(encoded: &'a str) -> Result<Self, ImageError> {
        let text = encoded.as_bytes();
        if text.is_empty() {
            return Err(ImageError::Empty);
        }
        if !text.len().is_multiple_of(4) {
            return Err(ImageError::InvalidBase64 {
                position: None,
                length: text.len(),
                problem: Base64Problem::Length,
            });
        }
        let padding = text
            .iter()
            .rev()
            .take(2)
            .take_while(|&&b| b == b'=')
            .count();
        Ok(Self {
            text,
            decoded_len: text.len() / 4 * 3 - padding,
        })
    }
}

impl Source for Base64Source<'_> {
    fn len(&self) -> usize {
        self.decoded_len
    }

    fn read(&self, offset: usize, out: &mut [u8]) -> bool {
        if offset
            .checked_add(out.len())
            .is_none_or(|end| end > self.decoded_len)
        {
            return false;
        }
        // Decoded byte `i` is byte `i % 3` of the 4-character group `i / 3`.
        let mut written = 0;
        while written < out.len() {
            let position = offset + written;
            let (group, within) = (position / 3, position % 3);
            let decoded = decode_group(&self.text[group * 4..group * 4 + 4]);
            let take = (3 - within).min(out.len() - written);
            out[written..written + take].copy_from_slice(&decoded[within..within + take]);
            written += take;
        }
        true
    }
}

/// Decodes one checked group of 4 characters (`=` decodes as zero bits).
fn decode_group(group: &[u8]) -> [u8; 3] {
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| u32::from(DECODE[usize::from(group[i])]));
    let bits = (a << 18) | (b << 12) | (c << 6) | d;
    let [_, x, y, z] = bits.to_be_bytes();
    [x, y, z]
}

/// The 6-bit value of each base64 character; 0 for everything else (only used after checking).
const DECODE: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [0; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Whether `byte` is in the standard base64 alphabet (`=` excluded). Branch-free and made of
/// byte comparisons, so the loop below compiles to SIMD compares on any x86-64 or AArch64.
#[inline(always)]
fn in_alphabet(byte: u8) -> bool {
    // `| 0x20` folds upper case onto lower case and maps nothing else into `a..=z`.
    let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
    let digit = byte.wrapping_sub(b'0') < 10;
    letter | digit | (byte == b'+') | (byte == b'/')
}

/// The index of the first byte outside the alphabet. Scans 64-byte blocks with no early exit
/// inside a block (so they vectorise), and looks for the exact position only in a bad block.
fn first_outside_alphabet(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (index, block) in blocks.by_ref().enumerate() {
        let all_valid = block.iter().fold(true, |ok, &b| ok & in_alphabet(b));
        if !all_valid {
            return block
                .iter()
                .position(|&b| !in_alphabet(b))
                .map(|p| index * BLOCK + p);
        }
    }
    let tail_start = bytes.len() - blocks.remainder().len();
    blocks
        .remainder()
        .iter()
        .position(|&b| !in_alphabet(b))
        .map(|p| tail_start + p)
}

fn classify(byte: u8) -> Base64Problem {
    match byte {
        b'\n' | b'\r' => Base64Problem::LineBreak,
        b' ' | b'\t' => Base64Problem::Whitespace,
        b'-' | b'_' => Base64Problem::UrlSafeAlphabet,
        b'=' => Base64Problem::MisplacedPadding,
        _ => Base64Problem::OutsideAlphabet,
    }
}

/// What a spec says about one image field, from its vendor extensions.
///
/// An empty `formats` accepts every format this module reads; `None` limits are not checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageRule {
    /// `x-image-formats`: the accepted formats.
    pub formats: Vec<ImageFormat>,
    /// `x-min-bytes`: the smallest accepted (decoded) size.
    pub min_bytes: Option<usize>,
    /// `x-max-bytes`: the largest accepted (decoded) size.
    pub max_bytes: Option<usize>,
    /// `x-min-pixels.width`.
    pub min_width: Option<u32>,
    /// `x-min-pixels.height`.
    pub min_height: Option<u32>,
}

impl ImageRule {
    /// Reads `x-image-formats`, `x-min-bytes`, `x-max-bytes` and `x-min-pixels: {width,
    /// height}` from a schema node (the extensions are keys of the schema object). `None` when
    /// the schema has none of them, i.e. is not an image field.
    ///
    /// Format names this module cannot read are left out: an image in such a format could not
    /// be recognised anyway. Values that are not non-negative integers are ignored.
    pub fn from_schema(schema: &Value) -> Option<Self> {
        Self::from_extensions(|key| schema.get(key))
    }

    /// Like [`ImageRule::from_schema`], for a typed document whose extensions sit in a map of
    /// their own (openapiv3's `SchemaData::extensions`): `get` looks an extension up by key.
    pub fn from_extensions<'a>(get: impl Fn(&str) -> Option<&'a Value>) -> Option<Self> {
        let formats = get("x-image-formats");
        let min_bytes = get("x-min-bytes");
        let max_bytes = get("x-max-bytes");
        let min_pixels = get("x-min-pixels");
        if formats.is_none() && min_bytes.is_none() && max_bytes.is_none() && min_pixels.is_none() {
            return None;
        }
        let size = |value: Option<&Value>| {
            value
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
        };
        let pixels = |side: &str| {
            min_pixels
                .and_then(|p| p.get(side))
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        Some(Self {
            formats: formats
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(|name| name.parse().ok())
                .collect(),
            min_bytes: size(min_bytes),
            max_bytes: size(max_bytes),
            min_width: pixels("width"),
            min_height: pixels("height"),
        })
    }

    /// Checks format, then size, then pixel size; the first rule broken is returned.
    ///
    /// A minimum-pixels rule needs the image's size: a JPEG or PNG without one (a JPEG whose
    /// height is left to a DNL marker) breaks it; an SVG without one meets it (see the
    /// [module docs](self)).
    pub fn check(&self, info: &ImageInfo) -> Result<(), ImageRuleViolation> {
        if !self.formats.is_empty() && !self.formats.contains(&info.format) {
            return Err(ImageRuleViolation::Format {
                found: info.format.display_name(),
                accepted: self.formats.clone(),
            });
        }
        if let Some(min_bytes) = self.min_bytes.filter(|&min| info.bytes < min) {
            return Err(ImageRuleViolation::TooSmall {
                bytes: info.bytes,
                min_bytes,
            });
        }
        if let Some(max_bytes) = self.max_bytes.filter(|&max| info.bytes > max) {
            return Err(ImageRuleViolation::TooLarge {
                bytes: info.bytes,
                max_bytes,
            });
        }
        if self.min_width.is_none() && self.min_height.is_none() {
            return Ok(());
        }
        match info.dimensions() {
            Some((width, height)) => {
                let narrow = self.min_width.is_some_and(|min| width < min);
                let short = self.min_height.is_some_and(|min| height < min);
                if narrow || short {
                    return Err(ImageRuleViolation::TooFewPixels {
                        width,
                        height,
                        min_width: self.min_width,
                        min_height: self.min_height,
                    });
                }
                Ok(())
            }
            None if info.format == ImageFormat::Svg => Ok(()),
            None => Err(ImageRuleViolation::UnknownPixels {
                format: info.format,
                min_width: self.min_width,
                min_height: self.min_height,
            }),
        }
    }

    /// [`inspect`] then [`ImageRule::check`]. An image in a format this module does not read
    /// is reported as a format violation, naming the format when it is a known one.
    pub fn validate(&self, bytes: &[u8]) -> Result<ImageInfo, ImageRejection> {
        self.validated(inspect(bytes))
    }

    /// [`inspect_base64`] then [`ImageRule::check`], as [`ImageRule::validate`].
    pub fn validate_base64(&self, encoded: &str) -> Result<ImageInfo, ImageRejection> {
        self.validated(inspect_base64(encoded))
    }

    fn validated(
        &self,
        inspected: Result<ImageInfo, ImageError>,
    ) -> Result<ImageInfo, ImageRejection> {
        let info = inspected.map_err(|error| match error {
            ImageError::UnsupportedFormat { detected } => {
                ImageRejection::Violation(ImageRuleViolation::Format {
                    found: detected.unwrap_or("file in no format this client recognises"),
                    accepted: if self.formats.is_empty() {
                        ImageFormat::ALL.to_vec()
                    } else {
                        self.formats.clone()
                    },
                })
            }
            other => ImageRejection::Unreadable(other),
        })?;
        self.check(&info).map_err(ImageRejection::Violation)?;
        Ok(info)
    }
}

/// An image that breaks an [`ImageRule`]. The message gives the rule and the image's format,
/// size or shape, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageRuleViolation {
    /// The format is not accepted.
    Format {
        /// The format found, as people write it (`SVG`, `GIF`, ...).
        found: &'static str,
        /// The accepted formats.
        accepted: Vec<ImageFormat>,
    },
    /// Smaller than `x-min-bytes`.
    TooSmall {
        /// The image's size.
        bytes: usize,
        /// The minimum.
        min_bytes: usize,
    },
    /// Larger than `x-max-bytes`.
    TooLarge {
        /// The image's size.
        bytes: usize,
        /// The maximum.
        max_bytes: usize,
    },
    /// Narrower or shorter than `x-min-pixels`.
    TooFewPixels {
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
        /// The minimum width, if the rule sets one.
        min_width: Option<u32>,
        /// The minimum height, if the rule sets one.
        min_height: Option<u32>,
    },
    /// A raster image whose header does not give its full pixel size, under a minimum-pixels
    /// rule.
    UnknownPixels {
        /// The format.
        format: ImageFormat,
        /// The minimum width, if the rule sets one.
        min_width: Option<u32>,
        /// The minimum height, if the rule sets one.
        min_height: Option<u32>,
    },
}

impl fmt::Display for ImageRuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minimum = |w: &Option<u32>, h: &Option<u32>| {
            let side = |s: &Option<u32>| s.map_or_else(|| "any".to_string(), |n| n.to_string());
            format!("{}×{}", side(w), side(h))
        };
        match self {
            Self::Format { found, accepted } => {
                let accepted: Vec<&str> = accepted.iter().map(|f| f.as_str()).collect();
                write!(
                    f,
                    "is {}; accepted: {}",
                    with_article(found),
                    accepted.join(", ")
                )
            }
            Self::TooSmall { bytes, min_bytes } => write!(
                f,
                "is {}; the minimum is {}",
                Size(*bytes),
                Size(*min_bytes)
            ),
            Self::TooLarge { bytes, max_bytes } => write!(
                f,
                "is {}; the maximum is {}",
                Size(*bytes),
                Size(*max_bytes)
            ),
            Self::TooFewPixels {
                width,
                height,
                min_width,
                min_height,
            } => write!(
                f,
                "is {width}×{height} pixels; the minimum is {}",
                minimum(min_width, min_height)
            ),
            Self::UnknownPixels {
                format,
                min_width,
                min_height,
            } => write!(
                f,
                "is {} whose header does not give its pixel size; the minimum is {}",
                with_article(format.display_name()),
                minimum(min_width, min_height)
            ),
        }
    }
}

impl std::error::Error for ImageRuleViolation {}

/// Why [`ImageRule::validate`] refused an image: it could not be read, or it breaks the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRejection {
    /// The image could not be read (truncated, malformed, invalid base64, ...).
    Unreadable(ImageError),
    /// The image was read and breaks the rule.
    Violation(ImageRuleViolation),
}

impl fmt::Display for ImageRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(error) => error.fmt(f),
            Self::Violation(violation) => violation.fmt(f),
        }
    }
}

impl std::error::Error for ImageRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unreadable(error) => Some(error),
            Self::Violation(violation) => Some(violation),
        }
    }
}

impl From<ImageError> for ImageRejection {
    fn from(error: ImageError) -> Self {
        Self::Unreadable(error)
    }
}

impl From<ImageRuleViolation> for ImageRejection {
    fn from(violation: ImageRuleViolation) -> Self {
        Self::Violation(violation)
    }
}

/// "a GIF", "an SVG": the article goes by how the name is spoken (letters F, H, L, M, N, R, S
/// and X start with a vowel sound).
fn with_article(name: &str) -> String {
    let vowel_sound = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUFHLMNRSXaeiou".contains(c));
    format!("{} {name}", if vowel_sound { "an" } else { "a" })
}

/// A byte count as people read it: `512 bytes`, `51.2 KB (52,431 bytes)`,
/// `4 MB (4,194,304 bytes)`. KB and MB are 1024 and 1024² (as the specs read them); the
/// decimal is truncated, so a size just under a limit never prints as the limit.
struct Size(usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        let (unit, scale) = match bytes {
            0..1024 => return write!(f, "{bytes} bytes"),
            1024..1_048_576 => ("KB", 1024),
            _ => ("MB", 1_048_576),
        };
        // Tenths, truncated, in integers: no float rounding up to the limit.
        let tenths = bytes as u128 * 10 / scale;
        let (whole, tenth) = (tenths / 10, tenths % 10);
        if tenth == 0 {
            write!(f, "{whole} {unit} ({} bytes)", Thousands(bytes))
        } else {
            write!(f, "{whole}.{tenth} {unit} ({} bytes)", Thousands(bytes))
        }
    }
}

/// An integer with thousands separators: `52,431`.
struct Thousands(usize);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_specs_write_them() {
        assert_eq!(Size(512).to_string(), "512 bytes");
        assert_eq!(Size(52_431).to_string(), "51.2 KB (52,431 bytes)");
        assert_eq!(Size(102_400).to_string(), "100 KB (102,400 bytes)");
        assert_eq!(Size(102_399).to_string(), "99.9 KB (102,399 bytes)");
        assert_eq!(Size(4_194_304).to_string(), "4 MB (4,194,304 bytes)");
        assert_eq!(Thousands(0).to_string(), "0");
        assert_eq!(Thousands(1_000_000).to_string(), "1,000,000");
    }

    #[test]
    fn alphabet_check_matches_the_table() {
        for byte in 0..=255u8 {
            let in_table = DECODE[usize::from(byte)] != 0 || byte == b'A';
            assert_eq!(in_alphabet(byte), in_table, "byte {byte}");
        }
    }

    #[test]
    fn first_outside_alphabet_finds_the_exact_position() {
        let mut text = vec![b'A'; 300];
        assert_eq!(first_outside_alphabet(&text), None);
        for position in [0, 63, 64, 130, 255, 256, 299] {
            text[position] = b'\n';
            assert_eq!(first_outside_alphabet(&text), Some(position));
            text[position] = b'A';
        }
    }

    #[test]
    fn crc_is_the_png_one() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn articles() {
        assert_eq!(with_article("SVG"), "an SVG");
        assert_eq!(with_article("GIF"), "a GIF");
        assert_eq!(with_article("HEIC/HEIF"), "an HEIC/HEIF");
        assert_eq!(with_article("JPEG"), "a JPEG");
    }
}
