//! Typed Rust clients for two Indonesian KYC vendors, generated at compile time from the
//! hand-authored OpenAPI specs in `openapi/`:
//!
//! - [`kredibel`]: certificate issuance and biometric verification (Bearer API key);
//! - [`iluma`]: CFT + PEP screening, KTP biometric verification, health, callback token and API
//!   key retrieval (HTTP Basic, API key as the username).
//!
//! Each vendor module re-exports the progenitor-generated `Client`, its request builders and
//! its `types`, and adds what is written by hand: the constructor that applies the vendor's
//! auth ([`kredibel::Client::with_api_key`], [`iluma::Client::with_api_key`]), and for Iluma the
//! multipart KTP verification that progenitor cannot generate. [`catalog`] describes every
//! operation and schema of both specs as data. [`vendor`] is how a crate of its own adds a
//! third vendor on the same hooks.
//!
//! Cargo features: `kredibel` and `iluma` (both default) select the vendors — `build.rs`
//! generates and the crate compiles only those enabled; `schemars` derives
//! `schemars::JsonSchema` on every generated type (what this repository's schema snapshots
//! read); `tls-ring` (default), `tls-aws-lc` or `tls-native` choose the TLS stack; `axum` adds
//! the Iluma callback receiver.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kyc_clients::{Environment, kredibel};
//!
//! let client = kredibel::Client::with_api_key(Environment::Sandbox, "my-sandbox-key")?;
//! let issued = client
//!     .issue_certificate()
//!     .body(
//!         kredibel::types::CertificateIssuanceRequest::builder()
//!             .identity_id("1234567890123456")
//!             .full_name("ASEP SUPRIYADI")
//!             .birth_date("1990-07-06".parse::<chrono::NaiveDate>()?)
//!             .email_address("test@email.com")
//!             .phone_number("621234567890")
//!             .face_image(std::fs::read("selfie.jpg")?)
//!             .identity_image(std::fs::read("ktp.jpg")?),
//!     )
//!     .send()
//!     .await?;
//! println!("certificate: {}", issued.data.status);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

#[cfg(not(any(feature = "kredibel", feature = "iluma")))]
compile_error!(
    "kyc-clients has no vendor to build: enable `kredibel`, `iluma` or both (the default features)"
);

// The generated code reaches its run-time support through the path `progenitor_client`. In
// this crate that path is the crate itself: its root provides what the generated code uses,
// progenitor-client's request helpers (imported as `progenitor_support`) and this crate's own
// `Error`, `ResponseValue` and `ClientHooks`, whose errors never print a body, a header value
// or a URL (see `response.rs`). No generated text is edited.
extern crate self as progenitor_client;

mod call;
pub mod catalog;
mod config;
mod decode;
mod drift;
mod error;
mod expected;
#[cfg(feature = "iluma")]
pub mod iluma;
#[cfg(feature = "kredibel")]
pub mod kredibel;
pub mod nik;
pub mod privacy;
mod redacted;
mod response;
mod transport;
pub mod vendor;

/// The one reader of the specs (`kyc-spec`): what [`kredibel::spec`] and [`iluma::spec`] return
/// (servers, auth, key prefixes, schemas), and the request validator every call runs.
pub use kyc_spec as spec;
/// Image facts read from the bytes and the specs' image rules (from `kyc-spec`, the one reader
/// of the specs, shared with the sandbox).
pub use kyc_spec::image;

pub use call::{CallSettings, RetryPolicy};
pub use config::{ApiKey, ConfigError, Environment};
pub use decode::DecodeError;
pub use error::{ApiError, ErrorKind, VendorError};
pub use expected::Expected;
/// `baseurl()` and `client()` of a generated client (from `progenitor-client`).
pub use progenitor_support::ClientInfo;
pub use response::{Error, ResponseValue};

// What the generated code imports from `progenitor_client` besides the above. Public (but
// not documented) because a vendor crate's generated code reaches them too: its
// `progenitor_client` is this crate (`kyc_clients::vendor`).
#[doc(hidden)]
pub use call::ClientHooks;
#[doc(hidden)]
pub use progenitor_support::ByteStream;
#[doc(hidden)]
pub use progenitor_support::{OperationInfo, QueryParam, RequestBuilderExt, encode_path};
pub use redacted::{Base64Image, InvalidNik, Nik, Redacted, Secret};
pub use transport::ClientOptions;
