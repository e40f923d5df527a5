//! Where a command is sent and with which key: `--url`, `--env`, `KYC_<VENDOR>_URL` (in that
//! order, else the vendor's sandbox), and `<VENDOR>_API_KEY`. API keys come from the
//! environment only, never from a flag, which would land in shell history. The library checks
//! the rest (HTTPS except to this machine, an Iluma key of the other environment).

use clap::ArgMatches;
use kyc_clients::{ApiKey, ClientOptions, ConfigError, Environment};
use kyc_spec::{Operation, Spec};

use crate::command::{ENV, URL};
use crate::failure::Failure;

/// The environment, key and options of one command.
#[derive(Debug)]
pub(crate) struct Target {
    environment: Environment,
    /// Where the base URL came from, for messages (never the URL itself, which may carry
    /// credentials).
    source: String,
    key: ApiKey,
    /// The variable the key came from.
    key_variable: String,
}

impl Target {
    /// Reads the target of `operation` from the global flags and the environment.
    pub(crate) fn resolve(
        spec: &Spec,
        operation: &Operation,
        matches: &ArgMatches,
    ) -> Result<Self, Failure> {
        let vendor = spec.vendor();
        let upper = vendor.name.to_uppercase();
        let url_variable = format!("KYC_{upper}_URL");
        let (environment, source) = if let Some(url) = matches.get_one::<String>(URL) {
            (Environment::Custom(url.clone()), "--url".to_string())
        } else if let Some(env) = matches.get_one::<String>(ENV) {
            let environment = if env == kyc_spec::Environment::Production.as_str() {
                Environment::Production
            } else {
                Environment::Sandbox
            };
            (environment, "--env".to_string())
        } else if let Some(url) = variable(&url_variable)? {
            (Environment::Custom(url), url_variable)
        } else {
            (Environment::Sandbox, "the default (sandbox)".to_string())
        };
        let key_variable = format!("{upper}_API_KEY");
        let key = if operation.authenticated {
            variable(&key_variable)?.ok_or_else(|| {
                Failure::usage(format!(
                    "{key_variable} is not set: the API key is read from the environment only"
                ))
            })?
        } else {
            // The operation sends no credentials, but the client is built with a key: one of
            // the environment's shape, which the library never puts on the wire here.
            let keyed = match environment {
                Environment::Production => kyc_spec::Environment::Production,
                _ => kyc_spec::Environment::Sandbox,
            };
            format!("{}unused", vendor.key_prefix(keyed).unwrap_or_default())
        };
        Ok(Self {
            environment,
            source,
            key: ApiKey::from(key),
            key_variable,
        })
    }

    /// The vendor client, built by the library's constructor (`Client::with_options`).
    pub(crate) fn client<C>(
        &self,
        build: impl FnOnce(Environment, ApiKey, ClientOptions) -> Result<C, ConfigError>,
    ) -> Result<C, Failure> {
        build(
            self.environment.clone(),
            self.key.clone(),
            ClientOptions::default(),
        )
        .map_err(|err| match err {
            ConfigError::InvalidBaseUrl { reason, .. } => {
                Failure::usage(format!("the base URL from {}: {reason}", self.source))
            }
            ConfigError::InvalidApiKey(_) | ConfigError::KeyEnvironmentMismatch { .. } => {
                Failure::usage(format!("{}: {err}", self.key_variable))
            }
            ConfigError::Http(_) => Failure::Transport(err.to_string()),
            other => Failure::usage(other.to_string()),
        })
    }
}

/// An environment variable; unset and empty are the same.
fn variable(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_string())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{name} is not UTF-8")))
        }
    }
}
