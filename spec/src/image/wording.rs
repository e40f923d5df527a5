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

/// A byte count as people read it: the exact count first, then, when it is a whole number
/// of KB or MB, that too: `51,231 bytes`, `102,400 bytes (100 KB)`, `4,000,000 bytes (4 MB)`.
/// The vendors write limits as "100KB" or "4MB" and the specs read a KB as 1,000 or 1,024
/// bytes, whichever refuses more, so a rounded size could look equal to a limit it breaks;
/// exact counts never do.
pub(super) struct Size(pub(super) usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        write!(f, "{} bytes", Thousands(bytes))?;
        let whole = [
            ("MB", 1_000_000),
            ("MB", 1_048_576),
            ("KB", 1_000),
            ("KB", 1_024),
        ]
        .into_iter()
        .find(|(_, scale)| bytes > 0 && bytes.is_multiple_of(*scale));
        match whole {
            Some((unit, scale)) => write!(f, " ({} {unit})", bytes / scale),
            None => Ok(()),
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
        assert_eq!(Size(52_431).to_string(), "52,431 bytes");
        assert_eq!(Size(102_400).to_string(), "102,400 bytes (100 KB)");
        assert_eq!(Size(102_399).to_string(), "102,399 bytes");
        assert_eq!(Size(4_194_304).to_string(), "4,194,304 bytes (4 MB)");
        assert_eq!(Size(4_000_000).to_string(), "4,000,000 bytes (4 MB)");
        assert_eq!(Size(500_000).to_string(), "500,000 bytes (500 KB)");
        assert_eq!(Size(0).to_string(), "0 bytes");
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
