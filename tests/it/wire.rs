//! Every operation through the generated client against a capturing server on 127.0.0.1:0:
//! the method, path, query, auth header and body on the wire are what the spec says, the
//! documented success body decodes, and each documented error body decodes into the typed
//! error. Expectations come from the spec; only the call itself is written per operation.

use std::collections::BTreeMap;

use base64::Engine as _;
use kyc_clients::{Environment, iluma, kredibel};
use openapiv3::{Parameter, ReferenceOr};
use serde::Serialize;
use serde_json::{Value, json};

use crate::support::{CaptureServer, examples, json_differences, resolve_response, vendors};

const KREDIBEL_KEY: &str = "kredibel-test-key";
const ILUMA_KEY: &str = "iluma_development_test-key";

/// What a call came back with, encoded back to JSON so it can be compared with the spec.
#[derive(Debug)]
#[allow(dead_code)] // The fields are read through `Debug`, in failure messages.
enum Outcome {
    Success(Value),
    ErrorBody(u16, Value),
    Other(String),
}

fn outcome<T: Serialize, E: Serialize + std::fmt::Debug>(
    result: Result<kyc_clients::ResponseValue<T>, kyc_clients::Error<E>>,
) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(serde_json::to_value(value.into_inner()).unwrap()),
        Err(kyc_clients::Error::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            Outcome::ErrorBody(status, serde_json::to_value(value.into_inner()).unwrap())
        }
        Err(other) => Outcome::Other(other.to_string()),
    }
}

/// Every generated operation by its id (kyc-codegen, written by build.rs).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/kredibel_dispatch.rs"));
    include!(concat!(env!("OUT_DIR"), "/iluma_dispatch.rs"));
}

/// Calls an operation with a request example and the spec's parameter examples: through the
/// builder kyc-codegen generated (by `operationId`), or the hand-written multipart one.
async fn call(
    operation_id: &str,
    server: &CaptureServer,
    body: &Option<Value>,
    params: &BTreeMap<String, String>,
) -> Outcome {
    let kredibel =
        kredibel::Client::with_api_key(Environment::Custom(server.base_url.clone()), KREDIBEL_KEY)
            .unwrap();
    let iluma =
        iluma::Client::with_api_key(Environment::Custom(server.base_url.clone()), ILUMA_KEY)
            .unwrap();
    let parameters: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let sent =
        match generated::kredibel::send(&kredibel, operation_id, &parameters, body.clone()).await {
            Some(sent) => Some(sent),
            None => generated::iluma::send(&iluma, operation_id, &parameters, body.clone()).await,
        };
    match sent {
        Some(Ok((status, body))) if status < 400 => Outcome::Success(body),
        Some(Ok((status, body))) => Outcome::ErrorBody(status, body),
        Some(Err(problem)) => Outcome::Other(problem),
        None if operation_id == "verify_id_card" => outcome(
            iluma
                .verify_id_card()
                .name("penito kristian")
                .id_card_number("3275031210930027")
                .selfie(crate::id_card_multipart::valid_selfie())
                .send()
                .await,
        ),
        None => panic!("no generated builder for `{operation_id}` and none written by hand"),
    }
}

fn parameter_examples(
    spec: &openapiv3::OpenAPI,
    op: &openapiv3::Operation,
) -> BTreeMap<String, String> {
    op.parameters
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                spec.components.as_ref()?.parameters[reference.rsplit('/').next()?].as_item()
            }
        })
        .filter_map(|p| {
            let data = match p {
                Parameter::Path { parameter_data, .. }
                | Parameter::Query { parameter_data, .. } => parameter_data,
                _ => return None,
            };
            let example = data.example.as_ref()?;
            Some((data.name.clone(), example.as_str()?.to_string()))
        })
        .collect()
}

/// The docs' image placeholders are a few bytes; the client refuses those before sending (the
/// spec's `x-min-bytes`). Put an image within every documented limit in their place.
fn with_valid_images(mut example: Value, pii: &[(&str, kyc_clients::privacy::Pii)]) -> Value {
    let image = base64::engine::general_purpose::STANDARD.encode(crate::support::synthetic_jpeg(
        1000,
        1000,
        150 * 1024,
    ));
    for (path, kind) in pii {
        if *kind == kyc_clients::privacy::Pii::Image && !path.contains(['.', '[']) {
            example[*path] = Value::String(image.clone());
        }
    }
    example
}

fn status_of(place: &str) -> u16 {
    match place {
        "4XX" => 400,
        "5XX" => 500,
        code => code.parse().unwrap(),
    }
}

