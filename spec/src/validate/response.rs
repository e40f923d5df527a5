//! The response direction of [`Validator`]: what a vendor sent, checked against the spec with
//! the tolerances of the client that reads it.
//!
//! A request breaking any rule is refused. A response is read by a client that tolerates some
//! differences, and those are still reported (a spec that no longer says what the vendor
//! sends is news), with [`Violation::decodes`] set:
//!
//! | difference | rule | decodes |
//! | --- | --- | --- |
//! | a field the schema does not declare (it has `properties`, no `additionalProperties`) | `unknown-field` | yes: generated types ignore unknown fields |
//! | the same under `additionalProperties: false` | `unknown-field` | no: the generated type refuses it |
//! | a value an enum marked `x-open-enum: true` does not list | `enum` | yes: the open enum keeps it |
//! | a required field missing, when it or its object is marked `x-undocumented` (a guess) | `required` | yes: a guessed field is optional on the response side |
//! | a value of the right kind that breaks what its schema expects: `format`, `pattern`, `minLength`/`maxLength`, `minimum`/`maximum`, a fraction where an integer is expected, `minItems`/`maxItems`/`uniqueItems` | its rule | yes: kyc-codegen types such a field `Expected<T, Raw>`, which keeps a value that breaks it as sent |
//! | a status the operation does not declare ([`Validator::status`]) | `status` | no |
//! | a success that is not JSON, of an operation marked free (`x-charged: false`: a health check answering `OK`) | `json` | yes: the client reads it as an empty body |
//! | anything else (a value of another kind, `null` where none is allowed, a required field, an unlisted value of a closed enum, no `oneOf` member) | its rule | no |
//!
//! An undeclared status never decodes: the generated client matches the declared response
//! keys only, and an operation that declares `2XX` declares every 2XX status (a 201 under a
//! `2XX` key is no violation at all).

use serde_json::{Map, Value};

use super::{Rule, Validator, Violation};

/// Which way a value travels, which decides what a reader tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// To the vendor: every violation refuses it.
    #[default]
    Request,
    /// From the vendor: the reader's tolerances apply (see the [module](self)).
    Response,
}

impl Direction {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Response => "response",
        }
    }
}

/// The `schema` of a status violation whose operation the spec does not have.
static NO_SCHEMA: Value = Value::Null;

impl<'s> Validator<'s> {
    /// Checks values as responses: unknown fields are reported, and the tolerated differences
    /// (see the [module](self)) are marked as decoding.
    pub fn response(mut self) -> Self {
        self.direction = Direction::Response;
        self
    }

    /// The direction values are checked in.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether `operation_id` declares the response status `status`: exactly, by its `NXX`
    /// range, or by `default`. `None` when it does; otherwise one [`Rule::Status`] violation
    /// (path empty, never decoding, its `schema` the operation's `responses`) whose message
    /// lists the declared keys. An unknown operation declares nothing.
    pub fn status(&self, operation_id: &str, status: u16) -> Option<Violation<'s>> {
        if self.spec.response_key(operation_id, status).is_some() {
            return None;
        }
        let operation = self.spec.operation(operation_id);
        let declared = operation.map_or_else(String::new, |op| op.statuses.join(", "));
        let schema = operation
            .and_then(|op| self.spec.operation_node(op).get("responses"))
            .unwrap_or(&NO_SCHEMA);
        Some(Violation {
            path: String::new(),
            pointer: String::new(),
            rule: Rule::Status,
            message: format!(
                "HTTP {status} is not a status the operation declares (declared: {declared})"
            ),
            schema,
            decodes: false,
            pii: None,
        })
    }

    /// A JSON response of `operation_id` with `status`: the status against the declared ones
    /// ([`Validator::status`]), then the body against the `application/json` schema of the
    /// response that covers the status. No body check when the status is undeclared or its
    /// response has no JSON schema. Checked as a response whatever this validator's
    /// direction.
    pub fn response_json(
        &self,
        operation_id: &str,
        status: u16,
        body: &[u8],
    ) -> Vec<Violation<'s>> {
        if let Some(undeclared) = self.status(operation_id, status) {
            return vec![undeclared];
        }
        let schema = self
            .spec
            .response_key(operation_id, status)
            .and_then(|key| self.spec.response_schema(operation_id, key));
        let Some(schema) = schema else {
            return Vec::new();
        };
        let mut found = self.response().json(schema, body);
        if let [only] = found.as_mut_slice()
            && only.rule == Rule::Json
        {
            only.decodes = (200..300).contains(&status)
                && self.spec.operation_charged(operation_id) == Some(false);
        }
        found
    }
}

/// Whether a field an object schema does not declare is a violation, and if so whether it
/// decodes: `None` when it is allowed (an `additionalProperties` that is `true` or a schema —
/// the walk checks the latter — or, in a request, no `additionalProperties` at all, or in a
/// response, an object schema without `properties`: a free-form map).
pub(super) fn unknown_field(
    response: bool,
    properties: Option<&Map<String, Value>>,
    additional: Option<&Value>,
) -> Option<bool> {
    match additional {
        Some(Value::Bool(false)) => Some(false),
        Some(_) => None,
        None => (response && properties.is_some()).then_some(true),
    }
}

/// The predicate of an unknown-field violation.
pub(super) fn unknown_field_message(response: bool) -> &'static str {
    if response {
        "is not a field the spec declares"
    } else {
        "is not a field of this request"
    }
}

/// Whether a missing required field is a guess of the spec's: its object or its own schema
/// (references followed) is marked `x-undocumented`.
pub(super) fn guessed(object_undocumented: bool, property: Option<&Value>) -> bool {
    object_undocumented || property.is_some_and(crate::extensions::is_undocumented)
}

#[cfg(test)]
mod tests;
