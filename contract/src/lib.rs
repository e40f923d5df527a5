//! Contract review for the vendor specs: what a change to `openapi/*.yaml` breaks.
//!
//! [`diff`] compares two revisions of a spec (parsed by `kyc_codegen`, exactly as `build.rs`
//! parses them) and returns a [`Report`] in which every change is classified:
//!
//! - **breaking on the wire** ([`Class::BreakingWire`]): an existing client, generated or not,
//!   can fail at run time (a request refused, a response that no longer decodes);
//! - **breaking for Rust callers** ([`Class::BreakingRust`]): the wire still works, but code
//!   written against the generated client stops compiling (method, type or field renamed,
//!   `Option<T>` ↔ `T`, a validated newtype appearing or disappearing);
//! - **compatible** ([`Class::Compatible`]).
//!
//! The rules are listed in [`Rule`] (`kyc-contract rules` prints them as a table).

mod compare;
pub mod input;
mod report;
mod resolve;
mod rules;
mod rust_types;

pub use report::{
    Bump, CLIENT_CRATE, Change, Counts, JSON_FORMAT_VERSION, OperationRef, Report, VendorReport,
    VendorStatus,
};
pub use rules::{Class, Rule};

use resolve::Document;

/// Compares two revisions of one spec. The vendor is named after the new revision's
/// `info.title`; use [`diff_vendor`] to name the file too, or to compare a spec that exists on
/// one side only.
pub fn diff(old: &openapiv3::OpenAPI, new: &openapiv3::OpenAPI) -> Report {
    Report::new(vec![diff_vendor("", Some(old), Some(new))])
}

/// Compares one vendor's spec across two revisions. `file` names it in the report. A spec that
/// exists only in the new revision is one compatible change (a new client); one that exists only
/// in the old revision is one breaking change (every operation of that vendor is gone).
pub fn diff_vendor(
    file: &str,
    old: Option<&openapiv3::OpenAPI>,
    new: Option<&openapiv3::OpenAPI>,
) -> VendorReport {
    let title = new
        .or(old)
        .map(|s| s.info.title.clone())
        .unwrap_or_default();
    let (status, changes) = match (old, new) {
        (Some(old), Some(new)) => (
            VendorStatus::Compared,
            compare::compare(&Document::new(old), &Document::new(new)),
        ),
        (None, Some(new)) => (
            VendorStatus::Added,
            vec![whole_spec(file, new, Rule::SpecAdded)],
        ),
        (Some(old), None) => (
            VendorStatus::Removed,
            vec![whole_spec(file, old, Rule::SpecRemoved)],
        ),
        (None, None) => (VendorStatus::Compared, Vec::new()),
    };
    VendorReport {
        file: file.to_string(),
        title,
        status,
        changes,
    }
}

/// The single change that stands for a spec added or removed as a whole.
fn whole_spec(file: &str, spec: &openapiv3::OpenAPI, rule: Rule) -> Change {
    let ids: Vec<String> = kyc_codegen::operation_summaries(spec, &[])
        .into_iter()
        .map(|s| format!("`{}`", s.operation_id))
        .collect();
    let operations = if ids.is_empty() {
        "no operations".to_string()
    } else {
        ids.join(", ")
    };
    let message = match rule {
        Rule::SpecAdded => format!(
            "new spec `{file}` ({}): new client with {operations}",
            spec.info.title
        ),
        _ => format!(
            "spec `{file}` ({}) removed: its client and every operation are gone ({operations})",
            spec.info.title
        ),
    };
    Change {
        class: rule.class(),
        rule,
        operation: None,
        location: file.to_string(),
        defined_at: None,
        message,
        rust_effect: None,
    }
}
