//! The vendor registry entry a spec carries about itself: its name, servers per environment,
//! auth scheme and API-key prefixes. OpenAPI has no keyword for the first, the environment of
//! a server or a key's prefix, so the specs say them with vendor extensions:
//!
//! - `info.x-vendor`: the vendor's name (`kredibel`), also its Rust module and sandbox prefix;
//! - `servers[].x-environments`: the environments a server serves (`[sandbox]`, `[production]`,
//!   or both when one host serves both and the key decides);
//! - `components.securitySchemes.*.x-key-prefixes`: `{sandbox: …, production: …}`, when a key's
//!   prefix tells its environment.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::spec::SpecShapeError;

/// A vendor environment, as `x-environments` and `x-key-prefixes` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Environment {
    /// Documented dummy answers, no charge.
    Sandbox,
    /// Live checks, billed.
    Production,
}

impl Environment {
    /// Both environments.
    pub const ALL: [Self; 2] = [Self::Sandbox, Self::Production];

    /// The name the specs use: `sandbox`, `production`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a `servers` list: the spec's, or a path's or operation's (another host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The base URL, without a trailing `/`.
    pub url: String,
    /// The environments it serves (`x-environments`).
    pub environments: Vec<Environment>,
    /// `x-host`: the name of the host, as the vendor's docs write it (`$vision` is `vision`);
    /// required on path- and operation-level servers, which a caller overrides by this name.
    pub host: Option<String>,
}

/// The first server of `servers` that serves `environment`.
pub fn server_for(servers: &[Server], environment: Environment) -> Option<&str> {
    servers
        .iter()
        .find(|s| s.environments.contains(&environment))
        .map(|s| s.url.as_str())
}

/// A `servers` list (`at` is its JSON pointer, for messages); empty when absent.
pub(crate) fn read_servers(list: Option<&Value>, at: &str) -> Result<Vec<Server>, SpecShapeError> {
    let mut servers = Vec::new();
    for (index, server) in list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("{at}/{index}");
        let url = server.get("url").and_then(Value::as_str).ok_or_else(|| {
            SpecShapeError::new(&at, "has no `url`", "give every server its base URL")
        })?;
        let environments = server
            .get("x-environments")
            .and_then(Value::as_array)
            .ok_or_else(|| SpecShapeError::new(
                &format!("{at}/x-environments"),
                "is missing",
                "say which environments the server serves: `x-environments: [sandbox]`, `[production]` or both",
            ))?
            .iter()
            .map(|e| {
                e.as_str().and_then(Environment::parse).ok_or_else(|| SpecShapeError::new(
                    &format!("{at}/x-environments"),
                    "names an environment other than `sandbox` or `production`",
                    "use `sandbox` and `production` only",
                ))
            })
            .collect::<Result<_, _>>()?;
        let host = match server.get("x-host") {
            None => None,
            Some(Value::String(name)) if is_host_name(name) => Some(name.clone()),
            Some(_) => {
                return Err(SpecShapeError::new(
                    &format!("{at}/x-host"),
                    "is not a lower-case name",
                    "name the host as the vendor's docs do, lower case (`vision` for `$vision`)",
                ));
            }
        };
        servers.push(Server {
            url: url.trim_end_matches('/').to_string(),
            environments,
            host,
        });
    }
    Ok(servers)
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Path- and operation-level servers name their host (`x-host`), one name per list: a caller
/// points the host elsewhere by that name.
fn named_hosts(servers: &[Server], at: &str) -> Result<(), SpecShapeError> {
    let Some(first) = servers.first() else {
        return Ok(());
    };
    match &first.host {
        Some(name) if servers.iter().all(|s| s.host.as_ref() == Some(name)) => Ok(()),
        _ => Err(SpecShapeError::new(
            &format!("{at}/servers"),
            "lists servers without one common `x-host`",
            "give each server of a path or operation the same `x-host: <name>` (the host's name in the vendor's docs)",
        )),
    }
}

/// How requests authenticate (the spec's global `security` and its scheme).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// HTTP Basic with the key as the username and an empty password.
    BasicKeyAsUsername,
}

/// What a spec says about its vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorInfo {
    /// `info.x-vendor`: lower case, the Rust module and the sandbox's path prefix.
    pub name: String,
    /// `info.title`.
    pub title: String,
    /// Every server, in the spec's order.
    pub servers: Vec<Server>,
    /// The auth scheme of the spec's global `security`, if any.
    pub auth: Option<AuthScheme>,
    /// `x-key-prefixes` of that scheme: the prefix a key of each environment starts with.
    pub key_prefixes: BTreeMap<Environment, String>,
}

