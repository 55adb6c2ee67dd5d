//! Thread-safe circuit breaker (PROTOCOL §3.6 with DECISIONS D3): counts one failure per failed call.

use crate::clock::SharedClock;
use crate::model::CircuitState;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug)]
struct Inner {
    state: CircuitState,
    failures: u32,
    half_open_successes: u32,
    last_failure: Option<Duration>,
}

/// Circuit breaker with lazy OPEN → HALF_OPEN transition.
pub struct CircuitBreaker {
    /// Consecutive failures that open the breaker.
    pub failure_threshold: u32,
    /// Time after the last failure before a half-open trial.
    pub recovery_timeout: Duration,
    /// Successes in HALF_OPEN that close it again.
    pub half_open_max_calls: u32,
    clock: SharedClock,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CircuitBreaker").field("state", &self.state()).field("failures", &self.failures()).finish()
    }
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(
        failure_threshold: u32,
        recovery_timeout: Duration,
        half_open_max_calls: u32,
        clock: SharedClock,
    ) -> Self {
        CircuitBreaker {
            failure_threshold: failure_threshold.max(1),
            recovery_timeout,
            half_open_max_calls: half_open_max_calls.max(1),
            clock,
            inner: Mutex::new(Inner {
                state: CircuitState::Closed,
                failures: 0,
                half_open_successes: 0,
                last_failure: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refresh(&self, inner: &mut Inner) {
        if inner.state == CircuitState::Open {
            let now = self.clock.monotonic();
            if inner.last_failure.is_none_or(|t| now.saturating_sub(t) >= self.recovery_timeout) {
                inner.state = CircuitState::HalfOpen;
                inner.half_open_successes = 0;
            }
        }
    }

    /// Current state (reading it may move OPEN to HALF_OPEN after the recovery timeout).
    pub fn state(&self) -> CircuitState {
        let mut inner = self.lock();
        self.refresh(&mut inner);
        inner.state
    }

    /// Consecutive failure count.
    pub fn failures(&self) -> u32 {
        self.lock().failures
    }

    /// Whether a call may proceed.
    pub fn allow_request(&self) -> bool {
        self.state() != CircuitState::Open
    }

    /// Records a successful call.
    pub fn record_success(&self) {
        let mut inner = self.lock();
        self.refresh(&mut inner);
        match inner.state {
            CircuitState::HalfOpen => {
                inner.half_open_successes += 1;
                if inner.half_open_successes >= self.half_open_max_calls {
                    inner.state = CircuitState::Closed;
                    inner.failures = 0;
                }
            }
            _ => inner.failures = 0,
        }
    }

    /// Records a failed call.
    pub fn record_failure(&self) {
        let mut inner = self.lock();
        self.refresh(&mut inner);
        inner.failures = inner.failures.saturating_add(1);
        inner.last_failure = Some(self.clock.monotonic());
        if inner.state == CircuitState::HalfOpen || inner.failures >= self.failure_threshold {
            inner.state = CircuitState::Open;
        }
    }

    /// Back to CLOSED with counters cleared.
    pub fn reset(&self) {
        let mut inner = self.lock();
        *inner = Inner { state: CircuitState::Closed, failures: 0, half_open_successes: 0, last_failure: None };
    }

    /// Seconds until a half-open trial is allowed (0 when not open).
    pub fn remaining_open(&self) -> Duration {
        let inner = self.lock();
        match (inner.state, inner.last_failure) {
            (CircuitState::Open, Some(t)) => {
                self.recovery_timeout.saturating_sub(self.clock.monotonic().saturating_sub(t))
            }
            _ => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use std::sync::Arc;

    #[test]
    fn opens_half_opens_and_closes() {
        let clock = ManualClock::new(0);
        let b = CircuitBreaker::new(2, Duration::from_secs(30), 3, clock.clone());
        b.record_failure();
        assert!(b.allow_request());
        b.record_failure();
        assert_eq!(b.state(), CircuitState::Open);
        assert!(!b.allow_request());
        clock.advance(Duration::from_secs(30));
        assert_eq!(b.state(), CircuitState::HalfOpen);
        b.record_success();
        b.record_success();
        assert_eq!(b.state(), CircuitState::HalfOpen);
        b.record_success();
        assert_eq!(b.state(), CircuitState::Closed);
        assert_eq!(b.failures(), 0);
        b.record_failure();
        b.record_success();
        assert_eq!(b.failures(), 0);
    }

    #[test]
    fn half_open_failure_reopens() {
        let clock = ManualClock::new(0);
        let b = CircuitBreaker::new(1, Duration::from_secs(5), 3, clock.clone());
        b.record_failure();
        clock.advance(Duration::from_secs(5));
        assert!(b.allow_request());
        b.record_failure();
        assert_eq!(b.state(), CircuitState::Open);
        let _ = Arc::strong_count(&clock);
    }
}
