//! `AuthorizationDecision` (PROTOCOL §6.2) with our status normalisation (DECISIONS D5) and tolerant parsing (D6).

use super::enums::{Decision, RiskLevel};
use serde_json::{Map, Value};

/// Statuses that mean ALLOWED (D5, case-insensitive).
pub const ALLOWED_STATUSES: &[&str] = &["approved", "allowed", "auto_approved", "executed", "completed"];
/// Statuses that mean DENIED.
pub const DENIED_STATUSES: &[&str] = &["denied", "rejected", "blocked", "failed"];
/// Statuses that mean PENDING.
pub const PENDING_STATUSES: &[&str] = &["pending", "pending_approval", "escalated", "requires_approval", "queued"];

/// Keys copied from the payload's top level onto the decision and into `metadata` (PROTOCOL §6.2 fields 16–42).
pub const PROMOTED_KEYS: &[&str] = &[
    "correlation_id",
    "cvss_score",
    "cvss_severity",
    "cvss_vector",
    "mitre_tactic",
    "mitre_technique",
    "nist_control",
    "nist_description",
    "code_analysis",
    "prompt_security",
    "mcp_governance",
    "model_governance",
    "processing_time_ms",
    "alert_triggered",
    "alert_id",
    "workflow_id",
    "policy_decision",
    "matched_policies",
    "matched_smart_rules",
    "output_scan_result",
    "output_findings_count",
    "thresholds",
    "enforcement_decision",
    "enforcement_decision_source",
    "risk_score_source",
    "shadow_enforcement_decision",
    "shadow_enforcement_decision_source",
];

/// Result of normalising one status string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Normalised {
    /// The decision.
    pub decision: Decision,
    /// False when the string was not recognised (mapped to PENDING with a warning).
    pub known: bool,
}

/// DECISIONS D5: maps a status string to a decision, case-insensitively; unknown → PENDING (`known = false`).
pub fn normalise_status(s: &str) -> Normalised {
    let t = s.trim().to_ascii_lowercase();
    let hit = |set: &[&str]| set.iter().any(|x| *x == t);
    if hit(ALLOWED_STATUSES) {
        Normalised { decision: Decision::Allowed, known: true }
    } else if hit(DENIED_STATUSES) {
        Normalised { decision: Decision::Denied, known: true }
    } else if hit(PENDING_STATUSES) {
        Normalised { decision: Decision::Pending, known: true }
    } else {
        Normalised { decision: Decision::Pending, known: false }
    }
}

/// The keys of a reply that carry its verdict (D5, D23).
pub const VERDICT_KEYS: &[&str] = &["decision", "status"];

/// The verdict fields of a reply read strictly (DECISIONS D23): what they say, and whether they disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictReading {
    /// The decision; DENIED when the fields conflict.
    pub decision: Decision,
    /// `decision=allowed, status=rejected` when the verdict fields disagreed (the safe reading, DENIED, won).
    pub conflict: Option<String>,
}

/// The JSON type of a value, for messages that must not echo what a server sent.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A verdict string that counts as given: D5's "null or empty falls back" also covers whitespace only.
fn verdict_str(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// D23: reads `decision` and `status` strictly. `Ok(None)`: an object with no verdict (every field absent, null or
/// empty). `Err(why)`: the reply is not an object, or a verdict field is not a string. Fields that disagree give
/// DENIED with the conflict described (never ALLOWED); an unknown string counts as PENDING (D5).
pub fn read_verdict(payload: &Value) -> Result<Option<VerdictReading>, String> {
    let obj = payload.as_object().ok_or_else(|| format!("the reply is {}, not a JSON object", json_kind(payload)))?;
    let mut seen: Vec<(&str, Decision)> = Vec::new();
    for key in VERDICT_KEYS {
        match obj.get(*key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::String(s)) => seen.push((key, normalise_status(s).decision)),
            Some(other) => return Err(format!("`{key}` is {}, not a string", json_kind(other))),
        }
    }
    let Some(&(_, first)) = seen.first() else { return Ok(None) };
    if seen.iter().all(|(_, d)| *d == first) {
        return Ok(Some(VerdictReading { decision: first, conflict: None }));
    }
    let conflict = seen.iter().map(|(k, d)| format!("{k}={}", d.as_str())).collect::<Vec<_>>().join(", ");
    Ok(Some(VerdictReading { decision: Decision::Denied, conflict: Some(conflict) }))
}

