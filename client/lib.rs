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
//! operation and schema of both specs as data.
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

mod call;
pub mod catalog;
mod config;
mod error;
#[cfg(feature = "iluma")]
pub mod iluma;
#[cfg(feature = "kredibel")]
pub mod kredibel;
pub mod nik;
pub mod privacy;
mod redacted;
mod transport;

/// The one reader of the specs (`kyc-spec`): what [`kredibel::spec`] and [`iluma::spec`] return
/// (servers, auth, key prefixes, schemas), and the request validator every call runs.
pub use kyc_spec as spec;
/// Image facts read from the bytes and the specs' image rules (from `kyc-spec`, the one reader
/// of the specs, shared with the sandbox).
pub use kyc_spec::image;

pub use call::{CallSettings, RetryPolicy};
pub use config::{ApiKey, ConfigError, Environment};
pub use error::{ApiError, ErrorKind, VendorError};
/// The generated clients' error and response types (from `progenitor-client`).
pub use progenitor_client::{Error, ResponseValue};
pub use redacted::{Base64Image, InvalidNik, Nik, Redacted, Secret};
pub use transport::ClientOptions;
