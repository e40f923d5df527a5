//! Checks that run before progenitor: every shape progenitor would panic on (or silently
//! mis-generate) is refused here with a message naming the operation and the fix.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response, StatusCode};
use serde_json::Value;

use kyc_spec::{PiiKind, SpecError, SpecErrors, refs};

/// Every operation of a spec with its method and path, in document order.
pub(crate) fn operations(
    spec: &OpenAPI,
) -> Vec<(&str, &str, &Operation, &[ReferenceOr<Parameter>])> {
    spec.paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter()
                .map(move |(method, op)| (path.as_str(), method, op, item.parameters.as_slice()))
        })
        .collect()
}

/// How messages name an operation: `issue_certificate (POST /v1/certificate/issuance)`.
pub(crate) fn operation_label(method: &str, path: &str, op: &Operation) -> String {
    let method = method.to_uppercase();
    match &op.operation_id {
        Some(id) => format!("`{id}` ({method} {path})"),
        None => format!("{method} {path}"),
    }
}

/// Runs every check; returns all problems at once. `document` is `spec` as JSON, for the
/// checks that look at every key in it.
pub(crate) fn check(
    file: &str,
    spec: &OpenAPI,
    document: &Value,
    hand_written: &[String],
    replacements: &[(String, String)],
) -> Result<(), SpecErrors> {
    let mut problems = Vec::new();
    check_refs(file, document, &mut problems);
    check_pii_kinds(file, document, &mut problems);
    check_schema_names(file, spec, &mut problems);

    let mut seen_ids = BTreeMap::new();
    for (path, method, op, path_params) in operations(spec) {
        let label = operation_label(method, path, op);
        let pointer = format!("/paths/{}/{method}", refs::escape(path));
        let mut report = |problem: String, fix: String| {
            problems.push(SpecError {
                pointer: Some(pointer.clone()),
                ..SpecError::operation(file, label.clone(), problem, fix)
            });
        };
        match &op.operation_id {
            None => report(
                "has no `operationId`; progenitor names the Rust method after it".into(),
                format!(
                    "add `operationId: {}` (snake_case, read as a Rust method name)",
                    suggest_operation_id(method, path)
                ),
            ),
            Some(id) => {
                if id.to_snake_case() != *id {
                    report(
                        format!(
                            "`operationId: {id}` is not snake_case; the Rust method would be renamed"
                        ),
                        format!("write it as `{}`", id.to_snake_case()),
                    );
                }
                if let Some(other) =
                    seen_ids.insert(id.clone(), format!("{} {path}", method.to_uppercase()))
                {
                    report(
                        format!("`operationId: {id}` is also used by {other}"),
                        "give each operation its own operationId".into(),
                    );
                }
            }
        }
        if hand_written
            .iter()
            .any(|h| Some(h) == op.operation_id.as_ref())
        {
            continue;
        }
        check_parameters(spec, path, path_params, op, &mut report);
        check_request_body(spec, op, &mut report);
        check_responses(spec, op, &mut report);
    }

    for (schema, rust_path) in replacements {
        let exists = spec
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(schema));
        if !exists {
            problems.push(SpecError::general(
                file,
                format!(
                    "schema `{schema}` is replaced by the hand-written `{rust_path}` in build.rs, but the spec has no such schema"
                ),
                "rename the entry in build.rs to the spec's schema name, or remove it if the schema is gone",
            ));
        }
    }

    let ids: BTreeSet<_> = seen_ids.keys().cloned().collect();
    for listed in hand_written {
        if !ids.contains(listed) {
            problems.push(SpecError::general(
                file,
                format!(
                    "`{listed}` is listed as hand-written in build.rs, but the spec has no such operation"
                ),
                "rename the entry in build.rs (and the hand-written method in client/) to match the \
                 spec's operationId, or remove both if the operation is gone",
            ));
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(SpecErrors(problems))
    }
}

/// A copy of the spec without the hand-written operations, for progenitor.
pub(crate) fn without_hand_written(spec: &OpenAPI, hand_written: &[String]) -> OpenAPI {
    let mut spec = spec.clone();
    for item in spec.paths.paths.values_mut() {
        if let ReferenceOr::Item(item) = item {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ] {
                if op
                    .as_ref()
                    .and_then(|op| op.operation_id.as_ref())
                    .is_some_and(|id| hand_written.contains(id))
                {
                    *op = None;
                }
            }
        }
    }
    spec.paths.paths.retain(|_, item| match item {
        ReferenceOr::Item(item) => item.iter().next().is_some(),
        ReferenceOr::Reference { .. } => true,
    });
    spec
}

