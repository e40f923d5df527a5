//! A tour of both vendors' documented sandbox behaviour, run offline:
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! Starts the `kyc-sandbox` in this process on 127.0.0.1 and walks, through the generated
//! clients, every documented scenario of the specs (`x-scenarios`: Kredibel certificate
//! issuance, face comparison, KTP/SIM/passport OCR, account screening, billing credit and the
//! identity verifications; Iluma health, screening, watchlist records, KTP verification and
//! the magic replies), then what the sandbox adds (the email/phone rule, image limits and
//! triggers, stored screenings, callbacks, API keys, rate limit and faults).
//! One line per scenario — the documented outcome and the actual one only when they differ —
//! then a summary; exits non-zero if any differ. `RUST_LOG` turns on logs (to stderr). The
//! clients' one warning per deprecated operation (`kyc.deprecated`) is a line of the tour, not
//! a log between its lines.
//!
//! A few scenarios cannot go through the clients, which refuse such requests before sending
//! them (no API key, an image the spec's limits refuse); those are sent as plain HTTP and
//! marked "(raw HTTP)". No API key or token is ever printed.

mod dispatch;
mod kredibel_behaviour;
mod raw;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kyc_clients::{Environment, iluma, kredibel};
use kyc_sandbox::samples::Image;
use kyc_sandbox::{FaultRule, RateLimit, Sandbox, SandboxConfig};
use kyc_spec::{Scenario, Spec};
use serde_json::Value;

use dispatch::{Clients, Outcome, error_code};
use raw::{basic, raw_request};

/// Any non-empty key works on the Kredibel sandbox.
const KREDIBEL_KEY: &str = "tour-sandbox-key";
/// The public development key printed in Iluma's reference.
const ILUMA_KEY: &str =
    "iluma_development_FX4f0M5sxDgk5qFyZnk60ZengAfA9o31x3ecd29vihjc4VhyJ8FclZhHjjw";
/// The widest line the tour prints.
const WIDTH: usize = 100;

/// The lines printed so far, and how many differed.
#[derive(Default)]
struct Tour {
    checked: usize,
    differing: usize,
}

impl Tour {
    /// One scenario: `ok` and the outcome, or `!!` and both outcomes.
    fn check(&mut self, label: &str, documented: &str, actual: &str) {
        self.checked += 1;
        if documented == actual {
            println!("{}", fit(&format!("ok  {label}: {actual}")));
        } else {
            self.differing += 1;
            println!("{}", fit(&format!("!!  {label}")));
            println!("{}", fit(&format!("      documented: {documented}")));
            println!("{}", fit(&format!("      actual:     {actual}")));
        }
    }

    /// A spec scenario: compares the outcome values (numbers by value) and prints them,
    /// under `label`, or `short` (the label without its inputs) when `label` would not fit.
    fn check_values(
        &mut self,
        (label, short): (&str, &str),
        documented: &Outcome,
        actual: &Outcome,
    ) {
        let same = documented.same_as(actual);
        let (documented, actual) = (documented.to_string(), actual.to_string());
        let line = format!("ok  {label}: {actual}");
        let label = if line.chars().count() <= WIDTH {
            label
        } else {
            short
        };
        if same {
            self.check(label, &actual, &actual);
        } else {
            self.check(label, &documented, &actual);
        }
    }

    fn summary(&self) -> bool {
        println!();
        println!(
            "{} scenarios: {} as documented, {} differ",
            self.checked,
            self.checked - self.differing,
            self.differing
        );
        self.differing == 0
    }
}

