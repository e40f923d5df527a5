//! The response view: what makes a documented form an expectation on the response side.
//!
//! A response value whose Rust type would refuse a value of the right JSON kind — a `uuid`,
//! `date` or `date-time` string, a string with a `pattern` or length, an integer, a personal
//! type that checks its text (`Nik`) — is typed `kyc_clients::Expected<T, Raw>` instead of `T`:
//! `Typed(T)` when the value has the documented form, `Raw` (the value as sent) when it does
//! not, so a vendor that echoes a masked NIK or an id of another shape loses nobody a paid
//! result. `Raw` is `String` or `serde_json::Number`, in `Redacted` when the value is personal.
//!
//! Done in the copy of the spec progenitor generates from, never in generated text: each such
//! response property becomes a reference to a schema added here, which typify replaces by the
//! `Expected` type. Requests keep their strict types: a component object that requests use too
//! gets a response twin (`Received<Name>`) for the response side only. Values that break a
//! range or `format: email` need nothing: their Rust types (`f64`, `String`) hold them. The
//! `kyc.drift` events that say what broke come from `kyc_spec::validate` (response direction).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use kyc_spec::{PiiKind, refs};

/// The prefix of the schemas added for `Expected` types (`KycExpected0`, ...), which typify
/// replaces and so never generates; a spec may not use it.
pub(crate) const EXPECTED_PREFIX: &str = "KycExpected";

/// The prefix of the response twins of objects that requests use too.
const TWIN_PREFIX: &str = "Received";

/// The document progenitor generates from, and the `(schema, Rust type)` replacements the
/// added schemas need.
pub(crate) fn response_view(
    mut document: Value,
    types_path: &str,
) -> (Value, Vec<(String, String)>) {
    let original = document.clone();
    let mut view = View {
        original: &original,
        types_path,
        request_side: request_components(&original),
        components: BTreeMap::new(),
        added: Map::new(),
        expected: Vec::new(),
    };
    let mut edits: Vec<(String, Value)> = Vec::new();
    for pointer in response_roots(&original) {
        let Some(schema) = original.pointer(&pointer) else {
            continue;
        };
        if let Some(changed) = view.node(schema, &root_hint(&pointer), false) {
            edits.push((pointer, changed));
        }
    }
    let View {
        components,
        mut added,
        expected,
        ..
    } = view;
    for (pointer, changed) in edits {
        if let Some(slot) = document.pointer_mut(&pointer) {
            *slot = changed;
        }
    }
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, outcome) in components {
            if let Component::InPlace(schema) = outcome {
                schemas.insert(name, schema);
            }
        }
        schemas.append(&mut added);
    }
    let replacements = expected
        .into_iter()
        .enumerate()
        .map(|(i, rust)| (format!("{EXPECTED_PREFIX}{i}"), rust))
        .collect();
    (document, replacements)
}

/// What became of a component schema on the response side.
enum Component {
    /// Being viewed (a reference back to it is left as it is).
    Pending,
    /// Nothing in it changes.
    Unchanged,
    /// Only responses use it: changed where it is.
    InPlace(Value),
    /// Requests use it too: its response twin, by name.
    Twin(String),
}

struct View<'a> {
    original: &'a Value,
    types_path: &'a str,
    /// Component schemas a request body or parameter reaches: they keep their strict types.
    request_side: BTreeSet<String>,
    components: BTreeMap<String, Component>,
    /// Schemas added: twins, hoisted inline forms, and one per `Expected` type.
    added: Map<String, Value>,
    /// The Rust type of each added `Expected` schema, by index.
    expected: Vec<String>,
}

