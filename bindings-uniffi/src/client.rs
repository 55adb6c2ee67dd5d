//! `AscendClient`: every method of the core's client. Network methods are `async` (Kotlin `suspend`, Swift
//! `async`) and cancel-safe (see [`crate::spawn`]). Typed where the core has a record; the other methods take
//! their keyword arguments as a JSON object text and return the result's JSON projection as text, exactly as
//! `Client::invoke` defines them.

use crate::spawn::{guard, run};
use crate::testing::TestClock;
use ascend_core::api::records::{ActionRequest, AscendError, ClientConfig, Webhook, WebhookConfig};
use ascend_core::clock::{SharedClock, SystemClock};
use ascend_core::model::{self, AuthorizationDecision};
use ascend_core::{Client, ClientParams, Error};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A governed ASCEND client. One per agent; share it between coroutines and threads.
#[derive(uniffi::Object)]
pub struct AscendClient {
    inner: Arc<Client>,
}

fn args_of(args_json: &str) -> Result<Value, AscendError> {
    match serde_json::from_str::<Value>(args_json) {
        Ok(v @ (Value::Object(_) | Value::Null)) => Ok(v),
        _ => Err(Error::validation("args_json", "Must be a JSON object", "arguments must be JSON object text").into()),
    }
}

fn millis(field: &str, ms: i64) -> Result<f64, AscendError> {
    if ms < 0 {
        return Err(Error::validation(field, "Must be >= 0", format!("{field} must be a non-negative duration")).into());
    }
    Ok(ms as f64 / 1000.0)
}

impl AscendClient {
    fn build(mut params: ClientParams, clock: SharedClock) -> Result<Arc<Self>, AscendError> {
        // The User-Agent names the binding (the host language is not known on this side of the FFI).
        params.binding =
            Some(ascend_core::BindingInfo { name: "uniffi".into(), version: ascend_core::SDK_VERSION.into() });
        guard(|| Client::with_clock(params, clock)).map(|c| Arc::new(AscendClient { inner: Arc::new(c) }))
    }

    async fn decision<F>(&self, f: impl FnOnce(Arc<Client>) -> F) -> Result<AuthorizationDecision, AscendError>
    where
        F: std::future::Future<Output = ascend_core::Result<AuthorizationDecision>> + Send + 'static,
    {
        run(f(self.inner.clone())).await
    }

    async fn json_with_target(
        &self,
        method: &'static str,
        param: &str,
        target: String,
        args_json: String,
    ) -> Result<String, AscendError> {
        let mut args = args_of(&args_json)?;
        if args.is_null() {
            args = json!({});
        }
        if let Some(map) = args.as_object_mut() {
            map.insert(param.to_string(), Value::String(target));
        }
        self.json(method, args.to_string()).await
    }

    async fn json(&self, method: &'static str, args_json: String) -> Result<String, AscendError> {
        let args = args_of(&args_json)?;
        let c = self.inner.clone();
        run(async move { c.invoke(method, args).await }).await.map(|v| v.to_string())
    }
}

