//! Governed submits: `evaluate_action`, `evaluate_actions`, `evaluate_mcp_action`, with fail mode (D4/D17/D18).

use super::*;

impl Client {
    pub(crate) fn prescore_input(req: &ActionRequest) -> ActionInput {
        let ctx = req.merged_context();
        let text = |k: &str| ctx.get(k).and_then(Value::as_str).map(str::to_string);
        ActionInput {
            action_type: req.action_type.clone(),
            resource: req.resource.clone(),
            description: req.description.clone(),
            tool_name: req.tool_name.clone(),
            environment: text("environment"),
            data_sensitivity: text("data_sensitivity"),
            risk_indicators: req.risk_indicators.clone().unwrap_or_default(),
            context: ctx,
            mcp_server_name: req.mcp_server_name.clone(),
            model_id: req.model_id.clone(),
        }
    }

    /// Pre-scores an action locally with this client's rules (no I/O).
    pub fn prescore(&self, input: &ActionInput) -> PreScore {
        self.inner.prescorer.score(input, &Thresholds::default())
    }

    /// Applies fail mode to a failed submit, spooling any locally made decision (D18).
    pub(crate) async fn fail_mode(
        &self,
        error: Error,
        body: &Value,
        path: &str,
        input: impl FnOnce() -> ActionInput,
    ) -> Result<AuthorizationDecision> {
        let threshold = self.local_auto_approve_below();
        let verdict = failmode::decide(self.inner.cfg.fail_mode, error.clone(), threshold, || self.prescore(&input()));
        match verdict {
            Verdict::Raise(e) => Err(e),
            Verdict::Decide(d) => {
                let mut record = body.as_object().cloned().unwrap_or_default();
                let mut ctx = record.get("context").and_then(Value::as_object).cloned().unwrap_or_default();
                ctx.insert(
                    "offline_decision".into(),
                    json!({"action_id": d.action_id, "decision": d.decision.as_str(), "risk_score": d.risk_score,
                           "fail_mode": self.inner.cfg.fail_mode.as_str(), "decided_at": self.now_iso(),
                           "error_code": error.code.as_str()}),
                );
                record.insert("context".into(), Value::Object(ctx));
                match self.inner.spool.append("decision", "POST", path, Value::Object(record), &self.now_iso()) {
                    Ok(_) => Ok(*d),
                    Err(spool_err) => {
                        tracing::error!(error = %spool_err, "cannot spool a fail-mode decision; raising the original error");
                        Err(error.with_detail("spool_error", Value::String(spool_err.message)))
                    }
                }
            }
        }
    }

    /// Submits one action and, when asked and PENDING, waits for the human decision (PROTOCOL §5.a.1).
    pub async fn evaluate_action(&self, req: ActionRequest) -> Result<AuthorizationDecision> {
        self.gate()?;
        req.validate()?;
        let body = req.to_body(self.agent_id(), self.inner.cfg.agent_name.as_deref());
        let path = "/api/v1/actions/submit";
        let request = Request::new(Method::POST, path).body(body).idempotent();
        let reply = match self.inner.transport.send_with(&request, self.opts.as_deref()).await {
            Ok(r) => r,
            Err(e) => {
                let body = request.body.as_ref().unwrap_or(&Value::Null);
                return self.fail_mode(e, body, path, || Self::prescore_input(&req)).await;
            }
        };
        self.replay_spool_quietly().await;
        let d = Self::decision_from(&reply)?;
        tracing::info!(action_id = %d.action_id, decision = %d.decision, risk_score = ?d.risk_score, "action evaluated");
        if req.wait_for_decision && d.decision == Decision::Pending && !d.action_id.is_empty() {
            let timeout = req.timeout.filter(|t| *t > 0.0).unwrap_or(60.0);
            // D4: the server answered PENDING; nothing below turns that into an allow.
            return self.wait_for_decision(&d.action_id, timeout, 2.0, None).await;
        }
        Ok(d)
    }

    /// Deprecated alias of `evaluate_action` kept for the peer's `submit_action` (wait defaults to true).
    pub async fn submit_action(&self, req: ActionRequest) -> Result<AuthorizationDecision> {
        self.evaluate_action(req).await
    }

