//! Governed action requests: local validation and the wire body of PROTOCOL §5.a.1 (with DECISIONS D12 item 4).

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Arguments of `evaluate_action` (PROTOCOL §5.a.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRequest {
    /// Free-text action type (`database_write`, `query`, ...).
    pub action_type: String,
    /// Resource acted on.
    pub resource: String,
    /// Action parameters (become `action_details`).
    pub parameters: Option<Map<String, Value>>,
    /// Context object.
    pub context: Option<Map<String, Value>>,
    /// Resource id.
    pub resource_id: Option<String>,
    /// Risk indicators object.
    pub risk_indicators: Option<Map<String, Value>>,
    /// Wait for a human decision when PENDING (default true).
    pub wait_for_decision: bool,
    /// Decision wait timeout in seconds (default 60; 0 means 60).
    pub timeout: Option<f64>,
    /// Orchestration session.
    pub orchestration_session_id: Option<Value>,
    /// Parent action.
    pub parent_action_id: Option<Value>,
    /// Orchestration depth (0..=5).
    pub orchestration_depth: Option<Value>,
    /// MCP server name (stripped on the wire).
    pub mcp_server_name: Option<String>,
    /// Model id (stripped on the wire).
    pub model_id: Option<String>,
    /// Tool name.
    pub tool_name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Business justification (merged into context).
    pub business_justification: Option<String>,
}

impl ActionRequest {
    /// A request with PROTOCOL defaults (`wait_for_decision = true`).
    pub fn new(action_type: impl Into<String>, resource: impl Into<String>) -> Self {
        ActionRequest {
            action_type: action_type.into(),
            resource: resource.into(),
            parameters: None,
            context: None,
            resource_id: None,
            risk_indicators: None,
            wait_for_decision: true,
            timeout: None,
            orchestration_session_id: None,
            parent_action_id: None,
            orchestration_depth: None,
            mcp_server_name: None,
            model_id: None,
            tool_name: None,
            description: None,
            business_justification: None,
        }
    }

    /// Local validation of PROTOCOL §5.a.1 step 3 (before any network I/O).
    pub fn validate(&self) -> Result<()> {
        if self.action_type.trim().is_empty() {
            return Err(Error::validation(
                "action_type",
                "Required field is missing or empty",
                "action_type is required and must be a non-empty string",
            ));
        }
        if self.resource.trim().is_empty() {
            return Err(Error::validation(
                "resource",
                "Required field is missing or empty",
                "resource is required and must be a non-empty string",
            ));
        }
        if let Some(depth) = &self.orchestration_depth {
            let n = match depth {
                Value::Number(n) => n.as_f64().map(|f| f.trunc() as i64),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                Value::Null => None,
                _ => None,
            };
            if !matches!(n, Some(0..=5)) {
                return Err(Error::validation(
                    "orchestration_depth",
                    "Out of range (0..5)",
                    "orchestration_depth must be an integer between 0 and 5",
                ));
            }
        }
        for (field, value) in
            [("mcp_server_name", &self.mcp_server_name), ("model_id", &self.model_id), ("tool_name", &self.tool_name)]
        {
            if let Some(v) = value {
                if v.trim().is_empty() {
                    return Err(Error::validation(
                        field,
                        "Must be a non-empty string",
                        format!("{field} must be a non-empty string"),
                    ));
                }
            }
        }
        if let Some(t) = self.timeout {
            if !t.is_finite() || t < 0.0 {
                return Err(Error::validation("timeout", "Must be a non-negative number", "timeout must be >= 0"));
            }
        }
        Ok(())
    }

    /// The default description sent top-level when none is given (D12 item 4).
    pub fn effective_description(&self) -> String {
        self.description.clone().unwrap_or_else(|| format!("{} on {}", self.action_type, self.resource))
    }

    /// The default tool name sent top-level when none is given (D12 item 4).
    pub fn effective_tool_name(&self) -> String {
        self.tool_name.clone().unwrap_or_else(|| self.resource.clone())
    }

    /// The merged context (PROTOCOL §5.a.1 step 5; the caller's own key wins).
    pub fn merged_context(&self) -> Map<String, Value> {
        let mut ctx = self.context.clone().unwrap_or_default();
        if let Some(bj) = &self.business_justification {
            ctx.entry("business_justification").or_insert_with(|| Value::String(bj.clone()));
        }
        ctx
    }

    /// The wire body of the submit (key order is irrelevant: the body is sent canonical, D9).
    pub fn to_body(&self, agent_id: Option<&str>, agent_name: Option<&str>) -> Value {
        let mut body = Map::new();
        body.insert("agent_id".into(), Value::from(agent_id.unwrap_or("unknown")));
        body.insert("agent_name".into(), Value::from(agent_name.unwrap_or("Unknown Agent")));
        body.insert("action_type".into(), Value::from(self.action_type.clone()));
        body.insert("resource".into(), Value::from(self.resource.clone()));
        body.insert("description".into(), Value::from(self.effective_description()));
        body.insert("tool_name".into(), Value::from(self.effective_tool_name()));
        if let Some(rid) = self.resource_id.as_ref().filter(|s| !s.is_empty()) {
            body.insert("resource_id".into(), Value::from(rid.clone()));
        }
        let mut details = self.parameters.clone().unwrap_or_default();
        if let Some(t) = &self.tool_name {
            details.insert("tool_name".into(), Value::from(t.clone()));
        }
        if let Some(d) = &self.description {
            details.insert("description".into(), Value::from(d.clone()));
        }
        if !details.is_empty() {
            body.insert("action_details".into(), Value::Object(details));
        }
        let ctx = self.merged_context();
        if !ctx.is_empty() {
            body.insert("context".into(), Value::Object(ctx));
        }
        if let Some(ri) = self.risk_indicators.as_ref().filter(|m| !m.is_empty()) {
            body.insert("risk_indicators".into(), Value::Object(ri.clone()));
        }
        for (key, v) in [
            ("orchestration_session_id", &self.orchestration_session_id),
            ("parent_action_id", &self.parent_action_id),
            ("orchestration_depth", &self.orchestration_depth),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_null()) {
                body.insert(key.into(), v.clone());
            }
        }
        if let Some(m) = self.mcp_server_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            body.insert("mcp_server_name".into(), Value::from(m));
        }
        if let Some(m) = self.model_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            body.insert("model_id".into(), Value::from(m));
        }
        Value::Object(body)
    }
}

