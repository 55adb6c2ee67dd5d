//! Model registry: compliance status per model id (`approved` | `partially_approved` | `denied`). Agents read
//! it with the API key; only the admin token writes it (`ascend-dev models add`).

use crate::audit::{self, Entry};
use crate::db::{now_iso, opt};
use crate::error::{ApiError, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

/// Accepted compliance statuses.
pub const COMPLIANCE: &[&str] = &["approved", "partially_approved", "denied"];

fn render(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>("id")?,
        "model_id": r.get::<_, String>("model_id")?,
        "name": r.get::<_, Option<String>>("name")?,
        "compliance_status": r.get::<_, String>("compliance_status")?,
        "created_at": r.get::<_, String>("created_at")?,
        "updated_at": r.get::<_, String>("updated_at")?,
    }))
}

fn load(c: &Connection, key: &str) -> ApiResult<Value> {
    let by_num = key.parse::<i64>().ok();
    opt(c.query_row(
        "SELECT * FROM models WHERE model_id = ?1 OR id = ?2 ORDER BY model_id = ?1 DESC LIMIT 1",
        params![key, by_num],
        render,
    ))?
    .ok_or_else(|| ApiError::not_found(format!("Model '{key}' not found")))
}

/// `GET /api/registry/models` (API key) and `GET /api/admin/models`.
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let mut stmt = c.prepare("SELECT * FROM models ORDER BY id")?;
    let rows = stmt.query_map([], render)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"models": rows, "total": rows.len()})))
}

/// `GET /api/registry/models/{id}` — by model id or registry number.
pub async fn get(State(state): State<AppState>, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(load(&state.db.lock(), &key)?))
}

/// `POST /api/admin/models` `{model_id, compliance_status | status, name?}`: adds or updates a model.
pub async fn upsert(State(state): State<AppState>, body: JsonBody) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let f = Fields(&body);
    let model_id = f.req_str("model_id")?;
    let status = f
        .opt_str("compliance_status")?
        .or(f.opt_str("status")?)
        .ok_or_else(|| ApiError::invalid("compliance_status", "Required field is missing"))?;
    if !COMPLIANCE.contains(&status.as_str()) {
        return Err(ApiError::invalid("compliance_status", "Must be approved, partially_approved or denied"));
    }
    let name = f.opt_str("name")?;
    let model = state.db.tx(|tx| -> ApiResult<Value> {
        let now = now_iso();
        tx.execute(
            "INSERT INTO models (model_id, name, compliance_status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(model_id) DO UPDATE SET compliance_status = excluded.compliance_status,
               name = COALESCE(excluded.name, models.name), updated_at = excluded.updated_at",
            params![model_id, name, status, now],
        )?;
        audit::append(
            tx,
            Entry {
                event_type: "model.registered",
                actor: Some("admin"),
                resource: Some(format!("model:{model_id}")),
                action: Some("upsert"),
                outcome: Some(&status),
                details: json!({"name": name}),
            },
        )?;
        load(tx, &model_id)
    })?;
    Ok(Json(json!({"success": true, "model": model})))
}

/// `DELETE /api/admin/models/{id}`.
pub async fn delete(State(state): State<AppState>, Path(key): Path<String>) -> ApiResult<Json<Value>> {
    state.db.tx(|tx| -> ApiResult<()> {
        let m = load(tx, &key)?;
        tx.execute("DELETE FROM models WHERE id = ?1", [m["id"].as_i64()])?;
        audit::append(
            tx,
            Entry {
                event_type: "model.deleted",
                actor: Some("admin"),
                resource: Some(format!("model:{}", m["model_id"].as_str().unwrap_or_default())),
                action: Some("delete"),
                outcome: Some("ok"),
                details: json!({}),
            },
        )?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true})))
}
