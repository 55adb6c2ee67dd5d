//! The PROTOCOL §5.c long tail: raw-JSON endpoint families.

use super::*;

impl Client {
    pub(crate) fn agent_or_client(&self, agent_id: Option<&str>) -> Result<String> {
        let a = agent_id.or(self.agent_id()).unwrap_or("");
        require_nonblank("agent_id", a, "Required field")?;
        Ok(a.to_string())
    }

    pub(crate) fn topology_ids(orchestrator: &str, ids: &[Value], ints_only: bool, field: &str) -> Result<()> {
        require_nonblank("orchestrator_agent_id", orchestrator, "Required field is missing or empty")?;
        if ids.is_empty() || ids.len() > 20 {
            return Err(Error::validation(
                field,
                "length 1..20 required",
                format!("{field} must have 1 to 20 entries"),
            ));
        }
        if ints_only && !ids.iter().all(Value::is_i64) {
            return Err(Error::validation(field, "integer ids only", format!("{field} must be integers")));
        }
        let mut seen = std::collections::HashSet::new();
        if !ids.iter().all(|i| seen.insert(i.to_string())) {
            return Err(Error::validation(field, "no duplicates", format!("{field} must not contain duplicates")));
        }
        Ok(())
    }

    /// `POST /api/v1/orchestration/topology`.
    pub async fn register_topology(&self, orchestrator_agent_id: &str, worker_agent_ids: Vec<Value>) -> Result<Value> {
        Self::topology_ids(orchestrator_agent_id, &worker_agent_ids, false, "worker_agent_ids")?;
        let body = json!({"orchestrator_agent_id": orchestrator_agent_id, "worker_agent_ids": worker_agent_ids});
        self.raw(Request::new(Method::POST, "/api/v1/orchestration/topology").body(body)).await
    }

    /// `POST /api/v1/orchestration/topology/mcp`.
    pub async fn register_mcp_topology(
        &self,
        orchestrator_agent_id: &str,
        mcp_server_ids: Vec<Value>,
    ) -> Result<Value> {
        Self::topology_ids(orchestrator_agent_id, &mcp_server_ids, true, "mcp_server_ids")?;
        let body = json!({"orchestrator_agent_id": orchestrator_agent_id, "mcp_server_ids": mcp_server_ids});
        self.raw(Request::new(Method::POST, "/api/v1/orchestration/topology/mcp").body(body)).await
    }

    /// `POST /api/v1/orchestration/cascade-kill/{id}` (`confirm = !dry_run`).
    pub async fn cascade_kill(&self, orchestrator_id: &str, reason: &str, dry_run: bool) -> Result<Value> {
        require_nonblank("orchestrator_id", orchestrator_id, "Required field is missing or empty")?;
        require_nonblank("reason", reason, "non-empty string required")?;
        if reason.chars().count() > 1000 {
            return Err(Error::validation("reason", "max_length=1000", "reason must be at most 1000 characters"));
        }
        let path = format!("/api/v1/orchestration/cascade-kill/{}", path_seg(orchestrator_id));
        self.raw(Request::new(Method::POST, path).body(json!({"reason": reason, "confirm": !dry_run}))).await
    }

    /// `GET /api/v1/orchestration/sessions/{id}`.
    pub async fn get_orchestration_session(&self, session_id: &str) -> Result<Value> {
        require_nonblank("session_id", session_id, "Required field is missing or empty")?;
        self.raw(Request::new(Method::GET, format!("/api/v1/orchestration/sessions/{}", path_seg(session_id)))).await
    }

    /// `GET /api/v1/orchestration/sessions/{id}/risk`.
    pub async fn get_orchestration_session_risk(&self, session_id: &str) -> Result<Value> {
        require_nonblank("session_id", session_id, "Required field is missing or empty")?;
        self.raw(Request::new(Method::GET, format!("/api/v1/orchestration/sessions/{}/risk", path_seg(session_id))))
            .await
    }

    /// `GET /api/v1/orchestration/stats`.
    pub async fn get_orchestration_stats(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/v1/orchestration/stats")).await
    }

    /// `GET /api/v1/output-filter/config`.
    pub async fn get_output_filter_config(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/v1/output-filter/config")).await
    }

    /// `GET /api/v1/output-filter/findings`.
    pub async fn get_output_findings(
        &self,
        limit: i64,
        offset: i64,
        category: Option<&str>,
        severity: Option<&str>,
    ) -> Result<Value> {
        if !(1..=100).contains(&limit) {
            return Err(Error::validation("limit", "1..100", "limit must be between 1 and 100"));
        }
        if offset < 0 {
            return Err(Error::validation("offset", ">=0", "offset must be >= 0"));
        }
        let mut req = Request::new(Method::GET, "/api/v1/output-filter/findings")
            .query("limit", limit.to_string())
            .query("offset", offset.to_string());
        if let Some(c) = category {
            req = req.query("category", c);
        }
        if let Some(s) = severity {
            req = req.query("severity", s);
        }
        self.raw(req).await
    }

    /// `GET /api/v1/output-filter/findings/{action_id}`.
    pub async fn get_output_findings_for_action(&self, action_id: &Value) -> Result<Value> {
        let id = positive_int("action_id", action_id)?;
        self.raw(Request::new(Method::GET, format!("/api/v1/output-filter/findings/{id}"))).await
    }

