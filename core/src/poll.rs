//! Waiting for a human decision (PROTOCOL §5.a.2 with DECISIONS D4/D5): an injectable clock, long polling
//! when the server advertises it, 429-aware, woken at once by a delivered webhook event, cancellable by
//! dropping the future (`CancelToken`), escalations published on `Client::escalations`.

use crate::client::{Client, Escalation, EscalationCallback};
use crate::error::{Error, ErrorCode, Result};
use crate::model::{AuthorizationDecision, Decision};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// This waiter's registration: holds its share of the action's notifier and, when the last waiter on the action
/// ends (or is cancelled), removes the notifier and any undelivered note from the client's maps.
struct WaiterGuard<'a> {
    client: &'a Client,
    action_id: String,
    notify: Arc<Notify>,
}

impl Drop for WaiterGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.client.inner.waiters.lock() {
            if let Some(n) = w.get(&self.action_id) {
                // Two references left (the map's and this guard's): this is the last waiter.
                if Arc::strong_count(n) <= 2 {
                    w.remove(&self.action_id);
                    // The last waiter is gone: drop any delivered note it did not consume.
                    if let Ok(mut d) = self.client.inner.delivered.lock() {
                        d.remove(&self.action_id);
                    }
                }
            }
        }
    }
}

fn decision_timeout(timeout: f64) -> Error {
    Error::new(ErrorCode::Timeout, format!("Decision not received within {} seconds", fmt_num(timeout)))
        .with_detail("timeout_seconds", json!(timeout))
        .with_detail("decision_wait", Value::Bool(true))
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The `wait` query value of a status poll: the advertised maximum capped by the time left, whole seconds, at
/// least one (`None`: a plain poll).
fn wait_seconds(long_poll_max: Option<f64>, remaining: Duration) -> Option<f64> {
    long_poll_max.map(|max| max.min(remaining.as_secs_f64()).floor()).filter(|w| *w >= 1.0)
}

impl Client {
    /// Polls `GET /api/v1/actions/{id}/status` until the decision is not PENDING or `timeout` seconds pass.
    /// Never turns an undecided action into an allow (D4): the end of the wait is a `TIMEOUT` error in every
    /// fail mode, and an unreachable server during the wait raises.
    pub async fn wait_for_decision(
        &self,
        action_id: &str,
        timeout: f64,
        poll_interval: f64,
        on_escalated: Option<EscalationCallback>,
    ) -> Result<AuthorizationDecision> {
        if action_id.trim().is_empty() {
            return Err(Error::validation("action_id", "Required field is missing or empty", "action_id is required"));
        }
        if !timeout.is_finite() || timeout < 0.0 {
            return Err(Error::validation("timeout", "Must be a non-negative number", "timeout must be >= 0"));
        }
        if !poll_interval.is_finite() || poll_interval < 0.0 {
            return Err(Error::validation(
                "poll_interval",
                "Must be a non-negative number",
                "poll_interval must be >= 0",
            ));
        }
        let clock = self.clock().clone();
        let start = clock.monotonic();
        // A bound beyond what a Duration holds (about 5.8e11 years) is a wait without end, never a panic.
        let deadline = crate::clock::secs_saturating(timeout);
        let interval = crate::clock::secs_saturating(poll_interval);
        let notify = {
            let mut w = self.inner.waiters.lock().unwrap_or_else(|p| p.into_inner());
            w.entry(action_id.to_string()).or_insert_with(|| Arc::new(Notify::new())).clone()
        };
        let guard = WaiterGuard { client: self, action_id: action_id.to_string(), notify };
        let mut escalated_seen = false;
        let mut long_poll: Option<f64> = None;

        loop {
            let elapsed = clock.monotonic().saturating_sub(start);
            if elapsed >= deadline {
                return Err(decision_timeout(timeout));
            }
            let remaining = deadline - elapsed;
            let wait_param = wait_seconds(long_poll, remaining);
            let notified = guard.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.get_action_status_reply(action_id, wait_param).await {
                Ok((decision, lp)) => {
                    long_poll = lp.or(long_poll);
                    if decision.raw_status().eq_ignore_ascii_case("escalated") && !escalated_seen {
                        escalated_seen = true;
                        let _ = self
                            .inner
                            .escalations
                            .send(Escalation { action_id: action_id.to_string(), decision: decision.clone() });
                        match &on_escalated {
                            Some(cb) => {
                                let cb = cb.clone();
                                let d = decision.clone();
                                let id = action_id.to_string();
                                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&id, &d))).is_err() {
                                    tracing::warn!(action_id, "on_escalated callback failed");
                                }
                            }
                            None => tracing::warn!(action_id, "action escalated; still waiting for a decision"),
                        }
                    }
                    if decision.decision != Decision::Pending {
                        return Ok(decision);
                    }
                }
                Err(e) if e.code == ErrorCode::RateLimited => {
                    // Honour the server's back-off, then keep polling.
                    let after = e.details.get("retry_after_seconds").and_then(Value::as_f64).unwrap_or(poll_interval);
                    let pause = Duration::from_secs_f64(after.max(poll_interval).min(30.0));
                    let elapsed = clock.monotonic().saturating_sub(start);
                    if elapsed + pause >= deadline {
                        return Err(decision_timeout(timeout));
                    }
                    clock.sleep(pause).await;
                    continue;
                }
                Err(e) => return Err(e),
            }
            // A delivered webhook event for this action wakes us before the next poll.
            if self.inner.delivered.lock().map(|d| d.contains_key(action_id)).unwrap_or(false) {
                if let Ok(mut d) = self.inner.delivered.lock() {
                    d.remove(action_id);
                }
                continue;
            }
            let elapsed = clock.monotonic().saturating_sub(start);
            if elapsed >= deadline {
                return Err(decision_timeout(timeout));
            }
            // Long polling was just advertised on a plain poll: the next poll is a long poll, sent at once, so a
            // decision made during what would have been the first interval arrives without waiting for it.
            if wait_param.is_none() && wait_seconds(long_poll, deadline - elapsed).is_some() {
                continue;
            }
            let pause = interval.min(deadline - elapsed);
            if wait_param.is_some() && pause.is_zero() {
                continue;
            }
            tokio::select! {
                _ = clock.sleep(pause) => {}
                _ = &mut notified => {
                    if let Ok(mut d) = self.inner.delivered.lock() {
                        d.remove(action_id);
                    }
                }
            }
        }
    }

    /// Deprecated shim (`wait_for_approval`): forwards to `wait_for_decision`, accepting either timeout name.
    pub async fn wait_for_approval(
        &self,
        action_id: &str,
        timeout: Option<f64>,
        timeout_seconds: Option<f64>,
        poll_interval: Option<f64>,
    ) -> Result<AuthorizationDecision> {
        let t = timeout.or(timeout_seconds).unwrap_or(60.0);
        self.wait_for_decision(action_id, t, poll_interval.unwrap_or(2.0), None).await
    }
}

