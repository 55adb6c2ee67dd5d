//! The governed-action lifecycle: submit → score (ascend-core's pre-scorer) → decide (per-agent thresholds,
//! kill switch, MCP and model governance) → human review → completion. Every change is one SQLite
//! transaction that also appends the audit entry and queues the webhook events it causes.

use crate::audit::{self, Entry};
use crate::db::{json_col, now_iso, opt};
use crate::error::{ApiError, ApiResult, Fields};
use crate::state::AppState;
use crate::webhooks;
use ascend_core::model::normalise_status;
use ascend_core::prescore::{ActionInput, PreScore, Prescorer, Thresholds};
use axum::http::StatusCode;
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

/// The guides' status of an action (`status` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `approved`.
    Approved,
    /// `pending_approval`.
    PendingApproval,
    /// `rejected`.
    Rejected,
}

impl Status {
    /// Wire value of `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::PendingApproval => "pending_approval",
            Status::Rejected => "rejected",
        }
    }
    /// Parses a stored status.
    pub fn parse(s: &str) -> Status {
        match s {
            "approved" => Status::Approved,
            "rejected" => Status::Rejected,
            _ => Status::PendingApproval,
        }
    }
    /// The peer's `decision` value, derived with ascend-core's status normalisation (DECISIONS D5).
    pub fn decision(self) -> &'static str {
        normalise_status(self.as_str()).decision.as_str()
    }
    /// `enforcement_decision` of PROTOCOL §6.2.
    fn enforcement(self) -> &'static str {
        match self {
            Status::Approved => "auto_approved",
            Status::PendingApproval => "pending_approval",
            Status::Rejected => "denied",
        }
    }
    /// The webhook event announcing this status.
    pub fn event(self) -> &'static str {
        match self {
            Status::Approved => "action.approved",
            Status::PendingApproval => "action.pending",
            Status::Rejected => "action.denied",
        }
    }
}

/// A parsed `POST /api/v1/actions/submit` body.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Agent id.
    pub agent_id: String,
    /// Agent display name.
    pub agent_name: Option<String>,
    /// Action type.
    pub action_type: String,
    /// Resource (falls back to `tool_name`).
    pub resource: String,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Description (top level, else `action_details.description`, else `"<type> on <resource>"`).
    pub description: String,
    /// Tool name (top level, else `action_details.tool_name`).
    pub tool_name: Option<String>,
    /// Context object.
    pub context: Map<String, Value>,
    /// Risk indicators object.
    pub risk_indicators: Map<String, Value>,
    /// MCP server the action goes through.
    pub mcp_server_name: Option<String>,
    /// Model the action uses.
    pub model_id: Option<String>,
    /// The request body as received.
    pub request: Value,
    /// A decision the client already made offline (`context.offline_decision` of a spool replay, D18).
    pub offline: Option<OfflineDecision>,
}

/// A decision made by the client while the server was unreachable, replayed from its spool: the body's
/// `context.offline_decision` = `{decision: "allowed" | "denied", fail_mode, decided_at, action_id, ...}`.
/// Such a record is stored as already decided, never queued for review.
#[derive(Debug, Clone)]
pub struct OfflineDecision {
    /// Whether the client allowed the action.
    pub allowed: bool,
    /// The object as sent (kept in the audit log).
    pub raw: Value,
}

impl OfflineDecision {
    /// Reads `context.offline_decision`; anything but an object whose `decision` is `allowed` or `denied` is
    /// `None` (the submission is then decided like any other).
    pub fn from_context(context: &Map<String, Value>) -> Option<OfflineDecision> {
        let raw = context.get("offline_decision")?;
        let allowed = match raw.get("decision")?.as_str()?.trim().to_ascii_lowercase().as_str() {
            "allowed" => true,
            "denied" => false,
            _ => return None,
        };
        Some(OfflineDecision { allowed, raw: raw.clone() })
    }

    fn describe(&self) -> String {
        let field = |k: &str| self.raw.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
        format!(
            "{} offline by the client (fail_mode={}, {} at {})",
            if self.allowed { "Allowed" } else { "Denied" },
            field("fail_mode"),
            field("error_code"),
            field("decided_at")
        )
    }

