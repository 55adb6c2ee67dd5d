//! Webhook configuration: configure, list, update, delete, test (and the admin delivery log).

use crate::audit::{self, Entry};
use crate::db::{json_col, now_iso, opt};
use crate::error::{ApiError, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use crate::webhooks::{self, EVENT_TYPES};
use axum::extract::{Path, Query, State};
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use std::collections::HashMap;

fn render(r: &rusqlite::Row<'_>, with_secret: bool) -> rusqlite::Result<Value> {
    let mut v = json!({
        "webhook_id": r.get::<_, String>("webhook_id")?,
        "url": r.get::<_, String>("url")?,
        "events": json_col(r.get("events")?),
        "agent_id": r.get::<_, Option<String>>("agent_id")?,
        "active": r.get::<_, bool>("active")?,
        "signature_scheme": "standard_webhooks",
        "created_at": r.get::<_, String>("created_at")?,
        "updated_at": r.get::<_, String>("updated_at")?,
    });
    if with_secret {
        v["secret"] = r.get::<_, String>("secret")?.into();
    }
    Ok(v)
}

fn load(c: &Connection, id: &str, with_secret: bool) -> ApiResult<Value> {
    opt(c.query_row("SELECT * FROM webhooks WHERE webhook_id = ?1", [id], |r| render(r, with_secret)))?
        .ok_or_else(|| ApiError::not_found(format!("Webhook '{id}' not found")))
}

fn check_url(url: &str) -> ApiResult<()> {
    ascend_core::config::check_url(url).map_err(|_| {
        ApiError::invalid(
            "url",
            "Must be an https:// URL, or http:// to a loopback address (localhost, 127.0.0.1, ::1)",
        )
    })
}

fn check_events(events: &[String]) -> ApiResult<()> {
    let bad: Vec<&String> = events.iter().filter(|e| !EVENT_TYPES.contains(&e.as_str())).collect();
    if events.is_empty() || !bad.is_empty() {
        return Err(ApiError::invalid("events", format!("Valid events: {EVENT_TYPES:?}; invalid: {bad:?}")));
    }
    Ok(())
}

/// `POST /api/webhooks/configure` `{url, events, agent_id?, secret?}`. Without a secret one is generated
/// (`whsec_…`) and returned once, in this response.
pub async fn configure(State(state): State<AppState>, body: JsonBody) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let f = Fields(&body);
    let url = f.req_str("url")?;
    check_url(&url)?;
    let events = f.opt_str_list("events")?.unwrap_or_default();
    check_events(&events)?;
    let secret = f.opt_str("secret")?.filter(|s| !s.is_empty()).unwrap_or_else(webhooks::generate_secret);
    let agent = f.opt_str("agent_id")?;
    let id = format!("wh_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    let hook = state.db.tx(|tx| -> ApiResult<Value> {
        let now = now_iso();
        tx.execute(
            "INSERT INTO webhooks (webhook_id, url, events, secret, agent_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, url, json!(events).to_string(), secret, agent, now],
        )?;
        audit::append(tx, Entry { event_type: "webhook.configured", actor: Some("api"), resource: Some(format!("webhook:{id}")), action: Some("configure"), outcome: Some("ok"), details: json!({"url": url, "events": events}) })?;
        load(tx, &id, true)
    })?;
    Ok(Json(hook))
}

/// `GET /api/webhooks` → `{"webhooks": [...]}` (secrets are not listed).
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let mut stmt = c.prepare("SELECT * FROM webhooks ORDER BY created_at")?;
    let rows = stmt.query_map([], |r| render(r, false))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"webhooks": rows, "total": rows.len()})))
}

/// `PUT /api/webhooks/{id}` with any of `url`, `events`, `secret`, `active`.
pub async fn update(State(state): State<AppState>, Path(id): Path<String>, body: JsonBody) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let f = Fields(&body);
    let url = f.opt_str("url")?;
    if let Some(u) = url.as_deref() {
        check_url(u)?;
    }
    let events = f.opt_str_list("events")?;
    if let Some(e) = events.as_deref() {
        check_events(e)?;
    }
    let secret = f.opt_str("secret")?.filter(|s| !s.is_empty());
    let active = f.opt_bool("active")?;
    let hook = state.db.tx(|tx| -> ApiResult<Value> {
        load(tx, &id, false)?;
        tx.execute(
            "UPDATE webhooks SET url = COALESCE(?2, url), events = COALESCE(?3, events), secret = COALESCE(?4, secret),
               active = COALESCE(?5, active), updated_at = ?6 WHERE webhook_id = ?1",
            params![id, url, events.map(|e| json!(e).to_string()), secret, active, now_iso()],
        )?;
        audit::append(
            tx,
            Entry {
                event_type: "webhook.updated",
                actor: Some("api"),
                resource: Some(format!("webhook:{id}")),
                action: Some("update"),
                outcome: Some("ok"),
                details: json!({"url": url}),
            },
        )?;
        load(tx, &id, false)
    })?;
    Ok(Json(hook))
}

/// `DELETE /api/webhooks/{id}` → JSON (not 204, which the peer cannot parse).
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    state.db.tx(|tx| -> ApiResult<()> {
        load(tx, &id, false)?;
        tx.execute("DELETE FROM webhooks WHERE webhook_id = ?1", [&id])?;
        audit::append(
            tx,
            Entry {
                event_type: "webhook.deleted",
                actor: Some("api"),
                resource: Some(format!("webhook:{id}")),
                action: Some("delete"),
                outcome: Some("ok"),
                details: json!({}),
            },
        )?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true, "webhook_id": id, "message": "Webhook deleted"})))
}

/// `POST /api/webhooks/{id}/test`: one signed `webhook.test` delivery, synchronously (not retried).
pub async fn test(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let (url, secret) = {
        let c = state.db.lock();
        opt(c.query_row("SELECT url, secret FROM webhooks WHERE webhook_id = ?1", [&id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        }))?
        .ok_or_else(|| ApiError::not_found(format!("Webhook '{id}' not found")))?
    };
    let msg_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let payload = json!({"id": msg_id, "type": "webhook.test", "timestamp": now_iso(), "data": {"webhook_id": id, "message": "Test event from ascend-dev"}});
    let a = webhooks::send(
        &state.http,
        &url,
        &secret,
        &msg_id,
        &payload.to_string(),
        state.cfg.webhook_retry.attempt_timeout,
    )
    .await;
    let ok = a.ok();
    Ok(Json(json!({
        "success": ok, "status_code": a.status, "response_time_ms": (a.elapsed_ms * 100.0).round() / 100.0,
        "error": a.error.or_else(|| (!ok).then(|| format!("HTTP {}", a.status.unwrap_or_default()))),
    })))
}

/// `GET /api/admin/webhooks/deliveries[?state=pending|delivered|failed]`.
pub async fn deliveries(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let filter = q.get("state").cloned();
    let c = state.db.lock();
    let mut stmt = c.prepare("SELECT * FROM deliveries WHERE (?1 IS NULL OR state = ?1) ORDER BY id")?;
    let rows = stmt.query_map([filter], webhooks::delivery_json)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"deliveries": rows, "total": rows.len()})))
}
