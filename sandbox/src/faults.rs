//! Deterministic fault injection, for testing clients under failure: added latency, error
//! status bursts and dropped connections.
//!
//! A fault is written as `;`-separated items, the same at start (`--fault`,
//! [`SandboxConfig::faults`](crate::SandboxConfig)) and per request (the sandbox-only
//! `x-sandbox-fault` header):
//!
//! | item | effect |
//! | --- | --- |
//! | `latency=200ms`, `latency=2s` | wait this long before answering |
//! | `status=503` | answer this status (400..=599) with the vendor's error body for it |
//! | `drop` | close the connection without answering |
//! | `times=2` | apply the fault to the first 2 matching requests only, then answer normally |
//! | `key=name` | the counter `times` counts on (default: the whole header value, or the rule) |
//! | `op=verify_biometric` | apply only to this operation (by the spec's `operationId`) |
//!
//! So a client sending `x-sandbox-fault: status=503;times=2` three times sees 503, 503, then
//! the real answer: exactly what a retry test needs, with no timing involved.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// The sandbox-only request header that injects a fault into that request.
pub const FAULT_HEADER: &str = "x-sandbox-fault";

/// The longest latency a fault may add, so a typo cannot hang a test run.
pub const MAX_LATENCY: Duration = Duration::from_secs(300);

/// What a fault does instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer this status with the vendor's error body.
    Status(u16),
    /// Close the connection without a response.
    Drop,
}

/// One fault: an optional latency and action, how often, and on which operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultRule {
    /// Only this operation (`operationId`); `None` for all.
    pub operation: Option<String>,
    /// Time added before answering.
    pub latency: Option<Duration>,
    /// What to answer instead, if anything.
    pub action: Option<FaultAction>,
    /// Apply to the first `times` matching requests only; `None` for always.
    pub times: Option<u32>,
    /// The counter `times` counts on.
    pub key: Option<String>,
}

impl FaultRule {
    /// A fault answering `status`.
    pub fn status(status: u16) -> Self {
        Self {
            action: Some(FaultAction::Status(status)),
            ..Self::default()
        }
    }

    /// A fault that closes the connection.
    pub fn drop_connection() -> Self {
        Self {
            action: Some(FaultAction::Drop),
            ..Self::default()
        }
    }

    /// A fault adding `latency`.
    pub fn latency(latency: Duration) -> Self {
        Self {
            latency: Some(latency),
            ..Self::default()
        }
    }

    /// Restricts the fault to the operation `operation_id`.
    pub fn on(mut self, operation_id: &str) -> Self {
        self.operation = Some(operation_id.to_string());
        self
    }

    /// Applies the fault to the first `times` matching requests only.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }
}

/// A fault description that does not follow the grammar in the module docs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid fault `{item}`: {reason} (expected e.g. `status=503;times=2`, `latency=200ms`, `drop`)"
)]
pub struct FaultSyntaxError {
    item: String,
    reason: &'static str,
}

impl FromStr for FaultRule {
    type Err = FaultSyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut rule = FaultRule::default();
        let error = |item: &str, reason| FaultSyntaxError {
            item: item.to_string(),
            reason,
        };
        for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (item, None),
            };
            match (name, value) {
                ("drop", None) => rule.action = Some(FaultAction::Drop),
                ("status", Some(value)) => {
                    let status: u16 = value.parse().map_err(|_| error(item, "not a number"))?;
                    if !(400..=599).contains(&status) {
                        return Err(error(item, "the status must be 400 to 599"));
                    }
                    rule.action = Some(FaultAction::Status(status));
                }
                ("latency", Some(value)) => {
                    let latency = parse_duration(value)
                        .ok_or_else(|| error(item, "write milliseconds or seconds: 200ms, 2s"))?;
                    if latency > MAX_LATENCY {
                        return Err(error(item, "at most 300s"));
                    }
                    rule.latency = Some(latency);
                }
                ("times", Some(value)) => {
                    rule.times = Some(value.parse().map_err(|_| error(item, "not a count"))?);
                }
                ("key", Some(value)) if !value.is_empty() => rule.key = Some(value.to_string()),
                ("op", Some(value)) if !value.is_empty() => {
                    rule.operation = Some(value.to_string());
                }
                _ => return Err(error(item, "unknown item")),
            }
        }
        if rule.latency.is_none() && rule.action.is_none() {
            return Err(error(text, "no `latency`, `status` or `drop`"));
        }
        Ok(rule)
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items = Vec::new();
        if let Some(op) = &self.operation {
            items.push(format!("op={op}"));
        }
        if let Some(latency) = self.latency {
            items.push(format!("latency={}ms", latency.as_millis()));
        }
        match self.action {
            Some(FaultAction::Status(status)) => items.push(format!("status={status}")),
            Some(FaultAction::Drop) => items.push("drop".into()),
            None => {}
        }
        if let Some(times) = self.times {
            items.push(format!("times={times}"));
        }
        if let Some(key) = &self.key {
            items.push(format!("key={key}"));
        }
        f.write_str(&items.join(";"))
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.trim().parse().ok().map(Duration::from_millis);
    }
    let seconds = text.strip_suffix('s')?;
    seconds.trim().parse().ok().map(Duration::from_secs)
}

