//! Tolerant reading of responses: what kyc-codegen adds so that a vendor answer that differs
//! from what the spec lists or guesses still decodes, while requests stay strict (the client
//! validates every request against the spec with `kyc_spec::validate` before sending, so an
//! open type never lets an unlisted value out).
//!
//! - **Open enums.** A component string enum marked `x-open-enum: true` becomes a type written
//!   here instead of typify's closed enum: one variant per listed value plus `Unknown(String)`,
//!   which keeps an unlisted value and encodes it back unchanged. typify is told to use it
//!   (`with_replacement`); nothing generated is edited. Every enum a response can carry must be
//!   marked ([`check`]).
//! - **Undocumented bodies.** A component object schema marked `x-undocumented: true` is a
//!   guess: in the copy of the spec progenitor generates from, its `required` list is dropped
//!   (every guessed field is an `Option`) and the fields it does not name are kept in a
//!   flattened `extra` map whose values print `[redacted]` (the spec itself keeps `required`,
//!   so validators still say which guessed field was missing).
//!
//! The open enums live in the vendor's `types` module beside progenitor's types ([`wrap`]).

use std::collections::BTreeSet;

use heck::ToPascalCase;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use kyc_spec::{SpecError, extensions, refs};

/// The component schema kyc-codegen adds (to the copy progenitor sees) for the values of an
/// undocumented body's unknown fields.
pub(crate) const UNDOCUMENTED_FIELD: &str = "UndocumentedField";

/// Its Rust type: any JSON, `Debug` printing `[redacted]` (an API-key body carries a key).
const UNDOCUMENTED_FIELD_TYPE: &str = "crate::Redacted<serde_json::Value>";

/// One open enum of a spec.
#[derive(Debug, Clone)]
pub(crate) struct OpenEnum {
    name: String,
    description: String,
    values: Vec<String>,
    nullable: bool,
}

/// The component schemas marked `x-open-enum: true`, in document order. [`check`] has
/// refused marks on anything but a string enum.
pub(crate) fn open_enums(document: &Value) -> Vec<OpenEnum> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter(|(_, schema)| extensions::is_open_enum(schema))
        .map(|(name, schema)| OpenEnum {
            name: name.clone(),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim_end()
                .to_string(),
            values: enum_strings(schema),
            nullable: schema.get("nullable").and_then(Value::as_bool) == Some(true),
        })
        .collect()
}

