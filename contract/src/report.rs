//! The report: changes grouped by vendor and operation, the verdict, the semver bump, and the
//! Markdown and JSON renderings.

use std::fmt::Write as _;

use serde::Serialize;

use crate::rules::{Class, Rule};

/// Version of the JSON layout; bumped whenever a field is renamed or removed.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The crate whose version the report advises on.
pub const CLIENT_CRATE: &str = "kyc-clients";

/// The operation a change belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationRef {
    /// `operationId` (the Rust method name); for a renamed operation, the new one.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
}

/// One change between the two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects existing callers: the rule's class, raised to breaking-for-Rust when the
    /// change alters a generated Rust type (see `rust_effect`).
    pub class: Class,
    /// The rule that recognised it.
    pub rule: Rule,
    /// The operation it belongs to; `None` for spec-level changes (schemas, `info`, `servers`).
    pub operation: Option<OperationRef>,
    /// Dotted path through the operation, e.g.
    /// `paths./v1/certificate/issuance.post.responses.200.content.application/json.schema.properties.data`.
    pub location: String,
    /// JSON pointer of the changed node when it lives in `components`, reached from `location`
    /// through a `$ref` (e.g. `#/components/schemas/CertificateStatus/enum`).
    pub defined_at: Option<String>,
    /// What changed and why it matters, in one sentence.
    pub message: String,
    /// What the change does to the generated Rust code, when it changes what a caller's code
    /// names: a type, a field, a method or a builder argument (changed, renamed or gone). On a
    /// change breaking on the wire it means the change breaks Rust code too.
    pub rust_effect: Option<String>,
}

/// Whether a vendor's spec exists in both revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VendorStatus {
    /// In both revisions.
    Compared,
    /// Only in the new revision.
    Added,
    /// Only in the old revision.
    Removed,
}

/// The changes of one vendor's spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorReport {
    /// The spec file (`openapi/kredibel.yaml`), as given.
    pub file: String,
    /// `info.title` of the new revision (of the old one for a removed spec).
    pub title: String,
    /// Whether the spec exists in both revisions.
    pub status: VendorStatus,
    /// Every change: spec-level ones first, then by operation in document order.
    pub changes: Vec<Change>,
}

/// How many changes fall in each class, and how many of those breaking on the wire break Rust
/// code too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Breaking on the wire.
    pub breaking_wire: usize,
    /// Breaking for Rust callers only (the wire still works).
    pub breaking_rust: usize,
    /// Of the changes breaking on the wire, those that also break Rust code (a field or method
    /// that disappears, `T` becoming `Option<T>`): the verdict counts them for Rust callers too.
    pub breaking_wire_and_rust: usize,
    /// Compatible.
    pub compatible: usize,
}

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Compatible changes only.
    Patch,
    /// Something breaks: in 0.x the minor number is the breaking one (0.1 → 0.2).
    Minor,
    /// Something breaks in a crate at 1.0 or above.
    Major,
}

/// Every change between two revisions of the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// One entry per spec file, in file order.
    pub vendors: Vec<VendorReport>,
    /// The current version of `kyc-clients`, when known, to name the next one.
    pub crate_version: Option<String>,
}

impl Report {
    /// A report over the given vendors, with no crate version known.
    pub fn new(vendors: Vec<VendorReport>) -> Self {
        Self {
            vendors,
            crate_version: None,
        }
    }

    /// The same report, advising on the bump from `version` (e.g. `0.1.0`).
    pub fn with_crate_version(mut self, version: impl Into<String>) -> Self {
        self.crate_version = Some(version.into());
        self
    }