    /// The stored verdict: a DENIED record stays rejected; an ALLOWED one is approved only when the server's
    /// own verdict is an approval, otherwise it is recorded as rejected (it ran without the server's approval,
    /// and a replay must never grant one).
    fn verdict(&self, server: Status, server_reason: Option<&str>) -> (Status, String) {
        let what = self.describe();
        match (self.allowed, server) {
            (false, _) => (Status::Rejected, format!("{what}; recorded from the client's spool")),
            (true, Status::Approved) => (
                Status::Approved,
                format!("{what}; the server's policy agrees: {}", server_reason.unwrap_or("approved")),
            ),
            (true, Status::PendingApproval) => (
                Status::Rejected,
                format!("{what}, but the server's policy requires human review; recorded after the fact, not approved"),
            ),
            (true, Status::Rejected) => (
                Status::Rejected,
                format!(
                    "{what}, but the server's policy denies it ({}); recorded after the fact, not approved",
                    server_reason.unwrap_or("rejected")
                ),
            ),
        }
    }
}

impl Submission {
    /// Validates a submit body; errors are 422 with `errors: {field: message}`.
    pub fn parse(body: Map<String, Value>) -> ApiResult<Submission> {
        let f = Fields(&body);
        let agent_id = f.req_str("agent_id")?;
        let action_type = f.req_str("action_type")?;
        let details = f.opt_obj("action_details")?.unwrap_or_default();
        let d = Fields(&details);
        let tool_name = f.opt_str("tool_name")?.or(d.opt_str("tool_name").ok().flatten()).filter(|s| !s.is_empty());
        let resource =
            f.opt_str("resource")?.filter(|s| !s.is_empty()).or_else(|| tool_name.clone()).ok_or_else(|| {
                ApiError::invalid("resource", "Required field is missing or empty (or give tool_name)")
            })?;
        let description = f
            .opt_str("description")?
            .or(d.opt_str("description").ok().flatten())
            .unwrap_or_else(|| format!("{action_type} on {resource}"));
        let non_blank = |k: &str| -> ApiResult<Option<String>> {
            match f.opt_str(k)? {
                Some(s) if s.is_empty() => Err(ApiError::invalid(k, "Must be a non-empty string")),
                other => Ok(other),
            }
        };
        let context = f.opt_obj("context")?.unwrap_or_default();
        Ok(Submission {
            agent_name: f.opt_str("agent_name")?,
            resource_id: f.opt_str("resource_id")?,
            offline: OfflineDecision::from_context(&context),
            context,
            risk_indicators: f.opt_obj("risk_indicators")?.unwrap_or_default(),
            mcp_server_name: non_blank("mcp_server_name")?,
            model_id: non_blank("model_id")?,
            agent_id,
            action_type,
            resource,
            description,
            tool_name,
            request: Value::Object(body),
        })
    }

    fn prescore_input(&self) -> ActionInput {
        let text = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
        ActionInput {
            action_type: self.action_type.clone(),
            resource: self.resource.clone(),
            description: Some(self.description.clone()),
            tool_name: self.tool_name.clone(),
            environment: text(&self.context, "environment"),
            data_sensitivity: text(&self.context, "data_sensitivity")
                .or_else(|| text(&self.risk_indicators, "data_sensitivity")),
            risk_indicators: self.risk_indicators.clone(),
            context: self.context.clone(),
            mcp_server_name: self.mcp_server_name.clone(),
            model_id: self.model_id.clone(),
        }
    }
}

/// An agent's registry row, as far as decisions need it.
#[derive(Debug, Clone)]
pub struct AgentPolicy {
    /// `active`, `suspended`, `blocked` or `deregistered`.
    pub status: String,
    /// Why it is not active.
    pub status_reason: Option<String>,
    /// Per-agent auto-approve threshold.
    pub auto_approve_below: Option<f64>,
    /// Per-agent automatic-denial threshold.
    pub deny_at: Option<f64>,
}

/// Loads an agent's policy row.
pub fn agent_policy(conn: &Connection, agent_id: &str) -> rusqlite::Result<Option<AgentPolicy>> {
    opt(conn.query_row(
        "SELECT status, status_reason, auto_approve_below, deny_at FROM agents WHERE agent_id = ?1",
        [agent_id],
        |r| {
            Ok(AgentPolicy {
                status: r.get(0)?,
                status_reason: r.get(1)?,
                auto_approve_below: r.get(2)?,
                deny_at: r.get(3)?,
            })
        },
    ))
}