fn enum_strings(schema: &Value) -> Vec<String> {
    kyc_spec::enum_strings(schema)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The variant name of a listed value, as typify names enum variants (`verified_with_reason`
/// is `VerifiedWithReason`, `PEP` is `Pep`), so opening an enum keeps its variants' names.
fn variant_name(value: &str) -> String {
    let cleaned: String = value
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = cleaned.to_pascal_case();
    match name.chars().next() {
        None => "X".into(),
        Some(c) if c.is_alphabetic() => name,
        Some(_) => format!("X{name}"),
    }
}

/// `(schema name, Rust type)` for typify: the open type, in `Option` when the schema is
/// `nullable`; and the type of an undocumented body's unknown fields.
pub(crate) fn replacements(enums: &[OpenEnum], types_path: &str) -> Vec<(String, String)> {
    enums
        .iter()
        .map(|e| {
            let path = format!("{types_path}::{}", e.name);
            let rust = if e.nullable {
                format!("Option<{path}>")
            } else {
                path
            };
            (e.name.clone(), rust)
        })
        .chain(std::iter::once((
            UNDOCUMENTED_FIELD.to_string(),
            UNDOCUMENTED_FIELD_TYPE.to_string(),
        )))
        .collect()
}

/// The copy of `spec` progenitor generates from: every `x-undocumented` component object
/// loses its `required` list and keeps unknown fields in a flattened `extra` map, and the
/// schema of that map's values is added.
pub(crate) fn for_generation(mut spec: OpenAPI) -> OpenAPI {
    let Some(components) = spec.components.as_mut() else {
        return spec;
    };
    let mut any = false;
    for schema in components.schemas.values_mut() {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let undocumented = schema
            .schema_data
            .extensions
            .get("x-undocumented")
            .and_then(Value::as_bool)
            == Some(true);
        if let (true, SchemaKind::Type(Type::Object(object))) =
            (undocumented, &mut schema.schema_kind)
        {
            object.required.clear();
            object.additional_properties = Some(AdditionalProperties::Schema(Box::new(
                ReferenceOr::ref_(&format!("#/components/schemas/{UNDOCUMENTED_FIELD}")),
            )));
            any = true;
        }
    }
    if any {
        let field = openapiv3::Schema {
            schema_data: openapiv3::SchemaData {
                description: Some(
                    "A field an undocumented body carries that the spec's guess does not name, \
                     kept as sent."
                        .into(),
                ),
                ..Default::default()
            },
            schema_kind: SchemaKind::Any(Default::default()),
        };
        components
            .schemas
            .insert(UNDOCUMENTED_FIELD.into(), ReferenceOr::Item(field));
    }
    spec
}

/// Refuses marks the generator cannot honour, and response enums left closed: an `x-open-enum`
/// that is not on a component string enum, a listed value whose variant name clashes, the
/// reserved schema name, and any enum a response (or callback payload) can carry without the
/// mark.
pub(crate) fn check(file: &str, document: &Value, problems: &mut Vec<SpecError>) {
    if document
        .pointer(&format!("/components/schemas/{UNDOCUMENTED_FIELD}"))
        .is_some()
    {
        problems.push(SpecError::at(
            file,
            format!("/components/schemas/{UNDOCUMENTED_FIELD}"),
            format!(
                "`{UNDOCUMENTED_FIELD}` is the name kyc-codegen gives the unknown fields of `x-undocumented` bodies"
            ),
            "rename the schema",
        ));
    }
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        if name.starts_with(crate::expected::EXPECTED_PREFIX) {
            problems.push(SpecError::at(
                file,
                format!("/components/schemas/{name}"),
                format!(
                    "schema names starting with `{}` are the ones kyc-codegen gives the \
                     response fields it types `Expected`",
                    crate::expected::EXPECTED_PREFIX
                ),
                "rename the schema",
            ));
        }
    }
    let mut marked = Vec::new();
    refs::walk(document, &mut String::new(), &mut |at, node| {
        if node.get("x-open-enum").is_some() {
            marked.push((at.to_string(), node.clone()));
        }
        if let Some(mark) = node.get("x-undocumented") {
            check_undocumented(file, at, node, mark, problems);
        }
    });
    for (at, node) in &marked {
        let is_component = at
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        let string_enum = node.get("type").and_then(Value::as_str) == Some("string")
            && node.get("enum").and_then(Value::as_array).is_some_and(|v| {
                v.iter().all(|value| value.is_string() || value.is_null()) && !v.is_empty()
            });
        if node.get("x-open-enum").and_then(Value::as_bool).is_none() {
            problems.push(SpecError::at(
                file,
                format!("{at}/x-open-enum"),
                "`x-open-enum` must be `true` or `false`",
                "write `x-open-enum: true`",
            ));
        } else if !extensions::is_open_enum(node) {
            continue;
        } else if !is_component {
            problems.push(SpecError::at(
                file,
                format!("{at}/x-open-enum"),
                "`x-open-enum` on an inline schema: only a named schema can get the open type",
                "move the enum into components/schemas under a domain name and `$ref` it",
            ));
        } else if !string_enum {
            problems.push(SpecError::at(
                file,
                format!("{at}/x-open-enum"),
                "`x-open-enum` on a schema that is not a `type: string` enum",
                "remove `x-open-enum`, or give the schema `type: string` and an `enum` list",
            ));
        } else {
            check_variants(file, at, node, problems);
        }
    }
    let reachable = response_schemas(document);
    for (at, node) in reachable {
        if node.get("enum").is_none() || extensions::is_open_enum(node) {
            continue;
        }
        let named = at
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        let fix = if named {
            "add `x-open-enum: true`: a value the vendor adds then decodes as `Unknown` instead of \
             failing the call (requests are still refused when they carry an unlisted value)"
        } else {
            "move the enum into components/schemas under a domain name, `$ref` it and mark it \
             `x-open-enum: true`"
        };
        problems.push(SpecError::at(
            file,
            at.clone(),
            "an enum that responses carry is closed: a value the vendor adds would fail the call",
            fix,
        ));
    }
}

/// `x-undocumented` is `true` (the whole element is a guess) or a list of the keywords of its
/// object that are inferences (`[format]`, `[minimum, maximum]`): each must be there.
fn check_undocumented(
    file: &str,
    at: &str,
    node: &Value,
    mark: &Value,
    problems: &mut Vec<SpecError>,
) {
    // An example's own `x-undocumented` sits among its fields; a property named so is data.
    if at.ends_with("/properties") || at.contains("/example") {
        return;
    }
    let keywords = match mark {
        Value::Bool(_) => return,
        Value::Array(keywords) if !keywords.is_empty() => keywords,
        _ => {
            problems.push(SpecError::at(
                file,
                format!("{at}/x-undocumented"),
                "`x-undocumented` must be `true` or a list of the keywords that are inferences",
                "write `x-undocumented: true` for a guessed element, or `x-undocumented: [format]` \
                 naming the guessed constraints (and say why in `description`)",
            ));
            return;
        }
    };
    for keyword in keywords {
        let present = keyword
            .as_str()
            .is_some_and(|k| k != "x-undocumented" && node.get(k).is_some());
        if !present {
            problems.push(SpecError::at(
                file,
                format!("{at}/x-undocumented"),
                format!("`x-undocumented` names {keyword}, which this object does not have"),
                "list only keywords the object has (`format`, `pattern`, `minimum`, `x-charged`, ...)",
            ));
        }
    }
}

fn check_variants(file: &str, at: &str, node: &Value, problems: &mut Vec<SpecError>) {
    let mut seen = BTreeSet::new();
    for value in enum_strings(node) {
        let variant = variant_name(&value);
        let clash = variant == "Unknown" || !seen.insert(variant.clone());
        if clash {
            problems.push(SpecError::at(
                file,
                format!("{at}/enum"),
                format!(
                    "the value `{value}` would be the variant `{variant}`, which another value or \
                     the open enum's `Unknown` already is"
                ),
                "rename the schema's values so each gives its own variant name, or drop \
                 `x-open-enum`",
            ));
        }
    }
}

/// Every schema node a response body or callback payload can hold, with its JSON pointer
/// (component schemas once, under `/components/schemas/...`).
fn response_schemas(document: &Value) -> Vec<(String, &Value)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for pointer in crate::expected::response_roots(document) {
        if let Some(schema) = document.pointer(&pointer) {
            collect(document, schema, pointer, &mut seen, &mut out, 0);
        }
    }
    out
}

