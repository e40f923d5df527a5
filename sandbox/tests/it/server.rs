//! The sandbox on a real socket: base URLs, routing of both vendors, counters, shutdown; and
//! the `kyc-sandbox` binary as a process.

use kyc_sandbox::Sandbox;
use tokio::net::TcpStream;

use crate::support::{Harness, SandboxProcess};

#[tokio::test]
async fn serves_both_vendors_on_one_port() {
    let harness = Harness::start().await;
    let sandbox = &harness.sandbox;
    assert!(sandbox.kredibel_url().starts_with("http://127.0.0.1:"));
    assert!(sandbox.kredibel_url().ends_with("/kredibel"));
    assert!(sandbox.iluma_url().ends_with("/iluma"));
    assert!(harness.iluma.get_health().send().await.is_ok());
    let certificate = harness
        .kredibel
        .issue_certificate()
        .body(crate::support::certificate_request("1234567890123456"))
        .send()
        .await;
    assert!(certificate.is_ok());
    assert_eq!(sandbox.requests().total(), 2);
    assert_eq!(sandbox.requests().count("issue_certificate"), 1);
    sandbox.requests().reset();
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn every_spec_operation_is_served() {
    let app = crate::support::in_process();
    for spec in [kyc_sandbox::spec::kredibel(), kyc_sandbox::spec::iluma()] {
        for operation in spec.operations() {
            let path = operation
                .path
                .replace("{id}", "x")
                .replace("{business_id}", "x");
            let request = axum::http::Request::builder()
                .method(operation.method.as_str())
                .uri(format!("/{}{path}", spec.vendor().name))
                .body(axum::body::Body::empty())
                .unwrap();
            let reply = crate::support::call(&app, request).await;
            assert_ne!(reply.status, 501, "{} has no handler", operation.id);
            assert_eq!(app.requests().count(&operation.id), 1, "{}", operation.id);
        }
    }
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sandbox = Sandbox::start().await.unwrap();
    let addr = sandbox.local_addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    sandbox.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn unknown_paths_get_vendor_bodies() {
    let app = crate::support::in_process();
    let get = |uri: &str| {
        axum::http::Request::builder()
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let kredibel = crate::support::call(&app, get("/kredibel/v1/nothing")).await;
    assert_eq!(kredibel.status, 404);
    assert_eq!(kredibel.body, serde_json::json!({"message": "Not found."}));
    let iluma = crate::support::call(&app, get("/iluma/v9/nothing")).await;
    assert_eq!(iluma.status, 404);
    assert_eq!(iluma.body["error_code"], "DATA_NOT_FOUND");
    let root = crate::support::call(&app, get("/")).await;
    assert_eq!(root.status, 404);
    assert_eq!(app.requests().count(kyc_sandbox::observe::UNMATCHED), 3);
}

/// The binary prints both base URLs, serves, and exits cleanly on SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn the_binary_prints_its_urls_and_stops_on_sigterm() {
    let sandbox = SandboxProcess::start(&[], false);
    assert!(
        sandbox.kredibel_url.starts_with("http://127.0.0.1:"),
        "{}",
        sandbox.kredibel_url
    );
    let client = kyc_clients::iluma::Client::with_api_key(
        kyc_clients::Environment::Custom(sandbox.iluma_url.clone()),
        crate::support::ILUMA_KEY,
    )
    .expect("a client for the binary's URL");
    assert!(client.get_health().send().await.is_ok());
    let (stopped, _) = sandbox.stop();
    assert!(stopped, "SIGTERM stops the binary with success");
}
