//! Throughput and latency of the sandbox under load: Kredibel biometric verifications, each
//! carrying a ~100 KB JPEG selfie (base64 in JSON, ~137 KB on the wire), sent by concurrent
//! keep-alive HTTP/1.1 connections to a sandbox on 127.0.0.1.
//!
//! ```text
//! cargo bench -p kyc-sandbox --bench throughput [-- --requests N --concurrency C --threads T --url URL]
//! ```
//!
//! Without `--url` the sandbox runs in this process (on its own runtime threads); with it, the
//! benchmark drives a sandbox already running (`kyc-sandbox --listen ...`), e.g.
//! `--url http://127.0.0.1:8080/kredibel`. The run is bounded by `--requests` and stops by
//! itself. Prints requests per second and p50/p90/p99/max latency.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;
use kyc_sandbox::Sandbox;
use kyc_sandbox::samples::Image;
use tokio::net::TcpSocket;

/// Requests sent before measuring, so connections and allocators are warm.
const WARM_UP: usize = 500;

#[derive(Debug)]
struct Options {
    requests: usize,
    concurrency: usize,
    image_bytes: usize,
    threads: usize,
    url: Option<String>,
}

fn options() -> Options {
    let mut options = Options {
        requests: 40_000,
        concurrency: 4,
        image_bytes: 100 * 1024,
        threads: std::thread::available_parallelism().map_or(2, usize::from),
        url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--requests" => options.requests = number("--requests"),
            "--concurrency" => options.concurrency = number("--concurrency").max(1),
            "--image-bytes" => options.image_bytes = number("--image-bytes"),
            "--threads" => options.threads = number("--threads").max(1),
            "--url" => options.url = args.next(),
            // `cargo bench` passes `--bench`; anything else is ignored too.
            _ => {}
        }
    }
    options
}

/// One keep-alive connection sending `count` requests; the latency of each.
async fn connection(
    authority: String,
    path: String,
    body: Bytes,
    count: usize,
) -> Result<Vec<Duration>, String> {
    let addr = tokio::net::lookup_host(&authority)
        .await
        .map_err(|e| e.to_string())?
        .next()
        .ok_or("no address")?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(|e| e.to_string())?;
    // Room for a whole request, as a real client uploading images would configure.
    let _ = socket.set_send_buffer_size(2 * 1024 * 1024);
    let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (mut sender, driver) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(driver);
    let mut latencies = Vec::with_capacity(count);
    for _ in 0..count {
        let request = Request::post(path.as_str())
            .header(HOST, authority.as_str())
            .header(AUTHORIZATION, "Bearer benchmark-key")
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body.clone()))
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        sender.ready().await.map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let answer = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        latencies.push(started.elapsed());
        if status != 200 {
            return Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(&answer)
            ));
        }
    }
    Ok(latencies)
}

/// Sends `total` requests over `concurrency` connections; all latencies and the wall time.
async fn run(
    authority: &str,
    path: &str,
    body: &Bytes,
    total: usize,
    concurrency: usize,
) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| {
            let share = total / concurrency + usize::from(i < total % concurrency);
            tokio::spawn(connection(
                authority.to_string(),
                path.to_string(),
                body.clone(),
                share,
            ))
        })
        .collect();
    let mut latencies = Vec::with_capacity(total);
    for task in tasks {
        match task.await {
            Ok(Ok(mut some)) => latencies.append(&mut some),
            Ok(Err(error)) => panic!("request failed: {error}"),
            Err(error) => panic!("connection task failed: {error}"),
        }
    }
    (latencies, started.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let options = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Kept alive until the end of the run when the sandbox is in this process.
        let mut local = None;
        let base = match &options.url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let sandbox = Sandbox::start().await.expect("sandbox starts");
                let url = sandbox.kredibel_url();
                local = Some(sandbox);
                url
            }
        };
        let without_scheme = base.strip_prefix("http://").expect("an http:// URL");
        let (authority, prefix) = match without_scheme.find('/') {
            Some(at) => without_scheme.split_at(at),
            None => (without_scheme, ""),
        };
        let path = format!("{prefix}/v1/identity/verification/biometric");
        let image = Image::jpeg(480, 640).base64(options.image_bytes);
        let body = Bytes::from(
            serde_json::json!({"identityId": "1234567890123456", "faceImage": image}).to_string(),
        );
        println!(
            "biometric verification, {} KB image ({} KB request body), {} connections, {} requests, {} runtime threads",
            options.image_bytes / 1024,
            body.len() / 1024,
            options.concurrency,
            options.requests,
            options.threads
        );
        run(authority, &path, &body, WARM_UP, options.concurrency).await;
        let (mut latencies, elapsed) =
            run(authority, &path, &body, options.requests, options.concurrency).await;
        latencies.sort_unstable();
        let per_second = latencies.len() as f64 / elapsed.as_secs_f64();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "requests/s: {per_second:.0}  p50: {:.2} ms  p90: {:.2} ms  p99: {:.2} ms  max: {:.2} ms  ({} requests in {:.2} s)",
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 90.0)),
            ms(percentile(&latencies, 99.0)),
            ms(percentile(&latencies, 100.0)),
            latencies.len(),
            elapsed.as_secs_f64()
        );
        if let Some(sandbox) = local.take() {
            assert_eq!(
                sandbox.requests().count("verify_biometric"),
                (WARM_UP + options.requests) as u64,
                "every request reached the sandbox"
            );
            sandbox.shutdown().await;
        }
    });
}
