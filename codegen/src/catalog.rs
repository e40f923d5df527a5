//! The catalog: a small generated module beside each client that lists the spec's operations
//! (the contract summary reviewers read) and maps every schema name to its generated type, so
//! tests can be driven by the spec alone — a new example or schema needs no new test code.

use std::fmt::Write as _;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::check::{operations, resolve_parameter, resolve_response};

/// One operation as a caller of the generated client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSummary {
    /// The `operationId`, which is also the Rust method name.
    pub operation_id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Parameters as `(name, location, required)`, location being `path`, `query`, `header`
    /// or `cookie`: each becomes a builder method named after it in snake_case.
    pub parameters: Vec<(String, String, bool)>,
    /// The request body's schema name and media type, if the operation has a body.
    pub request: Option<(String, String)>,
    /// The success body's schema name (`()` when there is none).
    pub success: String,
    /// The error body's schema name (`()` when there is none).
    pub error: String,
    /// Whether the request carries credentials (the operation's `security`, else the spec's).
    pub authenticated: bool,
    /// True when the method is written by hand in `client/` rather than generated.
    pub hand_written: bool,
    /// The vendor doc page the operation comes from (`externalDocs.url`).
    pub doc_url: Option<String>,
}

fn schema_name(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> Option<String> {
    match schema? {
        ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(str::to_string),
        ReferenceOr::Item(_) => Some("(inline)".into()),
    }
}

/// Summaries of every operation of a spec, in document order.
pub fn operation_summaries(spec: &OpenAPI, hand_written: &[String]) -> Vec<OperationSummary> {
    operations(spec)
        .into_iter()
        .map(|(path, method, op, path_params)| {
            let parameters = path_params
                .iter()
                .chain(&op.parameters)
                .filter_map(|p| resolve_parameter(spec, p))
                .map(|p| {
                    let location = match p {
                        openapiv3::Parameter::Path { .. } => "path",
                        openapiv3::Parameter::Query { .. } => "query",
                        openapiv3::Parameter::Header { .. } => "header",
                        openapiv3::Parameter::Cookie { .. } => "cookie",
                    };
                    let data = p.parameter_data_ref();
                    (data.name.clone(), location.to_string(), data.required)
                })
                .collect();
            let request = op
                .request_body
                .as_ref()
                .and_then(|b| b.as_item())
                .and_then(|b| b.content.iter().next())
                .map(|(mt, content)| {
                    (
                        schema_name(content.schema.as_ref()).unwrap_or_else(|| "(none)".into()),
                        mt.clone(),
                    )
                });
            let body_of = |success: bool| {
                let mut names: Vec<String> = op
                    .responses
                    .responses
                    .iter()
                    .filter(|(code, _)| {
                        let class = match code {
                            StatusCode::Code(c) => *c / 100,
                            StatusCode::Range(r) => *r,
                        };
                        (class <= 3) == success
                    })
                    .map(|(_, r)| r)
                    .chain(op.responses.default.as_ref())
                    .filter_map(|r| resolve_response(spec, r))
                    .map(|r| {
                        r.content
                            .values()
                            .next()
                            .and_then(|c| schema_name(c.schema.as_ref()))
                            .unwrap_or_else(|| "()".into())
                    })
                    .collect();
                names.sort();
                names.dedup();
                if names.is_empty() {
                    "()".into()
                } else {
                    names.join(" | ")
                }
            };
            let operation_id = op.operation_id.clone().unwrap_or_default();
            let security = op.security.as_ref().or(spec.security.as_ref());
            OperationSummary {
                authenticated: security.is_some_and(|s| s.iter().any(|r| !r.is_empty())),
                hand_written: hand_written.contains(&operation_id),
                operation_id,
                method: method.to_uppercase(),
                path: path.to_string(),
                parameters,
                request,
                success: body_of(true),
                error: body_of(false),
                doc_url: op.external_docs.as_ref().map(|d| d.url.clone()),
            }
        })
        .collect()
}

/// Rust source for the catalog module of one vendor. It is `include!`d inside the vendor module,
/// next to the generated `types`.
pub(crate) fn catalog_source(
    spec: &OpenAPI,
    hand_written: &[String],
    replacements: &[(String, String)],
) -> String {
    // A replaced schema's Rust type is the hand-written one, not `types::<Name>`.
    let rust_type = |name: &str| {
        replacements
            .iter()
            .find(|(schema, _)| schema == name)
            .map(|(_, path)| path.clone())
            .unwrap_or_else(|| format!("types::{name}"))
    };
    let mut out = String::new();
    let summaries = operation_summaries(spec, hand_written);
    out.push_str("/// Every operation in the spec, in document order: the contract summary.\n");
    out.push_str("pub const OPERATIONS: &[crate::catalog::Operation] = &[\n");
    for s in &summaries {
        let (request, media) = match &s.request {
            Some((name, mt)) => (format!("Some({name:?})"), format!("Some({mt:?})")),
            None => ("None".into(), "None".into()),
        };
        let parameters: Vec<String> = s
            .parameters
            .iter()
            .map(|(name, location, required)| {
                format!(
                    "crate::catalog::Parameter {{ name: {name:?}, location: {location:?}, required: {required} }}"
                )
            })
            .collect();
        let doc = match &s.doc_url {
            Some(url) => format!("Some({url:?})"),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "    crate::catalog::Operation {{ operation_id: {:?}, method: {:?}, path: {:?}, \
             parameters: &[{}], request_type: {request}, request_media_type: {media}, success_type: {:?}, \
             error_type: {:?}, authenticated: {}, hand_written: {}, doc_url: {doc} }},",
            s.operation_id,
            s.method,
            s.path,
            parameters.join(", "),
            s.success,
            s.error,
            s.authenticated,
            s.hand_written
        );
    }
    out.push_str("];\n\n");

    let names: Vec<&String> = spec
        .components
        .as_ref()
        .map(|c| c.schemas.keys().collect())
        .unwrap_or_default();
    out.push_str("/// Every schema name in the spec; each is a type in `types`.\n");
    out.push_str("pub const SCHEMAS: &[&str] = &[\n");
    for name in &names {
        let _ = writeln!(out, "    {name:?},");
    }
    out.push_str("];\n\n");

    out.push_str(
        "/// Decodes `value` as the generated type for `schema`; `None` if the spec has no such schema.\n\
         pub fn decode(schema: &str, value: serde_json::Value) -> Option<Result<crate::catalog::Decoded, serde_json::Error>> {\n    \
         match schema {\n",
    );
    for name in &names {
        let _ = writeln!(
            out,
            "        {name:?} => Some(crate::catalog::Decoded::of::<{}>(value)),",
            rust_type(name)
        );
    }
    out.push_str("        _ => None,\n    }\n}\n\n");

    out.push_str(
        "/// The JSON Schema (schemars) of the generated type for `schema`.\n\
         pub fn json_schema(schema: &str) -> Option<schemars::schema::RootSchema> {\n    \
         match schema {\n",
    );
    for name in &names {
        let _ = writeln!(
            out,
            "        {name:?} => Some(schemars::schema_for!({})),",
            rust_type(name)
        );
    }
    out.push_str("        _ => None,\n    }\n}\n\n");

    out.push_str(
        "/// Where personal data sits in values of `schema` (the spec's `x-pii` marks).\n\
         pub fn pii_paths(schema: &str) -> &'static [(&'static str, crate::privacy::Pii)] {\n    \
         match schema {\n",
    );
    if let Some(components) = &spec.components {
        for (name, schema) in &components.schemas {
            let paths = pii_paths(spec, schema);
            if paths.is_empty() {
                continue;
            }
            let entries: Vec<String> = paths
                .iter()
                .map(|(path, kind)| {
                    let variant = PII_KINDS
                        .iter()
                        .find(|(k, _)| k == kind)
                        .map(|(_, v)| *v)
                        .unwrap_or("Secret");
                    format!("({path:?}, crate::privacy::Pii::{variant})")
                })
                .collect();
            let _ = writeln!(out, "        {name:?} => &[{}],", entries.join(", "));
        }
    }
    out.push_str("        _ => &[],\n    }\n}\n");
    out
}

/// The kinds of personal or secret data a spec marks with `x-pii`, and the Rust variant each
/// becomes in `kyc_clients::privacy::Pii`.
pub const PII_KINDS: &[(&str, &str)] = &[
    ("nik", "Nik"),
    ("name", "Name"),
    ("birth-date", "BirthDate"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("address", "Address"),
    ("image", "Image"),
    ("secret", "Secret"),
];

/// The hand-written types that replace generated ones, derived from the `x-pii` marks of the
/// component schemas that are strings (the type per kind is `kyc_spec::PiiKind::replacement`,
/// which `kyc-contract` reads too). Object schemas (an `Address`) stay generated: their fields
/// are masked by `pii_paths` where the library prints them.
pub fn pii_replacements(spec: &OpenAPI) -> Vec<(String, String)> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            let kind = schema.schema_data.extensions.get("x-pii")?.as_str()?;
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
                return None;
            };
            let is_date = matches!(
                string.format,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date)
            );
            // An unknown kind is refused by `check`; read it as the safest, as kyc-spec does.
            let rust_type = kyc_spec::PiiKind::parse(kind)
                .unwrap_or(kyc_spec::PiiKind::Secret)
                .replacement(is_date);
            Some((name.clone(), rust_type.to_string()))
        })
        .collect()
}

/// Where personal data sits in values of `schema`: `(path, kind)` pairs, the path in dotted
/// form with `[]` for "every item" (`results[].names`), `""` for the whole value.
pub fn pii_paths(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk_pii(spec, schema, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk_pii(
    spec: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    path: &str,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    // The vendor specs have no recursive schemas; the bound keeps a future one from looping.
    if depth > 16 {
        return;
    }
    let schema = match schema {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => {
            let Some(target) = reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| spec.components.as_ref()?.schemas.get(name))
            else {
                return;
            };
            return walk_pii(spec, target, path, depth + 1, out);
        }
    };
    if let Some(kind) = schema
        .schema_data
        .extensions
        .get("x-pii")
        .and_then(|v| v.as_str())
    {
        out.push((path.to_string(), kind.to_string()));
        return;
    }
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                walk_pii(spec, &property.clone().unbox(), &join(name), depth + 1, out);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                walk_pii(
                    spec,
                    &items.clone().unbox(),
                    &format!("{path}[]"),
                    depth + 1,
                    out,
                );
            }
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members }
        | SchemaKind::AllOf { all_of: members } => {
            for member in members {
                walk_pii(spec, member, path, depth + 1, out);
            }
        }
        _ => {}
    }
}
