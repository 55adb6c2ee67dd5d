//! Agent registry, health, heartbeat and `test_connection`.

use super::*;

impl Client {
    /// `POST /api/registry/agents`; an "already exists"/duplicate/409 answer returns `{"status": "already_registered"}`.
    pub async fn register(
        &self,
        agent_type: &str,
        capabilities: Option<Vec<Value>>,
        allowed_resources: Option<Vec<Value>>,
        metadata: Option<Map<String, Value>>,
    ) -> Result<Value> {
        let agent_id = self.require_agent_id("registration")?;
        let body = json!({
            "agent_id": agent_id, "display_name": self.inner.cfg.agent_name, "agent_type": agent_type,
            "environment": self.inner.cfg.environment, "capabilities": capabilities.unwrap_or_default(),
            "allowed_resources": allowed_resources.unwrap_or_default(), "sdk_version": crate::SDK_VERSION,
            "metadata": Value::Object(metadata.unwrap_or_default()),
        });
        match self.raw(Request::new(Method::POST, "/api/registry/agents").body(body)).await {
            Ok(v) => {
                self.inner.registered.store(true, Ordering::SeqCst);
                self.learn_threshold(&v);
                *self.inner.registration_info.lock().unwrap_or_else(|p| p.into_inner()) = Some(v.clone());
                Ok(v)
            }
            Err(e) => {
                let text = format!("{} {}", e.message, Value::Object(e.details.clone())).to_ascii_lowercase();
                if e.code == ErrorCode::Conflict || text.contains("already exists") || text.contains("duplicate") {
                    self.inner.registered.store(true, Ordering::SeqCst);
                    Ok(json!({"status": "already_registered", "agent_id": agent_id}))
                } else {
                    Err(e)
                }
            }
        }
    }

    /// Keeps the agent's auto-approve threshold from a registry reply (`auto_approve_below` at the top level, under
    /// `agent` or under `thresholds`) for fail mode LOCAL (D17). A value that is not a number in 0..=100 is ignored.
    fn learn_threshold(&self, reply: &Value) {
        let found = [
            reply.get("auto_approve_below"),
            reply.pointer("/agent/auto_approve_below"),
            reply.pointer("/thresholds/auto_approve_below"),
        ]
        .into_iter()
        .flatten()
        .find(|v| !v.is_null());
        let Some(v) = found else { return };
        match v.as_f64().filter(|t| crate::failmode::valid_threshold(*t)) {
            Some(t) => *self.inner.registry_threshold.lock().unwrap_or_else(|p| p.into_inner()) = Some(t),
            None => tracing::warn!("the registry's auto_approve_below is not a number in 0..=100; ignored"),
        }
    }

    /// Deprecated shim: `register` with an identity check.
    pub async fn register_agent(
        &self,
        agent_id: Option<&str>,
        agent_type: &str,
        capabilities: Option<Vec<Value>>,
        allowed_resources: Option<Vec<Value>>,
        metadata: Option<Map<String, Value>>,
    ) -> Result<Value> {
        self.check_identity(agent_id)?;
        self.register(agent_type, capabilities, allowed_resources, metadata).await
    }

    pub(crate) fn check_identity(&self, agent_id: Option<&str>) -> Result<()> {
        if let Some(a) = agent_id {
            if Some(a) != self.agent_id() {
                return Err(Error::validation(
                    "agent_id",
                    "Does not match the client's agent_id",
                    format!("agent_id {a:?} does not match this client's agent_id {:?}", self.agent_id()),
                ));
            }
        }
        Ok(())
    }

