//! Every response the sandbox sends conforms to the spec.
//!
//! A walk over every scenario (each documented case of the specs' `x-scenarios`, every error
//! state, every magic value on every operation, faults, garbage) collects each answer, then
//! checks it three ways:
//! - the status is one the operation declares (exactly or as `4XX`/`5XX`);
//! - the body validates against the declared response schema, converted from OpenAPI 3.0 to
//!   JSON Schema (`nullable` → a `null` type, `$ref`s to `#/definitions`) and made strict:
//!   an object schema with `properties` allows no other property, so an undeclared field fails;
//! - the body decodes into the generated client type (`catalog::decode`).
//!
//! The check is independent of the sandbox's own validator: it uses the `jsonschema` crate.
//! That each documented case answers its documented outcome is `scenarios.rs`.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Method, Request, header};
use kyc_sandbox::{FaultRule, RateLimit, SandboxApp, SandboxConfig};
use kyc_spec::Spec;
use serde_json::{Map, Value, json};

use crate::scenarios::label;
use crate::support::{
    Part, Reply, basic, call, certificate_json, example_json, example_with, identity_image,
    iluma_request, image_fields, kredibel_post, ktp_form, ktp_request, multipart, selfie,
};

/// The two vendors the walk covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vendor {
    Kredibel,
    Iluma,
}

impl Vendor {
    fn spec(self) -> &'static Spec {
        match self {
            Self::Kredibel => kyc_sandbox::spec::kredibel(),
            Self::Iluma => kyc_sandbox::spec::iluma(),
        }
    }
}

/// OpenAPI 3.0 schema → JSON Schema (draft 7), strict about unknown properties.
pub(crate) fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "nullable" | "example" | "externalDocs" | "discriminator" | "xml"
                    | "deprecated" | "readOnly" | "writeOnly" => {}
                    key if key.starts_with("x-") => {}
                    "$ref" => {
                        let target = value.as_str().unwrap_or_default();
                        out.insert(
                            key.into(),
                            json!(target.replace("#/components/schemas/", "#/definitions/")),
                        );
                    }
                    // Property names are not keywords: convert each value, keep each name.
                    "properties" => {
                        let properties = value
                            .as_object()
                            .map(|p| {
                                p.iter()
                                    .map(|(n, s)| (n.clone(), to_json_schema(s)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        out.insert(key.into(), Value::Object(properties));
                    }
                    _ => {
                        out.insert(key.clone(), to_json_schema(value));
                    }
                }
            }
            if map.get("nullable") == Some(&json!(true)) {
                if let Some(Value::String(kind)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([kind, "null"]));
                }
                if let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            }
            if out.contains_key("properties") && !out.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), json!(false));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The response declared for `status` of the operation at `method path`: its spec key and its
/// JSON Schema.
fn declared_response(vendor: Vendor, operation_id: &str, status: u16) -> Option<(String, Value)> {
    let spec = vendor.spec();
    let document = spec.document();
    let operation = spec.operation(operation_id)?;
    let responses =
        document["paths"][&operation.path][operation.method.as_str().to_lowercase()]["responses"]
            .as_object()?;
    let key = [status.to_string(), format!("{}XX", status / 100)]
        .into_iter()
        .find(|k| responses.contains_key(k))?;
    let response = spec.resolve(&responses[&key]);
    let schema = response["content"]["application/json"]["schema"].clone();
    let definitions: Map<String, Value> = document["components"]["schemas"]
        .as_object()?
        .iter()
        .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
        .collect();
    let mut root = to_json_schema(&schema);
    root.as_object_mut()?
        .insert("definitions".into(), Value::Object(definitions));
    Some((key, root))
}

/// The generated type name of a status's body.
fn body_type(vendor: Vendor, operation_id: &str, status: u16) -> &'static str {
    let operations = match vendor {
        Vendor::Kredibel => kyc_clients::kredibel::catalog::OPERATIONS,
        Vendor::Iluma => kyc_clients::iluma::catalog::OPERATIONS,
    };
    let operation = operations
        .iter()
        .find(|op| op.operation_id == operation_id)
        .expect("operation in catalog");
    if status < 300 {
        operation.success_type
    } else {
        operation.error_type
    }
}

