//! What every subcommand shares: where requests go (`--url`, `--env`, `KYC_<VENDOR>_URL`),
//! the library's HTTPS and key rules, transport failures, usage errors and the help.

use serde_json::json;

use crate::support::{ILUMA_KEY, kyc, sandbox};

/// Every subcommand, as a test in this suite runs it against the sandbox. A new operation in
/// a spec fails `every_subcommand_is_tested` until a test runs it and it is listed here.
const TESTED: &[&str] = &[
    "kredibel issue-certificate",
    "kredibel verify-biometric",
    "kredibel compare-faces",
    "kredibel compare-handheld-faces",
    "kredibel read-ktp",
    "kredibel read-driver-license",
    "kredibel read-passport",
    "kredibel screen-account",
    "kredibel get-billing-credit",
    "kredibel verify-demography",
    "kredibel verify-full",
    "iluma get-health",
    "iluma get-callback-authentication-token",
    "iluma get-api-keys",
    "iluma screen-individual",
    "iluma get-individual-screening",
    "iluma screen-entity",
    "iluma get-entity-screening",
    "iluma get-cft-pep-listing",
    "iluma verify-id-card",
];

#[tokio::test]
async fn every_subcommand_is_tested() {
    let mut listed = Vec::new();
    for vendor in ["kredibel", "iluma"] {
        let help = kyc(&[vendor, "--help"]).run().await;
        assert_eq!(help.code, 0, "{help:#?}");
        let commands = help
            .stdout
            .split("Commands:")
            .nth(1)
            .and_then(|rest| rest.split("\n\n").next())
            .expect("a command list");
        for line in commands.lines() {
            if let Some(name) = line.split_whitespace().next()
                && name != "help"
            {
                listed.push(format!("{vendor} {name}"));
            }
        }
    }
    listed.sort();
    let mut tested: Vec<String> = TESTED.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(listed, tested);
}

#[tokio::test]
async fn url_may_come_before_or_after_the_subcommand_or_from_the_environment() {
    let sandbox = sandbox().await;
    let url = sandbox.iluma_url();
    let before = kyc(&["--url", &url, "iluma", "get-health"]).run().await;
    assert_eq!(before.success(), json!({"status": "ok"}));
    let from_env = kyc(&["iluma", "get-health"])
        .env("KYC_ILUMA_URL", &url)
        .run()
        .await;
    assert_eq!(from_env.success(), json!({"status": "ok"}));
    assert_eq!(sandbox.requests().count("get_health"), 2);
}

#[tokio::test]
async fn url_and_env_together_are_a_usage_error() {
    let run = kyc(&["iluma", "get-health", "--url", "http://127.0.0.1:9/iluma"])
        .args(&["--env", "production"])
        .run()
        .await;
    run.failure(2, &["--url", "--env"]);
}

#[tokio::test]
async fn a_dead_url_is_a_transport_failure() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let run = kyc(&[
        "iluma",
        "get-health",
        "--url",
        &format!("http://127.0.0.1:{port}/iluma"),
    ])
    .run()
    .await;
    run.failure(
        3,
        &["iluma get-health", "transport failure", "could not connect"],
    );
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_by_the_librarys_rule() {
    let run = kyc(&[
        "kredibel",
        "verify-biometric",
        "--identity-id",
        "1234567890123456",
    ])
    .args(&[
        "--face-image",
        "/nonexistent",
        "--url",
        "http://kyc.example.com/kredibel",
    ])
    .keys()
    .run()
    .await;
    // The file is read first; with a readable one the URL is refused.
    run.failure(2, &["--face-image: cannot read the file"]);
    run.stderr_never_shows(&["nonexistent"]);
    let run = kyc(&["iluma", "get-callback-authentication-token"])
        .args(&["--url", "http://user:pass@kyc.example.com/iluma"])
        .keys()
        .run()
        .await;
    run.failure(2, &["the base URL from --url", "must be https"]);
    run.stderr_never_shows(&["user:pass", "example.com", ILUMA_KEY]);
}

#[tokio::test]
async fn a_production_key_never_goes_to_a_local_sandbox() {
    let sandbox = sandbox().await;
    let key = "iluma_production_cliTestLiveKey9";
    let run = kyc(&["iluma", "get-callback-authentication-token"])
        .args(&["--url", &sandbox.iluma_url()])
        .env("ILUMA_API_KEY", key)
        .run()
        .await;
    run.failure(2, &["ILUMA_API_KEY", "iluma_development_"]);
    run.stderr_never_shows(&[key]);
    assert_eq!(sandbox.requests().total(), 0);
}

#[tokio::test]
async fn a_stray_value_is_a_usage_error_that_does_not_repeat_it() {
    let run = kyc(&["kredibel", "verify-biometric", "3275031210930027"])
        .run()
        .await;
    run.failure(2, &["unexpected argument", "see --help"]);
    run.stderr_never_shows(&["3275031210930027"]);
}

#[tokio::test]
async fn a_mistyped_subcommand_or_flag_gets_the_name_it_is_close_to() {
    let run = kyc(&["iluma", "screen-individal"]).run().await;
    run.failure(
        2,
        &["'screen-individal'", "did you mean 'screen-individual'"],
    );
    let run = kyc(&["kredibel", "verify-biometric", "--face-imag", "selfie.jpg"])
        .run()
        .await;
    run.failure(2, &["'--face-imag'", "did you mean '--face-image'"]);
    run.stderr_never_shows(&["selfie.jpg"]);
}

#[tokio::test]
async fn no_subcommand_prints_the_help_and_exits_2() {
    let run = kyc(&["iluma"]).run().await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("get-individual-screening"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn help_names_the_flags_the_spec_gives_and_the_rules_of_secrets() {
    let help = kyc(&["kredibel", "verify-biometric", "--help"]).run().await;
    assert_eq!(help.code, 0);
    for text in [
        "--identity-id",
        "--face-image <FILE>",
        "--body <FILE.json>",
        "--url",
        "--env",
    ] {
        assert!(
            help.stdout.contains(text),
            "`{text}` not in:\n{}",
            help.stdout
        );
    }
    assert!(help.stdout.contains("https://docs.kredibel.io/"));
    assert!(help.stdout.contains("KREDIBEL_API_KEY"));
    let help = kyc(&["iluma", "get-api-keys", "--help"]).run().await;
    assert_eq!(help.code, 0);
    for text in [
        "ILUMA_API_KEYS_TOKEN",
        "standard input",
        "cannot be fetched again",
    ] {
        assert!(
            help.stdout.contains(text),
            "`{text}` not in:\n{}",
            help.stdout
        );
    }
    assert!(!help.stdout.contains("--token"), "{}", help.stdout);
}
