//! What a reviewer needs to decide on an action, in one JSON object: the action's wire JSON plus its
//! parameters and context as submitted, its risk (score, CVSS vector and score, MITRE, NIST, the pre-score's
//! factors), the agent with its current status and thresholds, and its age. The review page renders it and
//! `GET /api/admin/actions` (so `ascend-dev list --json`) returns it.

use crate::actions;
use crate::db::{json_col, opt};
use crate::error::ApiResult;
use crate::state::AppState;
use rusqlite::Connection;
use serde_json::{json, Map, Value};

/// Seconds since an RFC 3339 time, or `None` if it does not parse.
pub fn age_seconds(created_at: &str) -> Option<i64> {
    let t = chrono::DateTime::parse_from_rfc3339(created_at).ok()?;
    Some((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds().max(0))
}

/// "42 s", "3 min", "2 h 5 min", "4 d".
pub fn age_text(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d", s / 86_400),
    }
}

fn agent(conn: &Connection, state: &AppState, agent_id: &str) -> rusqlite::Result<Value> {
    let row = opt(conn.query_row(
        "SELECT display_name, status, status_reason, auto_approve_below, deny_at, auto_registered FROM agents WHERE agent_id = ?1",
        [agent_id],
        |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, Option<f64>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        },
    ))?;
    let (name, status, reason, auto, deny, auto_reg) = row.unwrap_or((None, "unknown".into(), None, None, None, false));
    Ok(json!({
        "agent_id": agent_id,
        "display_name": name,
        "status": status,
        "status_reason": reason,
        "auto_registered": auto_reg,
        "thresholds": {
            "auto_approve_below": auto.unwrap_or(state.cfg.auto_approve_below),
            "deny_at": deny.or(state.cfg.deny_at),
            "source": if auto.is_some() || deny.is_some() { "agent" } else { "server default" },
        },
    }))
}

/// The reviewer's view of one rendered action (see the module doc).
pub fn view(conn: &Connection, state: &AppState, action: Value) -> rusqlite::Result<Value> {
    let Value::Object(mut m) = action else { return Ok(action) };
    let id = m.get("id").and_then(Value::as_i64).unwrap_or_default();
    let request: Option<String> = opt(conn.query_row("SELECT request FROM actions WHERE id = ?1", [id], |r| r.get(0)))?;
    let request = json_col(request);
    let obj = |k: &str| request.get(k).filter(|v| v.is_object()).cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let parameters = obj("action_details");
    let mut context = obj("context");
    // The MCP endpoint files its namespace/verb under context; everything stays as the agent sent it.
    if let Some(c) = context.as_object_mut() {
        c.retain(|_, v| !v.is_null());
    }
    let text = |k: &str| m.get(k).cloned().unwrap_or(Value::Null);
    let risk = json!({
        "score": text("risk_score"),
        "level": text("risk_level"),
        "cvss_score": text("cvss_score"),
        "cvss_severity": text("cvss_severity"),
        "cvss_vector": text("cvss_vector"),
        "mitre_tactic": text("mitre_tactic"),
        "mitre_technique": text("mitre_technique"),
        "nist_control": text("nist_control"),
        "factors": text("risk_factors"),
    });
    let agent_id = m.get("agent_id").and_then(Value::as_str).unwrap_or_default().to_string();
    let age = m.get("created_at").and_then(Value::as_str).and_then(age_seconds);
    m.insert("parameters".into(), parameters);
    m.insert("context".into(), context);
    m.insert("risk".into(), risk);
    m.insert("agent".into(), agent(conn, state, &agent_id)?);
    m.insert("age_seconds".into(), age.into());
    Ok(Value::Object(m))
}

/// Lists actions (as [`actions::list`]) in the reviewer's view.
pub fn list(
    conn: &Connection,
    state: &AppState,
    status: Option<&str>,
    agent_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> ApiResult<(Vec<Value>, i64)> {
    let (rows, total) = actions::list(conn, status, agent_id, limit, offset)?;
    let rows = rows.into_iter().map(|a| view(conn, state, a)).collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// One action in the reviewer's view, with its audit trail; `None` if it does not exist.
pub fn one(conn: &Connection, state: &AppState, id: i64) -> ApiResult<Option<Value>> {
    let Some(a) = actions::load(conn, id)? else { return Ok(None) };
    let mut v = view(conn, state, a)?;
    let mut trail = conn.prepare("SELECT * FROM audit_log WHERE resource = ?1 ORDER BY seq")?;
    let trail =
        trail.query_map([format!("action:{id}")], crate::audit::row_json)?.collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(m) = v.as_object_mut() {
        m.insert("audit_trail".into(), Value::Array(trail));
    }
    Ok(Some(v))
}

/// A fingerprint of what the review page shows (newest action, pending count, latest decision): the page
/// reloads itself when it changes.
pub fn version(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT COALESCE(MAX(id), 0), COALESCE(SUM(status = 'pending_approval'), 0), COALESCE(MAX(decision_at), '') FROM actions",
        [],
        |r| Ok(format!("{}-{}-{}", r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age_text(5), "5 s");
        assert_eq!(age_text(125), "2 min");
        assert_eq!(age_text(7500), "2 h 5 min");
        assert_eq!(age_text(200_000), "2 d");
        assert!(age_seconds("2020-01-01T00:00:00Z").unwrap() > 0);
        assert_eq!(age_seconds("yesterday"), None);
    }
}
