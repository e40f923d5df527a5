//! The per-key rate limit: a fixed window per API key. Keys are held only as hashes, so the
//! limiter's memory never holds a credential.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::config::RateLimit;

/// Windows kept before old ones are swept, so a stream of distinct keys cannot grow memory
/// without bound.
const MAX_TRACKED_KEYS: usize = 10_000;

/// The limiter of one sandbox.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    hasher: RandomState,
    windows: Mutex<HashMap<u64, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit,
            hasher: RandomState::new(),
            windows: Mutex::default(),
        }
    }

    /// Counts one request by `key`. `Err` carries how long until the key may try again.
    pub(crate) fn admit(&self, key: &str) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= MAX_TRACKED_KEYS {
            windows.retain(|_, w| now.duration_since(w.started) < limit.window);
        }
        let window = windows.entry(self.hasher.hash_one(key)).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(window.started) >= limit.window {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        if window.used >= limit.requests {
            return Err(limit
                .window
                .saturating_sub(now.duration_since(window.started)));
        }
        window.used += 1;
        Ok(())
    }
}

/// `Retry-After` in whole seconds, rounded up and at least 1 (0 would invite a busy loop).
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_key_separately() {
        let limiter = RateLimiter::new(Some(RateLimit::per_minute(2)));
        assert!(limiter.admit("a").is_ok());
        assert!(limiter.admit("a").is_ok());
        let wait = limiter.admit("a").unwrap_err();
        assert!(wait <= Duration::from_secs(60));
        assert!(limiter.admit("b").is_ok());
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1500)), 2);
    }

    #[test]
    fn unlimited_by_default() {
        let limiter = RateLimiter::new(None);
        assert!((0..1000).all(|_| limiter.admit("a").is_ok()));
    }
}
