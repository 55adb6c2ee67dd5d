//! Agent registry, health/heartbeat, per-agent thresholds and the kill switch.

use crate::actions::agent_policy;
use crate::audit::{self, Entry};
use crate::auth::{require_admin_to_relax, Role};
use crate::db::{json_col, now_iso, opt};
use crate::error::{ApiError, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use crate::webhooks;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const AGENT_STATUSES: &[&str] = &["active", "suspended", "blocked"];

fn render(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "agent_id": r.get::<_, String>("agent_id")?,
        "display_name": r.get::<_, Option<String>>("display_name")?,
        "agent_type": r.get::<_, String>("agent_type")?,
        "environment": r.get::<_, Option<String>>("environment")?,
        "capabilities": json_col(r.get("capabilities")?),
        "allowed_resources": json_col(r.get("allowed_resources")?),
        "metadata": json_col(r.get("metadata")?),
        "sdk_version": r.get::<_, Option<String>>("sdk_version")?,
        "status": r.get::<_, String>("status")?,
        "status_reason": r.get::<_, Option<String>>("status_reason")?,
        "model_id": r.get::<_, Option<String>>("model_id")?,
        "thresholds": {"auto_approve_below": r.get::<_, Option<f64>>("auto_approve_below")?, "deny_at": r.get::<_, Option<f64>>("deny_at")?},
        "auto_registered": r.get::<_, bool>("auto_registered")?,
        "registered_at": r.get::<_, String>("registered_at")?,
        "updated_at": r.get::<_, String>("updated_at")?,
        "last_heartbeat": r.get::<_, Option<String>>("last_heartbeat")?,
    }))
}

fn load(c: &Connection, id: &str) -> ApiResult<Value> {
    opt(c.query_row("SELECT * FROM agents WHERE agent_id = ?1", [id], render))?
        .ok_or_else(|| ApiError::not_found(format!("Agent '{id}' not found")))
}

fn threshold(f: &Fields<'_>, k: &str) -> ApiResult<Option<f64>> {
    let v = f.opt_f64(k)?;
    if v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
        return Err(ApiError::invalid(k, "Must be between 0 and 100"));
    }
    Ok(v)
}

/// The thresholds an agent is decided with: its own, else the server defaults.
fn effective(state: &AppState, auto: Option<f64>, deny: Option<f64>) -> (f64, Option<f64>) {
    (auto.unwrap_or(state.cfg.auto_approve_below), deny.or(state.cfg.deny_at))
}

/// Refuses (unless `role` is admin) threshold changes that let more through: a higher effective
/// `auto_approve_below`, or a higher or removed effective `deny_at`. `new_*` is `None` when the request leaves
/// the value alone, `Some(None)` when it resets it to the server default.
fn check_thresholds(
    state: &AppState,
    role: Role,
    current: (Option<f64>, Option<f64>),
    new_auto: Option<Option<f64>>,
    new_deny: Option<Option<f64>>,
) -> ApiResult<()> {
    let (cur_auto, cur_deny) = effective(state, current.0, current.1);
    if let Some(a) = new_auto {
        let (a, _) = effective(state, a, None);
        if a > cur_auto {
            require_admin_to_relax(role, &format!("Raising auto_approve_below from {cur_auto} to {a}"))?;
        }
    }
    if let Some(d) = new_deny {
        let (_, d) = effective(state, None, d);
        match (cur_deny, d) {
            (Some(c), None) => require_admin_to_relax(role, &format!("Removing deny_at (now {c})"))?,
            (Some(c), Some(n)) if n > c => require_admin_to_relax(role, &format!("Raising deny_at from {c} to {n}"))?,
            _ => {}
        }
    }
    Ok(())
}

