//! Patterns from values: the shape of a value seen (`KRD-000123` is `[A-Z]{3}-[0-9]{6}`) and
//! the pattern a documented `format` stands for, so a relaxed pattern accepts both.

/// An ECMA-262 pattern body matching `value`'s shape: each run of letters and digits as its
/// character classes and length, every other character literally. `generalise` (for an
/// `x-pii` value, whose lengths may say something of the person) drops the lengths.
pub(crate) fn shape_pattern(value: &str, generalise: bool) -> String {
    let mut out = String::new();
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let run = &chars[start..i];
            let digits = run.iter().any(char::is_ascii_digit);
            let lower = run.iter().any(char::is_ascii_lowercase);
            let upper = run.iter().any(char::is_ascii_uppercase);
            let class = match (digits, lower, upper) {
                (true, false, false) => "[0-9]",
                (false, true, false) => "[a-z]",
                (false, false, true) => "[A-Z]",
                (true, true, false) => "[0-9a-z]",
                (true, false, true) => "[0-9A-Z]",
                (false, true, true) => "[A-Za-z]",
                _ => "[0-9A-Za-z]",
            };
            out.push_str(class);
            if generalise {
                out.push('+');
            } else if run.len() > 1 {
                out.push_str(&format!("{{{}}}", run.len()));
            }
        } else {
            let c = chars[i];
            if "\\^$.|?*+()[]{}/".contains(c) {
                out.push('\\');
            }
            if c.is_ascii() && !c.is_ascii_control() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            i += 1;
        }
    }
    out
}

/// The pattern a `format` the validator checks stands for (`uuid`, `date`, `date-time`,
/// `email`).
pub(crate) fn format_pattern(format: &str) -> Option<&'static str> {
    Some(match format {
        "uuid" => "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        "date" => "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "date-time" => {
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+\\-][0-9]{2}:[0-9]{2})"
        }
        "email" => "[^@\\s]+@[^@\\s]+",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_classes_and_lengths() {
        assert_eq!(shape_pattern("KRD-000123", false), "[A-Z]{3}-[0-9]{6}");
        assert_eq!(
            shape_pattern("ref_cert#a1", false),
            "[a-z]{3}_[a-z]{4}#[0-9a-z]{2}"
        );
        assert_eq!(
            shape_pattern("327503******0027", true),
            "[0-9]+\\*\\*\\*\\*\\*\\*[0-9]+"
        );
        assert_eq!(format_pattern("date"), Some("[0-9]{4}-[0-9]{2}-[0-9]{2}"));
        assert_eq!(format_pattern("byte"), None);
    }
}