/// D23: whether a 2xx reply carries an `error` (anything but absent, null, `false` or an empty string).
pub fn carries_error(payload: &Value) -> bool {
    match payload.get("error") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// The action ids a reply names (`action_id`, `id`; present and not null), as text.
pub fn reply_ids(payload: &Value) -> Vec<String> {
    ["action_id", "id"]
        .iter()
        .filter_map(|k| match payload.get(*k) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        })
        .collect()
}

/// The governed verdict for one action. Behind the `uniffi` feature it is the Kotlin/Swift record itself
/// (`metadata`, `promoted` and `raw` cross as JSON text); the bindings read the promoted fields (`cvss_score`, ...)
/// through the core, never by parsing them themselves.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthorizationDecision {
    /// Action id (stringified).
    pub action_id: String,
    /// Normalised decision.
    pub decision: Decision,
    /// Composite risk score 0–100.
    pub risk_score: Option<f64>,
    /// Risk level when it was a known value.
    pub risk_level: Option<RiskLevel>,
    /// The server's `risk_level` string when it was not a known value (D6).
    pub risk_level_raw: Option<String>,
    /// Why (falls back to `message`, D12).
    pub reason: Option<String>,
    /// Policy violations.
    pub policy_violations: Vec<String>,
    /// Conditions.
    pub conditions: Vec<String>,
    /// Approval request id.
    pub approval_request_id: Option<String>,
    /// Required approvers.
    pub required_approvers: Vec<String>,
    /// Expiry.
    pub expires_at: Option<String>,
    /// Approver.
    pub approved_by: Option<String>,
    /// Approval time (raw string).
    pub approved_at: Option<String>,
    /// Comments.
    pub comments: Option<String>,
    /// Whether the agent may execute.
    pub execution_allowed: bool,
    /// Metadata (payload metadata + `raw_status` + promoted keys).
    pub metadata: Map<String, Value>,
    /// Promoted top-level keys that were present in the payload (see [`PROMOTED_KEYS`]).
    pub promoted: Map<String, Value>,
    /// The whole response object.
    pub raw: Value,
}

#[allow(clippy::derivable_impls)]
impl Default for Decision {
    fn default() -> Self {
        Decision::Pending
    }
}

fn opt_string(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    }
}

