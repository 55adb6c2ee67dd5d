//! The smaller result models of PROTOCOL §6.4, parsed tolerantly from server JSON.

use super::decision::{normalise_status, AuthorizationDecision};
use super::enums::{Decision, DecisionStatus};
use crate::error::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

fn s(obj: &Map<String, Value>, key: &str) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(x)) => Some(x.clone()),
        Some(other) => Some(other.to_string()),
    }
}

fn obj_of(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn list(obj: &Map<String, Value>, key: &str) -> Vec<Value> {
    obj.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn dict(obj: &Map<String, Value>, key: &str) -> Map<String, Value> {
    obj.get(key).and_then(Value::as_object).cloned().unwrap_or_default()
}

/// Kill-switch state of the agent's organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KillSwitchStatus {
    /// Whether governed calls are blocked.
    pub blocked: bool,
    /// Why.
    pub reason: Option<String>,
    /// When.
    pub activated_at: Option<String>,
    /// By whom.
    pub activated_by: Option<String>,
}

impl KillSwitchStatus {
    /// Parses `/api/sdk/kill-switch/status`.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        KillSwitchStatus {
            blocked: o.get("blocked").and_then(Value::as_bool).unwrap_or(false),
            reason: s(&o, "reason"),
            activated_at: s(&o, "activated_at"),
            activated_by: s(&o, "activated_by"),
        }
    }
}

/// Result of a real-time policy evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyEvaluationResult {
    /// Decision string (`"unknown"` when absent).
    pub decision: String,
    /// Matched policies.
    pub matched_policies: Vec<Value>,
    /// Violations.
    pub violations: Vec<Value>,
    /// Risk score.
    pub risk_score: Option<f64>,
    /// Evaluation time.
    pub evaluation_time_ms: Option<f64>,
}

impl PolicyEvaluationResult {
    /// Parses the policy evaluation response.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        PolicyEvaluationResult {
            decision: s(&o, "decision").unwrap_or_else(|| "unknown".into()),
            matched_policies: list(&o, "matched_policies"),
            violations: list(&o, "violations"),
            risk_score: o.get("risk_score").and_then(Value::as_f64),
            evaluation_time_ms: o.get("evaluation_time_ms").and_then(Value::as_f64),
        }
    }
}

/// Classification of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceClassification {
    /// Resource id (`resource_id`, else `id`, else `""`; kept as sent).
    pub resource_id: Value,
    /// Resource type.
    pub resource_type: String,
    /// Sensitivity.
    pub sensitivity_level: String,
    /// Compliance tags.
    pub compliance_tags: Vec<Value>,
    /// Metadata.
    pub metadata: Map<String, Value>,
}

impl ResourceClassification {
    /// Parses one classification item.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        ResourceClassification {
            resource_id: o
                .get("resource_id")
                .filter(|x| !x.is_null())
                .or_else(|| o.get("id").filter(|x| !x.is_null()))
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
            resource_type: s(&o, "resource_type").unwrap_or_default(),
            sensitivity_level: s(&o, "sensitivity_level").unwrap_or_default(),
            compliance_tags: list(&o, "compliance_tags"),
            metadata: dict(&o, "metadata"),
        }
    }
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Id.
    pub event_id: String,
    /// Type.
    pub event_type: String,
    /// Timestamp (raw).
    pub timestamp: String,
    /// Actor.
    pub actor: Option<String>,
    /// Resource.
    pub resource: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Details.
    pub details: Map<String, Value>,
}

impl AuditEvent {
    /// Parses one event.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        AuditEvent {
            event_id: s(&o, "event_id").or_else(|| s(&o, "id")).unwrap_or_default(),
            event_type: s(&o, "event_type").unwrap_or_default(),
            timestamp: s(&o, "timestamp").unwrap_or_default(),
            actor: s(&o, "actor"),
            resource: s(&o, "resource"),
            action: s(&o, "action"),
            outcome: s(&o, "outcome"),
            details: dict(&o, "details"),
        }
    }
}

/// A page of audit events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLogResponse {
    /// Events.
    pub events: Vec<AuditEvent>,
    /// Total.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

impl AuditLogResponse {
    /// Parses `/audit/logs` (events from `events`, `logs` or `items`).
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        let raw = if let Some(a) = v.as_array() {
            a.clone()
        } else {
            ["events", "logs", "items"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_array).cloned())
                .unwrap_or_default()
        };
        let events: Vec<AuditEvent> = raw.iter().map(AuditEvent::from_json).collect();
        AuditLogResponse {
            total: o.get("total").and_then(Value::as_i64).unwrap_or(events.len() as i64),
            page: o.get("page").and_then(Value::as_i64).unwrap_or(1),
            page_size: o.get("page_size").or_else(|| o.get("limit")).and_then(Value::as_i64).unwrap_or(50),
            events,
        }
    }
}

/// Health of this agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentHealthStatus {
    /// Agent id.
    pub agent_id: String,
    /// Status (`"unknown"` when absent).
    pub status: String,
    /// Last heartbeat.
    pub last_heartbeat: Option<String>,
    /// Uptime.
    pub uptime_seconds: Option<f64>,
    /// Metadata.
    pub metadata: Map<String, Value>,
}

