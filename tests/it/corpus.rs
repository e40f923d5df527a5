//! One corpus of request bodies and images, run through the client's validation and the
//! sandbox's, which must reach the same verdict for every case: accepted by both, or refused by
//! both on the same field.
//!
//! - **The client's verdict** is what a caller meets before anything is sent. For a JSON body:
//!   each base64 image as `Base64Image::from_base64` reads it (the conversion the builders and
//!   `Deserialize` run on text), then the body through the hook every generated call runs
//!   (`kyc_clients::vendor::pre`). For Iluma's multipart KTP verification: the hand-written
//!   builder itself, sent to the sandbox (a request it refuses never arrives).
//! - **The sandbox's verdict** is its answer to the same body sent raw: 2XX is accepted; a
//!   validation body names the fields it refuses. A documented error code that names no field
//!   (Kredibel's `invalid_base64_encoding` and `image_too_large`, Iluma's `FILE_TOO_LARGE`,
//!   `FILE_TOO_SMALL`, `UNSUPPORTED_CONTENT_TYPE`) counts as a refusal of the case's image field
//!   when the code stands for the rule the case breaks.
//!
//! Valid bodies come from the specs' request examples (`kyc_sandbox::examples`, images swapped
//! for `kyc_spec::image::sample` ones); each invalid case breaks one rule of it, and the case
//! is checked to break that rule (the shared validator's first violation), so the corpus says
//! what it tests. Every disagreement is listed, with the case, both verdicts and the sandbox's
//! answer, before the test fails.

use std::collections::BTreeSet;

use kyc_clients::image::sample::Image;
use kyc_clients::spec::Spec;
use kyc_clients::spec::validate::{Rule, Validator};
use kyc_clients::{Base64Image, ClientOptions, Environment, OperationInfo, iluma, kredibel};
use kyc_sandbox::Sandbox;
use serde_json::{Map, Value, json};

const KREDIBEL_KEY: &str = "corpus-key";
const ILUMA_KEY: &str = "iluma_development_corpus";

/// What a case expects of both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Accepted,
    /// Refused on `field`, breaking `rule`.
    Refused(String, Rule),
}

fn refused(field: &str, rule: Rule) -> Expect {
    Expect::Refused(field.to_string(), rule)
}

/// One side's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepted,
    /// Refused, naming these fields (none when the answer is a documented code alone).
    Refused {
        fields: BTreeSet<String>,
        code: Option<String>,
    },
}

/// A JSON case: the operation's example with `edit` applied.
struct JsonCase {
    name: &'static str,
    vendor: &'static str,
    operation_id: &'static str,
    body: Value,
    expect: Expect,
}

/// A multipart case: the KTP verification's text fields and its selfie (with its part's
/// media type).
struct FormCase {
    name: &'static str,
    fields: Map<String, Value>,
    selfie: Option<(Vec<u8>, &'static str)>,
    expect: Expect,
}

fn spec_of(vendor: &str) -> &'static Spec {
    match vendor {
        "kredibel" => kredibel::spec(),
        _ => iluma::spec(),
    }
}

/// The operation's request example with real images.
fn example(vendor: &str, operation_id: &str) -> Value {
    kyc_sandbox::examples::valid_request(spec_of(vendor), operation_id)
        .unwrap_or_else(|error| panic!("{error}"))
        .body
}

/// An SVG whose root element declares no size, `bytes` long.
fn svg_without_size(bytes: usize) -> Vec<u8> {
    let head = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/>";
    let tail = "</svg>";
    let mut svg = head.as_bytes().to_vec();
    svg.resize(bytes - tail.len(), b' ');
    svg.extend_from_slice(tail.as_bytes());
    svg
}

