//! The SVG header reader: the BOM and XML prolog are skipped, and the root `<svg>` element's
//! `width` and `height` are read when they are plain numbers or `px`, otherwise its `viewBox`'s
//! width and height, otherwise the SVG has no pixel size (see the [module docs](super) for what
//! a minimum-pixels rule makes of that).

use super::format::{ImageFormat, UTF8_BOM};
use super::{Dimensions, ImageError, Source};

/// How much of an SVG is read to find the root element's start tag: a small window first,
/// then a larger one for long prologs (doctype, comments) or long start tags.
const SVG_WINDOWS: [usize; 2] = [4 * 1024, 64 * 1024];

/// `Some(size)` for an SVG, `None` for text that is not one.
pub(super) fn svg_dimensions<S: Source + ?Sized>(
    source: &S,
) -> Result<Option<Dimensions>, ImageError> {
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