impl AgentHealthStatus {
    /// Parses `/api/agents/health/{id}`.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        AgentHealthStatus {
            agent_id: s(&o, "agent_id").unwrap_or_default(),
            status: s(&o, "status").unwrap_or_else(|| "unknown".into()),
            last_heartbeat: s(&o, "last_heartbeat"),
            uptime_seconds: o.get("uptime_seconds").and_then(Value::as_f64),
            metadata: dict(&o, "metadata"),
        }
    }
}

/// A webhook subscription (D12: bindings give attribute and item access).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// Id (`webhook_id`, else `id`; may stay a number).
    pub webhook_id: Value,
    /// Target URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<Value>,
    /// Active.
    pub active: bool,
    /// Secret (the server may echo it; bindings hide it from repr).
    pub secret: Option<String>,
    /// Created at.
    pub created_at: Option<String>,
    /// The whole response object.
    pub raw: Value,
}

impl Webhook {
    /// Parses a webhook object.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        Webhook {
            webhook_id: o
                .get("webhook_id")
                .filter(|x| !x.is_null())
                .or_else(|| o.get("id").filter(|x| !x.is_null()))
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
            url: s(&o, "url").unwrap_or_default(),
            events: list(&o, "events"),
            active: o.get("active").and_then(Value::as_bool).unwrap_or(true),
            secret: s(&o, "secret"),
            created_at: s(&o, "created_at"),
            raw: v.clone(),
        }
    }
}

/// Result of a webhook test delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookTestResult {
    /// Success.
    pub success: bool,
    /// HTTP status of the delivery.
    pub status_code: Option<i64>,
    /// Latency.
    pub response_time_ms: Option<f64>,
    /// Error text.
    pub error: Option<String>,
}

impl WebhookTestResult {
    /// Parses the test response.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        WebhookTestResult {
            success: o.get("success").and_then(Value::as_bool).unwrap_or(false),
            status_code: o.get("status_code").and_then(Value::as_i64),
            response_time_ms: o.get("response_time_ms").and_then(Value::as_f64),
            error: s(&o, "error"),
        }
    }
}

/// Full details of an action (`GET /api/v1/actions/{id}`); unknown statuses never crash (D6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionDetails {
    /// Id.
    pub action_id: String,
    /// Agent id.
    pub agent_id: String,
    /// Agent name.
    pub agent_name: String,
    /// Action type.
    pub action_type: String,
    /// Resource.
    pub resource: String,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Legacy status (wire value).
    pub status: String,
    /// The server's status string.
    pub status_raw: Option<String>,
    /// Risk score.
    pub risk_score: Option<f64>,
    /// Created.
    pub created_at: String,
    /// Updated.
    pub updated_at: String,
    /// Audit trail.
    pub audit_trail: Vec<Value>,
}

impl ActionDetails {
    /// Parses action details, mapping statuses outside `DecisionStatus` through D5.
    pub fn from_json(v: &Value) -> Self {
        let o = obj_of(v);
        let status_raw = s(&o, "status");
        let status = match status_raw.as_deref() {
            None | Some("") => DecisionStatus::Pending,
            Some(x) => DecisionStatus::parse(x).unwrap_or(match normalise_status(x).decision {
                Decision::Allowed => DecisionStatus::Approved,
                Decision::Denied => DecisionStatus::Denied,
                _ => DecisionStatus::Pending,
            }),
        };
        ActionDetails {
            action_id: s(&o, "id").or_else(|| s(&o, "action_id")).unwrap_or_default(),
            agent_id: s(&o, "agent_id").unwrap_or_default(),
            agent_name: s(&o, "agent_name").unwrap_or_default(),
            action_type: s(&o, "action_type").unwrap_or_default(),
            resource: s(&o, "resource").unwrap_or_default(),
            resource_id: s(&o, "resource_id"),
            status: status.as_str().to_string(),
            status_raw,
            risk_score: o.get("risk_score").and_then(Value::as_f64),
            created_at: s(&o, "created_at").unwrap_or_default(),
            updated_at: s(&o, "updated_at").unwrap_or_default(),
            audit_trail: list(&o, "audit_trail"),
        }
    }
}

/// One item of a bulk evaluation (D15: typed error, input order).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkActionResult {
    /// Action type of the item.
    pub action_type: String,
    /// Resource of the item.
    pub resource: String,
    /// Decision when the item succeeded.
    pub decision: Option<AuthorizationDecision>,
    /// Error when it failed.
    pub error: Option<Error>,
    /// Whether it succeeded.
    pub succeeded: bool,
}

/// Result of `evaluate_actions`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkEvaluationResult {
    /// Items.
    pub total: usize,
    /// Succeeded items.
    pub succeeded: usize,
    /// Failed items.
    pub failed: usize,
    /// Per item, in input order.
    pub results: Vec<BulkActionResult>,
}