/// `POST /api/registry/agents`: registers, or updates an agent registered before (including one that was
/// auto-registered on first use or deregistered). 201 when new, 200 otherwise. Thresholds that relax
/// governance (compared with the agent's current ones, or the server defaults for a new agent) need the
/// admin token.
pub async fn register(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let body = body.object()?;
    let f = Fields(&body);
    let id = f.req_str("agent_id")?;
    let list = |k: &str| -> ApiResult<String> {
        match body.get(k) {
            None | Some(Value::Null) => Ok("[]".into()),
            Some(v @ Value::Array(_)) => Ok(v.to_string()),
            Some(_) => Err(ApiError::invalid(k, "Must be a list")),
        }
    };
    let (caps, allowed) = (list("capabilities")?, list("allowed_resources")?);
    let metadata = Value::Object(f.opt_obj("metadata")?.unwrap_or_default()).to_string();
    let (name, kind, env, sdk) =
        (f.opt_str("display_name")?, f.opt_str("agent_type")?, f.opt_str("environment")?, f.opt_str("sdk_version")?);
    let (auto, deny) = (threshold(&f, "auto_approve_below")?, threshold(&f, "deny_at")?);
    let (created, agent) = state.db.tx(|tx| -> ApiResult<(bool, Value)> {
        let exists: Option<String> = opt(tx.query_row("SELECT status FROM agents WHERE agent_id = ?1", [&id], |r| r.get(0)))?;
        let current = agent_policy(tx, &id)?.map(|p| (p.auto_approve_below, p.deny_at)).unwrap_or_default();
        // Registration only sets the values it is given (COALESCE), so an absent one is "unchanged".
        check_thresholds(&state, role, current, auto.map(Some), deny.map(Some))?;
        let now = now_iso();
        if exists.is_some() {
            tx.execute(
                "UPDATE agents SET display_name = COALESCE(?2, display_name), agent_type = COALESCE(?3, agent_type),
                   environment = COALESCE(?4, environment), capabilities = ?5, allowed_resources = ?6, metadata = ?7,
                   sdk_version = COALESCE(?8, sdk_version), auto_approve_below = COALESCE(?9, auto_approve_below),
                   deny_at = COALESCE(?10, deny_at), auto_registered = 0, updated_at = ?11,
                   status = CASE WHEN status = 'deregistered' THEN 'active' ELSE status END
                 WHERE agent_id = ?1",
                params![id, name, kind, env, caps, allowed, metadata, sdk, auto, deny, now],
            )?;
        } else {
            tx.execute(
                "INSERT INTO agents (agent_id, display_name, agent_type, environment, capabilities, allowed_resources, metadata,
                   sdk_version, auto_approve_below, deny_at, registered_at, updated_at)
                 VALUES (?1, ?2, COALESCE(?3, 'supervised'), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                params![id, name, kind, env, caps, allowed, metadata, sdk, auto, deny, now],
            )?;
        }
        audit::append(tx, Entry { event_type: "agent.registered", actor: Some(&id), resource: Some(format!("agent:{id}")), action: Some("register"), outcome: Some("ok"), details: json!({"updated": exists.is_some()}) })?;
        Ok((exists.is_none(), load(tx, &id)?))
    })?;
    let code = if created { StatusCode::CREATED } else { StatusCode::OK };
    let msg = if created { "Agent registered" } else { "Agent registration updated" };
    Ok((code, Json(json!({"success": true, "status": "registered", "agent_id": id, "message": msg, "agent": agent}))))
}

/// `GET /api/registry/agents`.
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let mut stmt = c.prepare("SELECT * FROM agents ORDER BY agent_id")?;
    let rows = stmt.query_map([], render)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"agents": rows, "total": rows.len()})))
}

/// `GET /api/registry/agents/{id}`.
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(load(&state.db.lock(), &id)?))
}

