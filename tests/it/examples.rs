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
