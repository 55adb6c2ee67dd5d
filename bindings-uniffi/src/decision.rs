//! The derived fields of the core's decision record (`AuthorizationDecision`, PROTOCOL §6.2): `status`,
//! `raw_status`, the correlation id and the promoted top-level keys (`cvss_score`, `mitre_tactic`, ...), read by
//! the core. Kotlin exposes them as typed extension properties (`decision.cvssScore`), Swift as computed
//! properties; the host never parses the JSON itself.

use ascend_core::model::AuthorizationDecision;
use serde_json::Value;

/// `status` (PROTOCOL §6.2): `approved`, `pending_approval` or `denied`, derived from the decision.
#[uniffi::export]
pub fn decision_status(decision: &AuthorizationDecision) -> String {
    decision.status().to_string()
}

/// `raw_status`: the server's own status string (`metadata.raw_status`), else `status`.
#[uniffi::export]
pub fn decision_raw_status(decision: &AuthorizationDecision) -> String {
    decision.raw_status()
}

/// The correlation id of the reply, or of the request when the reply had none (D22).
#[uniffi::export]
pub fn decision_correlation_id(decision: &AuthorizationDecision) -> Option<String> {
    decision.correlation_id().map(str::to_string)
}

/// A promoted key as text: a JSON string as is, any other JSON value as its JSON text; `None` when absent or null.
#[uniffi::export]
pub fn decision_text(decision: &AuthorizationDecision, key: String) -> Option<String> {
    decision.promoted(&key).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A promoted key as JSON text (`mcp_governance`, `thresholds`, ...); `None` when absent or null.
#[uniffi::export]
pub fn decision_json(decision: &AuthorizationDecision, key: String) -> Option<String> {
    decision.promoted(&key).map(Value::to_string)
}

/// A promoted key as a number (`cvss_score`, `processing_time_ms`); `None` when absent, null or not a number.
#[uniffi::export]
pub fn decision_number(decision: &AuthorizationDecision, key: String) -> Option<f64> {
    decision.promoted(&key).and_then(Value::as_f64)
}

/// A promoted key as an integer (`output_findings_count`); `None` when absent, null or not an integer.
#[uniffi::export]
pub fn decision_integer(decision: &AuthorizationDecision, key: String) -> Option<i64> {
    decision.promoted(&key).and_then(Value::as_i64)
}

/// A promoted key as a boolean (`alert_triggered`); `None` when absent, null or not a boolean.
#[uniffi::export]
pub fn decision_flag(decision: &AuthorizationDecision, key: String) -> Option<bool> {
    decision.promoted(&key).and_then(Value::as_bool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn promoted_fields_are_typed() {
        let d = AuthorizationDecision::from_json(&json!({
            "id": 7, "status": "approved", "cvss_score": 7.5, "mitre_tactic": "TA0001", "alert_triggered": true,
            "mcp_governance": {"server": "x"}, "output_findings_count": 2, "correlation_id": "c1", "workflow_id": 9
        }));
        assert_eq!((decision_status(&d), decision_raw_status(&d)), ("approved".into(), "approved".into()));
        assert_eq!(decision_number(&d, "cvss_score".into()), Some(7.5));
        assert_eq!(decision_text(&d, "mitre_tactic".into()).as_deref(), Some("TA0001"));
        assert_eq!(decision_text(&d, "workflow_id".into()).as_deref(), Some("9"));
        assert_eq!(decision_json(&d, "mcp_governance".into()).as_deref(), Some(r#"{"server":"x"}"#));
        assert_eq!(
            (decision_integer(&d, "output_findings_count".into()), decision_flag(&d, "alert_triggered".into())),
            (Some(2), Some(true))
        );
        assert_eq!(decision_correlation_id(&d).as_deref(), Some("c1"));
        assert_eq!(decision_text(&d, "nist_control".into()), None);
        assert_eq!(decision_number(&d, "mitre_tactic".into()), None);
    }
}