/// `PUT /api/registry/agents/{id}`: link a model (`model_id`: registry number or name), thresholds
/// (`auto_approve_below`, `deny_at`; `null` resets), `display_name`, `status` (active | suspended | blocked,
/// with `reason`). Blocking emits `agent.blocked`. Relaxing changes (a higher `auto_approve_below`, a higher
/// or removed `deny_at`, leaving `blocked`/`suspended`) need the admin token; tightening ones do not.
pub async fn update(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    Path(id): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let f = Fields(&body);
    let status = f.opt_str("status")?;
    if let Some(s) = status.as_deref() {
        if !AGENT_STATUSES.contains(&s) {
            return Err(ApiError::invalid("status", "Must be active, suspended or blocked"));
        }
    }
    let reason = f.opt_str("reason")?.or(f.opt_str("status_reason")?);
    let name = f.opt_str("display_name")?;
    let auto = threshold(&f, "auto_approve_below")?;
    let deny = threshold(&f, "deny_at")?;
    let agent = state.db.tx(|tx| -> ApiResult<Value> {
        let before = load(tx, &id)?;
        if before["status"] == "deregistered" {
            return Err(ApiError::not_found(format!("Agent '{id}' is deregistered")));
        }
        let present = |k: &str, v: Option<f64>| body.contains_key(k).then_some(v);
        let current = (before["thresholds"]["auto_approve_below"].as_f64(), before["thresholds"]["deny_at"].as_f64());
        check_thresholds(&state, role, current, present("auto_approve_below", auto), present("deny_at", deny))?;
        if let Some(s) = status.as_deref() {
            let was = before["status"].as_str().unwrap_or("active");
            if was != "active" && s != was {
                require_admin_to_relax(role, &format!("Changing agent '{id}' from {was} to {s}"))?;
            }
        }
        if let Some(m) = body.get("model_id") {
            let model: Option<String> = match m {
                Value::Number(n) => {
                    let n = n
                        .as_i64()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| ApiError::invalid("model_id", "Must be a positive integer"))?;
                    opt(tx.query_row("SELECT model_id FROM models WHERE id = ?1", [n], |r| r.get(0)))?
                }
                Value::String(s) if !s.trim().is_empty() => {
                    opt(tx.query_row("SELECT model_id FROM models WHERE model_id = ?1", [s.trim()], |r| r.get(0)))?
                }
                Value::Null => None,
                _ => return Err(ApiError::invalid("model_id", "Must be a model registry id or name")),
            };
            if model.is_none() && !m.is_null() {
                return Err(ApiError::not_found(format!("Model {m} is not in the model registry")));
            }
            tx.execute("UPDATE agents SET model_id = ?2 WHERE agent_id = ?1", params![id, model])?;
        }
        if let Some(n) = name.as_deref() {
            tx.execute("UPDATE agents SET display_name = ?2 WHERE agent_id = ?1", params![id, n])?;
        }
        for (k, v) in [("auto_approve_below", auto), ("deny_at", deny)] {
            if body.contains_key(k) {
                tx.execute(&format!("UPDATE agents SET {k} = ?2 WHERE agent_id = ?1"), params![id, v])?;
            }
        }
        if let Some(s) = status.as_deref() {
            tx.execute(
                "UPDATE agents SET status = ?2, status_reason = ?3 WHERE agent_id = ?1",
                params![id, s, reason],
            )?;
            if s != "active" && before["status"] == "active" {
                webhooks::enqueue(
                    tx,
                    "agent.blocked",
                    Some(&id),
                    json!({"agent_id": id, "status": s, "reason": reason, "scope": "agent"}),
                )?;
            }
        }
        tx.execute("UPDATE agents SET updated_at = ?2 WHERE agent_id = ?1", params![id, now_iso()])?;
        audit::append(
            tx,
            Entry {
                event_type: "agent.updated",
                actor: Some(if role == Role::Admin { "admin" } else { "api" }),
                resource: Some(format!("agent:{id}")),
                action: Some("update"),
                outcome: Some("ok"),
                details: Value::Object(body.clone()),
            },
        )?;
        load(tx, &id)
    })?;
    state.deliveries.notify_one();
    Ok(Json(json!({"success": true, "agent": agent, "message": "Agent updated"})))
}

