//! The vendors the proxy forwards to: `--upstream NAME=URL` read and checked, and the HTTP
//! client that sends each request on, unchanged but for `Host` and the hop-by-hop headers.
//!
//! Personal data and keys travel in these requests, so an upstream is HTTPS, except on the
//! loopback interface (a local sandbox or stub), where plain HTTP never leaves the machine.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, Response, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

/// One vendor's upstream: the spec's vendor name, the host it serves (an operation's own
/// servers, `x-host`; `None` for every other operation) and the base URL requests go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The vendor, as its spec's `info.x-vendor` names it.
    pub vendor: String,
    /// The host, as the spec's `x-host` names it (`kredibel.vision=URL`): the operations sent to
    /// that host go here; `None` (`kredibel=URL`) for the others, and for a host not given.
    pub host: Option<String>,
    /// The base URL, without a trailing `/`: `https://api.iluma.ai`, `http://127.0.0.1:8080/iluma`.
    pub base: String,
}

/// An `--upstream` the proxy cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamError {
    /// Not `NAME=URL`.
    #[error("`{0}` is not NAME=URL or NAME.HOST=URL, e.g. kredibel=https://sandbox.example")]
    Shape(String),
    /// The URL does not parse.
    #[error("{vendor}: `{url}` is not an absolute http(s) URL")]
    Url {
        /// The vendor.
        vendor: String,
        /// The URL as given.
        url: String,
    },
    /// Plain HTTP to a host that is not loopback.
    #[error(
        "{vendor}: plain HTTP is only allowed to a loopback address (127.0.0.1, ::1, localhost); \
         use https:// for {host}: requests carry personal data and keys"
    )]
    PlainHttp {
        /// The vendor.
        vendor: String,
        /// The host given.
        host: String,
    },
    /// A URL with credentials, a query or a fragment.
    #[error("{vendor}: the URL must have no user, password, query or fragment")]
    Extras {
        /// The vendor.
        vendor: String,
    },
}

impl Upstream {
    /// Reads `NAME=URL` or `NAME.HOST=URL` (`kredibel.vision=URL`): `http` only to a loopback
    /// host, `https` otherwise.
    pub fn parse(text: &str) -> Result<Self, UpstreamError> {
        let (name, url) = text
            .split_once('=')
            .filter(|(name, url)| !name.trim().is_empty() && !url.trim().is_empty())
            .ok_or_else(|| UpstreamError::Shape(text.to_string()))?;
        let (vendor, served) = match name.trim().split_once('.') {
            Some((vendor, host)) if !vendor.is_empty() && !host.is_empty() => {
                (vendor.to_string(), Some(host.to_string()))
            }
            Some(_) => return Err(UpstreamError::Shape(text.to_string())),
            None => (name.trim().to_string(), None),
        };
        let url = url.trim();
        let bad_url = || UpstreamError::Url {
            vendor: vendor.clone(),
            url: url.to_string(),
        };
        let parsed = Url::parse(url).map_err(|_| bad_url())?;
        let host = parsed.host_str().ok_or_else(bad_url)?.to_string();
        if !parsed.username().is_empty()
            || parsed.password().is_some()
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(UpstreamError::Extras { vendor });
        }
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => return Err(UpstreamError::PlainHttp { vendor, host }),
            _ => return Err(bad_url()),
        }
        Ok(Self {
            vendor,
            host: served,
            base: parsed.as_str().trim_end_matches('/').to_string(),
        })
    }

    /// The upstream URI of a request for `rest` (the path after `/<vendor>`) and `query`.
    pub(crate) fn uri(&self, rest: &str, query: Option<&str>) -> Result<Uri, axum::http::Error> {
        let mut uri = format!("{}{rest}", self.base);
        if let Some(query) = query {
            uri.push('?');
            uri.push_str(query);
        }
        Ok(Uri::try_from(uri)?)
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Request and response headers a proxy does not pass on (RFC 9110 §7.6.1): they describe one
/// connection, not the message. `Host` is the upstream's.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// `headers` without the hop-by-hop ones and `Host`.
pub(crate) fn end_to_end(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    out.remove(header::HOST);
    for name in HOP_BY_HOP {
        out.remove(name);
    }
    out
}

/// The largest response body the proxy reads: far above any vendor answer, a bound all the
/// same.
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// How long an upstream may take to answer one request.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Why an upstream gave no answer. The message never holds the URL: its query may hold a
/// token.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// Connecting, TLS, or the exchange failed.
    #[error("the upstream could not be reached or broke off the exchange")]
    Unreachable,
    /// No answer within the timeout.
    #[error("the upstream did not answer within {}s", TIMEOUT.as_secs())]
    Timeout,
    /// The answer was larger than the proxy reads.
    #[error("the upstream's answer is over {MAX_RESPONSE} bytes")]
    TooLarge,
    /// The TLS configuration could not be built (no usable root certificates).
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// Sends requests to upstreams (HTTP/1.1, HTTPS with the platform's roots).
#[derive(Clone)]
pub(crate) struct Forwarder {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forwarder").finish_non_exhaustive()
    }
}

