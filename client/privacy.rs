//! Personal data and secrets, kept out of logs, `Debug` output, error messages and snapshots.
//!
//! The specs mark every field that holds personal data or a secret with `x-pii: <kind>`;
//! `kyc-codegen` turns those marks into each vendor's `catalog::pii_paths`, and [`redact`]
//! masks a JSON value along them. Nothing here lists field names by hand, so a field added to a
//! spec with its `x-pii` mark is masked everywhere at once.

use serde_json::Value;

/// A kind of personal data or secret (`x-pii` in the specs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pii {
    /// A 16-digit NIK: the first and last four digits stay (`1234********3456`), enough to
    /// tell records apart in a log, too few to identify anyone.
    Nik,
    /// A person's name: only its length stays.
    Name,
    /// A birth date: nothing stays.
    BirthDate,
    /// An email address: the domain stays.
    Email,
    /// A phone number: the first two (country code) and last two digits stay.
    Phone,
    /// An address or place: nothing stays.
    Address,
    /// An image (base64 or bytes): only its size stays.
    Image,
    /// A credential (API key, callback token): nothing stays.
    Secret,
}

impl Pii {
    /// The masked form of one value of this kind.
    pub fn mask(self, value: &str) -> String {
        let chars = value.chars().count();
        match self {
            Pii::Nik if chars == 16 && value.is_ascii() => {
                format!("{}********{}", &value[..4], &value[12..])
            }
            Pii::Nik => format!("[nik: {chars} chars]"),
            Pii::Name => format!("[name: {chars} chars]"),
            Pii::BirthDate => "[birth date]".to_string(),
            Pii::Email => match value.rsplit_once('@') {
                Some((_, domain)) => format!("***@{domain}"),
                None => format!("[email: {chars} chars]"),
            },
            Pii::Phone if chars > 6 && value.is_ascii() => {
                format!(
                    "{}{}{}",
                    &value[..2],
                    "*".repeat(chars - 4),
                    &value[chars - 2..]
                )
            }
            Pii::Phone => format!("[phone: {chars} chars]"),
            Pii::Address => "[address]".to_string(),
            Pii::Image => format!("[image: {chars} chars]"),
            Pii::Secret => "[redacted]".to_string(),
        }
    }

    fn mask_value(self, value: &Value) -> Value {
        match value {
            Value::Null => Value::Null,
            Value::String(s) => Value::String(self.mask(s)),
            // Lists of names or dates, address objects: mask what is inside, keep the shape
            // visible only as far as it says nothing.
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask_value(v)).collect()),
            other => Value::String(self.mask(&other.to_string())),
        }
    }
}

/// Masks, in place, every value of `value` at the given `(path, kind)` pairs (the format of
/// the catalogs' `pii_paths`: dotted, `[]` for every item, `""` for the whole value).
pub fn redact(value: &mut Value, paths: &[(&str, Pii)]) {
    for (path, kind) in paths {
        let segments: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        redact_at(value, &segments, *kind);
    }
}

fn redact_at(value: &mut Value, segments: &[&str], kind: Pii) {
    let Some((first, rest)) = segments.split_first() else {
        *value = kind.mask_value(value);
        return;
    };
    let (name, every_item) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    // A leading `[]` (the whole value is an array) has an empty name.
    let target = if name.is_empty() {
        Some(value)
    } else {
        value.get_mut(name)
    };
    let Some(target) = target else { return };
    if every_item {
        if let Value::Array(items) = target {
            for item in items {
                redact_at(item, rest, kind);
            }
        }
    } else {
        redact_at(target, rest, kind);
    }
}

/// `value` as JSON with its personal data masked, for logging a request or response: pass the
/// schema's paths from the vendor catalog, e.g.
/// `redacted_json(&screening, iluma::catalog::pii_paths("IndividualScreening"))`.
///
/// The generated types' `Debug` masks every `x-pii` field (each is a hand-written type); this
/// gives the whole value as JSON, masked the same way, for logs that want the body.
pub fn redacted_json<T: serde::Serialize>(value: &T, paths: &[(&str, Pii)]) -> Value {
    let mut json = serde_json::to_value(value).unwrap_or(Value::Null);
    redact(&mut json, paths);
    json
}