#[tokio::test]
async fn every_operation_sends_what_the_spec_says_and_decodes_every_documented_body() {
    let server = CaptureServer::start().await;
    let mut failures = Vec::new();
    let mut called = Vec::new();
    for vendor in vendors() {
        let all_examples = examples(&vendor.spec);
        for (path, method, op) in vendor.spec.operations() {
            let id = op.operation_id.clone().unwrap();
            let catalog = vendor
                .operations
                .iter()
                .find(|o| o.operation_id == id)
                .unwrap();
            called.push(id.clone());
            let params = parameter_examples(&vendor.spec, op);
            let request_example = all_examples
                .iter()
                .find(|e| e.operation_id == id && e.place == "request")
                .map(|e| with_valid_images(e.value.clone(), (vendor.pii_paths)(&e.schema)));

            // The request on the wire. The success example is the `200` one or, where the spec
            // writes success as `2XX` (any 2XX, as Kredibel's docs say), that one.
            let success_example = all_examples
                .iter()
                .find(|e| e.operation_id == id && (e.place == "200" || e.place == "2XX"))
                .expect("every operation documents a success example");
            server.reply_with(200, success_example.value.clone());
            let result = call(&id, &server, &request_example, &params).await;
            let seen = server.last();
            let mut expected_path = path.to_string();
            for (name, value) in &params {
                expected_path = expected_path.replace(&format!("{{{name}}}"), value);
            }
            if seen.method.as_str() != method.to_uppercase() {
                failures.push(format!(
                    "{id}: sent {} instead of {}",
                    seen.method,
                    method.to_uppercase()
                ));
            }
            if seen.uri.path() != expected_path {
                failures.push(format!(
                    "{id}: sent path {} instead of {expected_path}",
                    seen.uri.path()
                ));
            }
            let query_names: Vec<String> =
                op.parameters
                    .iter()
                    .filter_map(|p| match p {
                        ReferenceOr::Item(Parameter::Query { parameter_data, .. }) => Some(
                            format!("{}={}", parameter_data.name, params[&parameter_data.name]),
                        ),
                        _ => None,
                    })
                    .collect();
            if seen.uri.query().unwrap_or_default() != query_names.join("&") {
                failures.push(format!(
                    "{id}: sent query {:?} instead of {:?}",
                    seen.uri.query(),
                    query_names.join("&")
                ));
            }
            let expected_auth = match (catalog.authenticated, vendor.name) {
                (false, _) => None,
                (true, "kredibel") => Some(format!("Bearer {KREDIBEL_KEY}")),
                (true, _) => Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{ILUMA_KEY}:"))
                )),
            };
            let sent_auth = seen
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string());
            if sent_auth != expected_auth {
                failures.push(format!(
                    "{id}: sent Authorization {} but the spec's security says {}",
                    if sent_auth.is_some() {
                        "present"
                    } else {
                        "absent"
                    },
                    if expected_auth.is_some() {
                        "present"
                    } else {
                        "absent"
                    }
                ));
            }
            if catalog.request_media_type == Some("application/json") {
                let sent: Value = serde_json::from_slice(&seen.body).unwrap();
                for difference in json_differences(request_example.as_ref().unwrap(), &sent, "") {
                    failures.push(format!("{id}: request body: {difference}"));
                }
            }

            // The documented success body.
            match result {
                Outcome::Success(value) => {
                    for difference in json_differences(&success_example.value, &value, "") {
                        failures.push(format!(
                            "{id}: 200 `{}`: {difference}",
                            success_example.name
                        ));
                    }
                }
                other => failures.push(format!("{id}: 200 example did not decode: {other:?}")),
            }

            // Every documented error body.
            for (place, response) in &op.responses.responses {
                let place = place.to_string();
                if place.starts_with('2') {
                    continue;
                }
                let response = resolve_response(&vendor.spec, response);
                for (name, example) in response.content.values().flat_map(|m| m.examples.iter()) {
                    let value = example.as_item().unwrap().value.clone().unwrap();
                    let status = status_of(&place);
                    server.reply_with(status, value.clone());
                    match call(&id, &server, &request_example, &params).await {
                        Outcome::ErrorBody(got, typed) => {
                            if got != status {
                                failures.push(format!("{id}: {place} `{name}` came back as {got}"));
                            }
                            for difference in json_differences(&value, &typed, "") {
                                failures.push(format!("{id}: {place} `{name}`: {difference}"));
                            }
                        }
                        other => failures.push(format!(
                            "{id}: {place} `{name}` is not a typed error: {other:?}"
                        )),
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        called.len(),
        vendors().iter().map(|v| v.operations.len()).sum::<usize>(),
        "every operation of both specs is exercised: {called:?}"
    );
}

#[tokio::test]
async fn magic_reply_header_goes_on_the_wire() {
    let server = CaptureServer::start().await;
    server.reply_with(200, json!({"token": "t"}));
    let client =
        iluma::Client::with_api_key(Environment::Custom(server.base_url.clone()), ILUMA_KEY)
            .unwrap();
    client
        .get_callback_authentication_token()
        .x_magic_reply(iluma::types::MagicReply::ApiKeyIsNotLiveError)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.last().headers["x-magic-reply"],
        "API_KEY_IS_NOT_LIVE_ERROR"
    );
}

