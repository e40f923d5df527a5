//! The PNG header reader: the signature and the IHDR chunk, which must come first, CRC
//! included. The one CRC-32 of the workspace lives here, for the reader and the sample writer.

use super::format::{ImageFormat, PNG_SIGNATURE};
use super::{Dimensions, ImageError, Source};

/// Checks the PNG signature and reads the IHDR chunk, which must come first.
pub(super) fn png_dimensions<S: Source + ?Sized>(source: &S) -> Result<Dimensions, ImageError> {
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

/// CRC-32 (IEEE 802.3), as PNG chunks carry it. Bitwise, with no table: the reader only ever
/// checks the 17 bytes of IHDR, and the [sample](super::sample) writer is for tests.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
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
    fn crc_is_the_png_one() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}
