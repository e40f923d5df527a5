//! Edits of the real Kredibel spec. `tests/data/kredibel/base.yaml` is a frozen copy of
//! `openapi/kredibel.yaml`, so these reports change only when kyc-contract does, not whenever the
//! live spec gains a field; `diff base.yaml realistic.yaml` shows each edit.

use kyc_contract::annotate::NewSpec;
use kyc_contract::{Class, Rule, diff_vendor};

use crate::support::{data, parse};

fn read(name: &str) -> String {
    std::fs::read_to_string(data(name)).expect("test data")
}

fn kredibel_report(edited: &str) -> kyc_contract::Report {
    let old = parse("base.yaml", &read("kredibel/base.yaml"));
    let new = parse(edited, &read(edited));
    kyc_contract::Report::new(vec![diff_vendor(
        "openapi/kredibel.yaml",
        Some(&old),
        Some(&new),
    )])
    .with_crate_version("0.1.0")
}

/// An `operationId` rename, a request field's new `maxLength` and a new optional request field
/// read as breaking (Rust), breaking (wire) and compatible.
#[test]
fn three_changes_are_rust_wire_and_compatible() {
    let report = kredibel_report("kredibel/three-changes.yaml");
    let mut classes: Vec<(Rule, Class)> = report.changes().map(|c| (c.rule, c.class)).collect();
    classes.sort();
    assert_eq!(
        classes,
        vec![
            (Rule::OperationIdRenamed, Class::BreakingRust),
            (Rule::RequestConstraintTightened, Class::BreakingWire),
            (Rule::RequestPropertyAddedOptional, Class::Compatible),
        ],
        "{}",
        report.to_markdown()
    );
    let markdown = report.to_markdown();
    assert!(
        markdown.starts_with(
            "**Breaking** — 1 breaking on the wire, 1 breaking for Rust callers, 1 compatible\n"
        ),
        "{markdown}"
    );
    assert_eq!(report.exit_code(), 1);
    // One readable page: verdict, one operation, version advice.
    assert!(markdown.lines().count() < 40, "{markdown}");
}

#[test]
fn realistic_edit_markdown_snapshot() {
    let report = kredibel_report("kredibel/realistic.yaml");
    insta::with_settings!({snapshot_path => "../../../snapshots/contract", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("kredibel_realistic_edit", report.to_markdown());
    });
}

/// The report as GitHub annotations, the edited file standing for `openapi/kredibel.yaml`.
fn kredibel_github(edited: &str) -> String {
    let text = read(edited);
    let spec = parse(edited, &text);
    kredibel_report(edited).to_github(&[NewSpec {
        file: "openapi/kredibel.yaml",
        text: &text,
        spec: &spec,
    }])
}

#[test]
fn three_changes_github_snapshot() {
    let github = kredibel_github("kredibel/three-changes.yaml");
    insta::with_settings!({snapshot_path => "../../../snapshots/contract", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("kredibel_three_changes_github", github);
    });
}

#[test]
fn realistic_edit_github_snapshot() {
    let github = kredibel_github("kredibel/realistic.yaml");
    insta::with_settings!({snapshot_path => "../../../snapshots/contract", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("kredibel_realistic_edit_github", github);
    });
}

#[test]
fn realistic_edit_json_snapshot() {
    let report = kredibel_report("kredibel/realistic.yaml");
    insta::with_settings!({snapshot_path => "../../../snapshots/contract", prepend_module_to_snapshot => false, sort_maps => true}, {
        insta::assert_json_snapshot!("kredibel_realistic_edit_json", report.to_json());
    });
}

/// The live specs parse with the same loader, and a spec compared with itself has no changes.
#[test]
fn live_specs_compare_clean_with_themselves() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    for entry in std::fs::read_dir(root).expect("openapi/ exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let spec = kyc_contract::input::load_file(&path)
                .unwrap_or_else(|e| panic!("{e}"))
                .spec;
            let report = kyc_contract::diff(&spec, &spec);
            assert_eq!(
                report.changes().count(),
                0,
                "{}: {}",
                path.display(),
                report.to_markdown()
            );
        }
    }
}
