//! The client's per-call overhead: a generated `verify_biometric` call (validation against the
//! spec, auth hook, retry wrapper, tracing span, reading the answer and checking it for drift
//! against the spec, typed decoding) against a hand-written reqwest call of the same request to
//! the same local server. Target: within 5%.
//!
//! A `tracing` subscriber at WARN (writing nowhere) is installed, as in an application that
//! logs: the client checks answers for drift only when something listens to `kyc.drift`.
//!
//! Both start where a caller starts, from the selfie's bytes: the hand-written call encodes
//! them to base64 itself, the client encodes them while writing the body.
//!
//! `cargo bench -p kyc-clients --bench client_overhead`

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use kyc_clients::{Environment, kredibel};
use serde_json::json;

/// A small JPEG header padded to 20 KB: a realistic selfie thumbnail for a latency benchmark.
fn selfie() -> bytes::Bytes {
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x80, 0x01, 0xE0, 0x03,
    ];
    jpeg.extend_from_slice(&[0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    jpeg.resize(20 * 1024 - 2, 0x55);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    bytes::Bytes::from(jpeg)
}

async fn local_server() -> String {
    let body = json!({
        "message": "Identity biometric verification succeeded.",
        "data": {
            "id": "64d07984-81a8-4e79-ad16-a439f5885075",
            "identityId": "1234567890123456",
            "isValid": true,
            "isActive": true,
            "response": {"face": true, "faceSimilarity": 1.0}
        }
    });
    let app = Router::new().route(
        "/v1/identity/verification/biometric",
        post(move |_: axum::body::Bytes| {
            let body = body.clone();
            async move { axum::Json(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Both sides of the comparison against one local server: the runtime, the selfie's bytes,
/// the generated client and a plain reqwest client.
struct Bench {
    runtime: tokio::runtime::Runtime,
    selfie: bytes::Bytes,
    client: kredibel::Client,
    raw: reqwest::Client,
    raw_url: String,
}

impl Bench {
    fn start(runtime: tokio::runtime::Runtime) -> Self {
        let url = runtime.block_on(local_server());
        Self {
            selfie: selfie(),
            client: kredibel::Client::with_api_key(Environment::Custom(url.clone()), "bench-key")
                .unwrap(),
            raw: reqwest::Client::new(),
            raw_url: format!("{url}/v1/identity/verification/biometric"),
            runtime,
        }
    }

    /// The baseline: the same request, written by hand with reqwest.
    async fn hand_written_call(&self) {
        let face_image = base64::engine::general_purpose::STANDARD.encode(&self.selfie);
        let response = self
            .raw
            .post(&self.raw_url)
            .bearer_auth("bench-key")
            .json(&json!({"identityId": "1234567890123456", "faceImage": face_image}))
            .send()
            .await
            .unwrap();
        let body: kredibel::types::BiometricVerificationResponse = response.json().await.unwrap();
        assert!(body.data.is_valid);
    }

    /// The generated client: validation, auth hook, retry wrapper, tracing span, drift check,
    /// typed decoding.
    async fn generated_call(&self) {
        let body = self
            .client
            .verify_biometric()
            .body(
                kredibel::types::BiometricVerificationRequest::builder()
                    .identity_id("1234567890123456")
                    .face_image(kyc_clients::Base64Image::from_bytes(self.selfie.clone())),
            )
            .send()
            .await
            .unwrap();
        assert!(body.data.is_valid);
    }
}

/// A process-wide subscriber at WARN that discards what it gets: drift checking runs (it is
/// skipped when no one listens), and the `kyc.call` span (INFO) is off, as in production.
fn listen_at_warn() {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::sink)
        .finish();
    // Both benchmark functions call this; the first one installs it.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `KYC_OVERHEAD_SIDE=hand-written|generated KYC_OVERHEAD_CALLS=N`: make N calls of one side
/// and exit, for counting instructions under `valgrind --tool=callgrind`, which, unlike a clock,
/// gives the same figure on a busy machine (see the README's benchmark table).
fn instruction_count_mode() {
    let (Ok(side), Ok(calls)) = (
        std::env::var("KYC_OVERHEAD_SIDE"),
        std::env::var("KYC_OVERHEAD_CALLS"),
    ) else {
        return;
    };
    let calls: u32 = calls.parse().expect("KYC_OVERHEAD_CALLS is a number");
    listen_at_warn();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let bench = Bench::start(runtime);
    bench.runtime.block_on(async {
        for _ in 0..calls {
            match side.as_str() {
                "hand-written" => bench.hand_written_call().await,
                "generated" => bench.generated_call().await,
                other => panic!("KYC_OVERHEAD_SIDE is hand-written or generated, not {other}"),
            }
        }
    });
    std::process::exit(0);
}

fn overhead(c: &mut Criterion) {
    instruction_count_mode();
    listen_at_warn();
    let bench = Bench::start(multi_thread());

    let mut group = c.benchmark_group("verify_biometric, 20 KB selfie, local server");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("hand-written reqwest", |b| {
        b.to_async(&bench.runtime)
            .iter(|| async { bench.hand_written_call().await })
    });
    group.bench_function("generated client", |b| {
        b.to_async(&bench.runtime)
            .iter(|| async { bench.generated_call().await })
    });
    group.finish();
}

/// Criterion times the two calls one after the other, so a load that comes and goes on a
/// shared 2-core machine lands on one of them. This alternates them in rounds and compares
/// the medians of the rounds, which cancels such drift; it prints the overhead figure.
fn interleaved(_: &mut Criterion) {
    listen_at_warn();
    let bench = Bench::start(multi_thread());
    let calls_per_round = 400;
    let (mut hand_written, mut generated) = (Vec::new(), Vec::new());
    bench.runtime.block_on(async {
        for round in 0..31 {
            let started = std::time::Instant::now();
            for _ in 0..calls_per_round {
                bench.hand_written_call().await;
            }
            let raw_time = started.elapsed() / calls_per_round;
            let started = std::time::Instant::now();
            for _ in 0..calls_per_round {
                bench.generated_call().await;
            }
            let generated_time = started.elapsed() / calls_per_round;
            // The first round warms connections and caches.
            if round > 0 {
                hand_written.push(raw_time);
                generated.push(generated_time);
            }
        }
    });
    hand_written.sort();
    generated.sort();
    let (a, b) = (
        hand_written[hand_written.len() / 2],
        generated[generated.len() / 2],
    );
    println!(
        "interleaved medians over {} rounds of {calls_per_round} calls: hand-written reqwest {:.1} µs, generated client {:.1} µs, overhead {:+.1}% (target: within 5%)",
        hand_written.len(),
        a.as_secs_f64() * 1e6,
        b.as_secs_f64() * 1e6,
        (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0
    );
}

criterion_group!(benches, overhead, interleaved);
criterion_main!(benches);
