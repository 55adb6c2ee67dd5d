//! SQLite storage: one connection behind a mutex, schema migrations keyed on `PRAGMA user_version`, and
//! durable settings (WAL, `synchronous=FULL`) so every acknowledged write survives `kill -9`.

use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// Ordered schema migrations; entry `i` moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT UNIQUE,
    agent_id TEXT NOT NULL,
    agent_name TEXT,
    action_type TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_id TEXT,
    description TEXT,
    tool_name TEXT,
    request TEXT NOT NULL,
    risk_score REAL NOT NULL,
    risk_level TEXT NOT NULL,
    cvss_score REAL,
    cvss_vector TEXT,
    mitre_tactic TEXT,
    mitre_technique TEXT,
    nist_control TEXT,
    factors TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('approved', 'pending_approval', 'rejected')),
    requires_approval INTEGER NOT NULL,
    message TEXT NOT NULL,
    reason TEXT,
    decision_source TEXT NOT NULL,
    auto_approve_below REAL NOT NULL,
    deny_at REAL,
    mcp_governance TEXT,
    model_governance TEXT,
    reviewed_by TEXT,
    review_comment TEXT,
    created_at TEXT NOT NULL,
    decision_at TEXT,
    execution_status TEXT,
    execution_result TEXT,
    execution_error TEXT,
    duration_ms INTEGER,
    executed_at TEXT
);
CREATE INDEX actions_status ON actions(status);
CREATE INDEX actions_agent ON actions(agent_id);

CREATE TABLE agents (
    agent_id TEXT PRIMARY KEY,
    display_name TEXT,
    agent_type TEXT NOT NULL DEFAULT 'supervised',
    environment TEXT,
    capabilities TEXT NOT NULL DEFAULT '[]',
    allowed_resources TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    sdk_version TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    status_reason TEXT,
    model_id TEXT,
    auto_approve_below REAL,
    deny_at REAL,
    auto_registered INTEGER NOT NULL DEFAULT 0,
    registered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_heartbeat_at TEXT,
    last_heartbeat TEXT,
    heartbeat_metrics TEXT
);

CREATE TABLE kill_switch (
    organization_id INTEGER PRIMARY KEY,
    active INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    activated_at TEXT,
    activated_by TEXT
);
INSERT INTO kill_switch (organization_id, active) VALUES (1, 0);

CREATE TABLE mcp_servers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    server_name TEXT NOT NULL UNIQUE,
    display_name TEXT,
    description TEXT,
    server_url TEXT,
    transport_type TEXT NOT NULL DEFAULT 'stdio',
    connection_config TEXT,
    governance_enabled INTEGER NOT NULL DEFAULT 1,
    auto_approve_tools TEXT NOT NULL DEFAULT '[]',
    blocked_tools TEXT NOT NULL DEFAULT '[]',
    tool_risk_overrides TEXT NOT NULL DEFAULT '{}',
    active INTEGER NOT NULL DEFAULT 1,
    deactivation_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT NOT NULL UNIQUE,
    name TEXT,
    compliance_status TEXT NOT NULL CHECK (compliance_status IN ('approved', 'partially_approved', 'denied')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE webhooks (
    webhook_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    agent_id TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    msg_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TEXT
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_ms);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    timestamp TEXT NOT NULL,
    event_type TEXT NOT NULL,
    actor TEXT,
    resource TEXT,
    action TEXT,
    outcome TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"#];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Shared handle to the database.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens `path` (a file, created if missing) or an in-memory database for `":memory:"`, and migrates it.
    pub fn open(path: &str) -> rusqlite::Result<Db> {
        let conn = if path == ":memory:" { Connection::open_in_memory()? } else { Connection::open(Path::new(path))? };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        if path != ":memory:" {
            let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
        migrate(&conn)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Locks the connection. A poisoned lock (a panic while holding it) is recovered: SQLite rolled back any
    /// open transaction when its guard dropped.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one immediate transaction, committed when `f` returns `Ok`.
    pub fn tx<T, E: From<rusqlite::Error>>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        conn.execute_batch(&format!("BEGIN; {sql}\nPRAGMA user_version = {}; COMMIT;", i + 1))?;
    }
    Ok(())
}

/// Reads one optional row.
pub fn opt<T>(r: rusqlite::Result<T>) -> rusqlite::Result<Option<T>> {
    r.optional()
}

/// Now as an RFC 3339 UTC timestamp with microseconds and `Z` (the guides' format).
pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Now as unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Parses a JSON text column, falling back to `null` on corruption.
pub fn json_col(s: Option<String>) -> serde_json::Value {
    s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        let p = p.to_str().unwrap();
        {
            let db = Db::open(p).unwrap();
            let v: i64 = db.lock().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(v as usize, SCHEMA_VERSION);
            db.lock().execute("INSERT INTO models (model_id, compliance_status, created_at, updated_at) VALUES ('m', 'approved', 'a', 'a')", []).unwrap();
        }
        let db = Db::open(p).unwrap();
        let n: i64 = db.lock().query_row("SELECT COUNT(*) FROM models", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn audit_log_refuses_update_and_delete() {
        let db = Db::open(":memory:").unwrap();
        let c = db.lock();
        c.execute(
            "INSERT INTO audit_log (seq, event_id, timestamp, event_type, details, prev_hash, hash) VALUES (1, 'e', 't', 'x', '{}', 'p', 'h')",
            [],
        )
        .unwrap();
        assert!(c.execute("UPDATE audit_log SET hash = 'z'", []).is_err());
        assert!(c.execute("DELETE FROM audit_log", []).is_err());
    }
}
