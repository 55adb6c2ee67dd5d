//! The MCP server registry.

use super::*;

impl Client {
    /// `POST /api/registry/mcp-servers`.
    #[allow(clippy::too_many_arguments)]
    pub async fn register_mcp_server(
        &self,
        server_name: &str,
        display_name: Option<Value>,
        description: Option<Value>,
        server_url: Option<Value>,
        transport_type: &str,
        connection_config: Option<Value>,
        governance_enabled: bool,
        auto_approve_tools: Option<Value>,
        blocked_tools: Option<Value>,
        tool_risk_overrides: Option<Value>,
    ) -> Result<Value> {
        require_nonblank("server_name", server_name, "Required field is missing or empty")?;
        let mut body = Map::new();
        body.insert("server_name".into(), json!(server_name));
        body.insert("transport_type".into(), json!(transport_type));
        body.insert("governance_enabled".into(), json!(governance_enabled));
        for (k, v) in [
            ("display_name", display_name),
            ("description", description),
            ("server_url", server_url),
            ("connection_config", connection_config),
            ("auto_approve_tools", auto_approve_tools),
            ("blocked_tools", blocked_tools),
            ("tool_risk_overrides", tool_risk_overrides),
        ] {
            if let Some(v) = v.filter(|v| !v.is_null()) {
                body.insert(k.into(), v);
            }
        }
        self.raw(Request::new(Method::POST, "/api/registry/mcp-servers").body(Value::Object(body))).await
    }

    /// `GET /api/registry/mcp-servers`.
    pub async fn list_mcp_servers(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/registry/mcp-servers")).await
    }

    /// `GET /api/registry/mcp-servers/{name}`.
    pub async fn get_mcp_server(&self, server_name: &str) -> Result<Value> {
        server_name_check(server_name)?;
        self.raw(Request::new(Method::GET, format!("/api/registry/mcp-servers/{}", path_seg(server_name)))).await
    }

    /// `POST /api/registry/mcp-servers/{name}/activate`.
    pub async fn activate_mcp_server(&self, server_name: &str) -> Result<Value> {
        server_name_check(server_name)?;
        self.raw(Request::new(Method::POST, format!("/api/registry/mcp-servers/{}/activate", path_seg(server_name))))
            .await
    }

    /// `POST /api/registry/mcp-servers/{name}/deactivate` (body only with a reason).
    pub async fn deactivate_mcp_server(&self, server_name: &str, reason: Option<&str>) -> Result<Value> {
        server_name_check(server_name)?;
        let mut req =
            Request::new(Method::POST, format!("/api/registry/mcp-servers/{}/deactivate", path_seg(server_name)));
        if let Some(r) = reason {
            req = req.body(json!({ "reason": r }));
        }
        self.raw(req).await
    }

    /// `DELETE /api/registry/mcp-servers/{name}`.
    pub async fn delete_mcp_server(&self, server_name: &str) -> Result<Value> {
        server_name_check(server_name)?;
        self.raw(Request::new(Method::DELETE, format!("/api/registry/mcp-servers/{}", path_seg(server_name)))).await
    }

    /// `POST /api/authorization/mcp-discovery/scan-network`.
    pub async fn scan_mcp_network(&self) -> Result<Value> {
        self.raw(Request::new(Method::POST, "/api/authorization/mcp-discovery/scan-network")).await
    }

    /// `GET /api/authorization/mcp-discovery/health-monitor`.
    pub async fn get_mcp_health(&self) -> Result<Value> {
        self.raw(Request::new(Method::GET, "/api/authorization/mcp-discovery/health-monitor")).await
    }
}
