//! What every vendor client is built from, read from its spec's registry entry: the base URL
//! of the environment (`servers[].x-environments`), the check that the key belongs to it
//! (`x-key-prefixes`), the `Authorization` header of the spec's scheme, and the
//! `reqwest::Client`.

use std::time::Duration;

use base64::Engine as _;
use kyc_spec::AuthScheme;
use reqwest::header::HeaderValue;

use crate::call::{CallSettings, Vendor};
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
    /// Base URLs that replace the environment's for a host, by the host's name in the spec
    /// (`x-host`: Kredibel's `synapses` and `vision`): a proxy, a staging host. See
    /// [`ClientOptions::with_host`].
    pub hosts: Vec<(String, String)>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            retry: crate::RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            hosts: Vec::new(),
        }
    }
}

impl ClientOptions {
    /// Sends the operations of host `name` (the spec's `x-host`, as the vendor's docs name it:
    /// `vision` for `$vision`) to `base_url` instead of the environment's server for it. A name
    /// the spec does not have is refused when the client is built.
    ///
    /// ```
    /// let options = kyc_clients::ClientOptions::default()
    ///     .with_host("vision", "https://kyc-proxy.internal.example/vision");
    /// # let _ = options;
    /// ```
    pub fn with_host(mut self, name: impl Into<String>, base_url: impl Into<String>) -> Self {
        let name = name.into();
        self.hosts.retain(|(known, _)| *known != name);
        self.hosts.push((name, base_url.into()));
        self
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

/// The base URL, HTTP client and call settings of a `vendor` client for `environment` that
/// authenticates with `api_key`.
pub fn connect(
    vendor: Vendor,
    environment: &Environment,
    api_key: impl Into<ApiKey>,
    options: &ClientOptions,
) -> Result<(String, reqwest::Client, CallSettings), ConfigError> {
    let api_key = api_key.into();
    if api_key.expose().trim().is_empty() {
        // It would only earn a 401 later.
        return Err(ConfigError::InvalidApiKey("empty"));
    }
    let mut hosts = host_urls(vendor, environment, options)?;
    // The spec's own host is the generated client's base URL; the others are put in place per
    // operation (`crate::call::pre`).
    let base_url = hosts.remove(0).1;
    check_key_environment(vendor, environment, &base_url, &api_key)?;
    let key = api_key.expose();
    let authorization = match vendor.spec().vendor().auth {
        Some(AuthScheme::Bearer) => Some(format!("Bearer {key}")),
        Some(AuthScheme::BasicKeyAsUsername) => Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
        )),
        None => None,
    };
    let settings = CallSettings {
        vendor,
        authorization: authorization.map(sensitive_header).transpose()?,
        retry: options.retry.clone(),
        base_url: base_url.clone(),
        hosts,
    };
    Ok((base_url, http_client(options)?, settings))
}

/// An `Authorization` header value marked sensitive, so reqwest and `http` never print it.
fn sensitive_header(value: String) -> Result<HeaderValue, ConfigError> {
    let mut header = HeaderValue::try_from(value)
        .map_err(|_| ConfigError::InvalidApiKey("not printable ASCII"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// Refuses a key of another environment than the one asked for, when the spec gives each
/// environment's key prefix (Iluma: one host, the key decides): a production key would be
/// billed, a sandbox key silently answered with dummy data. A local sandbox
/// (`Environment::Custom` on this machine) takes sandbox keys only.
fn check_key_environment(
    vendor: Vendor,
    environment: &Environment,
    base_url: &str,
    api_key: &ApiKey,
) -> Result<(), ConfigError> {
    let local = reqwest::Url::parse(base_url).is_ok_and(|url| is_loopback(&url));
    let expected = match environment {
        Environment::Sandbox => ("sandbox", kyc_spec::Environment::Sandbox),
        Environment::Production => ("production", kyc_spec::Environment::Production),
        Environment::Custom(_) if local => ("local sandbox", kyc_spec::Environment::Sandbox),
        Environment::Custom(_) => return Ok(()),
    };
    let (name, environment) = expected;
    match vendor.spec().vendor().key_prefix(environment) {
        Some(prefix) if !api_key.expose().starts_with(prefix) => {
            Err(ConfigError::KeyEnvironmentMismatch {
                vendor: vendor.name(),
                reason: format!("the {name} environment takes keys starting `{prefix}`"),
            })
        }
        _ => Ok(()),
    }
}

/// The base URL of every host of the spec (its own first, see `kyc_spec::Spec::hosts`), by
/// name: the options' URL for the host, else the environment's server for it (a custom URL
/// serves every host, as the offline sandbox does).
fn host_urls(
    vendor: Vendor,
    environment: &Environment,
    options: &ClientOptions,
) -> Result<Vec<(String, String)>, ConfigError> {
    let spec = vendor.spec();
    let hosts = spec.hosts();
    if let Some((unknown, _)) = options
        .hosts
        .iter()
        .find(|(name, _)| !hosts.iter().any(|(known, _)| known == name))
    {
        return Err(ConfigError::UnknownHost {
            vendor: vendor.name(),
            host: unknown.clone(),
            known: hosts
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    hosts
        .into_iter()
        .map(|(name, servers)| {
            let chosen = options.hosts.iter().find(|(host, _)| host == name);
            let url = match chosen {
                Some((_, url)) => checked_url(url)?,
                None => base_url(vendor, environment, servers)?,
            };
            Ok((name.to_string(), url))
        })
        .collect()
}

/// Resolves an environment to a base URL (the host's server for it) and checks it.
fn base_url(
    vendor: Vendor,
    environment: &Environment,
    servers: &[kyc_spec::Server],
) -> Result<String, ConfigError> {
    let server = |environment: kyc_spec::Environment| {
        kyc_spec::server_for(servers, environment)
            .map(str::to_string)
            .ok_or(ConfigError::NoServer {
                vendor: vendor.name(),
                environment: environment.as_str(),
            })
    };
    let url = match environment {
        Environment::Sandbox => server(kyc_spec::Environment::Sandbox)?,
        Environment::Production => server(kyc_spec::Environment::Production)?,
        Environment::Custom(url) => url.clone(),
    };
    checked_url(&url)
}

/// A base URL without its trailing `/`, if it is absolute and HTTPS unless the host is this
/// machine (a local sandbox): requests carry an API key and personal data.
fn checked_url(url: &str) -> Result<String, ConfigError> {
    let url = url.trim_end_matches('/').to_string();
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
fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
