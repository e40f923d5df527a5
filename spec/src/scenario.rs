//! The documented sandbox scenarios, read from the spec: each is a request the vendor's
//! sandbox answers in a documented way. They live once, on the operation, as `x-scenarios`,
//! and point at the operation's named examples rather than repeating them:
//!
//! ```yaml
//! x-scenarios:
//!   selector: [identityId]          # request fields whose values choose the outcome
//!   outcome: [/data/status, /data/rejectFields]   # what a reader compares (JSON pointers)
//!   error_outcome: [/error_code]    # ... in an error answer (status >= 400), when it differs
//!   cases:
//!     - name: all_match
//!       default: true               # answers any selector value no other case names
//!     - name: invalid_nik           # request and response examples of this name
//!     - name: not_found
//!       request: id_card            # another request example, ...
//!       set: {id_card_number: "3275031210930021"}   # ... with these fields changed
//!       parameters: {x-magic-reply: FAILED}         # path, query or header values
//!       trigger: no_face_detected   # every image of the request carries `kyc-sandbox:<trigger>`
//!       status: 404                 # the answer's status (200 when absent)
//!       response: data_not_found    # the answer's example (the case's name when absent)
//!       x-undocumented: true        # the sandbox's choice, not the vendor's (say why in `description`)
//! ```
//!
//! The sandbox answers from these cases, the tour walks them and the conformance tests
//! iterate them; adding a documented scenario is one case here (plus its examples).

use serde_json::{Map, Value};

use crate::Spec;
use crate::extensions::is_undocumented;

/// One documented scenario of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario<'a> {
    /// The operation's `operationId`.
    pub operation_id: &'a str,
    /// The case's name.
    pub name: &'a str,
    /// What the docs call it: the case's `summary`, else the response example's, else the name.
    pub summary: &'a str,
    /// The request body: the request example with `set` applied; `None` for operations
    /// without a body.
    pub request: Option<Value>,
    /// Path, query and header values, by parameter name.
    pub parameters: Vec<(&'a str, &'a Value)>,
    /// The sandbox trigger every image of the request carries as its comment
    /// (`kyc-sandbox:<trigger>`, see [`crate::image::sample::TRIGGER_PREFIX`]): how a case
    /// chooses an outcome that only the picture could (no face, no card, a similarity).
    pub trigger: Option<&'a str>,
    /// The status the sandbox answers with.
    pub status: u16,
    /// The documented answer (the response example), if the spec gives one.
    pub response: Option<&'a Value>,
    /// The JSON pointers into the answer that say its outcome: `error_outcome` for an error
    /// answer (status >= 400) when the operation gives one, else `outcome`.
    pub outcome: Vec<&'a str>,
    /// False when the sandbox chose this scenario (`x-undocumented: true`).
    pub documented: bool,
    /// The case answers every selector value no other case names (`default: true`).
    pub default: bool,
}