/// `line`, cut to [`WIDTH`] characters.
fn fit(line: &str) -> String {
    if line.chars().count() <= WIDTH {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(WIDTH - 1).collect();
    cut.push('…');
    cut
}

/// The short name of an operation in the tour's lines.
fn operation_label(operation_id: &str) -> &str {
    match operation_id {
        "issue_certificate" => "certificate",
        "verify_biometric" => "biometric",
        "compare_faces" => "face comparison",
        "compare_handheld_faces" => "handheld face comparison",
        "read_ktp" => "KTP OCR",
        "read_driver_license" => "SIM OCR",
        "read_passport" => "passport OCR",
        "screen_account" => "account screening",
        "get_billing_credit" => "billing credit",
        "verify_demography" => "demography",
        "verify_full" => "full identity",
        "get_health" => "health",
        "screen_individual" => "screening",
        "screen_entity" => "screening",
        "get_cft_pep_listing" => "watchlist record",
        "get_individual_screening" | "get_entity_screening" => "screening by id",
        "verify_id_card" => "KTP",
        other => other,
    }
}

/// `Vendor operation: Case (inputs)`: the case's summary up to its first colon, and the
/// values that choose it (its selector fields' values, or its parameters); and the same
/// without the inputs, for a line that would not fit.
fn scenario_label(spec: &Spec, scenario: &Scenario<'_>) -> (String, String) {
    let vendor = spec.vendor().name.as_str();
    let mut vendor_name = vendor.to_string();
    if let Some(first) = vendor_name.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let title = scenario
        .summary
        .split_once(": ")
        .map_or(scenario.summary, |(title, _)| title);
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    // A case chosen by its parameters (`x-magic-reply`) is shown by them alone.
    let selector = match scenario.parameters.is_empty() {
        true => spec.scenario_selector(scenario.operation_id),
        false => Vec::new(),
    };
    let inputs: Vec<String> = selector
        .iter()
        .filter_map(|field| scenario.request.as_ref()?.get(*field))
        .chain(scenario.parameters.iter().map(|(_, value)| *value))
        .map(text)
        .collect();
    let inputs = if inputs.is_empty() {
        String::new()
    } else {
        format!(" ({})", inputs.join(", "))
    };
    let short = format!(
        "{vendor_name} {}: {title}",
        operation_label(scenario.operation_id)
    );
    (format!("{short}{inputs}"), short)
}

/// Every documented scenario of both specs, through the clients.
async fn spec_scenarios(tour: &mut Tour, clients: &Clients<'_>) {
    for spec in [kyc_sandbox::spec::kredibel(), kyc_sandbox::spec::iluma()] {
        let scenarios = match spec.all_scenarios() {
            Ok(scenarios) => scenarios,
            Err(error) => {
                tour.check(
                    &spec.vendor().name,
                    "scenarios that read",
                    &error.to_string(),
                );
                continue;
            }
        };
        for scenario in &scenarios {
            let (label, short) = scenario_label(spec, scenario);
            let documented = Outcome::of(scenario.status, scenario.response, &scenario.outcome);
            let actual = match clients.send(spec, scenario).await {
                Ok((status, body)) => Outcome::of(status, Some(&body), &scenario.outcome),
                Err(problem) => Outcome::Failed(problem),
            };
            tour.check_values((&label, &short), &documented, &actual);
        }
    }
}

async fn iluma_behaviour(tour: &mut Tour, clients: &Clients<'_>, sandbox: &Sandbox) {
    let iluma = clients.iluma;
    let spec = kyc_sandbox::spec::iluma();
    // Stored screenings, fetched again by id.
    let individual: iluma::types::IndividualScreeningRequest =
        match serde_json::from_value(dispatch::example(spec, "screen_individual")) {
            Ok(request) => request,
            Err(error) => panic!("the screen_individual example does not decode: {error}"),
        };
    let created = iluma
        .screen_individual()
        .body(individual.clone())
        .send()
        .await;
    let fetched = match created {
        Ok(screening) => {
            let answer = iluma
                .get_individual_screening()
                .id(screening.id.to_string())
                .send()
                .await;
            match answer {
                Ok(fetched) => format!(
                    "{} with {} result(s)",
                    fetched.status,
                    fetched.results.len()
                ),
                Err(error) => dispatch::error_text(error),
            }
        }
        Err(error) => dispatch::error_text(error),
    };
    let label = "Iluma screening: a new one of the documented request, fetched by its id";
    tour.check(label, "COMPLETED with 1 result(s)", &fetched);
    let unknown = iluma
        .get_individual_screening()
        .id("cftpi_00000000-0000-4000-8000-000000000000")
        .send()
        .await;
    let actual = match unknown {
        Ok(_) => "200".to_string(),
        Err(error) => dispatch::error_text(error),
    };
    tour.check("Iluma screening: unknown id", "404 DATA_NOT_FOUND", &actual);
    let failed = iluma
        .screen_individual()
        .x_magic_reply("FAILED")
        .body(individual)
        .send()
        .await;
    let actual = match failed {
        Ok(screening) => {
            let reason = screening
                .failure_reason
                .as_ref()
                .map_or("-".into(), |r| r.to_string());
            format!("{} {reason}", screening.status)
        }
        Err(error) => dispatch::error_text(error),
    };
    let label = "Iluma screening: x-magic-reply (FAILED)";
    tour.check(label, "FAILED TEMPORARY_NETWORK_ERROR", &actual);

    // The documented KTP data is compared with the record field by field.
    let answer = clients.ktp("3275031210930027", None).send().await;
    let actual = match answer {
        Ok(verification) => match verification.into_inner().result {
            Some(result) => {
                let all = |v: Option<bool>| v == Some(true);
                let matched = result.is_name_match
                    && all(result.is_birthdate_match)
                    && all(result.is_birthplace_match)
                    && all(result.is_address_match);
                if matched {
                    "all four match"
                } else {
                    "a field differs"
                }
                .to_string()
            }
            None => "no result".to_string(),
        },
        Err(error) => dispatch::error_text(error),
    };
    let label = "Iluma KTP: name, birthdate, birthplace, address of the example";
    tour.check(label, "all four match", &actual);

    // The client checks the selfie's type and the spec's limits before sending.
    let selfies = [
        (
            "selfie over 500 KB",
            Image::jpeg(800, 800),
            500 * 1024 + 1,
            "413 FILE_TOO_LARGE",
        ),
        (
            "selfie under 100 KB",
            Image::jpeg(800, 800),
            99 * 1024,
            "413 FILE_TOO_SMALL",
        ),
        (
            "selfie under 500x500",
            Image::jpeg(400, 400),
            150 * 1024,
            "400 API_VALIDATION_ERROR",
        ),
        (
            "SVG selfie",
            Image::svg(800, 800),
            150 * 1024,
            "415 UNSUPPORTED_CONTENT_TYPE",
        ),
    ];
    for (scenario, image, size, expected) in selfies {
        let (status, answer) = raw::ktp(sandbox, ILUMA_KEY, &image, size).await;
        let label = format!("Iluma KTP: {scenario} (raw HTTP)");
        tour.check(
            &label,
            expected,
            &format!("{status} {}", error_code_of(&answer)),
        );
    }
}

fn error_code_of(body: &str) -> String {
    error_code(&serde_json::from_str(body).unwrap_or_default())
}

async fn iluma_platform(tour: &mut Tour, clients: &Clients<'_>, sandbox: &Sandbox) {
    let iluma = clients.iluma;
    let actual = match iluma.get_callback_authentication_token().send().await {
        Ok(token) => {
            let token = dispatch::reveal(&token.into_inner().token);
            let same = token == sandbox.app().callback_token();
            format!(
                "{} characters, {}",
                token.len(),
                if same {
                    "as callbacks carry"
                } else {
                    "not the callbacks'"
                }
            )
        }
        Err(error) => dispatch::error_text(error),
    };
    let label = "Iluma callback token";
    tour.check(label, "48 characters, as callbacks carry", &actual);
    for (scenario, expected) in [
        (
            "Get API Key 5abc, token 123",
            "DEVELOPMENT key iluma_development_… (the caller's own)",
        ),
        (
            "Get API Key again, same token (single use)",
            "404 DATA_NOT_FOUND",
        ),
    ] {
        let answer = iluma
            .get_api_keys()
            .business_id("5abc")
            .token("123")
            .send()
            .await;
        let actual = match answer {
            // A key is never printed, not even in part beyond its public prefix.
            Ok(keys) => keys
                .api_keys
                .iter()
                .map(|k| {
                    let key = dispatch::reveal(&k.key);
                    let prefix: String = key.split_inclusive('_').take(2).collect();
                    let whose = if key == ILUMA_KEY {
                        "the caller's own"
                    } else {
                        "another"
                    };
                    format!(
                        "{} key {prefix}… ({whose})",
                        dispatch::reveal(&k.environment)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            Err(error) => dispatch::error_text(error),
        };
        tour.check(&format!("Iluma {scenario}"), expected, &actual);
    }
    // The client refuses a live key for a sandbox URL before sending.
    let auth = [(
        "authorization",
        basic("iluma_production_not_for_the_sandbox"),
    )];
    let path = "/iluma/v1/callback/authentication_tokens";
    let (status, answer) = raw_request(sandbox, "GET", path, &auth, b"").await;
    let label = "Iluma: a key that is not iluma_development_ (raw HTTP)";
    tour.check(
        label,
        "401 INVALID_API_KEY",
        &format!("{status} {}", error_code_of(&answer)),
    );
}

/// What a callback receiver saw: the X-CALLBACK-TOKEN of each call.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

async fn callbacks(tour: &mut Tour, clients: &Clients<'_>, sandbox: &Sandbox) {
    let seen: Seen = Arc::default();
    let receiver = axum::Router::new()
        .route(
            "/callbacks",
            axum::routing::post(
                |axum::extract::State(seen): axum::extract::State<Seen>,
                 headers: axum::http::HeaderMap| async move {
                    let token = headers
                        .get("x-callback-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                    seen.push(token);
                    // Fails the first delivery, to show the retry.
                    if seen.len() == 1 {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    }
                },
            ),
        )
        .with_state(seen.clone());
    let label = "Iluma callback: KTP result, receiver failing once";
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => return tour.check(label, "a receiver", &format!("cannot listen: {error}")),
    };
    let url = match listener.local_addr() {
        Ok(addr) => format!("http://{addr}/callbacks"),
        Err(error) => return tour.check(label, "a receiver", &format!("no address: {error}")),
    };
    tokio::spawn(async move {
        let _ = axum::serve(listener, receiver).await;
    });
    // The callback the spec declares on KTP verification, by the name it is registered under.
    let product = kyc_sandbox::spec::iluma()
        .operation("verify_id_card")
        .and_then(|op| op.callbacks.first())
        .map(|callback| callback.name.clone())
        .unwrap_or_default();
    if let Err(error) = sandbox.app().set_callback_url(&product, &url) {
        return tour.check(label, "registered", &error.to_string());
    }
    let _ = clients.ktp("3275031210930027", None).send().await;
    let deliveries = sandbox
        .callbacks()
        .wait_for(1, Duration::from_secs(10))
        .await;
    let token = sandbox.app().callback_token();
    let tokens_match = seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .all(|t| t.as_deref() == Some(token.as_str()));
    let actual = match deliveries.first() {
        Some(d) => format!(
            "{} after {} attempts, token {}",
            if d.delivered {
                "delivered"
            } else {
                "not delivered"
            },
            d.attempts,
            if tokens_match { "matches" } else { "differs" }
        ),
        None => "no delivery".into(),
    };
    tour.check(label, "delivered after 2 attempts, token matches", &actual);
}

async fn rate_limit_and_faults(tour: &mut Tour) {
    let config = SandboxConfig::default()
        .with_rate_limit(RateLimit::per_minute(1))
        .with_fault(FaultRule::status(503).on("get_health").times(1));
    let sandbox = match Sandbox::start_with(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => return tour.check("Sandbox controls", "a sandbox", &error.to_string()),
    };
    // Raw HTTP, so a client's own retry policy does not hide the 429.
    let path = "/iluma/v1/callback/authentication_tokens";
    let auth = [("authorization", basic(ILUMA_KEY))];
    let _ = raw_request(&sandbox, "GET", path, &auth, b"").await;
    let (status, answer) = raw_request(&sandbox, "GET", path, &auth, b"").await;
    let label = "Sandbox: rate limit 1/min per key, second call (raw HTTP)";
    tour.check(
        label,
        "429 RATE_LIMIT_EXCEEDED",
        &format!("{status} {}", error_code_of(&answer)),
    );
    let label = "Sandbox: /health after a standing 503 burst of 1";
    match iluma::Client::with_api_key(Environment::Custom(sandbox.iluma_url()), ILUMA_KEY) {
        Ok(client) => {
            // The first call meets the burst (or the client retries past it).
            let _ = client.get_health().send().await;
            let actual = match client.get_health().send().await {
                Ok(health) => health.into_inner().status.unwrap_or_default(),
                Err(error) => dispatch::error_text(error),
            };
            tour.check(label, "ok", &actual);
        }
        Err(error) => tour.check(label, "ok", &error.to_string()),
    }
    let counted = sandbox.requests().count("get_health");
    let actual = if counted >= 2 {
        "at least 2".to_string()
    } else {
        counted.to_string()
    };
    tour.check(
        "Sandbox: requests counted, the 503 included",
        "at least 2",
        &actual,
    );
    sandbox.shutdown().await;
}

/// The operations the clients warned about on `kyc.deprecated` (a client warns the first time
/// a process calls a deprecated operation; the tour expects exactly that).
#[derive(Clone, Default)]
struct Deprecations(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Deprecations {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Operation<'a>(&'a mut Option<String>);
        impl tracing::field::Visit for Operation<'_> {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "operation" {
                    *self.0 = Some(value.to_string());
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        if event.metadata().target() != "kyc.deprecated" {
            return;
        }
        let mut operation = None;
        event.record(&mut Operation(&mut operation));
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        seen.push(operation.unwrap_or_default());
    }
}

/// Logs to stderr as `RUST_LOG` says (default: warnings, without `kyc.deprecated`, which the
/// tour checks and prints as a line of its own); returns what the deprecation warnings named.
fn telemetry() -> Deprecations {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{EnvFilter, Layer as _};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,kyc.deprecated=off"));
    let deprecations = Deprecations::default();
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_writer(std::io::stderr)
                .with_filter(filter),
        )
        .with(deprecations.clone())
        .try_init();
    deprecations
}

/// Every operation the specs mark deprecated, called by the tour above: the client warned
/// about it once.
fn deprecated(tour: &mut Tour, warned: &Deprecations) {
    let warned = warned.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for spec in [kyc_sandbox::spec::kredibel(), kyc_sandbox::spec::iluma()] {
        let mut vendor = spec.vendor().name.clone();
        if let Some(first) = vendor.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        for operation in spec.operations().iter().filter(|op| op.deprecated) {
            let times = warned.iter().filter(|op| **op == operation.id).count();
            let actual = match times {
                1 => "the client warned once (kyc.deprecated)".to_string(),
                n => format!("the client warned {n} times (kyc.deprecated)"),
            };
            let label = format!(
                "{vendor} {}: deprecated by the vendor",
                operation_label(&operation.id)
            );
            tour.check(&label, "the client warned once (kyc.deprecated)", &actual);
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let warned = telemetry();
    let sandbox = match Sandbox::start().await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("cannot start the sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("kyc-sandbox on {}\n", sandbox.base_url());
    let environment = |url| Environment::Custom(url);
    let (kredibel, iluma) = match (
        kredibel::Client::with_api_key(environment(sandbox.kredibel_url()), KREDIBEL_KEY),
        iluma::Client::with_api_key(environment(sandbox.iluma_url()), ILUMA_KEY),
    ) {
        (Ok(kredibel), Ok(iluma)) => (kredibel, iluma),
        _ => {
            eprintln!("cannot build the clients for the sandbox's URLs");
            return ExitCode::FAILURE;
        }
    };
    let clients = Clients {
        kredibel: &kredibel,
        iluma: &iluma,
    };
    let mut tour = Tour::default();
    spec_scenarios(&mut tour, &clients).await;
    kredibel_behaviour::check(&mut tour, &clients, &sandbox).await;
    iluma_behaviour(&mut tour, &clients, &sandbox).await;
    iluma_platform(&mut tour, &clients, &sandbox).await;
    callbacks(&mut tour, &clients, &sandbox).await;
    rate_limit_and_faults(&mut tour).await;
    deprecated(&mut tour, &warned);
    let all_documented = tour.summary();
    sandbox.shutdown().await;
    if all_documented {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
