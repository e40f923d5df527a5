//! What a subcommand takes, read from the spec: one [`Field`] per parameter and per top-level
//! property of the request body, with its flag, help, kind of value and enum values. The
//! command line ([`crate::command`]) and the reading of its values ([`crate::input`]) both walk
//! this one list, so a flag and the field it fills cannot disagree.

use std::sync::OnceLock;

use heck::ToKebabCase as _;
use kyc_spec::{Operation, ParameterLocation, Spec};
use serde_json::Value;

/// A parameter that is a single-use secret: never a flag (a flag lands in shell history), read
/// from `env` or, when that is unset, from standard input. The answer of its operation is
/// printed in full, because the secret cannot fetch it a second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SingleUseSecret {
    pub(crate) vendor: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) parameter: &'static str,
    pub(crate) env: &'static str,
}

/// Iluma's Get API Key token, from its sales team, good for one call.
pub(crate) const SINGLE_USE_SECRETS: &[SingleUseSecret] = &[SingleUseSecret {
    vendor: "iluma",
    operation: "get_api_keys",
    parameter: "token",
    env: "ILUMA_API_KEYS_TOKEN",
}];

/// The single-use secret `operation` of `vendor` takes, if any.
pub(crate) fn single_use_secret(vendor: &str, operation: &str) -> Option<&'static SingleUseSecret> {
    SINGLE_USE_SECRETS
        .iter()
        .find(|s| s.vendor == vendor && s.operation == operation)
}

/// Every vendor spec, parsed once from what `build.rs` embedded.
pub(crate) fn specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        crate::dispatch::SPECS
            .iter()
            .map(|(_, json)| Spec::from_json(json).expect("build.rs embeds specs it has read"))
            .collect()
    })
}

/// The subcommand name of an operation: its `operationId` in kebab case.
pub(crate) fn command_name(operation: &Operation) -> String {
    operation.id.to_kebab_case()
}

/// Where a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A path, query or header parameter.
    Parameter,
    /// A property of the request body (a JSON member or a multipart part).
    Body,
}

/// The JSON type of a single value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Text,
    Integer,
    Number,
    Boolean,
}

/// How a flag's text becomes the field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One value.
    One(Scalar),
    /// A list: the flag repeated (or, for enum values, separated by commas).
    List(Scalar),
    /// A file path: the file's bytes are sent (base64 in JSON, a file part in multipart).
    File,
    /// JSON text, for objects and lists of objects.
    Json,
}

/// One value a subcommand takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The name on the wire (parameter name or body property).
    pub(crate) wire: String,
    /// The flag, without `--`: the wire name in kebab case.
    pub(crate) long: String,
    pub(crate) place: Place,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    /// The first paragraph of the spec's description.
    pub(crate) help: String,
    /// The enum values, when the spec lists them (of the items, for a list).
    pub(crate) values: Vec<String>,
}

impl Field {
    /// The clap argument id: unique across parameters and body properties.
    pub(crate) fn id(&self) -> String {
        match self.place {
            Place::Parameter => format!("parameter:{}", self.wire),
            Place::Body => format!("body:{}", self.wire),
        }
    }
}

/// The fields of `operation`, parameters first, in the spec's order. A single-use secret
/// parameter is not among them (see [`SINGLE_USE_SECRETS`]).
pub(crate) fn fields(spec: &Spec, operation: &Operation) -> Vec<Field> {
    let secret = single_use_secret(&spec.vendor().name, &operation.id);
    let mut out = Vec::new();
    for parameter in &operation.parameters {
        if parameter.location == ParameterLocation::Cookie
            || secret.is_some_and(|s| s.parameter == parameter.name)
        {
            continue;
        }
        let node = spec
            .parameter_node(operation, &parameter.name)
            .unwrap_or(&Value::Null);
        let schema = node.get("schema").map(|s| spec.resolve(s));
        out.push(Field {
            wire: parameter.name.clone(),
            long: parameter.name.to_kebab_case(),
            place: Place::Parameter,
            kind: Kind::One(Scalar::Text),
            required: parameter.required,
            help: first_paragraph(description(spec, node).or_else(|| description(spec, schema?))),
            values: schema.map(|s| enum_values(spec, s)).unwrap_or_default(),
        });
    }
    let Some(body) = &operation.request else {
        return out;
    };
    let Some(schema) = spec.request_schema(&operation.id, &body.media_type) else {
        return out;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let resolved = spec.resolve(property);
        let kind = kind(spec, resolved);
        let values = match kind {
            Kind::List(_) => resolved
                .get("items")
                .map(|items| enum_values(spec, items))
                .unwrap_or_default(),
            _ => enum_values(spec, resolved),
        };
        out.push(Field {
            wire: name.clone(),
            long: name.to_kebab_case(),
            place: Place::Body,
            kind,
            required: required.contains(&name.as_str()),
            help: first_paragraph(description(spec, property)),
            values,
        });
    }
    out
}

/// How values of `schema` are given on the command line.
fn kind(spec: &Spec, schema: &Value) -> Kind {
    let format = schema.get("format").and_then(Value::as_str);
    if spec.image_rule(schema).is_some() || matches!(format, Some("byte" | "binary")) {
        return Kind::File;
    }
    if let Some(scalar) = scalar(schema) {
        return Kind::One(scalar);
    }
    if schema.get("type").and_then(Value::as_str) == Some("array")
        && let Some(scalar) = schema
            .get("items")
            .map(|i| spec.resolve(i))
            .and_then(scalar)
    {
        return Kind::List(scalar);
    }
    Kind::Json
}