#[cfg(test)]
mod tests {
    use super::decision_timeout;
    use crate::error::ErrorCode;
    use crate::lane::block_on;
    use crate::model::{AuthorizationDecision, Decision};
    use crate::test_support::manual_client;
    use crate::{Client, ClientParams};
    use serde_json::{json, Value};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn waiter_registrations_and_notes_do_not_accumulate() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server
            .load_json(&json!([{"match": {"path": "/api/v1/actions/3/status"}, "repeat": true,
                                "respond": {"status": 200, "body": {"status": "approved"}}}]))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let c = Client::new(ClientParams {
            api_key: Some("k".into()),
            api_url: Some(server.url.clone()),
            audit_spool_path: Some(dir.path().join("s.jsonl")),
            env: Some(Default::default()),
            ..Default::default()
        })
        .unwrap();
        // An event for an action nobody waits on is not kept.
        c.notify_decision("99", "approved");
        assert!(c.inner.delivered.lock().unwrap().is_empty());
        // A finished wait leaves no registration behind.
        crate::lane::block_on(c.wait_for_decision("3", 10.0, 1.0, None)).unwrap();
        assert!(c.inner.waiters.lock().unwrap().is_empty());
        assert!(c.inner.delivered.lock().unwrap().is_empty());
    }

    fn status_script(action: &str, replies: &[Value]) -> Value {
        let path = format!("/api/v1/actions/{action}/status");
        Value::Array(
            replies.iter().map(|r| json!({"match": {"method": "GET", "path": path}, "respond": r.clone()})).collect(),
        )
    }

    #[test]
    fn wait_bounds_are_refused_before_any_request() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = manual_client(&server.url, &dir);
        let refused = |timeout: f64, poll_interval: f64| {
            let e = block_on(c.wait_for_decision("5", timeout, poll_interval, None)).unwrap_err();
            (e.code, e.to_json()["field"].clone())
        };
        for bad in [-1.0, -1e-9, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(refused(bad, 1.0), (ErrorCode::ValidationError, json!("timeout")), "timeout {bad}");
            assert_eq!(refused(1.0, bad), (ErrorCode::ValidationError, json!("poll_interval")), "poll_interval {bad}");
        }
        // Zero is a bound, not an error: a zero wait ends at once with the decision-wait TIMEOUT, before any poll.
        let e = block_on(c.wait_for_decision("5", 0.0, 0.0, None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Timeout);
        assert_eq!(e.details.get("decision_wait"), Some(&Value::Bool(true)));
        assert_eq!(e.message, "Decision not received within 0 seconds");
        let status_polls = server.requests().iter().filter(|r| r.path.ends_with("/status")).count();
        assert_eq!(status_polls, 0);
    }

    #[test]
    fn timeout_message_prints_the_seconds_as_given() {
        assert_eq!(decision_timeout(3.0).message, "Decision not received within 3 seconds");
        assert_eq!(decision_timeout(2.5).message, "Decision not received within 2.5 seconds");
        assert_eq!(decision_timeout(0.25).message, "Decision not received within 0.25 seconds");
        // -0.0 passes the `>= 0` check; it prints as 0, not "-0".
        assert_eq!(decision_timeout(-0.0).message, "Decision not received within 0 seconds");
        assert_eq!(decision_timeout(2.5).details.get("timeout_seconds"), Some(&json!(2.5)));
    }

    #[test]
    fn a_timeout_beyond_what_a_duration_holds_is_a_long_wait_not_a_panic() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server.load_json(&status_script("7", &[json!({"status": 200, "body": {"status": "approved"}})])).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = manual_client(&server.url, &dir);
        let d = block_on(c.wait_for_decision("7", 1e20, 1e20, None)).unwrap();
        assert_eq!(d.decision, Decision::Allowed);
    }

    #[test]
    fn the_long_poll_wait_is_capped_by_the_time_left() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let pending =
            json!({"status": 200, "body": {"status": "pending"}, "headers": {"X-Ascend-Long-Poll": "max=30"}});
        server.load_json(&status_script("6", &[pending.clone(), pending.clone(), pending.clone(), pending])).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, clock) = manual_client(&server.url, &dir);
        let e = block_on(c.wait_for_decision("6", 3.0, 1.0, None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Timeout);
        // A plain poll (no advertisement yet), then at once a long poll of the whole 3 s left, then one interval
        // later 2 s left, then 1 s.
        let waits: Vec<Option<Value>> =
            server.requests().iter().map(|r| r.query.as_ref().and_then(|q| q.get("wait")).cloned()).collect();
        assert_eq!(waits, [None, Some(json!("3")), Some(json!("2")), Some(json!("1"))]);
        assert_eq!(clock.sleeps(), [Duration::from_secs(1); 3]);
    }

    #[test]
    fn only_an_escalated_reply_is_published_and_only_once() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let reply = |status: &str| json!({"status": 200, "body": {"id": 4, "status": status}});
        server
            .load_json(&status_script(
                "4",
                &[reply("pending"), reply("escalated"), reply("escalated"), reply("approved")],
            ))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = manual_client(&server.url, &dir);
        let mut events = c.escalations();
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let callback: crate::client::EscalationCallback = Arc::new(move |id: &str, d: &AuthorizationDecision| {
            record.lock().unwrap().push((id.to_string(), d.raw_status().to_string()));
        });
        let d = block_on(c.wait_for_decision("4", 30.0, 1.0, Some(callback))).unwrap();
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(*seen.lock().unwrap(), [("4".to_string(), "escalated".to_string())]);
        let e = events.try_recv().expect("one escalation event");
        assert_eq!(e.decision.raw_status(), "escalated");
        assert!(events.try_recv().is_err(), "one event per escalated wait");
    }

    #[test]
    fn no_long_poll_is_sent_with_less_than_a_second_left() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let advertised =
            json!({"status": 200, "body": {"status": "pending"}, "headers": {"X-Ascend-Long-Poll": "max=30"}});
        server
            .load_json(&status_script("3", &[json!({"status": 200, "body": {"status": "pending"}}), advertised]))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, clock) = manual_client(&server.url, &dir);
        // Long polling is advertised at t=1 s with 0.5 s left: a `wait` under one second is no long poll, so the
        // wait sleeps out the rest instead of polling again at once.
        let e = block_on(c.wait_for_decision("3", 1.5, 1.0, None)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Timeout);
        assert_eq!(server.requests().len(), 2);
        assert_eq!(clock.sleeps(), [Duration::from_secs(1), Duration::from_millis(500)]);
    }

    #[test]
    fn a_zero_interval_still_sleeps_between_plain_polls() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let pending = json!({"status": 200, "body": {"status": "pending"}});
        server
            .load_json(&status_script(
                "2",
                &[pending.clone(), pending, json!({"status": 200, "body": {"status": "approved"}})],
            ))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, clock) = manual_client(&server.url, &dir);
        let d = block_on(c.wait_for_decision("2", 10.0, 0.0, None)).unwrap();
        assert_eq!(d.decision, Decision::Allowed);
        // Each pause is a (zero) sleep on the client's clock: a point where the wait yields and where a delivered
        // webhook event is taken, and what the conformance runners record.
        assert_eq!(clock.sleeps(), [Duration::ZERO; 2]);
    }
}
