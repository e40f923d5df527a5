//! Reading the API key out of a request, for the two schemes the specs use
//! (`kyc_spec::AuthScheme`): `Authorization: Bearer <key>`, and HTTP Basic with the key as the
//! username and an empty password. Which keys a vendor accepts is its behaviour's choice.

use axum::http::{HeaderMap, header};
use base64::Engine as _;
use kyc_spec::AuthScheme;

/// The key of `Authorization: Bearer <key>`, if present and not blank.
pub(crate) fn bearer_key(headers: &HeaderMap) -> Option<&str> {
    let (scheme, key) = authorization(headers)?.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// The username of `Authorization: Basic base64(<username>:<password>)`, if present and not
/// blank.
pub(crate) fn basic_username(headers: &HeaderMap) -> Option<String> {
    let (scheme, encoded) = authorization(headers)?.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let credentials = String::from_utf8(decoded).ok()?;
    // The password is documented as empty; a key never contains `:`.
    let username = credentials.split(':').next()?;
    (!username.is_empty()).then(|| username.to_string())
}

/// The key a request carries in `scheme`; with no scheme, the whole `Authorization` value.
pub(crate) fn key(headers: &HeaderMap, scheme: Option<AuthScheme>) -> Option<String> {
    match scheme {
        Some(AuthScheme::Bearer) => bearer_key(headers).map(str::to_string),
        Some(AuthScheme::BasicKeyAsUsername) => basic_username(headers),
        None => Some(authorization(headers)?.trim().to_string()).filter(|k| !k.is_empty()),
    }
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn basic(credentials: &str) -> HeaderMap {
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        with(&format!("Basic {encoded}"))
    }

    #[test]
    fn bearer_keys() {
        assert_eq!(bearer_key(&HeaderMap::new()), None);
        assert_eq!(bearer_key(&with("Bearer   ")), None);
        assert_eq!(bearer_key(&with("Basic abc")), None);
        assert_eq!(bearer_key(&with("bearer key-1")), Some("key-1"));
    }

    #[test]
    fn basic_usernames() {
        assert_eq!(basic_username(&basic("key:")).as_deref(), Some("key"));
        assert_eq!(basic_username(&basic("key")).as_deref(), Some("key"));
        assert_eq!(basic_username(&basic(":")), None);
        assert_eq!(basic_username(&with("Bearer a2V5Og==")), None);
        assert_eq!(basic_username(&with("Basic !!")), None);
    }

    #[test]
    fn keys_by_scheme() {
        assert_eq!(
            key(&with("Bearer k"), Some(AuthScheme::Bearer)).as_deref(),
            Some("k")
        );
        assert_eq!(
            key(&basic("k:"), Some(AuthScheme::BasicKeyAsUsername)).as_deref(),
            Some("k")
        );
        assert_eq!(key(&with("Token k"), None).as_deref(), Some("Token k"));
        assert_eq!(key(&HeaderMap::new(), None), None);
    }
}