/// `DELETE /api/registry/agents/{id}`: marks the agent deregistered (its later submissions are refused). A
/// blocked or suspended agent needs the admin token: re-registering would otherwise make it active again.
pub async fn deregister(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    state.db.tx(|tx| -> ApiResult<()> {
        let before = load(tx, &id)?;
        if let Some(s @ ("blocked" | "suspended")) = before["status"].as_str() {
            require_admin_to_relax(
                role,
                &format!("Deregistering {s} agent '{id}' (re-registration would unblock it)"),
            )?;
        }
        tx.execute(
            "UPDATE agents SET status = 'deregistered', updated_at = ?2 WHERE agent_id = ?1",
            params![id, now_iso()],
        )?;
        audit::append(
            tx,
            Entry {
                event_type: "agent.deregistered",
                actor: Some(&id),
                resource: Some(format!("agent:{id}")),
                action: Some("deregister"),
                outcome: Some("ok"),
                details: json!({}),
            },
        )?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true, "agent_id": id, "message": "Agent deregistered"})))
}

/// `POST /api/agents/health/heartbeat`.
pub async fn heartbeat(State(state): State<AppState>, body: JsonBody) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let f = Fields(&body);
    let id = f.req_str("agent_id")?;
    let mut metrics = Map::new();
    for k in ["response_time_ms", "error_rate", "requests_count"] {
        if let Some(v) = f.opt_f64(k)? {
            metrics.insert(k.into(), json!(v));
        }
    }
    let now = now_iso();
    state.db.tx(|tx| -> ApiResult<()> {
        let exists: Option<String> = opt(tx.query_row("SELECT status FROM agents WHERE agent_id = ?1", [&id], |r| r.get(0)))?;
        match exists {
            None if state.cfg.require_registration => return Err(ApiError::not_found(format!("Agent '{id}' is not registered"))),
            None => {
                tx.execute("INSERT INTO agents (agent_id, auto_registered, registered_at, updated_at) VALUES (?1, 1, ?2, ?2)", params![id, now])?;
            }
            Some(_) => {}
        }
        tx.execute(
            "UPDATE agents SET last_heartbeat = ?2, first_heartbeat_at = COALESCE(first_heartbeat_at, ?2), heartbeat_metrics = ?3,
               sdk_version = COALESCE(?4, sdk_version) WHERE agent_id = ?1",
            params![id, now, Value::Object(metrics.clone()).to_string(), f.opt_str("sdk_version")?],
        )?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true, "agent_id": id, "received_at": now})))
}

/// `GET /api/agents/health/{id}`: `healthy` (heartbeat within 3 minutes), `stale`, `unknown` (never), or the
/// agent's non-active registry status.
pub async fn health(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let row = opt(c.query_row(
        "SELECT status, last_heartbeat, first_heartbeat_at, heartbeat_metrics FROM agents WHERE agent_id = ?1",
        [&id],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        },
    ))?;
    let (status, last, first, metrics) = row.ok_or_else(|| ApiError::not_found(format!("Agent '{id}' not found")))?;
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let now = chrono::Utc::now();
    let health = if status != "active" {
        status.clone()
    } else {
        match parse(&last) {
            None => "unknown".into(),
            Some(t) if (now - t.with_timezone(&chrono::Utc)).num_seconds() <= 180 => "healthy".into(),
            Some(_) => "stale".into(),
        }
    };
    let uptime = parse(&first).map(|t| (now - t.with_timezone(&chrono::Utc)).num_milliseconds() as f64 / 1000.0);
    Ok(Json(
        json!({"agent_id": id, "status": health, "registry_status": status, "last_heartbeat": last, "uptime_seconds": uptime, "metadata": {"metrics": json_col(metrics)}}),
    ))
}

/// `GET /api/registry/agents/{id}/commands`: the dev server issues no remote commands.
pub async fn commands(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    load(&state.db.lock(), &id)?;
    Ok(Json(json!({"agent_id": id, "commands": []})))
}

