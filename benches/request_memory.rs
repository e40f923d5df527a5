//! Peak memory of a certificate issuance carrying a 4 MB face and a 2 MB card image, against
//! the size of the encoded request. Target: under 3×.
//!
//! Measured as the process's peak resident set (Linux `VmHWM`, reset through
//! `/proc/self/clear_refs` just before the images exist), so it counts the images the caller
//! holds, what the client builds, and nothing the allocator merely reserved. The local server
//! drops the body as it streams in, so the receiving side adds nothing.
//!
//! `cargo bench -p kyc-clients --bench request_memory`

use axum::Router;
use axum::body::Body;
use axum::routing::post;
use kyc_clients::{Base64Image, Environment, kredibel};
use serde_json::json;

fn jpeg(width: u16, height: u16, size: usize) -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    // Varied filler, so no layer can get away with a compressed or shared page.
    jpeg.extend((jpeg.len()..size - 2).map(|i| (i * 7 % 251) as u8));
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn discarding_server() -> String {
    let app = Router::new().route(
        "/v1/certificate/issuance",
        post(|body: Body| async move {
            use http_body_util::BodyExt as _;
            let mut body = body;
            let mut received = 0usize;
            while let Some(frame) = body.frame().await {
                if let Ok(data) = frame.unwrap().into_data() {
                    received += data.len();
                }
            }
            assert!(received > 0);
            axum::Json(json!({
                "message": "Certificate electronic verification has been done",
                "data": {
                    "id": "8c4d6927-b4e1-428b-b95f-c21b6734b73f",
                    "status": "verified",
                    "rejectFields": [],
                    "referenceId": "ref_certel#e87c8bc2-5d10-455b-98a0-187d60f72873"
                }
            }))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = runtime.block_on(discarding_server());
    let client = kredibel::Client::with_api_key(Environment::Custom(url), "bench-key").unwrap();
    // Warm up: the spec parse, the connection, the runtime's buffers.
    runtime.block_on(issue(
        &client,
        jpeg(640, 800, 150 * 1024),
        jpeg(800, 600, 150 * 1024),
    ));

    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let face = jpeg(1080, 1440, 4_000_000);
    let card = jpeg(1600, 1000, 2_000_000);
    let encoded = encoded_size(&face, &card);
    runtime.block_on(issue(&client, face, card));
    let peak = status_kib("VmHWM:");

    let used = (peak.saturating_sub(before)) * 1024;
    println!("certificate issuance, 4 MB face + 2 MB card");
    println!("  encoded request: {:.2} MB", encoded as f64 / 1e6);
    println!(
        "  peak memory above the process's baseline (images included): {:.2} MB",
        used as f64 / 1e6
    );
    println!(
        "  ratio: {:.2}x the encoded request (target: under 3x)",
        used as f64 / encoded as f64
    );
}

fn encoded_size(face: &[u8], card: &[u8]) -> usize {
    let base64 = |n: usize| n.div_ceil(3) * 4;
    base64(face.len()) + base64(card.len()) + 300
}

async fn issue(client: &kredibel::Client, face: Vec<u8>, card: Vec<u8>) {
    let response = client
        .issue_certificate()
        .body(
            kredibel::types::CertificateIssuanceRequest::builder()
                .identity_id("1234567890123456")
                .full_name("ASEP SUPRIYADI")
                .birth_date(chrono::NaiveDate::from_ymd_opt(1990, 7, 6).unwrap())
                .email_address("test@email.com")
                .phone_number("621234567890")
                .face_image(Base64Image::from_bytes(face))
                .identity_image(Base64Image::from_bytes(card)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.data.reject_fields.len(), 0);
}