fn scalar(schema: &Value) -> Option<Scalar> {
    match schema.get("type").and_then(Value::as_str)? {
        "string" => Some(Scalar::Text),
        "integer" => Some(Scalar::Integer),
        "number" => Some(Scalar::Number),
        "boolean" => Some(Scalar::Boolean),
        _ => None,
    }
}

/// The string enum values of a schema (references followed).
fn enum_values(spec: &Spec, schema: &Value) -> Vec<String> {
    kyc_spec::enum_strings(spec.resolve(schema))
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The description of a node, or of what it references.
fn description<'a>(spec: &'a Spec, node: &'a Value) -> Option<&'a str> {
    node.get("description")
        .or_else(|| spec.resolve(node).get("description"))
        .and_then(Value::as_str)
}

/// The first paragraph of a description, on one line, as plain text.
pub(crate) fn first_paragraph(text: Option<&str>) -> String {
    let text = text.unwrap_or_default().trim();
    let paragraph = text.split("\n\n").next().unwrap_or_default();
    crate::plain::plain(paragraph)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the spec requires of a parameter's value, in words (for a value the library refused
/// before sending): its length, pattern and enum values.
pub(crate) fn parameter_rule(spec: &Spec, operation: &Operation, name: &str) -> Option<String> {
    let schema = spec.resolve(spec.parameter_node(operation, name)?.get("schema")?);
    let mut rules = Vec::new();
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
        rules.push(format!(
            "at least {min} character{}",
            if min == 1 { "" } else { "s" }
        ));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
        rules.push(format!("at most {max} characters"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        rules.push(format!("matching `{pattern}`"));
    }
    let values = enum_values(spec, schema);
    if !values.is_empty() {
        rules.push(format!("one of {}", values.join(", ")));
    }
    (!rules.is_empty()).then(|| rules.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(vendor: &str) -> &'static Spec {
        specs()
            .iter()
            .find(|s| s.vendor().name == vendor)
            .expect("vendor spec")
    }

    fn field(vendor: &str, operation: &str, wire: &str) -> Field {
        let spec = spec(vendor);
        let operation = spec.operation(operation).expect("operation");
        fields(spec, operation)
            .into_iter()
            .find(|f| f.wire == wire)
            .expect("field")
    }

    #[test]
    fn body_properties_become_kebab_case_flags_of_their_kind() {
        let face = field("kredibel", "verify_biometric", "faceImage");
        assert_eq!(
            (face.long.as_str(), face.kind, face.required),
            ("face-image", Kind::File, true)
        );
        let nik = field("kredibel", "verify_biometric", "identityId");
        assert_eq!(
            (nik.long.as_str(), nik.kind),
            ("identity-id", Kind::One(Scalar::Text))
        );
        let scopes = field("iluma", "screen_individual", "scopes");
        assert_eq!(scopes.kind, Kind::List(Scalar::Text));
        assert_eq!(scopes.values, ["PEP", "SANCTION", "OTHER"]);
        let threshold = field("iluma", "screen_individual", "score_threshold");
        assert_eq!(threshold.kind, Kind::One(Scalar::Integer));
        assert_eq!(
            field("iluma", "screen_individual", "addresses").kind,
            Kind::Json
        );
        let selfie = field("iluma", "verify_id_card", "selfie");
        assert_eq!((selfie.long.as_str(), selfie.kind), ("selfie", Kind::File));
    }

    #[test]
    fn parameters_keep_their_enum_values_and_help() {
        let magic = field("iluma", "get_individual_screening", "x-magic-reply");
        assert_eq!(magic.long, "x-magic-reply");
        assert!(magic.values.contains(&"DATA_NOT_FOUND".to_string()));
        assert!(!magic.required);
        let id = field("iluma", "get_individual_screening", "id");
        assert!(id.required && id.help.contains("cftpi_"), "{}", id.help);
    }

    #[test]
    fn the_single_use_token_is_never_a_flag() {
        let spec = spec("iluma");
        let operation = spec.operation("get_api_keys").expect("operation");
        assert!(operation.parameters.iter().any(|p| p.name == "token"));
        assert!(fields(spec, operation).iter().all(|f| f.wire != "token"));
        for secret in SINGLE_USE_SECRETS {
            let spec = specs()
                .iter()
                .find(|s| s.vendor().name == secret.vendor)
                .expect("vendor");
            let operation = spec
                .operation(secret.operation)
                .expect("listed operation exists");
            assert!(
                operation
                    .parameters
                    .iter()
                    .any(|p| p.name == secret.parameter),
                "{} {} has no parameter {}",
                secret.vendor,
                secret.operation,
                secret.parameter
            );
        }
    }

    #[test]
    fn parameter_rules_are_read_from_the_spec() {
        let spec = spec("iluma");
        let operation = spec
            .operation("get_individual_screening")
            .expect("operation");
        assert_eq!(
            parameter_rule(spec, operation, "id").as_deref(),
            Some("at least 1 character")
        );
    }
}