impl BulkEvaluationResult {
    /// The JSON projection of docs/BINDING_CONTRACT.md.
    pub fn to_json(&self) -> Value {
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "action_type": r.action_type,
                    "resource": r.resource,
                    "decision": r.decision.as_ref().map(AuthorizationDecision::to_json),
                    "error": r.error.as_ref().map(Error::to_json),
                    "succeeded": r.succeeded,
                })
            })
            .collect();
        serde_json::json!({"total": self.total, "succeeded": self.succeeded, "failed": self.failed, "results": results})
    }
}

/// Result of `test_connection` (PROTOCOL §5.b, `SimpleNamespace` in Python).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionTest {
    /// Whether `/health` answered.
    pub connected: bool,
    /// `connected` or `error`.
    pub status: String,
    /// Round trip of the health call in ms (2 decimals).
    pub latency_ms: Option<f64>,
    /// Deployment version or `unknown`.
    pub api_version: Option<String>,
    /// Deployment environment or `unknown`.
    pub environment: Option<String>,
    /// Always null (peer compatibility).
    pub organization: Option<String>,
    /// This client's agent id.
    pub agent_id: Option<String>,
    /// Fail mode value.
    pub fail_mode: String,
    /// Error text when not connected.
    pub error: Option<String>,
}

/// Serialises any `Serialize` model to its projection.
pub fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The record kinds [`parse_record`] knows (the peer's model class names).
pub const RECORD_KINDS: &[&str] = &[
    "ActionDetails",
    "AgentHealthStatus",
    "AuditEvent",
    "AuditLogResponse",
    "KillSwitchStatus",
    "PolicyEvaluationResult",
    "ResourceClassification",
    "Webhook",
    "WebhookTestResult",
];

/// A raw server payload parsed as the record `kind` (one of [`RECORD_KINDS`]) and returned as its projection: the
/// one place the models' defaults and fallbacks live (PROTOCOL §6.4), for bindings whose public models offer a
/// `from_dict`-style constructor of their own. An unknown kind is a `VALIDATION_ERROR` naming `kind`.
pub fn parse_record(kind: &str, raw: &Value) -> Result<Value, Error> {
    Ok(match kind {
        "ActionDetails" => to_json(&ActionDetails::from_json(raw)),
        "AgentHealthStatus" => to_json(&AgentHealthStatus::from_json(raw)),
        "AuditEvent" => to_json(&AuditEvent::from_json(raw)),
        "AuditLogResponse" => to_json(&AuditLogResponse::from_json(raw)),
        "KillSwitchStatus" => to_json(&KillSwitchStatus::from_json(raw)),
        "PolicyEvaluationResult" => to_json(&PolicyEvaluationResult::from_json(raw)),
        "ResourceClassification" => to_json(&ResourceClassification::from_json(raw)),
        "Webhook" => to_json(&Webhook::from_json(raw)),
        "WebhookTestResult" => to_json(&WebhookTestResult::from_json(raw)),
        other => {
            return Err(Error::validation(
                "kind",
                "Unknown record kind",
                format!("no record kind '{other}' (one of: {})", RECORD_KINDS.join(", ")),
            ))
        }
    })
}

#[cfg(test)]
mod parse_record_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_parses_an_empty_payload_with_its_defaults() {
        for kind in RECORD_KINDS {
            assert!(parse_record(kind, &json!({})).unwrap().is_object(), "{kind}");
        }
        assert_eq!(parse_record("PolicyEvaluationResult", &json!({})).unwrap()["decision"], "unknown");
        assert_eq!(parse_record("AgentHealthStatus", &json!({})).unwrap()["status"], "unknown");
        assert_eq!(parse_record("AuditLogResponse", &json!({"limit": 7})).unwrap()["page_size"], 7);
    }

    #[test]
    fn unknown_kind_names_the_field() {
        assert_eq!(parse_record("Nope", &json!({})).unwrap_err().to_json()["field"], "kind");
    }
}

#[cfg(test)]
mod round_trip_tests {
    use super::*;
    use serde_json::json;

    /// Every record reads back from its own projection (bindings that hold a projection can rebuild the record).
    #[test]
    fn records_deserialize_from_their_projection() {
        let raw = json!({"id": 9, "status": "approved", "webhook_id": "w", "url": "https://x", "events": ["a"],
                         "blocked": true, "decision": "allow", "resource_type": "db", "event_type": "e",
                         "agent_id": "a1", "success": true, "total": 1, "events_": []});
        macro_rules! check {
            ($($t:ty),*) => {$(
                let record = <$t>::from_json(&raw);
                let back: $t = serde_json::from_value(to_json(&record)).expect(stringify!($t));
                assert_eq!(back, record, stringify!($t));
            )*};
        }
        check!(
            KillSwitchStatus,
            PolicyEvaluationResult,
            ResourceClassification,
            AuditEvent,
            AuditLogResponse,
            AgentHealthStatus,
            Webhook,
            WebhookTestResult,
            ActionDetails
        );
        let t = ConnectionTest::failure(Some("a1".into()), "closed", "down");
        assert_eq!(serde_json::from_value::<ConnectionTest>(to_json(&t)).unwrap(), t);
    }
}
