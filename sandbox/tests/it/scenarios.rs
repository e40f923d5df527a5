//! Every documented scenario of both specs (`x-scenarios`, read by `kyc_spec`) answers as
//! documented: the status, and each outcome pointer of the case's response example. Walked
//! twice on one sandbox, forwards then backwards, so no scenario depends on another's order.
//!
//! Each request is the case's request example with real images (`kyc_sandbox::examples`),
//! its parameters (`x-magic-reply`, a path id) or the operation's parameter examples.

use axum::body::Body;
use axum::http::{Method, Request, header};
use kyc_sandbox::{SandboxApp, SandboxConfig};
use kyc_spec::{ParameterLocation, Scenario, Spec};
use serde_json::Value;

use crate::support::{BOUNDARY, ILUMA_KEY, KREDIBEL_KEY, Part, Reply, basic, call, multipart};

/// Both specs, as the sandbox serves them.
pub(crate) fn specs() -> [&'static Spec; 2] {
    [kyc_sandbox::spec::kredibel(), kyc_sandbox::spec::iluma()]
}

/// Every scenario of `spec`; a malformed `x-scenarios` fails the test with its message.
pub(crate) fn scenarios(spec: &'static Spec) -> Vec<Scenario<'static>> {
    spec.all_scenarios()
        .unwrap_or_else(|error| panic!("{}: {error}", spec.vendor().name))
}

/// `vendor operation / case`, as failures name a scenario.
pub(crate) fn label(spec: &Spec, scenario: &Scenario<'_>) -> String {
    format!(
        "{} {} / {}",
        spec.vendor().name,
        scenario.operation_id,
        scenario.name
    )
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

/// The in-process request a scenario sends.
pub(crate) fn request_of(spec: &Spec, scenario: &Scenario<'_>) -> Result<Request<Body>, String> {
    let operation = spec
        .operation(scenario.operation_id)
        .ok_or("no such operation")?;
    let mut path = operation.path.clone();
    let mut query = Vec::new();
    let mut builder = Request::builder()
        .method(Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?);
    for parameter in &operation.parameters {
        let value = scenario.parameter(&parameter.name).or_else(|| {
            (parameter.required)
                .then(|| spec.parameter_example(scenario.operation_id, &parameter.name))
                .flatten()
        });
        let Some(value) = value.map(text) else {
            if parameter.required {
                return Err(format!(
                    "required parameter `{}` has no value (case parameters or example)",
                    parameter.name
                ));
            }
            continue;
        };
        match parameter.location {
            ParameterLocation::Path => {
                path = path.replace(&format!("{{{}}}", parameter.name), &value);
            }
            ParameterLocation::Query => query.push(format!("{}={value}", parameter.name)),
            ParameterLocation::Header => builder = builder.header(parameter.name.as_str(), value),
            ParameterLocation::Cookie => {}
        }
    }
    let vendor = spec.vendor().name.as_str();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    builder = builder.uri(format!("/{vendor}{path}"));
    if operation.authenticated {
        let credentials = match vendor {
            "kredibel" => format!("Bearer {KREDIBEL_KEY}"),
            _ => basic(ILUMA_KEY),
        };
        builder = builder.header(header::AUTHORIZATION, credentials);
    }
    let body = match &operation.request {
        None => Body::empty(),
        Some(_) => {
            let request = kyc_sandbox::examples::scenario_request(spec, scenario)
                .map_err(|e| e.to_string())?;
            if request.files.is_empty() {
                builder = builder.header(header::CONTENT_TYPE, request.media_type.as_str());
                Body::from(request.body.to_string())
            } else {
                let fields: Vec<(String, String)> = request
                    .body
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, value)| (name.clone(), text(value)))
                    .collect();
                let mut parts: Vec<Part<'_>> = fields
                    .iter()
                    .map(|(name, value)| Part::Text(name, value))
                    .collect();
                for file in &request.files {
                    parts.push(Part::File(
                        &file.field,
                        file.format.mime_type(),
                        &file.bytes,
                    ));
                }
                builder = builder.header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                );
                Body::from(multipart(&parts))
            }
        }
    };
    builder.body(body).map_err(|e| e.to_string())
}

/// Numbers compare by value (`1` and `1.0` are one number on the wire).
fn same(documented: Option<&Value>, answered: Option<&Value>) -> bool {
    match (documented, answered) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(Some(a), Some(b)))
        }
        (a, b) => a == b,
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "(absent)".to_string(), Value::to_string)
}

/// What differs between a scenario's documented answer and the sandbox's, each naming the
/// JSON path; empty when the answer is as documented.
pub(crate) fn differences(scenario: &Scenario<'_>, reply: &Reply) -> Vec<String> {
    let mut out = Vec::new();
    if reply.status.as_u16() != scenario.status {
        out.push(format!(
            "status {}, documented {}",
            reply.status.as_u16(),
            scenario.status
        ));
    }
    let documented = scenario.response;
    for pointer in &scenario.outcome {
        let expected = documented.and_then(|d| d.pointer(pointer));
        let actual = reply.body.pointer(pointer);
        if !same(expected, actual) {
            out.push(format!(
                "{pointer}: documented {}, answered {}",
                show(expected),
                show(actual)
            ));
        }
    }
    out
}

/// Sends `scenario` to `app`: its answer, or why no request could be built.
pub(crate) async fn send(
    app: &SandboxApp,
    spec: &Spec,
    scenario: &Scenario<'_>,
) -> Result<Reply, String> {
    Ok(call(app, request_of(spec, scenario)?).await)
}

#[tokio::test]
async fn every_documented_scenario_answers_as_documented() {
    let app = SandboxApp::new(SandboxConfig::default());
    let mut failures = Vec::new();
    let mut walked = 0;
    for spec in specs() {
        let all = scenarios(spec);
        assert!(
            !all.is_empty(),
            "{} declares no scenarios",
            spec.vendor().name
        );
        for scenario in all.iter().chain(all.iter().rev()) {
            walked += 1;
            match send(&app, spec, scenario).await {
                Err(problem) => failures.push(format!("{}: {problem}", label(spec, scenario))),
                Ok(reply) => {
                    for problem in differences(scenario, &reply) {
                        failures.push(format!(
                            "{}: {problem}\n    body: {}",
                            label(spec, scenario),
                            reply.body
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {walked} answers differ from the spec:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every `MagicReply` value is documented by a case, and each case's status is the one the
/// spec gives its code (`x-status`) or 200 for a state: the sandbox's handling of the header
/// (checked against these cases above) and the spec's list agree.
#[test]
fn every_magic_reply_value_has_a_documented_case() {
    let spec = kyc_sandbox::spec::iluma();
    let cases = scenarios(spec);
    for value in spec.enum_values("MagicReply") {
        let with_value: Vec<&Scenario<'_>> = cases
            .iter()
            .filter(|c| c.parameter("x-magic-reply").and_then(Value::as_str) == Some(value))
            .collect();
        assert!(
            !with_value.is_empty(),
            "MagicReply {value}: no x-scenarios case"
        );
        for case in with_value {
            let expected = spec.status_of("IlumaErrorCode", value).unwrap_or(200);
            assert_eq!(case.status, expected, "{}", label(spec, case));
        }
    }
}