fn suggest_operation_id(method: &str, path: &str) -> String {
    let words: Vec<_> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && !s.starts_with('v'))
        .collect();
    format!("{}_{}", method, words.join("_")).to_snake_case()
}

fn check_refs(file: &str, document: &Value, problems: &mut Vec<SpecError>) {
    for (at, target) in refs::dangling(document) {
        let fix = match refs::component(&target) {
            Some((section, name)) => format!(
                "define `{name}` under `components/{section}`, or correct the reference's spelling"
            ),
            None if target.starts_with('#') => {
                "point the reference at a component, written `#/components/<section>/<name>`"
                    .to_string()
            }
            None => "only references within the same file (`#/components/...`) are supported; \
                     inline the external definition into components"
                .to_string(),
        };
        problems.push(SpecError::at(
            file,
            format!("{at}/$ref"),
            format!("`$ref: {target}` does not resolve"),
            fix,
        ));
    }
}

fn check_schema_names(file: &str, spec: &OpenAPI, problems: &mut Vec<SpecError>) {
    let Some(components) = &spec.components else {
        return;
    };
    for name in components.schemas.keys() {
        if name.to_pascal_case() != *name {
            problems.push(SpecError::at(
                file,
                format!("/components/schemas/{}", refs::escape(name)),
                format!(
                    "schema `{name}` is not PascalCase; its Rust type would be named `{}`, which \
                     callers and snapshots would not find under the spec's name",
                    name.to_pascal_case()
                ),
                format!(
                    "rename the schema to `{}` (and every `$ref` to it)",
                    name.to_pascal_case()
                ),
            ));
        }
    }
}

fn check_parameters(
    spec: &OpenAPI,
    path: &str,
    path_params: &[ReferenceOr<Parameter>],
    op: &Operation,
    report: &mut impl FnMut(String, String),
) {
    let params: Vec<&Parameter> = path_params
        .iter()
        .chain(op.parameters.iter())
        .filter_map(|p| resolve_parameter(spec, p))
        .collect();
    let declared: BTreeSet<&str> = params
        .iter()
        .filter_map(|p| match p {
            Parameter::Path { parameter_data, .. } => Some(parameter_data.name.as_str()),
            _ => None,
        })
        .collect();
    for segment in path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
            && !declared.contains(name)
        {
            report(
                format!("the path has `{{{name}}}` but no path parameter `{name}` is declared"),
                format!(
                    "add a parameter `{{name: {name}, in: path, required: true, schema: {{type: string}}}}`"
                ),
            );
        }
    }
    for p in params {
        if let Parameter::Path { parameter_data, .. } = p
            && !parameter_data.required
        {
            report(
                format!(
                    "path parameter `{}` is not `required: true`",
                    parameter_data.name
                ),
                "path parameters are always required: add `required: true`".into(),
            );
        }
    }
}

/// The name of the component a typed reference points at, when it points into `section`
/// (`#/components/parameters/MagicReply` is `MagicReply` in `parameters`).
fn component_in<'r>(reference: &'r str, section: &str) -> Option<&'r str> {
    refs::component(reference)
        .filter(|(found, _)| *found == section)
        .map(|(_, name)| name)
}

pub(crate) fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    p: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = component_in(reference, "parameters")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    b: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    match b {
        ReferenceOr::Item(b) => Some(b),
        ReferenceOr::Reference { reference } => {
            let name = component_in(reference, "requestBodies")?;
            spec.components
                .as_ref()?
                .request_bodies
                .get(name)?
                .as_item()
        }
    }
}

pub(crate) fn resolve_response<'a>(
    spec: &'a OpenAPI,
    r: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match r {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => {
            let name = component_in(reference, "responses")?;
            spec.components.as_ref()?.responses.get(name)?.as_item()
        }
    }
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

fn check_request_body(spec: &OpenAPI, op: &Operation, report: &mut impl FnMut(String, String)) {
    let Some(body) = op
        .request_body
        .as_ref()
        .and_then(|b| resolve_request_body(spec, b))
    else {
        return;
    };
    for (media_type, content) in &body.content {
        if !is_json(media_type) {
            report(
                format!(
                    "has a `{media_type}` request body, which progenitor cannot generate (the whole generation would fail)"
                ),
                "keep the operation in the spec as documentation, add its operationId to the \
                 hand-written list in build.rs, and write the method by hand in client/ (as \
                 `verify_id_card` is)"
                    .into(),
            );
        } else {
            if !content.encoding.is_empty() {
                report(
                    "its JSON request body has an `encoding` map, which progenitor does not support".into(),
                    "remove `encoding` (it only applies to multipart and form bodies)".into(),
                );
            }
            if !matches!(content.schema, Some(ReferenceOr::Reference { .. })) {
                report(
                    "its JSON request body schema is inline; the Rust type would get a made-up name".into(),
                    "move the schema into components/schemas under a domain name and `$ref` it".into(),
                );
            }
        }
    }
}

