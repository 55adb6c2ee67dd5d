//! Approvals, actions, policies and the audit log.

use super::*;

impl Client {
    /// `GET /api/sdk/approval/{id}` summarised (D5 applied to its status).
    pub async fn check_approval(&self, approval_request_id: &str) -> Result<Value> {
        require_nonblank("approval_request_id", approval_request_id, "Required field is missing or empty")?;
        let v =
            self.raw(Request::new(Method::GET, format!("/api/sdk/approval/{}", path_seg(approval_request_id)))).await?;
        let status = v.get("status").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("pending");
        let d = normalise_status(status).decision;
        Ok(json!({
            "approved": d == Decision::Allowed,
            "denied": d == Decision::Denied,
            "pending": d == Decision::Pending,
            "approver": v.get("approved_by").filter(|x| !x.is_null()).or_else(|| v.get("rejected_by")).cloned().unwrap_or(Value::Null),
            "timestamp": v.get("decided_at").cloned().unwrap_or(Value::Null),
            "comments": v.get("rejection_reason").cloned().unwrap_or(Value::Null),
            "metadata": v,
        }))
    }

    /// `GET /api/agent-activity`.
    pub async fn list_actions(&self, limit: i64, offset: i64, status: Option<&str>) -> Result<Value> {
        let mut req = Request::new(Method::GET, "/api/agent-activity")
            .query("limit", limit.to_string())
            .query("offset", offset.to_string());
        if let Some(s) = status.filter(|s| !s.is_empty()) {
            req = req.query("status", s);
        }
        if let Some(a) = self.agent_id() {
            req = req.query("agent_id", a);
        }
        self.raw(req).await
    }

    /// `GET /api/v1/actions/{id}`.
    pub async fn get_action_details(&self, action_id: &str) -> Result<ActionDetails> {
        require_nonblank("action_id", action_id, "Required field is missing or empty")?;
        let v = self.raw(Request::new(Method::GET, format!("/api/v1/actions/{}", path_seg(action_id)))).await?;
        Ok(ActionDetails::from_json(&v))
    }

    /// `POST /api/governance/policies/evaluate-realtime`.
    pub async fn evaluate_policy(
        &self,
        action_type: &str,
        resource: &str,
        risk_score: Option<f64>,
        context: Option<Map<String, Value>>,
    ) -> Result<PolicyEvaluationResult> {
        require_nonblank("action_type", action_type, "Required field is missing or empty")?;
        require_nonblank("resource", resource, "Required field is missing or empty")?;
        let mut body = Map::new();
        body.insert("action_type".into(), json!(action_type));
        body.insert("resource".into(), json!(resource));
        if let Some(r) = risk_score {
            body.insert("risk_score".into(), json!(r));
        }
        if let Some(c) = context.filter(|c| !c.is_empty()) {
            body.insert("context".into(), Value::Object(c));
        }
        let v = self
            .raw(Request::new(Method::POST, "/api/governance/policies/evaluate-realtime").body(Value::Object(body)))
            .await?;
        Ok(PolicyEvaluationResult::from_json(&v))
    }

    /// `GET /api/v1/resource-classifications?resource_type=`; the first matching item, `None` if none (or 404).
    pub async fn get_resource_classification(&self, resource_type: &str) -> Result<Option<ResourceClassification>> {
        require_nonblank("resource_type", resource_type, "Required field is missing or empty")?;
        let req = Request::new(Method::GET, "/api/v1/resource-classifications").query("resource_type", resource_type);
        let v = match self.raw(req).await {
            Ok(v) => v,
            Err(e) if e.code == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let items = match &v {
            Value::Array(a) => a.clone(),
            other => other.get("classifications").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        Ok(items
            .iter()
            .find(|i| i.get("resource_type").and_then(Value::as_str) == Some(resource_type))
            .map(ResourceClassification::from_json))
    }

    /// `GET /audit/logs`.
    pub async fn query_audit_log(&self, limit: i64, offset: i64) -> Result<AuditLogResponse> {
        let req = Request::new(Method::GET, "/audit/logs")
            .query("limit", limit.to_string())
            .query("offset", offset.to_string());
        Ok(AuditLogResponse::from_json(&self.raw(req).await?))
    }
}
