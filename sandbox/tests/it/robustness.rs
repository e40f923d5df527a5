//! Hostile and broken requests get documented 4XX bodies, never a 5XX; bodies are bounded;
//! personal data never reaches the logs.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::support::{
    BOUNDARY, ILUMA_KEY, KREDIBEL_KEY, Part, basic, call, certificate_json, in_process,
    kredibel_post, ktp_form, ktp_request, multipart, selfie,
};

fn raw(
    method: Method,
    uri: &str,
    authorization: String,
    content_type: &str,
    body: Vec<u8>,
) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, authorization)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

fn kredibel(path: &str, content_type: &str, body: &[u8]) -> Request<Body> {
    raw(
        Method::POST,
        &format!("/kredibel{path}"),
        format!("Bearer {KREDIBEL_KEY}"),
        content_type,
        body.to_vec(),
    )
}

#[tokio::test]
async fn malformed_json_is_a_documented_400() {
    let app = in_process();
    for body in [
        &b"{"[..],
        b"",
        b"[1,2]",
        b"null",
        b"\"text\"",
        b"{\"identityId\": }",
    ] {
        let reply = call(
            &app,
            kredibel(
                "/v1/identity/verification/biometric",
                "application/json",
                body,
            ),
        )
        .await;
        assert_eq!(reply.status, 400, "{body:?}");
        assert!(reply.body["message"].is_string());
        let reply = call(
            &app,
            raw(
                Method::POST,
                "/iluma/v0/identity/individual_cft_peps",
                basic(ILUMA_KEY),
                "application/json",
                body.to_vec(),
            ),
        )
        .await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body["error_code"], "API_VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn wrong_content_types_are_refused() {
    let app = in_process();
    let json = certificate_json("1234567890123456").to_string();
    let reply = call(
        &app,
        kredibel("/v1/certificate/issuance", "text/plain", json.as_bytes()),
    )
    .await;
    assert_eq!(reply.status, 415);
    let reply = call(
        &app,
        raw(
            Method::POST,
            "/iluma/v0/identity/entity_cft_peps",
            basic(ILUMA_KEY),
            "application/x-www-form-urlencoded",
            b"name=intel".to_vec(),
        ),
    )
    .await;
    assert_eq!(reply.status, 400);
    let reply = call(
        &app,
        raw(
            Method::POST,
            "/iluma/v0/identity/id_card_verifications",
            basic(ILUMA_KEY),
            "application/json",
            b"{}".to_vec(),
        ),
    )
    .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.body["error_code"], "UNSUPPORTED_CONTENT_TYPE");
}

#[tokio::test]
async fn truncated_or_broken_multipart_is_a_documented_400() {
    let app = in_process();
    let whole = ktp_form("3275031210930027", &selfie());
    for cut in [10, 200, whole.len() / 2, whole.len() - 3] {
        let reply = call(&app, ktp_request(whole[..cut].to_vec(), None)).await;
        assert_eq!(reply.status, 400, "cut at {cut}: {:?}", reply.body);
        assert_eq!(reply.body["error_code"], "API_VALIDATION_ERROR");
    }
    let no_boundary = raw(
        Method::POST,
        "/iluma/v0/identity/id_card_verifications",
        basic(ILUMA_KEY),
        "multipart/form-data",
        whole.clone(),
    );
    assert_eq!(call(&app, no_boundary).await.status, 400);
    let unknown_field = multipart(&[
        Part::Text("name", "penito kristian"),
        Part::Text("id_card_number", "3275031210930027"),
        Part::Text("nickname", "pen"),
        Part::File("selfie", "image/jpeg", &selfie()),
    ]);
    let reply = call(&app, ktp_request(unknown_field, None)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["errors"][0]["field"], "nickname");
}