impl Scenario<'_> {
    /// The value of parameter `name`, if the case sets one.
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.parameters
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// A malformed `x-scenarios`: which operation, which case, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The operation.
    pub operation_id: String,
    /// The case (its name or index).
    pub case: String,
    /// What is wrong and how to fix it.
    pub problem: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` x-scenarios case `{}`: {}",
            self.operation_id, self.case, self.problem
        )
    }
}

impl std::error::Error for ScenarioError {}

impl Spec {
    fn scenarios_node(&self, operation_id: &str) -> Option<&Value> {
        let operation = self.operation(operation_id)?;
        self.operation_node(operation).get("x-scenarios")
    }

    /// The request fields whose values choose a scenario of `operation_id` (`selector`).
    pub fn scenario_selector(&self, operation_id: &str) -> Vec<&str> {
        strings(
            self.scenarios_node(operation_id)
                .and_then(|s| s.get("selector")),
        )
    }

    /// The JSON pointers into an answer that say its outcome (`outcome`).
    pub fn scenario_outcome(&self, operation_id: &str) -> Vec<&str> {
        strings(
            self.scenarios_node(operation_id)
                .and_then(|s| s.get("outcome")),
        )
    }

    /// The JSON pointers into an answer of `status` that say its outcome: `error_outcome` for
    /// an error (status >= 400) when the operation gives one, else `outcome`.
    pub fn scenario_outcome_for(&self, operation_id: &str, status: u16) -> Vec<&str> {
        let node = self.scenarios_node(operation_id);
        match node.and_then(|s| s.get("error_outcome")) {
            Some(errors) if status >= 400 => strings(Some(errors)),
            _ => strings(node.and_then(|s| s.get("outcome"))),
        }
    }

    /// Every scenario of `operation_id`, in the spec's order.
    pub fn scenarios(&self, operation_id: &str) -> Result<Vec<Scenario<'_>>, ScenarioError> {
        let Some(operation) = self.operation(operation_id) else {
            return Ok(Vec::new());
        };
        let Some(cases) = self
            .scenarios_node(operation_id)
            .and_then(|s| s.get("cases"))
            .and_then(Value::as_array)
        else {
            return Ok(Vec::new());
        };
        let request_examples = self.request_examples(operation_id);
        cases
            .iter()
            .enumerate()
            .map(|(index, case)| {
                let error = |problem: String| ScenarioError {
                    operation_id: operation_id.to_string(),
                    case: case
                        .get("name")
                        .and_then(Value::as_str)
                        .map_or_else(|| index.to_string(), str::to_string),
                    problem,
                };
                let name = case
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| error("has no `name`".into()))?;
                let request = if operation.request.is_some() {
                    let wanted = case.get("request").and_then(Value::as_str);
                    let example = match wanted {
                        Some(wanted) => request_examples.iter().find(|(n, _)| *n == wanted),
                        None => request_examples
                            .iter()
                            .find(|(n, _)| *n == name)
                            .or(request_examples.first()),
                    };
                    let Some((_, example)) = example else {
                        return Err(error(format!(
                            "names no request example the operation has (`request: {}`); add the example or fix the name",
                            wanted.unwrap_or(name)
                        )));
                    };
                    let mut body = (*example).clone();
                    if let Some(set) = case.get("set").and_then(Value::as_object) {
                        let Some(fields) = body.as_object_mut() else {
                            return Err(error("has `set` but the request example is not an object".into()));
                        };
                        for (field, value) in set {
                            fields.insert(field.clone(), value.clone());
                        }
                    }
                    Some(body)
                } else {
                    None
                };
                let status = match case.get("status") {
                    None => 200,
                    Some(status) => status
                        .as_u64()
                        .and_then(|s| u16::try_from(s).ok())
                        .filter(|s| (100..600).contains(s))
                        .ok_or_else(|| error("has a `status` that is not an HTTP status".into()))?,
                };
                let response_name = case.get("response").and_then(Value::as_str).unwrap_or(name);
                let response = self.answer_example(operation_id, status, response_name);
                if case.get("response").is_some() && response.is_none() {
                    return Err(error(format!(
                        "names a response example `{response_name}` that the {status} answer does not have"
                    )));
                }
                let summary = case
                    .get("summary")
                    .and_then(Value::as_str)
                    .or_else(|| self.answer_summary(operation_id, status, response_name))
                    .unwrap_or(name);
                let parameters = case
                    .get("parameters")
                    .and_then(Value::as_object)
                    .map(Map::iter)
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), v))
                    .collect();
                let trigger = match case.get("trigger") {
                    None => None,
                    Some(Value::String(trigger)) if !trigger.is_empty() => Some(trigger.as_str()),
                    Some(_) => {
                        return Err(error(
                            "has a `trigger` that is not a non-empty string (the text after `kyc-sandbox:`)".into(),
                        ));
                    }
                };
                Ok(Scenario {
                    operation_id: &operation.id,
                    name,
                    summary,
                    request,
                    parameters,
                    trigger,
                    status,
                    response,
                    outcome: self.scenario_outcome_for(operation_id, status),
                    documented: !is_undocumented(case),
                    default: case.get("default").and_then(Value::as_bool) == Some(true),
                })
            })
            .collect()
    }

    /// Every scenario of every operation, operations in key order.
    pub fn all_scenarios(&self) -> Result<Vec<Scenario<'_>>, ScenarioError> {
        let mut out = Vec::new();
        for operation in self.operations() {
            out.extend(self.scenarios(&operation.id)?);
        }
        Ok(out)
    }

    /// The response node answering `status` (references followed).
    fn answer(&self, operation_id: &str, status: u16) -> Option<&Value> {
        let key = self.response_key(operation_id, status)?;
        let operation = self.operation(operation_id)?;
        Some(self.resolve(self.operation_node(operation).get("responses")?.get(key)?))
    }

    fn answer_example_node(&self, operation_id: &str, status: u16, name: &str) -> Option<&Value> {
        self.answer(operation_id, status)?
            .get("content")?
            .as_object()?
            .values()
            .next()?
            .get("examples")?
            .get(name)
    }

    fn answer_example(&self, operation_id: &str, status: u16, name: &str) -> Option<&Value> {
        self.answer_example_node(operation_id, status, name)?
            .get("value")
    }

    fn answer_summary(&self, operation_id: &str, status: u16, name: &str) -> Option<&str> {
        self.answer_example_node(operation_id, status, name)?
            .get("summary")?
            .as_str()
    }
}

fn strings(node: Option<&Value>) -> Vec<&str> {
    node.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}