#[test]
fn api_keys_never_show_in_debug_output() {
    let kredibel =
        kredibel::Client::with_api_key(Environment::Sandbox, "secret-kredibel-key").unwrap();
    let iluma =
        iluma::Client::with_api_key(Environment::Sandbox, "iluma_development_secret").unwrap();
    let printed = format!(
        "{kredibel:?} {iluma:?} {:?}",
        kyc_clients::ApiKey::new("secret-x")
    );
    assert!(!printed.contains("secret"), "{printed}");
    assert!(printed.contains("[redacted]"));
}

#[test]
fn an_iluma_key_of_the_other_environment_is_refused() {
    let err =
        iluma::Client::with_api_key(Environment::Production, "iluma_development_abc").unwrap_err();
    assert!(err.to_string().contains("iluma_production_"), "{err}");
    assert!(
        !err.to_string().contains("abc"),
        "the key itself is never in a message: {err}"
    );
    let err =
        iluma::Client::with_api_key(Environment::Sandbox, "iluma_production_abc").unwrap_err();
    assert!(err.to_string().contains("iluma_development_"), "{err}");
}

#[test]
fn an_empty_key_is_refused() {
    assert!(kredibel::Client::with_api_key(Environment::Sandbox, " ").is_err());
    assert!(
        iluma::Client::with_api_key(Environment::Custom("http://127.0.0.1:1".into()), "").is_err()
    );
}

#[test]
fn https_is_required_except_on_this_machine() {
    for url in ["http://kyc.example.com", "ftp://127.0.0.1", "not a url"] {
        let err =
            kredibel::Client::with_api_key(Environment::Custom(url.into()), "key").unwrap_err();
        assert!(
            err.to_string().contains("https") || err.to_string().contains("absolute"),
            "{url}: {err}"
        );
    }
    for url in [
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
        "https://kyc.example.com",
    ] {
        kredibel::Client::with_api_key(Environment::Custom(url.into()), "key").unwrap();
    }
}

#[test]
fn a_production_iluma_key_is_refused_for_a_local_sandbox() {
    let err = iluma::Client::with_api_key(
        Environment::Custom("http://127.0.0.1:9".into()),
        "iluma_production_abc",
    )
    .unwrap_err();
    assert!(err.to_string().contains("iluma_development_"), "{err}");
}

/// One client, two hosts: each operation goes to its host's base URL (the spec's `x-host`
/// servers), a custom URL serves every host (as the offline sandbox does), and
/// `ClientOptions::with_host` points one host elsewhere; a host the spec does not name is
/// refused when the client is built.
#[tokio::test]
async fn each_operation_goes_to_its_host() {
    let (synapses, vision) = (CaptureServer::start().await, CaptureServer::start().await);
    let spec = kredibel::spec();
    let hosts: Vec<&str> = spec.hosts().iter().map(|(name, _)| *name).collect();
    assert_eq!(hosts, ["synapses", "vision"]);
    assert_eq!(
        spec.operation("compare_faces").unwrap().host(),
        Some("vision")
    );
    assert_eq!(spec.operation("get_billing_credit").unwrap().host(), None);

    let options = kyc_clients::ClientOptions {
        retry: kyc_clients::RetryPolicy::none(),
        ..Default::default()
    }
    .with_host("vision", &vision.base_url);
    let client = kredibel::Client::with_options(
        Environment::Custom(synapses.base_url.clone()),
        "kredibel-key",
        options.clone(),
    )
    .unwrap();
    synapses.reply_with(
        200,
        json!({"message": "ok", "data": {"amount": 1, "updatedAt": 1}}),
    );
    let _ = client.get_billing_credit().send().await;
    vision.reply_with(
        200,
        json!({"message": "ok", "data": {"similarity": 1.0, "matched": true}}),
    );
    let body: kredibel::types::FaceComparisonRequest =
        crate::support::example_request(kyc_sandbox::spec::kredibel(), "compare_faces");
    let _ = client.compare_faces().body(body).send().await;
    let on = |server: &CaptureServer| -> Vec<String> {
        let requests = server.requests.lock().unwrap();
        requests.iter().map(|r| r.uri.path().to_string()).collect()
    };
    assert_eq!(on(&synapses), ["/v1/billing/credit"]);
    assert_eq!(on(&vision), ["/v1/face/verification"]);
    assert!(
        vision.last().headers.contains_key("authorization"),
        "the same credentials"
    );

    let unknown = kredibel::Client::with_options(
        Environment::Sandbox,
        "kredibel-key",
        kyc_clients::ClientOptions::default().with_host("ocr", "https://x.example"),
    );
    let Err(refused) = unknown else {
        panic!("a host the spec does not name is refused")
    };
    let message = refused.to_string();
    assert!(
        message.contains("`ocr`") && message.contains("synapses, vision"),
        "{message}"
    );
}
