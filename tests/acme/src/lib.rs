//! A client for Acme, a made-up third vendor: the worked example of adding a vendor without
//! touching the lists Kredibel and Iluma live in (README, "Adding a vendor").
//!
//! `build.rs` generates the client from `openapi/acme.yaml` with `kyc-codegen`;
//! [`kyc_clients::vendor_client!`] puts the library's hooks around it, so a call is checked
//! against the spec before it is sent (the selfie's format, size and pixels included),
//! authenticated with the spec's scheme, retried where the spec says an answer is never billed,
//! and traced — as a Kredibel or Iluma call is.

// The generated code reaches its run-time support through the path `progenitor_client`: for a
// vendor of this library that is `kyc_clients` (its errors, response values and hooks). It
// names the library's types from the crate root too (see `kyc_clients::vendor`).
extern crate kyc_clients as progenitor_client;
pub use kyc_clients::{Base64Image, Expected, Nik, Redacted, Secret, catalog, privacy};

pub mod acme {
    //! Acme: face checks. Generated from `openapi/acme.yaml` at compile time: [`Client`], its
    //! request builders ([`builder`]) and its [`types`]; written here: the constructor.

    kyc_clients::vendor_client!("acme", "Acme");

    impl Client {
        /// A client for `environment` (the spec's server for it, or the URL given) that
        /// authenticates with `api_key` (`Authorization: Bearer`, the spec's scheme).
        pub fn with_api_key(
            environment: kyc_clients::Environment,
            api_key: impl Into<kyc_clients::ApiKey>,
        ) -> Result<Self, kyc_clients::ConfigError> {
            Self::connect(
                &environment,
                api_key,
                &kyc_clients::ClientOptions::default(),
            )
        }
    }
}
