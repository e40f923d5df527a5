//! Retries that cannot double-bill, driven by the sandbox's fault injection and counted by the
//! sandbox's request log: 429 and 5XX are retried (honouring `Retry-After`), connection
//! failures before sending are retried, and everything that may have been billed is not.

use std::time::{Duration, Instant};

use base64::Engine as _;
use kyc_clients::{ClientOptions, Environment, RetryPolicy, iluma, kredibel};
use kyc_sandbox::{FaultRule, Sandbox, SandboxConfig};

use crate::support::synthetic_jpeg;

fn fast_retries(max_attempts: u32) -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        },
        ..ClientOptions::default()
    }
}

async fn sandbox_with(fault: FaultRule) -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().with_fault(fault))
        .await
        .unwrap()
}

fn kredibel_client(sandbox: &Sandbox, options: ClientOptions) -> kredibel::Client {
    kredibel::Client::with_options(
        Environment::Custom(sandbox.kredibel_url()),
        "test-key",
        options,
    )
    .unwrap()
}

async fn verify_biometric(client: &kredibel::Client) -> Result<(), kredibel::Error> {
    let selfie =
        base64::engine::general_purpose::STANDARD.encode(synthetic_jpeg(640, 640, 120 * 1024));
    client
        .verify_biometric()
        .body(
            kredibel::types::BiometricVerificationRequest::builder()
                .identity_id("1234567890123456")
                .face_image(selfie),
        )
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_503_burst_is_retried_until_the_real_answer() {
    let sandbox = sandbox_with(FaultRule::status(503).times(2).on("verify_biometric")).await;
    let client = kredibel_client(&sandbox, fast_retries(3));
    verify_biometric(&client).await.unwrap();
    assert_eq!(sandbox.requests().count("verify_biometric"), 3);
}

#[tokio::test]
async fn retries_are_bounded_in_attempts_and_the_error_says_it_was_not_charged() {
    let sandbox = sandbox_with(FaultRule::status(500).on("verify_biometric")).await;
    let client = kredibel_client(&sandbox, fast_retries(4));
    let err = verify_biometric(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable(), "{err}");
    assert!(!err.is_charged(), "{err}");
    assert_eq!(sandbox.requests().count("verify_biometric"), 4);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let sandbox = sandbox_with(FaultRule::status(503).on("verify_biometric")).await;
    let options = ClientOptions {
        retry: RetryPolicy::none(),
        ..ClientOptions::default()
    };
    let client = kredibel_client(&sandbox, options);
    verify_biometric(&client).await.unwrap_err();
    assert_eq!(sandbox.requests().count("verify_biometric"), 1);
}

#[tokio::test]
async fn a_4xx_that_may_be_billed_is_never_retried() {
    for status in [400, 401, 422] {
        let sandbox = sandbox_with(FaultRule::status(status).on("verify_biometric")).await;
        let client = kredibel_client(&sandbox, fast_retries(3));
        let err = verify_biometric(&client).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(!err.is_retryable());
        assert_eq!(
            sandbox.requests().count("verify_biometric"),
            1,
            "status {status}"
        );
    }
}

#[tokio::test]
async fn a_429_waits_for_retry_after() {
    // The sandbox's 429 says `Retry-After: 1`.
    let sandbox = sandbox_with(
        FaultRule::status(429)
            .times(1)
            .on("get_callback_authentication_token"),
    )
    .await;
    let client = iluma::Client::with_options(
        Environment::Custom(sandbox.iluma_url()),
        "iluma_development_test",
        fast_retries(3),
    )
    .unwrap();
    let started = Instant::now();
    client
        .get_callback_authentication_token()
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(
        sandbox
            .requests()
            .count("get_callback_authentication_token"),
        2
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_ends_the_retries() {
    let sandbox =
        sandbox_with(FaultRule::status(429).on("get_callback_authentication_token")).await;
    let mut options = fast_retries(5);
    options.retry.max_elapsed = Duration::from_millis(500);
    let client = iluma::Client::with_options(
        Environment::Custom(sandbox.iluma_url()),
        "iluma_development_test",
        options,
    )
    .unwrap();
    let err = iluma::Error::from(
        client
            .get_callback_authentication_token()
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        sandbox
            .requests()
            .count("get_callback_authentication_token"),
        1
    );
}

#[tokio::test]
async fn a_dropped_connection_after_sending_is_not_retried() {
    let sandbox = sandbox_with(FaultRule::drop_connection().on("verify_biometric")).await;
    let client = kredibel_client(&sandbox, fast_retries(3));
    let err = verify_biometric(&client).await.unwrap_err();
    assert!(
        matches!(err, kyc_clients::VendorError::Transport(_)),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert!(err.is_charged(), "the vendor may have run the check");
    assert_eq!(sandbox.requests().count("verify_biometric"), 1);
}

#[tokio::test]
async fn a_timeout_after_sending_is_retried_only_when_asked() {
    for (retry_timeouts, expected) in [(false, 1), (true, 2)] {
        let sandbox =
            sandbox_with(FaultRule::latency(Duration::from_millis(800)).on("verify_biometric"))
                .await;
        let mut options = fast_retries(2);
        options.timeout = Duration::from_millis(200);
        options.retry.retry_timeouts = retry_timeouts;
        let client = kredibel_client(&sandbox, options);
        let err = verify_biometric(&client).await.unwrap_err();
        assert!(
            matches!(err, kyc_clients::VendorError::Transport(_)),
            "{err}"
        );
        assert_eq!(
            sandbox.requests().count("verify_biometric"),
            expected,
            "retry_timeouts: {retry_timeouts}"
        );
    }
}

#[tokio::test]
async fn a_refused_connection_is_retryable_and_not_charged() {
    // A port that was free a moment ago: connecting is refused, nothing is sent. (How many
    // attempts the client made cannot be counted with no server; the sandbox tests above count
    // them for the answers that are retried.)
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client =
        kredibel::Client::with_options(Environment::Custom(url), "test-key", fast_retries(3))
            .unwrap();
    let err = verify_biometric(&client).await.unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert!(!err.is_charged(), "{err}");
    assert!(
        !err.to_string().contains("127.0.0.1"),
        "no URL in messages: {err}"
    );
}

#[tokio::test]
async fn a_bad_request_never_reaches_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let kredibel = kredibel_client(&sandbox, fast_retries(3));
    let good_face =
        base64::engine::general_purpose::STANDARD.encode(synthetic_jpeg(640, 800, 150 * 1024));
    let good_card =
        base64::engine::general_purpose::STANDARD.encode(synthetic_jpeg(800, 600, 150 * 1024));
    let small_face =
        base64::engine::general_purpose::STANDARD.encode(synthetic_jpeg(640, 800, 50 * 1024));
    let low_res_face =
        base64::engine::general_purpose::STANDARD.encode(synthetic_jpeg(320, 240, 150 * 1024));
    let gif = base64::engine::general_purpose::STANDARD.encode(b"GIF89a................");
    let request = || {
        kredibel::types::CertificateIssuanceRequest::builder()
            .identity_id("1234567890123456")
            .full_name("ASEP SUPRIYADI")
            .birth_date(chrono::NaiveDate::from_ymd_opt(1990, 7, 6).unwrap())
            .email_address("test@email.com")
            .phone_number("621234567890")
            .face_image(good_face.clone())
            .identity_image(good_card.clone())
    };
    let cases: Vec<(
        kredibel::types::builder::CertificateIssuanceRequest,
        &str,
        &str,
    )> = vec![
        (
            request().face_image(small_face),
            "faceImage",
            "minimum is 102,400 bytes",
        ),
        (request().face_image(low_res_face), "faceImage", "480"),
        (request().identity_image(gif), "identityImage", ""),
        (
            request().face_image("not base64!"),
            "face_image",
            "not valid base64",
        ),
        (
            request().email_address("not-an-email"),
            "emailAddress",
            "email",
        ),
        (request().phone_number("+621234567890"), "phoneNumber", ""),
        (request().identity_id("12345678901234"), "", "16"),
    ];
    for (body, field, detail) in cases {
        let err = kredibel::Error::from(
            kredibel
                .issue_certificate()
                .body(body)
                .send()
                .await
                .unwrap_err(),
        );
        let message = err.to_string();
        assert!(
            matches!(err, kyc_clients::VendorError::Invalid { .. }),
            "{message}"
        );
        assert!(
            message.contains(field) && message.contains(detail),
            "expected `{field}` and `{detail}` in: {message}"
        );
        assert!(
            !message.contains("ASEP") && !message.contains("1234567890123456"),
            "{message}"
        );
        assert!(!err.is_charged() && !err.is_retryable());
    }

    let iluma = iluma::Client::with_api_key(
        Environment::Custom(sandbox.iluma_url()),
        "iluma_development_test",
    )
    .unwrap();
    let err = iluma
        .screen_individual()
        .body(
            iluma::types::IndividualScreeningRequest::builder()
                .user_id("u1")
                .given_names("Eko Hadi Salim")
                .nationality("ID")
                .scopes(vec![iluma::types::Scope::Pep])
                .score_threshold(iluma::types::ScoreThreshold(40)),
        )
        .send()
        .await
        .unwrap_err();
    let message = iluma::Error::from(err).to_string();
    assert!(
        message.contains("score_threshold") && message.contains("minimum is 50"),
        "{message}"
    );

    assert_eq!(
        sandbox.requests().total(),
        0,
        "{:?}",
        sandbox.requests().snapshot()
    );
}
