//! How sizes and formats are written in messages: `51.2 KB (52,431 bytes)`, `52,431`, `an SVG`.

use std::fmt;

/// "a GIF", "an SVG": the article goes by how the name is spoken (letters F, H, L, M, N, R, S
/// and X start with a vowel sound).
pub(super) fn with_article(name: &str) -> String {
    let vowel_sound = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUFHLMNRSXaeiou".contains(c));
    format!("{} {name}", if vowel_sound { "an" } else { "a" })
}

/// A byte count as people read it: `512 bytes`, `51.2 KB (52,431 bytes)`,
/// `4 MB (4,194,304 bytes)`. KB and MB are 1024 and 1024² (as the specs read them); the
/// decimal is truncated, so a size just under a limit never prints as the limit.
pub(super) struct Size(pub(super) usize);

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
pub(super) struct Thousands(pub(super) usize);

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
    fn articles() {
        assert_eq!(with_article("SVG"), "an SVG");
        assert_eq!(with_article("GIF"), "a GIF");
        assert_eq!(with_article("HEIC/HEIF"), "an HEIC/HEIF");
        assert_eq!(with_article("JPEG"), "a JPEG");
    }
}
