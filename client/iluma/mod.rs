//! Iluma: CFT + PEP screening, KTP biometric verification, health, callback token, API keys.
//!
//! Generated from `openapi/iluma.yaml` at compile time: [`Client`], its request builders
//! ([`builder`]) and every request and response type ([`types`]). Written by hand here: the
//! constructors ([`Client::with_api_key`], [`Client::with_options`]) that apply the spec's auth
//! scheme (HTTP Basic with the key as the username) on the operations that need it and refuse a
//! key of the other environment (the spec's `x-key-prefixes`), the hooks that validate,
//! authenticate, retry and trace every call (see [`crate::RetryPolicy`] and [`crate::ClientOptions`]), the typed [`Error`], and
//! [`Client::verify_id_card`], the multipart KTP verification progenitor cannot generate.
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
//!     .await
//!     .map_err(kyc_clients::iluma::Error::from)?;
//! for result in &screening.results {
//!     println!("{:?} scored {}", result.names, result.score);
//! }
//! # Ok(())
//! # }
//! ```

pub mod callbacks;
mod id_card;

use crate::config::{ApiKey, ConfigError, Environment};
use crate::error::{ApiError, VendorError};
use crate::transport::ClientOptions;

pub use id_card::{Selfie, VerifyIdCard};

crate::vendor_client!("iluma", "Iluma");

impl Client {
    /// A client for `environment` that authenticates with `api_key`, with the default
    /// [`ClientOptions`] (retries on, 60 s timeout).
    ///
    /// Iluma has one host: [`Environment::Sandbox`] and [`Environment::Production`] differ in
    /// the key they accept. A key of the other environment is refused here rather than billed
    /// (or silently answered with dummy data) later; so is a production key for a sandbox on
    /// this machine (`Environment::Custom` with a loopback URL).
    pub fn with_api_key(
        environment: Environment,
        api_key: impl Into<ApiKey>,
    ) -> Result<Self, ConfigError> {
        Self::with_options(environment, api_key, ClientOptions::default())
    }

    /// A client for `environment` that authenticates with `api_key`.
    pub fn with_options(
        environment: Environment,
        api_key: impl Into<ApiKey>,
        options: ClientOptions,
    ) -> Result<Self, ConfigError> {
        Self::connect(&environment, api_key, &options)
    }
}

/// An Iluma error kind: a documented `error_code`, or one the spec does not list (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A documented code (`API_VALIDATION_ERROR`, `RATE_LIMIT_EXCEEDED`, ...).
    Code(types::IlumaErrorCode),
    /// A code the spec does not list.
    Unknown(String),
}

impl crate::error::ErrorKind for ErrorKind {
    const VENDOR: &'static str = "iluma";

    fn code(&self) -> String {
        match self {
            ErrorKind::Code(code) => code.to_string(),
            ErrorKind::Unknown(code) => code.clone(),
        }
    }

    fn is_charged(&self) -> bool {
        match self {
            // `x-charged` on `IlumaErrorCode`: an error is not a completed check.
            ErrorKind::Code(code) => spec()
                .charged("IlumaErrorCode", &code.to_string())
                .unwrap_or(true),
            ErrorKind::Unknown(_) => true,
        }
    }

    fn status_charged(status: u16) -> Option<bool> {
        spec().status_charged(status)
    }
}

/// Everything an Iluma call can fail with. `?` converts the generated methods' errors.
pub type Error = VendorError<ErrorKind>;

fn api_error(body: types::IlumaError, status: u16) -> ApiError<ErrorKind> {
    ApiError {
        kind: ErrorKind::Code(body.error_code),
        status: Some(status),
        error_id: None,
        message: crate::error::mask_digit_runs(&body.message),
        fields: body.errors.into_iter().map(|e| e.field).collect(),
    }
}

/// An error body the spec cannot decode (an unlisted `error_code`): keep what it says.
fn lenient_api_error(body: &serde_json::Value) -> Option<ApiError<ErrorKind>> {
    Some(ApiError {
        kind: ErrorKind::Unknown(body.get("error_code")?.as_str()?.to_string()),
        status: None,
        error_id: None,
        message: crate::error::mask_digit_runs(body.get("message")?.as_str()?),
        fields: Vec::new(),
    })
}

impl From<progenitor_client::Error<types::IlumaError>> for Error {
    fn from(err: progenitor_client::Error<types::IlumaError>) -> Self {
        crate::error::from_generated(err, api_error, lenient_api_error)
    }
}