    /// Evaluates up to 50 actions concurrently; results in input order with typed per-item errors (D15).
    pub async fn evaluate_actions(
        &self,
        items: Vec<ActionRequest>,
        max_concurrent: usize,
    ) -> Result<BulkEvaluationResult> {
        if items.len() > MAX_BULK_ACTIONS {
            return Err(Error::validation(
                "actions",
                format!("Exceeds limit of {MAX_BULK_ACTIONS}"),
                format!("Maximum {MAX_BULK_ACTIONS} actions per batch (got {})", items.len()),
            ));
        }
        if items.is_empty() {
            return Ok(BulkEvaluationResult::default());
        }
        self.gate()?;
        use futures_util::stream::{self, StreamExt};
        let limit = max_concurrent.clamp(1, MAX_BULK_ACTIONS);
        let results: Vec<BulkActionResult> = stream::iter(items.into_iter().map(|mut req| {
            req.wait_for_decision = false;
            let client = self.clone();
            async move {
                let (action_type, resource) = (req.action_type.clone(), req.resource.clone());
                match client.evaluate_action(req).await {
                    Ok(d) => {
                        BulkActionResult { action_type, resource, decision: Some(d), error: None, succeeded: true }
                    }
                    Err(e) => {
                        BulkActionResult { action_type, resource, decision: None, error: Some(e), succeeded: false }
                    }
                }
            }
        }))
        .buffered(limit)
        .collect()
        .await;
        let succeeded = results.iter().filter(|r| r.succeeded).count();
        Ok(BulkEvaluationResult { total: results.len(), succeeded, failed: results.len() - succeeded, results })
    }

    /// `evaluate_mcp_action` (PROTOCOL §5.b.1) with the kill-switch gate (D11), idempotency (D2) and fail mode.
    #[allow(clippy::too_many_arguments)]
    pub async fn evaluate_mcp_action(
        &self,
        mcp_server: &str,
        namespace: &str,
        verb: &str,
        resource: &str,
        action_type: Option<String>,
        parameters: Option<Map<String, Value>>,
        context: Option<Map<String, Value>>,
        description: Option<String>,
        environment: &str,
        tool_name: Option<String>,
        use_mcp_endpoint: bool,
    ) -> Result<AuthorizationDecision> {
        self.gate()?;
        let resolved = action_type.filter(|s| !s.is_empty()).unwrap_or_else(|| format!("{namespace}.{verb}"));
        if !use_mcp_endpoint {
            let mut ctx = Map::new();
            ctx.insert("mcp_server".into(), json!(mcp_server));
            ctx.insert("namespace".into(), json!(namespace));
            ctx.insert("verb".into(), json!(verb));
            ctx.extend(context.unwrap_or_default());
            let mut req = ActionRequest::new(resolved, resource);
            req.parameters = Some(parameters.unwrap_or_default());
            req.context = Some(ctx);
            req.wait_for_decision = false;
            return self.evaluate_action(req).await;
        }
        for (field, v) in [("mcp_server", mcp_server), ("namespace", namespace), ("verb", verb), ("resource", resource)]
        {
            require_nonblank(field, v, "Required field is missing or empty")?;
        }
        let body = json!({
            "mcp_server": mcp_server, "namespace": namespace, "verb": verb, "resource": resource,
            "action_type": resolved, "description": description,
            "parameters": Value::Object(parameters.clone().unwrap_or_default()),
            "context": Value::Object(context.clone().unwrap_or_default()),
            "environment": environment, "tool_name": tool_name,
        });
        let path = "/api/v1/mcp/actions/submit";
        let request = Request::new(Method::POST, path).body(body).idempotent();
        let reply = match self.inner.transport.send_with(&request, self.opts.as_deref()).await {
            Ok(r) => r,
            Err(e) => {
                let mut req = ActionRequest::new(resolved.clone(), resource);
                req.context = context.clone();
                req.mcp_server_name = Some(mcp_server.to_string());
                req.description = description.clone();
                let body = request.body.as_ref().unwrap_or(&Value::Null);
                return self.fail_mode(e, body, path, || Self::prescore_input(&req)).await;
            }
        };
        self.replay_spool_quietly().await;
        Self::mcp_decision(&reply)
    }

