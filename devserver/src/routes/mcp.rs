//! MCP server registry: register, list, get, activate, deactivate, delete. Relaxing changes need the admin
//! token: registering with `auto_approve_tools` (they skip the thresholds), activating a deactivated server,
//! and deleting a deactivated server or one with `blocked_tools` (re-registering would drop the restriction).

use crate::audit::{self, Entry};
use crate::auth::{require_admin_to_relax, Role};
use crate::db::{json_col, now_iso, opt};
use crate::error::{ApiError, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

fn render(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, i64>("id")?,
        "server_name": r.get::<_, String>("server_name")?,
        "display_name": r.get::<_, Option<String>>("display_name")?,
        "description": r.get::<_, Option<String>>("description")?,
        "server_url": r.get::<_, Option<String>>("server_url")?,
        "transport_type": r.get::<_, String>("transport_type")?,
        "connection_config": json_col(r.get("connection_config")?),
        "governance_enabled": r.get::<_, bool>("governance_enabled")?,
        "auto_approve_tools": json_col(r.get("auto_approve_tools")?),
        "blocked_tools": json_col(r.get("blocked_tools")?),
        "tool_risk_overrides": json_col(r.get("tool_risk_overrides")?),
        "is_active": r.get::<_, bool>("active")?,
        "status": if r.get::<_, bool>("active")? { "active" } else { "inactive" },
        "deactivation_reason": r.get::<_, Option<String>>("deactivation_reason")?,
        "created_at": r.get::<_, String>("created_at")?,
        "updated_at": r.get::<_, String>("updated_at")?,
    }))
}

fn load(c: &Connection, name: &str) -> ApiResult<Value> {
    opt(c.query_row("SELECT * FROM mcp_servers WHERE server_name = ?1", [name], render))?
        .ok_or_else(|| ApiError::not_found(format!("MCP server '{name}' not found")))
}

fn audit_mcp(c: &Connection, name: &str, action: &str, details: Value) -> rusqlite::Result<i64> {
    audit::append(
        c,
        Entry {
            event_type: "mcp_server.changed",
            actor: Some("api"),
            resource: Some(format!("mcp_server:{name}")),
            action: Some(action),
            outcome: Some("ok"),
            details,
        },
    )
}

/// `POST /api/registry/mcp-servers` → 201 `{success, message, server}`; 409 if the name is taken.
pub async fn register(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    body: JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let body = body.object()?;
    let f = Fields(&body);
    let name = f.req_str("server_name")?;
    let transport = f.opt_str("transport_type")?.unwrap_or_else(|| "stdio".into());
    let gov = f.opt_bool("governance_enabled")?.unwrap_or(true);
    let list = |k: &str| -> ApiResult<String> {
        Ok(serde_json::to_string(&f.opt_str_list(k)?.unwrap_or_default()).unwrap_or_else(|_| "[]".into()))
    };
    let (auto, blocked) = (list("auto_approve_tools")?, list("blocked_tools")?);
    if auto != "[]" {
        require_admin_to_relax(role, &format!("Registering MCP server '{name}' with auto_approve_tools"))?;
    }
    let overrides = Value::Object(f.opt_obj("tool_risk_overrides")?.unwrap_or_default()).to_string();
    let config = f.opt_obj("connection_config")?.map(|m| Value::Object(m).to_string());
    let (display, desc, url) = (f.opt_str("display_name")?, f.opt_str("description")?, f.opt_str("server_url")?);
    let server = state.db.tx(|tx| -> ApiResult<Value> {
        if opt(tx.query_row("SELECT 1 FROM mcp_servers WHERE server_name = ?1", [&name], |r| r.get::<_, i64>(0)))?.is_some() {
            return Err(ApiError::conflict(format!("MCP server '{name}' already exists")));
        }
        let now = now_iso();
        tx.execute(
            "INSERT INTO mcp_servers (server_name, display_name, description, server_url, transport_type, connection_config,
               governance_enabled, auto_approve_tools, blocked_tools, tool_risk_overrides, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![name, display, desc, url, transport, config, gov, auto, blocked, overrides, now],
        )?;
        audit_mcp(tx, &name, "register", json!({"transport_type": transport}))?;
        load(tx, &name)
    })?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"success": true, "message": format!("MCP server '{name}' registered"), "server": server})),
    ))
}

/// `GET /api/registry/mcp-servers`.
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let c = state.db.lock();
    let mut stmt = c.prepare("SELECT * FROM mcp_servers ORDER BY server_name")?;
    let rows = stmt.query_map([], render)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"servers": rows, "total": rows.len()})))
}

/// `GET /api/registry/mcp-servers/{name}`.
pub async fn get(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(load(&state.db.lock(), &name)?))
}

async fn set_active(state: &AppState, name: &str, active: bool, reason: Option<String>) -> ApiResult<Json<Value>> {
    let server = state.db.tx(|tx| -> ApiResult<Value> {
        load(tx, name)?;
        tx.execute(
            "UPDATE mcp_servers SET active = ?2, deactivation_reason = ?3, updated_at = ?4 WHERE server_name = ?1",
            params![name, active, reason, now_iso()],
        )?;
        audit_mcp(tx, name, if active { "activate" } else { "deactivate" }, json!({"reason": reason}))?;
        load(tx, name)
    })?;
    let verb = if active { "activated" } else { "deactivated" };
    Ok(Json(json!({"success": true, "message": format!("MCP server '{name}' {verb}"), "server": server})))
}

/// `POST /api/registry/mcp-servers/{name}/activate` (admin token when the server is deactivated).
pub async fn activate(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let active = load(&state.db.lock(), &name)?["is_active"] == true;
    if !active {
        require_admin_to_relax(role, &format!("Activating deactivated MCP server '{name}'"))?;
    }
    set_active(&state, &name, true, None).await
}

/// `POST /api/registry/mcp-servers/{name}/deactivate` (optional body `{"reason"}`).
pub async fn deactivate(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: JsonBody,
) -> ApiResult<Json<Value>> {
    let body = body.object()?;
    let reason = Fields(&body).opt_str("reason")?;
    set_active(&state, &name, false, reason).await
}

/// `DELETE /api/registry/mcp-servers/{name}` (admin token when it is deactivated or has `blocked_tools`).
pub async fn delete(
    State(state): State<AppState>,
    Extension(role): Extension<Role>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    state.db.tx(|tx| -> ApiResult<()> {
        let s = load(tx, &name)?;
        let restricted = s["is_active"] != true || s["blocked_tools"].as_array().is_some_and(|b| !b.is_empty());
        if restricted {
            require_admin_to_relax(
                role,
                &format!("Deleting restricted MCP server '{name}' (deactivated or with blocked_tools)"),
            )?;
        }
        tx.execute("DELETE FROM mcp_servers WHERE server_name = ?1", [&name])?;
        audit_mcp(tx, &name, "delete", json!({}))?;
        Ok(())
    })?;
    Ok(Json(json!({"success": true, "message": format!("MCP server '{name}' deleted")})))
}
