//! Synthetic images of an exact byte size and pixel size, for tests, benchmarks and the tour:
//! the client and the sandbox read only headers, so a well-formed header followed by filler is
//! all it takes to exercise every size, format and dimension rule, without shipping photos.
//!
//! The writer shares [`ImageFormat`] and the PNG CRC-32 with the reader in [`super`], and every
//! sample reads back through [`inspect`](super::inspect) as what it was built to be.
//!
//! ```
//! use kyc_spec::image::{ImageFormat, inspect, sample::Image};
//!
//! // A 120 KB, 640×480 JPEG that asks the offline sandbox for `no_face_detected`.
//! let jpeg = Image::jpeg(640, 480).with_trigger("no_face_detected").bytes(120 * 1024);
//! assert_eq!(jpeg.len(), 120 * 1024);
//! let info = inspect(&jpeg)?;
//! assert_eq!((info.format, info.dimensions()), (ImageFormat::Jpeg, Some((640, 480))));
//! # Ok::<(), kyc_spec::image::ImageError>(())
//! ```

use super::base64;
use super::format::{ImageFormat, PNG_SIGNATURE};
use super::png::crc32;

/// The prefix of a sandbox trigger comment: an image whose comment reads
/// `kyc-sandbox:<outcome>` makes the offline sandbox answer that documented outcome (see
/// `sandbox/README.md`).
pub const TRIGGER_PREFIX: &str = "kyc-sandbox:";

/// A synthetic image: format, pixel size and an optional comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    format: ImageFormat,
    width: u16,
    height: u16,
    comment: Option<String>,
}

impl Image {
    /// A baseline JPEG of `width` × `height` pixels.
    pub fn jpeg(width: u16, height: u16) -> Self {
        Self::new(ImageFormat::Jpeg, width, height)
    }

    /// An RGB PNG of `width` × `height` pixels.
    pub fn png(width: u16, height: u16) -> Self {
        Self::new(ImageFormat::Png, width, height)
    }

    /// An SVG whose root element declares `width` × `height` pixels.
    pub fn svg(width: u16, height: u16) -> Self {
        Self::new(ImageFormat::Svg, width, height)
    }

    /// An image of `format`, `width` × `height` pixels.
    pub fn new(format: ImageFormat, width: u16, height: u16) -> Self {
        Self {
            format,
            width,
            height,
            comment: None,
        }
    }

