//! Kredibel: electronic-certificate issuance and biometric verification.
//!
//! Generated from `openapi/kredibel.yaml` at compile time: [`Client`], its request builders
//! ([`builder`]) and every request and response type ([`types`]). Written by hand here: the
//! constructor [`Client::with_api_key`] and the [`Auth`] hook that sends
//! `Authorization: Bearer <key>` on every request.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kyc_clients::{Environment, kredibel::{Client, types}};
//!
//! let client = Client::with_api_key(Environment::Sandbox, "my-sandbox-key")?;
//! let issued = client
//!     .issue_certificate()
//!     .body(
//!         types::CertificateIssuanceRequest::builder()
//!             .identity_id("1234567890123456")
//!             .full_name("ASEP SUPRIYADI")
//!             .birth_date("1990-07-06".parse::<chrono::NaiveDate>()?)
//!             .email_address("test@email.com")
//!             .phone_number("621234567890")
//!             .face_image("<base64 selfie>")
//!             .identity_image("<base64 card photo>"),
//!     )
//!     .send()
//!     .await?;
//! println!("{:?}: {:?}", issued.data.status, issued.data.reject_fields);
//! # Ok(())
//! # }
//! ```

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use crate::config::{ApiKey, ConfigError, Environment};
use crate::transport;

mod generated {
    #![allow(
        missing_docs,
        missing_debug_implementations,
        unreachable_pub,
        unused_imports,
        rust_2018_idioms,
        clippy::all
    )]
    include!(concat!(env!("OUT_DIR"), "/kredibel_client.rs"));
}

pub use generated::{Client, builder, types};

/// The Kredibel operations and schemas as data (see [`crate::catalog`]).
pub mod catalog {
    use super::types;
    include!(concat!(env!("OUT_DIR"), "/kredibel_catalog.rs"));
}

/// The sandbox base URL (`$synapses` in the docs, sandbox dashboard host).
pub const SANDBOX_URL: &str = "https://synapses.sandbox.kredibel.com";
/// The production base URL.
pub const PRODUCTION_URL: &str = "https://synapses.kredibel.com";

/// Credentials the generated client carries; applied to each request by the [`ClientHooks`]
/// implementation below. `Debug` never shows the key.
#[derive(Clone)]
pub struct Auth {
    authorization: HeaderValue,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("authorization", &"Bearer [redacted]")
            .finish()
    }
}

impl Auth {
    /// `Authorization: Bearer <key>`, marked sensitive.
    pub fn bearer(api_key: &ApiKey) -> Result<Self, ConfigError> {
        if api_key.expose().trim().is_empty() {
            return Err(ConfigError::InvalidApiKey("empty"));
        }
        Ok(Self {
            authorization: transport::sensitive_header(format!("Bearer {}", api_key.expose()))?,
        })
    }
}

impl Client {
    /// A client for `environment` that authenticates with `api_key`.
    pub fn with_api_key(
        environment: Environment,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, ConfigError> {
        let auth = Auth::bearer(&api_key.into())?;
        let base_url = transport::base_url(&environment, SANDBOX_URL, PRODUCTION_URL)?;
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
        if crate::catalog::requires_auth(catalog::OPERATIONS, info.operation_id) {
            request
                .headers_mut()
                .insert(AUTHORIZATION, self.inner.authorization.clone());
        }
        Ok(())
    }
}