fn truthy_str(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl AuthorizationDecision {
    /// Parses a server payload (PROTOCOL §6.2 with D5, D6, D12). Never fails: anything odd is kept raw. Verdict
    /// fields that disagree give DENIED (D23), here too.
    pub fn from_json(payload: &Value) -> AuthorizationDecision {
        let empty = Map::new();
        let obj = payload.as_object().unwrap_or(&empty);

        let action_id = match obj.get("action_id").filter(|v| !v.is_null()).or_else(|| obj.get("id")) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };

        // D5: a null or empty `decision` falls back to `status`.
        let decision_src = verdict_str(obj.get("decision"));
        let status_src = verdict_str(obj.get("status"));
        let source = decision_src.clone().or_else(|| status_src.clone());
        let normalised = match &source {
            Some(s) => normalise_status(s),
            None => Normalised { decision: Decision::Pending, known: true },
        };
        if !normalised.known {
            tracing::warn!(status = source.as_deref().unwrap_or(""), "unknown decision status; treating as PENDING");
        }
        let raw_status = status_src.or(decision_src);

        // An empty string is no risk level, as null is (the peer reads `risk_level` only "if truthy").
        let (risk_level, risk_level_raw) = match obj.get("risk_level") {
            Some(Value::String(s)) if s.is_empty() => (None, None),
            Some(Value::String(s)) => match RiskLevel::parse(s) {
                Some(l) if l.as_str() == s => (Some(l), None),
                Some(l) => (Some(l), Some(s.clone())),
                None => (None, Some(s.clone())),
            },
            Some(Value::Null) | None => (None, None),
            Some(other) => (None, Some(other.to_string())),
        };

        let reason = truthy_str(obj.get("reason")).or_else(|| truthy_str(obj.get("message")));
        let execution_allowed = match obj.get("execution_allowed") {
            Some(Value::Bool(b)) => *b,
            Some(_) => false,
            None => normalised.decision == Decision::Allowed,
        };

        let mut metadata = obj.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
        if let Some(rs) = &raw_status {
            metadata.entry("raw_status").or_insert_with(|| Value::String(rs.clone()));
        }
        let mut promoted = Map::new();
        for key in PROMOTED_KEYS {
            if let Some(v) = obj.get(*key) {
                promoted.insert(key.to_string(), v.clone());
                metadata.entry(key.to_string()).or_insert_with(|| v.clone());
            }
        }

        let mut d = AuthorizationDecision {
            action_id,
            decision: normalised.decision,
            risk_score: obj.get("risk_score").and_then(Value::as_f64),
            risk_level,
            risk_level_raw,
            reason,
            policy_violations: string_list(obj.get("policy_violations")),
            conditions: string_list(obj.get("conditions")),
            approval_request_id: opt_string(obj.get("approval_request_id")),
            required_approvers: string_list(obj.get("required_approvers")),
            expires_at: opt_string(obj.get("expires_at")),
            approved_by: opt_string(obj.get("approved_by")).or_else(|| opt_string(obj.get("reviewed_by"))),
            approved_at: opt_string(obj.get("approved_at")).or_else(|| opt_string(obj.get("reviewed_at"))),
            comments: opt_string(obj.get("comments")),
            execution_allowed,
            metadata,
            promoted,
            raw: payload.clone(),
        };
        // D23 also in this tolerant reading: verdict fields that disagree never give ALLOWED (DENIED, logged).
        if let Ok(Some(reading)) = read_verdict(payload) {
            if reading.conflict.is_some() {
                d.apply_reading(&reading);
            }
        }
        d
    }

    /// D23: parses a governed reply, refusing one with no usable verdict. `Err(why)` when the reply is not an
    /// object, a verdict field is not a string, no verdict field is given, or an `error` accompanies anything but
    /// a denial. Conflicting verdict fields give DENIED (logged, `metadata.verdict_conflict`). A decision that is
    /// not ALLOWED never has `execution_allowed` (D24: it can only restrict).
    pub fn from_reply(payload: &Value) -> Result<AuthorizationDecision, String> {
        let reading = read_verdict(payload)?.ok_or_else(|| {
            if carries_error(payload) {
                "the reply carries an error and no verdict".to_string()
            } else {
                "the reply carries no verdict (`decision`/`status`)".to_string()
            }
        })?;
        if carries_error(payload) && reading.decision != Decision::Denied {
            return Err("the reply carries an error next to a verdict that is not a denial".into());
        }
        let mut d = AuthorizationDecision::from_json(payload);
        d.apply_reading(&reading);
        Ok(d)
    }

    /// Applies a strict reading: the conflict rule of D23 and `execution_allowed` only on ALLOWED.
    pub fn apply_reading(&mut self, reading: &VerdictReading) {
        if let Some(c) = &reading.conflict {
            tracing::warn!(action_id = %self.action_id, fields = %c, "conflicting verdict fields; treating as DENIED");
            self.metadata.insert("verdict_conflict".into(), Value::String(c.clone()));
            self.reason.get_or_insert_with(|| "conflicting_verdict".into());
        }
        self.decision = reading.decision;
        if self.decision != Decision::Allowed {
            self.execution_allowed = false;
        }
    }

    /// Whether a host may run the action (DECISIONS D24): the verdict permits execution and `execution_allowed`
    /// does not forbid it. `execution_allowed` only ever restricts: it never permits a denied or pending decision.
    pub fn permits_execution(&self) -> bool {
        self.decision.permits_execution() && self.execution_allowed
    }

    /// `.status` of PROTOCOL §6.2, derived from the decision.
    pub fn status(&self) -> &'static str {
        match self.decision {
            Decision::Pending => "pending_approval",
            Decision::Denied => "denied",
            _ => "approved",
        }
    }

    /// `.raw_status`: `metadata.raw_status` if present, else `.status`.
    pub fn raw_status(&self) -> String {
        match self.metadata.get("raw_status") {
            Some(Value::String(s)) => s.clone(),
            _ => self.status().to_string(),
        }
    }

    /// A promoted key's value (`cvss_score`, `mitre_tactic`, ...), `None` when absent or null.
    pub fn promoted(&self, key: &str) -> Option<&Value> {
        self.promoted.get(key).filter(|v| !v.is_null())
    }

    /// The correlation id (payload's, or the request's when the payload had none; D22).
    pub fn correlation_id(&self) -> Option<&str> {
        self.promoted.get("correlation_id").and_then(Value::as_str)
    }

    /// Sets the correlation id if the payload did not carry one.
    pub fn set_request_correlation_id(&mut self, id: &str) {
        if self.correlation_id().is_none() {
            self.promoted.insert("correlation_id".into(), Value::String(id.to_string()));
        }
    }

    /// The JSON projection shared by every binding and the conformance cases (docs/BINDING_CONTRACT.md).
    pub fn to_json(&self) -> Value {
        let mut sink = JsonSink(Map::new());
        self.project(&mut sink);
        Value::Object(sink.0)
    }

    /// Hands the projection (the keys and values of [`to_json`](Self::to_json), in that order) to `sink`: the one
    /// definition of the projection, also used by bindings that build their native objects directly.
    pub fn project(&self, sink: &mut impl ProjectionSink) {
        sink.str("action_id", Some(&self.action_id));
        sink.str("decision", Some(self.decision.as_str()));
        sink.f64("risk_score", self.risk_score);
        sink.str("risk_level", self.risk_level.map(|l| l.as_str()));
        sink.str("reason", self.reason.as_deref());
        sink.strs("policy_violations", &self.policy_violations);
        sink.strs("conditions", &self.conditions);
        sink.str("approval_request_id", self.approval_request_id.as_deref());
        sink.strs("required_approvers", &self.required_approvers);
        sink.str("expires_at", self.expires_at.as_deref());
        sink.str("approved_by", self.approved_by.as_deref());
        sink.str("approved_at", self.approved_at.as_deref());
        sink.str("comments", self.comments.as_deref());
        sink.bool("execution_allowed", self.execution_allowed);
        sink.object("metadata", &self.metadata);
        for key in PROMOTED_KEYS {
            sink.value(key, self.promoted.get(*key).unwrap_or(&Value::Null));
        }
        sink.str("status", Some(self.status()));
        sink.str("raw_status", Some(&self.raw_status()));
        sink.str("risk_level_raw", self.risk_level_raw.as_deref());
        sink.value("raw", &self.raw);
    }

    /// Parses the JSON projection back (inverse of [`to_json`](Self::to_json)); used by bindings' `from_dict`.
    pub fn from_projection(v: &Value) -> AuthorizationDecision {
        let mut d = AuthorizationDecision::from_json(v.get("raw").unwrap_or(&Value::Null));
        if let Some(dec) = v.get("decision").and_then(Value::as_str).and_then(Decision::parse) {
            d.decision = dec;
        }
        d
    }
}

