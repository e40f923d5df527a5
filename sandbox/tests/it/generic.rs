//! A vendor with no hand-written behaviour, served from its spec alone
//! (`SandboxConfig::with_spec`): a tiny inline spec, "acme", with a JSON operation carrying a
//! base64 image, a multipart one carrying an image file, and an unauthenticated ping. Each
//! request is checked against the spec and answered with the spec's own examples.

use axum::body::Body;
use axum::http::{Method, Request, header};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{Sandbox, SandboxApp, SandboxConfig};
use serde_json::{Value, json};

use crate::support::{BOUNDARY, Part, call, multipart};

const ACME: &str = r##"
openapi: 3.0.3
info:
  title: Acme identity API
  version: "1"
  x-vendor: acme
servers:
  - url: https://api.acme.example
    x-environments: [sandbox, production]
security:
  - key: []
paths:
  /v1/selfie_checks:
    post:
      operationId: check_selfie
      parameters:
        - name: x-request-id
          in: header
          required: true
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/SelfieCheck"}
      responses:
        "201":
          description: Checked.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Verdict"}
              examples:
                match: {value: {person_id: "1234", match: true}}
        "400": {$ref: "#/components/responses/Error"}
        "401":
          description: No key.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
              example: {code: UNAUTHORIZED}
  /v1/document_checks:
    post:
      operationId: check_document
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema: {$ref: "#/components/schemas/DocumentCheck"}
      responses:
        "200":
          description: Checked.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Verdict"}
              example: {person_id: "5678", match: false}
        "4XX": {$ref: "#/components/responses/Error"}
  /v1/ping:
    get:
      operationId: ping
      security: []
      responses:
        "200":
          description: Up.
          content:
            application/json:
              example: {up: true}
components:
  securitySchemes:
    key:
      type: http
      scheme: bearer
      x-key-prefixes: {sandbox: acme_test_, production: acme_live_}
  responses:
    Error:
      description: A refused request.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
          examples:
            bad_request: {value: {code: BAD_REQUEST}}
  schemas:
    SelfieCheck:
      type: object
      required: [person_id, selfie]
      additionalProperties: false
      properties:
        person_id: {type: string, pattern: "^[0-9]{4}$"}
        selfie:
          type: string
          format: byte
          x-image-formats: [jpeg, png]
          x-max-bytes: 200000
          x-min-pixels: {width: 400, height: 400}
    DocumentCheck:
      type: object
      required: [name, document]
      additionalProperties: false
      properties:
        name: {type: string, minLength: 2}
        document:
          type: string
          format: binary
          x-image-formats: [png]
    Verdict:
      type: object
      properties:
        person_id: {type: string}
        match: {type: boolean}
    Error:
      type: object
      properties:
        code: {type: string}
"##;

const KEY: &str = "acme_test_abc";

fn acme() -> kyc_spec::Spec {
    kyc_spec_load::parse("acme.yaml", ACME)
        .unwrap_or_else(|errors| panic!("{errors}"))
        .spec
}

fn app() -> SandboxApp {
    SandboxApp::new(SandboxConfig::default().with_spec(acme()))
}

fn selfie_check(key: Option<&str>, request_id: Option<&str>, body: &Value) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/acme/v1/selfie_checks")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    if let Some(id) = request_id {
        builder = builder.header("x-request-id", id);
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

fn good_selfie() -> Value {
    json!({"person_id": "1234", "selfie": Image::jpeg(480, 480).base64(50_000)})
}

fn document_check(parts: &[Part<'_>]) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/acme/v1/document_checks")
        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(parts)))
        .unwrap()
}

#[tokio::test]
async fn a_valid_request_gets_the_first_documented_success() {
    let app = app();
    assert_eq!(
        app.vendors().collect::<Vec<_>>(),
        ["kredibel", "iluma", "acme"]
    );
    let reply = call(&app, selfie_check(Some(KEY), Some("r-1"), &good_selfie())).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body, json!({"person_id": "1234", "match": true}));
    let ping = Request::get("/acme/v1/ping").body(Body::empty()).unwrap();
    let reply = call(&app, ping).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body),
        (200, json!({"up": true}))
    );
    assert_eq!(app.requests().count("check_selfie"), 1);
    assert_eq!(app.requests().count("ping"), 1);
}

#[tokio::test]
async fn credentials_follow_the_security_scheme_and_key_prefixes() {
    let app = app();
    for key in [
        None,
        Some("acme_live_abc"),
        Some("acme_test_"),
        Some("other"),
    ] {
        let reply = call(&app, selfie_check(key, Some("r-1"), &good_selfie())).await;
        assert_eq!(reply.status, 401, "{key:?}");
        assert_eq!(reply.body, json!({"code": "UNAUTHORIZED"}), "{key:?}");
    }
}

