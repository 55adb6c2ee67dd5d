//! Webhook events: stored in the same transaction as the change that caused them, then delivered by one
//! background worker with Standard Webhooks v1 signatures, retried with exponential backoff (1 s doubling,
//! capped at 30 s) for 24 hours. Pending deliveries live in SQLite, so they resume after a restart.

use crate::db::{now_iso, now_ms, Db};
use crate::state::{AppState, RetryPolicy};
use base64::Engine;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Event types a webhook may subscribe to (the union of the seed's and the peer's lists, DECISIONS D12).
pub const EVENT_TYPES: &[&str] =
    &["action.pending", "action.approved", "action.denied", "agent.blocked", "policy.violation", "agent.trust_changed"];

/// Signs a delivery with Standard Webhooks v1 through the core's signer (`ascend_core::webhook::sign`): a
/// `whsec_` secret is base64-decoded, any other secret is used as its UTF-8 bytes. Returns the headers
/// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`, or the reason it cannot sign.
pub fn sign_delivery(
    body: &[u8],
    secret: &str,
    msg_id: &str,
    timestamp_unix: i64,
) -> Result<Vec<(String, String)>, String> {
    ascend_core::webhook::sign(
        body,
        secret,
        ascend_core::webhook::Scheme::StandardWebhooks,
        Some(msg_id),
        Some(timestamp_unix),
    )
    .map_err(|e| e.message)
}

/// A fresh `whsec_` secret (24 random bytes) for webhooks configured without one.
pub fn generate_secret() -> String {
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(&uuid::Uuid::new_v4().as_bytes()[..8]);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Queues `event_type` with `data` for every active webhook subscribed to it (and, when the webhook is bound
/// to an agent, only for that agent's events). Runs inside the caller's transaction; returns how many
/// deliveries were queued.
pub fn enqueue(conn: &Connection, event_type: &str, agent_id: Option<&str>, data: Value) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare("SELECT webhook_id, events, agent_id FROM webhooks WHERE active = 1")?;
    let hooks: Vec<(String, String, Option<String>)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut n = 0;
    for (webhook_id, events, bound_agent) in hooks {
        let events: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
        if !events.iter().any(|e| e == event_type) {
            continue;
        }
        if let (Some(bound), Some(agent)) = (bound_agent.as_deref(), agent_id) {
            if bound != agent {
                continue;
            }
        }
        let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
        let payload = json!({"id": msg_id, "type": event_type, "timestamp": now_iso(), "data": data});
        conn.execute(
            "INSERT INTO deliveries (webhook_id, msg_id, event_type, payload, state, attempts, next_attempt_ms, created_ms)
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
            params![webhook_id, msg_id, event_type, payload.to_string(), now_ms()],
        )?;
        n += 1;
    }
    Ok(n)
}

/// Outcome of one HTTP delivery attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// HTTP status, if a response arrived.
    pub status: Option<u16>,
    /// Transport error text, if any.
    pub error: Option<String>,
    /// Round trip in milliseconds.
    pub elapsed_ms: f64,
}

impl Attempt {
    /// Whether the receiver answered 2xx.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// POSTs `payload` to `url` signed with `secret`.
pub async fn send(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    msg_id: &str,
    payload: &str,
    timeout: Duration,
) -> Attempt {
    let ts = chrono::Utc::now().timestamp();
    let mut req = http
        .post(url)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("user-agent", "ascend-dev-webhooks/1");
    let headers = match sign_delivery(payload.as_bytes(), secret, msg_id, ts) {
        Ok(h) => h,
        Err(e) => return Attempt { status: None, error: Some(format!("cannot sign delivery: {e}")), elapsed_ms: 0.0 },
    };
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let start = Instant::now();
    let res = req.body(payload.to_string()).send().await;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    match res {
        Ok(r) => Attempt { status: Some(r.status().as_u16()), error: None, elapsed_ms },
        Err(e) => Attempt { status: None, error: Some(e.to_string()), elapsed_ms },
    }
}

struct Due {
    id: i64,
    msg_id: String,
    payload: String,
    attempts: u32,
    created_ms: i64,
    target: Option<(String, String)>,
}

fn due(db: &Db, limit: i64) -> rusqlite::Result<Vec<Due>> {
    let c = db.lock();
    let mut stmt = c.prepare(
        "SELECT d.id, d.msg_id, d.payload, d.attempts, d.created_ms, w.url, w.secret, w.active
         FROM deliveries d LEFT JOIN webhooks w ON w.webhook_id = d.webhook_id
         WHERE d.state = 'pending' AND d.next_attempt_ms <= ?1 ORDER BY d.next_attempt_ms, d.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now_ms(), limit], |r| {
        let url: Option<String> = r.get(5)?;
        let secret: Option<String> = r.get(6)?;
        let active: Option<i64> = r.get(7)?;
        Ok(Due {
            id: r.get(0)?,
            msg_id: r.get(1)?,
            payload: r.get(2)?,
            attempts: r.get::<_, i64>(3)? as u32,
            created_ms: r.get(4)?,
            target: match (url, secret, active) {
                (Some(u), Some(s), Some(1)) => Some((u, s)),
                _ => None,
            },
        })
    })?;
    rows.collect()
}

