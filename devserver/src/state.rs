//! Server configuration and the state shared by every handler.

use crate::connections::ConnLimits;
use crate::db::Db;
use crate::longpoll::LongPoll;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Retry schedule of webhook deliveries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// First retry delay (doubles each attempt).
    pub base: Duration,
    /// Largest delay between attempts.
    pub cap: Duration,
    /// Give up this long after the event was created.
    pub max_age: Duration,
    /// Per-attempt HTTP timeout.
    pub attempt_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(30),
            max_age: Duration::from_secs(24 * 3600),
            attempt_timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// Delay before the retry that follows failed attempt number `attempts` (1-based): base × 2^(n−1), capped.
    pub fn delay(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// Everything `ascend-dev serve` is configured with.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Listen address (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// SQLite path or `:memory:`.
    pub db: String,
    /// The organisation API key agents authenticate with.
    pub api_key: String,
    /// The admin token for approvals, the model registry and audit verification.
    pub admin_token: String,
    /// Default auto-approve threshold: scores below it are approved (70).
    pub auto_approve_below: f64,
    /// Default automatic-denial threshold (none unless `--deny-at`).
    pub deny_at: Option<f64>,
    /// Refuse unknown agents with 403 instead of registering them on first use.
    pub require_registration: bool,
    /// Webhook retry schedule.
    pub webhook_retry: RetryPolicy,
    /// Connection cap and header-read, idle and body timeouts.
    pub limits: ConnLimits,
}

impl ServerConfig {
    /// A loopback, in-memory configuration with the given credentials (defaults of `ascend-dev serve`).
    pub fn new(api_key: impl Into<String>, admin_token: impl Into<String>) -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: ":memory:".into(),
            api_key: api_key.into(),
            admin_token: admin_token.into(),
            auto_approve_below: 70.0,
            deny_at: None,
            require_registration: false,
            webhook_retry: RetryPolicy::default(),
            limits: ConnLimits::default(),
        }
    }
}

/// Shared handler state.
#[derive(Clone)]
pub struct AppState {
    /// Configuration.
    pub cfg: Arc<ServerConfig>,
    /// Storage.
    pub db: Db,
    /// Long-poll waiters.
    pub longpoll: Arc<LongPoll>,
    /// Wakes the webhook delivery worker.
    pub deliveries: Arc<Notify>,
    /// Becomes `true` when the server shuts down (ends long polls at once).
    pub shutdown: watch::Receiver<bool>,
    /// Outgoing HTTP client for webhook deliveries.
    pub http: reqwest::Client,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_and_caps_at_thirty() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (1..=7).map(|n| p.delay(n).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(p.delay(1000), Duration::from_secs(30));
    }
}