#[tokio::test]
async fn a_request_that_breaks_the_spec_gets_the_documented_error() {
    let app = app();
    let image = |image: Image, size| json!(image.base64(size));
    let mut cases: Vec<(&str, Option<&str>, Value)> = vec![
        ("no x-request-id", None, good_selfie()),
        ("missing field", Some("r"), json!({"person_id": "1234"})),
        (
            "pattern",
            Some("r"),
            json!({"person_id": "12a4", "selfie": good_selfie()["selfie"]}),
        ),
    ];
    let mut with = |name, selfie: Value| {
        let mut body = good_selfie();
        body["selfie"] = selfie;
        cases.push((name, Some("r"), body));
    };
    with("unknown format", json!(Image::svg(480, 480).base64(50_000)));
    with("too few pixels", image(Image::png(399, 480), 50_000));
    with("over x-max-bytes", image(Image::jpeg(480, 480), 200_001));
    with("not base64", json!("not base64!"));
    let mut unknown = good_selfie();
    unknown["extra"] = json!(1);
    cases.push(("unknown field", Some("r"), unknown));
    for (name, request_id, body) in cases {
        let reply = call(&app, selfie_check(Some(KEY), request_id, &body)).await;
        assert_eq!(reply.status, 400, "{name}: {}", reply.body);
        assert_eq!(reply.body, json!({"code": "BAD_REQUEST"}), "{name}");
    }
    let text = Request::post("/acme/v1/selfie_checks")
        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
        .header("x-request-id", "r")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("hello"))
        .unwrap();
    let reply = call(&app, text).await;
    // No 415 documented: the documented 400.
    assert_eq!(
        (reply.status.as_u16(), reply.body),
        (400, json!({"code": "BAD_REQUEST"}))
    );
}

#[tokio::test]
async fn multipart_image_parts_are_checked_against_their_rule() {
    let app = app();
    let png = Image::png(100, 100).bytes(2_000);
    let reply = call(
        &app,
        document_check(&[
            Part::Text("name", "Budi"),
            Part::File("document", "image/png", &png),
        ]),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, json!({"person_id": "5678", "match": false}));
    let jpeg = Image::jpeg(100, 100).bytes(2_000);
    for (name, parts) in [
        ("missing part", vec![Part::Text("name", "Budi")]),
        (
            "format outside x-image-formats",
            vec![
                Part::Text("name", "Budi"),
                Part::File("document", "image/jpeg", &jpeg),
            ],
        ),
        (
            "short name",
            vec![
                Part::Text("name", "B"),
                Part::File("document", "image/png", &png),
            ],
        ),
    ] {
        let reply = call(&app, document_check(&parts)).await;
        // The operation documents `4XX`: sent as 400.
        assert_eq!(reply.status, 400, "{name}: {}", reply.body);
        assert_eq!(reply.body, json!({"code": "BAD_REQUEST"}), "{name}");
    }
}

#[tokio::test]
async fn faults_and_unknown_routes_answer_from_the_spec() {
    let app = app();
    let faulted = |fault: &str| {
        let mut request = selfie_check(Some(KEY), Some("r"), &good_selfie());
        request
            .headers_mut()
            .insert("x-sandbox-fault", fault.parse().unwrap());
        request
    };
    let reply = call(&app, faulted("status=400")).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body),
        (400, json!({"code": "BAD_REQUEST"}))
    );
    let reply = call(&app, faulted("status=503")).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body),
        (503, json!({"message": "Service Unavailable."}))
    );
    let reply = call(&app, faulted("status=nonsense")).await;
    assert_eq!(reply.status, 400);
    let nowhere = Request::get("/acme/v9/nothing")
        .body(Body::empty())
        .unwrap();
    let reply = call(&app, nowhere).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body),
        (404, json!({"message": "Not found."}))
    );
    let root = call(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(
        root.body["message"],
        "Not found. The sandbox serves Kredibel under /kredibel, Iluma under /iluma and Acme under /acme."
    );
}

#[tokio::test]
async fn the_socket_server_gives_the_added_vendors_url() {
    let sandbox = Sandbox::start_with(SandboxConfig::default().with_spec(acme()))
        .await
        .unwrap();
    let url = sandbox.url("acme").expect("acme is served");
    assert_eq!(url, format!("{}/acme", sandbox.base_url()));
    assert_eq!(sandbox.url("kredibel"), Some(sandbox.kredibel_url()));
    assert_eq!(sandbox.url("nobody"), None);
    sandbox.shutdown().await;
}

#[test]
#[should_panic(expected = "two specs name the vendor `kredibel`")]
fn a_second_spec_for_a_served_vendor_is_refused() {
    let spec =
        kyc_spec::Spec::from_value(kyc_sandbox::spec::kredibel().document().clone()).unwrap();
    let _ = SandboxApp::new(SandboxConfig::default().with_spec(spec));
}
