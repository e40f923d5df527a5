//! Synthetic images of an exact byte size and pixel size, for tests, the tour and the
//! benchmark: the sandbox reads only headers, so a well-formed header followed by filler is
//! all it takes to exercise every size, format and dimension rule, without shipping photos.
//!
//! ```
//! use kyc_sandbox::samples::Image;
//!
//! // A 120 KB, 640×480 JPEG that asks the sandbox for `no_face_detected`.
//! let jpeg = Image::jpeg(640, 480).with_trigger("no_face_detected").bytes(120 * 1024);
//! assert_eq!(jpeg.len(), 120 * 1024);
//! ```

use base64::Engine as _;
use kyc_spec::image::ImageFormat;

use crate::images::TRIGGER_PREFIX;

/// The 8-byte PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A synthetic image: format, pixel size and an optional trigger comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    format: ImageFormat,
    width: u16,
    height: u16,
    trigger: Option<String>,
}

impl Image {
    /// A baseline JPEG of `width` × `height` pixels.
    pub fn jpeg(width: u16, height: u16) -> Self {
        Self {
            format: ImageFormat::Jpeg,
            width,
            height,
            trigger: None,
        }
    }

    /// An RGB PNG of `width` × `height` pixels.
    pub fn png(width: u16, height: u16) -> Self {
        Self {
            format: ImageFormat::Png,
            width,
            height,
            trigger: None,
        }
    }

    /// An SVG of `width` × `height` pixels.
    pub fn svg(width: u16, height: u16) -> Self {
        Self {
            format: ImageFormat::Svg,
            width,
            height,
            trigger: None,
        }
    }

    /// Adds the comment `kyc-sandbox:<outcome>` (JPEG COM segment, PNG tEXt chunk, SVG
    /// comment), which makes the sandbox answer that documented outcome.
    pub fn with_trigger(mut self, outcome: &str) -> Self {
        self.trigger = Some(outcome.to_string());
        self
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
        base64::engine::general_purpose::STANDARD.encode(self.bytes(size))
    }

    fn comment(&self) -> Option<String> {
        self.trigger
            .as_ref()
            .map(|outcome| format!("{TRIGGER_PREFIX}{outcome}"))
    }

    fn jpeg_bytes(&self, size: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&[0xFF, 0xD8]); // SOI
        out.extend_from_slice(&[
            0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
            0x00, 0x01, 0x00, 0x00,
        ]); // APP0 JFIF
        if let Some(comment) = self.comment() {
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
        if let Some(comment) = self.comment() {
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
            .comment()
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
        out.push((state % u32::from(ceiling)) as u8);
    }
}

/// Appends a PNG chunk: length, type, data, CRC-32 of type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(kind.iter().chain(data)).to_be_bytes());
}

/// CRC-32 (IEEE), as PNG chunks use.
fn crc32<'a>(bytes: impl Iterator<Item = &'a u8>) -> u32 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn png_crc_is_the_standard_one() {
        // The CRC of an empty IEND chunk is a well-known constant.
        assert_eq!(crc32(b"IEND".iter()), 0xAE42_6082);
    }
}
