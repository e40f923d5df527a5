//! An offline sandbox that behaves like the Kredibel and Iluma sandboxes: the documented
//! "magic" inputs give the documented outcomes, state is kept (contact ownership, stored
//! screenings, single-use tokens), callbacks are delivered, and faults can be injected, all on
//! 127.0.0.1 with no vendor account and no network.
//!
//! Three ways to use it:
//! - in-process on a socket: [`Sandbox::start`] binds 127.0.0.1:0 and gives the base URLs to
//!   hand to the clients (`Environment::Custom(sandbox.kredibel_url())`);
//! - in-process without a socket: [`app`] / [`app_with`] give the axum [`Router`] (for
//!   `tower::ServiceExt::oneshot`), [`SandboxApp`] the same with its request counters;
//! - as a server: `cargo run -p kyc-sandbox -- --listen 127.0.0.1:8080`.
//!
//! Beside it, [`proxy`]: `cargo run -p kyc-sandbox -- proxy --upstream iluma=URL ...` forwards
//! a vendor's real traffic and checks every request and response against the spec.
//!
//! The contract is read from `openapi/*.yaml` through `kyc-spec`, the workspace's one reader of
//! the specs ([`spec`]): routes, request validation, image limits, key prefixes, error codes,
//! statuses and messages all come from the specs the clients are generated from.
//! `sandbox/README.md` lists every scenario, trigger and choice.
//!
//! A vendor is a spec plus its behaviour. Kredibel and Iluma have hand-written behaviour; their
//! documented scenarios are the specs' own (`x-scenarios`, answered with the cases' response
//! examples), the behaviour is what the sandbox adds to them. Any other spec, added with [`SandboxConfig::with_spec`], is served
//! from the spec alone: the request is checked against it and answered with its documented
//! examples.
//!
//! Architecture: [`app`](SandboxApp) builds the router and the layer around each operation
//! (count, faults, log); `vendor` pairs each spec with its behaviour; `kredibel` and `iluma`
//! hold each vendor's auth, validation and scenarios, `generic` the spec-only behaviour;
//! `scenarios` reads the specs' documented cases once; [`images`] adds the sandbox's trigger
//! comment to `kyc_spec::image`; [`examples`] builds valid requests from the specs' examples;
//! [`faults`], [`config`] and [`observe`] are the test-facing controls; [`replay`] answers
//! from the proxy's recordings.

mod app;
mod auth;
mod body;
pub mod config;
pub mod examples;
pub mod faults;
#[doc(hidden)]
pub mod flags;
mod generic;
mod ids;
pub mod iluma;
pub mod images;
mod kredibel;
pub mod observe;
pub mod proxy;
mod rate_limit;
pub mod replay;
pub use kyc_spec::image::sample as samples;
mod scenarios;
mod server;
pub mod spec;
pub mod telemetry;
mod validation;
mod vendor;

pub use app::{DroppedConnection, SandboxApp};
pub use axum::Router;
pub use config::{Clock, RateLimit, RetryPolicy, SandboxConfig};
pub use faults::{FAULT_HEADER, FaultAction, FaultRule};
pub use iluma::{CallbackDelivery, CallbackLog, DeclaredCallback, declared_callbacks};
pub use observe::RequestLog;
pub use replay::{Replay, ReplayError};
pub use server::{SHUTDOWN_GRACE, Sandbox, listen, serve};

/// The router of a default sandbox (no rate limit, no faults).
pub fn app() -> Router {
    app_with(SandboxConfig::default())
}

/// The router of a sandbox configured with `config`. Use [`SandboxApp::new`] to also keep
/// the request counters and callback log.
pub fn app_with(config: SandboxConfig) -> Router {
    SandboxApp::new(config).router()
}
