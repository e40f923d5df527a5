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
//! - [`sample`] writes the other way round: synthetic JPEG, PNG and SVG files of an exact byte
//!   and pixel size, for tests, benchmarks and the tour.
//!
//! **SVG and minimum pixel sizes.** An SVG has no raster size: it is drawn at whatever size the
//! reader chooses. When its root element declares a size (`width`/`height` in pixels or user
//! units, or a `viewBox`), a minimum-pixels rule applies to that size, since that is the size
//! the vendor's renderer will use by default. When it declares none, the rule cannot be checked
//! and the image breaks it ([`ImageRuleViolation::SvgWithoutSize`]): the vendors do not say
//! what they do with such a file, so the client is strict about what it sends, and the offline
//! sandbox refuses it the same way.
//!
//! Error messages and rule violations describe the image by its format, size and shape only;
//! they never contain its content. They are predicates written to follow a field name, as a
//! request validator prints them: `faceImage: is 52,431 bytes; the minimum is 102,400 bytes
//! (100 KB)`.
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
//!     "is 33 bytes; the minimum is 102,400 bytes (100 KB)"
//! );
//! # Ok::<(), kyc_spec::image::ImageError>(())
//! ```

mod base64;
mod error;
mod format;
mod jpeg;
mod png;
mod rule;
pub mod sample;
mod svg;
mod wording;

use std::borrow::Cow;

pub use self::base64::Base64Problem;
pub use self::base64::encode as encode_base64;
pub use self::error::ImageError;
pub use self::format::{ImageFormat, UnknownImageFormat};
pub use self::rule::{ImageRejection, ImageRule, ImageRuleViolation};

use self::base64::Base64Source;
use self::format::{HEAD_LEN, JPEG_START, PNG_SIGNATURE, UTF8_BOM, other_format};
use self::jpeg::jpeg_dimensions;
use self::png::png_dimensions;
use self::svg::svg_dimensions;

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
