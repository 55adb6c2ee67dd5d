//! Action endpoints: submit, MCP submit, status (with long poll), details, list, complete, fail, approval check.

use crate::actions::{self, Status, Submission};
use crate::error::{parse_id, ApiError, ApiResult, Fields, JsonBody};
use crate::longpoll::MAX_WAIT_SECS;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Header advertising long polling on status responses.
pub const LONG_POLL_HEADER: &str = "x-ascend-long-poll";

fn idempotency_key(h: &HeaderMap) -> ApiResult<Option<String>> {
    match h.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let k = v.to_str().map_err(|_| ApiError::bad_request("Idempotency-Key must be ASCII"))?.trim();
            if k.is_empty() || k.len() > 255 {
                return Err(ApiError::bad_request("Idempotency-Key must be 1..255 characters"));
            }
            Ok(Some(k.to_string()))
        }
    }
}

fn with_correlation(mut v: Value, h: &HeaderMap) -> Value {
    if let (Some(m), Some(c)) = (v.as_object_mut(), h.get("x-correlation-id").and_then(|c| c.to_str().ok())) {
        m.insert("correlation_id".into(), c.into());
    }
    v
}

/// `POST /api/v1/actions/submit`.
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: JsonBody) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let sub = Submission::parse(body.object()?)?;
    let (action, replay) = actions::submit(&state, sub, key)?;
    let mut resp = Json(with_correlation(action, &headers)).into_response();
    if replay {
        resp.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(resp)
}

/// `POST /api/v1/mcp/actions/submit` (PROTOCOL §5.b.1 body): the same pipeline, with MCP governance on
/// `mcp_server`; adds `success` (false when denied).
pub async fn submit_mcp(State(state): State<AppState>, headers: HeaderMap, body: JsonBody) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let body = body.object()?;
    let f = Fields(&body);
    let server = f.req_str("mcp_server")?;
    let namespace = f.opt_str("namespace")?.unwrap_or_default();
    let verb = f.opt_str("verb")?.unwrap_or_default();
    let context = f.opt_obj("context")?.unwrap_or_default();
    let agent_id =
        context.get("agent_id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| format!("mcp:{server}"));
    let mut sub = Map::new();
    sub.insert("agent_id".into(), agent_id.into());
    sub.insert("agent_name".into(), Value::Null);
    let action_type =
        f.opt_str("action_type")?.filter(|s| !s.is_empty()).unwrap_or_else(|| format!("{namespace}.{verb}"));
    sub.insert("action_type".into(), action_type.into());
    sub.insert("resource".into(), f.req_str("resource")?.into());
    for k in ["description", "tool_name"] {
        if let Some(v) = f.opt_str(k)? {
            sub.insert(k.into(), v.into());
        }
    }
    sub.insert("action_details".into(), Value::Object(f.opt_obj("parameters")?.unwrap_or_default()));
    let mut ctx = context;
    ctx.insert("environment".into(), f.opt_str("environment")?.unwrap_or_else(|| "production".into()).into());
    ctx.insert("mcp_namespace".into(), namespace.into());
    ctx.insert("mcp_verb".into(), verb.into());
    sub.insert("context".into(), Value::Object(ctx));
    sub.insert("mcp_server_name".into(), server.into());
    let (mut action, _) = actions::submit(&state, Submission::parse(sub)?, key)?;
    if let Some(m) = action.as_object_mut() {
        let denied = m.get("status").and_then(Value::as_str) == Some("rejected");
        m.insert("success".into(), (!denied).into());
    }
    Ok(Json(with_correlation(action, &headers)).into_response())
}

/// `GET /api/v1/actions/{id}/status[?wait=N]`: returns at once, or — with `wait` — as soon as a pending
/// action is decided or after `min(N, 30)` seconds.
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = parse_id("Action", &id)?;
    let wait = match q.get("wait").map(|w| w.trim()) {
        None | Some("") => 0.0,
        Some(w) => w
            .parse::<f64>()
            .ok()
            .filter(|w| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| ApiError::invalid("wait", "Must be a non-negative number of seconds"))?
            .min(MAX_WAIT_SECS as f64),
    };
    let mut rx = (wait > 0.0).then(|| state.longpoll.subscribe(id));
    let load = || -> ApiResult<Value> {
        actions::load(&state.db.lock(), id)?.ok_or_else(|| ApiError::not_found(format!("Action {id} not found")))
    };
    let mut action = load();
    let pending = |a: &ApiResult<Value>| a.as_ref().is_ok_and(|v| v["status"] == Status::PendingApproval.as_str());
    if let Some(rx) = rx.as_mut() {
        if pending(&action) {
            let mut shutdown = state.shutdown.clone();
            tokio::select! {
                _ = tokio::time::timeout(Duration::from_secs_f64(wait), rx.changed()) => {}
                _ = shutdown.wait_for(|s| *s) => {}
            }
            action = load();
        }
    }
    drop(rx);
    state.longpoll.release(id);
    let mut resp = Json(with_correlation(action?, &headers)).into_response();
    resp.headers_mut().insert(LONG_POLL_HEADER, HeaderValue::from_str(&format!("max={MAX_WAIT_SECS}")).expect("ascii"));
    Ok(resp)
}

