//! The append-only, hash-chained audit log. Each entry's `hash` is SHA-256 over the canonical JSON (PROTOCOL
//! §2.5, from `ascend-core`) of its content including `prev_hash`, the previous entry's hash (64 zeros for the
//! first). SQL triggers refuse UPDATE and DELETE; [`verify`] recomputes the chain.

use ascend_core::canonical::to_canonical;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event to append.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    /// Event type, e.g. `action.submitted`.
    pub event_type: &'a str,
    /// Who did it (agent id, `admin`, `system`).
    pub actor: Option<&'a str>,
    /// What it was done to (e.g. `action:12`).
    pub resource: Option<String>,
    /// The verb.
    pub action: Option<&'a str>,
    /// The outcome (`approved`, `denied`, `ok`, ...).
    pub outcome: Option<&'a str>,
    /// Free-form details.
    pub details: Value,
}

fn content(
    seq: i64,
    event_id: &str,
    timestamp: &str,
    e: (&str, Option<&str>, Option<&str>, Option<&str>, Option<&str>),
    details: &Value,
    prev_hash: &str,
) -> Value {
    json!({
        "seq": seq, "event_id": event_id, "timestamp": timestamp, "event_type": e.0, "actor": e.1,
        "resource": e.2, "action": e.3, "outcome": e.4, "details": details, "prev_hash": prev_hash,
    })
}

fn hash_of(v: &Value) -> String {
    // Canonical JSON of values built from JSON columns cannot fail (no NaN can enter a JSON column).
    let text = to_canonical(v).unwrap_or_else(|_| v.to_string());
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Appends `e` inside the caller's transaction and returns its sequence number.
pub fn append(conn: &Connection, e: Entry<'_>) -> rusqlite::Result<i64> {
    let (last_seq, prev): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok((0, GENESIS.to_string())),
            other => Err(other),
        })?;
    let seq = last_seq + 1;
    let event_id = format!("evt_{}", uuid::Uuid::new_v4().simple());
    let ts = crate::db::now_iso();
    let c = content(
        seq,
        &event_id,
        &ts,
        (e.event_type, e.actor, e.resource.as_deref(), e.action, e.outcome),
        &e.details,
        &prev,
    );
    let hash = hash_of(&c);
    conn.execute(
        "INSERT INTO audit_log (seq, event_id, timestamp, event_type, actor, resource, action, outcome, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![seq, event_id, ts, e.event_type, e.actor, e.resource, e.action, e.outcome, e.details.to_string(), prev, hash],
    )?;
    Ok(seq)
}

/// Result of [`verify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Whether the whole chain is intact.
    pub ok: bool,
    /// Number of entries checked.
    pub entries: i64,
    /// Hash of the last entry (the chain head).
    pub head: String,
    /// First broken entry, if any.
    pub broken_at: Option<i64>,
    /// Why it is broken.
    pub error: Option<String>,
}

impl Verification {
    /// JSON form served by `/api/admin/audit/verify`.
    pub fn to_json(&self) -> Value {
        json!({"ok": self.ok, "entries": self.entries, "head": self.head, "broken_at": self.broken_at, "error": self.error})
    }
}

/// Recomputes every hash and link of the chain.
pub fn verify(conn: &Connection) -> rusqlite::Result<Verification> {
    let mut stmt = conn.prepare(
        "SELECT seq, event_id, timestamp, event_type, actor, resource, action, outcome, details, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut n = 0;
    let broken = |n, seq, head: String, why: String| Verification {
        ok: false,
        entries: n,
        head,
        broken_at: Some(seq),
        error: Some(why),
    };
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let details: String = r.get(8)?;
        let prev_hash: String = r.get(9)?;
        let hash: String = r.get(10)?;
        if seq != expected_seq {
            return Ok(broken(n, seq, prev, format!("sequence gap: expected {expected_seq}, found {seq}")));
        }
        if prev_hash != prev {
            return Ok(broken(n, seq, prev, "prev_hash does not match the previous entry's hash".into()));
        }
        let Ok(details) = serde_json::from_str::<Value>(&details) else {
            return Ok(broken(n, seq, prev, "details are not valid JSON".into()));
        };
        let (event_id, ts, et): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let (actor, res, act, out): (Option<String>, Option<String>, Option<String>, Option<String>) =
            (r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
        let c = content(
            seq,
            &event_id,
            &ts,
            (&et, actor.as_deref(), res.as_deref(), act.as_deref(), out.as_deref()),
            &details,
            &prev_hash,
        );
        if hash_of(&c) != hash {
            return Ok(broken(n, seq, prev, "hash does not match the entry's content".into()));
        }
        prev = hash;
        expected_seq += 1;
        n += 1;
    }
    Ok(Verification { ok: true, entries: n, head: prev, broken_at: None, error: None })
}

/// One entry as served by `GET /audit/logs` (PROTOCOL §6.4 `AuditEvent` plus the chain fields).
pub fn row_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let details: String = r.get("details")?;
    Ok(json!({
        "seq": r.get::<_, i64>("seq")?,
        "event_id": r.get::<_, String>("event_id")?,
        "timestamp": r.get::<_, String>("timestamp")?,
        "event_type": r.get::<_, String>("event_type")?,
        "actor": r.get::<_, Option<String>>("actor")?,
        "resource": r.get::<_, Option<String>>("resource")?,
        "action": r.get::<_, Option<String>>("action")?,
        "outcome": r.get::<_, Option<String>>("outcome")?,
        "details": serde_json::from_str::<Value>(&details).unwrap_or(Value::Null),
        "prev_hash": r.get::<_, String>("prev_hash")?,
        "hash": r.get::<_, String>("hash")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn entry(t: &str) -> Entry<'_> {
        Entry { event_type: t, actor: Some("a"), details: json!({"k": 1}), ..Default::default() }
    }

    #[test]
    fn chain_links_and_verifies() {
        let db = Db::open(":memory:").unwrap();
        let c = db.lock();
        for t in ["one", "two", "three"] {
            append(&c, entry(t)).unwrap();
        }
        let v = verify(&c).unwrap();
        assert!(v.ok, "{v:?}");
        assert_eq!(v.entries, 3);
        let (p2, h1): (String, String) = c
            .query_row(
                "SELECT (SELECT prev_hash FROM audit_log WHERE seq = 2), (SELECT hash FROM audit_log WHERE seq = 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(p2, h1);
    }

    #[test]
    fn tampering_is_detected() {
        let db = Db::open(":memory:").unwrap();
        let c = db.lock();
        for t in ["one", "two", "three"] {
            append(&c, entry(t)).unwrap();
        }
        // An attacker with file access can drop the trigger; verification still catches the edit.
        c.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'forged' WHERE seq = 2;")
            .unwrap();
        let v = verify(&c).unwrap();
        assert!(!v.ok);
        assert_eq!(v.broken_at, Some(2));
        assert_eq!(v.entries, 1);
    }

    #[test]
    fn deleting_an_entry_breaks_the_chain() {
        let db = Db::open(":memory:").unwrap();
        let c = db.lock();
        for t in ["one", "two", "three"] {
            append(&c, entry(t)).unwrap();
        }
        c.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;").unwrap();
        let v = verify(&c).unwrap();
        assert_eq!(v.broken_at, Some(3));
    }
}
