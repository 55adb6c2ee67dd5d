//! Injectable time. Everything that waits or compares times (retry backoff, breaker, kill switch, polling,
//! webhook tolerance, spool replay) goes through a [`Clock`], so conformance cases run without sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A boxed sleep future.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Source of wall time, monotonic time and sleeps.
pub trait Clock: Send + Sync + 'static {
    /// Wall-clock time as microseconds since the Unix epoch (UTC).
    fn now_unix_micros(&self) -> i64;
    /// Monotonic time since an arbitrary origin.
    fn monotonic(&self) -> Duration;
    /// Sleeps for `d`.
    fn sleep(&self, d: Duration) -> Sleep;
}

/// Shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

fn origin() -> std::time::Instant {
    static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(std::time::Instant::now)
}

impl Clock for SystemClock {
    fn now_unix_micros(&self) -> i64 {
        chrono::Utc::now().timestamp_micros()
    }
    fn monotonic(&self) -> Duration {
        origin().elapsed()
    }
    fn sleep(&self, d: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(d))
    }
}

/// A virtual clock for tests: `sleep` returns at once and advances time by the requested amount; every
/// sleep is recorded so tests can assert on backoff.
#[derive(Debug)]
pub struct ManualClock {
    micros: AtomicI64,
    start_micros: i64,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// A manual clock starting at `unix_micros`.
    pub fn new(unix_micros: i64) -> Arc<Self> {
        Arc::new(ManualClock {
            micros: AtomicI64::new(unix_micros),
            start_micros: unix_micros,
            sleeps: Mutex::new(Vec::new()),
        })
    }

    /// Moves time forward without recording a sleep.
    pub fn advance(&self, d: Duration) {
        self.micros.fetch_add(d.as_micros() as i64, Ordering::SeqCst);
    }

    /// Every sleep requested so far.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now_unix_micros(&self) -> i64 {
        self.micros.load(Ordering::SeqCst)
    }
    fn monotonic(&self) -> Duration {
        Duration::from_micros((self.micros.load(Ordering::SeqCst) - self.start_micros).max(0) as u64)
    }
    fn sleep(&self, d: Duration) -> Sleep {
        if let Ok(mut s) = self.sleeps.lock() {
            s.push(d);
        }
        self.advance(d);
        Box::pin(async { tokio::task::yield_now().await })
    }
}

/// Default start of a manual clock (`_clock: "manual"`): 2026-01-01T00:00:00Z, as in the conformance runners.
pub const DEFAULT_MANUAL_START_UNIX: f64 = 1_767_225_600.0;

/// The bindings' test-only `_clock` constructor argument: `"system"`, `"manual"` or `"manual:<start_unix>"`. Returns
/// the clock, and the manual clock again when it is one (so the binding can advance it). Anything else is a
/// `CONFIGURATION_ERROR` naming `_clock`.
pub fn clock_from_spec(spec: &str) -> crate::error::Result<(SharedClock, Option<Arc<ManualClock>>)> {
    let bad = || {
        crate::error::Error::config(
            "_clock",
            format!("_clock must be 'system', 'manual' or 'manual:<start_unix>', got {spec:?}"),
        )
    };
    match spec.split_once(':').map(|(a, b)| (a, Some(b))).unwrap_or((spec, None)) {
        ("system", None) => Ok((Arc::new(SystemClock), None)),
        ("manual", start) => {
            let start = match start {
                None => DEFAULT_MANUAL_START_UNIX,
                Some(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(bad)?,
            };
            let clock = ManualClock::new((start * 1e6).round() as i64);
            Ok((clock.clone(), Some(clock)))
        }
        _ => Err(bad()),
    }
}

/// Formats a UTC timestamp like Python's `datetime.isoformat()` on an aware datetime (PROTOCOL §2.4):
/// `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, the fraction omitted when the microseconds are zero.
pub fn iso_timestamp(unix_micros: i64) -> String {
    let secs = unix_micros.div_euclid(1_000_000);
    let micros = unix_micros.rem_euclid(1_000_000) as u32;
    let dt = chrono::DateTime::from_timestamp(secs, micros * 1000).unwrap_or_default().naive_utc();
    // Written field by field: `chrono`'s format-string interpreter costs ten times more on every request.
    use chrono::{Datelike, Timelike};
    use std::fmt::Write as _;
    let mut out = String::with_capacity(32);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
    out.push_str("+00:00");
    out
}

/// `seconds` (already checked to be finite and >= 0) as a `Duration`, saturating at `Duration::MAX`: a wait larger
/// than a `Duration` can hold (e.g. `1e20` from a caller or a hostile server) is the longest wait, never a panic.
pub fn secs_saturating(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_beyond_a_duration_saturate() {
        assert_eq!(secs_saturating(1.5), Duration::from_millis(1500));
        assert_eq!(secs_saturating(0.0), Duration::ZERO);
        assert_eq!(secs_saturating(-3.0), Duration::ZERO, "a negative wait is no wait");
        assert_eq!(secs_saturating(1e20), Duration::MAX);
        assert_eq!(secs_saturating(f64::INFINITY), Duration::MAX);
    }

    #[test]
    fn iso_format_matches_python() {
        assert_eq!(iso_timestamp(1_767_225_600_000_000), "2026-01-01T00:00:00+00:00");
        assert_eq!(iso_timestamp(1_767_225_600_123_456), "2026-01-01T00:00:00.123456+00:00");
        assert_eq!(iso_timestamp(1_767_225_600_000_001), "2026-01-01T00:00:00.000001+00:00");
    }

    #[test]
    fn iso_format_equals_chrono_formatting() {
        let mut t: i64 = 0;
        for step in 0..20_000i64 {
            t = (t + 7_919_000_003 * step + 123_457) % 4_102_444_800_000_000; // 1970..2100
            let dt = chrono::DateTime::from_timestamp(t.div_euclid(1_000_000), (t.rem_euclid(1_000_000) * 1000) as u32)
                .unwrap();
            let want = if t % 1_000_000 == 0 {
                dt.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
            } else {
                dt.format("%Y-%m-%dT%H:%M:%S.%6f+00:00").to_string()
            };
            assert_eq!(iso_timestamp(t), want, "{t}");
        }
    }

    #[test]
    fn manual_clock_records_sleeps() {
        let c = ManualClock::new(0);
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(c.sleep(Duration::from_millis(1500)));
        assert_eq!(c.monotonic(), Duration::from_millis(1500));
        assert_eq!(c.sleeps(), vec![Duration::from_millis(1500)]);
    }
}

#[cfg(test)]
mod clock_spec_tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_name_the_field() {
        assert!(clock_from_spec("system").unwrap().1.is_none());
        let (_, manual) = clock_from_spec("manual").unwrap();
        assert_eq!(manual.unwrap().now_unix_micros(), (DEFAULT_MANUAL_START_UNIX * 1e6) as i64);
        assert_eq!(clock_from_spec("manual:10").unwrap().1.unwrap().now_unix_micros(), 10_000_000);
        for bad in ["", "manual:x", "manual:inf", "system:1", "wall"] {
            let err = clock_from_spec(bad).err().expect(bad);
            assert_eq!(err.to_json()["field"], "_clock", "{bad}");
        }
    }
}