fn next_due_in(db: &Db) -> Option<Duration> {
    let c = db.lock();
    let next: Option<i64> = c
        .query_row("SELECT MIN(next_attempt_ms) FROM deliveries WHERE state = 'pending'", [], |r| r.get(0))
        .ok()
        .flatten();
    next.map(|t| Duration::from_millis((t - now_ms()).max(0) as u64))
}

/// Records the outcome of an attempt.
fn record(db: &Db, d: &Due, a: &Attempt, policy: &RetryPolicy) -> rusqlite::Result<()> {
    let attempts = d.attempts + 1;
    let c = db.lock();
    if a.ok() {
        c.execute(
            "UPDATE deliveries SET state = 'delivered', attempts = ?2, last_status = ?3, last_error = NULL, delivered_at = ?4 WHERE id = ?1",
            params![d.id, attempts, a.status, now_iso()],
        )?;
        return Ok(());
    }
    let next = now_ms() + policy.delay(attempts).as_millis() as i64;
    let expired = next - d.created_ms > policy.max_age.as_millis() as i64;
    let error = a.error.clone().or_else(|| a.status.map(|s| format!("HTTP {s}")));
    c.execute(
        "UPDATE deliveries SET state = ?2, attempts = ?3, last_status = ?4, last_error = ?5, next_attempt_ms = ?6 WHERE id = ?1",
        params![d.id, if expired { "failed" } else { "pending" }, attempts, a.status, error, next],
    )?;
    Ok(())
}

/// The delivery worker: runs until shutdown, woken by new events or the next due retry.
pub async fn worker(state: AppState) {
    let mut shutdown = state.shutdown.clone();
    let policy = state.cfg.webhook_retry.clone();
    loop {
        if *shutdown.borrow() {
            return;
        }
        let batch = match due(&state.db, 16) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "cannot read webhook deliveries");
                Vec::new()
            }
        };
        for d in &batch {
            let attempt = match &d.target {
                Some((url, secret)) => {
                    send(&state.http, url, secret, &d.msg_id, &d.payload, policy.attempt_timeout).await
                }
                None => {
                    // The webhook was deleted or deactivated: the delivery can never succeed.
                    let c = state.db.lock();
                    let _ = c.execute(
                        "UPDATE deliveries SET state = 'failed', last_error = 'webhook deleted or inactive' WHERE id = ?1",
                        params![d.id],
                    );
                    continue;
                }
            };
            if let Err(e) = record(&state.db, d, &attempt, &policy) {
                tracing::error!(error = %e, "cannot record a webhook delivery");
            }
        }
        if !batch.is_empty() {
            continue;
        }
        let wait = next_due_in(&state.db).unwrap_or(Duration::from_secs(5)).min(Duration::from_secs(5));
        tokio::select! {
            _ = tokio::time::sleep(wait.max(Duration::from_millis(5))) => {}
            _ = state.deliveries.notified() => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// A delivery row as served by the admin API.
pub fn delivery_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>("id")?,
        "webhook_id": r.get::<_, String>("webhook_id")?,
        "msg_id": r.get::<_, String>("msg_id")?,
        "event_type": r.get::<_, String>("event_type")?,
        "state": r.get::<_, String>("state")?,
        "attempts": r.get::<_, i64>("attempts")?,
        "last_status": r.get::<_, Option<i64>>("last_status")?,
        "last_error": r.get::<_, Option<String>>("last_error")?,
        "delivered_at": r.get::<_, Option<String>>("delivered_at")?,
        "payload": crate::db::json_col(Some(r.get::<_, String>("payload")?)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    #[test]
    fn standard_webhooks_known_answer() {
        // Published example of the Standard Webhooks specification.
        let h = sign_delivery(
            br#"{"test": 2432232314}"#,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
        )
        .unwrap();
        assert_eq!(h[2].1, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn plain_secret_is_its_utf8_bytes() {
        let a = sign_delivery(b"{}", "plain-secret", "msg_1", 1).unwrap();
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"plain-secret").unwrap();
        mac.update(b"msg_1.1.{}");
        let expect = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(a[2].1, format!("v1,{expect}"));
    }

    #[test]
    fn generated_secret_is_whsec_base64() {
        let s = generate_secret();
        let raw = base64::engine::general_purpose::STANDARD.decode(s.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(raw.len(), 24);
    }
}