/// A JPEG start (SOI) followed by `bytes` of no marker at all: its header cannot be read.
fn broken_jpeg(bytes: usize) -> Vec<u8> {
    let mut jpeg = vec![0; bytes];
    jpeg[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    jpeg
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn json_cases() -> Vec<JsonCase> {
    let mut cases = Vec::new();
    let mut case = |name: &'static str,
                    vendor: &'static str,
                    operation_id: &'static str,
                    edit: &dyn Fn(&mut Value),
                    expect: Expect| {
        let mut body = example(vendor, operation_id);
        edit(&mut body);
        cases.push(JsonCase {
            name,
            vendor,
            operation_id,
            body,
            expect,
        });
    };
    let set =
        |field: &'static str, value: Value| move |body: &mut Value| body[field] = value.clone();
    let remove = |field: &'static str| {
        move |body: &mut Value| {
            body.as_object_mut().map(|o| o.remove(field));
        }
    };
    let ok = Expect::Accepted;

    // Kredibel certificate issuance: every rule of its schema, every image limit.
    let (k, cert) = ("kredibel", "issue_certificate");
    case("example", k, cert, &|_| {}, ok.clone());
    let face = "faceImage";
    let card = "identityImage";
    for (name, image) in [
        (
            "face PNG at the minimum size",
            Image::png(480, 640).base64(102_400),
        ),
        ("face SVG with a size", Image::svg(480, 640).base64(102_400)),
        (
            "face JPEG at the minimum pixels",
            Image::jpeg(480, 640).base64(150_000),
        ),
    ] {
        case(name, k, cert, &set(face, json!(image)), ok.clone());
    }
    case(
        "card at the maximum size",
        k,
        cert,
        &set(card, json!(Image::jpeg(480, 360).base64(2_000_000))),
        ok.clone(),
    );
    case(
        "missing NIK",
        k,
        cert,
        &remove("identityId"),
        refused("identityId", Rule::Required),
    );
    case(
        "unknown field",
        k,
        cert,
        &set("nickname", json!("x")),
        refused("nickname", Rule::UnknownField),
    );
    case(
        "short NIK",
        k,
        cert,
        &set("identityId", json!("12345")),
        refused("identityId", Rule::MinLength),
    );
    case(
        "NIK with letters",
        k,
        cert,
        &set("identityId", json!("12345678901234AB")),
        refused("identityId", Rule::Pattern),
    );
    case(
        "name as a number",
        k,
        cert,
        &set("fullName", json!(42)),
        refused("fullName", Rule::Type),
    );
    case(
        "name null",
        k,
        cert,
        &set("fullName", Value::Null),
        refused("fullName", Rule::Null),
    );
    case(
        "birth date as DD-MM-YYYY",
        k,
        cert,
        &set("birthDate", json!("06-07-1990")),
        refused("birthDate", Rule::Format),
    );
    case(
        "email without a domain",
        k,
        cert,
        &set("emailAddress", json!("test@email")),
        refused("emailAddress", Rule::Format),
    );
    case(
        "phone with a plus",
        k,
        cert,
        &set("phoneNumber", json!("+621234567890")),
        refused("phoneNumber", Rule::Pattern),
    );
    let image_cases: Vec<(&str, &str, String, Rule)> = vec![
        (
            "face too small",
            face,
            Image::jpeg(480, 640).base64(102_399),
            Rule::MinBytes,
        ),
        (
            "card too large",
            card,
            Image::jpeg(480, 360).base64(2_000_001),
            Rule::MaxBytes,
        ),
        (
            "face too narrow",
            face,
            Image::jpeg(479, 640).base64(150_000),
            Rule::MinPixels,
        ),
        (
            "card too short",
            card,
            Image::png(480, 359).base64(150_000),
            Rule::MinPixels,
        ),
        (
            "face a GIF",
            face,
            base64(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
            Rule::ImageFormats,
        ),
        (
            "face no image at all",
            face,
            "QUJD".into(),
            Rule::ImageFormats,
        ),
        (
            "face SVG without a size",
            face,
            base64(&svg_without_size(150_000)),
            Rule::MinPixels,
        ),
        ("face empty", face, String::new(), Rule::Image),
        (
            "face a JPEG with a broken header",
            face,
            base64(&broken_jpeg(150_000)),
            Rule::Image,
        ),
        ("face not base64", face, "not base64!".into(), Rule::Format),
        (
            "face unpadded base64",
            face,
            Image::jpeg(480, 640)
                .base64(150_001)
                .trim_end_matches('=')
                .into(),
            Rule::Format,
        ),
        ("face URL-safe base64", face, "-_9z".into(), Rule::Format),
        (
            "face base64 with line breaks",
            face,
            {
                let text = Image::jpeg(480, 640).base64(150_000);
                format!("{}\n{}", &text[..76], &text[76..])
            },
            Rule::Format,
        ),
        (
            "face with a data URL prefix",
            face,
            format!(
                "data:image/jpeg;base64,{}",
                Image::jpeg(480, 640).base64(150_000)
            ),
            Rule::Format,
        ),
    ];
    for (name, field, text, rule) in image_cases {
        case(
            name,
            k,
            cert,
            &set(field, json!(text)),
            refused(field, rule),
        );
    }

    // Kredibel biometric verification: one image with a maximum only.
    let bio = "verify_biometric";
    case("example", k, bio, &|_| {}, ok.clone());
    case(
        "small face (no minimum)",
        k,
        bio,
        &set(face, json!(Image::png(100, 100).base64(2_000))),
        ok.clone(),
    );
    case(
        "SVG without a size (no pixel minimum)",
        k,
        bio,
        &set(face, json!(base64(&svg_without_size(5_000)))),
        ok.clone(),
    );
    case(
        "face too large",
        k,
        bio,
        &set(face, json!(Image::jpeg(480, 640).base64(1_000_001))),
        refused(face, Rule::MaxBytes),
    );
    case(
        "face with a data URL prefix",
        k,
        bio,
        &set(
            face,
            json!(format!(
                "data:image/png;base64,{}",
                Image::png(480, 640).base64(5_000)
            )),
        ),
        refused(face, Rule::Format),
    );
    case(
        "missing face",
        k,
        bio,
        &remove(face),
        refused(face, Rule::Required),
    );

    // Iluma screenings: every rule of the two request schemas.
    let (i, person) = ("iluma", "screen_individual");
    case("example", i, person, &|_| {}, ok.clone());
    case(
        "threshold at the bounds",
        i,
        person,
        &set("score_threshold", json!(50)),
        ok.clone(),
    );
    case(
        "missing user id",
        i,
        person,
        &remove("user_id"),
        refused("user_id", Rule::Required),
    );
    case(
        "unknown field",
        i,
        person,
        &set("extra", json!(1)),
        refused("extra", Rule::UnknownField),
    );
    case(
        "empty given names",
        i,
        person,
        &set("given_names", json!("")),
        refused("given_names", Rule::MinLength),
    );
    case(
        "nationality in lower case",
        i,
        person,
        &set("nationality", json!("id")),
        refused("nationality", Rule::Pattern),
    );
    case(
        "no scopes",
        i,
        person,
        &set("scopes", json!([])),
        refused("scopes", Rule::MinItems),
    );
    case(
        "a scope twice",
        i,
        person,
        &set("scopes", json!(["PEP", "PEP"])),
        refused("scopes[1]", Rule::UniqueItems),
    );
    case(
        "an unknown scope",
        i,
        person,
        &set("scopes", json!(["CRIME"])),
        refused("scopes[0]", Rule::Enum),
    );
    case(
        "threshold under 50",
        i,
        person,
        &set("score_threshold", json!(49)),
        refused("score_threshold", Rule::Minimum),
    );
    case(
        "threshold over 100",
        i,
        person,
        &set("score_threshold", json!(101)),
        refused("score_threshold", Rule::Maximum),
    );
    case(
        "threshold not whole",
        i,
        person,
        &set("score_threshold", json!(90.5)),
        refused("score_threshold", Rule::Type),
    );
    case(
        "birth date as DD-MM-YYYY",
        i,
        person,
        &set("date_of_birth", json!("11-03-1943")),
        refused("date_of_birth", Rule::Format),
    );
    case(
        "phone without a plus",
        i,
        person,
        &set("phone_number", json!("6281234567890")),
        refused("phone_number", Rule::Pattern),
    );
    case(
        "address country as a number",
        i,
        person,
        &set("addresses", json!([{"country": 7}])),
        refused("addresses[0].country", Rule::Type),
    );
    let entity = "screen_entity";
    case("example", i, entity, &|_| {}, ok.clone());
    case(
        "missing name",
        i,
        entity,
        &remove("name"),
        refused("name", Rule::Required),
    );
    case(
        "domicile of three letters",
        i,
        entity,
        &set("business_domicile", json!("IDN")),
        refused("business_domicile", Rule::Pattern),
    );
    cases
}

fn form_cases() -> Vec<FormCase> {
    let example = kyc_sandbox::examples::valid_request(iluma::spec(), "verify_id_card")
        .unwrap_or_else(|error| panic!("{error}"));
    let fields = example
        .body
        .as_object()
        .expect("a form's text fields")
        .clone();
    let selfie = |bytes: Vec<u8>, mime| Some((bytes, mime));
    let jpeg = |width, height, bytes| selfie(Image::jpeg(width, height).bytes(bytes), "image/jpeg");
    let with = |field: &str, value: &str| {
        let mut fields = fields.clone();
        fields.insert(field.into(), json!(value));
        fields
    };
    let without = |field: &str| {
        let mut fields = fields.clone();
        fields.remove(field);
        fields
    };
    let file = &example.files[0];
    let documented = selfie(file.bytes.clone(), file.format.mime_type());
    let case = |name, fields, selfie, expect| FormCase {
        name,
        fields,
        selfie,
        expect,
    };
    vec![
        case(
            "example",
            fields.clone(),
            documented.clone(),
            Expect::Accepted,
        ),
        case(
            "PNG at the limits",
            fields.clone(),
            selfie(Image::png(500, 500).bytes(102_400), "image/png"),
            Expect::Accepted,
        ),
        case(
            "JPEG at the maximum",
            fields.clone(),
            jpeg(500, 500, 500_000),
            Expect::Accepted,
        ),
        case(
            "missing name",
            without("name"),
            documented.clone(),
            refused("name", Rule::Required),
        ),
        case(
            "missing selfie",
            fields.clone(),
            None,
            refused("selfie", Rule::Required),
        ),
        case(
            "name of one character",
            with("name", "a"),
            documented.clone(),
            refused("name", Rule::MinLength),
        ),
        case(
            "name over 100 characters",
            with("name", &"x".repeat(101)),
            documented.clone(),
            refused("name", Rule::MaxLength),
        ),
        case(
            "short NIK",
            with("id_card_number", "3275031210"),
            documented.clone(),
            refused("id_card_number", Rule::MinLength),
        ),
        case(
            "NIK with letters",
            with("id_card_number", "32750312109300AB"),
            documented.clone(),
            refused("id_card_number", Rule::Pattern),
        ),
        case(
            "selfie with a broken header",
            fields.clone(),
            selfie(broken_jpeg(150_000), "image/jpeg"),
            refused("selfie", Rule::Image),
        ),
        case(
            "birth date as YYYY-MM-DD",
            with("birthdate", "1991-10-12"),
            documented.clone(),
            refused("birthdate", Rule::Pattern),
        ),
        case(
            "selfie too small",
            fields.clone(),
            jpeg(800, 800, 102_399),
            refused("selfie", Rule::MinBytes),
        ),
        case(
            "selfie too large",
            fields.clone(),
            jpeg(800, 800, 500_001),
            refused("selfie", Rule::MaxBytes),
        ),
        case(
            "selfie too narrow",
            fields.clone(),
            jpeg(499, 800, 150_000),
            refused("selfie", Rule::MinPixels),
        ),
        case(
            "selfie an SVG",
            fields.clone(),
            selfie(Image::svg(800, 800).bytes(150_000), "image/svg+xml"),
            refused("selfie", Rule::ImageFormats),
        ),
        case(
            "selfie an SVG without a size",
            fields.clone(),
            selfie(svg_without_size(150_000), "image/svg+xml"),
            refused("selfie", Rule::ImageFormats),
        ),
        case(
            "selfie a GIF",
            fields.clone(),
            selfie(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "image/gif"),
            refused("selfie", Rule::ImageFormats),
        ),
    ]
}

/// The field a client message names: `faceImage: is 3 bytes; ...` → `faceImage`.
fn field_of(message: &str) -> BTreeSet<String> {
    let field = message.split(": ").next().unwrap_or_default();
    BTreeSet::from([field.to_string()])
}

/// What the client of one vendor is built from (`kyc_clients::vendor::connect`, which
/// `Client::connect` calls): base URL, HTTP client, call settings.
struct Connection {
    base_url: String,
    http: reqwest::Client,
    settings: kyc_clients::CallSettings,
}

fn connect(vendor: &str, sandbox: &Sandbox) -> Connection {
    let (vendor, key) = match vendor {
        "kredibel" => (kredibel::VENDOR, KREDIBEL_KEY),
        _ => (iluma::VENDOR, ILUMA_KEY),
    };
    let url = sandbox
        .url(vendor.name())
        .expect("the sandbox serves the vendor");
    let (base_url, http, settings) = kyc_clients::vendor::connect(
        vendor,
        &Environment::Custom(url),
        key,
        &ClientOptions::default(),
    )
    .expect("a client of the local sandbox");
    Connection {
        base_url,
        http,
        settings,
    }
}

/// The client's verdict on a JSON body: the base64 images as `Base64Image` reads them, then
/// the body through the hook every generated call runs before sending.
fn client_json(case: &JsonCase, connection: &Connection) -> Verdict {
    let spec = spec_of(case.vendor);
    let schema = spec
        .request_schema(case.operation_id, "application/json")
        .expect("a JSON operation");
    for (field, _) in spec.image_fields(schema) {
        if let Some(text) = case.body.get(field).and_then(Value::as_str)
            && let Err(error) = Base64Image::from_base64(text)
        {
            return Verdict::Refused {
                fields: field_of(&format!("{field}: {error}")),
                code: None,
            };
        }
    }
    let operation = spec
        .operation(case.operation_id)
        .expect("the operation is in the spec");
    let mut request = connection
        .http
        .post(format!("{}{}", connection.base_url, operation.path))
        .body(serde_json::to_vec(&case.body).expect("JSON"))
        .build()
        .expect("a request");
    let info = OperationInfo {
        operation_id: &operation.id,
    };
    match kyc_clients::vendor::pre::<()>(&connection.settings, &mut request, &info) {
        Ok(()) => Verdict::Accepted,
        Err(kyc_clients::Error::InvalidRequest(message)) => Verdict::Refused {
            fields: field_of(&message),
            code: None,
        },
        Err(other) => panic!("{}: the hook failed otherwise: {other:?}", case.name),
    }
}

/// The sandbox's answer to a body, as a verdict.
async fn sandbox_verdict(response: reqwest::Response) -> (Verdict, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let shown = format!("{status} {body}");
    if (200..300).contains(&status) {
        return (Verdict::Accepted, shown);
    }
    let errors = &body["errors"];
    let mut fields = BTreeSet::new();
    if let Some(list) = errors.as_array() {
        // Iluma: [{field, message}].
        fields.extend(
            list.iter()
                .filter_map(|e| e["field"].as_str().map(String::from)),
        );
    } else if let Some(map) = errors.as_object()
        && !map.contains_key("errorType")
    {
        // Kredibel's validation shape: {<field>: [reasons]}.
        fields.extend(map.keys().cloned());
    }
    let code = errors["errorType"]
        .as_str()
        .or(body["error_code"].as_str())
        .filter(|code| *code != "API_VALIDATION_ERROR")
        .map(String::from);
    (Verdict::Refused { fields, code }, shown)
}

/// The rules a documented error code that names no field stands for.
fn code_rules(code: &str) -> &'static [Rule] {
    match code {
        "invalid_base64_encoding" => &[Rule::Format],
        "image_too_large" | "FILE_TOO_LARGE" => &[Rule::MaxBytes],
        "FILE_TOO_SMALL" => &[Rule::MinBytes],
        "UNSUPPORTED_CONTENT_TYPE" => &[Rule::ImageFormats, Rule::Image],
        _ => &[],
    }
}

/// Why `verdict` is not what `expect` asks of one side, if it is not.
fn disagreement(expect: &Expect, verdict: &Verdict, image_fields: &[String]) -> Option<String> {
    match (expect, verdict) {
        (Expect::Accepted, Verdict::Accepted) => None,
        (Expect::Refused(field, rule), Verdict::Refused { fields, code }) => {
            if fields.len() == 1 && fields.contains(field) {
                return None;
            }
            let by_code = fields.is_empty()
                && image_fields.contains(field)
                && code
                    .as_deref()
                    .is_some_and(|c| code_rules(c).contains(rule));
            (!by_code).then(|| format!("refused on {fields:?} (code {code:?}), not on `{field}`"))
        }
        (Expect::Accepted, Verdict::Refused { fields, code }) => {
            Some(format!("refused on {fields:?} (code {code:?})"))
        }
        (Expect::Refused(field, _), Verdict::Accepted) => {
            Some(format!("accepted, not refused on `{field}`"))
        }
    }
}

/// The case breaks the rule it says it does: the shared validator's first violation.
fn check_the_case(
    name: &str,
    expect: &Expect,
    violations: Vec<kyc_clients::spec::validate::Violation<'_>>,
) -> Option<String> {
    let first = violations.first().map(|v| (v.path.clone(), v.rule));
    let wanted = match expect {
        Expect::Accepted => None,
        Expect::Refused(field, rule) => Some((field.clone(), *rule)),
    };
    (first != wanted).then(|| {
        format!("{name}: the corpus is wrong: expected {wanted:?}, the validator finds {first:?}")
    })
}

/// The operation's image fields.
fn image_fields(spec: &Spec, schema: &Value) -> Vec<String> {
    spec.image_fields(schema)
        .into_iter()
        .map(|(field, _)| field.to_string())
        .collect()
}

#[tokio::test]
async fn client_and_sandbox_agree_on_every_case() {
    let sandbox = Sandbox::start()
        .await
        .expect("the sandbox starts on 127.0.0.1");
    let kredibel_connection = connect("kredibel", &sandbox);
    let iluma_connection = connect("iluma", &sandbox);
    let http = &kredibel_connection.http;
    let mut problems = Vec::new();
    let mut count = 0;

    for case in json_cases() {
        count += 1;
        let spec = spec_of(case.vendor);
        let operation = spec.operation(case.operation_id).expect("a spec operation");
        let schema = spec
            .request_schema(case.operation_id, "application/json")
            .expect("a JSON operation");
        let label = format!("{} {} `{}`", case.vendor, case.operation_id, case.name);
        let found = Validator::new(spec)
            .first_only()
            .request_json(case.operation_id, &serde_json::to_vec(&case.body).unwrap());
        problems.extend(check_the_case(&label, &case.expect, found));

        let connection = match case.vendor {
            "kredibel" => &kredibel_connection,
            _ => &iluma_connection,
        };
        let client = client_json(&case, connection);
        let request = http
            .post(format!("{}{}", connection.base_url, operation.path))
            .json(&case.body);
        let request = match case.vendor {
            "kredibel" => request.bearer_auth(KREDIBEL_KEY),
            _ => request.basic_auth(ILUMA_KEY, Some("")),
        };
        let (answer, shown) =
            sandbox_verdict(request.send().await.expect("the sandbox answers")).await;
        let fields = image_fields(spec, schema);
        if let Some(why) = disagreement(&case.expect, &client, &fields) {
            problems.push(format!("{label}: client {why}"));
        }
        if let Some(why) = disagreement(&case.expect, &answer, &fields) {
            problems.push(format!("{label}: sandbox {why}; it answered {shown}"));
        }
    }

    let spec = iluma::spec();
    let schema = spec
        .request_schema("verify_id_card", "multipart/form-data")
        .expect("a multipart operation");
    let fields = image_fields(spec, schema);
    let client = iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY)
        .expect("a client of the local sandbox");
    for case in form_cases() {
        count += 1;
        let label = format!("iluma verify_id_card `{}`", case.name);
        let files: Vec<(&str, &[u8])> = case
            .selfie
            .iter()
            .map(|(bytes, _)| ("selfie", &bytes[..]))
            .collect();
        let found = Validator::new(spec).first_only().request_multipart(
            "verify_id_card",
            &case.fields,
            &files,
        );
        problems.extend(check_the_case(&label, &case.expect, found));

        let before = sandbox.requests().count("verify_id_card");
        let client_verdict = match ktp(&client, &case).send().await {
            Err(kyc_clients::Error::InvalidRequest(message)) => Verdict::Refused {
                fields: field_of(&message),
                code: None,
            },
            // Sent: whatever the answer, the client let it through.
            _ => Verdict::Accepted,
        };
        let sent = sandbox.requests().count("verify_id_card") - before;
        if (client_verdict == Verdict::Accepted) != (sent == 1) {
            problems.push(format!(
                "{label}: client verdict {client_verdict:?}, but {sent} request(s) sent"
            ));
        }
        let (content_type, body) = multipart(&case);
        let response = http
            .post(format!(
                "{}/v0/identity/id_card_verifications",
                sandbox.iluma_url()
            ))
            .basic_auth(ILUMA_KEY, Some(""))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("the sandbox answers");
        let (answer, shown) = sandbox_verdict(response).await;
        if let Some(why) = disagreement(&case.expect, &client_verdict, &fields) {
            problems.push(format!("{label}: client {why}"));
        }
        if let Some(why) = disagreement(&case.expect, &answer, &fields) {
            problems.push(format!("{label}: sandbox {why}; it answered {shown}"));
        }
    }

    sandbox.shutdown().await;
    assert!(
        problems.is_empty(),
        "{} of {count} cases disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The KTP verification of `case` through the hand-written builder.
fn ktp<'a>(client: &'a iluma::Client, case: &FormCase) -> iluma::VerifyIdCard<'a> {
    let mut request = client.verify_id_card();
    let text = |field: &str| {
        case.fields
            .get(field)
            .and_then(Value::as_str)
            .map(String::from)
    };
    if let Some(name) = text("name") {
        request = request.name(name);
    }
    if let Some(nik) = text("id_card_number") {
        request = request.id_card_number(nik);
    }
    if let Some(birthdate) = text("birthdate") {
        request = request.birthdate(birthdate);
    }
    if let Some(birthplace) = text("birthplace") {
        request = request.birthplace(birthplace);
    }
    if let Some(address) = text("address") {
        request = request.address(address);
    }
    if let Some((bytes, _)) = &case.selfie {
        request = request.selfie(bytes.clone());
    }
    request
}

/// The form of `case`, sent raw: one part per text field, the selfie as a file part with its
/// declared media type.
fn multipart(case: &FormCase) -> (String, Vec<u8>) {
    let boundary = "kyc-corpus-boundary";
    let mut body = Vec::new();
    for (name, value) in &case.fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
                value.as_str().unwrap_or_default()
            )
            .as_bytes(),
        );
    }
    if let Some((bytes, mime)) = &case.selfie {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"selfie\"; filename=\"selfie\"\r\nContent-Type: {mime}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
