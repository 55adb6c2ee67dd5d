//! `Client`: every public method of PROTOCOL §5 as an async Rust method, with fail mode (§4, D4/D17), the
//! kill-switch gate (D11), the durable spool (D18) and the idempotent submits of D2.

use crate::breaker::CircuitBreaker;
use crate::clock::{iso_timestamp, SharedClock, SystemClock};
use crate::config::{check_url, ClientParams, Config};
use crate::error::{Error, ErrorCode, Result};
use crate::failmode::{self, Verdict};
use crate::model::*;
use crate::prescore::{ActionInput, PreScore, Prescorer, Thresholds};
use crate::spool::Spool;
use crate::transport::{Reply, Request, Transport};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Webhook event names accepted by `configure_webhook`/`update_webhook` (D12 item 2).
pub const WEBHOOK_EVENTS: &[&str] =
    &["action.pending", "action.approved", "action.denied", "agent.blocked", "policy.violation", "agent.trust_changed"];
/// Maximum items of `evaluate_actions`.
pub const MAX_BULK_ACTIONS: usize = 50;
/// Consecutive kill-switch poll failures that block the client (fail-secure, PROTOCOL §9.1).
pub const KILL_SWITCH_FAILURE_LIMIT: u32 = 3;
/// Reason used when polling itself fails repeatedly.
pub const KILL_SWITCH_UNAVAILABLE: &str = "Kill-switch polling unavailable — agent blocked by fail-secure policy";

#[derive(Debug, Default)]
pub(crate) struct KillState {
    pub blocked: bool,
    pub reason: Option<String>,
    pub failures: u32,
    pub started: bool,
    pub warned: bool,
}

/// A callback for `wait_for_decision`'s first escalation.
pub type EscalationCallback = Arc<dyn Fn(&str, &AuthorizationDecision) + Send + Sync>;

pub(crate) struct Inner {
    pub cfg: Arc<Config>,
    pub transport: Transport,
    pub clock: SharedClock,
    pub spool: Spool,
    pub prescorer: Prescorer,
    pub kill: Mutex<KillState>,
    pub kill_task: Mutex<Option<JoinHandle<()>>>,
    pub heartbeat_task: Mutex<Option<JoinHandle<()>>>,
    pub heartbeat_interval: Mutex<f64>,
    pub registered: AtomicBool,
    pub registration_info: Mutex<Option<Value>>,
    pub waiters: Mutex<HashMap<String, Arc<Notify>>>,
    pub delivered: Mutex<HashMap<String, String>>,
    pub replaying: tokio::sync::Mutex<()>,
}

/// The ASCEND client. Cheap to clone (shared state); thread-safe.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.inner.cfg;
        f.debug_struct("Client")
            .field("api_url", &c.api_url)
            .field("agent_id", &c.agent_id)
            .field("environment", &c.environment)
            .field("fail_mode", &c.fail_mode)
            .finish_non_exhaustive()
    }
}

fn path_seg(s: &str) -> String {
    encode_segment(s)
}

fn require_nonblank(field: &str, value: &str, field_msg: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, field_msg, format!("{field} must be a non-empty string")));
    }
    Ok(())
}

fn server_name_check(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation(
            "server_name",
            "Required field is missing or empty",
            "server_name must be a non-empty string",
        ));
    }
    Ok(())
}

