//! Personal data and secrets, kept out of logs, `Debug` output, error messages and snapshots.
//!
//! The specs mark every field that holds personal data or a secret with `x-pii: <kind>`;
//! `kyc-codegen` turns those marks into each vendor's `catalog::pii_paths`, and [`redact`]
//! masks a JSON value along them. Nothing here lists field names by hand, so a field added to a
//! spec with its `x-pii` mark is masked everywhere at once.

use serde_json::Value;

/// A kind of personal data or secret (`x-pii` in the specs): the spec floor's own
/// [`kyc_spec::PiiKind`], whose [`mask`](kyc_spec::PiiKind::mask) is what logs show.
pub use kyc_spec::PiiKind as Pii;

/// A JSON value of kind `kind`, masked: strings by [`Pii::mask`], lists item by item (lists of
/// names or dates keep their length, which says nothing), anything else as its text masked.
fn mask_value(kind: Pii, value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::String(s) => Value::String(kind.mask(s)),
        Value::Array(items) => Value::Array(items.iter().map(|v| mask_value(kind, v)).collect()),
        other => Value::String(kind.mask(&other.to_string())),
    }
}

/// Masks, in place, every value of `value` at the given `(path, kind)` pairs (the format of
/// the catalogs' `pii_paths`: dotted, `[]` for every item, `""` for the whole value, `*` for
/// every field, `*-a,b` for every field but `a` and `b`).
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
        *value = mask_value(kind, value);
        return;
    };
    if let Some(except) = first.strip_prefix('*') {
        let except: Vec<&str> = except
            .strip_prefix('-')
            .unwrap_or_default()
            .split(',')
            .collect();
        if let Value::Object(fields) = value {
            for (name, field) in fields.iter_mut() {
                if !except.contains(&name.as_str()) {
                    redact_at(field, rest, kind);
                }
            }
        }
        return;
    }
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
