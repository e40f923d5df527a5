//! The `reqwest::Client` every vendor client is built on, and the auth header they share.

use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::config::{ApiKey, ConfigError, Environment};

/// How a client connects and retries. `Default` is what [`crate::kredibel::Client::with_api_key`]
/// and [`crate::iluma::Client::with_api_key`] use.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Which failures are sent again, and how long to wait.
    pub retry: crate::RetryPolicy,
    /// The longest one attempt may take, from sending to the end of the answer.
    pub timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            retry: crate::RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
        }
    }
}

/// A reqwest client with the options' timeouts, its TLS backend chosen by cargo feature.
pub(crate) fn http_client(options: &ClientOptions) -> Result<reqwest::Client, ConfigError> {
    install_crypto_provider();
    Ok(reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
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

/// The caller's API key, refused if empty (it would only earn a 401 later).
pub(crate) fn api_key(api_key: impl Into<ApiKey>) -> Result<ApiKey, ConfigError> {
    let api_key = api_key.into();
    if api_key.expose().trim().is_empty() {
        return Err(ConfigError::InvalidApiKey("empty"));
    }
    Ok(api_key)
}

/// An `Authorization` header value marked sensitive, so reqwest and `http` never print it.
pub(crate) fn sensitive_header(value: String) -> Result<HeaderValue, ConfigError> {
    let mut header = HeaderValue::try_from(value)
        .map_err(|_| ConfigError::InvalidApiKey("not printable ASCII"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Resolves an environment to a base URL and checks it: absolute, and HTTPS unless the host
/// is this machine (a local sandbox), because the request carries an API key and personal data.
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
    let secure = match parsed.scheme() {
        "https" => true,
        "http" => is_loopback(&parsed),
        _ => false,
    };
    if !secure {
        return Err(ConfigError::InvalidBaseUrl {
            url,
            reason: "must be https (plain http only to this machine: localhost, 127.0.0.0/8, [::1])",
        });
    }
    Ok(url)
}

/// Whether a URL's host is this machine.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