/// `POST /api/registry/agents/{id}/commands/{command_id}/ack`: there are no commands to acknowledge.
pub async fn ack_command(Path((_id, command)): Path<(String, String)>) -> ApiError {
    ApiError::not_found(format!("Command '{command}' not found"))
}

/// `GET /api/sdk/kill-switch/status[?agent_id=]`: blocked when the organisation kill switch is active (or the
/// given agent is blocked/suspended).
pub async fn kill_switch_status(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let (active, reason, at, by): (i64, Option<String>, Option<String>, Option<String>) = c.query_row(
        "SELECT active, reason, activated_at, activated_by FROM kill_switch WHERE organization_id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    if active == 0 {
        if let Some(agent) = q.get("agent_id") {
            let row: Option<(String, Option<String>, String)> = opt(c.query_row(
                "SELECT status, status_reason, updated_at FROM agents WHERE agent_id = ?1",
                [agent],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ))?;
            if let Some((s, why, when)) = row.filter(|r| r.0 == "blocked" || r.0 == "suspended") {
                return Ok(Json(
                    json!({"blocked": true, "scope": "agent", "reason": why.unwrap_or(s), "activated_at": when, "activated_by": "admin"}),
                ));
            }
        }
    }
    Ok(Json(
        json!({"blocked": active != 0, "scope": "organization", "organization_id": 1, "reason": reason, "activated_at": at, "activated_by": by}),
    ))
}

fn org(raw: &str) -> ApiResult<i64> {
    match raw.trim().parse::<i64>() {
        Ok(1) => Ok(1),
        Ok(n) if n >= 1 => {
            Err(ApiError::not_found(format!("Organization {n} not found (the dev server has organization 1)")))
        }
        _ => Err(ApiError::invalid("organization_id", "Must be a positive integer")),
    }
}

fn ks_reason(body: JsonBody) -> ApiResult<String> {
    let body = body.object()?;
    let reason = Fields(&body).req_str("reason")?;
    if reason.chars().count() < 10 {
        return Err(ApiError::invalid("reason", "min_length=10"));
    }
    Ok(reason)
}

/// `POST /api/billing/kill-switch/{org}/trigger` — blocks every agent of the organisation; emits `agent.blocked`.
pub async fn kill_switch_trigger(
    State(state): State<AppState>,
    Path(o): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    let o = org(&o)?;
    let reason = ks_reason(body)?;
    let now = now_iso();
    state.db.tx(|tx| -> ApiResult<()> {
        tx.execute("UPDATE kill_switch SET active = 1, reason = ?2, activated_at = ?3, activated_by = 'api' WHERE organization_id = ?1", params![o, reason, now])?;
        audit::append(tx, Entry { event_type: "kill_switch.triggered", actor: Some("api"), resource: Some(format!("organization:{o}")), action: Some("trigger"), outcome: Some("blocked"), details: json!({"reason": reason}) })?;
        webhooks::enqueue(tx, "agent.blocked", None, json!({"organization_id": o, "scope": "organization", "reason": reason, "blocked_at": now}))?;
        Ok(())
    })?;
    state.deliveries.notify_one();
    Ok(Json(json!({"success": true, "organization_id": o, "blocked": true, "reason": reason, "activated_at": now})))
}

/// `POST /api/billing/kill-switch/{org}/release` (admin token only: releasing relaxes governance).
pub async fn kill_switch_release(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    Path(o): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    let o = org(&o)?;
    let reason = ks_reason(body)?;
    require_admin_to_relax(role, "Releasing the organisation kill switch")?;
    state.db.tx(|tx| -> ApiResult<()> {
        tx.execute("UPDATE kill_switch SET active = 0, reason = NULL, activated_at = NULL, activated_by = NULL WHERE organization_id = ?1", [o])?;
        audit::append(tx, Entry { event_type: "kill_switch.released", actor: Some("admin"), resource: Some(format!("organization:{o}")), action: Some("release"), outcome: Some("active"), details: json!({"reason": reason}) })?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true, "organization_id": o, "blocked": false, "reason": reason})))
}