impl View<'_> {
    /// The response form of a schema node, if it differs. `hint` is the Rust name typify would
    /// give an inline schema here; `personal` says an enclosing schema is `x-pii`.
    fn node(&mut self, node: &Value, hint: &str, personal: bool) -> Option<Value> {
        if let Some(name) = refs::reference_of(node).and_then(refs::schema_name) {
            let name = name.to_string();
            let target = self
                .original
                .pointer(&format!("/components/schemas/{name}"))?;
            if let Some(personal_type) = Self::checked(target) {
                let rust = personal_type.unwrap_or_else(|| self.named_type(&name));
                return Some(self.expected_ref(target, rust, personal, None));
            }
            return self
                .component(&name)
                .map(|twin| json!({"$ref": format!("#/components/schemas/{twin}")}));
        }
        if let Some(personal_type) = Self::checked(node) {
            let rust = match personal_type {
                Some(rust) => rust,
                None => self.inline_type(node, hint),
            };
            let description = node.get("description").cloned();
            return Some(self.expected_ref(node, rust, personal, description));
        }
        let personal = personal || PiiKind::of(node).is_some();
        let mut changed = node.clone();
        let mut any = false;
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let hint = format!("{hint}{}", name.to_pascal_case());
                if let Some(new) = self.node(property, &hint, personal) {
                    changed["properties"][name] = new;
                    any = true;
                }
            }
        }
        for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
            if let Some(sub) = node.get(key).filter(|v| v.is_object())
                && let Some(new) = self.node(sub, &format!("{hint}{suffix}"), personal)
            {
                changed[key] = new;
                any = true;
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            let members = node.get(key).and_then(Value::as_array);
            for (i, member) in members.into_iter().flatten().enumerate() {
                if let Some(new) = self.node(member, &format!("{hint}Variant{i}"), personal) {
                    changed[key][i] = new;
                    any = true;
                }
            }
        }
        any.then_some(changed)
    }

    /// The name responses use for component `name` when it differs (its twin), after viewing
    /// it once.
    fn component(&mut self, name: &str) -> Option<String> {
        match self.components.get(name) {
            Some(Component::Twin(twin)) => return Some(twin.clone()),
            Some(_) => return None,
            None => {}
        }
        self.components.insert(name.to_string(), Component::Pending);
        let schema = self
            .original
            .pointer(&format!("/components/schemas/{name}"))?;
        let outcome = match self.node(schema, name, false) {
            None => Component::Unchanged,
            Some(changed) if self.request_side.contains(name) => {
                let twin = self.free_name(&format!("{TWIN_PREFIX}{name}"));
                let mut changed = changed;
                if let Some(description) = changed.get("description").and_then(Value::as_str) {
                    changed["description"] = Value::from(format!(
                        "{description}\n\nAs a response carries it: the values whose documented \
                         form the vendor may not keep are `Expected` (the request type, `{name}`, \
                         stays strict)."
                    ));
                }
                self.added.insert(twin.clone(), changed);
                Component::Twin(twin)
            }
            Some(changed) => Component::InPlace(changed),
        };
        let twin = match &outcome {
            Component::Twin(twin) => Some(twin.clone()),
            _ => None,
        };
        self.components.insert(name.to_string(), outcome);
        twin
    }

    /// `Some(T)` when `schema`'s Rust type refuses some values of the right kind
    /// (`kyc_spec::refuses_values_of_its_kind`): `Some(Some(T))` for a personal type,
    /// `Some(None)` for a type typify generates.
    fn checked(schema: &Value) -> Option<Option<String>> {
        if !kyc_spec::refuses_values_of_its_kind(schema) {
            return None;
        }
        Some(kyc_spec::pii_type(schema).map(str::to_string))
    }

    /// typify's name for component `name`, in the vendor's `types` module.
    fn named_type(&self, name: &str) -> String {
        format!("{}::{}", self.types_path, name.to_pascal_case())
    }

    /// The strict type of an inline checked schema: a known type for a format, typify's for
    /// an integer, else the schema hoisted into a component of typify's name for it (its
    /// constrained newtype, as the field had before).
    fn inline_type(&mut self, schema: &Value, hint: &str) -> String {
        let format = schema.get("format").and_then(Value::as_str);
        match (schema.get("type").and_then(Value::as_str), format) {
            (Some("integer"), Some("int32")) => "i32".into(),
            (Some("integer"), _) => "i64".into(),
            (_, Some("uuid")) => "::uuid::Uuid".into(),
            (_, Some("date")) => "::chrono::naive::NaiveDate".into(),
            (_, Some("date-time")) => "::chrono::DateTime<::chrono::offset::Utc>".into(),
            _ => {
                let name = self.free_name(hint);
                let mut strict = schema.clone();
                if let Some(map) = strict.as_object_mut() {
                    map.remove("nullable");
                }
                self.added.insert(name.clone(), strict);
                self.named_type(&name)
            }
        }
    }

    /// A reference to the added schema of `Expected<strict, Raw>` (in `Option` when `schema`
    /// is nullable), wrapped in `allOf` with the field's description so its doc comment stays.
    fn expected_ref(
        &mut self,
        schema: &Value,
        strict: String,
        personal: bool,
        description: Option<Value>,
    ) -> Value {
        let number = schema.get("type").and_then(Value::as_str) == Some("integer");
        let raw = if number {
            "serde_json::Number"
        } else {
            "String"
        };
        let raw = if personal || PiiKind::of(schema).is_some() {
            format!("crate::Redacted<{raw}>")
        } else {
            raw.to_string()
        };
        let mut rust = format!("crate::Expected<{strict}, {raw}>");
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            rust = format!("Option<{rust}>");
        }
        let index = match self.expected.iter().position(|r| *r == rust) {
            Some(index) => index,
            None => {
                self.expected.push(rust.clone());
                let name = format!("{EXPECTED_PREFIX}{}", self.expected.len() - 1);
                self.added.insert(
                    name,
                    json!({"description": "Replaced by `kyc_clients::Expected` (kyc-codegen)."}),
                );
                self.expected.len() - 1
            }
        };
        let reference = json!({"$ref": format!("#/components/schemas/{EXPECTED_PREFIX}{index}")});
        match description {
            Some(description) => json!({"allOf": [reference], "description": description}),
            None => reference,
        }
    }

    /// `wanted`, or `wanted2`, `wanted3`, ... if the spec or this view has it already.
    fn free_name(&self, wanted: &str) -> String {
        let taken = |name: &str| {
            self.added.contains_key(name)
                || self
                    .original
                    .pointer(&format!("/components/schemas/{name}"))
                    .is_some()
        };
        let mut name = wanted.to_string();
        let mut n = 2;
        while taken(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        name
    }
}

