//! Kill switch: the gate of every governed call (D11), background polling and one poll.

use super::*;

impl Client {
    /// Refuses governed calls while blocked (before any network I/O); notes once at DEBUG if polling never started.
    pub(crate) fn gate(&self) -> Result<()> {
        let mut k = self.inner.kill.lock().unwrap_or_else(|p| p.into_inner());
        if !k.started && !k.warned {
            k.warned = true;
            tracing::debug!("kill-switch polling was never started on this client; call start_kill_switch_polling()");
        }
        if k.blocked {
            let reason = k.reason.clone();
            let mut e = Error::new(ErrorCode::KillSwitch, "Kill switch is active - all actions are blocked");
            if let Some(r) = reason.filter(|r| !r.is_empty()) {
                e = e.with_detail("reason", Value::String(r));
            }
            return Err(e);
        }
        Ok(())
    }

    /// Whether the kill switch blocks this client.
    pub fn is_blocked(&self) -> bool {
        self.inner.kill.lock().map(|k| k.blocked).unwrap_or(true)
    }

    /// The current kill-switch reason.
    pub fn kill_switch_reason(&self) -> Option<String> {
        self.inner.kill.lock().ok().and_then(|k| k.reason.clone())
    }

    /// Consecutive failed kill-switch polls.
    pub fn kill_switch_failure_count(&self) -> u32 {
        self.inner.kill.lock().map(|k| k.failures).unwrap_or(0)
    }

    /// Whether kill-switch polling was started.
    pub fn kill_switch_polling_started(&self) -> bool {
        self.inner.kill.lock().map(|k| k.started).unwrap_or(false)
    }

    /// One kill-switch poll (`GET /api/sdk/kill-switch/status`); updates the blocked flag. Errors count toward
    /// the fail-secure limit and are returned.
    pub async fn poll_kill_switch(&self) -> Result<KillSwitchStatus> {
        let r = self.send(Request::new(Method::GET, "/api/sdk/kill-switch/status")).await;
        let mut k = self.inner.kill.lock().unwrap_or_else(|p| p.into_inner());
        match r {
            Ok(reply) => {
                let s = KillSwitchStatus::from_json(&reply.body);
                k.blocked = s.blocked;
                k.reason = s.reason.clone();
                k.failures = 0;
                Ok(s)
            }
            Err(e) => {
                k.failures += 1;
                tracing::warn!(failures = k.failures, code = %e.code, "kill-switch poll failed");
                if k.failures >= KILL_SWITCH_FAILURE_LIMIT {
                    k.blocked = true;
                    k.reason = Some(KILL_SWITCH_UNAVAILABLE.to_string());
                }
                Err(e)
            }
        }
    }

    /// Starts background kill-switch polling; the first poll runs in the background too (D11).
    pub fn start_kill_switch_polling(&self, interval_seconds: f64) -> Result<()> {
        if !interval_seconds.is_finite() || interval_seconds <= 0.0 {
            return Err(Error::validation("interval_seconds", "Must be > 0", "interval_seconds must be positive"));
        }
        self.stop_kill_switch_polling();
        if let Ok(mut k) = self.inner.kill.lock() {
            k.started = true;
        }
        let weak = Arc::downgrade(&self.inner);
        let interval = crate::clock::secs_saturating(interval_seconds);
        let task = crate::runtime::runtime().spawn(async move {
            loop {
                let Some(inner) = weak.upgrade() else { return };
                let client = Client { inner, opts: None };
                let _ = client.poll_kill_switch().await;
                drop(client);
                tokio::time::sleep(interval).await;
            }
        });
        *self.inner.kill_task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        Ok(())
    }

    /// Stops kill-switch polling (the blocked flag stays as it is).
    pub fn stop_kill_switch_polling(&self) {
        if let Some(t) = self.inner.kill_task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            t.abort();
        }
    }
}
