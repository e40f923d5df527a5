//! Contract review for the vendor specs: what a change to `openapi/*.yaml` breaks.
//!
//! [`diff`] compares two revisions of a spec (read by `kyc_spec`, exactly as `build.rs` reads
//! them) and returns a [`Report`] in which every change is classified:
//!
//! - **breaking on the wire** ([`Class::BreakingWire`]): an existing client, generated or not,
//!   can fail at run time (a request refused, a response that no longer decodes);
//! - **breaking for Rust callers** ([`Class::BreakingRust`]): the wire still works, but code
//!   written against the generated client stops compiling (method, type or field renamed,
//!   `Option<T>` ↔ `T`, a validated newtype appearing or disappearing);
//! - **compatible** ([`Class::Compatible`]).
//!
//! The rules are listed in [`Rule`] (`kyc-contract rules` prints them as a table). The report
//! renders as Markdown ([`Report::to_markdown`]), JSON ([`Report::to_json`]) or GitHub workflow
//! annotations on the lines of the new spec ([`Report::to_github`], [`annotate`]).
//!
//! [`suggest`] goes the other way: from what the vendor was seen sending (the proxy's report
//! and recordings, the clients' drift events) to the smallest spec edits that accept it.

pub mod annotate;
mod compare;
mod document;
pub mod input;
mod report;
mod rules;
mod rust_types;
pub mod suggest;

pub use report::{
    Bump, CLIENT_CRATE, Change, Counts, JSON_FORMAT_VERSION, OperationRef, Report, VendorReport,
    VendorStatus,
};
pub use rules::{Class, Rule};

use document::Document;
use kyc_spec::Spec;

/// Compares two revisions of one spec. The vendor is named after the new revision's
/// `info.title`; use [`diff_vendor`] to name the file too, or to compare a spec that exists on
/// one side only.
pub fn diff(old: &Spec, new: &Spec) -> Report {
    Report::new(vec![diff_vendor("", Some(old), Some(new))])
}

/// Compares one vendor's spec across two revisions. `file` names it in the report. A spec that
/// exists only in the new revision is one compatible change (a new client); one that exists only
/// in the old revision is one breaking change (every operation of that vendor is gone).
pub fn diff_vendor(file: &str, old: Option<&Spec>, new: Option<&Spec>) -> VendorReport {
    let title = new
        .or(old)
        .map(|s| s.vendor().title.clone())
        .unwrap_or_default();
    let (status, changes) = match (old, new) {
        (Some(old), Some(new)) => (
            VendorStatus::Compared,
            compare::compare(Document::new(old), Document::new(new)),
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
fn whole_spec(file: &str, spec: &Spec, rule: Rule) -> Change {
    let ids: Vec<String> = spec
        .operations()
        .iter()
        .map(|op| format!("`{}`", op.id))
        .collect();
    let operations = if ids.is_empty() {
        "no operations".to_string()
    } else {
        ids.join(", ")
    };
    let message = match rule {
        Rule::SpecAdded => format!(
            "new spec `{file}` ({}): new client with {operations}",
            spec.vendor().title
        ),
        _ => format!(
            "spec `{file}` ({}) removed: its client and every operation are gone ({operations})",
            spec.vendor().title
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