/// The organisation kill switch: `Some(reason)` while active.
pub fn kill_switch(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let (active, reason): (i64, Option<String>) =
        conn.query_row("SELECT active, reason FROM kill_switch WHERE organization_id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((active != 0).then(|| reason.unwrap_or_else(|| "Kill switch active".into())))
}

/// The 403 body of an MCP governance denial (peer detection keys on "governance"/"violation"; D8 also on `_DENY`).
pub fn mcp_denial(server: &str, deactivated: bool) -> ApiError {
    let (why, code) = if deactivated {
        ("is deactivated", "MCP_SERVER_DEACTIVATED_DENY")
    } else {
        ("is not registered in the MCP server registry", "MCP_SERVER_UNREGISTERED_DENY")
    };
    ApiError::new(
        StatusCode::FORBIDDEN,
        json!({
            "error": format!("MCP governance violation: server '{server}' {why}"),
            "code": code,
            "mcp_server_name": server,
            "correlation_id": Value::Null,
        }),
    )
}

struct Governance {
    mcp: Option<Value>,
    model: Option<Value>,
    /// A forced verdict: (status, reason, source).
    forced: Option<(Status, String, &'static str)>,
    /// At least human review (partially approved model).
    needs_review: Option<String>,
    /// Tool auto-approved by its MCP server.
    auto_approved_tool: bool,
}

fn mcp_governance(conn: &Connection, sub: &Submission) -> ApiResult<Option<(Value, Option<String>, bool)>> {
    let Some(name) = sub.mcp_server_name.as_deref() else { return Ok(None) };
    let row = opt(conn.query_row(
        "SELECT active, governance_enabled, auto_approve_tools, blocked_tools FROM mcp_servers WHERE server_name = ?1",
        [name],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
    ))?;
    let Some((active, gov, auto, blocked)) = row else { return Err(mcp_denial(name, false)) };
    if active == 0 {
        return Err(mcp_denial(name, true));
    }
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    let tool = sub.tool_name.as_deref().unwrap_or(&sub.resource);
    let tool_blocked = list(&blocked).iter().any(|t| t == tool);
    let tool_auto = list(&auto).iter().any(|t| t == tool);
    let v = json!({
        "server_registered": true, "server_name": name, "server_active": true,
        "governance_enabled": gov != 0, "tool": tool, "tool_blocked": tool_blocked, "tool_auto_approved": tool_auto,
    });
    let blocked_reason = tool_blocked.then(|| format!("Tool '{tool}' is blocked on MCP server '{name}'"));
    Ok(Some((v, blocked_reason, tool_auto)))
}

fn governance(conn: &Connection, sub: &Submission) -> ApiResult<Governance> {
    let mut g = Governance { mcp: None, model: None, forced: None, needs_review: None, auto_approved_tool: false };
    if let Some((v, blocked, auto)) = mcp_governance(conn, sub)? {
        g.mcp = Some(v);
        g.auto_approved_tool = auto;
        if let Some(reason) = blocked {
            g.forced = Some((Status::Rejected, reason, "mcp_governance"));
        }
    }
    if let Some(model_id) = sub.model_id.as_deref() {
        let status: Option<String> =
            opt(conn.query_row("SELECT compliance_status FROM models WHERE model_id = ?1", [model_id], |r| r.get(0)))?;
        let compliance = status.clone().unwrap_or_else(|| "denied".into());
        g.model = Some(json!({
            "model_id": model_id, "registry_checked": true, "registered": status.is_some(), "compliance_status": compliance,
        }));
        match (status.as_deref(), compliance.as_str()) {
            (None, _) => {
                g.forced.get_or_insert((
                    Status::Rejected,
                    format!("Model '{model_id}' is not in the model registry"),
                    "model_governance",
                ));
            }
            (_, "denied") => {
                g.forced.get_or_insert((
                    Status::Rejected,
                    format!("Model '{model_id}' is denied by the model registry"),
                    "model_governance",
                ));
            }
            (_, "partially_approved") => {
                g.needs_review = Some(format!("Model '{model_id}' is only partially approved; a human must review"));
            }
            _ => {}
        }
    }
    Ok(g)
}

/// Registers `agent_id` on first use (or refuses it with `--require-registration`); refuses deregistered agents.
fn ensure_agent(conn: &Connection, state: &AppState, sub: &Submission) -> ApiResult<AgentPolicy> {
    match agent_policy(conn, &sub.agent_id)? {
        Some(p) if p.status == "deregistered" => Err(ApiError::forbidden(format!(
            "Agent '{}' is deregistered; register it again before submitting actions",
            sub.agent_id
        ))),
        Some(p) => Ok(p),
        None if state.cfg.require_registration => Err(ApiError::forbidden(format!(
            "Agent '{}' is not registered (the dev server runs with --require-registration); register it first",
            sub.agent_id
        ))),
        None => {
            let now = now_iso();
            conn.execute(
                "INSERT INTO agents (agent_id, display_name, auto_registered, registered_at, updated_at) VALUES (?1, ?2, 1, ?3, ?3)",
                params![sub.agent_id, sub.agent_name, now],
            )?;
            audit::append(
                conn,
                Entry {
                    event_type: "agent.registered",
                    actor: Some(&sub.agent_id),
                    resource: Some(format!("agent:{}", sub.agent_id)),
                    action: Some("auto_register"),
                    outcome: Some("ok"),
                    details: json!({"auto_registered": true}),
                },
            )?;
            Ok(AgentPolicy { status: "active".into(), status_reason: None, auto_approve_below: None, deny_at: None })
        }
    }
}

fn message(status: Status, score: f64) -> String {
    let what = match status {
        Status::Approved => "Action auto-approved",
        Status::PendingApproval => "Action queued for human review",
        Status::Rejected => "Action rejected",
    };
    format!("{what} - processed through platform workflow - Risk: {score:.1}")
}

/// Submits an action: returns the stored action's JSON and whether it was a replay of an idempotency key.
pub fn submit(state: &AppState, sub: Submission, idempotency_key: Option<String>) -> ApiResult<(Value, bool)> {
    let score_input = sub.prescore_input();
    // The closure's inner `Err` is a governance denial that must still commit its audit entry.
    let result = state.db.tx(|tx| -> ApiResult<Result<(Value, bool), ApiError>> {
        if let Some(key) = idempotency_key.as_deref() {
            let existing: Option<i64> = opt(tx.query_row("SELECT id FROM actions WHERE idempotency_key = ?1", [key], |r| r.get(0)))?;
            if let Some(id) = existing {
                return Ok(Ok((load(tx, id)?.ok_or_else(|| ApiError::internal("vanished action"))?, true)));
            }
        }
        let agent = ensure_agent(tx, state, &sub)?;
        let gov = match governance(tx, &sub) {
            Ok(g) => g,
            Err(e) => {
                let denial = e.detail.get("error").and_then(Value::as_str).unwrap_or("Governance violation").to_string();
                // Record the governance violation in the audit log and in the webhook stream, then deny.
                audit::append(
                    tx,
                    Entry {
                        event_type: "governance.violation",
                        actor: Some(&sub.agent_id),
                        resource: sub.mcp_server_name.as_ref().map(|s| format!("mcp_server:{s}")),
                        action: Some(&sub.action_type),
                        outcome: Some("denied"),
                        details: json!({"detail": e.detail, "action_type": sub.action_type, "resource": sub.resource}),
                    },
                )?;
                webhooks::enqueue(tx, "policy.violation", Some(&sub.agent_id), json!({"agent_id": sub.agent_id, "detail": e.detail}))?;
                if sub.offline.is_none() {
                    return Ok(Err(e));
                }
                // A replayed offline record is stored (as rejected) so the client's spool drains.
                Governance { mcp: None, model: None, forced: Some((Status::Rejected, denial, "mcp_governance")), needs_review: None, auto_approved_tool: false }
            }
        };
        let thresholds = Thresholds {
            auto_approve_below: agent.auto_approve_below.unwrap_or(state.cfg.auto_approve_below),
            deny_at: agent.deny_at.or(state.cfg.deny_at),
        };
        let score: PreScore = Prescorer::builtin().score(&score_input, &thresholds);
        let ks = kill_switch(tx)?;
        let (status, reason, source) = if let Some(r) = ks {
            (Status::Rejected, Some(format!("Kill switch active: {r}")), "kill_switch")
        } else if agent.status != "active" {
            let why = agent.status_reason.clone().unwrap_or_else(|| format!("agent is {}", agent.status));
            (Status::Rejected, Some(format!("Agent '{}' is {}: {why}", sub.agent_id, agent.status)), "agent_registry")
        } else if let Some((s, r, src)) = gov.forced.clone() {
            (s, Some(r), src)
        } else if thresholds.deny_at.is_some_and(|d| score.risk_score >= d) {
            let d = thresholds.deny_at.unwrap_or_default();
            (Status::Rejected, Some(format!("Risk score {:.1} is at or above the denial threshold {d}", score.risk_score)), "threshold")
        } else if let Some(r) = gov.needs_review.clone() {
            (Status::PendingApproval, Some(r), "model_governance")
        } else if gov.auto_approved_tool {
            (Status::Approved, Some("Tool is auto-approved by its MCP server".into()), "mcp_governance")
        } else if score.risk_score >= thresholds.auto_approve_below {
            (Status::PendingApproval, None, "threshold")
        } else {
            let r = format!("Risk score {:.1} is below the auto-approve threshold {}", score.risk_score, thresholds.auto_approve_below);
            (Status::Approved, Some(r), "threshold")
        };
        let (status, reason, source) = match &sub.offline {
            None => (status, reason, source),
            Some(o) => {
                let (s, r) = o.verdict(status, reason.as_deref());
                (s, Some(r), "offline_replay")
            }
        };
        let now = now_iso();
        let decided_at = (status != Status::PendingApproval).then(|| now.clone());
        let empty_none = |s: &str| (!s.is_empty()).then(|| s.to_string());
        tx.execute(
            "INSERT INTO actions (idempotency_key, agent_id, agent_name, action_type, resource, resource_id, description, tool_name,
               request, risk_score, risk_level, cvss_score, cvss_vector, mitre_tactic, mitre_technique, nist_control, factors,
               status, requires_approval, message, reason, decision_source, auto_approve_below, deny_at, mcp_governance,
               model_governance, created_at, decision_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24,
               ?25, ?26, ?27, ?28)",
            params![
                idempotency_key, sub.agent_id, sub.agent_name, sub.action_type, sub.resource, sub.resource_id, sub.description,
                sub.tool_name, sub.request.to_string(), score.risk_score, score.risk_level.as_str(), score.cvss_score,
                empty_none(&score.cvss_vector), empty_none(&score.mitre_tactic), empty_none(&score.mitre_technique),
                empty_none(&score.nist_control), json!(score.factors).to_string(), status.as_str(),
                status == Status::PendingApproval, message(status, score.risk_score), reason, source,
                thresholds.auto_approve_below, thresholds.deny_at, gov.mcp.map(|v| v.to_string()),
                gov.model.map(|v| v.to_string()), now, decided_at,
            ],
        )?;
        let id = tx.last_insert_rowid();
        let action = load(tx, id)?.ok_or_else(|| ApiError::internal("vanished action"))?;
        audit::append(
            tx,
            Entry {
                event_type: "action.submitted",
                actor: Some(&sub.agent_id),
                resource: Some(format!("action:{id}")),
                action: Some(&sub.action_type),
                outcome: Some(status.as_str()),
                details: json!({"risk_score": score.risk_score, "risk_level": score.risk_level.as_str(), "decision_source": source,
                                "reason": action["reason"], "resource": sub.resource,
                                "offline_decision": sub.offline.as_ref().map(|o| o.raw.clone())}),
            },
        )?;
        webhooks::enqueue(tx, status.event(), Some(&sub.agent_id), action.clone())?;
        Ok(Ok((action, false)))
    });
    let (action, replay) = result??;
    if !replay {
        state.deliveries.notify_one();
    }
    Ok((action, replay))
}

/// A human decision on a pending action (`approve` true/false); 409 when it is already decided.
pub fn review(state: &AppState, id: i64, approve: bool, reviewer: &str, note: Option<String>) -> ApiResult<Value> {
    let action = state.db.tx(|tx| -> ApiResult<Value> {
        let current: Option<String> =
            opt(tx.query_row("SELECT status FROM actions WHERE id = ?1", [id], |r| r.get(0)))?;
        let current = current.ok_or_else(|| ApiError::not_found(format!("Action {id} not found")))?;
        if Status::parse(&current) != Status::PendingApproval {
            return Err(ApiError::conflict(format!("Action {id} is already decided ({current})")));
        }
        let status = if approve { Status::Approved } else { Status::Rejected };
        let reason = match (&note, approve) {
            (Some(n), _) if !n.trim().is_empty() => n.trim().to_string(),
            (_, true) => format!("Approved by {reviewer}"),
            (_, false) => format!("Denied by {reviewer}"),
        };
        tx.execute(
            "UPDATE actions SET status = ?2, requires_approval = 1, reason = ?3, reviewed_by = ?4, review_comment = ?5,
               decision_at = ?6, message = ?7 WHERE id = ?1",
            params![
                id,
                status.as_str(),
                reason,
                reviewer,
                note,
                now_iso(),
                format!("Action {} by {reviewer}", if approve { "approved" } else { "denied" })
            ],
        )?;
        let action = load(tx, id)?.ok_or_else(|| ApiError::internal("vanished action"))?;
        let agent = action["agent_id"].as_str().map(str::to_string);
        audit::append(
            tx,
            Entry {
                event_type: if approve { "action.approved" } else { "action.denied" },
                actor: Some(reviewer),
                resource: Some(format!("action:{id}")),
                action: Some("review"),
                outcome: Some(status.as_str()),
                details: json!({"reason": reason, "comment": note}),
            },
        )?;
        webhooks::enqueue(tx, status.event(), agent.as_deref(), action.clone())?;
        Ok(action)
    })?;
    state.longpoll.notify(id);
    state.deliveries.notify_one();
    Ok(action)
}

/// Records the outcome of executing an approved action (`complete` or `fail`).
pub fn record_execution(state: &AppState, id: i64, ok: bool, body: &Map<String, Value>) -> ApiResult<Value> {
    let f = Fields(body);
    let duration = f.opt_f64("duration_ms")?;
    let (result, error) = if ok { (body.get("result").cloned(), None) } else { (None, body.get("error").cloned()) };
    state.db.tx(|tx| -> ApiResult<Value> {
        let row: Option<(String, String)> =
            opt(tx.query_row("SELECT status, agent_id FROM actions WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))))?;
        let (status, agent) = row.ok_or_else(|| ApiError::not_found(format!("Action {id} not found")))?;
        if Status::parse(&status) != Status::Approved {
            return Err(ApiError::conflict(format!("Action {id} is {status}; only approved actions can be executed")));
        }
        let exec = if ok { "completed" } else { "failed" };
        tx.execute(
            "UPDATE actions SET execution_status = ?2, execution_result = ?3, execution_error = ?4, duration_ms = ?5, executed_at = ?6
             WHERE id = ?1",
            params![id, exec, result.map(|v| v.to_string()), error.map(|v| v.to_string()), duration.map(|d| d as i64), now_iso()],
        )?;
        audit::append(
            tx,
            Entry {
                event_type: if ok { "action.completed" } else { "action.failed" },
                actor: Some(&agent),
                resource: Some(format!("action:{id}")),
                action: Some("execute"),
                outcome: Some(exec),
                details: Value::Object(body.clone()),
            },
        )?;
        Ok(json!({"success": true, "action_id": id.to_string(), "status": exec, "logged_locally": false}))
    })
}

/// Loads an action's wire JSON.
pub fn load(conn: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    opt(conn.query_row("SELECT * FROM actions WHERE id = ?1", [id], render))
}

fn cvss_severity(score: Option<f64>) -> Value {
    match score {
        None => Value::Null,
        Some(s) if s <= 0.0 => "none".into(),
        Some(s) if s < 4.0 => "low".into(),
        Some(s) if s < 7.0 => "medium".into(),
        Some(s) if s < 9.0 => "high".into(),
        Some(_) => "critical".into(),
    }
}

/// Renders an `actions` row as the submit/status response: the guides' `status` and the peer's `decision`,
/// with the enrichment fields of PROTOCOL §6.2.
pub fn render(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let id: i64 = r.get("id")?;
    let status = Status::parse(&r.get::<_, String>("status")?);
    let decided = status != Status::PendingApproval;
    let reviewed_by: Option<String> = r.get("reviewed_by")?;
    let decision_at: Option<String> = r.get("decision_at")?;
    let source: String = r.get("decision_source")?;
    let cvss: Option<f64> = r.get("cvss_score")?;
    let mut v = json!({
        "id": id,
        "action_id": id.to_string(),
        "agent_id": r.get::<_, String>("agent_id")?,
        "agent_name": r.get::<_, Option<String>>("agent_name")?,
        "action_type": r.get::<_, String>("action_type")?,
        "resource": r.get::<_, String>("resource")?,
        "resource_id": r.get::<_, Option<String>>("resource_id")?,
        "description": r.get::<_, Option<String>>("description")?,
        "tool_name": r.get::<_, Option<String>>("tool_name")?,
        "status": status.as_str(),
        "decision": status.decision(),
        "execution_allowed": status == Status::Approved,
        "risk_score": r.get::<_, f64>("risk_score")?,
        "risk_level": r.get::<_, String>("risk_level")?,
        "cvss_score": cvss,
        "cvss_severity": cvss_severity(cvss),
        "cvss_vector": r.get::<_, Option<String>>("cvss_vector")?,
        "mitre_tactic": r.get::<_, Option<String>>("mitre_tactic")?,
        "mitre_technique": r.get::<_, Option<String>>("mitre_technique")?,
        "nist_control": r.get::<_, Option<String>>("nist_control")?,
        "risk_factors": json_col(r.get("factors")?),
        "requires_approval": r.get::<_, bool>("requires_approval")?,
        "alert_triggered": status != Status::Approved,
        "message": r.get::<_, String>("message")?,
        "approval_request_id": id.to_string(),
        "thresholds": {"auto_approve_below": r.get::<_, f64>("auto_approve_below")?, "deny_at": r.get::<_, Option<f64>>("deny_at")?},
        // What the policy decided at submission: a reviewed action was routed to a human.
        "enforcement_decision": if reviewed_by.is_some() { Status::PendingApproval.enforcement() } else { status.enforcement() },
        "enforcement_decision_source": source,
        "risk_score_source": "cvss",
        "created_at": r.get::<_, String>("created_at")?,
        "decision_at": decision_at,
    });
    let m = v.as_object_mut().expect("object literal");
    if decided {
        m.insert("reason".into(), r.get::<_, Option<String>>("reason")?.into());
    }
    if let Some(by) = reviewed_by {
        m.insert("reviewed_by".into(), by.clone().into());
        m.insert("reviewed_at".into(), decision_at.clone().into());
        m.insert("comments".into(), r.get::<_, Option<String>>("review_comment")?.into());
        if status == Status::Approved {
            m.insert("approved_by".into(), by.into());
            m.insert("approved_at".into(), decision_at.into());
        }
    }
    for k in ["mcp_governance", "model_governance"] {
        let s: Option<String> = r.get(k)?;
        if s.is_some() {
            m.insert(k.into(), json_col(s));
        }
    }
    let exec: Option<String> = r.get("execution_status")?;
    if let Some(e) = exec {
        m.insert("execution_status".into(), e.into());
        m.insert("executed_at".into(), r.get::<_, Option<String>>("executed_at")?.into());
        m.insert("duration_ms".into(), r.get::<_, Option<i64>>("duration_ms")?.into());
        m.insert("result".into(), json_col(r.get("execution_result")?));
        m.insert("error".into(), json_col(r.get("execution_error")?));
    }
    Ok(v)
}

/// Lists actions, newest first, optionally filtered by status (`pending` means `pending_approval`; decision
/// names are accepted too) and agent.
pub fn list(
    conn: &Connection,
    status: Option<&str>,
    agent: Option<&str>,
    limit: i64,
    offset: i64,
) -> ApiResult<(Vec<Value>, i64)> {
    let status = match status.map(|s| s.trim().to_ascii_lowercase()) {
        None => None,
        Some(s) if s.is_empty() || s == "all" => None,
        Some(s) => Some(
            match s.as_str() {
                "pending" | "pending_approval" => "pending_approval",
                "approved" | "allowed" => "approved",
                "rejected" | "denied" => "rejected",
                _ => return Err(ApiError::invalid("status", "Use pending, approved or rejected")),
            }
            .to_string(),
        ),
    };
    let filter = "(?1 IS NULL OR status = ?1) AND (?2 IS NULL OR agent_id = ?2)";
    let total: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM actions WHERE {filter}"), params![status, agent], |r| r.get(0))?;
    let mut stmt =
        conn.prepare(&format!("SELECT * FROM actions WHERE {filter} ORDER BY id DESC LIMIT ?3 OFFSET ?4"))?;
    let rows = stmt.query_map(params![status, agent, limit, offset], render)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total))
}
