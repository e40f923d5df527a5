//! Reading request bodies with a bound: a body past the operation's limit is refused and never
//! buffered, but read to its end (up to [`DRAIN_FACTOR`] times the limit) before the answer, so
//! a client that writes its whole body before reading gets the documented error body rather
//! than a broken pipe. Each limit is derived from the spec's largest image for that operation.

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

/// How far past its limit a body is still read (and dropped) so that the client reads the
/// answer: a few times the limit, enough for a photo sent without resizing. Beyond it the
/// connection is closed after the answer.
const DRAIN_FACTOR: usize = 4;

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

/// Reads the whole body, up to `limit` bytes; past it, reads on and drops (see
/// [`DRAIN_FACTOR`]) and says it was too large.
pub(crate) async fn read_limited(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let mut body = within_declared_limit(body, headers, limit)
        .await
        .ok_or(BodyError::TooLarge)?;
    let mut kept = Vec::new();
    let mut too_large = false;
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(BodyError::TooLarge);
            }
            Err(_) => return Err(BodyError::Unreadable),
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        too_large = too_large || kept.len() + data.len() > limit;
        if !too_large {
            kept.extend_from_slice(&data);
        }
    }
    if too_large {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(kept))
}

/// The body, to be read up to [`DRAIN_FACTOR`] times `limit`; `None` when the client declared
/// a length over `limit`, after reading and dropping the body when that length is within the
/// bound.
pub(crate) async fn within_declared_limit(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Option<Limited<Body>> {
    let bound = limit.saturating_mul(DRAIN_FACTOR);
    if let Some(length) = declared_length(headers).filter(|length| *length > limit as u64) {
        if length <= bound as u64 {
            drain(body, bound).await;
        }
        return None;
    }
    Some(Limited::new(body, bound))
}

/// Reads and drops the rest of `body`, at most `bound` bytes.
async fn drain(body: Body, bound: usize) {
    let mut body = Limited::new(body, bound);
    while let Some(Ok(_)) = body.frame().await {}
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