    /// The MCP endpoint's reply (PROTOCOL §5.b.1) read under D23: `success: false` or a denial denies,
    /// `requires_approval` makes it PENDING, and only a well-typed approval allows. A reply with none of these
    /// (the peer allows there) is a `SERVER_ERROR`.
    pub(crate) fn mcp_decision(reply: &Reply) -> Result<AuthorizationDecision> {
        let body = &reply.body;
        let reading = read_verdict(body).map_err(|why| Self::malformed(reply, &why))?;
        let success_false = match body.get("success") {
            Some(Value::Bool(b)) => !*b,
            None | Some(Value::Null) => false,
            Some(other) => {
                let why = format!("`success` is {}, not a boolean", crate::model::decision::json_kind(other));
                return Err(Self::malformed(reply, &why));
            }
        };
        let requires_approval = match body.get("requires_approval") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
        let verdict = reading.as_ref().map(|r| r.decision);
        let decision = if success_false || verdict == Some(Decision::Denied) {
            Decision::Denied
        } else if crate::model::decision::carries_error(body) {
            return Err(Self::malformed(reply, "the reply carries an error and no denial"));
        } else if requires_approval {
            Decision::Pending
        } else {
            verdict.ok_or_else(|| Self::malformed(reply, "the reply carries no verdict (`decision`/`status`)"))?
        };
        let mut d = AuthorizationDecision::from_json(body);
        d.set_request_correlation_id(&reply.correlation_id);
        let conflict = reading.and_then(|r| r.conflict);
        d.apply_reading(&VerdictReading { decision, conflict });
        if d.decision == Decision::Denied {
            d.reason.get_or_insert_with(|| "denied".into());
            d.risk_score.get_or_insert(100.0);
        } else {
            d.risk_score.get_or_insert(0.0);
        }
        if body.get("execution_allowed").is_none() {
            d.execution_allowed = d.decision == Decision::Allowed;
        }
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{ActionRequest, Decision};
    use crate::{Client, ClientParams};
    use serde_json::json;

    fn client(url: &str, dir: &std::path::Path, threshold: Option<f64>) -> Client {
        Client::new(ClientParams {
            api_key: Some("k".into()),
            api_url: Some(url.into()),
            agent_id: Some("a".into()),
            fail_mode: Some("local".into()),
            max_retries: Some(0),
            audit_spool_path: Some(dir.join("s.jsonl")),
            local_auto_approve_below: threshold,
            env: Some(Default::default()),
            ..Default::default()
        })
        .unwrap()
    }

    /// D17: LOCAL uses the constructor's threshold until `register()` learns the registry's, which then wins.
    #[test]
    fn local_threshold_from_constructor_then_registry() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server
            .load_json(&json!([
                {"match": {"path": "/api/v1/actions/submit"}, "respond": {"fault": "reset"}},
                {"match": {"path": "/api/registry/agents"}, "respond": {"status": 200,
                    "body": {"agent_id": "a", "thresholds": {"auto_approve_below": 90}}}},
                {"match": {"path": "/api/v1/actions/submit"}, "respond": {"fault": "reset"}},
            ]))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let c = client(&server.url, dir.path(), Some(30.0));
        assert_eq!(c.local_auto_approve_below(), 30.0);
        let run = |c: &Client| {
            let mut req = ActionRequest::new("query", "db");
            req.wait_for_decision = false;
            crate::lane::block_on(c.evaluate_action(req))
        };
        let d = run(&c).unwrap();
        assert_eq!(d.decision, Decision::Denied, "score 35 is not below the constructor's 30");
        crate::lane::block_on(c.register("automation", None, None, None)).unwrap();
        assert_eq!(c.local_auto_approve_below(), 90.0);
        assert_eq!(run(&c).unwrap().decision, Decision::Allowed, "score 35 is below the registry's 90");
    }
}
