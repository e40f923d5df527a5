//! What the proxy found: one [`Finding`] per violation, written as one JSON line as soon as
//! it is known, and the per-operation counts printed on exit ([`Report::summary`]).
//!
//! A line carries exactly `vendor`, `operation`, `direction`, `status`, `path`, `rule` and
//! `decodes`, and for a field the spec does not declare `json_type`: names, numbers and types
//! from the spec and the exchange, never a value from a body, a header or a query (those hold
//! names, NIKs, faces, keys and tokens).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Mutex;

use kyc_spec::validate::Direction;
use serde::Serialize;

/// One violation of the spec by one request or response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The vendor (`info.x-vendor` of its spec).
    pub vendor: String,
    /// The `operationId`; `None` when the request matches no operation of the spec.
    pub operation: Option<String>,
    /// `request` or `response`.
    pub direction: &'static str,
    /// The HTTP status of the exchange (the proxy's own 502 when the upstream did not answer).
    pub status: u16,
    /// A JSON pointer into the body (`/results/0/scopes/1`); empty for the body as a whole
    /// and for what is not in the body (operation, status, content type, headers, query).
    pub path: String,
    /// The rule broken: a `kyc_spec::validate::Rule` name (`enum`, `required`, `type`,
    /// `unknown-field`, `x-max-bytes`, `status`, ...) or one of the exchange's own rules
    /// ([`rules`]).
    pub rule: String,
    /// Whether the generated client would still decode the response (always `false` for a
    /// request: the client refuses to send it).
    pub decodes: bool,
    /// For a response field the spec does not declare (`unknown-field`), the JSON type of its
    /// value (`string`, `integer`, `object`, ...): what `kyc-contract suggest` types the field
    /// it adds with. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_type: Option<&'static str>,
}

/// The rules about an exchange rather than a body value.
pub mod rules {
    /// The request's method and path match no operation of the vendor's spec.
    pub const OPERATION: &str = "operation";
    /// The body's media type is not the one the spec declares.
    pub const CONTENT_TYPE: &str = "content-type";
    /// A required header parameter (request) or a required header (response) is missing.
    pub const HEADER: &str = "header";
    /// A required query parameter is missing.
    pub const QUERY: &str = "query";
    /// The operation asks for credentials and the request carries no `Authorization`.
    pub const SECURITY: &str = "security";
    /// A multipart body that cannot be read as `multipart/form-data`.
    pub const MULTIPART: &str = "multipart";
}

impl Finding {
    pub(crate) fn new(
        vendor: &str,
        operation: Option<&str>,
        direction: Direction,
        status: u16,
        path: &str,
        rule: &str,
        decodes: bool,
    ) -> Self {
        Self {
            vendor: vendor.to_string(),
            operation: operation.map(str::to_string),
            direction: direction.as_str(),
            status,
            path: path.to_string(),
            rule: rule.to_string(),
            decodes,
            json_type: None,
        }
    }

    /// The same finding with the JSON type of its value (an unknown field's).
    pub(crate) fn with_json_type(mut self, json_type: Option<&'static str>) -> Self {
        self.json_type = json_type;
        self
    }
}

/// Where findings go, and the counts kept for the summary.
pub struct Report {
    out: Mutex<Box<dyn Write + Send>>,
    counts: Mutex<BTreeMap<(String, String), Counts>>,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report").finish_non_exhaustive()
    }
}

/// The counts of one operation.
#[derive(Debug, Default, Clone)]
struct Counts {
    exchanges: u64,
    /// By `(direction, rule, decodes)`.
    violations: BTreeMap<(&'static str, String, bool), u64>,
}

impl Report {
    /// Findings written to `out`, one JSON line each, flushed at once.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: Mutex::new(out),
            counts: Mutex::default(),
        }
    }

    /// Counts one exchange of `operation` (`None`: no operation matched) of `vendor`.
    pub(crate) fn exchange(&self, vendor: &str, operation: Option<&str>) {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.entry(key(vendor, operation)).or_default().exchanges += 1;
    }

    /// Writes and counts findings. A write error is logged once per call and otherwise
    /// ignored: the exchange itself must not fail because the report cannot be written.
    pub(crate) fn write(&self, findings: &[Finding]) {
        if findings.is_empty() {
            return;
        }
        {
            let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
            for finding in findings {
                let entry = counts
                    .entry(key(&finding.vendor, finding.operation.as_deref()))
                    .or_default();
                *entry
                    .violations
                    .entry((finding.direction, finding.rule.clone(), finding.decodes))
                    .or_default() += 1;
            }
        }
        let mut lines = Vec::new();
        for finding in findings {
            // A struct of strings, numbers and a bool: serialising it cannot fail.
            let _ = serde_json::to_writer(&mut lines, finding);
            lines.push(b'\n');
        }
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(error) = out.write_all(&lines).and_then(|()| out.flush()) {
            tracing::warn!(%error, "cannot write the proxy report");
        }
    }

    /// Per operation: exchanges, then violations by direction and rule (those the client
    /// still decodes marked so), one line each; `no exchanges` when there were none.
    pub fn summary(&self) -> String {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::from("kyc-sandbox proxy summary\n");
        if counts.is_empty() {
            out.push_str("  no exchanges\n");
        }
        for ((vendor, operation), counts) in counts.iter() {
            let total: u64 = counts.violations.values().sum();
            let _ = writeln!(
                out,
                "  {vendor} {operation}: {}, {}",
                counted(counts.exchanges, "exchange"),
                counted(total, "violation")
            );
            for ((direction, rule, decodes), n) in &counts.violations {
                let decodes = if *decodes { " (decodes)" } else { "" };
                let _ = writeln!(out, "    {direction} {rule}{decodes}: {n}");
            }
        }
        out
    }

    /// Flushes the report's sink.
    pub fn flush(&self) -> io::Result<()> {
        self.out.lock().unwrap_or_else(|p| p.into_inner()).flush()
    }
}

/// `1 exchange`, `2 exchanges`, `0 violations`.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn key(vendor: &str, operation: Option<&str>) -> (String, String) {
    (
        vendor.to_string(),
        operation.unwrap_or("(no operation)").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_line_per_finding_with_exactly_the_keys_and_a_summary() {
        let sink = Shared::default();
        let report = Report::new(Box::new(sink.clone()));
        report.exchange("iluma", Some("screen_individual"));
        report.exchange("iluma", Some("screen_individual"));
        report.write(&[
            Finding::new(
                "iluma",
                Some("screen_individual"),
                Direction::Response,
                200,
                "/status",
                "enum",
                true,
            ),
            Finding::new(
                "iluma",
                None,
                Direction::Request,
                404,
                "",
                "operation",
                false,
            ),
        ]);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            serde_json::json!({"vendor": "iluma", "operation": "screen_individual",
                "direction": "response", "status": 200, "path": "/status", "rule": "enum",
                "decodes": true})
        );
        assert_eq!(lines[1]["operation"], serde_json::Value::Null);
        assert_eq!(
            report.summary(),
            "kyc-sandbox proxy summary\n  iluma (no operation): 0 exchanges, 1 violation\n    \
             request operation: 1\n  iluma screen_individual: 2 exchanges, 1 violation\n    \
             response enum (decodes): 1\n"
        );
    }
}
