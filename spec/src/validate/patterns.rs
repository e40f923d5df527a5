//! The `pattern`s of a spec, compiled once per [`Spec`](crate::Spec): on the first check, every
//! `pattern` string in the document is compiled (ECMA-262, the dialect OpenAPI and the
//! generated types use); later checks look the compiled one up by its text.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// The compiled patterns of one document. A clone starts with the original's compiled set.
#[derive(Clone, Default)]
pub(crate) struct Patterns {
    compiled: OnceLock<Vec<(String, Option<regress::Regex>)>>,
}

impl fmt::Debug for Patterns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.compiled.get() {
            Some(compiled) => write!(f, "Patterns({} compiled)", compiled.len()),
            None => f.write_str("Patterns(not compiled yet)"),
        }
    }
}

impl Patterns {
    /// Whether `text` matches `pattern`, a pattern of `document` (compiled on first use) or
    /// any other (compiled now). A pattern that does not compile matches everything: the
    /// build accepted the spec, and a call is not blocked on a rule nobody can evaluate.
    pub(crate) fn matches(&self, document: &Value, pattern: &str, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| collect(document));
        match compiled.iter().find(|(p, _)| p == pattern) {
            Some((_, regex)) => regex.as_ref().is_none_or(|r| r.find(text).is_some()),
            None => regress::Regex::new(pattern).map_or(true, |r| r.find(text).is_some()),
        }
    }
}

fn collect(document: &Value) -> Vec<(String, Option<regress::Regex>)> {
    let mut out: Vec<(String, Option<regress::Regex>)> = Vec::new();
    crate::refs::walk(document, &mut String::new(), &mut |_, node| {
        if let Some(pattern) = node.get("pattern").and_then(Value::as_str)
            && !out.iter().any(|(p, _)| p == pattern)
        {
            out.push((pattern.to_string(), regress::Regex::new(pattern).ok()));
        }
    });
    out
}