fn bool_text(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

impl Client {
    /// A client with the system clock. No network I/O happens here.
    pub fn new(params: ClientParams) -> Result<Client> {
        Client::with_clock(params, Arc::new(SystemClock))
    }

    /// A client with an injected clock (tests, conformance).
    pub fn with_clock(params: ClientParams, clock: SharedClock) -> Result<Client> {
        let cfg = Arc::new(Config::resolve(&params)?);
        let prescorer = match &cfg.prescore_rules_path {
            Some(p) => Prescorer::from_rules_file(p)?,
            None => Prescorer::builtin().clone(),
        };
        let breaker = cfg.enable_circuit_breaker.then(|| {
            Arc::new(CircuitBreaker::new(cfg.circuit_breaker_threshold, cfg.circuit_breaker_timeout, 3, clock.clone()))
        });
        let transport = Transport::new(cfg.clone(), clock.clone(), breaker)?;
        tracing::info!(api_url = %cfg.api_url, agent_id = ?cfg.agent_id, environment = %cfg.environment,
            fail_mode = %cfg.fail_mode, "ASCEND Client initialized");
        Ok(Client {
            inner: Arc::new(Inner {
                spool: Spool::new(cfg.audit_spool_path.clone()),
                cfg,
                transport,
                clock,
                prescorer,
                kill: Mutex::new(KillState::default()),
                kill_task: Mutex::new(None),
                heartbeat_task: Mutex::new(None),
                heartbeat_interval: Mutex::new(60.0),
                registered: AtomicBool::new(false),
                registration_info: Mutex::new(None),
                waiters: Mutex::new(HashMap::new()),
                delivered: Mutex::new(HashMap::new()),
                replaying: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        &self.inner.cfg
    }

    /// The circuit breaker, when enabled.
    pub fn circuit_breaker(&self) -> Option<&Arc<CircuitBreaker>> {
        self.inner.transport.breaker()
    }

    /// The injected clock.
    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    /// The durable spool.
    pub fn spool(&self) -> &Spool {
        &self.inner.spool
    }

    /// Whether `register()` succeeded.
    pub fn is_registered(&self) -> bool {
        self.inner.registered.load(Ordering::SeqCst)
    }

    /// The response of the last successful `register()`.
    pub fn registration_info(&self) -> Option<Value> {
        self.inner.registration_info.lock().ok().and_then(|g| g.clone())
    }

    fn now_iso(&self) -> String {
        iso_timestamp(self.inner.clock.now_unix_micros())
    }

    fn agent_id(&self) -> Option<&str> {
        self.inner.cfg.agent_id.as_deref()
    }

    fn require_agent_id(&self, purpose: &str) -> Result<String> {
        self.agent_id().map(str::to_string).ok_or_else(|| {
            Error::validation(
                "agent_id",
                "Required field is missing or empty",
                format!("agent_id is required for {purpose}"),
            )
        })
    }

    pub(crate) async fn send(&self, req: Request) -> Result<Reply> {
        self.inner.transport.send(&req).await
    }

    async fn raw(&self, req: Request) -> Result<Value> {
        Ok(self.send(req).await?.body)
    }

    fn decision_from(reply: &Reply) -> AuthorizationDecision {
        let mut d = AuthorizationDecision::from_json(&reply.body);
        d.set_request_correlation_id(&reply.correlation_id);
        d
    }

    // ---------------------------------------------------------------- kill switch gate (D11)

    /// Refuses governed calls while blocked (before any network I/O); warns once if polling never started.
    pub(crate) fn gate(&self) -> Result<()> {
        let mut k = self.inner.kill.lock().unwrap_or_else(|p| p.into_inner());
        if !k.started && !k.warned {
            k.warned = true;
            tracing::warn!("kill-switch polling was never started on this client; call start_kill_switch_polling()");
        }
        if k.blocked {
            let reason = k.reason.clone();
            let mut e = Error::new(ErrorCode::KillSwitch, "Kill switch is active - all actions are blocked");
            if let Some(r) = reason.filter(|r| !r.is_empty()) {
                e = e.with_detail("reason", Value::String(r));
            }
            return Err(e);
        }
        Ok(())
    }

    /// Whether the kill switch blocks this client.
    pub fn is_blocked(&self) -> bool {
        self.inner.kill.lock().map(|k| k.blocked).unwrap_or(true)
    }

    /// The current kill-switch reason.
    pub fn kill_switch_reason(&self) -> Option<String> {
        self.inner.kill.lock().ok().and_then(|k| k.reason.clone())
    }

    /// Consecutive failed kill-switch polls.
    pub fn kill_switch_failure_count(&self) -> u32 {
        self.inner.kill.lock().map(|k| k.failures).unwrap_or(0)
    }

    /// Whether kill-switch polling was started.
    pub fn kill_switch_polling_started(&self) -> bool {
        self.inner.kill.lock().map(|k| k.started).unwrap_or(false)
    }

    /// One kill-switch poll (`GET /api/sdk/kill-switch/status`); updates the blocked flag. Errors count toward
    /// the fail-secure limit and are returned.
    pub async fn poll_kill_switch(&self) -> Result<KillSwitchStatus> {
        let r = self.send(Request::new(Method::GET, "/api/sdk/kill-switch/status")).await;
        let mut k = self.inner.kill.lock().unwrap_or_else(|p| p.into_inner());
        match r {
            Ok(reply) => {
                let s = KillSwitchStatus::from_json(&reply.body);
                k.blocked = s.blocked;
                k.reason = s.reason.clone();
                k.failures = 0;
                Ok(s)
            }
            Err(e) => {
                k.failures += 1;
                tracing::warn!(failures = k.failures, code = %e.code, "kill-switch poll failed");
                if k.failures >= KILL_SWITCH_FAILURE_LIMIT {
                    k.blocked = true;
                    k.reason = Some(KILL_SWITCH_UNAVAILABLE.to_string());
                }
                Err(e)
            }
        }
    }

    /// Starts background kill-switch polling; the first poll runs in the background too (D11).
    pub fn start_kill_switch_polling(&self, interval_seconds: f64) -> Result<()> {
        if !interval_seconds.is_finite() || interval_seconds <= 0.0 {
            return Err(Error::validation("interval_seconds", "Must be > 0", "interval_seconds must be positive"));
        }
        self.stop_kill_switch_polling();
        if let Ok(mut k) = self.inner.kill.lock() {
            k.started = true;
        }
        let weak = Arc::downgrade(&self.inner);
        let interval = Duration::from_secs_f64(interval_seconds);
        let task = crate::runtime::runtime().spawn(async move {
            loop {
                let Some(inner) = weak.upgrade() else { return };
                let client = Client { inner };
                let _ = client.poll_kill_switch().await;
                drop(client);
                tokio::time::sleep(interval).await;
            }
        });
        *self.inner.kill_task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        Ok(())
    }

    /// Stops kill-switch polling (the blocked flag stays as it is).
    pub fn stop_kill_switch_polling(&self) {
        if let Some(t) = self.inner.kill_task.lock().unwrap_or_else(|p| p.into_inner()).take() {
            t.abort();
        }
    }

    // ---------------------------------------------------------------- governed submits

    fn prescore_input(req: &ActionRequest) -> ActionInput {
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
    async fn fail_mode(
        &self,
        error: Error,
        body: &Value,
        path: &str,
        input: impl FnOnce() -> ActionInput,
    ) -> Result<AuthorizationDecision> {
        let verdict = failmode::decide(self.inner.cfg.fail_mode, error.clone(), || self.prescore(&input()));
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
        let reply = match self.inner.transport.send(&request).await {
            Ok(r) => r,
            Err(e) => {
                let body = request.body.as_ref().unwrap_or(&Value::Null);
                return self.fail_mode(e, body, path, || Self::prescore_input(&req)).await;
            }
        };
        self.replay_spool_quietly().await;
        let d = Self::decision_from(&reply);
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
        let reply = match self.inner.transport.send(&request).await {
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
        Ok(Self::mcp_decision(&reply))
    }

    fn mcp_decision(reply: &Reply) -> AuthorizationDecision {
        let body = &reply.body;
        let mut d = Self::decision_from(reply);
        let has_verdict =
            ["decision", "status"].iter().any(|k| body.get(*k).and_then(Value::as_str).is_some_and(|s| !s.is_empty()));
        let success_false = body.get("success") == Some(&Value::Bool(false));
        let requires_approval = match body.get("requires_approval") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
        if success_false {
            d.decision = Decision::Denied;
        } else if d.decision != Decision::Denied && requires_approval {
            d.decision = Decision::Pending;
        } else if !has_verdict {
            d.decision = Decision::Allowed;
        }
        if d.decision == Decision::Denied {
            d.reason.get_or_insert_with(|| "denied".into());
            d.risk_score.get_or_insert(100.0);
        } else {
            d.risk_score.get_or_insert(0.0);
        }
        if body.get("execution_allowed").is_none() {
            d.execution_allowed = d.decision == Decision::Allowed;
        }
        d
    }

    // ---------------------------------------------------------------- status and decisions

    /// `GET /api/v1/actions/{id}/status` as a decision.
    pub async fn get_action_status(&self, action_id: &str) -> Result<AuthorizationDecision> {
        Ok(self.get_action_status_reply(action_id, None).await?.0)
    }

    pub(crate) async fn get_action_status_reply(
        &self,
        action_id: &str,
        wait: Option<f64>,
    ) -> Result<(AuthorizationDecision, Option<f64>)> {
        require_nonblank("action_id", action_id, "Required field is missing or empty")?;
        let mut req = Request::new(Method::GET, format!("/api/v1/actions/{}/status", path_seg(action_id)));
        if let Some(w) = wait {
            req = req.query("wait", crate::transport::fmt_wait(w));
            req.attempt_timeout = Some(self.inner.cfg.timeout + Duration::from_secs_f64(w));
        }
        let reply = self.send(req).await?;
        Ok((Self::decision_from(&reply), reply.long_poll_max))
    }

    /// Hands a verified webhook event to the client: a `wait_for_decision` on its action wakes at once and
    /// re-polls. Returns false when the event carries no action (nothing to wake).
    pub fn deliver_webhook_event(&self, event: &crate::webhook::WebhookEvent) -> bool {
        match (event.action_id(), event.decision_status()) {
            (Some(id), status) => {
                self.notify_decision(&id, status.as_deref().unwrap_or(""));
                true
            }
            _ => false,
        }
    }

    /// Wakes any `wait_for_decision` on `action_id` (the low-level form of `deliver_webhook_event`).
    pub fn notify_decision(&self, action_id: &str, status: &str) {
        // Only a live waiter needs the note: events for actions nobody waits on are not kept (no unbounded map).
        let Some(n) = self.inner.waiters.lock().ok().and_then(|w| w.get(action_id).cloned()) else { return };
        if let Ok(mut d) = self.inner.delivered.lock() {
            d.insert(action_id.to_string(), status.to_string());
        }
        n.notify_waiters();
        n.notify_one();
    }

    // ---------------------------------------------------------------- completion records (D16)

    async fn completion(&self, kind: &str, action_id: &Value, mut body: Map<String, Value>) -> Result<Value> {
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

    async fn replay_spool_quietly(&self) {
        if !self.inner.spool.has_pending().unwrap_or(false) {
            return;
        }
        match self.replay_spool().await {
            Ok(n) => tracing::info!(delivered = n, "spool replayed"),
            Err(e) => tracing::warn!(code = %e.code, "spool replay stopped"),
        }
    }

    // ---------------------------------------------------------------- agent registry, health

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

    fn check_identity(&self, agent_id: Option<&str>) -> Result<()> {
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
                tokio::time::sleep(Duration::from_secs_f64(interval)).await;
                let Some(inner) = weak.upgrade() else { return };
                Client { inner }.heartbeat(None, None, None).await;
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
            Err(e) => ConnectionTest {
                connected: false,
                status: "error".into(),
                latency_ms: None,
                api_version: None,
                environment: None,
                organization: None,
                agent_id: self.agent_id().map(str::to_string),
                fail_mode,
                error: Some(e.display_with_code()),
            },
        }
    }

    // ---------------------------------------------------------------- approvals, actions, policies, audit

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

    // ---------------------------------------------------------------- webhooks

    fn check_webhook_url(url: &str) -> Result<()> {
        check_url(url).map_err(|_| {
            Error::validation(
                "url",
                "Must start with https:// (http:// only for loopback addresses)",
                "Webhook URL must use HTTPS",
            )
        })
    }

    fn check_events(events: &[String]) -> Result<()> {
        let invalid: Vec<&String> = events.iter().filter(|e| !WEBHOOK_EVENTS.contains(&e.as_str())).collect();
        if !invalid.is_empty() || events.is_empty() {
            return Err(Error::validation(
                "events",
                format!("Valid events: {WEBHOOK_EVENTS:?}"),
                if events.is_empty() {
                    "events must not be empty".to_string()
                } else {
                    format!("Invalid events: {invalid:?}")
                },
            ));
        }
        Ok(())
    }

    /// `POST /api/webhooks/configure` → a `Webhook` (D12 item 1).
    pub async fn configure_webhook(&self, url: &str, events: Vec<String>, secret: Option<&str>) -> Result<Webhook> {
        Self::check_webhook_url(url)?;
        Self::check_events(&events)?;
        let mut body = Map::new();
        body.insert("url".into(), json!(url));
        body.insert("events".into(), json!(events));
        body.insert("agent_id".into(), json!(self.agent_id()));
        if let Some(s) = secret.filter(|s| !s.is_empty()) {
            body.insert("secret".into(), json!(s));
        }
        let v = self.raw(Request::new(Method::POST, "/api/webhooks/configure").body(Value::Object(body))).await?;
        Ok(Webhook::from_json(&v))
    }

    /// `GET /api/webhooks`.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>> {
        let v = self.raw(Request::new(Method::GET, "/api/webhooks")).await?;
        let items = match &v {
            Value::Array(a) => a.clone(),
            other => other.get("webhooks").and_then(Value::as_array).cloned().unwrap_or_default(),
        };
        Ok(items.iter().map(Webhook::from_json).collect())
    }

    /// `PUT /api/webhooks/{id}` with only the given fields (validated, unlike the peer's Q18).
    pub async fn update_webhook(
        &self,
        webhook_id: &str,
        url: Option<&str>,
        events: Option<Vec<String>>,
        secret: Option<&str>,
    ) -> Result<Webhook> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        let mut body = Map::new();
        if let Some(u) = url {
            Self::check_webhook_url(u)?;
            body.insert("url".into(), json!(u));
        }
        if let Some(e) = events {
            Self::check_events(&e)?;
            body.insert("events".into(), json!(e));
        }
        if let Some(s) = secret {
            body.insert("secret".into(), json!(s));
        }
        let v = self
            .raw(Request::new(Method::PUT, format!("/api/webhooks/{}", path_seg(webhook_id))).body(Value::Object(body)))
            .await?;
        Ok(Webhook::from_json(&v))
    }

    /// `DELETE /api/webhooks/{id}` (204 is success, D10).
    pub async fn delete_webhook(&self, webhook_id: &str) -> Result<()> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        self.raw(Request::new(Method::DELETE, format!("/api/webhooks/{}", path_seg(webhook_id)))).await?;
        Ok(())
    }

    /// `POST /api/webhooks/{id}/test`.
    pub async fn test_webhook(&self, webhook_id: &str) -> Result<WebhookTestResult> {
        require_nonblank("webhook_id", webhook_id, "Required field is missing or empty")?;
        let v = self.raw(Request::new(Method::POST, format!("/api/webhooks/{}/test", path_seg(webhook_id)))).await?;
        Ok(WebhookTestResult::from_json(&v))
    }

    // ---------------------------------------------------------------- MCP registry

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

    // ---------------------------------------------------------------- org kill switch, model linking

    fn kill_switch_checks(organization_id: &Value, reason: &Value) -> Result<i64> {
        match reason {
            Value::String(r) if r.trim().chars().count() >= 10 => {}
            _ => {
                return Err(Error::validation(
                    "reason",
                    "min_length=10",
                    "reason must be a string of at least 10 characters (audit trail minimum)",
                ))
            }
        }
        match organization_id.as_i64() {
            Some(n) if n >= 1 && organization_id.is_i64() => Ok(n),
            _ => Err(Error::validation(
                "organization_id",
                "Must be a positive integer",
                "organization_id must be a positive integer",
            )),
        }
    }

    /// `POST /api/billing/kill-switch/{org}/trigger`.
    pub async fn trigger_kill_switch(&self, organization_id: &Value, reason: &Value) -> Result<Value> {
        let org = Self::kill_switch_checks(organization_id, reason)?;
        self.raw(
            Request::new(Method::POST, format!("/api/billing/kill-switch/{org}/trigger"))
                .body(json!({"reason": reason})),
        )
        .await
    }

    /// `POST /api/billing/kill-switch/{org}/release`.
    pub async fn release_kill_switch(&self, organization_id: &Value, reason: &Value) -> Result<Value> {
        let org = Self::kill_switch_checks(organization_id, reason)?;
        self.raw(
            Request::new(Method::POST, format!("/api/billing/kill-switch/{org}/release"))
                .body(json!({"reason": reason})),
        )
        .await
    }

    /// `PUT /api/registry/agents/{agent_id}` with `{"model_id": <int>}`.
    pub async fn link_model_to_agent(&self, agent_id: &str, model_id: &Value) -> Result<Value> {
        require_nonblank("agent_id", agent_id, "Required field is missing or empty")?;
        let m = positive_int("model_id", model_id)?;
        self.raw(
            Request::new(Method::PUT, format!("/api/registry/agents/{}", path_seg(agent_id)))
                .body(json!({"model_id": m})),
        )
        .await
    }

    // ---------------------------------------------------------------- §5.c long tail (raw JSON)

    fn agent_or_client(&self, agent_id: Option<&str>) -> Result<String> {
        let a = agent_id.or(self.agent_id()).unwrap_or("");
        require_nonblank("agent_id", a, "Required field")?;
        Ok(a.to_string())
    }

    fn topology_ids(orchestrator: &str, ids: &[Value], ints_only: bool, field: &str) -> Result<()> {
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

fn positive_int(field: &str, v: &Value) -> Result<i64> {
    match v.as_i64() {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(Error::validation(field, "Must be a positive integer", format!("{field} must be a positive integer"))),
    }
}
