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
