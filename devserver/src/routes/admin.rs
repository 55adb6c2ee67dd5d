//! Admin endpoints (admin token): human review of pending actions.

use super::actions::paging;
use crate::actions;
use crate::error::{parse_id, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

/// `GET /api/admin/actions[?status=pending&agent_id&limit&offset]`: actions in the reviewer's view
/// ([`crate::review::view`]: parameters, context, risk, agent and thresholds, age).
pub async fn list(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let (limit, offset) = paging(&q, 100)?;
    let (rows, total) = crate::review::list(
        &state.db.lock(),
        &state,
        q.get("status").map(String::as_str),
        q.get("agent_id").map(String::as_str),
        limit,
        offset,
    )?;
    Ok(Json(json!({"actions": rows, "total": total})))
}

/// `POST /api/admin/actions/{id}/approve` `{comment?, reviewer?}`.
pub async fn approve(State(state): State<AppState>, Path(id): Path<String>, body: JsonBody) -> ApiResult<Json<Value>> {
    let id = parse_id("Action", &id)?;
    let body = body.object()?;
    let f = Fields(&body);
    let reviewer = f.opt_str("reviewer")?.filter(|s| !s.is_empty()).unwrap_or_else(|| "admin".into());
    Ok(Json(actions::review(&state, id, true, &reviewer, f.opt_str("comment")?)?))
}

/// `POST /api/admin/actions/{id}/deny` `{reason, reviewer?}` (a reason is required).
pub async fn deny(State(state): State<AppState>, Path(id): Path<String>, body: JsonBody) -> ApiResult<Json<Value>> {
    let id = parse_id("Action", &id)?;
    let body = body.object()?;
    let f = Fields(&body);
    let reason = f.req_str("reason")?;
    let reviewer = f.opt_str("reviewer")?.filter(|s| !s.is_empty()).unwrap_or_else(|| "admin".into());
    Ok(Json(actions::review(&state, id, false, &reviewer, Some(reason))?))
}

/// `GET /health` (no auth).
pub async fn health() -> Json<Value> {
    Json(json!({"status": "healthy", "service": "ascend-dev", "version": env!("CARGO_PKG_VERSION")}))
}

/// `GET /api/deployment-info` (no auth).
pub async fn deployment_info(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "version": env!("CARGO_PKG_VERSION"), "environment": "development", "deployment": "ascend-dev",
        "database": if state.cfg.db == ":memory:" { "memory" } else { "sqlite" },
        "features": {"long_poll": true, "idempotency_key": true, "webhooks": "standard_webhooks_v1", "audit_chain": "sha256"},
    }))
}