fn collect<'a>(
    document: &'a Value,
    node: &'a Value,
    pointer: String,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<(String, &'a Value)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    if let Some(target) = refs::reference_of(node) {
        if !seen.insert(target.to_string()) {
            return;
        }
        let pointer = target.trim_start_matches('#').to_string();
        if let Some(resolved) = document.pointer(&pointer) {
            collect(document, resolved, pointer, seen, out, depth + 1);
        }
        return;
    }
    out.push((pointer.clone(), node));
    let child = |key: &str| format!("{pointer}/{}", refs::escape(key));
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let at = format!("{}/{}", child("properties"), refs::escape(name));
            collect(document, property, at, seen, out, depth + 1);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = node.get(key).filter(|v| v.is_object()) {
            collect(document, sub, child(key), seen, out, depth + 1);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for (i, member) in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            collect(
                document,
                member,
                format!("{}/{i}", child(key)),
                seen,
                out,
                depth + 1,
            );
        }
    }
}

/// The client file: progenitor's output in a module of its own, re-exported whole, and a
/// `types` module that re-exports progenitor's types beside the open enums written here, so
/// callers name every type `types::X`.
pub(crate) fn wrap(
    progenitor: &str,
    enums: &[OpenEnum],
    json_schema: bool,
) -> Result<String, syn::Error> {
    let generated: syn::File = syn::parse_str(progenitor)?;
    let items = enums.iter().map(|e| enum_tokens(e, json_schema));
    let tokens = quote! {
        /// What progenitor generates from the spec, unchanged.
        pub mod api {
            #generated
        }
        pub use self::api::*;
        /// Types used as operation parameters and responses: progenitor's, and the open enums
        /// kyc-codegen writes for the schemas marked `x-open-enum`.
        pub mod types {
            pub use super::api::types::*;
            #(#items)*
        }
    };
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}

