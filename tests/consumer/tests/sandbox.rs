//! The README example against the offline sandbox, started in-process on 127.0.0.1 with a
//! free port: what another crate's tests do with `kyc-sandbox` as a dev-dependency.

use kyc_clients::Environment;
use kyc_consumer_example::{Endpoints, Outcome, check};
use kyc_sandbox::Sandbox;
use kyc_sandbox::samples::Image;

#[tokio::test]
async fn the_readme_example_runs_against_the_offline_sandbox() {
    // Stopped when dropped, on every path of the test.
    let sandbox = Sandbox::start()
        .await
        .expect("the sandbox binds 127.0.0.1:0");
    let endpoints = Endpoints {
        kredibel: Environment::Custom(sandbox.kredibel_url()),
        iluma: Environment::Custom(sandbox.iluma_url()),
    };
    // Images the specs' rules accept: a 600×800 selfie and a 640×400 card, 150 KB each.
    let selfie = Image::jpeg(600, 800).bytes(150 * 1024);
    let card = Image::jpeg(640, 400).bytes(150 * 1024);
    let outcome = check(
        endpoints,
        "any-sandbox-key".into(),
        "iluma_development_consumer_example".into(),
        selfie,
        card,
    )
    .await
    .unwrap_or_else(|error| panic!("the README example failed: {error}"));
    assert_eq!(
        outcome,
        Outcome {
            certificate: "verified".into(),
            possible_matches: 1,
        }
    );
}

#[tokio::test]
async fn a_refused_image_is_a_typed_error_that_names_the_field() {
    let sandbox = Sandbox::start()
        .await
        .expect("the sandbox binds 127.0.0.1:0");
    let endpoints = Endpoints {
        kredibel: Environment::Custom(sandbox.kredibel_url()),
        iluma: Environment::Custom(sandbox.iluma_url()),
    };
    let too_small = Image::jpeg(600, 800).bytes(50 * 1024);
    let card = Image::jpeg(640, 400).bytes(150 * 1024);
    let error = check(
        endpoints,
        "any-sandbox-key".into(),
        "iluma_development_consumer_example".into(),
        too_small,
        card,
    )
    .await
    .expect_err("a 50 KB selfie breaks the 100 KB minimum");
    let message = error.to_string();
    assert!(message.contains("faceImage"), "{message}");
    assert!(message.contains("102,400 bytes"), "{message}");
}

// The README's "Testing your code against the offline sandbox", as written there.
#[tokio::test]
async fn issues_a_certificate() {
    let sandbox = kyc_sandbox::Sandbox::start().await.unwrap();
    let kredibel = kyc_clients::kredibel::Client::with_api_key(
        kyc_clients::Environment::Custom(sandbox.kredibel_url()),
        "any-sandbox-key",
    )
    .unwrap();
    // The documented sandbox NIKs give the documented outcomes (sandbox/README.md); `Image`
    // draws an image the specs' limits accept.
    let image = kyc_sandbox::samples::Image::jpeg(600, 800).bytes(150 * 1024);
    let request = kyc_clients::kredibel::types::CertificateIssuanceRequest::builder()
        .identity_id("1234567890111111") // the "Invalid NIK" scenario
        .full_name("ASEP SUPRIYADI")
        .birth_date("1990-07-06".parse::<chrono::NaiveDate>().unwrap())
        .email_address("test@email.com")
        .phone_number("621234567890")
        .face_image(image.clone())
        .identity_image(image);
    let issued = kredibel
        .issue_certificate()
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(issued.data.status.to_string(), "not_verified");
    assert_eq!(issued.data.reject_fields.len(), 1);
}