/// Every problem with one answer.
fn problems(vendor: Vendor, operation_id: &str, reply: &Reply) -> Vec<String> {
    let status = reply.status.as_u16();
    let Some((key, schema)) = declared_response(vendor, operation_id, status) else {
        return vec![format!("status {status} is not declared")];
    };
    let mut found = Vec::new();
    let content_type = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type != "application/json" {
        found.push(format!("content type `{content_type}`"));
    }
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    for error in validator.iter_errors(&reply.body) {
        found.push(format!("{key}: {error} at {}", error.instance_path()));
    }
    let type_name = body_type(vendor, operation_id, status);
    let decoded = match vendor {
        Vendor::Kredibel => kyc_clients::kredibel::catalog::decode(type_name, reply.body.clone()),
        Vendor::Iluma => kyc_clients::iluma::catalog::decode(type_name, reply.body.clone()),
    };
    if let Some(Err(error)) = decoded {
        found.push(format!("does not decode as {type_name}: {error}"));
    }
    if status == 429 {
        let retry_after = reply
            .headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok());
        if retry_after.and_then(|v| v.parse::<u64>().ok()).is_none() {
            found.push("429 without an integer Retry-After".into());
        }
    }
    found
}

/// An answer, with where it came from.
struct Observed {
    vendor: Vendor,
    operation: &'static str,
    scenario: String,
    reply: Reply,
}

struct Walk {
    app: SandboxApp,
    observed: Vec<Observed>,
}

impl Walk {
    async fn send(
        &mut self,
        vendor: Vendor,
        operation: &'static str,
        scenario: &str,
        request: Request<Body>,
    ) -> &Reply {
        let reply = call(&self.app, request).await;
        self.observed.push(Observed {
            vendor,
            operation,
            scenario: scenario.to_string(),
            reply,
        });
        &self.observed.last().expect("just pushed").reply
    }
}

fn with_header(mut request: Request<Body>, name: &'static str, value: &str) -> Request<Body> {
    request.headers_mut().insert(name, value.parse().unwrap());
    request
}

/// Every documented case of both specs.
async fn walk_scenarios(walk: &mut Walk) {
    for (vendor, spec) in [
        (Vendor::Kredibel, kyc_sandbox::spec::kredibel()),
        (Vendor::Iluma, kyc_sandbox::spec::iluma()),
    ] {
        for scenario in crate::scenarios::scenarios(spec) {
            let request = crate::scenarios::request_of(spec, &scenario)
                .unwrap_or_else(|problem| panic!("{}: {problem}", label(spec, &scenario)));
            walk.send(vendor, scenario.operation_id, scenario.name, request)
                .await;
        }
    }
}

