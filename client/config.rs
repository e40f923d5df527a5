//! What a caller chooses when building a client: the environment and the API key.

/// Where a client sends its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The vendor's sandbox: documented dummy answers, no charge.
    Sandbox,
    /// The vendor's live API: real checks, billed.
    Production,
    /// Any other base URL, e.g. the offline `kyc-sandbox` on `http://127.0.0.1:PORT/kredibel`.
    /// It is used as given (a trailing `/` is removed).
    Custom(String),
}

/// An API key. Its `Debug` and `Display` never show it, so it can sit in structs that are
/// logged; [`crate::Secret::expose`] gives it only to put it on the wire.
pub type ApiKey = crate::Secret;

/// A client could not be built from the given configuration. The message never contains the
/// API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The API key is empty or cannot go into an HTTP header.
    #[error("the API key is {0}")]
    InvalidApiKey(&'static str),
    /// The API key belongs to another environment than the one asked for.
    #[error("{vendor}: {reason}")]
    KeyEnvironmentMismatch {
        /// The vendor.
        vendor: &'static str,
        /// What does not match, without the key.
        reason: String,
    },
    /// [`crate::ClientOptions::with_host`] names a host the vendor's spec does not have.
    #[error("{vendor}: no host is named `{host}` in the spec (its hosts: {known})")]
    UnknownHost {
        /// The vendor.
        vendor: &'static str,
        /// The name given.
        host: String,
        /// The spec's host names.
        known: String,
    },
    /// The vendor's spec declares no server for the environment asked for.
    #[error("{vendor}: the spec declares no {environment} server; use Environment::Custom")]
    NoServer {
        /// The vendor.
        vendor: &'static str,
        /// The environment: `sandbox` or `production`.
        environment: &'static str,
    },
    /// The base URL is not usable.
    #[error("base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The HTTP client could not be built (TLS backend initialisation).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}
