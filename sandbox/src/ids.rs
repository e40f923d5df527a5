//! Ids and timestamps. Ids are UUID v4-shaped values drawn from a seeded generator, so a
//! sandbox started with the same seed hands out the same ids in the same order (handy for
//! snapshots), and timestamps come from the configured [`Clock`].

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::SecondsFormat;
use uuid::Uuid;

use crate::config::Clock;

/// The id generator and clock of one sandbox.
#[derive(Debug)]
pub(crate) struct Ids {
    seed: u64,
    drawn: AtomicU64,
    clock: Clock,
}

impl Ids {
    pub(crate) fn new(seed: Option<u64>, clock: Clock) -> Self {
        let seed = seed.unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            // Two sandboxes started in the same nanosecond in one process still differ.
            static STARTS: AtomicU64 = AtomicU64::new(0);
            (now.as_nanos() as u64) ^ splitmix64(STARTS.fetch_add(1, Ordering::Relaxed))
        });
        Self {
            seed,
            drawn: AtomicU64::new(0),
            clock,
        }
    }

    /// The next id, as a random (version 4) UUID.
    pub(crate) fn uuid(&self) -> Uuid {
        let n = self.drawn.fetch_add(1, Ordering::Relaxed);
        let high = splitmix64(self.seed ^ n.wrapping_mul(2));
        let low = splitmix64(self.seed ^ n.wrapping_mul(2).wrapping_add(1));
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&high.to_be_bytes());
        bytes[8..].copy_from_slice(&low.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A secret-looking token of 48 hex digits.
    pub(crate) fn token(&self) -> String {
        let a = self.uuid().simple().to_string();
        let b = self.uuid().simple().to_string();
        format!("{a}{}", &b[..16])
    }

    /// Now, by the configured clock, as the vendors write it: `2022-02-10T18:55:02.061Z`.
    pub(crate) fn timestamp(&self) -> String {
        self.clock
            .now()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

/// A well-mixed 64-bit function of its input (Steele et al., SplitMix64).
pub(crate) fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_ids() {
        let a = Ids::new(Some(7), Clock::System);
        let b = Ids::new(Some(7), Clock::System);
        let first = a.uuid();
        assert_eq!(first, b.uuid());
        assert_ne!(first, a.uuid());
        assert_eq!(first.get_version_num(), 4);
        assert_eq!(a.token().len(), 48);
    }

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let at = chrono::DateTime::parse_from_rfc3339("2022-02-10T18:55:02.061Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            Ids::new(None, Clock::Fixed(at)).timestamp(),
            "2022-02-10T18:55:02.061Z"
        );
    }
}