async fn walk_kredibel(walk: &mut Walk) {
    use Vendor::Kredibel;
    let kredibel = kyc_sandbox::spec::kredibel();
    let certificate = "/v1/certificate/issuance";
    let biometric = "/v1/identity/verification/biometric";
    // NIKs no case names: the default case and the ownership rule.
    for nik in ["3201000000000001", "3201000000000002"] {
        let mut body = certificate_json(nik);
        if nik == "3201000000000002" {
            body["phoneNumber"] = json!("6281111111111");
        }
        walk.send(
            Kredibel,
            "issue_certificate",
            nik,
            kredibel_post(certificate, &body),
        )
        .await;
    }
    let image = |trigger: Option<&str>, size: usize| {
        let image = kyc_sandbox::samples::Image::jpeg(480, 640);
        match trigger {
            Some(t) => image.with_trigger(t).base64(size),
            None => image.base64(size),
        }
    };
    let scenarios: Vec<(&str, Value)> = vec![
        (
            "invalid base64",
            example_with(kredibel, "verify_biometric", json!({"faceImage": "!!"})),
        ),
        (
            "too large",
            example_with(
                kredibel,
                "verify_biometric",
                json!({"faceImage": image(None, 1_048_577)}),
            ),
        ),
        (
            "no face",
            example_with(
                kredibel,
                "verify_biometric",
                json!({"faceImage": image(Some("no_face_detected"), 50_000)}),
            ),
        ),
        (
            "request error",
            example_with(
                kredibel,
                "verify_biometric",
                json!({"faceImage": image(Some("request_error"), 50_000)}),
            ),
        ),
        (
            "unsupported",
            example_with(
                kredibel,
                "verify_biometric",
                json!({"faceImage": "R0lGODlhAQABAAAAACw="}),
            ),
        ),
        (
            "validation",
            json!({"identityId": "12", "faceImage": 7, "extra": true}),
        ),
        ("empty", json!({})),
    ];
    for (scenario, body) in scenarios {
        walk.send(
            Kredibel,
            "verify_biometric",
            scenario,
            kredibel_post(biometric, &body),
        )
        .await;
    }
    let mut no_key = kredibel_post(biometric, &json!({}));
    no_key.headers_mut().remove(header::AUTHORIZATION);
    walk.send(Kredibel, "verify_biometric", "no key", no_key)
        .await;
    let mut not_json = kredibel_post(biometric, &json!({}));
    not_json
        .headers_mut()
        .insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    walk.send(Kredibel, "verify_biometric", "text/plain", not_json)
        .await;
    let malformed = Request::builder()
        .method(Method::POST)
        .uri(format!("/kredibel{certificate}"))
        .header(header::AUTHORIZATION, "Bearer k")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"identityId\":"))
        .unwrap();
    walk.send(Kredibel, "issue_certificate", "malformed", malformed)
        .await;
    for fault in ["status=503", "status=500", "status=429", "status=502"] {
        let request = with_header(
            kredibel_post(biometric, &json!({})),
            "x-sandbox-fault",
            fault,
        );
        walk.send(Kredibel, "verify_biometric", fault, request)
            .await;
    }
    let mut images = certificate_json("1234567890123456");
    images["faceImage"] = json!(kyc_sandbox::samples::Image::jpeg(100, 100).base64(1000));
    images["identityImage"] = json!(identity_image());
    walk.send(
        Kredibel,
        "issue_certificate",
        "small images",
        kredibel_post(certificate, &images),
    )
    .await;
}

/// Kredibel's image errors on every operation that takes an image (read from the spec), and
/// the answers the sandbox's own rules give: different faces, no card, the screening layouts
/// and refusals.
async fn walk_kredibel_rules(walk: &mut Walk) {
    use Vendor::Kredibel;
    let kredibel = kyc_sandbox::spec::kredibel();
    for (operation, field, rule) in image_fields(kredibel) {
        let too_large = kyc_sandbox::samples::Image::jpeg(640, 640)
            .base64(rule.max_bytes.unwrap_or(10_000_000) + 1);
        for (scenario, image) in [
            ("invalid base64", json!("!!")),
            ("too large", json!(too_large)),
        ] {
            let body = example_with(kredibel, &operation.id, json!({ field: image }));
            walk.send(
                Kredibel,
                operation.id.as_str(),
                scenario,
                kredibel_post(&operation.path, &body),
            )
            .await;
        }
    }
    let selfie = kyc_sandbox::samples::Image::jpeg(640, 640).base64(40_000);
    let card = kyc_sandbox::samples::Image::png(640, 400).base64(40_000);
    let different = json!({"image1": selfie, "image2": card, "threshold": 0.2});
    walk.send(
        Kredibel,
        "compare_faces",
        "different faces",
        kredibel_post("/v1/face/verification", &different),
    )
    .await;
    let screening = "/v1/account/screening";
    for (scenario, body) in [
        (
            "unknown name",
            json!({"fullName": "Budi Santoso", "gender": "male"}),
        ),
        (
            "email only",
            json!({"emailAddress": "a@example.id", "verifyEmail": false}),
        ),
        ("no module", json!({"configId": "mine"})),
        (
            "bare ongoing",
            json!({"fullName": "x", "ongoingScreening": true}),
        ),
        ("not an ip", json!({"ipAddress": "x"})),
    ] {
        walk.send(
            Kredibel,
            "screen_account",
            scenario,
            kredibel_post(screening, &body),
        )
        .await;
    }
}

