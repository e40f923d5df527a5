//! The callbacks `openapi/iluma.yaml` declares, read once from the spec `build.rs` embeds:
//! each one's name (the product's resource name, which is also the path `router` mounts it
//! on), the operation that sends it, its URL expression, its payload schema and the payload's
//! required non-null properties (what [`detect_kind`](super::detect_kind) looks for), and the
//! token header they carry.

use std::sync::OnceLock;

use reqwest::header::HeaderName;
use serde_json::Value;

/// One declared callback.
#[derive(Debug)]
pub(super) struct Declared {
    pub(super) name: String,
    pub(super) operation_id: String,
    pub(super) expression: String,
    pub(super) payload_schema: String,
    /// The payload schema's required properties that are not `nullable`, sorted: a body that
    /// lacks one of them (or has it `null`) is not this callback's.
    pub(super) required: Vec<String>,
}

/// Every declared callback, and the header that carries the token.
#[derive(Debug)]
pub(super) struct Declarations {
    pub(super) callbacks: Vec<Declared>,
    /// The token header as the spec writes it (`X-CALLBACK-TOKEN`).
    pub(super) token_header: String,
    /// The same, as a header name (lower case) for lookups.
    pub(super) token_header_name: HeaderName,
}

/// The declarations, read from the embedded spec on first use.
pub(super) fn declarations() -> &'static Declarations {
    static DECLARATIONS: OnceLock<Declarations> = OnceLock::new();
    DECLARATIONS.get_or_init(|| read(crate::iluma::spec()))
}

/// Reads the declarations of `spec`. The embedded spec is checked by this module's tests: every
/// callback names a payload schema and carries the same single header.
fn read(spec: &kyc_spec::Spec) -> Declarations {
    let mut callbacks = Vec::new();
    let mut token_header = None;
    for operation in spec.operations() {
        for callback in &operation.callbacks {
            // A callback without a payload schema could not be parsed into a type; the spec's
            // tests refuse one, and here it is not offered.
            let Some(payload_schema) = callback.payload_schema.clone() else {
                continue;
            };
            if token_header.is_none() {
                token_header = callback.headers.first().cloned();
            }
            callbacks.push(Declared {
                name: callback.name.clone(),
                operation_id: operation.id.clone(),
                expression: callback.expression.clone(),
                required: required_values(spec, &payload_schema),
                payload_schema,
            });
        }
    }
    let token_header = token_header.expect("openapi/iluma.yaml declares the callback token header");
    let token_header_name = HeaderName::from_bytes(token_header.as_bytes())
        .expect("the spec's callback token header is a valid header name");
    Declarations {
        callbacks,
        token_header,
        token_header_name,
    }
}

/// The required, non-nullable properties of the component schema `name`, references followed.
fn required_values(spec: &kyc_spec::Spec, name: &str) -> Vec<String> {
    let Some(schema) = spec.schema(name).map(|s| spec.resolve(s)) else {
        return Vec::new();
    };
    let properties = schema.get("properties");
    let mut required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|property| {
            let nullable = properties
                .and_then(|p| p.get(*property))
                .map(|p| spec.resolve(p))
                .and_then(|p| p.get("nullable"))
                .and_then(Value::as_bool);
            nullable != Some(true)
        })
        .map(str::to_string)
        .collect();
    required.sort();
    required
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_callback_names_a_payload_and_carries_the_one_token_header() {
        let spec = crate::iluma::spec();
        let declared: Vec<_> = spec
            .operations()
            .iter()
            .flat_map(|op| op.callbacks.iter().map(move |c| (op, c)))
            .collect();
        assert!(!declared.is_empty(), "the spec declares no callback");
        for (operation, callback) in declared {
            let at = format!("{} callback `{}`", operation.id, callback.name);
            assert!(callback.payload_schema.is_some(), "{at}: no payload $ref");
            assert_eq!(callback.method, "POST", "{at}");
            assert_eq!(
                callback.headers,
                vec![declarations().token_header.clone()],
                "{at}: every callback carries the token header, and only it"
            );
        }
        let in_spec: usize = spec.operations().iter().map(|op| op.callbacks.len()).sum();
        assert_eq!(declarations().callbacks.len(), in_spec);
    }

    #[test]
    fn required_values_leave_out_nullable_properties() {
        let declarations = declarations();
        let individual = declarations
            .callbacks
            .iter()
            .find(|c| c.payload_schema == "IndividualScreening")
            .unwrap();
        assert!(individual.required.contains(&"given_names".to_string()));
        // Required but nullable: present in every payload, often as `null`.
        assert!(!individual.required.contains(&"surname".to_string()));
        assert_eq!(declarations.token_header_name.as_str(), "x-callback-token");
    }
}
