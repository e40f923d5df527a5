//! What `suggest` reads: the proxy's report lines, the clients' `kyc.drift` events as
//! tracing-subscriber's JSON layer writes them, and the proxy's recordings (`--record DIR`).
//!
//! Each report line and each drift event is one [`Observation`]: a vendor, an operation, a
//! status, a JSON pointer into the body, a rule. Neither carries a value, except a drift event
//! for an unlisted value of an enum that is not personal. The recordings carry the rest: every
//! value of the exchange, personal ones masked keeping their shape, so a relaxed pattern or an
//! added field's JSON type can be precise.

use std::path::Path;

use serde_json::Value;

use crate::input::InputError;

/// One place where the traffic differed from the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The vendor (`info.x-vendor`).
    pub vendor: String,
    /// The `operationId`; `None` when no operation matched the request.
    pub operation: Option<String>,
    /// `request` or `response`.
    pub direction: String,
    /// The HTTP status.
    pub status: u16,
    /// JSON pointer into the body; empty for the status or the whole body.
    pub path: String,
    /// The rule (`enum`, `unknown-field`, `pattern`, `status`, ...).
    pub rule: String,
    /// The unlisted value of an enum that is not personal, when the evidence names it.
    pub value: Option<String>,
    /// The JSON type of an unknown field's value, when the evidence names it (a proxy report).
    pub json_type: Option<String>,
    /// When it was seen (RFC 3339), when the evidence says.
    pub seen_at: Option<String>,
    /// Where it was read: `drift.jsonl:3`, a recording's file name.
    pub source: String,
}

/// One exchange the proxy recorded: its file name and its JSON.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The file name (`000003-kredibel-issue_certificate-200.json`).
    pub file: String,
    /// Its content.
    pub value: Value,
}

impl Recording {
    fn text(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// The response status.
    pub fn status(&self) -> Option<u16> {
        self.value
            .pointer("/response/status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
    }

    /// Whether this recording is the exchange of `observation` (same vendor, operation and
    /// status, the same violation listed).
    pub fn shows(&self, observation: &Observation) -> bool {
        self.text("vendor") == Some(observation.vendor.as_str())
            && self.text("operation") == observation.operation.as_deref()
            && self.status() == Some(observation.status)
            && self.value["violations"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|v| {
                    v["direction"] == observation.direction.as_str()
                        && v["path"] == observation.path.as_str()
                        && v["rule"] == observation.rule.as_str()
                })
    }

    /// The masked value of the answer at `pointer`.
    pub fn response_value(&self, pointer: &str) -> Option<&Value> {
        self.value.get("response")?.get("body")?.pointer(pointer)
    }

    /// The violations it lists, as observations.
    fn observations(&self) -> Vec<Observation> {
        let (Some(vendor), Some(status)) = (self.text("vendor"), self.status()) else {
            return Vec::new();
        };
        self.value["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| Observation {
                vendor: vendor.to_string(),
                operation: self.text("operation").map(str::to_string),
                direction: v["direction"].as_str().unwrap_or("response").to_string(),
                status,
                path: v["path"].as_str().unwrap_or_default().to_string(),
                rule: v["rule"].as_str().unwrap_or_default().to_string(),
                value: None,
                json_type: None,
                seen_at: self.text("recorded_at").map(str::to_string),
                source: self.file.clone(),
            })
            .collect()
    }
}

/// Everything `suggest` was given.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// From report lines and drift events.
    pub observations: Vec<Observation>,
    /// The recordings, if any.
    pub recordings: Vec<Recording>,
}

impl Evidence {
    /// Reads a proxy report (`--report FILE`): one JSON object per line with `vendor`,
    /// `operation`, `direction`, `status`, `path`, `rule`. `label` names it in messages.
    pub fn read_report(&mut self, label: &str, text: &str) -> Result<(), InputError> {
        for (number, line) in lines(text) {
            let value = parse_line(label, number, line)?;
            let Some(observation) = report_line(&value, format!("{label}:{number}")) else {
                return Err(InputError {
                    file: format!("{label}:{number}"),
                    problem: "not a line of the proxy's report (`vendor`, `operation`, `direction`, `status`, `path`, `rule`)".into(),
                });
            };
            self.observations.push(observation);
        }
        Ok(())
    }

