//! Iluma: CFT + PEP screening, KTP biometric verification, health, callback token, API keys.
//!
//! Generated from `openapi/iluma.yaml` at compile time: [`Client`], its request builders
//! ([`builder`]) and every request and response type ([`types`]). Written by hand here: the
//! constructor [`Client::with_api_key`], the [`Auth`] hook that sends HTTP Basic with the key as
//! the username on the operations that need it, and [`Client::verify_id_card`], the multipart
//! KTP verification progenitor cannot generate.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kyc_clients::{Environment, iluma::{Client, types}};
//!
//! let client = Client::with_api_key(Environment::Sandbox, "iluma_development_...")?;
//! let screening = client
//!     .screen_individual()
//!     .body(
//!         types::IndividualScreeningRequest::builder()
//!             .user_id("foo123")
//!             .given_names("Eko Hadi Salim")
//!             .nationality("ID")
//!             .scopes(vec![types::Scope::Pep])
//!             .score_threshold(types::ScoreThreshold(90)),
//!     )
//!     .send()
//!     .await?;
//! for result in &screening.results {
//!     println!("{:?} scored {}", result.names, result.score);
//! }
//! # Ok(())
//! # }
//! ```

pub mod callbacks;
mod id_card;

use base64::Engine as _;
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::config::{ApiKey, ConfigError, Environment};
use crate::transport;

pub use id_card::{Selfie, SelfieFormat, VerifyIdCard};

mod generated {
    #![allow(
        missing_docs,
        missing_debug_implementations,
        unreachable_pub,
        unused_imports,
        rust_2018_idioms,
        clippy::all
    )]
    include!(concat!(env!("OUT_DIR"), "/iluma_client.rs"));
}

pub use generated::{Client, builder, types};

/// The Iluma operations and schemas as data (see [`crate::catalog`]).
pub mod catalog {
    use super::types;
    include!(concat!(env!("OUT_DIR"), "/iluma_catalog.rs"));
}

/// Iluma's one host; the key's prefix selects development (sandbox) or live.
pub const BASE_URL: &str = "https://api.iluma.ai";
/// The prefix of development (sandbox) keys.
pub const DEVELOPMENT_KEY_PREFIX: &str = "iluma_development_";
/// The prefix of live keys.
pub const PRODUCTION_KEY_PREFIX: &str = "iluma_production_";

/// Credentials the generated client carries; applied to each request that needs them by the
/// [`ClientHooks`] implementation below. `Debug` never shows the key.
#[derive(Clone)]
pub struct Auth {
    authorization: HeaderValue,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("authorization", &"Basic [redacted]")
            .finish()
    }
}

impl Auth {
    /// HTTP Basic with the key as the username and an empty password, marked sensitive.
    pub fn basic(api_key: &ApiKey) -> Result<Self, ConfigError> {
        if api_key.expose().trim().is_empty() {
            return Err(ConfigError::InvalidApiKey("empty"));
        }
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:", api_key.expose()));
        Ok(Self {
            authorization: transport::sensitive_header(format!("Basic {credentials}"))?,
        })
    }
}

impl Client {
    /// A client for `environment` that authenticates with `api_key`.
    ///
    /// Iluma has one host: [`Environment::Sandbox`] and [`Environment::Production`] differ in
    /// the key they accept, and a key of the other environment is refused here rather than
    /// billed (or silently answered with dummy data) later.
    pub fn with_api_key(
        environment: Environment,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, ConfigError> {
        let api_key = api_key.into();
        let expected = match environment {
            Environment::Sandbox => Some(DEVELOPMENT_KEY_PREFIX),
            Environment::Production => Some(PRODUCTION_KEY_PREFIX),
            Environment::Custom(_) => None,
        };
        if let Some(prefix) = expected {
            if !api_key.expose().starts_with(prefix) {
                return Err(ConfigError::KeyEnvironmentMismatch {
                    vendor: "iluma",
                    reason: format!(
                        "the {environment:?} environment takes keys starting `{prefix}`"
                    ),
                });
            }
        }
        let auth = Auth::basic(&api_key)?;
        let base_url = transport::base_url(&environment, BASE_URL, BASE_URL)?;
        Ok(Self::new_with_client(
            &base_url,
            transport::http_client()?,
            auth,
        ))
    }
}

impl ClientHooks<Auth> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // `get_health` and `get_api_keys` are unauthenticated in the spec: the key stays home.
        if crate::catalog::requires_auth(catalog::OPERATIONS, info.operation_id) {
            request
                .headers_mut()
                .insert(AUTHORIZATION, self.inner.authorization.clone());
        }
        Ok(())
    }
}
