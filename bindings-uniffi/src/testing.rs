//! Test hooks: a manual clock for deterministic conformance runs (backoffs and polls never sleep).

use ascend_core::clock::{ManualClock, SharedClock};
use std::sync::Arc;
use std::time::Duration;

/// A manual clock: time moves only by [`advance`](TestClock::advance); sleeps return at once and are recorded.
#[derive(uniffi::Object)]
pub struct TestClock {
    inner: Arc<ManualClock>,
}

impl TestClock {
    pub(crate) fn shared(&self) -> SharedClock {
        self.inner.clone()
    }
}

#[uniffi::export]
impl TestClock {
    /// A clock starting at `start_unix` seconds.
    #[uniffi::constructor]
    pub fn new(start_unix: f64) -> Arc<Self> {
        Arc::new(TestClock { inner: ManualClock::new((start_unix * 1e6) as i64) })
    }

    /// Moves time forward.
    pub fn advance(&self, seconds: f64) {
        self.inner.advance(Duration::from_secs_f64(seconds.max(0.0)));
    }

    /// Every sleep requested so far, in seconds.
    pub fn sleeps(&self) -> Vec<f64> {
        self.inner.sleeps().iter().map(Duration::as_secs_f64).collect()
    }
}