    /// Reads `kyc.drift` events as tracing-subscriber's JSON layer writes them (the fields
    /// under `fields`, or flattened beside `target` with `.flatten_event(true)`); lines of
    /// other targets and lines that are not JSON (other log output) are skipped.
    pub fn read_drift(&mut self, label: &str, text: &str) -> Result<(), InputError> {
        for (number, line) in lines(text) {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let fields = value.get("fields").unwrap_or(&value);
            let target = value.get("target").and_then(Value::as_str);
            if target.is_some_and(|t| t != "kyc.drift") {
                continue;
            }
            let text = |key: &str| fields.get(key).and_then(Value::as_str);
            let (Some(vendor), Some(rule)) = (text("vendor"), text("rule")) else {
                continue;
            };
            let status = fields
                .get("status")
                .and_then(|s| s.as_u64().or_else(|| s.as_str()?.parse().ok()))
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0);
            self.observations.push(Observation {
                vendor: vendor.to_string(),
                operation: text("operation").map(str::to_string),
                direction: "response".into(),
                status,
                path: text("path").unwrap_or_default().to_string(),
                rule: rule.to_string(),
                value: text("value").map(str::to_string),
                json_type: None,
                seen_at: value
                    .get("timestamp")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                source: format!("{label}:{number}"),
            });
        }
        Ok(())
    }

    /// Reads every recording (`*.json`) of a `--record DIR`, in the order of their names.
    pub fn read_recordings(&mut self, dir: &Path) -> Result<(), InputError> {
        let error = |problem: String| InputError {
            file: dir.display().to_string(),
            problem,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| error(format!("cannot read the directory: {e}")))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| error(format!("{file}: cannot read it: {e}")))?;
            let value = serde_json::from_str(&text)
                .map_err(|e| error(format!("{file}: not a recording: {e}")))?;
            self.recordings.push(Recording { file, value });
        }
        Ok(())
    }

    /// The observations to act on: the report's and the events' when there are any, else the
    /// violations the recordings list.
    pub(crate) fn effective(&self) -> Vec<Observation> {
        if !self.observations.is_empty() {
            return self.observations.clone();
        }
        self.recordings
            .iter()
            .flat_map(Recording::observations)
            .collect()
    }
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
}

fn parse_line(label: &str, number: usize, line: &str) -> Result<Value, InputError> {
    serde_json::from_str(line).map_err(|e| InputError {
        file: format!("{label}:{number}"),
        problem: format!("not JSON: {e}"),
    })
}

fn report_line(value: &Value, source: String) -> Option<Observation> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    Some(Observation {
        vendor: text("vendor")?.to_string(),
        operation: text("operation").map(str::to_string),
        direction: text("direction")?.to_string(),
        status: u16::try_from(value.get("status")?.as_u64()?).ok()?,
        path: text("path")?.to_string(),
        rule: text("rule")?.to_string(),
        value: None,
        json_type: text("json_type").map(str::to_string),
        seen_at: None,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lines_and_drift_events_in_both_json_layouts() {
        let mut evidence = Evidence::default();
        evidence
            .read_report(
                "r.jsonl",
                r#"{"vendor":"kredibel","operation":"issue_certificate","direction":"response","status":200,"path":"/data/rejectFields/0","rule":"enum","decodes":true}"#,
            )
            .unwrap();
        evidence
            .read_drift(
                "d.jsonl",
                concat!(
                    r#"{"timestamp":"2026-12-07T04:00:00Z","level":"WARN","fields":{"message":"m","vendor":"iluma","operation":"screen_individual","status":200,"path":"/status","rule":"enum","difference":"unknown enum value","value":"ON_HOLD"},"target":"kyc.drift"}"#,
                    "\nplain text log line\n",
                    r#"{"timestamp":"t","level":"INFO","fields":{"vendor":"x","rule":"y"},"target":"kyc.call"}"#,
                    "\n",
                    r#"{"timestamp":"2026-12-07T05:00:00Z","level":"WARN","message":"m","vendor":"iluma","operation":"get_health","status":200,"path":"/x","rule":"unknown-field","difference":"unknown field","target":"kyc.drift"}"#
                ),
            )
            .unwrap();
        let found = &evidence.observations;
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].source, "r.jsonl:1");
        assert_eq!(found[1].value.as_deref(), Some("ON_HOLD"));
        assert_eq!(found[1].seen_at.as_deref(), Some("2026-12-07T04:00:00Z"));
        assert_eq!(
            (found[2].rule.as_str(), found[2].path.as_str()),
            ("unknown-field", "/x")
        );
        assert!(evidence.read_report("bad", "{}").is_err());
    }
}