    /// `POST /api/v1/output-filter/scan`.
    pub async fn scan_output(&self, content: &str, agent_id: &str, action_id: Option<&Value>) -> Result<Value> {
        require_nonblank("agent_id", agent_id, "Required field is missing or empty")?;
        let mut body = Map::new();
        body.insert("content".into(), json!(content));
        body.insert("agent_id".into(), json!(agent_id));
        if let Some(a) = action_id.filter(|v| !v.is_null()) {
            body.insert("action_id".into(), json!(positive_int("action_id", a)?));
        }
        self.raw(Request::new(Method::POST, "/api/v1/output-filter/scan").body(Value::Object(body))).await
    }

    /// `POST /api/v1/supply-chain/components`.
    pub async fn register_supply_chain_component(&self, fields: Map<String, Value>) -> Result<Value> {
        for k in ["component_id", "component_name", "component_type"] {
            let v = fields.get(k).and_then(Value::as_str).unwrap_or("");
            require_nonblank(k, v, "Required field")?;
        }
        let mut body = Map::new();
        for k in ["component_id", "component_name", "component_type"] {
            body.insert(k.into(), fields[k].clone());
        }
        body.insert("provenance_verified".into(), fields.get("provenance_verified").cloned().unwrap_or(json!(false)));
        body.insert("risk_level".into(), fields.get("risk_level").cloned().unwrap_or(json!("medium")));
        for k in [
            "provider",
            "version",
            "latest_version",
            "license_type",
            "source_url",
            "compliance_notes",
            "package_name",
            "package_ecosystem",
        ] {
            if let Some(v) = fields.get(k).filter(|v| !v.is_null()) {
                body.insert(k.into(), v.clone());
            }
        }
        self.raw(Request::new(Method::POST, "/api/v1/supply-chain/components").body(Value::Object(body))).await
    }

    /// `GET /api/v1/supply-chain/components`.
    pub async fn list_supply_chain_components(
        &self,
        component_type: Option<&str>,
        risk_level: Option<&str>,
        has_vulnerabilities: Option<bool>,
        active_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Value> {
        if limit < 1 {
            return Err(Error::validation("limit", ">=1", "limit must be >= 1"));
        }
        if offset < 0 {
            return Err(Error::validation("offset", ">=0", "offset must be >= 0"));
        }
        let mut req = Request::new(Method::GET, "/api/v1/supply-chain/components")
            .query("active_only", bool_text(active_only))
            .query("limit", limit.to_string())
            .query("offset", offset.to_string());
        if let Some(c) = component_type {
            req = req.query("component_type", c);
        }
        if let Some(r) = risk_level {
            req = req.query("risk_level", r);
        }
        if let Some(h) = has_vulnerabilities {
            req = req.query("has_vulnerabilities", bool_text(h));
        }
        self.raw(req).await
    }

    /// `GET /api/v1/supply-chain/stats`.
    pub async fn get_supply_chain_stats(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/v1/supply-chain/stats")).await
    }

    /// `GET /api/v1/supply-chain/impact/{id}`.
    pub async fn get_supply_chain_impact(&self, component_id: &Value) -> Result<Value> {
        let id = positive_int("component_id", component_id)?;
        self.raw(Request::new(Method::GET, format!("/api/v1/supply-chain/impact/{id}"))).await
    }

    /// `GET /api/v1/supply-chain/sync/status`.
    pub async fn get_cve_sync_status(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/v1/supply-chain/sync/status")).await
    }

    /// `GET /api/alerts?type=supply_chain_cve`.
    pub async fn get_supply_chain_alerts(&self, limit: i64, acknowledged: bool) -> Result<Value> {
        if !(1..=500).contains(&limit) {
            return Err(Error::validation("limit", "1..500", "limit must be between 1 and 500"));
        }
        let req = Request::new(Method::GET, "/api/alerts")
            .query("type", "supply_chain_cve")
            .query("limit", limit.to_string())
            .query("acknowledged", bool_text(acknowledged));
        self.raw(req).await
    }

    /// `GET /api/registry/agents/{agent}/commands` → the `commands` list.
    pub async fn get_pending_commands(&self, agent_id: Option<&str>) -> Result<Value> {
        let agent = self.agent_or_client(agent_id)?;
        let v =
            self.raw(Request::new(Method::GET, format!("/api/registry/agents/{}/commands", path_seg(&agent)))).await?;
        Ok(v.get("commands").filter(|c| c.is_array()).cloned().unwrap_or_else(|| json!([])))
    }

    /// `POST /api/registry/agents/{agent}/commands/{id}/ack` → `success`.
    pub async fn ack_command(&self, command_id: &str, agent_id: Option<&str>) -> Result<bool> {
        require_nonblank("command_id", command_id, "Required field")?;
        let agent = self.agent_or_client(agent_id)?;
        let path = format!("/api/registry/agents/{}/commands/{}/ack", path_seg(&agent), path_seg(command_id));
        let v = self.raw(Request::new(Method::POST, path).body(json!({}))).await?;
        Ok(match v.get("success") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => true,
        })
    }
}
