//! [`DecodeError`]: an answer whose body does not match the spec, described by the vendor,
//! operation, status, JSON path and what was expected — never by a value from the body.
//!
//! serde's messages quote the value they choked on (`invalid type: string "Eko Hadi Salim",
//! expected u8`); [`without_values`] keeps the kind of value and what was expected and drops
//! the rest. The body itself stays in the error for a caller who asks for it
//! ([`DecodeError::raw_body`]): the only copy of Get API Key's keys may be in it.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::call::CallContext;

/// An answer whose body does not decode into the type the spec gives it.
///
/// `Display` and `Debug` show the vendor, operation, HTTP status, the JSON path
/// (`results[0].score`, empty for the whole body) and what was expected, and whether the call
/// may have been billed; never a value, the body or a header.
#[derive(Clone)]
pub struct DecodeError {
    call: Option<CallContext>,
    status: StatusCode,
    path: String,
    problem: String,
    body: Bytes,
}

impl DecodeError {
    /// Describes why `body` does not decode as `T`, decoding it again with the path tracked.
    pub(crate) fn new<T: DeserializeOwned>(
        call: Option<CallContext>,
        status: StatusCode,
        body: Bytes,
    ) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(&body);
        let (path, problem) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(err) if err.inner().is_syntax() || err.inner().is_eof() => {
                (String::new(), "is not valid JSON".to_string())
            }
            Err(err) => (
                json_path(err.path()),
                without_values(&err.inner().to_string()),
            ),
            // The first decode failed, so this one does too; kept total rather than panicking.
            Ok(_) => (String::new(), "does not match the spec".to_string()),
        };
        Self {
            call,
            status,
            path,
            problem,
            body,
        }
    }

    /// The vendor (`kredibel`, `iluma`), when the answer came through a vendor client.
    pub fn vendor(&self) -> Option<&'static str> {
        self.call.map(|call| call.vendor.name())
    }

    /// The operation id, when the answer came through a vendor client.
    pub fn operation(&self) -> Option<&'static str> {
        self.call.map(|call| call.operation)
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// Where decoding stopped, as a path into the body (`results[0].score`); empty for the body
    /// as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was expected there and what kind of value was found, without the value.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// Whether the vendor may have billed the call: unless the spec marks the operation free
    /// (`x-charged: false` on it: a health check, a token) or answers with this status as never
    /// billed (`x-charged: false` on the 429 and 5XX responses), a paid check may have run even
    /// though its answer could not be read.
    pub fn may_be_charged(&self) -> bool {
        self.call.is_none_or(|call| {
            let free = call.vendor.spec().operation_charged(call.operation) == Some(false);
            !free && !call.vendor.never_charged(self.status.as_u16())
        })
    }

    /// The body as the vendor sent it. It may hold personal data, keys or tokens: this is the
    /// one way to reach it, for a caller who must (say, to recover Get API Key's keys, whose
    /// token is single use); never log it.
    pub fn raw_body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(call) = self.call {
            write!(f, "{} {}: ", call.vendor.name(), call.operation)?;
        }
        write!(
            f,
            "the HTTP {} answer does not match the spec",
            self.status.as_u16()
        )?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.problem)?;
        if self.may_be_charged() {
            f.write_str("; the call may have been billed")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("vendor", &self.vendor())
            .field("operation", &self.operation())
            .field("status", &self.status.as_u16())
            .field("path", &self.path)
            .field("problem", &self.problem)
            .field("may_be_charged", &self.may_be_charged())
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

impl std::error::Error for DecodeError {}

/// serde_path_to_error's path in the validator's notation: `results[0].score`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// A serde message without the value it quotes and without its line and column: the kind of
/// value found and what was expected stay.
///
/// serde writes the value after the kind (`string "…"`, `` integer `5` ``) and before
/// `, expected …`, so the text before the first quote is the kind and the text after the last
/// `, expected ` is the expectation, whatever the value contains. A message of another shape
/// (a type's own `custom` error) loses every quoted part and every run of 8 or more digits.
pub(crate) fn without_values(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    };
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected);
    let kind = |rest: &str| {
        rest.split(['`', '"'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    for (prefix, found) in [
        ("invalid type: ", "found"),
        ("invalid value: ", "found an invalid"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let kind = kind(rest);
            return match expected {
                Some(expected) => format!("expected {expected}, {found} {kind}"),
                None => format!("{found} {kind}"),
            };
        }
    }
    if message.starts_with("unknown variant ") {
        return match expected {
            Some(expected) => format!("a value that is not listed; expected {expected}"),
            None => "a value that is not listed".to_string(),
        };
    }
    // Field names come from the type, not from the body's values.
    for prefix in ["missing field `", "duplicate field `", "unknown field `"] {
        if message.starts_with(prefix) {
            return message.to_string();
        }
    }
    if message.starts_with("invalid length ") {
        return message.to_string();
    }
    crate::error::mask_digit_runs(&mask_quoted(message))
}

/// Each `"…"` or `` `…` `` part replaced with `…` (not `'`: it is an apostrophe in
/// `doesn't match pattern`).
fn mask_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            None if matches!(c, '"' | '`') => {
                quote = Some(c);
                out.push(c);
                out.push('…');
            }
            None => out.push(c),
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(open) if c == open => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_keep_the_kind_and_the_expectation_only() {
        assert_eq!(
            without_values(
                "invalid type: string \"Eko Hadi Salim\", expected u8 at line 1 column 20"
            ),
            "expected u8, found string"
        );
        assert_eq!(
            without_values("invalid value: integer `1234567890123456`, expected i32"),
            "expected i32, found an invalid integer"
        );
        assert_eq!(
            without_values("unknown variant `Eko`, expected one of `PEP`, `SANCTION`"),
            "a value that is not listed; expected one of `PEP`, `SANCTION`"
        );
        assert_eq!(
            without_values("missing field `status` at line 1 column 2"),
            "missing field `status`"
        );
    }

    #[test]
    fn a_value_that_looks_like_the_message_cannot_leak() {
        let message = "invalid type: string \"Eko, expected Salim\", expected u8";
        assert_eq!(without_values(message), "expected u8, found string");
        let message = "unknown variant `Eko, expected Salim`, expected `A`";
        assert!(!without_values(message).contains("Eko"));
    }

    #[test]
    fn other_messages_lose_quoted_parts_and_long_digit_runs() {
        assert_eq!(
            without_values("invalid character: found `x` at 1"),
            "invalid character: found `…` at 1"
        );
        assert_eq!(
            without_values("NIK 3275031210930027 and \"Eko \\\" Hadi\" refused"),
            "NIK **************** and \"…\" refused"
        );
        assert_eq!(
            without_values("a NIK is exactly 16 digits; this one has 5 characters"),
            "a NIK is exactly 16 digits; this one has 5 characters"
        );
    }
}