    /// `DELETE /api/registry/agents/{agent_id}`; stops kill-switch polling first.
    pub async fn deregister(&self) -> Result<()> {
        self.stop_kill_switch_polling();
        let agent_id = self.require_agent_id("deregistration")?;
        self.raw(Request::new(Method::DELETE, format!("/api/registry/agents/{}", path_seg(&agent_id)))).await?;
        self.inner.registered.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// `GET /api/agents/health/{agent_id}`.
    pub async fn get_agent_status(&self) -> Result<AgentHealthStatus> {
        let agent_id = self.require_agent_id("get_agent_status")?;
        let v = self.raw(Request::new(Method::GET, format!("/api/agents/health/{}", path_seg(&agent_id)))).await?;
        Ok(AgentHealthStatus::from_json(&v))
    }

    /// Deprecated shim of `get_agent_status` with an identity check.
    pub async fn get_agent(&self, agent_id: Option<&str>) -> Result<AgentHealthStatus> {
        self.check_identity(agent_id)?;
        self.get_agent_status().await
    }

    /// One heartbeat; never raises (errors are logged).
    pub async fn heartbeat(
        &self,
        response_time_ms: Option<Value>,
        error_rate: Option<Value>,
        requests_count: Option<Value>,
    ) {
        let mut body = Map::new();
        body.insert("agent_id".into(), json!(self.agent_id()));
        body.insert("sdk_version".into(), json!(crate::SDK_VERSION));
        body.insert("timestamp".into(), json!(self.now_iso()));
        for (k, v) in
            [("response_time_ms", response_time_ms), ("error_rate", error_rate), ("requests_count", requests_count)]
        {
            if let Some(v) = v.filter(|v| !v.is_null()) {
                body.insert(k.into(), v);
            }
        }
        if let Err(e) =
            self.send(Request::new(Method::POST, "/api/agents/health/heartbeat").body(Value::Object(body))).await
        {
            tracing::debug!(code = %e.code, "heartbeat failed");
        }
    }

    /// Sends a heartbeat now, then every `interval_seconds` (default 60 or the previous interval).
    pub async fn start_heartbeat(&self, interval_seconds: Option<f64>) -> Result<()> {
        let interval = match interval_seconds {
            Some(i) if !i.is_finite() || i <= 0.0 => {
                return Err(Error::validation("interval_seconds", "Must be > 0", "interval_seconds must be positive"))
            }
            Some(i) => i,
            None => *self.inner.heartbeat_interval.lock().unwrap_or_else(|p| p.into_inner()),
        };
        *self.inner.heartbeat_interval.lock().unwrap_or_else(|p| p.into_inner()) = interval;
        self.stop_heartbeat();
        self.heartbeat(None, None, None).await;
        let weak = Arc::downgrade(&self.inner);
        let task = crate::runtime::runtime().spawn(async move {
            loop {
                tokio::time::sleep(crate::clock::secs_saturating(interval)).await;
                let Some(inner) = weak.upgrade() else { return };
                Client { inner, opts: None }.heartbeat(None, None, None).await;
            }
        });
        *self.inner.heartbeat_task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        Ok(())
    }

    /// Stops the heartbeat scheduler.
    pub fn stop_heartbeat(&self) {
        if let Some(t) = self.inner.heartbeat_task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            t.abort();
        }
    }

    /// Stops background work.
    pub fn close(&self) {
        self.stop_kill_switch_polling();
        self.stop_heartbeat();
    }

    /// `GET /health` then `GET /api/deployment-info`; never raises.
    pub async fn test_connection(&self) -> ConnectionTest {
        let fail_mode = self.inner.cfg.fail_mode.as_str().to_string();
        let started = std::time::Instant::now();
        let health = self.raw(Request::new(Method::GET, "/health")).await;
        let latency = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        let outcome = match health {
            Ok(_) => self.raw(Request::new(Method::GET, "/api/deployment-info")).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(info) => ConnectionTest {
                connected: true,
                status: "connected".into(),
                latency_ms: Some(latency),
                api_version: Some(info.get("version").and_then(Value::as_str).unwrap_or("unknown").to_string()),
                environment: Some(info.get("environment").and_then(Value::as_str).unwrap_or("unknown").to_string()),
                organization: None,
                agent_id: self.agent_id().map(str::to_string),
                fail_mode,
                error: None,
            },
            Err(e) => ConnectionTest::failure(self.agent_id().map(str::to_string), fail_mode, e.display_with_code()),
        }
    }
}

impl ConnectionTest {
    /// The result of a failed connection test, for every binding (also when the call itself could not run): the
    /// success's attributes (Q28 fixed), `unknown` where no deployment info was read, the error's text.
    pub fn failure(agent_id: Option<String>, fail_mode: impl Into<String>, error: impl Into<String>) -> ConnectionTest {
        ConnectionTest {
            connected: false,
            status: "error".into(),
            latency_ms: None,
            api_version: Some("unknown".into()),
            environment: Some("unknown".into()),
            organization: None,
            agent_id,
            fail_mode: fail_mode.into(),
            error: Some(error.into()),
        }
    }
}