/// The JSON pointers of every response body schema and callback payload schema (a response
/// written as a `$ref` under `/components/responses/...`, once).
pub(crate) fn response_roots(document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let paths = document.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("/paths/{}/{method}", refs::escape(path));
            let responses = op.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                // A response `$ref` (`#/components/responses/...`) is viewed where it lives.
                let pointer = match refs::reference_of(response) {
                    Some(target) => target.trim_start_matches('#').to_string(),
                    None => format!("{at}/responses/{}", refs::escape(status)),
                };
                content_schemas(document, &pointer, &mut out);
            }
            let callbacks = op.get("callbacks").and_then(Value::as_object);
            for (name, callback) in callbacks.into_iter().flatten() {
                for (expression, cb_item) in callback.as_object().into_iter().flatten() {
                    for cb_method in cb_item.as_object().into_iter().flatten().map(|(m, _)| m) {
                        let pointer = format!(
                            "{at}/callbacks/{}/{}/{cb_method}/requestBody",
                            refs::escape(name),
                            refs::escape(expression)
                        );
                        content_schemas(document, &pointer, &mut out);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn content_schemas(document: &Value, holder: &str, out: &mut Vec<String>) {
    let content = document
        .pointer(&format!("{holder}/content"))
        .and_then(Value::as_object);
    for (media, body) in content.into_iter().flatten() {
        if body.get("schema").is_some() {
            out.push(format!("{holder}/content/{}/schema", refs::escape(media)));
        }
    }
}

/// The Rust name for an inline response body at `pointer` (an inline body is rare: the specs
/// name their bodies).
fn root_hint(pointer: &str) -> String {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.to_pascal_case())
        .collect::<String>()
}

/// Component schemas reachable from a request body or a parameter.
fn request_components(document: &Value) -> BTreeSet<String> {
    let mut roots: Vec<&Value> = Vec::new();
    let paths = document.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flatten().map(|(_, item)| item) {
        let mut parameters: Vec<&Value> = Vec::new();
        parameters.extend(
            item.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for (_, op) in item.as_object().into_iter().flatten() {
            parameters.extend(
                op.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
            if let Some(body) = op.get("requestBody") {
                let body = refs::resolve(document, body);
                let content = body.get("content").and_then(Value::as_object);
                roots.extend(
                    content
                        .into_iter()
                        .flatten()
                        .filter_map(|(_, c)| c.get("schema")),
                );
            }
        }
        for parameter in parameters {
            roots.extend(refs::resolve(document, parameter).get("schema"));
        }
    }
    let mut seen = BTreeSet::new();
    for root in roots {
        reach(document, root, &mut seen, 0);
    }
    seen
}

fn reach(document: &Value, node: &Value, seen: &mut BTreeSet<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(name) = refs::reference_of(node).and_then(refs::schema_name) {
        if seen.insert(name.to_string())
            && let Some(target) = document.pointer(&format!("/components/schemas/{name}"))
        {
            reach(document, target, seen, depth + 1);
        }
        return;
    }
    for (_, property) in node
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        reach(document, property, seen, depth + 1);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = node.get(key).filter(|v| v.is_object()) {
            reach(document, sub, seen, depth + 1);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for member in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            reach(document, member, seen, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Demo", "version": "1", "x-vendor": "demo"},
            "paths": {"/screenings": {"post": {
                "operationId": "screen",
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Request"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Screening"}}}}}
            }}},
            "components": {"schemas": {
                "Nik": {"type": "string", "pattern": "^[0-9]{16}$", "x-pii": "nik"},
                "Country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "Address": {"type": "object", "x-pii": "address",
                            "properties": {"country": {"$ref": "#/components/schemas/Country"}}},
                "Request": {"type": "object", "properties": {
                    "nik": {"$ref": "#/components/schemas/Nik"},
                    "address": {"$ref": "#/components/schemas/Address"}}},
                "Screening": {"type": "object", "description": "A screening.", "properties": {
                    "id": {"type": "string", "pattern": "^cftpi_", "description": "The id."},
                    "created": {"type": "string", "format": "date-time"},
                    "score": {"type": "number", "minimum": 0, "maximum": 1},
                    "count": {"type": "integer", "nullable": true},
                    "nik": {"$ref": "#/components/schemas/Nik"},
                    "email": {"type": "string", "format": "email"},
                    "addresses": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/Address"}}}}
            }}
        })
    }

    #[test]
    fn response_values_with_a_checked_form_become_expected() {
        let (document, replacements) = response_view(spec(), "crate::demo::types");
        let schemas = &document["components"]["schemas"];
        let screening = &schemas["Screening"]["properties"];
        let reference = |v: &Value| {
            let r = v
                .pointer("/allOf/0/$ref")
                .or_else(|| v.get("$ref"))
                .unwrap();
            let name = r.as_str().unwrap().rsplit('/').next().unwrap().to_string();
            replacements
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, rust)| rust.clone())
        };
        assert_eq!(
            reference(&screening["id"]).unwrap(),
            "crate::Expected<crate::demo::types::ScreeningId, String>"
        );
        assert_eq!(screening["id"]["description"], "The id.");
        assert_eq!(schemas["ScreeningId"]["pattern"], "^cftpi_");
        assert_eq!(
            reference(&screening["created"]).unwrap(),
            "crate::Expected<::chrono::DateTime<::chrono::offset::Utc>, String>"
        );
        assert_eq!(
            reference(&screening["count"]).unwrap(),
            "Option<crate::Expected<i64, serde_json::Number>>"
        );
        assert_eq!(
            reference(&screening["nik"]).unwrap(),
            "crate::Expected<crate::Nik, crate::Redacted<String>>"
        );
        // A range or an email format: the Rust type holds any such value already.
        assert_eq!(
            screening["score"],
            spec()["components"]["schemas"]["Screening"]["properties"]["score"]
        );
        assert_eq!(screening["email"]["format"], "email");
        // Requests use `Address`: responses get a twin, whose country is personal (inside an
        // address) and `Expected`; the request side keeps the strict type.
        assert_eq!(
            screening["addresses"]["items"]["$ref"],
            "#/components/schemas/ReceivedAddress"
        );
        assert_eq!(
            schemas["Address"],
            spec()["components"]["schemas"]["Address"]
        );
        assert_eq!(
            reference(&schemas["ReceivedAddress"]["properties"]["country"]).unwrap(),
            "crate::Expected<crate::demo::types::Country, crate::Redacted<String>>"
        );
        assert_eq!(
            schemas["Request"],
            spec()["components"]["schemas"]["Request"]
        );
    }
}
