//! What the sandbox saw: a count of the requests it received, in all and per operation, for
//! tests that assert "a bad request never reaches the vendor" or "the client retried twice".
//!
//! A request counts as received once it reached the sandbox, whatever the answer: refused
//! credentials, validation errors, injected faults and dropped connections all count.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The operation name of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";

/// Request counters, shared by the sandbox and every clone of this handle.
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<Counters>,
}

#[derive(Debug)]
struct Counters {
    total: AtomicU64,
    // Built once with every operation, so counting never takes a lock. Two vendors with an
    // operation of the same id share its counter.
    per_operation: HashMap<String, AtomicU64>,
}

impl RequestLog {
    pub(crate) fn new<'a>(operations: impl IntoIterator<Item = &'a str>) -> Self {
        let per_operation = operations
            .into_iter()
            .chain([UNMATCHED])
            .map(|op| (op.to_string(), AtomicU64::new(0)))
            .collect();
        Self {
            inner: Arc::new(Counters {
                total: AtomicU64::new(0),
                per_operation,
            }),
        }
    }

    pub(crate) fn record(&self, operation: &str) {
        self.inner.total.fetch_add(1, Ordering::Relaxed);
        let counter = self
            .inner
            .per_operation
            .get(operation)
            .or_else(|| self.inner.per_operation.get(UNMATCHED));
        if let Some(counter) = counter {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Requests received in all, for every vendor.
    pub fn total(&self) -> u64 {
        self.inner.total.load(Ordering::Relaxed)
    }

    /// Requests received for one operation, by the spec's `operationId` (e.g.
    /// `verify_biometric`), or [`UNMATCHED`]. Unknown names count 0.
    pub fn count(&self, operation_id: &str) -> u64 {
        self.inner
            .per_operation
            .get(operation_id)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Every operation that received at least one request, with its count.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.inner
            .per_operation
            .iter()
            .map(|(op, c)| (op.clone(), c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        self.inner.total.store(0, Ordering::Relaxed);
        for counter in self.inner.per_operation.values() {
            counter.store(0, Ordering::Relaxed);
        }
    }
}
