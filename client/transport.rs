//! The `reqwest::Client` every vendor client is built on, and the auth header they share.

use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::config::{ConfigError, Environment};

/// The same timeouts progenitor would set, on a client whose TLS backend is chosen by feature.
pub(crate) fn http_client() -> Result<reqwest::Client, ConfigError> {
    install_crypto_provider();
    Ok(reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(60))
        .build()?)
}

/// With `tls-ring`, reqwest is built without a crypto provider; install ring as the process
/// default unless the application installed one already (then theirs wins, which is right).
fn install_crypto_provider() {
    #[cfg(feature = "tls-ring")]
    {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// An `Authorization` header value marked sensitive, so reqwest and `http` never print it.
pub(crate) fn sensitive_header(value: String) -> Result<HeaderValue, ConfigError> {
    let mut header = HeaderValue::try_from(value)
        .map_err(|_| ConfigError::InvalidApiKey("not printable ASCII"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Resolves an environment to a base URL and checks it.
pub(crate) fn base_url(
    environment: &Environment,
    sandbox: &str,
    production: &str,
) -> Result<String, ConfigError> {
    let url = match environment {
        Environment::Sandbox => sandbox.to_string(),
        Environment::Production => production.to_string(),
        Environment::Custom(url) => url.trim_end_matches('/').to_string(),
    };
    let parsed = reqwest::Url::parse(&url).map_err(|_| ConfigError::InvalidBaseUrl {
        url: url.clone(),
        reason: "not an absolute URL",
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ConfigError::InvalidBaseUrl {
            url,
            reason: "the scheme must be https (or http on loopback)",
        });
    }
    Ok(url)
}
