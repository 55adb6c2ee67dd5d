//! Completion records (D16) and the durable spool's replay (D18).

use super::*;

impl Client {
    pub(crate) async fn completion(
        &self,
        kind: &str,
        action_id: &Value,
        mut body: Map<String, Value>,
    ) -> Result<Value> {
        let id_text = match action_id {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        require_nonblank("action_id", &id_text, "Required field is missing or empty")?;
        let path = format!(
            "/api/agent-action/{}/{}",
            path_seg(&id_text),
            if kind == "completion" { "complete" } else { "fail" }
        );
        body.insert("action_id".into(), action_id.clone());
        let body = Value::Object(body);
        match self.send(Request::new(Method::POST, path.clone()).body(body.clone()).idempotent()).await {
            Ok(reply) => {
                self.replay_spool_quietly().await;
                Ok(reply.body)
            }
            Err(e) if e.is_unreachable() && matches!(self.inner.cfg.fail_mode, FailMode::Open | FailMode::Local) => {
                self.inner
                    .spool
                    .append(kind, "POST", &path, body, &self.now_iso())
                    .map_err(|spool_err| e.clone().with_detail("spool_error", Value::String(spool_err.message)))?;
                tracing::warn!(code = %e.code, "completion record spooled locally");
                Ok(json!({"logged_locally": true, "spooled": true, "error": e.display_with_code()}))
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /api/agent-action/{id}/complete` (values sent as given, D16).
    pub async fn log_action_completed(
        &self,
        action_id: &Value,
        result: Option<Value>,
        duration_ms: Option<Value>,
    ) -> Result<Value> {
        let mut body = Map::new();
        body.insert("status".into(), json!("completed"));
        body.insert("completed_at".into(), json!(self.now_iso()));
        if let Some(r) = result.filter(|v| !v.is_null()) {
            body.insert("result".into(), r);
        }
        if let Some(d) = duration_ms.filter(|v| !v.is_null()) {
            body.insert("duration_ms".into(), d);
        }
        self.completion("completion", action_id, body).await
    }

    /// `POST /api/agent-action/{id}/fail`.
    pub async fn log_action_failed(
        &self,
        action_id: &Value,
        error: Value,
        duration_ms: Option<Value>,
    ) -> Result<Value> {
        let mut body = Map::new();
        body.insert("status".into(), json!("failed"));
        body.insert("failed_at".into(), json!(self.now_iso()));
        body.insert("error".into(), error);
        if let Some(d) = duration_ms.filter(|v| !v.is_null()) {
            body.insert("duration_ms".into(), d);
        }
        self.completion("failure", action_id, body).await
    }

    /// Replays the spool in order; returns how many entries were delivered. Stops at the first failure.
    pub async fn replay_spool(&self) -> Result<usize> {
        let _g = self.inner.replaying.lock().await;
        self.inner
            .spool
            .replay(|entry| {
                let (seq, method) = (entry.seq, Method::from_bytes(entry.method.as_bytes()).unwrap_or(Method::POST));
                let mut req = Request::new(method, entry.path).body(entry.body);
                req.idempotency_key = Some(entry.idempotency_key);
                async move {
                    let refused = |e: &Error| !(e.is_unreachable() || e.code == ErrorCode::RateLimited);
                    // A refusal keeps the record (nothing is dropped silently) and stops the replay.
                    self.send(req).await.map(drop).inspect_err(|e| {
                        if refused(e) {
                            tracing::warn!(seq, code = %e.code, "spool replay refused by the server");
                        }
                    })
                }
            })
            .await
    }

    pub(crate) async fn replay_spool_quietly(&self) {
        if !self.inner.spool.has_pending().unwrap_or(false) {
            return;
        }
        match self.replay_spool().await {
            Ok(n) => tracing::info!(delivered = n, "spool replayed"),
            Err(e) => tracing::warn!(code = %e.code, "spool replay stopped"),
        }
    }
}