impl Forwarder {
    pub(crate) fn new() -> Result<Self, ForwardError> {
        use hyper_rustls::ConfigBuilderExt as _;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ForwardError::Tls(e.to_string()))?
            .try_with_platform_verifier()
            .map_err(|e| ForwardError::Tls(e.to_string()))?
            .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    /// Sends one request; the answer's body is read whole (up to its bound).
    pub(crate) async fn send(
        &self,
        method: Method,
        uri: Uri,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Response<Bytes>, ForwardError> {
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = end_to_end(headers);
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|_| ForwardError::Unreachable)?;
            let (parts, body) = response.into_parts();
            let bytes = Limited::new(body, MAX_RESPONSE)
                .collect()
                .await
                .map_err(|error| {
                    if error.is::<http_body_util::LengthLimitError>() {
                        ForwardError::TooLarge
                    } else {
                        ForwardError::Unreachable
                    }
                })?
                .to_bytes();
            Ok(Response::from_parts(parts, bytes))
        };
        tokio::time::timeout(TIMEOUT, exchange)
            .await
            .map_err(|_| ForwardError::Timeout)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstreams_are_https_or_loopback() {
        let ok = Upstream::parse("iluma=https://api.iluma.ai/").unwrap();
        assert_eq!(ok.vendor, "iluma");
        assert_eq!(ok.base, "https://api.iluma.ai");
        for local in [
            "kredibel=http://127.0.0.1:8080/kredibel",
            "kredibel=http://localhost:1",
            "kredibel=http://[::1]:8080",
        ] {
            assert!(Upstream::parse(local).is_ok(), "{local}");
        }
        let plain = Upstream::parse("kredibel=http://sandbox.example/").unwrap_err();
        assert!(matches!(plain, UpstreamError::PlainHttp { .. }));
        assert!(plain.to_string().contains("use https://"), "{plain}");
        assert!(matches!(
            Upstream::parse("kredibel").unwrap_err(),
            UpstreamError::Shape(_)
        ));
        assert!(matches!(
            Upstream::parse("kredibel=ftp://x").unwrap_err(),
            UpstreamError::Url { .. }
        ));
        assert!(matches!(
            Upstream::parse("kredibel=https://u:p@x/").unwrap_err(),
            UpstreamError::Extras { .. }
        ));
        let uri = ok.uri("/health", Some("a=1")).unwrap();
        assert_eq!(uri.to_string(), "https://api.iluma.ai/health?a=1");
        assert_eq!(ok.host, None);
        let vision = Upstream::parse("kredibel.vision=https://vision.example").unwrap();
        assert_eq!(
            (vision.vendor.as_str(), vision.host.as_deref()),
            ("kredibel", Some("vision"))
        );
        assert!(matches!(
            Upstream::parse(".vision=https://x").unwrap_err(),
            UpstreamError::Shape(_)
        ));
    }

    #[test]
    fn host_and_hop_by_hop_headers_are_not_forwarded() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "proxy".parse().unwrap());
        headers.insert(header::CONNECTION, "keep-alive".parse().unwrap());
        headers.insert(header::AUTHORIZATION, "Bearer k".parse().unwrap());
        headers.insert("x-magic-reply", "FAILED".parse().unwrap());
        let forwarded = end_to_end(&headers);
        assert_eq!(forwarded.len(), 2);
        assert!(forwarded.contains_key(header::AUTHORIZATION));
        assert!(forwarded.contains_key("x-magic-reply"));
    }
}
