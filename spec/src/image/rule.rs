//! [`ImageRule`]: what the specs' vendor extensions (`x-image-formats`, `x-min-bytes`,
//! `x-max-bytes`, `x-min-pixels`) say about an image field, and the check of an [`ImageInfo`]
//! against it, with the violation worded for a request validator to print after a field name.

use std::fmt;

use serde_json::Value;

use super::format::ImageFormat;
use super::wording::{Size, with_article};
use super::{ImageError, ImageInfo, inspect, inspect_base64};

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
    /// A minimum-pixels rule needs the image's size: a JPEG without one (its height left to a
    /// DNL marker) breaks it, and so does an SVG that declares none (see the
    /// [module docs](super)).
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
            None if info.format == ImageFormat::Svg => Err(ImageRuleViolation::SvgWithoutSize {
                min_width: self.min_width,
                min_height: self.min_height,
            }),
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
    /// An SVG whose root element declares no pixel size (no `width` and `height` in pixels or
    /// user units, no `viewBox`), under a minimum-pixels rule: it is drawn at whatever size the
    /// reader picks, so the rule cannot be checked.
    SvgWithoutSize {
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
            Self::SvgWithoutSize {
                min_width,
                min_height,
            } => write!(
                f,
                "is an SVG that declares no pixel size (no `width` and `height` in pixels, no \
                 `viewBox`), so its size cannot be checked; the minimum is {}",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_without_a_size_breaks_a_minimum_pixels_rule() {
        let info = ImageInfo {
            format: ImageFormat::Svg,
            width: None,
            height: None,
            bytes: 2_000,
        };
        let rule = ImageRule {
            min_width: Some(480),
            min_height: Some(640),
            ..ImageRule::default()
        };
        let violation = rule.check(&info).unwrap_err();
        assert_eq!(
            violation,
            ImageRuleViolation::SvgWithoutSize {
                min_width: Some(480),
                min_height: Some(640),
            }
        );
        assert_eq!(
            violation.to_string(),
            "is an SVG that declares no pixel size (no `width` and `height` in pixels, no \
             `viewBox`), so its size cannot be checked; the minimum is 480×640"
        );
        // Without a minimum-pixels rule there is nothing to check the size against.
        assert_eq!(ImageRule::default().check(&info), Ok(()));
    }
}
