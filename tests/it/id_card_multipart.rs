//! The hand-written multipart KTP verification sends what the spec's `verify_id_card`
//! operation documents: its part names are the properties of `IdCardVerificationRequest`, the
//! selfie's content type is one the spec's `encoding` allows, and bad input is refused before
//! anything is sent.

use kyc_clients::{Environment, iluma};
use openapiv3::{ReferenceOr, SchemaKind, Type};

use crate::support::{CaptureServer, vendors};

/// A selfie Iluma accepts: a 600×600 PNG of 150 KB (the spec asks 100–500 KB, 500×500 and up).
pub(crate) fn valid_selfie() -> Vec<u8> {
    crate::support::synthetic_png(600, 600, 150 * 1024)
}

struct Part {
    name: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A small multipart/form-data reader, enough to see what the client sent.
fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a multipart content type names its boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let text = body;
    let positions: Vec<usize> = text
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let chunk = &text[pair[0] + delimiter.len()..pair[1]];
        let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        let split = chunk.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&chunk[..split]).to_string();
        let mut content = chunk[split + 4..].to_vec();
        content.truncate(content.len().saturating_sub(2));
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let content_type = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("content-type: ")
                    .or_else(|| l.strip_prefix("Content-Type: "))
            })
            .map(str::to_string);
        parts.push(Part {
            name,
            content_type,
            body: content,
        });
    }
    parts
}

#[tokio::test]
async fn the_multipart_request_has_the_specs_field_names_and_content_types() {
    let iluma_spec = vendors()
        .into_iter()
        .find(|v| v.name == "iluma")
        .unwrap()
        .spec;
    let op = iluma_spec
        .operations()
        .find(|(_, _, op)| op.operation_id.as_deref() == Some("verify_id_card"))
        .unwrap()
        .2;
    let ReferenceOr::Item(body) = op.request_body.as_ref().unwrap() else {
        panic!()
    };
    let media = &body.content["multipart/form-data"];
    let allowed_selfie_types: Vec<String> = media.encoding["selfie"]
        .content_type
        .as_deref()
        .unwrap()
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let schema = match &iluma_spec.components.as_ref().unwrap().schemas["IdCardVerificationRequest"]
    {
        ReferenceOr::Item(schema) => schema.clone(),
        _ => panic!(),
    };
    let SchemaKind::Type(Type::Object(object)) = schema.schema_kind else {
        panic!()
    };
    let mut spec_fields: Vec<String> = object.properties.keys().cloned().collect();
    spec_fields.sort();

    let server = CaptureServer::start().await;
    server.reply_with(
        200,
        serde_json::json!({
            "id": "idvr_1", "created": "2022-03-21T12:24:42.480Z", "updated": "2022-03-21T12:24:42.480Z",
            "id_card_number": "3275031210930027", "name": "penito kristian", "status": "COMPLETED", "is_found": false
        }),
    );
    let client = iluma::Client::with_api_key(
        Environment::Custom(server.base_url.clone()),
        "iluma_development_test",
    )
    .unwrap();
    let selfie = valid_selfie();
    let verification = client
        .verify_id_card()
        .name("penito kristian")
        .id_card_number("3275031210930027")
        .birthdate("12-10-1991")
        .birthplace("Ketapang")
        .address("Alinda kencana blok E")
        .selfie(selfie.clone())
        .x_magic_reply(iluma::types::MagicReply::CompletedNotFound)
        .send()
        .await
        .unwrap();
    assert_eq!(verification.is_found, Some(false));

    let seen = server.last();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.uri.path(), "/v0/identity/id_card_verifications");
    assert_eq!(seen.headers["x-magic-reply"], "COMPLETED_NOT_FOUND");
    assert!(
        seen.headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    let content_type = seen.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let parts = parse_multipart(content_type, &seen.body);
    let mut sent_fields: Vec<String> = parts.iter().map(|p| p.name.clone()).collect();
    sent_fields.sort();
    assert_eq!(
        sent_fields, spec_fields,
        "every part is a property of IdCardVerificationRequest"
    );
    let selfie_part = parts.iter().find(|p| p.name == "selfie").unwrap();
    let selfie_type = selfie_part.content_type.clone().unwrap();
    assert!(
        allowed_selfie_types.contains(&selfie_type),
        "{selfie_type} not in {allowed_selfie_types:?}"
    );
    assert_eq!(selfie_part.body, selfie);
    let text = |name: &str| {
        String::from_utf8(parts.iter().find(|p| p.name == name).unwrap().body.clone()).unwrap()
    };
    assert_eq!(text("name"), "penito kristian");
    assert_eq!(text("id_card_number"), "3275031210930027");
    assert_eq!(text("birthdate"), "12-10-1991");
}

#[tokio::test]
async fn invalid_fields_are_refused_before_anything_is_sent() {
    let server = CaptureServer::start().await;
    let client = iluma::Client::with_api_key(
        Environment::Custom(server.base_url.clone()),
        "iluma_development_test",
    )
    .unwrap();
    let cases = [
        (
            client
                .verify_id_card()
                .name("p")
                .id_card_number("3275031210930027")
                .selfie(valid_selfie()),
            "name",
        ),
        (
            client
                .verify_id_card()
                .name("penito")
                .id_card_number("32750312109300")
                .selfie(valid_selfie()),
            "id_card_number",
        ),
        (
            client
                .verify_id_card()
                .name("penito")
                .id_card_number("3275031210930027")
                .birthdate("1991-10-12")
                .selfie(valid_selfie()),
            "birthdate",
        ),
        (
            client
                .verify_id_card()
                .name("penito")
                .id_card_number("3275031210930027")
                .selfie(b"GIF89a".to_vec()),
            "selfie",
        ),
        (
            client
                .verify_id_card()
                .name("penito")
                .id_card_number("3275031210930027"),
            "selfie: required",
        ),
    ];
    for (request, field) in cases {
        let err = request.send().await.unwrap_err();
        assert!(
            matches!(&err, kyc_clients::Error::InvalidRequest(message) if message.starts_with(field)),
            "expected an InvalidRequest naming `{field}`, got {err}"
        );
    }
    assert!(
        server.requests.lock().unwrap().is_empty(),
        "nothing reached the server"
    );
}