async fn walk_iluma(walk: &mut Walk) {
    use Vendor::Iluma;
    let iluma = kyc_sandbox::spec::iluma();
    let individual = example_json(iluma, "screen_individual");
    let every_scope = example_with(
        iluma,
        "screen_individual",
        json!({
        "given_names": "Budi Hartono", "surname": "Wijaya", "user_id": "u",
        "nationality": "ID", "scopes": ["PEP", "SANCTION", "OTHER"], "score_threshold": 50,
        "date_of_birth": "1962-05-20", "gender": "MALE", "email": "b@example.id",
        "phone_number": "+6281234567890", "reference_id": "ref-1",
        "addresses": [{"country": "ID", "city": "Jakarta", "category": "HOME"}]}),
    );
    let partial = example_with(
        iluma,
        "screen_individual",
        json!({
        "given_names": "Siti Rahma", "user_id": "u", "nationality": "ID", "scopes": ["PEP"],
        "score_threshold": null}),
    );
    let entity = example_json(iluma, "screen_entity");
    let bank = example_with(
        iluma,
        "screen_entity",
        json!({
        "name": "PT Bank Sejahtera Abadi", "user_id": "u", "business_domicile": "ID",
        "scopes": ["SANCTION"], "date_of_registration": "1998-04-01",
        "email": "x@bank.id", "phone_number": "+62215550000", "score_threshold": null}),
    );
    let individual_path = "/v0/identity/individual_cft_peps";
    let entity_path = "/v0/identity/entity_cft_peps";
    let mut ids = Vec::new();
    for (scenario, body) in [
        ("documented", &individual),
        ("every field", &every_scope),
        ("partial date", &partial),
    ] {
        let reply = walk
            .send(
                Iluma,
                "screen_individual",
                scenario,
                iluma_request(Method::POST, individual_path, Some(body), None),
            )
            .await;
        ids.push(reply.body["id"].as_str().unwrap_or_default().to_string());
    }
    let mut entity_ids = Vec::new();
    for (scenario, body) in [("documented", &entity), ("every field", &bank)] {
        let reply = walk
            .send(
                Iluma,
                "screen_entity",
                scenario,
                iluma_request(Method::POST, entity_path, Some(body), None),
            )
            .await;
        entity_ids.push(reply.body["id"].as_str().unwrap_or_default().to_string());
    }
    for id in ids.iter().chain(["cftpi_unknown".to_string()].iter()) {
        walk.send(
            Iluma,
            "get_individual_screening",
            id,
            iluma_request(Method::GET, &format!("{individual_path}/{id}"), None, None),
        )
        .await;
    }
    for id in entity_ids
        .iter()
        .chain(["cftpi_unknown".to_string()].iter())
    {
        walk.send(
            Iluma,
            "get_entity_screening",
            id,
            iluma_request(Method::GET, &format!("{entity_path}/{id}"), None, None),
        )
        .await;
    }
    for id in [
        "2dc667a4-d232-4d51-a561-631ce966fb2c",
        "4f2b8d61-0c3e-47a9-b5d2-8e6f1a3c7b90",
        "ed84802c-d73d-4d22-8897-5bc771709073",
        "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
        "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
        "unknown",
    ] {
        walk.send(
            Iluma,
            "get_cft_pep_listing",
            id,
            iluma_request(
                Method::GET,
                &format!("/v0/identity/cft_pep_listings/{id}"),
                None,
                None,
            ),
        )
        .await;
    }
    walk.send(
        Iluma,
        "screen_individual",
        "invalid",
        iluma_request(
            Method::POST,
            individual_path,
            Some(&json!({"scopes": ["X"]})),
            None,
        ),
    )
    .await;
    // A NIK of the sandbox's own records (the documented ones are the scenarios').
    for nik in ["3171011505900001"] {
        walk.send(
            Iluma,
            "verify_id_card",
            nik,
            ktp_request(ktp_form(nik, &selfie()), None),
        )
        .await;
    }
    let minimal = multipart(&[
        Part::Text("name", "budi santoso"),
        Part::Text("id_card_number", "3171011505900001"),
        Part::File(
            "selfie",
            "image/png",
            &kyc_sandbox::samples::Image::png(500, 500).bytes(120_000),
        ),
    ]);
    walk.send(
        Iluma,
        "verify_id_card",
        "minimal",
        ktp_request(minimal, None),
    )
    .await;
    let errors = [
        ("missing", multipart(&[Part::Text("birthdate", "x")])),
        (
            "too large",
            ktp_form(
                "3275031210930027",
                &kyc_sandbox::samples::Image::jpeg(600, 600).bytes(600_000),
            ),
        ),
        (
            "too small",
            ktp_form(
                "3275031210930027",
                &kyc_sandbox::samples::Image::jpeg(600, 600).bytes(1_000),
            ),
        ),
        (
            "wrong type",
            ktp_form("3275031210930027", b"GIF89a not a selfie at all"),
        ),
        (
            "few pixels",
            ktp_form(
                "3275031210930027",
                &kyc_sandbox::samples::Image::jpeg(300, 300).bytes(150_000),
            ),
        ),
    ];
    for (scenario, body) in errors {
        walk.send(Iluma, "verify_id_card", scenario, ktp_request(body, None))
            .await;
    }
    let truncated = ktp_form("3275031210930027", &selfie());
    walk.send(
        Iluma,
        "verify_id_card",
        "truncated",
        ktp_request(truncated[..500].to_vec(), None),
    )
    .await;

    // Every magic value on every operation that takes it.
    let magic_values = kyc_sandbox::spec::iluma().enum_values("MagicReply");
    let listing = "/v0/identity/cft_pep_listings/2dc667a4-d232-4d51-a561-631ce966fb2c";
    for value in magic_values.iter().copied().chain(["NOT_A_VALUE"]) {
        let requests: Vec<(&'static str, Request<Body>)> = vec![
            (
                "get_callback_authentication_token",
                iluma_request(
                    Method::GET,
                    "/v1/callback/authentication_tokens",
                    None,
                    Some(value),
                ),
            ),
            (
                "screen_individual",
                iluma_request(
                    Method::POST,
                    individual_path,
                    Some(&individual),
                    Some(value),
                ),
            ),
            (
                "screen_entity",
                iluma_request(Method::POST, entity_path, Some(&entity), Some(value)),
            ),
            (
                "get_individual_screening",
                iluma_request(
                    Method::GET,
                    &format!("{individual_path}/{}", ids[0]),
                    None,
                    Some(value),
                ),
            ),
            (
                "get_entity_screening",
                iluma_request(
                    Method::GET,
                    &format!("{entity_path}/{}", entity_ids[0]),
                    None,
                    Some(value),
                ),
            ),
            (
                "get_cft_pep_listing",
                iluma_request(Method::GET, listing, None, Some(value)),
            ),
            (
                "verify_id_card",
                ktp_request(ktp_form("3275031210930027", &selfie()), Some(value)),
            ),
        ];
        for (operation, request) in requests {
            walk.send(Iluma, operation, &format!("magic {value}"), request)
                .await;
        }
    }
    walk.send(
        Iluma,
        "get_health",
        "up",
        iluma_request(Method::GET, "/health", None, None),
    )
    .await;
    walk.send(
        Iluma,
        "get_api_keys",
        "first use",
        iluma_request(Method::GET, "/businesses/5abc/api_keys?token=1", None, None),
    )
    .await;
    walk.send(
        Iluma,
        "get_api_keys",
        "second use",
        iluma_request(Method::GET, "/businesses/5abc/api_keys?token=1", None, None),
    )
    .await;
    walk.send(
        Iluma,
        "get_api_keys",
        "no token",
        iluma_request(Method::GET, "/businesses/5abc/api_keys", None, None),
    )
    .await;
    let mut no_key = iluma_request(
        Method::GET,
        "/v1/callback/authentication_tokens",
        None,
        None,
    );
    no_key.headers_mut().insert(
        header::AUTHORIZATION,
        basic("iluma_production_x").parse().unwrap(),
    );
    walk.send(
        Iluma,
        "get_callback_authentication_token",
        "production key",
        no_key,
    )
    .await;
    for fault in ["status=503", "status=500", "status=429"] {
        let request = with_header(
            iluma_request(Method::GET, "/health", None, None),
            "x-sandbox-fault",
            fault,
        );
        // get_health declares 200 and 503 only: other injected statuses are the tester's choice.
        if fault == "status=503" {
            walk.send(Iluma, "get_health", fault, request).await;
        }
        let request = with_header(
            iluma_request(Method::POST, individual_path, Some(&individual), None),
            "x-sandbox-fault",
            fault,
        );
        walk.send(Iluma, "screen_individual", fault, request).await;
    }
}