/// The type progenitor would use for a response, for telling "one type" from "two types".
fn response_kind(response: &Response) -> String {
    match response.content.iter().find(|(mt, _)| is_json(mt)) {
        Some((_, content)) => match &content.schema {
            Some(ReferenceOr::Reference { reference }) => reference.clone(),
            Some(ReferenceOr::Item(schema)) => {
                // Through a JSON value: the serializer kyc-spec-load already compiles for the
                // document, not a second one for text.
                let schema = serde_json::to_value(schema).unwrap_or_default();
                format!("an inline schema {schema}")
            }
            None => "a JSON body without a schema".into(),
        },
        None if response.content.is_empty() => "no body".into(),
        None => "a non-JSON body".into(),
    }
}

fn check_responses(spec: &OpenAPI, op: &Operation, report: &mut impl FnMut(String, String)) {
    let mut success: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failure: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let has_success_range = op
        .responses
        .responses
        .keys()
        .any(|code| matches!(code, StatusCode::Range(2)));

    let mut all: Vec<(String, &ReferenceOr<Response>, Option<u16>)> = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| {
            let class = match code {
                StatusCode::Code(c) => Some(*c / 100),
                StatusCode::Range(r) => Some(*r),
            };
            (code.to_string(), r, class)
        })
        .collect();
    if let Some(default) = &op.responses.default {
        all.push(("default".into(), default, None));
    }

    for (code, r, class) in all {
        let Some(response) = resolve_response(spec, r) else {
            continue;
        };
        for (mt, content) in &response.content {
            if is_json(mt) && !content.encoding.is_empty() {
                report(
                    format!("response {code} has an `encoding` map, on which progenitor panics"),
                    "remove `encoding` from the response media type".into(),
                );
            }
            if is_json(mt) && matches!(content.schema, Some(ReferenceOr::Item(_))) {
                report(
                    format!(
                        "response {code} has an inline schema; the Rust type would get a made-up name"
                    ),
                    "move the schema into components/schemas under a domain name and `$ref` it"
                        .into(),
                );
            }
        }
        let kind = response_kind(response);
        match class {
            Some(1..=3) => success.entry(kind).or_default().push(code),
            Some(_) => failure.entry(kind).or_default().push(code),
            None => {
                if !has_success_range {
                    success.entry(kind.clone()).or_default().push(code.clone());
                }
                failure.entry(kind).or_default().push(code);
            }
        }
    }

    let describe = |kinds: &BTreeMap<String, Vec<String>>| {
        kinds
            .iter()
            .map(|(kind, codes)| format!("{} → {kind}", codes.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if success.len() > 1 {
        let default_note = if success.values().flatten().any(|c| c == "default") {
            " (`default` counts as a success response unless the success response is written `2XX`)"
        } else {
            ""
        };
        report(
            format!(
                "has {} different success types ({}){default_note}; progenitor generates exactly one success type per operation and panics otherwise",
                success.len(),
                describe(&success)
            ),
            "give every 2XX response the same schema (one `$ref`, with `oneOf` inside it if the \
             bodies really differ), or write success as a single `2XX` response"
                .into(),
        );
    }
    if failure.len() > 1 {
        report(
            format!(
                "has {} different error types ({}); progenitor generates exactly one error type per operation and panics otherwise",
                failure.len(),
                describe(&failure)
            ),
            "make every 4XX/5XX/default response `$ref` the same error schema (the vendor's \
             error envelope), with the differences as fields or `oneOf` inside it"
                .into(),
        );
    }
}

fn check_pii_kinds(file: &str, document: &Value, problems: &mut Vec<SpecError>) {
    let mut unknown = Vec::new();
    refs::walk(document, &mut String::new(), &mut |at, node| {
        if let Some(value) = node.get("x-pii")
            && value.as_str().and_then(PiiKind::parse).is_none()
        {
            // A mark's value names a kind, never personal data itself, so it can be shown.
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            unknown.push((at.to_string(), shown));
        }
    });
    let known: Vec<&str> = PiiKind::ALL.iter().map(|kind| kind.as_str()).collect();
    for (at, shown) in unknown {
        problems.push(SpecError::at(
            file,
            format!("{at}/x-pii"),
            format!("`x-pii: {shown}` is not a known kind of personal data"),
            format!("use one of: {}", known.join(", ")),
        ));
    }
}