#[uniffi::export]
impl AscendClient {
    /// A client from its configuration (environment fallbacks apply); validates everything, no network I/O.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, AscendError> {
        Self::build(config.into(), Arc::new(SystemClock))
    }

    /// A client from snake_case JSON parameters (`api_key`, `api_url`, `fail_mode`, ...; `ClientParams::from_json`),
    /// e.g. read from a configuration file. Type errors name the field.
    #[uniffi::constructor]
    pub fn from_json(params_json: String) -> Result<Arc<Self>, AscendError> {
        let v: Value = serde_json::from_str(&params_json).map_err(|_| {
            AscendError::from(Error::validation("params_json", "Must be JSON", "params_json must be a JSON object"))
        })?;
        let params = guard(|| ClientParams::from_json(&v))?;
        Self::build(params, Arc::new(SystemClock))
    }

    /// A client for tests: `env` replaces the process environment, `clock` (when given) is a manual clock.
    #[uniffi::constructor]
    pub fn new_for_tests(
        config: ClientConfig,
        env: HashMap<String, String>,
        clock: Option<Arc<TestClock>>,
    ) -> Result<Arc<Self>, AscendError> {
        let mut params: ClientParams = config.into();
        params.env = Some(env);
        let clock: SharedClock = match clock {
            Some(c) => c.shared(),
            None => Arc::new(SystemClock),
        };
        Self::build(params, clock)
    }

    /// Submits an action for governance (PROTOCOL §5.a.1); waits for a human decision when
    /// `request.wait_for_decision` is true and the answer is PENDING.
    pub async fn evaluate_action(&self, request: ActionRequest) -> Result<AuthorizationDecision, AscendError> {
        let req = model::ActionRequest::try_from(request).map_err(AscendError::from)?;
        self.decision(|c| async move { c.evaluate_action(req).await }).await
    }

    /// Deprecated alias of `evaluate_action` (the peer's `submit_action`).
    pub async fn submit_action(&self, request: ActionRequest) -> Result<AuthorizationDecision, AscendError> {
        let req = model::ActionRequest::try_from(request).map_err(AscendError::from)?;
        self.decision(|c| async move { c.submit_action(req).await }).await
    }

    /// Polls until the action is decided (ALLOWED or DENIED) or `timeout_ms` passes (`TIMEOUT`).
    #[uniffi::method(default(timeout_ms = 60000, poll_interval_ms = 2000))]
    pub async fn wait_for_decision(
        &self,
        action_id: String,
        timeout_ms: i64,
        poll_interval_ms: i64,
    ) -> Result<AuthorizationDecision, AscendError> {
        let (t, i) = (millis("timeout_ms", timeout_ms)?, millis("poll_interval_ms", poll_interval_ms)?);
        self.decision(|c| async move { c.wait_for_decision(&action_id, t, i, None).await }).await
    }

    /// The peer's `wait_for_approval`: `wait_for_decision` with its defaults.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for_approval(
        &self,
        action_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<AuthorizationDecision, AscendError> {
        let t = timeout_ms.map(|v| millis("timeout_ms", v)).transpose()?;
        let i = poll_interval_ms.map(|v| millis("poll_interval_ms", v)).transpose()?;
        self.decision(|c| async move { c.wait_for_approval(&action_id, t, None, i).await }).await
    }

    /// The current decision of an action.
    pub async fn get_action_status(&self, action_id: String) -> Result<AuthorizationDecision, AscendError> {
        self.decision(|c| async move { c.get_action_status(&action_id).await }).await
    }

    /// Governs one MCP tool call (PROTOCOL §5.b); `parameters` and `context` are JSON object text.
    #[allow(clippy::too_many_arguments)]
    #[uniffi::method(default(
        action_type = None,
        parameters = None,
        context = None,
        description = None,
        environment = "production",
        tool_name = None,
        use_mcp_endpoint = true
    ))]
    pub async fn evaluate_mcp_action(
        &self,
        mcp_server: String,
        namespace: String,
        verb: String,
        resource: String,
        action_type: Option<String>,
        parameters: Option<String>,
        context: Option<String>,
        description: Option<String>,
        environment: String,
        tool_name: Option<String>,
        use_mcp_endpoint: bool,
    ) -> Result<AuthorizationDecision, AscendError> {
        use ascend_core::api::records::json_object;
        let parameters = json_object("parameters", parameters.as_deref())?;
        let context = json_object("context", context.as_deref())?;
        self.decision(|c| async move {
            c.evaluate_mcp_action(
                &mcp_server,
                &namespace,
                &verb,
                &resource,
                action_type,
                parameters,
                context,
                description,
                &environment,
                tool_name,
                use_mcp_endpoint,
            )
            .await
        })
        .await
    }

    /// Subscribes a webhook endpoint to events.
    pub async fn configure_webhook(&self, config: WebhookConfig) -> Result<Webhook, AscendError> {
        let c = self.inner.clone();
        run(async move { c.configure_webhook(&config.url, config.events, config.secret.as_deref()).await })
            .await
            .map(|w| Webhook::from(&w))
    }

    /// Every webhook subscription.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, AscendError> {
        let c = self.inner.clone();
        run(async move { c.list_webhooks().await }).await.map(|ws| ws.iter().map(Webhook::from).collect())
    }

    /// Changes a webhook subscription; `None` leaves a field as it is.
    #[uniffi::method(default(url = None, events = None, secret = None))]
    pub async fn update_webhook(
        &self,
        webhook_id: String,
        url: Option<String>,
        events: Option<Vec<String>>,
        secret: Option<String>,
    ) -> Result<Webhook, AscendError> {
        let c = self.inner.clone();
        run(async move { c.update_webhook(&webhook_id, url.as_deref(), events, secret.as_deref()).await })
            .await
            .map(|w| Webhook::from(&w))
    }

    /// Deletes a webhook subscription.
    pub async fn delete_webhook(&self, webhook_id: String) -> Result<(), AscendError> {
        let c = self.inner.clone();
        run(async move { c.delete_webhook(&webhook_id).await }).await
    }

    /// Whether the kill switch blocks this agent (no network I/O).
    pub fn is_blocked(&self) -> bool {
        self.inner.is_blocked()
    }

    /// The core's `close`: stops background tasks (heartbeat, kill-switch polling); the client stays usable.
    /// (Kotlin's `close()` of `AutoCloseable` releases the native object; call this one first to stop tasks.)
    pub fn shutdown(&self) {
        self.inner.close()
    }

    /// The resolved configuration as JSON (never the API key or secrets).
    pub fn config_json(&self) -> String {
        let c = self.inner.config();
        json!({
            "api_url": c.api_url, "agent_id": c.agent_id, "agent_name": c.agent_name, "environment": c.environment,
            "fail_mode": c.fail_mode.as_str(), "timeout": c.timeout.as_secs_f64(), "max_retries": c.max_retries,
            "enable_circuit_breaker": c.enable_circuit_breaker,
            "circuit_breaker_threshold": c.circuit_breaker_threshold,
            "circuit_breaker_timeout": c.circuit_breaker_timeout.as_secs_f64(),
            "has_signing_secret": c.signing_secret.is_some(), "api_key_set": !c.api_key.expose().is_empty(),
        })
        .to_string()
    }

    /// The circuit breaker as JSON: `{"state": "closed"|"open"|"half_open"|null, "failures": n|null}`.
    pub fn circuit_breaker_json(&self) -> String {
        match self.inner.circuit_breaker() {
            Some(b) => json!({"state": b.state().as_str(), "failures": b.failures()}),
            None => json!({"state": null, "failures": null}),
        }
        .to_string()
    }

    /// Any client method by its snake_case name with JSON keyword arguments; the result's JSON projection.
    pub async fn invoke(&self, method: String, args_json: String) -> Result<String, AscendError> {
        let args = args_of(&args_json)?;
        let c = self.inner.clone();
        run(async move { c.invoke(&method, args).await }).await.map(|v| v.to_string())
    }
}