fn enum_tokens(e: &OpenEnum, json_schema: bool) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let name_text = &e.name;
    let values = &e.values;
    let variants: Vec<_> = e
        .values
        .iter()
        .map(|v| format_ident!("{}", variant_name(v)))
        .collect();
    let value_docs: Vec<String> = e.values.iter().map(|v| format!("`{v}`")).collect();
    let note = "Open (`x-open-enum` in the spec): a value the spec does not list decodes as \
                [`Self::Unknown`], keeping the text, and encodes back unchanged. Requests carrying \
                one are refused before sending.";
    let doc = if e.description.is_empty() {
        note.to_string()
    } else {
        format!("{}\n\n{note}", e.description)
    };
    let schema_doc = schema_description(&e.description);
    let expecting = format!("a string ({name_text})");
    let body = quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #value_docs] #variants,)*
            /// A value the spec does not list, as the vendor sent it.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The values the spec lists, in its order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether the spec lists this value (`false` for a value kept in `Unknown`).
            pub fn is_known(&self) -> bool {
                Self::VALUES.contains(&self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        // By the wire value, so `Unknown("PEP")` built by hand equals `Pep`.
        impl ::std::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(
                        self,
                        value: &str,
                    ) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(
                        self,
                        value: ::std::string::String,
                    ) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

    };
    // The schema impl only where the crate derives JsonSchema (kyc-clients' `schemars`
    // feature): a consumer's build has no schemars to name.
    let schema_impl = if json_schema {
        quote! {
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_text.to_string()
            }

            fn json_schema(
                _: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                use ::schemars::schema::{InstanceType, Metadata, SchemaObject, SubschemaValidation};
                let listed = SchemaObject {
                    instance_type: Some(InstanceType::String.into()),
                    enum_values: Some(vec![#(::serde_json::Value::from(#values)),*]),
                    ..Default::default()
                };
                let unlisted = SchemaObject {
                    metadata: Some(Box::new(Metadata {
                        description: Some(
                            "A value the spec does not list, kept as sent (`Unknown`).".into(),
                        ),
                        ..Default::default()
                    })),
                    instance_type: Some(InstanceType::String.into()),
                    ..Default::default()
                };
                SchemaObject {
                    metadata: Some(Box::new(Metadata {
                        description: Some(#schema_doc.into()),
                        ..Default::default()
                    })),
                    subschemas: Some(Box::new(SubschemaValidation {
                        any_of: Some(vec![listed.into(), unlisted.into()]),
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
        }
    } else {
        TokenStream::new()
    };
    quote! {
        #body
        #schema_impl
    }
}

/// A description as schemars writes the ones of derived types: the lines of a paragraph
/// joined by spaces, paragraphs by a blank line, so open enums read like their neighbours in
/// the schema snapshots.
fn schema_description(description: &str) -> String {
    description
        .split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_follow_typify() {
        assert_eq!(variant_name("verified_with_reason"), "VerifiedWithReason");
        assert_eq!(variant_name("identityId"), "IdentityId");
        assert_eq!(variant_name("PEP"), "Pep");
        assert_eq!(
            variant_name("API_KEY_IS_NOT_LIVE_ERROR"),
            "ApiKeyIsNotLiveError"
        );
        assert_eq!(variant_name("2fa"), "X2fa");
    }

    #[test]
    fn descriptions_read_like_schemars() {
        assert_eq!(
            schema_description("One\ntwo.\n\n- a;\n  b.\n"),
            "One two.\n\n- a; b."
        );
    }
}
