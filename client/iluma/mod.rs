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

/// An Iluma error kind: a documented `error_code`, one the spec does not list (yet), or none.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A documented code (`API_VALIDATION_ERROR`, `RATE_LIMIT_EXCEEDED`, ...); never
    /// [`types::IlumaErrorCode::Unknown`], which is [`ErrorKind::Unknown`].
    Code(types::IlumaErrorCode),
    /// A code the spec does not list.
    Unknown(String),
    /// An error body without an `error_code` (the body's shape is this spec's guess, see
    /// `IlumaError` in the spec).
    Unspecified,
}

impl crate::error::ErrorKind for ErrorKind {
    const VENDOR: &'static str = "iluma";

    fn code(&self) -> String {
        match self {
            ErrorKind::Code(code) => code.to_string(),
            ErrorKind::Unknown(code) => code.clone(),
            ErrorKind::Unspecified => "error".into(),
        }
    }

    fn is_charged(&self) -> bool {
        match self {
            // `x-charged` on `IlumaErrorCode`: an error is not a completed check.
            ErrorKind::Code(code) => spec()
                .charged("IlumaErrorCode", code.as_str())
                .unwrap_or(true),
            ErrorKind::Unknown(_) | ErrorKind::Unspecified => true,
        }
    }

    fn status_charged(status: u16) -> Option<bool> {
        spec().status_charged(status)
    }

    fn operation_charged(operation: &str) -> Option<bool> {
        spec().operation_charged(operation)
    }
}

/// Everything an Iluma call can fail with. `?` converts the generated methods' errors.
pub type Error = VendorError<ErrorKind>;

fn api_error(body: types::IlumaError, status: u16) -> ApiError<ErrorKind> {
    // The body is a guess (`x-undocumented`): every field is optional in `IlumaError`, and
    // `IlumaErrorCode` is open, so any JSON object decodes here.
    ApiError {
        kind: match body.error_code {
            Some(types::IlumaErrorCode::Unknown(code)) => ErrorKind::Unknown(code),
            Some(code) => ErrorKind::Code(code),
            None => ErrorKind::Unspecified,
        },
        status: Some(status),
        error_id: None,
        message: crate::error::mask_digit_runs(body.message.as_deref().unwrap_or_default()),
        fields: body.errors.into_iter().filter_map(|e| e.field).collect(),
        operation: None,
    }
}

/// An error body that does not decode as `IlumaError` (not a JSON object, or a field of
/// another type): keep what it says.
fn lenient_api_error(body: &serde_json::Value) -> Option<ApiError<ErrorKind>> {
    Some(ApiError {
        kind: ErrorKind::Unknown(body.get("error_code")?.as_str()?.to_string()),
        status: None,
        error_id: None,
        message: crate::error::mask_digit_runs(body.get("message")?.as_str()?),
        fields: Vec::new(),
        operation: None,
    })
}

impl types::CallbackAuthenticationToken {
    /// The callback token: the guessed `token` field, else, when the body names it otherwise,
    /// the one string among the fields the guess does not name (`extra`). `None` when the body
    /// holds no token or several candidates.
    pub fn find_token(&self) -> Option<crate::Secret> {
        if let Some(token) = &self.token {
            return Some(token.clone());
        }
        let mut strings = self.extra.values().filter_map(|value| value.as_str());
        match (strings.next(), strings.next()) {
            (Some(token), None) => Some(crate::Secret::new(token)),
            _ => None,
        }
    }
}

impl types::ApiKeySet {
    /// Every API key in the body, wherever it sits, with its environment: each string that
    /// starts with one of the spec's key prefixes (`x-key-prefixes`: `iluma_development_`,
    /// `iluma_production_`), in the guessed `api_keys` or in fields the guess does not name
    /// (`extra`). The body's shape is a guess and the token that fetched it is single use, so
    /// this is how to keep the keys whatever the shape; [`crate::Secret`] keeps them out of
    /// `Debug`.
    pub fn keys_by_prefix(&self) -> Vec<(kyc_spec::Environment, crate::Secret)> {
        let mut found = Vec::new();
        if let Ok(body) = serde_json::to_value(self) {
            collect_keys(&body, &mut found);
        }
        found
    }
}

fn collect_keys(value: &serde_json::Value, out: &mut Vec<(kyc_spec::Environment, crate::Secret)>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(environment) = spec().vendor().environment_of_key(text)
                && !out.iter().any(|(_, key)| key.expose() == text)
            {
                out.push((environment, crate::Secret::new(text.clone())));
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_keys(item, out)),
        serde_json::Value::Object(fields) => fields.values().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

impl From<progenitor_client::Error<types::IlumaError>> for Error {
    fn from(err: progenitor_client::Error<types::IlumaError>) -> Self {
        crate::error::from_generated(err, api_error, lenient_api_error)
    }
}