/// The methods whose peer result is a raw dict: JSON object text in (keyword arguments), JSON text out. A method
/// whose table row names a `target` (the id it acts on) takes it first, as in every binding: `name(target, args)`.
macro_rules! json_methods {
    ($($(#[$doc:meta])* $name:ident $(($target:literal))?),+ $(,)?) => {
        $(json_methods!(@one $(#[$doc])* $name $(($target))?);)+
    };
    (@one $(#[$doc:meta])* $name:ident) => {
        #[uniffi::export]
        impl AscendClient {
            $(#[$doc])*
            #[uniffi::method(default(args_json = "{}"))]
            pub async fn $name(&self, args_json: String) -> Result<String, AscendError> {
                self.json(stringify!($name), args_json).await
            }
        }
    };
    (@one $(#[$doc:meta])* $name:ident ($target:literal)) => {
        #[uniffi::export]
        impl AscendClient {
            $(#[$doc])*
            #[uniffi::method(default(args_json = "{}"))]
            pub async fn $name(&self, target: String, args_json: String) -> Result<String, AscendError> {
                self.json_with_target(stringify!($name), $target, target, args_json).await
            }
        }
    };
}

json_methods!(
    /// Bulk governance (`{"actions": [...], "max_concurrent": 5}`); results in input order (D15).
    evaluate_actions,
    /// Sends a test delivery to a webhook (`{"webhook_id"}`).
    test_webhook("webhook_id"),
    /// Registers this agent.
    register,
    /// Registers an agent by id.
    register_agent,
    /// Deregisters this agent.
    deregister,
    /// This agent's health status.
    get_agent_status,
    /// An agent's status (`{"agent_id"}`).
    get_agent,
    /// Logs a completed action (`{"action_id", "result", "duration_ms"}`; spooled under OPEN/LOCAL, D16).
    log_action_completed("action_id"),
    /// Logs a failed action (`{"action_id", "error", "duration_ms"}`).
    log_action_failed("action_id"),
    /// An approval request's state (`{"approval_request_id"}`).
    check_approval("approval_request_id"),
    /// One heartbeat.
    heartbeat,
    /// One heartbeat (the peer's other name).
    send_heartbeat,
    /// Starts the background heartbeat (`{"interval_seconds"}`).
    start_heartbeat,
    /// Stops the background heartbeat.
    stop_heartbeat,
    /// Starts kill-switch polling (`{"interval_seconds"}`).
    start_kill_switch_polling,
    /// Stops kill-switch polling.
    stop_kill_switch_polling,
    /// Polls the kill switch once.
    poll_kill_switch,
    /// Checks connectivity and authentication.
    test_connection,
    /// Lists actions (`{"limit", "offset", "status"}`).
    list_actions,
    /// Full details of an action (`{"action_id"}`).
    get_action_details("action_id"),
    /// Evaluates a policy (`{"action_type", "resource", "risk_score", "context"}`).
    evaluate_policy,
    /// A resource type's classification (`{"resource_type"}`).
    get_resource_classification("resource_type"),
    /// The audit log (`{"limit", "offset"}`).
    query_audit_log,
    /// Registers an MCP server.
    register_mcp_server,
    /// Lists MCP servers.
    list_mcp_servers,
    /// One MCP server (`{"server_name"}`).
    get_mcp_server("server_name"),
    /// Activates an MCP server.
    activate_mcp_server("server_name"),
    /// Deactivates an MCP server (`{"server_name", "reason"}`).
    deactivate_mcp_server("server_name"),
    /// Deletes an MCP server.
    delete_mcp_server("server_name"),
    /// Scans the network for MCP servers.
    scan_mcp_network,
    /// MCP health.
    get_mcp_health,
    /// Triggers the organisation kill switch.
    trigger_kill_switch,
    /// Releases the organisation kill switch.
    release_kill_switch,
    /// Links a model to an agent (`{"agent_id", "model_id"}`).
    link_model_to_agent("agent_id"),
    /// Registers an orchestration topology.
    register_topology("orchestrator_agent_id"),
    /// Registers an MCP topology.
    register_mcp_topology("orchestrator_agent_id"),
    /// Cascading kill of an orchestrator's workers (`{"orchestrator_id", "reason", "dry_run"}`).
    cascade_kill("orchestrator_id"),
    /// An orchestration session.
    get_orchestration_session("session_id"),
    /// An orchestration session's risk.
    get_orchestration_session_risk("session_id"),
    /// Orchestration statistics.
    get_orchestration_stats,
    /// Output filter configuration.
    get_output_filter_config,
    /// Output findings.
    get_output_findings,
    /// Output findings of one action.
    get_output_findings_for_action("action_id"),
    /// Scans model output (`{"content", "agent_id", "action_id"}`).
    scan_output,
    /// Registers a supply-chain component.
    register_supply_chain_component,
    /// Lists supply-chain components.
    list_supply_chain_components,
    /// Supply-chain statistics.
    get_supply_chain_stats,
    /// Impact of a supply-chain component.
    get_supply_chain_impact("component_id"),
    /// CVE sync status.
    get_cve_sync_status,
    /// Supply-chain alerts.
    get_supply_chain_alerts,
    /// Commands pending for an agent.
    get_pending_commands,
    /// Acknowledges a command (`{"command_id", "agent_id"}`).
    ack_command("command_id"),
    /// Replays the durable spool now (D18); the number of records delivered.
    replay_spool,
    /// The number of records waiting in the spool.
    spool_pending,
    /// Hands a verified webhook event (`{"event": {...}}`) to waiters, so a wait ends without its next poll.
    deliver_webhook_event,
    /// The governed-tool flow in one call (`core/src/govern`): run / denied / pending / unavailable.
    govern_tool_call,
    /// The governed-tool flow's first phase: the decision, never waiting.
    evaluate_tool_call,
    /// The governed-tool flow's approval wait, on the client's clock.
    await_tool_approval("action_id"),
    /// Logs a governed tool call's completion or failure (never raises).
    finish_tool_call("action_id"),
    /// Plans and governs a shell command (D24: runs only on ALLOWED).
    govern_command,
    /// Governs a dynamic-code evaluation (D24).
    govern_code,
);
