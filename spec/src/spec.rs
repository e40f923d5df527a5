//! [`Spec`]: one vendor's parsed spec, with everything the workspace looks up in it.

use std::fmt;

use serde_json::Value;

use crate::extensions::{self, ImageRule, PiiKind};
use crate::operation::{self, Operation};
use crate::refs;
use crate::vendor::{Server, VendorInfo};

/// A spec the registry cannot use: a vendor extension it needs is missing or malformed. The
/// message names the JSON path and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecShapeError {
    /// JSON pointer of the element at fault.
    pub path: String,
    /// What is wrong with it.
    pub problem: String,
    /// What the spec author should write instead.
    pub fix: String,
}

impl SpecShapeError {
    pub(crate) fn new(path: &str, problem: &str, fix: &str) -> Self {
        Self {
            path: path.to_string(),
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }
}

impl fmt::Display for SpecShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}; fix: {}", self.path, self.problem, self.fix)
    }
}

impl std::error::Error for SpecShapeError {}

/// One vendor's spec: the document as JSON, its vendor entry and its operations.
///
/// The JSON maps are serde_json's, ordered by key, so "in key order" below means sorted, not
/// as the file is written: serde_json's `preserve_order` would keep the file's order, but it
/// makes every JSON object of every call an index map (+3.5% instructions per call).
#[derive(Debug, Clone)]
pub struct Spec {
    document: Value,
    vendor: VendorInfo,
    operations: Vec<Operation>,
    /// The document's `pattern`s, compiled on first use by [`crate::validate`].
    #[cfg(feature = "validate")]
    patterns: crate::validate::Patterns,
}

impl Spec {
    /// Reads a spec document (the JSON form of an OpenAPI 3.0 document).
    pub fn from_value(document: Value) -> Result<Self, SpecShapeError> {
        let vendor = VendorInfo::read(&document)?;
        let operations = operation::read_all(&document);
        Ok(Self {
            document,
            vendor,
            operations,
            #[cfg(feature = "validate")]
            patterns: Default::default(),
        })
    }

    /// Reads a spec document whose registry entry may be missing or malformed, for tools that
    /// compare revisions of a spec (`kyc-contract`: an old revision may predate `x-vendor`, a
    /// test spec has none). The vendor entry is read when it is valid; otherwise it holds
    /// `info.title` alone (no name, servers, auth or key prefixes).
    pub fn without_registry(document: Value) -> Self {
        let vendor = VendorInfo::read(&document).unwrap_or_else(|_| VendorInfo {
            name: String::new(),
            title: document
                .pointer("/info/title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            servers: Vec::new(),
            auth: None,
            key_prefixes: Default::default(),
        });
        let operations = operation::read_all(&document);
        Self {
            document,
            vendor,
            operations,
            #[cfg(feature = "validate")]
            patterns: Default::default(),
        }
    }

    /// Reads a spec from JSON text (what `build.rs` embeds).
    pub fn from_json(json: &str) -> Result<Self, SpecShapeError> {
        let document = serde_json::from_str(json).map_err(|err| {
            SpecShapeError::new(
                "",
                &format!("is not JSON: {err}"),
                "embed the spec as build.rs writes it",
            )
        })?;
        Self::from_value(document)
    }

    /// The whole document.
    pub fn document(&self) -> &Value {
        &self.document
    }

    #[cfg(feature = "validate")]
    pub(crate) fn patterns(&self) -> &crate::validate::Patterns {
        &self.patterns
    }

    /// The vendor entry: name, servers, auth, key prefixes.
    pub fn vendor(&self) -> &VendorInfo {
        &self.vendor
    }

    /// Every operation: paths in key order, methods in OpenAPI's order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// Whether an answer of operation `id` may have been billed, by the operation alone: its
    /// `x-charged` (`Some(false)` for a free operation such as a health check or a balance).
    pub fn operation_charged(&self, id: &str) -> Option<bool> {
        self.operation(id)?.charged
    }

    /// Every host the spec sends operations to, with its servers: the spec's own first (named
    /// by [`VendorInfo::default_host`]), then each host that operations name with their own
    /// servers (`x-host`), once, in key order.
    pub fn hosts(&self) -> Vec<(&str, &[Server])> {
        let mut hosts = vec![(self.vendor.default_host(), self.vendor.servers.as_slice())];
        for operation in &self.operations {
            if let Some(name) = operation.host()
                && !hosts.iter().any(|(known, _)| *known == name)
            {
                hosts.push((name, operation.servers.as_slice()));
            }
        }
        hosts
    }

    /// The operation object of `operation` in the document.
    pub fn operation_node(&self, operation: &Operation) -> &Value {
        // `paths.<path>.<method>` looked up directly, not through `operation.pointer`: request
        // validation asks on every call, and a JSON-pointer lookup allocates each segment.
        let method = operation::METHODS
            .into_iter()
            .find(|m| m.eq_ignore_ascii_case(&operation.method));
        method
            .and_then(|method| {
                self.document
                    .get("paths")?
                    .get(&operation.path)?
                    .get(method)
            })
            .unwrap_or(&Value::Null)
    }

    /// The parameter object of `operation` named `name`, references followed: the operation's
    /// own before the path item's, which it overrides (as in OpenAPI).
    pub fn parameter_node(&self, operation: &Operation, name: &str) -> Option<&Value> {
        let path_item = self.document.get("paths")?.get(&operation.path)?;
        [self.operation_node(operation), path_item]
            .into_iter()
            .filter_map(|node| node.get("parameters")?.as_array())
            .flatten()
            .map(|parameter| self.resolve(parameter))
            .find(|parameter| parameter.get("name").and_then(Value::as_str) == Some(name))
    }

    /// A component schema by name.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.document.get("components")?.get("schemas")?.get(name)
    }

