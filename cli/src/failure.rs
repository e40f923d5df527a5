//! Why a command failed, as the one line `kyc` prints on stderr and its exit code.
//!
//! No message carries a value the user or the vendor gave: fields are named, rules stated,
//! values never (they may be a NIK, a name, a face, a key or a token). Messages that come from
//! serde, which quotes values, go through [`without_values`] first.

use std::fmt;
use std::process::ExitCode;

use kyc_clients::VendorError;

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The command line or the configuration is not usable; nothing was sent.
    Usage(String),
    /// A field breaks the spec; nothing was sent.
    Refused { field: Option<String>, rule: String },
    /// The vendor answered with an error.
    Vendor {
        code: String,
        status: Option<u16>,
        error_id: Option<String>,
        fields: Vec<String>,
        charged: bool,
    },
    /// An answer with a status the spec does not declare for the operation.
    UnexpectedStatus(u16),
    /// No usable answer: connection, TLS, timeout, a body cut off.
    Transport(String),
    /// An answer that does not match the spec.
    Decode { status: Option<u16>, detail: String },
}

impl Failure {
    /// Exit code 1: the vendor answered an error; 2: nothing was sent; 3: no usable answer.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Vendor { .. } => 1,
            Failure::UnexpectedStatus(status) if *status >= 400 => 1,
            Failure::Usage(_) | Failure::Refused { .. } => 2,
            Failure::UnexpectedStatus(_) | Failure::Transport(_) | Failure::Decode { .. } => 3,
        })
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    pub(crate) fn refused(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Failure::Refused {
            field: Some(field.into()),
            rule: rule.into(),
        }
    }

    /// A subcommand the dispatch does not know: `build.rs` generates an arm for every
    /// operation, so this means the embedded spec and the dispatch disagree.
    pub(crate) fn unknown_command(vendor: &str, operation: &str) -> Self {
        Failure::Usage(format!("no dispatch for {vendor} `{operation}`"))
    }

    /// The library's error, typed.
    pub(crate) fn from_vendor<K: kyc_clients::ErrorKind>(err: VendorError<K>) -> Self {
        let charged = err.is_charged();
        match err {
            VendorError::Api(api) => Failure::Vendor {
                code: api.kind.code(),
                status: api.status,
                error_id: api.error_id,
                fields: api.fields,
                charged,
            },
            // The library's validator names the field and the rule, never the value.
            VendorError::Invalid { field, reason } => Failure::Refused {
                field,
                rule: reason,
            },
            // The library's decode errors name the path and what was expected, never a value.
            VendorError::Decode(decode) => Failure::Decode {
                status: Some(decode.status()),
                detail: match decode.path() {
                    "" => decode.problem().to_string(),
                    path => format!("{path}: {}", decode.problem()),
                },
            },
            VendorError::UnexpectedStatus(status) => Failure::UnexpectedStatus(status),
            // The library writes transport errors as "<vendor>: what failed", without a URL.
            other => {
                let text = other.to_string();
                let prefix = format!("{}: ", K::VENDOR);
                Failure::Transport(text.strip_prefix(&prefix).unwrap_or(&text).to_string())
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => f.write_str(message),
            Failure::Refused {
                field: Some(field),
                rule,
            } => write!(f, "refused before sending (nothing sent): {field}: {rule}"),
            Failure::Refused { field: None, rule } => {
                write!(f, "refused before sending (nothing sent): {rule}")
            }
            Failure::Vendor {
                code,
                status,
                error_id,
                fields,
                charged,
            } => {
                write!(f, "vendor error {code}")?;
                let mut details = Vec::new();
                if let Some(status) = status {
                    details.push(format!("HTTP {status}"));
                }
                if let Some(id) = error_id {
                    details.push(format!("error id {id}"));
                }
                if !fields.is_empty() {
                    details.push(format!("fields: {}", fields.join(", ")));
                }
                if !details.is_empty() {
                    write!(f, " ({})", details.join("; "))?;
                }
                f.write_str(if *charged {
                    ", may be charged"
                } else {
                    ", not charged"
                })
            }
            Failure::UnexpectedStatus(status) => write!(
                f,
                "HTTP {status}, a status the spec does not declare for this operation"
            ),
            Failure::Transport(message) => write!(f, "transport failure: {message}"),
            Failure::Decode {
                status: Some(status),
                detail,
            } => write!(
                f,
                "the HTTP {status} answer does not match the spec: {detail}"
            ),
            Failure::Decode {
                status: None,
                detail,
            } => write!(f, "the answer does not match the spec: {detail}"),
        }
    }
}

/// A serde message without the values it quotes, and without its line and column (which
/// mean nothing to the user of a JSON value built from flags).
///
/// serde writes a value into `invalid type` and `invalid value` (`string "Asep"`) and
/// `unknown variant` (`` `Asep` ``); the kinds of value and what was expected stay.
pub(crate) fn without_values(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    };
    // serde's `Unexpected`: the kind of value, then the value in quotes or backticks.
    let split = |rest: &str| {
        let (unexpected, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "?"));
        let kind = unexpected
            .split(['`', '"'])
            .next()
            .unwrap_or_default()
            .trim();
        (kind.to_string(), expected.to_string())
    };
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (kind, expected) = split(rest);
        return format!("wrong type ({kind}), expected {expected}");
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (kind, expected) = split(rest);
        return format!("invalid {kind}, expected {expected}");
    }
    if message.starts_with("unknown variant ") {
        let expected = message.split_once(", expected ").map_or("", |(_, e)| e);
        return format!("not an accepted value, expected {expected}");
    }
    message.to_string()
}