#[tokio::test]
async fn every_response_conforms_to_the_spec() {
    let mut walk = Walk {
        app: SandboxApp::new(SandboxConfig::default()),
        observed: Vec::new(),
    };
    walk_scenarios(&mut walk).await;
    walk_kredibel(&mut walk).await;
    walk_kredibel_rules(&mut walk).await;
    walk_iluma(&mut walk).await;
    // A rate-limited sandbox, for the 429 of each vendor.
    let limited = SandboxApp::new(
        SandboxConfig::default()
            .with_rate_limit(RateLimit::per_minute(1))
            .with_fault(FaultRule::latency(std::time::Duration::from_millis(1))),
    );
    let mut limited_walk = Walk {
        app: limited,
        observed: Vec::new(),
    };
    for _ in 0..2 {
        limited_walk
            .send(
                Vendor::Iluma,
                "get_callback_authentication_token",
                "rate limited",
                iluma_request(
                    Method::GET,
                    "/v1/callback/authentication_tokens",
                    None,
                    None,
                ),
            )
            .await;
        limited_walk
            .send(
                Vendor::Kredibel,
                "verify_biometric",
                "rate limited",
                kredibel_post("/v1/identity/verification/biometric", &json!({})),
            )
            .await;
    }
    walk.observed.extend(limited_walk.observed);

    let mut statuses: BTreeMap<(&str, u16), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for observed in &walk.observed {
        *statuses
            .entry((observed.operation, observed.reply.status.as_u16()))
            .or_default() += 1;
        for problem in problems(observed.vendor, observed.operation, &observed.reply) {
            failures.push(format!(
                "{} [{}] {}: {problem}\n    body: {}",
                observed.operation, observed.scenario, observed.reply.status, observed.reply.body
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The walk reached every operation and every documented error status.
    for (operation, status) in [
        ("issue_certificate", 200),
        ("issue_certificate", 400),
        ("verify_biometric", 401),
        ("verify_biometric", 413),
        ("verify_biometric", 415),
        ("verify_biometric", 422),
        ("verify_biometric", 424),
        ("verify_biometric", 429),
        ("screen_individual", 200),
        ("screen_individual", 400),
        ("get_individual_screening", 404),
        ("verify_id_card", 413),
        ("verify_id_card", 415),
        ("verify_id_card", 403),
        ("get_api_keys", 404),
        ("get_callback_authentication_token", 401),
        ("get_callback_authentication_token", 429),
        ("get_health", 503),
        ("get_cft_pep_listing", 200),
        ("get_entity_screening", 200),
    ] {
        assert!(
            statuses.contains_key(&(operation, status)),
            "{operation} {status} never seen: {statuses:?}"
        );
    }
}
