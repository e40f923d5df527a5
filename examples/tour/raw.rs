//! Plain HTTP to the sandbox, for what the clients refuse to send.

use kyc_sandbox::Sandbox;
use kyc_sandbox::samples::Image;

/// `Authorization: Basic base64(key:)`.
pub(crate) fn basic(key: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

/// A JSON `POST`, with a bearer header if given: the status and the body.
pub(crate) async fn raw_post(
    sandbox: &Sandbox,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut headers = vec![("content-type", "application/json".to_string())];
    if let Some(value) = bearer {
        headers.push(("authorization", value.to_string()));
    }
    raw_request(sandbox, "POST", path, &headers, body.as_bytes()).await
}

/// The KTP example's text fields with `image` at `size` bytes as the selfie.
pub(crate) async fn ktp(sandbox: &Sandbox, key: &str, image: &Image, size: usize) -> (u16, String) {
    let boundary = "tour-boundary";
    let fields = super::dispatch::example(kyc_sandbox::spec::iluma(), "verify_id_card");
    let mut body = Vec::new();
    for (name, value) in fields.as_object().into_iter().flatten() {
        let text = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"selfie\"; filename=\"selfie\"\r\nContent-Type: {}\r\n\r\n",
            image.format().mime_type()
        )
        .as_bytes(),
    );
    body.extend_from_slice(&image.bytes(size));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let headers = [
        ("authorization", basic(key)),
        (
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ),
    ];
    let path = "/iluma/v0/identity/id_card_verifications";
    raw_request(sandbox, "POST", path, &headers, &body).await
}

/// One HTTP/1.1 request on its own connection: the status and the body.
pub(crate) async fn raw_request(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Ok(mut stream) = tokio::net::TcpStream::connect(sandbox.local_addr()).await else {
        return (0, "cannot connect".into());
    };
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        sandbox.local_addr(),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    let mut answer = Vec::new();
    if stream.write_all(&bytes).await.is_err() || stream.read_to_end(&mut answer).await.is_err() {
        return (0, "connection error".into());
    }
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}
