//! The JPEG header reader: markers are walked from SOI to the first frame header (SOF0..SOF15,
//! except DHT, JPG and DAC), every segment on the way (EXIF, ICC profiles, comments) skipped by
//! its length, so the cost does not grow with the image or its metadata.

use super::format::ImageFormat;
use super::{Dimensions, ImageError, Source};

/// Walks JPEG segments from SOI to the first frame header and reads its size.
pub(super) fn jpeg_dimensions<S: Source + ?Sized>(source: &S) -> Result<Dimensions, ImageError> {
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