    /// Adds `comment` to the image: a JPEG COM segment (cut at 65,533 bytes, the most a segment
    /// holds), a PNG `tEXt` chunk keyed `Comment`, an XML comment before the SVG root.
    pub fn with_comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_string());
        self
    }

    /// Adds the comment `kyc-sandbox:<outcome>` ([`TRIGGER_PREFIX`]), which makes the offline
    /// sandbox answer that documented outcome.
    pub fn with_trigger(self, outcome: &str) -> Self {
        self.with_comment(&format!("{TRIGGER_PREFIX}{outcome}"))
    }

    /// The format.
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// The file's bytes, exactly `size` long (or just the header, when `size` is smaller).
    pub fn bytes(&self, size: usize) -> Vec<u8> {
        match self.format {
            ImageFormat::Jpeg => self.jpeg_bytes(size),
            ImageFormat::Png => self.png_bytes(size),
            ImageFormat::Svg => self.svg_bytes(size),
        }
    }

    /// The file's bytes, `size` long, base64-encoded (standard alphabet, padded), as Kredibel
    /// takes them.
    pub fn base64(&self, size: usize) -> String {
        base64::encode(&self.bytes(size))
    }

    fn jpeg_bytes(&self, size: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&[0xFF, 0xD8]); // SOI
        out.extend_from_slice(&[
            0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
            0x00, 0x01, 0x00, 0x00,
        ]); // APP0 JFIF
        if let Some(comment) = &self.comment {
            let length = u16::try_from(comment.len() + 2).unwrap_or(u16::MAX);
            out.extend_from_slice(&[0xFF, 0xFE]);
            out.extend_from_slice(&length.to_be_bytes());
            out.extend_from_slice(&comment.as_bytes()[..usize::from(length) - 2]);
        }
        let [h1, h0] = self.height.to_be_bytes();
        let [w1, w0] = self.width.to_be_bytes();
        out.extend_from_slice(&[
            0xFF, 0xC0, 0x00, 0x11, 0x08, h1, h0, w1, w0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
            0x03, 0x11, 0x01,
        ]); // SOF0, 3 components
        out.extend_from_slice(&[
            0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00,
        ]); // SOS
        // Scan data never contains 0xFF unstuffed; the filler avoids it.
        fill(&mut out, size.saturating_sub(2), 0xFE);
        out.extend_from_slice(&[0xFF, 0xD9]); // EOI
        out
    }

    fn png_bytes(&self, size: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(PNG_SIGNATURE);
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&u32::from(self.width).to_be_bytes());
        ihdr.extend_from_slice(&u32::from(self.height).to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no interlace
        chunk(&mut out, b"IHDR", &ihdr);
        if let Some(comment) = &self.comment {
            chunk(&mut out, b"tEXt", format!("Comment\0{comment}").as_bytes());
        }
        // IDAT overhead (12) and IEND (12) follow the filler.
        let data_len = size.saturating_sub(out.len() + 24);
        let mut data = Vec::with_capacity(data_len);
        fill(&mut data, data_len, 0xFF);
        chunk(&mut out, b"IDAT", &data);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn svg_bytes(&self, size: usize) -> Vec<u8> {
        let comment = self
            .comment
            .as_ref()
            .map(|c| format!("<!-- {c} -->"))
            .unwrap_or_default();
        let head = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{comment}<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\"><desc>",
            self.width, self.height
        );
        let tail = "</desc></svg>";
        let mut out = head.into_bytes();
        let filler = size.saturating_sub(out.len() + tail.len());
        out.extend((0..filler).map(|i| b"abcdefghijklmnopqrstuvwxyz"[i % 26]));
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

/// Appends deterministic noise below `ceiling` until `out` is `len` long.
fn fill(out: &mut Vec<u8>, len: usize, ceiling: u8) {
    let mut state: u32 = 0x9E37_79B9;
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        // Below `ceiling`, so it fits a byte.
        out.push((state % u32::from(ceiling)) as u8);
    }
}

/// Appends a PNG chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{inspect, inspect_base64};

    #[test]
    fn sizes_are_exact() {
        for size in [1_000, 102_400, 512_000] {
            assert_eq!(Image::jpeg(500, 500).bytes(size).len(), size);
            assert_eq!(
                Image::png(500, 500).with_trigger("x").bytes(size).len(),
                size
            );
            assert_eq!(Image::svg(500, 500).bytes(size).len(), size);
        }
    }

    #[test]
    fn every_sample_reads_back_as_built() {
        for format in ImageFormat::ALL {
            for comment in [None, Some("kyc-sandbox:no_face_detected")] {
                let mut sample = Image::new(format, 640, 480);
                if let Some(comment) = comment {
                    sample = sample.with_comment(comment);
                }
                let info = inspect(&sample.bytes(20_000)).unwrap();
                assert_eq!(info.format, format);
                assert_eq!(info.dimensions(), Some((640, 480)));
                assert_eq!(info.bytes, 20_000);
                assert_eq!(inspect_base64(&sample.base64(20_000)), Ok(info));
            }
        }
    }

    #[test]
    fn comments_are_where_readers_look() {
        let needle = b"kyc-sandbox:request_error";
        let contains = |bytes: &[u8], part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        let jpeg = Image::jpeg(10, 10).with_trigger("request_error").bytes(0);
        assert!(contains(
            &jpeg,
            b"\xFF\xFE\x00\x1Bkyc-sandbox:request_error"
        ));
        let png = Image::png(10, 10).with_trigger("request_error").bytes(0);
        assert!(contains(&png, b"tEXtComment\0kyc-sandbox:request_error"));
        let svg = Image::svg(10, 10).with_trigger("request_error").bytes(0);
        assert!(contains(&svg, b"<!-- kyc-sandbox:request_error -->"));
        assert!(!contains(&Image::png(10, 10).bytes(0), needle));
    }

    #[test]
    fn an_overlong_jpeg_comment_is_cut_to_one_segment() {
        let comment = "x".repeat(70_000);
        let jpeg = Image::jpeg(10, 10).with_comment(&comment).bytes(0);
        assert_eq!(&jpeg[20..24], &[0xFF, 0xFE, 0xFF, 0xFF]);
        assert_eq!(inspect(&jpeg).unwrap().dimensions(), Some((10, 10)));
    }
}
