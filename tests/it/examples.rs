//! Every documented example decodes into its generated type and encodes back to the same JSON;
//! the typed value, encoded again, is snapshotted (`snapshots/examples/`) with personal data
//! masked along the spec's `x-pii` marks — snapshots are read in reviews and kept forever.

use crate::support::{in_snapshots, json_differences, vendors};

#[test]
fn every_example_round_trips_through_its_generated_type() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut snapshots = Vec::new();
    for vendor in vendors() {
        for example in crate::support::examples(&vendor.spec) {
            count += 1;
            let name = example.snapshot_name(vendor.name);
            let where_ = format!(
                "{}: {} {} example `{}` as types::{}",
                vendor.file, example.operation_id, example.place, example.name, example.schema
            );
            let decoded = match (vendor.decode)(&example.schema, example.value.clone()) {
                Some(Ok(decoded)) => decoded,
                Some(Err(err)) => {
                    failures.push(format!("{where_}: does not decode: {err}"));
                    continue;
                }
                None => {
                    failures.push(format!("{where_}: no generated type of that name"));
                    continue;
                }
            };
            for difference in json_differences(&example.value, &decoded.reencoded, "") {
                failures.push(format!("{where_}: {difference}"));
            }
            let mut shown = decoded.reencoded;
            kyc_clients::privacy::redact(&mut shown, (vendor.pii_paths)(&example.schema));
            snapshots.push((name, where_, shown));
        }
    }
    assert!(
        count > 30,
        "expected every documented example, found only {count}"
    );
    // A lossy round trip fails here, before any snapshot could lock it in.
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    in_snapshots("examples", || {
        for (name, where_, typed) in snapshots {
            insta::with_settings!({
                description => where_,
                omit_expression => true,
            }, {
                insta::assert_json_snapshot!(name, typed);
            });
        }
    });
}

#[test]
fn the_round_trip_check_catches_a_lossy_type() {
    // typify skips an optional array when it is empty, so `nationalities: []` does not survive a
    // round trip: exactly the kind of loss a snapshot alone would lock in. None of the vendors'
    // examples does this today; this guards the guard.
    let sent = serde_json::json!({"id": "x", "score": 90, "names": ["A"], "scopes": ["PEP"], "nationalities": []});
    let decoded = kyc_clients::iluma::catalog::decode("IndividualMatch", sent.clone())
        .unwrap()
        .unwrap();
    let differences = json_differences(&sent, &decoded.reencoded, "");
    assert_eq!(
        differences,
        vec!["Key nationalities: lost in the round trip (was [])".to_string()]
    );
}

/// Keys whose string values are personal data or secrets, whether or not the spec marks them:
/// a field added to a spec without its `x-pii` mark fails here rather than printing a name in
/// `Debug`.
const PERSONAL_KEYS: &[&str] = &[
    "name", "birth", "email", "phone", "address", "street", "city", "province", "postal",
    "identity", "id_card", "nik", "image", "selfie", "token", "key", "surname",
];

/// `(schema, key)` pairs that match [`PERSONAL_KEYS`] but hold no personal data: a business
/// entity's names (companies, on the request side not marked either), the stand-in key of
/// Kredibel's validation body (`{"fieldName": ["Unknown field."]}`, reasons, not values),
/// Kredibel's similarity scores (`fullNameSimilarity`), and the institutions and places
/// Kredibel's account screening names (a bank and its branch, a carrier, a country or region,
/// a network operator).
fn not_personal(schema: &str, key: &str) -> bool {
    const INSTITUTIONS: &[&str] = &[
        "bankName",
        "bankRegionName",
        "bankBranchName",
        "bankBranchAddress",
        "providerName",
        "countryName",
        "regionName",
        "asname",
    ];
    (schema.starts_with("Entity") && ["name", "names", "business_name"].contains(&key))
        || key == "fieldName"
        || key.ends_with("Similarity")
        || INSTITUTIONS.contains(&key)
}

/// Every scalar under `value`, as text.
fn scalars(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Number(number) => out.push(number.to_string()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| scalars(item, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|v| scalars(v, out)),
        _ => {}
    }
}

/// The scalars at a `pii_paths` path (dotted, `[]` for every item, `""` for the whole value).
fn at_path(value: &serde_json::Value, segments: &[&str], out: &mut Vec<String>) {
    let Some((first, rest)) = segments.split_first() else {
        return scalars(value, out);
    };
    let (name, every_item) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let target = if name.is_empty() {
        Some(value)
    } else {
        value.get(name)
    };
    match (target, every_item) {
        (Some(serde_json::Value::Array(items)), true) => {
            items.iter().for_each(|item| at_path(item, rest, out))
        }
        (Some(target), false) => at_path(target, rest, out),
        _ => {}
    }
}

/// Whether `value` is an object, or a list holding one: its own keys say what it holds.
fn holds_objects(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(items) => items.iter().any(holds_objects),
        _ => false,
    }
}

/// The string values under keys that name personal data (see [`PERSONAL_KEYS`]). An object
/// under such a key (Kredibel's `phone` and `email` screening results) is judged by its own
/// keys.
fn under_personal_keys(schema: &str, value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (key, field) in fields {
                let lower = key.to_ascii_lowercase();
                if PERSONAL_KEYS.iter().any(|k| lower.contains(k))
                    && !not_personal(schema, key)
                    && !holds_objects(field)
                {
                    scalars(field, out);
                } else {
                    under_personal_keys(schema, field, out);
                }
            }
        }
        serde_json::Value::Array(items) => items
            .iter()
            .for_each(|item| under_personal_keys(schema, item, out)),
        _ => {}
    }
}

#[test]
fn debug_of_every_decoded_example_shows_no_personal_data() {
    let mut leaks = Vec::new();
    let mut checked = 0;
    for vendor in vendors() {
        for example in crate::support::examples(&vendor.spec) {
            let Some(Ok(decoded)) = (vendor.decode)(&example.schema, example.value.clone()) else {
                // The round-trip test above reports examples that do not decode.
                continue;
            };
            let mut personal = Vec::new();
            for (path, _) in (vendor.pii_paths)(&example.schema) {
                let segments: Vec<&str> = if path.is_empty() {
                    Vec::new()
                } else {
                    path.split('.').collect()
                };
                at_path(&example.value, &segments, &mut personal);
            }
            under_personal_keys(&example.schema, &example.value, &mut personal);
            // Short values (`ID`, a score) are not personal and would match by chance.
            personal.retain(|value| value.chars().count() >= 4);
            checked += personal.len();
            for value in personal {
                if decoded.debug.contains(&value) {
                    // The value is personal data: name the example and the value's length only.
                    leaks.push(format!(
                        "{}: {} {} example `{}` (types::{}): Debug shows a {}-character personal value",
                        vendor.file,
                        example.operation_id,
                        example.place,
                        example.name,
                        example.schema,
                        value.chars().count()
                    ));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} personal values were checked");
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
