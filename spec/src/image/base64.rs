//! Base64 text read as the image it encodes, without decoding it whole: the text is checked to
//! be valid standard base64 (RFC 4648 alphabet, padded, one line) in one pass that allocates
//! nothing, and only the bytes a header reader asks for are decoded, 4-character group by group.

use std::fmt;

use super::{ImageError, Source};

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

/// Base64 text, checked valid, read as the bytes it decodes to.
pub(super) struct Base64Source<'a> {
    text: &'a [u8],
    pub(super) decoded_len: usize,
}

impl<'a> Base64Source<'a> {
    /// Checks `encoded` is valid standard base64 in one pass and computes its decoded size.
    pub(super) fn new(encoded: &'a str) -> Result<Self, ImageError> {
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
    pub(super) fn assume_valid(encoded: &'a str) -> Result<Self, ImageError> {
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
    let mut table = [0; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The standard (RFC 4648) alphabet, by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` as standard base64 (padded, one line): what the image reader accepts. The
/// sample writer, the example builder and the proxy's recordings encode with it; the client uses
/// the `base64` crate.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let [a, b, c] = [0, 1, 2].map(|i| u32::from(group.get(i).copied().unwrap_or(0)));
        let bits = (a << 16) | (b << 8) | c;
        // A group of n bytes gives n + 1 characters; `=` pads the rest.
        for i in 0..4 {
            out.push(if i <= group.len() {
                char::from(ALPHABET[((bits >> (18 - 6 * i)) & 0x3F) as usize])
            } else {
                '='
            });
        }
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn encoding_is_the_rfc_4648_one_and_reads_back() {
        // The test vectors of RFC 4648, section 10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
        }
        let bytes: Vec<u8> = (0..=255).collect();
        for len in [1, 2, 3, 64, 255, 256] {
            let text = encode(&bytes[..len]);
            let source = Base64Source::new(&text).unwrap();
            assert_eq!(source.decoded_len, len);
            let mut decoded = vec![0; len];
            assert!(source.read(0, &mut decoded));
            assert_eq!(decoded, bytes[..len]);
        }
    }
}