    /// Every component schema, by name, in key order.
    pub fn schemas(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.document
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.as_str(), schema))
    }

    /// Follows a node's `$ref`s (see [`refs::resolve`]).
    pub fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        refs::resolve(&self.document, node)
    }

    /// The request body schema of `operation_id` for `media_type`, references followed.
    pub fn request_schema(&self, operation_id: &str, media_type: &str) -> Option<&Value> {
        let operation = self.operation(operation_id)?;
        let body = self.resolve(self.operation_node(operation).get("requestBody")?);
        let schema = body.get("content")?.get(media_type)?.get("schema")?;
        Some(self.resolve(schema))
    }

    /// The response schema of `operation_id` for a status key as written (`"200"`, `"4XX"`),
    /// JSON media type, references followed.
    pub fn response_schema(&self, operation_id: &str, status: &str) -> Option<&Value> {
        let operation = self.operation(operation_id)?;
        let response = self.resolve(
            self.operation_node(operation)
                .get("responses")?
                .get(status)?,
        );
        let schema = response
            .get("content")?
            .get("application/json")?
            .get("schema")?;
        Some(self.resolve(schema))
    }

    /// The response key that covers `status` for `operation_id`: exact, else its `NXX` range,
    /// else `default`.
    pub fn response_key(&self, operation_id: &str, status: u16) -> Option<&str> {
        let operation = self.operation(operation_id)?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        [exact.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|key| operation.statuses.iter().find(|s| s.as_str() == key))
            .map(String::as_str)
    }

    /// The image rule of a schema node (references followed), if it is an image field.
    pub fn image_rule(&self, schema: &Value) -> Option<ImageRule> {
        ImageRule::from_schema(self.resolve(schema))
    }

    /// The image fields of an object schema, `(property, rule)` in the schema's order.
    pub fn image_fields<'a>(&'a self, schema: &'a Value) -> Vec<(&'a str, ImageRule)> {
        self.resolve(schema)
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, property)| Some((name.as_str(), self.image_rule(property)?)))
            .collect()
    }

    /// Where personal data sits in values of the component schema `name` (see
    /// [`extensions::pii_paths`]); empty for an unknown name.
    pub fn pii_paths(&self, name: &str) -> Vec<(String, PiiKind)> {
        self.schema(name)
            .map(|schema| extensions::pii_paths(&self.document, schema))
            .unwrap_or_default()
    }

    /// `x-charged` of `code` in the error-code schema `schema_name`.
    pub fn charged(&self, schema_name: &str, code: &str) -> Option<bool> {
        extensions::charged(self.schema(schema_name)?, code)
    }

    /// Whether the vendor bills an answer with HTTP `status`, from `x-charged` on the response
    /// objects (see [`extensions::response_charged`]): the response each operation declares for
    /// it (exact, else its `NXX` range, else `default`). `None` when they are silent or
    /// disagree: then the error body decides. A status no operation declares takes the verdict
    /// of the declared statuses of its class when they all agree (Iluma declares 500 and 503,
    /// both not billed, so an undeclared 502 is not billed either).
    pub fn status_charged(&self, status: u16) -> Option<bool> {
        let mut verdicts = self
            .operations
            .iter()
            .filter_map(|op| {
                let key = self.response_key(&op.id, status)?;
                Some(self.response_charged(op, key))
            })
            .peekable();
        if verdicts.peek().is_some() {
            return agreed(verdicts);
        }
        let class = char::from(b'0' + (status / 100 % 10) as u8);
        agreed(self.operations.iter().flat_map(|op| {
            op.statuses
                .iter()
                .filter(move |key| key.starts_with(class))
                .map(move |key| self.response_charged(op, key))
        }))
    }

    fn response_charged(&self, operation: &Operation, key: &str) -> Option<bool> {
        let response = self.operation_node(operation).get("responses")?.get(key)?;
        extensions::response_charged(self.resolve(response))
    }

    /// `x-status` of `code` in the error-code schema `schema_name`.
    pub fn status_of(&self, schema_name: &str, code: &str) -> Option<u16> {
        extensions::status(self.schema(schema_name)?, code)
    }

    /// The string values of an enum schema (references followed).
    pub fn enum_values(&self, name: &str) -> Vec<&str> {
        self.schema(name)
            .map(|s| enum_strings(self.resolve(s)))
            .unwrap_or_default()
    }

    /// A vendor extension on a component schema's property, e.g. `x-threshold` on
    /// `FaceMatch.face`.
    pub fn property_extension(
        &self,
        schema: &str,
        property: &str,
        extension: &str,
    ) -> Option<&Value> {
        self.resolve(self.schema(schema)?)
            .get("properties")?
            .get(property)?
            .get(extension)
    }

    /// The named examples of a response component (`components/responses/<name>`), as
    /// `(example name, value)`.
    pub fn response_examples(&self, name: &str) -> Vec<(&str, &Value)> {
        let Some(response) = self
            .document
            .pointer(&format!("/components/responses/{}", refs::escape(name)))
        else {
            return Vec::new();
        };
        examples_of(response)
    }

    /// The named examples of every response of `operation_id` with status key `status`.
    pub fn operation_response_examples(
        &self,
        operation_id: &str,
        status: &str,
    ) -> Vec<(&str, &Value)> {
        let Some(operation) = self.operation(operation_id) else {
            return Vec::new();
        };
        let Some(response) = self
            .operation_node(operation)
            .get("responses")
            .and_then(|r| r.get(status))
        else {
            return Vec::new();
        };
        examples_of(self.resolve(response))
    }

    /// The named request examples of `operation_id` (first media type).
    pub fn request_examples(&self, operation_id: &str) -> Vec<(&str, &Value)> {
        let Some(operation) = self.operation(operation_id) else {
            return Vec::new();
        };
        let Some(body) = self.operation_node(operation).get("requestBody") else {
            return Vec::new();
        };
        examples_of(self.resolve(body))
    }
}

/// The one verdict every item gives; `None` when there are none, one is silent, or two differ.
fn agreed(mut verdicts: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let first = verdicts.next()??;
    verdicts.all(|v| v == Some(first)).then_some(first)
}

/// `(name, value)` of every example under a response's or request body's first media type.
fn examples_of(node: &Value) -> Vec<(&str, &Value)> {
    node.get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|media| media.get("examples"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, example)| Some((name.as_str(), example.get("value")?)))
        .collect()
}

/// The string values of a schema node's `enum` (not following references); empty for a node
/// without one.
pub fn enum_strings(schema: &Value) -> Vec<&str> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The JSON type of a value as a schema's `type` names it: `integer` for a whole number (as
/// JSON writes it: `90.0` is a `number`), `number` for any other.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