#[tokio::test]
async fn bodies_are_bounded() {
    let app = in_process();
    // Declared larger than any legitimate request: refused before reading.
    let mut declared = kredibel_post("/v1/identity/verification/biometric", &json!({}));
    declared
        .headers_mut()
        .insert(header::CONTENT_LENGTH, "1000000000".parse().unwrap());
    let reply = call(&app, declared).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["errors"]["errorType"], "image_too_large");
    // Streamed past the limit without a length.
    let huge = vec![b' '; 2 * 1024 * 1024];
    let reply = call(
        &app,
        kredibel(
            "/v1/identity/verification/biometric",
            "application/json",
            &huge,
        ),
    )
    .await;
    assert_eq!(reply.status, 413);
    // A multipart body past selfie max + allowance.
    let big = vec![0xFF; 700 * 1024];
    let body = multipart(&[Part::File("selfie", "image/jpeg", &big)]);
    let reply = call(&app, ktp_request(body, None)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.body["error_code"], "FILE_TOO_LARGE");
}

/// Deterministic garbage at every operation: never a 5XX.
#[tokio::test]
async fn garbage_never_gets_a_server_error() {
    let app = in_process();
    let mut state: u64 = 0x1234_5678;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let targets = [
        ("/kredibel/v1/certificate/issuance", "application/json"),
        (
            "/kredibel/v1/identity/verification/biometric",
            "application/json",
        ),
        ("/iluma/v0/identity/individual_cft_peps", "application/json"),
        ("/iluma/v0/identity/entity_cft_peps", "application/json"),
    ];
    let ktp_content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let valid_ktp = ktp_form("3275031210930027", &selfie());
    for round in 0..200 {
        let length = (next() % 512) as usize;
        let mut body: Vec<u8> = (0..length).map(|_| next() as u8).collect();
        if round % 3 == 0 {
            // Mostly-valid JSON with one field of a random type.
            let field = [
                "identityId",
                "faceImage",
                "given_names",
                "scopes",
                "score_threshold",
            ][round % 5];
            let value = [
                json!(null),
                json!(12),
                json!([]),
                json!({"a": 1}),
                json!("\u{0}\u{ffff}"),
            ][(next() % 5) as usize]
                .clone();
            body = json!({ field: value }).to_string().into_bytes();
        }
        for (path, content_type) in targets {
            let authorization = if path.starts_with("/kredibel") {
                format!("Bearer {KREDIBEL_KEY}")
            } else {
                basic(ILUMA_KEY)
            };
            let reply = call(
                &app,
                raw(
                    Method::POST,
                    path,
                    authorization,
                    content_type,
                    body.clone(),
                ),
            )
            .await;
            assert!(reply.status.is_client_error(), "{path}: {}", reply.status);
        }
        // A valid form with random bytes flipped.
        let mut ktp = valid_ktp.clone();
        for _ in 0..4 {
            let at = (next() as usize) % ktp.len();
            ktp[at] = next() as u8;
        }
        let reply = call(
            &app,
            raw(
                Method::POST,
                "/iluma/v0/identity/id_card_verifications",
                basic(ILUMA_KEY),
                &ktp_content_type,
                ktp,
            ),
        )
        .await;
        assert!(reply.status.as_u16() < 500, "ktp: {}", reply.status);
    }
}

