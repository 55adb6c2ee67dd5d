//! Real-time policy evaluation, audit log query and verification, resource classifications.

use super::actions::paging;
use crate::actions::agent_policy;
use crate::audit;
use crate::error::{ApiError, ApiResult, Fields, JsonBody};
use crate::state::AppState;
use ascend_core::prescore::{ActionInput, Prescorer, Thresholds};
use axum::extract::{Query, State};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;

/// `POST /api/governance/policies/evaluate-realtime` `{action_type, resource, risk_score?, context?}`: what
/// the decision would be, without recording an action. Thresholds are those of `context.agent_id` if given.
pub async fn evaluate(State(state): State<AppState>, body: JsonBody) -> ApiResult<Json<Value>> {
    let start = Instant::now();
    let body = body.object()?;
    let f = Fields(&body);
    let action_type = f.req_str("action_type")?;
    let resource = f.req_str("resource")?;
    let context = f.opt_obj("context")?.unwrap_or_default();
    let given = f.opt_f64("risk_score")?;
    let agent = context.get("agent_id").and_then(Value::as_str).map(str::to_string);
    let policy = match agent.as_deref() {
        Some(a) => agent_policy(&state.db.lock(), a)?,
        None => None,
    };
    let th = Thresholds {
        auto_approve_below: policy.as_ref().and_then(|p| p.auto_approve_below).unwrap_or(state.cfg.auto_approve_below),
        deny_at: policy.as_ref().and_then(|p| p.deny_at).or(state.cfg.deny_at),
    };
    let text = |k: &str| context.get(k).and_then(Value::as_str).map(str::to_string);
    let input = ActionInput {
        action_type: action_type.clone(),
        resource: resource.clone(),
        environment: text("environment"),
        data_sensitivity: text("data_sensitivity"),
        context: context.clone(),
        ..Default::default()
    };
    let score = Prescorer::builtin().score(&input, &th);
    let risk = given.unwrap_or(score.risk_score);
    let (decision, policy_id, effect) = if th.deny_at.is_some_and(|d| risk >= d) {
        ("denied", "threshold.deny_at", "deny")
    } else if risk >= th.auto_approve_below {
        ("pending", "threshold.require_approval", "require_approval")
    } else {
        ("allowed", "threshold.auto_approve", "allow")
    };
    let violations: Vec<String> = if decision == "denied" {
        vec![format!("risk score {risk:.1} >= deny_at {}", th.deny_at.unwrap_or_default())]
    } else {
        vec![]
    };
    Ok(Json(json!({
        "decision": decision,
        "status": match decision { "allowed" => "approved", "pending" => "pending_approval", _ => "rejected" },
        "matched_policies": [{"policy_id": policy_id, "name": policy_id, "effect": effect,
                              "thresholds": {"auto_approve_below": th.auto_approve_below, "deny_at": th.deny_at}}],
        "violations": violations,
        "risk_score": risk,
        "risk_level": score.risk_level.as_str(),
        "risk_factors": score.factors,
        "evaluation_time_ms": (start.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
    })))
}

/// `GET /audit/logs?limit&offset[&event_type]`: `{events, total, page, page_size}`, oldest first.
pub async fn audit_logs(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = paging(&q, 50)?;
    let et = q.get("event_type").cloned();
    let c = state.db.lock();
    let total: i64 =
        c.query_row("SELECT COUNT(*) FROM audit_log WHERE (?1 IS NULL OR event_type = ?1)", [&et], |r| r.get(0))?;
    let mut stmt =
        c.prepare("SELECT * FROM audit_log WHERE (?1 IS NULL OR event_type = ?1) ORDER BY seq LIMIT ?2 OFFSET ?3")?;
    let rows =
        stmt.query_map(rusqlite::params![et, limit, offset], audit::row_json)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Json(json!({"events": rows, "total": total, "page": offset / limit + 1, "page_size": limit})))
}

/// `GET /api/admin/audit/verify`: recomputes the hash chain.
pub async fn audit_verify(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(audit::verify(&state.db.lock())?.to_json()))
}

/// `GET /api/v1/resource-classifications[?resource_type=]`: a small built-in table.
pub async fn classifications(Query(q): Query<HashMap<String, String>>) -> ApiResult<Json<Value>> {
    let all = [
        ("customer_db", "high", vec!["PII", "GDPR"]),
        ("customer_financial_records", "critical", vec!["PII", "PCI-DSS", "SOX"]),
        ("customer_profiles", "high", vec!["PII"]),
        ("market_data", "medium", vec![]),
        ("public_docs", "low", vec![]),
    ];
    let items: Vec<Value> = all
        .iter()
        .filter(|(t, _, _)| q.get("resource_type").is_none_or(|r| r == t))
        .map(|(t, s, tags)| json!({"resource_id": format!("rc_{t}"), "resource_type": t, "sensitivity_level": s, "compliance_tags": tags, "metadata": {}}))
        .collect();
    if items.is_empty() {
        return Err(ApiError::not_found("No classification for this resource type"));
    }
    Ok(Json(json!({"classifications": items})))
}