/// Percent-encodes one path segment (DECISIONS D14): everything but RFC 3986 unreserved characters.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_matches_protocol_example_plus_top_level_copies() {
        let mut r = ActionRequest::new("database_write", "customer_db");
        r.parameters = json!({"b": 1, "a": "é"}).as_object().cloned();
        r.context = json!({"z": 1}).as_object().cloned();
        r.resource_id = Some("r1".into());
        r.mcp_server_name = Some(" bloomberg-mcp ".into());
        r.model_id = Some("m1".into());
        r.tool_name = Some("t".into());
        r.description = Some("d".into());
        r.business_justification = Some("bj".into());
        r.risk_indicators = json!({"pii_involved": true}).as_object().cloned();
        let body = r.to_body(Some("a1"), Some("Agent One"));
        assert_eq!(
            body,
            json!({"agent_id": "a1", "agent_name": "Agent One", "action_type": "database_write", "resource": "customer_db",
                   "description": "d", "tool_name": "t", "resource_id": "r1",
                   "action_details": {"b": 1, "a": "é", "tool_name": "t", "description": "d"},
                   "context": {"z": 1, "business_justification": "bj"}, "risk_indicators": {"pii_involved": true},
                   "mcp_server_name": "bloomberg-mcp", "model_id": "m1"})
        );
    }

    #[test]
    fn validation_names_fields() {
        let r = ActionRequest::new("  ", "x");
        assert!(r.validate().unwrap_err().field_errors().unwrap().contains_key("action_type"));
        let mut r = ActionRequest::new("q", "x");
        r.orchestration_depth = Some(json!(6));
        assert!(r.validate().unwrap_err().field_errors().unwrap().contains_key("orchestration_depth"));
        assert_eq!(encode_segment("a/b?c#d é"), "a%2Fb%3Fc%23d%20%C3%A9");
    }
}