/// What to do to one request: the sum of the latencies and the first action of the faults
/// that apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Injection {
    pub(crate) latency: Duration,
    pub(crate) action: Option<FaultAction>,
}

/// The standing faults and the `times` counters.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    standing: Vec<FaultRule>,
    counters: Mutex<HashMap<String, u32>>,
}

impl Faults {
    pub(crate) fn new(standing: Vec<FaultRule>) -> Self {
        Self {
            standing,
            counters: Mutex::default(),
        }
    }

    /// The faults for one request of `operation`, with its `x-sandbox-fault` header if any.
    pub(crate) fn plan(
        &self,
        operation: &str,
        header: Option<&str>,
    ) -> Result<Injection, FaultSyntaxError> {
        let from_header = header.map(str::parse::<FaultRule>).transpose()?;
        if self.standing.is_empty() && from_header.is_none() {
            return Ok(Injection::default());
        }
        let mut injection = Injection::default();
        let standing = self
            .standing
            .iter()
            .enumerate()
            .map(|(i, rule)| (rule, format!("standing#{i}")));
        let requested = from_header
            .iter()
            .map(|rule| (rule, header.unwrap_or_default().trim().to_string()));
        for (rule, default_key) in standing.chain(requested) {
            if rule.operation.as_deref().is_some_and(|op| op != operation) {
                continue;
            }
            if let Some(times) = rule.times {
                let key = rule.key.clone().unwrap_or(default_key);
                let mut counters = self
                    .counters
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let seen = counters.entry(key).or_insert(0);
                if *seen >= times {
                    continue;
                }
                *seen += 1;
            }
            injection.latency += rule.latency.unwrap_or_default();
            injection.action = injection.action.or(rule.action);
        }
        Ok(injection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let rule: FaultRule = "status=503;times=2".parse().unwrap();
        assert_eq!(rule, FaultRule::status(503).times(2));
        let rule: FaultRule = " latency=200ms ; drop ; key=k ; op=verify_biometric"
            .parse()
            .unwrap();
        assert_eq!(rule.latency, Some(Duration::from_millis(200)));
        assert_eq!(rule.action, Some(FaultAction::Drop));
        assert_eq!(rule.operation.as_deref(), Some("verify_biometric"));
        assert_eq!(rule.to_string().parse::<FaultRule>().unwrap(), rule);
        assert_eq!(
            "latency=2s".parse::<FaultRule>().unwrap().latency,
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        for bad in [
            "",
            "times=2",
            "status=200",
            "status=abc",
            "latency=5m",
            "explode",
            "latency=301s",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn bursts_end_after_times() {
        let faults = Faults::new(vec![FaultRule::status(500).on("get_health").times(1)]);
        let header = Some("status=503;times=2");
        let first = faults.plan("verify_biometric", header).unwrap();
        let second = faults.plan("verify_biometric", header).unwrap();
        let third = faults.plan("verify_biometric", header).unwrap();
        assert_eq!(first.action, Some(FaultAction::Status(503)));
        assert_eq!(second.action, Some(FaultAction::Status(503)));
        assert_eq!(third.action, None);
        assert_eq!(
            faults.plan("get_health", None).unwrap().action,
            Some(FaultAction::Status(500))
        );
        assert_eq!(faults.plan("get_health", None).unwrap().action, None);
    }
}