/// Receives a decision's projection field by field ([`AuthorizationDecision::project`]). Keys are static.
pub trait ProjectionSink {
    /// A string, or null.
    fn str(&mut self, key: &'static str, value: Option<&str>);
    /// A number, or null (also for a non-finite number, as in JSON).
    fn f64(&mut self, key: &'static str, value: Option<f64>);
    /// A boolean.
    fn bool(&mut self, key: &'static str, value: bool);
    /// A list of strings.
    fn strs(&mut self, key: &'static str, value: &[String]);
    /// An object.
    fn object(&mut self, key: &'static str, value: &Map<String, Value>);
    /// Any JSON value.
    fn value(&mut self, key: &'static str, value: &Value);
}

/// The projection as a JSON object ([`AuthorizationDecision::to_json`]).
struct JsonSink(Map<String, Value>);

impl ProjectionSink for JsonSink {
    fn str(&mut self, key: &'static str, value: Option<&str>) {
        self.0.insert(key.into(), value.map_or(Value::Null, |s| Value::String(s.into())));
    }
    fn f64(&mut self, key: &'static str, value: Option<f64>) {
        self.0.insert(key.into(), value.map_or(Value::Null, Value::from));
    }
    fn bool(&mut self, key: &'static str, value: bool) {
        self.0.insert(key.into(), Value::Bool(value));
    }
    fn strs(&mut self, key: &'static str, value: &[String]) {
        self.0.insert(key.into(), Value::Array(value.iter().cloned().map(Value::String).collect()));
    }
    fn object(&mut self, key: &'static str, value: &Map<String, Value>) {
        self.0.insert(key.into(), Value::Object(value.clone()));
    }
    fn value(&mut self, key: &'static str, value: &Value) {
        self.0.insert(key.into(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn d5_normalisation() {
        for (s, want) in [
            ("approved", Decision::Allowed),
            ("APPROVED", Decision::Allowed),
            ("Completed", Decision::Allowed),
            ("rejected", Decision::Denied),
            ("Blocked", Decision::Denied),
            ("queued", Decision::Pending),
            ("weird", Decision::Pending),
        ] {
            assert_eq!(normalise_status(s).decision, want, "{s}");
        }
        assert!(!normalise_status("weird").known);
    }

    #[test]
    fn null_decision_falls_back_to_status() {
        let d = AuthorizationDecision::from_json(&json!({"id": 5, "decision": null, "status": "approved"}));
        assert_eq!(d.decision, Decision::Allowed);
        assert_eq!(d.action_id, "5");
        assert!(d.execution_allowed);
        assert_eq!(d.raw_status(), "approved");
    }

    #[test]
    fn unknown_risk_level_is_kept_raw() {
        let d = AuthorizationDecision::from_json(&json!({"status": "pending", "risk_level": "moderate"}));
        assert_eq!(d.risk_level, None);
        assert_eq!(d.risk_level_raw.as_deref(), Some("moderate"));
        let d = AuthorizationDecision::from_json(&json!({"status": "pending", "risk_level": "MEDIUM"}));
        assert_eq!(d.risk_level, Some(RiskLevel::Medium));
    }

    #[test]
    fn reason_falls_back_to_message_and_metadata_promotes() {
        let d = AuthorizationDecision::from_json(
            &json!({"id": 1, "status": "rejected", "message": "policy", "cvss_score": 7.5, "metadata": {"cvss_score": 1}}),
        );
        assert_eq!(d.reason.as_deref(), Some("policy"));
        assert_eq!(d.metadata["cvss_score"], json!(1));
        assert_eq!(d.promoted("cvss_score"), Some(&json!(7.5)));
        assert_eq!(d.metadata["raw_status"], "rejected");
    }

    /// D23: only a clear, well-typed approval allows.
    #[test]
    fn d23_strict_verdicts() {
        let ok = |v: Value| AuthorizationDecision::from_reply(&v);
        assert_eq!(ok(json!({"id": 5, "status": " Approved "})).unwrap().decision, Decision::Allowed);
        for bad in [
            json!({}),
            json!(null),
            json!([]),
            json!(true),
            json!("approved"),
            json!({"error": "x"}),
            json!({"decision": 1}),
            json!({"status": ["approved"]}),
            json!({"decision": null, "status": null}),
            json!({"decision": "", "status": " "}),
            json!({"status": "approved", "error": "boom"}),
            json!({"decision": true, "status": "approved"}),
        ] {
            assert!(ok(bad.clone()).is_err(), "{bad}");
        }
        let d = ok(json!({"decision": "allowed", "status": "rejected", "execution_allowed": true})).unwrap();
        assert_eq!(d.decision, Decision::Denied);
        assert!(!d.execution_allowed);
        assert_eq!(d.metadata["verdict_conflict"], "decision=allowed, status=denied");
        assert_eq!(ok(json!({"status": "denied", "error": "policy"})).unwrap().decision, Decision::Denied);
        for s in ["ok", "granted", "\u{430}pproved", "approved\u{200b}"] {
            let d = ok(json!({"status": s, "execution_allowed": true})).unwrap();
            assert_eq!(d.decision, Decision::Pending, "{s}");
            assert!(!d.execution_allowed, "{s}");
        }
        assert_eq!(reply_ids(&json!({"id": 5, "action_id": "6"})), vec!["6".to_string(), "5".to_string()]);
        assert!(carries_error(&json!({"error": {"code": 1}})) && !carries_error(&json!({"error": false})));
    }
}