/// The one line for a clap error, without the values it quotes (an unexpected argument may be
/// a NIK typed in the wrong place), and with clap's suggestion for a mistyped subcommand or
/// flag. A word clap finds close to a name the command line defines is a typo of that name,
/// not personal data: it is shown, with the name it is close to.
pub(crate) fn clap_line(err: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let rendered = err.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let suggestions: Vec<String> = [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg]
        .into_iter()
        .filter_map(|kind| match err.get(kind) {
            Some(ContextValue::String(name)) => Some(vec![name.clone()]),
            Some(ContextValue::Strings(names)) => Some(names.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut line = if suggestions.is_empty() {
        mask_quoted(first)
    } else {
        first.to_string()
    };
    // clap lists the missing flags on the lines below; they are names, never values.
    if err.kind() == clap::error::ErrorKind::MissingRequiredArgument
        && let Some(ContextValue::Strings(flags)) = err.get(ContextKind::InvalidArg)
    {
        line = format!("{line} {}", flags.join(", "));
    }
    if !suggestions.is_empty() {
        // clap lists the closest last.
        let quoted: Vec<String> = suggestions.iter().rev().map(|s| format!("'{s}'")).collect();
        line.push_str(&format!("; did you mean {}?", quoted.join(" or ")));
    }
    if let Some(ContextValue::Strings(values)) = err.get(ContextKind::ValidValue) {
        line.push_str(&format!("; possible values: {}", values.join(", ")));
    }
    line.push_str(" (see --help)");
    line
}

/// Replaces each `'…'`-quoted part that is not a flag (`'--url <URL>'`) with `'…'`.
fn mask_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('\'');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        out.push('\'');
        if inside && !part.starts_with('-') {
            out.push('…');
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_lose_their_values() {
        assert_eq!(
            without_values(
                "invalid type: string \"Asep Supriyadi\", expected u8 at line 1 column 20"
            ),
            "wrong type (string), expected u8"
        );
        assert_eq!(
            without_values("invalid value: integer `1234567890123456`, expected i32"),
            "invalid integer, expected i32"
        );
        assert_eq!(
            without_values("unknown variant `Asep`, expected one of `PEP`, `SANCTION`, `OTHER`"),
            "not an accepted value, expected one of `PEP`, `SANCTION`, `OTHER`"
        );
        // Messages that carry no value stay as they are.
        assert_eq!(
            without_values("a NIK is exactly 16 digits; this one has 5 characters"),
            "a NIK is exactly 16 digits; this one has 5 characters"
        );
    }

    #[test]
    fn quoted_values_are_masked_but_flags_stay() {
        assert_eq!(
            mask_quoted("unexpected argument '3275031210930027' found"),
            "unexpected argument '…' found"
        );
        assert_eq!(
            mask_quoted("invalid value 'FOO' for '--x-magic-reply <VALUE>'"),
            "invalid value '…' for '--x-magic-reply <VALUE>'"
        );
    }

    /// `kyc` with `args`, as clap reads it: the usage error.
    fn usage_error(args: &[&str]) -> String {
        let args = std::iter::once("kyc").chain(args.iter().copied());
        let err = crate::command::build(crate::fields::specs())
            .try_get_matches_from(args)
            .expect_err("a usage error");
        clap_line(&err)
    }

    #[test]
    fn typos_of_names_get_the_name_they_are_close_to() {
        assert_eq!(
            usage_error(&["iluma", "screen-individal"]),
            "unrecognized subcommand 'screen-individal'; did you mean 'screen-individual' or \
             'screen-entity'? (see --help)"
        );
        assert_eq!(
            usage_error(&["kredibel", "verify-biometric", "--face-imag", "selfie.jpg"]),
            "unexpected argument '--face-imag' found; did you mean '--face-image'? (see --help)"
        );
        // A value where a name was expected resembles no name: it stays masked.
        assert_eq!(
            usage_error(&["iluma", "3275031210930027"]),
            "unrecognized subcommand '…' (see --help)"
        );
    }

    #[test]
    fn a_missing_required_flag_is_named() {
        assert_eq!(
            usage_error(&["iluma", "get-individual-screening"]),
            "the following required arguments were not provided: --id <VALUE> (see --help)"
        );
    }

    #[test]
    fn exit_codes_follow_who_failed() {
        let vendor = Failure::Vendor {
            code: "DATA_NOT_FOUND".into(),
            status: Some(404),
            error_id: None,
            fields: vec![],
            charged: false,
        };
        assert_eq!(vendor.exit_code(), ExitCode::from(1));
        assert_eq!(Failure::usage("x").exit_code(), ExitCode::from(2));
        assert_eq!(Failure::refused("f", "r").exit_code(), ExitCode::from(2));
        assert_eq!(
            Failure::Transport("t".into()).exit_code(),
            ExitCode::from(3)
        );
        assert_eq!(
            Failure::UnexpectedStatus(502).exit_code(),
            ExitCode::from(1)
        );
        assert_eq!(
            Failure::UnexpectedStatus(302).exit_code(),
            ExitCode::from(3)
        );
        assert_eq!(
            vendor.to_string(),
            "vendor error DATA_NOT_FOUND (HTTP 404), not charged"
        );
    }
}