impl VendorInfo {
    /// The base URL of `environment`: the first of the spec's servers that serves it.
    pub fn server(&self, environment: Environment) -> Option<&str> {
        server_for(&self.servers, environment)
    }

    /// The name of the spec's own host (`x-host` of its first server), `default` when unnamed.
    pub fn default_host(&self) -> &str {
        self.servers
            .first()
            .and_then(|s| s.host.as_deref())
            .unwrap_or("default")
    }

    /// The prefix keys of `environment` start with, when the spec says one.
    pub fn key_prefix(&self, environment: Environment) -> Option<&str> {
        self.key_prefixes.get(&environment).map(String::as_str)
    }

    /// The environment a key belongs to, read from its prefix; `None` when the spec gives no
    /// prefixes or the key has none of them.
    pub fn environment_of_key(&self, key: &str) -> Option<Environment> {
        self.key_prefixes
            .iter()
            .find(|(_, prefix)| key.starts_with(prefix.as_str()))
            .map(|(env, _)| *env)
    }

    pub(crate) fn read(document: &Value) -> Result<Self, SpecShapeError> {
        let info = document.get("info");
        let name = info
            .and_then(|i| i.get("x-vendor"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .ok_or_else(|| SpecShapeError::new(
                "/info/x-vendor",
                "is missing or not a lower-case name",
                "add `x-vendor: <name>` under `info` (lower case: the Rust module and the sandbox's path prefix)",
            ))?
            .to_string();
        let title = info
            .and_then(|i| i.get("title"))
            .and_then(Value::as_str)
            .unwrap_or(&name)
            .to_string();
        let servers = read_servers(document.get("servers"), "/servers")?;
        // Path- and operation-level servers (another host for some operations) are read with
        // the operations; their shape is checked here, where a spec is refused.
        for (path, item) in document
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let at = format!("/paths/{}", crate::refs::escape(path));
            let path_servers = read_servers(item.get("servers"), &format!("{at}/servers"))?;
            named_hosts(&path_servers, &at)?;
            for method in crate::operation::METHODS {
                if let Some(op) = item.get(method) {
                    let at = format!("{at}/{method}");
                    let op_servers = read_servers(op.get("servers"), &format!("{at}/servers"))?;
                    named_hosts(&op_servers, &at)?;
                }
            }
        }
        let scheme_name = document
            .get("security")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(Value::as_object)
            .and_then(|requirement| requirement.keys().next());
        let scheme =
            scheme_name.and_then(|name| document.pointer("/components/securitySchemes")?.get(name));
        let auth = match scheme {
            None => None,
            Some(scheme) => {
                let kind = scheme.get("scheme").and_then(Value::as_str);
                match (scheme.get("type").and_then(Value::as_str), kind) {
                    (Some("http"), Some(s)) if s.eq_ignore_ascii_case("bearer") => {
                        Some(AuthScheme::Bearer)
                    }
                    (Some("http"), Some(s)) if s.eq_ignore_ascii_case("basic") => {
                        Some(AuthScheme::BasicKeyAsUsername)
                    }
                    _ => {
                        return Err(SpecShapeError::new(
                            "/components/securitySchemes",
                            "the global `security` uses a scheme other than HTTP bearer or basic",
                            "the clients apply `http` `bearer` or `basic` schemes; add support in client/transport.rs for another",
                        ));
                    }
                }
            }
        };
        let mut key_prefixes = BTreeMap::new();
        if let Some(prefixes) = scheme
            .and_then(|s| s.get("x-key-prefixes"))
            .and_then(Value::as_object)
        {
            for (env, prefix) in prefixes {
                let at = "/components/securitySchemes/*/x-key-prefixes";
                let env = Environment::parse(env).ok_or_else(|| {
                    SpecShapeError::new(
                        at,
                        "names an environment other than `sandbox` or `production`",
                        "use `sandbox` and `production` as keys",
                    )
                })?;
                let prefix = prefix.as_str().filter(|p| !p.is_empty()).ok_or_else(|| {
                    SpecShapeError::new(
                        at,
                        "has a prefix that is not a non-empty string",
                        "write each prefix as a string",
                    )
                })?;
                key_prefixes.insert(env, prefix.to_string());
            }
        }
        Ok(Self {
            name,
            title,
            servers,
            auth,
            key_prefixes,
        })
    }
}
