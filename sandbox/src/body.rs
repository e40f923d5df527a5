//! Reading request bodies with a bound: a body is refused as soon as its declared length or
//! the bytes received pass the operation's limit, so no upload is ever buffered unbounded.
//! Each limit is derived from the spec's largest image for that operation.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use kyc_spec::image::ImageRule;

/// Room for everything in a request besides its images: other fields, JSON or multipart
/// framing. Generous, since text fields are short.
pub(crate) const NON_IMAGE_ALLOWANCE: usize = 64 * 1024;

/// The most an image field may hold when its spec gives no `x-max-bytes`: the body still needs
/// a bound.
pub(crate) const IMAGE_WITHOUT_MAX: usize = 10 * 1024 * 1024;

/// The largest image `rule` lets through, in bytes.
pub(crate) fn image_limit(rule: &ImageRule) -> usize {
    rule.max_bytes.unwrap_or(IMAGE_WITHOUT_MAX)
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over the operation's limit.
    TooLarge,
    /// The client stopped sending, or the framing is broken.
    Unreadable,
}

/// Reads the whole body, up to `limit` bytes.
pub(crate) async fn read_limited(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, BodyError> {
    if declared_length(headers).is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(BodyError::TooLarge)
        }
        Err(_) => Err(BodyError::Unreadable),
    }
}

/// The `Content-Length` the client declared, if any.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The media type of the body, lower-cased, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

/// `application/json` or a `+json` type.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

/// The base64 length of `bytes` bytes (padded).
pub(crate) fn base64_len(bytes: usize) -> usize {
    bytes.div_ceil(3).saturating_mul(4)
}
