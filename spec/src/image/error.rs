//! [`ImageError`]: an image that cannot be read at all. Its message names the format, the size
//! and the place of the problem, never the content.

use std::fmt;

use super::base64::Base64Problem;
use super::format::ImageFormat;
use super::wording::{Size, Thousands, with_article};

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
