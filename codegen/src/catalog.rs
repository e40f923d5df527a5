//! The catalog: a small generated module beside each client that lists the spec's operations
//! (the contract summary reviewers read) and maps every schema name to its generated type, so
//! tests can be driven by the spec alone — a new example or schema needs no new test code.

use std::fmt::Write as _;

use kyc_spec::{extensions, refs};
use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use serde_json::Value;

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
        ReferenceOr::Reference { reference } => refs::schema_name(reference).map(str::to_string),
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

/// Rust source for the catalog module of one vendor, and apart its `decode` function (see
/// [`crate::Generated::catalog_decode`]). It is `include!`d inside the vendor module, next to
/// the generated `types`. `document` is `spec` as JSON, which `kyc-spec` reads.
pub(crate) fn catalog_source(
    spec: &OpenAPI,
    document: &Value,
    hand_written: &[String],
    replacements: &[(String, String)],
    json_schema: bool,
) -> (String, String) {
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

    let mut decode = String::from(
        "/// Decodes `value` as the generated type for `schema`; `None` if the spec has no such schema.\n\
         pub fn decode(schema: &str, value: serde_json::Value) -> Option<Result<crate::catalog::Decoded, serde_json::Error>> {\n    \
         match schema {\n",
    );
    for name in &names {
        let _ = writeln!(
            decode,
            "        {name:?} => Some(crate::catalog::Decoded::of::<{}>(value)),",
            rust_type(name)
        );
    }
    decode.push_str("        _ => None,\n    }\n}\n");

    // Only where the types derive JsonSchema (kyc-clients' `schemars` feature).
    if json_schema {
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
    }

    out.push_str(
        "/// Where personal data sits in values of `schema` (the spec's `x-pii` marks).\n\
         pub fn pii_paths(schema: &str) -> &'static [(&'static str, crate::privacy::Pii)] {\n    \
         match schema {\n",
    );
    for name in &names {
        let Some(schema) = document.pointer(&format!("/components/schemas/{}", refs::escape(name)))
        else {
            continue;
        };
        let paths = extensions::pii_paths(document, schema);
        if paths.is_empty() {
            continue;
        }
        let entries: Vec<String> = paths
            .iter()
            .map(|(path, kind)| format!("({path:?}, crate::privacy::Pii::{})", kind.variant_name()))
            .collect();
        let _ = writeln!(out, "        {name:?} => &[{}],", entries.join(", "));
    }
    out.push_str("        _ => &[],\n    }\n}\n");
    (out, decode)
}

/// The hand-written types that replace generated ones, derived from the `x-pii` marks of the
/// component schemas that are strings or integers (the type is `kyc_spec::pii_replacement`,
/// which `kyc-contract` reads too; `Option<..>` for a `nullable` one). Object schemas (an
/// `Address`) stay generated: their personal fields are marked schemas of their own, so their
/// derived `Debug` prints `[redacted]` for each.
pub fn pii_replacements(spec: &OpenAPI) -> Vec<(String, String)> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            // `check` has refused unknown kinds before this runs.
            let schema = serde_json::to_value(schema.as_item()?).ok()?;
            Some((name.clone(), kyc_spec::pii_replacement(&schema)?))
        })
        .collect()
}