    /// Every change of every vendor.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.vendors.iter().flat_map(|v| v.changes.iter())
    }

    /// How many changes fall in each class.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for change in self.changes() {
            match change.class {
                Class::BreakingWire => {
                    counts.breaking_wire += 1;
                    if change.rust_effect.is_some() {
                        counts.breaking_wire_and_rust += 1;
                    }
                }
                Class::BreakingRust => counts.breaking_rust += 1,
                Class::Compatible => counts.compatible += 1,
            }
        }
        counts
    }

    /// True when any change breaks callers, on the wire or in Rust.
    pub fn is_breaking(&self) -> bool {
        self.changes().any(|c| c.class.is_breaking())
    }

    /// The process exit code for this report: 1 when something breaks, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.is_breaking())
    }

    /// The bump `kyc-clients` needs.
    pub fn bump(&self) -> Bump {
        let major = self
            .crate_version
            .as_deref()
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(0);
        if self.is_breaking() {
            if major == 0 { Bump::Minor } else { Bump::Major }
        } else if self.changes().next().is_some() {
            Bump::Patch
        } else {
            Bump::None
        }
    }

    /// The version after the bump, when the current one is known and parses as `x.y.z`.
    pub fn next_version(&self) -> Option<String> {
        let current = self.crate_version.as_deref()?;
        let core = current.split(['-', '+']).next()?;
        let parts: Vec<u64> = core
            .split('.')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [major, minor, patch] = parts[..] else {
            return None;
        };
        Some(match self.bump() {
            Bump::None => format!("{major}.{minor}.{patch}"),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        })
    }

    /// The one-line verdict, e.g. `**Breaking** — 1 breaking on the wire, 1 breaking for Rust
    /// callers, 1 compatible`. A change that breaks both is counted in both, and the Rust figure
    /// says how many of its changes break the wire too: `2 breaking on the wire, 3 breaking for
    /// Rust callers (1 of them also on the wire)`.
    pub fn verdict(&self) -> String {
        let c = self.counts();
        let head = if self.is_breaking() {
            "**Breaking**"
        } else if c.compatible > 0 {
            "**Compatible**"
        } else {
            "**No changes**"
        };
        if c == Counts::default() {
            return format!("{head} — the specs are identical in every way kyc-contract compares");
        }
        let rust = match c.breaking_wire_and_rust {
            0 => format!("{} breaking for Rust callers", c.breaking_rust),
            both => format!(
                "{} breaking for Rust callers ({both} of them also on the wire)",
                c.breaking_rust + both
            ),
        };
        format!(
            "{head} — {} breaking on the wire, {rust}, {} compatible",
            c.breaking_wire, c.compatible
        )
    }

    /// The report for humans: verdict, changes by vendor and operation, semver advice.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}\n", self.verdict());
        for vendor in &self.vendors {
            let status = match vendor.status {
                VendorStatus::Compared => "",
                VendorStatus::Added => " — new spec",
                VendorStatus::Removed => " — spec removed",
            };
            let file = if vendor.file.is_empty() {
                String::new()
            } else {
                format!(" (`{}`)", vendor.file)
            };
            let _ = writeln!(out, "## {}{file}{status}\n", vendor.title);
            if vendor.changes.is_empty() {
                out.push_str("No changes.\n\n");
                continue;
            }
            for (heading, changes) in groups(&vendor.changes) {
                let _ = writeln!(out, "### {heading}\n");
                for change in changes {
                    write_change(&mut out, change);
                }
                out.push('\n');
            }
        }
        out.push_str("## Version\n\n");
        out.push_str(&self.semver_sentence());
        out.push_str(
            "\n\n<sub>How to read this report: `contract/README.md`. Every rule: `cargo run -p kyc-contract -- rules`.</sub>\n",
        );
        out
    }

    fn semver_sentence(&self) -> String {
        let target = match (&self.crate_version, self.next_version()) {
            (Some(current), Some(next)) if current != &next => {
                format!("`{CLIENT_CRATE}` {current} → **{next}**")
            }
            _ => format!("`{CLIENT_CRATE}`"),
        };
        match self.bump() {
            Bump::None => format!("`{CLIENT_CRATE}` needs no new version: nothing changed."),
            Bump::Patch => format!("{target}: a **patch** bump — compatible changes only."),
            Bump::Minor => format!(
                "{target}: a **minor** bump. `{CLIENT_CRATE}` is 0.x, where Cargo treats the minor number as the breaking one (0.1 → 0.2), so any breaking change, on the wire or for Rust callers, needs it; compatible changes alone would be a patch."
            ),
            Bump::Major => format!("{target}: a **major** bump, since something breaks."),
        }
    }

    /// The report for machines; the layout is documented in `contract/README.md`.
    pub fn to_json(&self) -> serde_json::Value {
        let verdict = if self.is_breaking() {
            "breaking"
        } else if self.changes().next().is_some() {
            "compatible"
        } else {
            "unchanged"
        };
        serde_json::json!({
            "format_version": JSON_FORMAT_VERSION,
            "verdict": verdict,
            "summary": self.verdict().replace("**", ""),
            "counts": self.counts(),
            "semver": {
                "crate": CLIENT_CRATE,
                "current": self.crate_version,
                "bump": self.bump(),
                "next": self.next_version(),
            },
            "vendors": self.vendors,
        })
    }
}

/// Changes grouped under headings: spec-level first, then one group per operation in order of
/// first appearance; inside a group, the most severe first.
fn groups(changes: &[Change]) -> Vec<(String, Vec<&Change>)> {
    let mut groups: Vec<(Option<&OperationRef>, Vec<&Change>)> = Vec::new();
    for change in changes {
        let key = change.operation.as_ref();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(change),
            None => groups.push((key, vec![change])),
        }
    }
    groups.sort_by_key(|(key, _)| key.is_some());
    groups
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by_key(|c| c.class);
            let heading = match key {
                Some(op) => format!("`{}` — `{} {}`", op.operation_id, op.method, op.path),
                None => "Whole spec".to_string(),
            };
            (heading, list)
        })
        .collect()
}

fn write_change(out: &mut String, change: &Change) {
    let _ = writeln!(out, "- **{}** — {}", change.class.label(), change.message);
    if let Some(effect) = &change.rust_effect {
        let _ = writeln!(out, "  - Generated code: {effect}");
    }
    let mut at = format!("`{}`", change.location);
    if let Some(pointer) = &change.defined_at {
        let _ = write!(at, ", defined at `{pointer}`");
    }
    let _ = writeln!(out, "  - at {at} · rule `{}`", change.rule.id());
}