// Images, NIKs, names and keys never logged, even at the most verbose level: the real
// binary, run with RUST_LOG=trace, serves the scenarios; its whole stderr is then searched.
#[cfg(unix)]
#[tokio::test]
async fn personal_data_never_reaches_the_logs() {
    use kyc_clients::{Environment, iluma, kredibel};

    let sandbox = crate::support::SandboxProcess::start(&[("RUST_LOG", "trace")], true);
    let kredibel_url = sandbox.kredibel_url.clone();
    let iluma_url = sandbox.iluma_url.clone();

    let kredibel = kredibel::Client::with_api_key(Environment::Custom(kredibel_url), KREDIBEL_KEY)
        .expect("a Kredibel client for the binary's URL");
    let iluma = iluma::Client::with_api_key(Environment::Custom(iluma_url), ILUMA_KEY)
        .expect("an Iluma client for the binary's URL");
    let face = crate::support::face_image();
    let _ = kredibel
        .issue_certificate()
        .body(
            crate::support::certificate_request("3201777788889999")
                .full_name("RAHASIA PRIBADI".to_string()),
        )
        .send()
        .await
        .expect("issued");
    let _ = kredibel
        .verify_biometric()
        .body(
            kyc_clients::kredibel::types::BiometricVerificationRequest::builder()
                .identity_id("3201777788880000")
                .face_image("@@not base64@@".to_string()),
        )
        .send()
        .await;
    let _ = iluma
        .screen_individual()
        .body(
            crate::support::individual_request()
                .given_names("Siti Rahmawati")
                .user_id("u"),
        )
        .send()
        .await
        .expect("screened");
    let _ = iluma
        .verify_id_card()
        .name("penito kristian")
        .id_card_number("3275031210930027")
        .selfie(selfie())
        .send()
        .await
        .expect("verified");

    let (stopped, logs) = sandbox.stop();
    assert!(stopped, "SIGTERM stops the binary with success");
    assert!(
        logs.contains("operation=\"issue_certificate\"") || logs.contains("issue_certificate"),
        "requests are logged: {logs}"
    );
    for secret in [
        "3201777788889999",
        "3201777788880000",
        "RAHASIA PRIBADI",
        "Siti Rahmawati",
        "penito kristian",
        "3275031210930027",
        &face[..40],
        ILUMA_KEY,
        KREDIBEL_KEY,
    ] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
}

/// Sends `head` and `body` on a plain socket, the whole body before reading anything (as a
/// simple client does), and returns the status and the JSON body of the answer.
async fn write_all_then_read(
    sandbox: &kyc_sandbox::Sandbox,
    head: String,
    body: &[u8],
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    // A small send buffer, so the kernel cannot take the whole body before the sandbox reads.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(16 * 1024).unwrap();
    let mut socket = socket.connect(sandbox.local_addr()).await.unwrap();
    socket.write_all(head.as_bytes()).await.expect("head sent");
    socket
        .write_all(body)
        .await
        .expect("the whole body is read by the sandbox, not cut off (broken pipe)");
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text[9..12].parse().unwrap();
    let json = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    (status, serde_json::from_str(json).unwrap_or_default())
}

/// A body over the limit is still read before the documented 413 is sent, so a client that
/// writes everything first reads the error body instead of a broken pipe.
#[tokio::test]
async fn an_over_limit_body_written_in_full_gets_the_documented_error() {
    let sandbox = kyc_sandbox::Sandbox::start().await.unwrap();
    // A 5 MB biometric request (the selfie's limit is 1 MB): a photo sent without resizing.
    let face = "A".repeat(5_000_000);
    let body = format!(r#"{{"identityId": "1234567890123456", "faceImage": "{face}"}}"#);
    let head = format!(
        "POST /kredibel/v1/identity/verification/biometric HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {KREDIBEL_KEY}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (status, answer) = write_all_then_read(&sandbox, head, body.as_bytes()).await;
    assert_eq!(status, 413);
    assert_eq!(answer["errors"]["errorType"], "image_too_large");

    // The same without a declared length (chunked), and a KTP form with a 700 KB selfie.
    let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
    let head = format!(
        "POST /kredibel/v1/identity/verification/biometric HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: Bearer {KREDIBEL_KEY}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let (status, answer) = write_all_then_read(&sandbox, head, chunked.as_bytes()).await;
    assert_eq!(status, 413);
    assert_eq!(answer["errors"]["errorType"], "image_too_large");

    let form = multipart(&[
        Part::Text("name", "penito kristian"),
        Part::Text("id_card_number", "3275031210930027"),
        Part::File("selfie", "image/jpeg", &vec![0xFF; 700 * 1024]),
    ]);
    let head = format!(
        "POST /iluma/v0/identity/id_card_verifications HTTP/1.1\r\nHost: localhost\r\n\
         Authorization: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        basic(ILUMA_KEY),
        form.len()
    );
    let (status, answer) = write_all_then_read(&sandbox, head, &form).await;
    assert_eq!(status, 413);
    assert_eq!(answer["error_code"], "FILE_TOO_LARGE");
}