/// `GET /api/v1/actions/{id}`: the full record.
pub async fn details(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_id("Action", &id)?;
    let c = state.db.lock();
    let mut v = actions::load(&c, id)?.ok_or_else(|| ApiError::not_found(format!("Action {id} not found")))?;
    let request: String = c.query_row("SELECT request FROM actions WHERE id = ?1", [id], |r| r.get(0))?;
    let mut trail = c.prepare("SELECT * FROM audit_log WHERE resource = ?1 ORDER BY seq")?;
    let trail =
        trail.query_map([format!("action:{id}")], crate::audit::row_json)?.collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(m) = v.as_object_mut() {
        m.insert("request".into(), serde_json::from_str(&request).unwrap_or(Value::Null));
        m.insert(
            "updated_at".into(),
            m.get("decision_at").filter(|d| !d.is_null()).or(m.get("created_at")).cloned().unwrap_or(Value::Null),
        );
        m.insert("audit_trail".into(), Value::Array(trail));
    }
    Ok(Json(v))
}

/// Parses `limit`/`offset` query parameters.
pub fn paging(q: &HashMap<String, String>, default_limit: i64) -> ApiResult<(i64, i64)> {
    let num = |k: &str, d: i64, min: i64| -> ApiResult<i64> {
        match q.get(k) {
            None => Ok(d),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= min)
                .ok_or_else(|| ApiError::invalid(k, format!("Must be an integer >= {min}"))),
        }
    };
    Ok((num("limit", default_limit, 1)?.min(1000), num("offset", 0, 0)?))
}

/// `GET /api/agent-activity?limit&offset&status&agent_id`.
pub async fn list(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let (limit, offset) = paging(&q, 50)?;
    let (rows, total) = actions::list(
        &state.db.lock(),
        q.get("status").map(String::as_str),
        q.get("agent_id").map(String::as_str),
        limit,
        offset,
    )?;
    Ok(Json(json!({"actions": rows, "total": total, "limit": limit, "offset": offset})))
}

/// `POST /api/agent-action/{id}/complete`.
pub async fn complete(State(state): State<AppState>, Path(id): Path<String>, body: JsonBody) -> ApiResult<Json<Value>> {
    let id = parse_id("Action", &id)?;
    Ok(Json(actions::record_execution(&state, id, true, &body.object()?)?))
}

/// `POST /api/agent-action/{id}/fail`.
pub async fn fail(State(state): State<AppState>, Path(id): Path<String>, body: JsonBody) -> ApiResult<Json<Value>> {
    let id = parse_id("Action", &id)?;
    Ok(Json(actions::record_execution(&state, id, false, &body.object()?)?))
}

/// `GET /api/sdk/approval/{id}` (the approval request id is the action id).
pub async fn approval(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_id("Approval request", &id)?;
    let a = actions::load(&state.db.lock(), id)?
        .ok_or_else(|| ApiError::not_found(format!("Approval request {id} not found")))?;
    let status = match a["status"].as_str() {
        Some("approved") => "approved",
        Some("rejected") => "rejected",
        _ => "pending",
    };
    Ok(Json(json!({
        "approval_request_id": id.to_string(), "action_id": id.to_string(), "status": status,
        "approved_by": if status == "approved" { a.get("reviewed_by").cloned().unwrap_or(Value::Null) } else { Value::Null },
        "rejected_by": if status == "rejected" { a.get("reviewed_by").cloned().unwrap_or(Value::Null) } else { Value::Null },
        "decided_at": a["decision_at"], "rejection_reason": if status == "rejected" { a["reason"].clone() } else { Value::Null },
    })))
}

/// 404 for unknown routes, as JSON.
pub async fn not_found() -> ApiError {
    ApiError::not_found("Not found")
}

/// 405 for a known route with the wrong method, as JSON.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
}
