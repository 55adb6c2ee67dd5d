//! `Client`: every public method of PROTOCOL §5 as an async Rust method, with fail mode (§4, D4/D17), the
//! kill-switch gate (D11), the durable spool (D18) and the idempotent submits of D2.

mod completion;
mod governed;
mod kill_switch;
mod long_tail;
mod mcp_registry;
mod org_control;
mod queries;
mod registry;
mod status;
mod webhooks;

use crate::breaker::CircuitBreaker;
use crate::call_options::CallOptions;
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

/// An action a `wait_for_decision` saw escalated (published on [`Client::escalations`]).
#[derive(Debug, Clone)]
pub struct Escalation {
    /// The escalated action.
    pub action_id: String,
    /// The status reply that said so.
    pub decision: AuthorizationDecision,
}

/// Escalations kept for slow subscribers of [`Client::escalations`] before the oldest are dropped.
pub const ESCALATION_BUFFER: usize = 64;

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
    /// The agent's auto-approve threshold as the registry reported it (D17), once `register()` learned it.
    pub registry_threshold: Mutex<Option<f64>>,
    pub escalations: tokio::sync::broadcast::Sender<Escalation>,
}

/// The ASCEND client. Cheap to clone (shared state); thread-safe.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// Per-call options of this view ([`Client::with_options`]); `None` for the client itself.
    pub(crate) opts: Option<Arc<CallOptions>>,
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

pub(crate) fn path_seg(s: &str) -> String {
    encode_segment(s)
}

pub(crate) fn require_nonblank(field: &str, value: &str, field_msg: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(field, field_msg, format!("{field} must be a non-empty string")));
    }
    Ok(())
}

pub(crate) fn server_name_check(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation(
            "server_name",
            "Required field is missing or empty",
            "server_name must be a non-empty string",
        ));
    }
    Ok(())
}

pub(crate) fn bool_text(b: bool) -> String {
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
        let client = Client {
            opts: None,
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
                registry_threshold: Mutex::new(None),
                escalations: tokio::sync::broadcast::channel(ESCALATION_BUFFER).0,
            }),
        };
        if let Some(interval) = client.inner.cfg.kill_switch_interval {
            client.start_kill_switch_polling(interval.as_secs_f64())?;
        }
        Ok(client)
    }

    /// A view of this client whose calls use `opts` (merged over this view's own options, the later winning): same
    /// connection pool, breaker, kill switch, spool and background tasks; only the requests it sends differ.
    pub fn with_options(&self, opts: CallOptions) -> Client {
        let merged = match &self.opts {
            Some(mine) => mine.merged(&opts),
            None => opts,
        };
        Client { inner: self.inner.clone(), opts: (!merged.is_empty()).then(|| Arc::new(merged)) }
    }

    /// The per-call options of this view (`None` on the client itself).
    pub fn call_options(&self) -> Option<&CallOptions> {
        self.opts.as_deref()
    }

    /// The per-attempt timeout this view's calls use.
    pub(crate) fn effective_timeout(&self) -> Duration {
        self.opts.as_ref().and_then(|o| o.timeout).unwrap_or(self.inner.cfg.timeout)
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

    /// Fail mode LOCAL's auto-approve threshold (D17): the registry's value once `register()` learned it, else
    /// the constructor's `local_auto_approve_below` (default 70).
    pub fn local_auto_approve_below(&self) -> f64 {
        let learned = *self.inner.registry_threshold.lock().unwrap_or_else(|p| p.into_inner());
        learned.unwrap_or(self.inner.cfg.local_auto_approve_below)
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
        self.inner.transport.send_with(&req, self.opts.as_deref()).await
    }

    async fn raw(&self, req: Request) -> Result<Value> {
        Ok(self.send(req).await?.body)
    }

    /// A governed reply as a decision, or a `SERVER_ERROR` when it carries no usable verdict (D23).
    fn decision_from(reply: &Reply) -> Result<AuthorizationDecision> {
        let mut d = AuthorizationDecision::from_reply(&reply.body).map_err(|why| Self::malformed(reply, &why))?;
        d.set_request_correlation_id(&reply.correlation_id);
        Ok(d)
    }

    /// D23: a 2xx reply with no usable verdict. A server answer (its 2xx status is kept), never unreachability,
    /// so fail mode never turns it into an allow.
    pub(crate) fn malformed(reply: &Reply, why: &str) -> Error {
        tracing::error!(status = reply.status, reason = why, "malformed governed reply; no verdict taken from it");
        Error::new(ErrorCode::ServerError, format!("Malformed response: {why}"))
            .with_status(reply.status)
            .with_correlation_id(Some(reply.correlation_id.clone()))
            .with_detail("malformed_response", Value::Bool(true))
    }
}

pub(crate) fn positive_int(field: &str, v: &Value) -> Result<i64> {
    match v.as_i64() {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(Error::validation(field, "Must be a positive integer", format!("{field} must be a positive integer"))),
    }
}
