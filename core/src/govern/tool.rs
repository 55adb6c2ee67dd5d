//! The governed-tool flow of MCP decorators (PROTOCOL §8.4 with Q26 fixed): every binding's decorator builds a
//! [`ToolCall`], asks [`Client::govern_tool_call`] (or its two phases, [`Client::evaluate_tool_call`] then
//! [`Client::await_tool_approval`], to notify its host in between), runs the tool only on
//! [`ToolOutcome::Run`], and reports the tool's end with [`Client::finish_tool_call`].
//!
//! Rules kept here, once: the request and context shape, redaction of sensitive argument names (in `parameters`
//! and in `context`) and truncation of long strings in `context`; a PENDING decision is waited for on the client's
//! injected clock (`check_approval` polling when the decision carries an `approval_request_id`, else
//! `wait_for_decision`), and an approval that does not arrive is [`ToolOutcome::Pending`], never a run (D4);
//! unreachability goes through the client's fail mode (D4/D17/D18) and what is left of it is
//! [`ToolOutcome::Unavailable`]; only a decision that permits execution runs the tool (D24); completion records
//! never turn a finished tool call into a failure.

use crate::client::Client;
use crate::dispatch::Args;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{ActionRequest, AuthorizationDecision, Decision};
use serde_json::{json, Map, Value};

/// Argument names containing any of these markers (case-insensitive) are sent as [`REDACTED`].
pub const SENSITIVE_MARKERS: &[&str] =
    &["password", "secret", "token", "api_key", "apikey", "auth", "credential", "private_key", "access_token"];
/// What a sensitive argument's value becomes.
pub const REDACTED: &str = "[REDACTED]";
/// Strings longer than this many characters are truncated in `context`.
pub const TRUNCATE_ABOVE_CHARS: usize = 100;
/// Characters kept of a truncated string, followed by [`TRUNCATED_SUFFIX`].
pub const TRUNCATED_KEEP_CHARS: usize = 50;
/// Marks a truncated string.
pub const TRUNCATED_SUFFIX: &str = "...[truncated]";
/// `context.source` of every governed tool call.
pub const SOURCE: &str = "mcp_server";
/// `context.governance_version`.
pub const GOVERNANCE_VERSION: &str = "2.0.0";
/// Default approval wait bound, seconds.
pub const DEFAULT_APPROVAL_TIMEOUT: f64 = 300.0;
/// Default approval poll interval, seconds.
pub const DEFAULT_APPROVAL_POLL_INTERVAL: f64 = 5.0;

/// Whether an argument name is sensitive.
pub fn is_sensitive(name: &str) -> bool {
    let lower = name.to_lowercase();
    SENSITIVE_MARKERS.iter().any(|m| lower.contains(m))
}

/// `value` with sensitive names redacted at every depth (an object's keys are names; a list's items keep the
/// list's name) and, when `truncate`, strings over [`TRUNCATE_ABOVE_CHARS`] characters cut short.
pub fn redact(name: &str, value: &Value, truncate: bool) -> Value {
    if is_sensitive(name) {
        return Value::String(REDACTED.into());
    }
    match value {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), redact(k, v, truncate))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(name, v, truncate)).collect()),
        Value::String(s) if truncate && s.chars().count() > TRUNCATE_ABOVE_CHARS => {
            Value::String(s.chars().take(TRUNCATED_KEEP_CHARS).collect::<String>() + TRUNCATED_SUFFIX)
        }
        other => other.clone(),
    }
}

fn redact_all(args: &Map<String, Value>, truncate: bool) -> Map<String, Value> {
    args.iter().map(|(k, v)| (k.clone(), redact(k, v, truncate))).collect()
}

/// One call of a governed tool, as the decorator sees it. Argument values are JSON already (a binding turns
/// values JSON cannot carry into a placeholder such as `"<object>"`); redaction happens here.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// `action_type` sent to ASCEND.
    pub action_type: String,
    /// `resource` sent to ASCEND.
    pub resource: String,
    /// The tool's name.
    pub tool_name: String,
    /// Every argument by parameter name (becomes `parameters`, redacted).
    pub arguments: Map<String, Value>,
    /// How many arguments were positional.
    pub positional_count: u64,
    /// The keyword arguments as given (become `context.arguments.keyword_args`, redacted and truncated).
    pub keyword_args: Map<String, Value>,
    /// Host metadata (`context.metadata`, when non-empty).
    pub metadata: Option<Map<String, Value>>,
    /// Risk hint (`context.risk_level`, informational).
    pub risk_level: Option<String>,
    /// Human approval hint (`context.require_human_approval`, informational).
    pub require_human_approval: bool,
    /// Put `tool_name` in the context.
    pub include_tool_name: bool,
    /// Put the arguments in the context.
    pub include_arguments: bool,
    /// Wait for a human decision on PENDING (else PENDING is [`ToolOutcome::Pending`] at once).
    pub wait_for_approval: bool,
    /// Approval wait bound, seconds.
    pub approval_timeout_seconds: f64,
    /// Approval poll interval, seconds.
    pub approval_poll_interval_seconds: f64,
    /// The MCP server the tool belongs to (`mcp_server_name` of the request; with it, `tool_name` goes into
    /// `action_details` so the server can apply the MCP server's tool lists).
    pub mcp_server_name: Option<String>,
    /// What the call does, in words (`description` of the request, in `action_details`).
    pub description: Option<String>,
}

fn non_negative(a: &Args<'_>, name: &str, default: f64) -> Result<f64> {
    let v = a.f64_or(name, default)?;
    if !v.is_finite() || v < 0.0 {
        return Err(Error::validation(name, "Must be a non-negative number", format!("{name} must be >= 0")));
    }
    Ok(v)
}

impl ToolCall {
    /// A call with the default configuration and no arguments.
    pub fn new(action_type: impl Into<String>, resource: impl Into<String>, tool_name: impl Into<String>) -> Self {
        ToolCall {
            action_type: action_type.into(),
            resource: resource.into(),
            tool_name: tool_name.into(),
            arguments: Map::new(),
            positional_count: 0,
            keyword_args: Map::new(),
            metadata: None,
            risk_level: None,
            require_human_approval: false,
            include_tool_name: true,
            include_arguments: true,
            wait_for_approval: true,
            approval_timeout_seconds: DEFAULT_APPROVAL_TIMEOUT,
            approval_poll_interval_seconds: DEFAULT_APPROVAL_POLL_INTERVAL,
            mcp_server_name: None,
            description: None,
        }
    }

    /// From keyword arguments (`invoke("govern_tool_call", {...})`); errors name the field.
    pub fn from_args(a: &Args<'_>) -> Result<ToolCall> {
        let mut call = ToolCall::new(a.required_text("action_type")?, a.required_text("resource")?, "tool");
        if let Some(name) = a.opt_string("tool_name")? {
            call.tool_name = name;
        }
        call.arguments = a.opt_object("arguments")?.unwrap_or_default();
        call.positional_count = a.i64_or("positional_count", 0)?.max(0) as u64;
        call.keyword_args = a.opt_object("keyword_args")?.unwrap_or_default();
        call.metadata = a.opt_object("metadata")?;
        call.risk_level = a.opt_string("risk_level")?;
        call.require_human_approval = a.bool_or("require_human_approval", false)?;
        call.include_tool_name = a.bool_or("include_tool_name", true)?;
        call.include_arguments = a.bool_or("include_arguments", true)?;
        call.wait_for_approval = a.bool_or("wait_for_approval", true)?;
        call.approval_timeout_seconds = non_negative(a, "approval_timeout_seconds", DEFAULT_APPROVAL_TIMEOUT)?;
        call.approval_poll_interval_seconds =
            non_negative(a, "approval_poll_interval_seconds", DEFAULT_APPROVAL_POLL_INTERVAL)?;
        call.mcp_server_name = a.opt_string("mcp_server_name")?;
        call.description = a.opt_string("description")?;
        Ok(call)
    }

    /// The context sent with the request.
    pub fn context(&self) -> Map<String, Value> {
        let mut ctx = Map::new();
        ctx.insert("source".into(), json!(SOURCE));
        ctx.insert("governance_version".into(), json!(GOVERNANCE_VERSION));
        if self.include_tool_name {
            ctx.insert("tool_name".into(), json!(self.tool_name));
        }
        if self.include_arguments {
            ctx.insert(
                "arguments".into(),
                json!({"positional_count": self.positional_count,
                       "keyword_args": Value::Object(redact_all(&self.keyword_args, true))}),
            );
        }
        if let Some(m) = self.metadata.as_ref().filter(|m| !m.is_empty()) {
            ctx.insert("metadata".into(), Value::Object(m.clone()));
        }
        if let Some(level) = self.risk_level.as_ref().filter(|l| !l.is_empty()) {
            ctx.insert("risk_level".into(), json!(level));
        }
        if self.require_human_approval {
            ctx.insert("require_human_approval".into(), json!(true));
        }
        ctx
    }

    /// The `evaluate_action` request (never waits itself: the flow waits, on the client's clock).
    pub fn evaluate_request(&self) -> ActionRequest {
        let mut req = ActionRequest::new(self.action_type.clone(), self.resource.clone());
        req.parameters = Some(redact_all(&self.arguments, false));
        req.context = Some(self.context());
        req.wait_for_decision = false;
        req.description = self.description.clone();
        if let Some(server) = &self.mcp_server_name {
            req.mcp_server_name = Some(server.clone());
            req.tool_name = Some(self.tool_name.clone());
        }
        req
    }
}

/// What the decorator does with the tool.
#[derive(Debug, Clone)]
pub enum ToolOutcome {
    /// Run the tool (the decision permits execution, D24).
    Run(Box<AuthorizationDecision>),
    /// Do not run it: denied (or a decision that does not permit execution).
    Denied(Box<AuthorizationDecision>),
    /// Do not run it: a human decision is still outstanding (not waited for, or not in time).
    Pending(Box<AuthorizationDecision>),
    /// Do not run it: ASCEND could not be reached and the client's fail mode made no decision.
    Unavailable(Error),
}

impl ToolOutcome {
    fn of(decision: AuthorizationDecision) -> ToolOutcome {
        if decision.permits_execution() {
            ToolOutcome::Run(Box::new(decision))
        } else if decision.decision == Decision::Pending {
            ToolOutcome::Pending(Box::new(decision))
        } else {
            ToolOutcome::Denied(Box::new(decision))
        }
    }

    /// `run` | `denied` | `pending` | `unavailable`.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolOutcome::Run(_) => "run",
            ToolOutcome::Denied(_) => "denied",
            ToolOutcome::Pending(_) => "pending",
            ToolOutcome::Unavailable(_) => "unavailable",
        }
    }

    /// The decision, when there is one.
    pub fn decision(&self) -> Option<&AuthorizationDecision> {
        match self {
            ToolOutcome::Run(d) | ToolOutcome::Denied(d) | ToolOutcome::Pending(d) => Some(d),
            ToolOutcome::Unavailable(_) => None,
        }
    }

    /// The projection every binding reads: `outcome`, `decision`, `action_id`, and for outcomes that stop the
    /// tool the host error to raise: `error_code` (`MCP_ACTION_DENIED`, `APPROVAL_TIMEOUT`,
    /// `GOVERNANCE_UNAVAILABLE`), `message`, `cause` (the unreachability error's code), and `tool_message`, the
    /// text a framework adapter gives the model as the tool's error result ([`ToolOutcome::tool_message`]).
    pub fn to_json(&self, call: &ToolCall) -> Value {
        let decision = self.decision();
        let action_id = decision.map(|d| d.action_id.clone()).filter(|id| !id.is_empty());
        let mut v = json!({
            "outcome": self.kind(),
            "decision": decision.map(AuthorizationDecision::to_json),
            "action_id": action_id,
        });
        let (code, message) = match self {
            ToolOutcome::Run(_) => return v,
            ToolOutcome::Denied(d) => {
                ("MCP_ACTION_DENIED", format!("Action denied: {}", d.reason.as_deref().unwrap_or("None")))
            }
            ToolOutcome::Pending(d) => (
                "APPROVAL_TIMEOUT",
                format!(
                    "Approval timeout for action: {}",
                    if d.action_id.is_empty() { &call.tool_name } else { &d.action_id }
                ),
            ),
            ToolOutcome::Unavailable(e) => {
                v["cause"] = json!(e.code.as_str());
                ("GOVERNANCE_UNAVAILABLE", format!("ASCEND governance service unavailable: {}", e.display_with_code()))
            }
        };
        v["error_code"] = json!(code);
        v["message"] = json!(message);
        v["tool_message"] = json!(self.tool_message(call));
        v
    }

    /// What the model is told when the tool did not run (`None` for [`ToolOutcome::Run`]): that it was not run,
    /// why, and the action id to ask a human about. Every adapter (LangChain, OpenAI Agents, MCP, Vercel AI) returns
    /// this same text as the tool's error result.
    pub fn tool_message(&self, call: &ToolCall) -> Option<String> {
        let tool = if call.tool_name.is_empty() { "tool" } else { call.tool_name.as_str() };
        let action = |d: &AuthorizationDecision| {
            if d.action_id.is_empty() {
                String::new()
            } else {
                format!(" (ASCEND action {})", d.action_id)
            }
        };
        Some(match self {
            ToolOutcome::Run(_) => return None,
            ToolOutcome::Denied(d) => {
                let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("no reason given");
                format!("The {tool} tool was not run: ASCEND governance denied the call{}. Reason: {reason}", action(d))
            }
            ToolOutcome::Pending(d) => format!(
                "The {tool} tool was not run: the call awaits human approval in ASCEND{}. Try it again once it is \
                 approved.",
                action(d)
            ),
            ToolOutcome::Unavailable(e) => format!(
                "The {tool} tool was not run: ASCEND governance could not be reached ({}), and the call is not allowed \
                 without a decision.",
                e.code.as_str()
            ),
        })
    }
}

/// How a governed tool call ended, for [`Client::finish_tool_call`].
#[derive(Debug, Clone, PartialEq)]
pub enum ToolResult {
    /// It returned (`has_result`: it returned something other than nothing).
    Completed {
        /// Whether the tool returned a value.
        has_result: bool,
    },
    /// It raised; the host's error text.
    Failed {
        /// The error text.
        error: String,
    },
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(Value::Bool(true)) => true,
    }
}

impl Client {
    /// The whole flow before the tool runs: evaluate, then (when `call.wait_for_approval`) wait for a human
    /// decision on PENDING, on this client's clock.
    pub async fn govern_tool_call(&self, call: &ToolCall) -> Result<ToolOutcome> {
        let outcome = self.evaluate_tool_call(call).await?;
        match outcome {
            ToolOutcome::Pending(d) if call.wait_for_approval => {
                self.await_tool_approval(
                    &d.action_id,
                    d.approval_request_id.as_deref(),
                    call.approval_timeout_seconds,
                    call.approval_poll_interval_seconds,
                )
                .await
            }
            other => Ok(other),
        }
    }

    /// Phase one: asks ASCEND about the call (never waits). A kill switch or a local validation error is an error;
    /// unreachability the client's fail mode did not decide is [`ToolOutcome::Unavailable`].
    pub async fn evaluate_tool_call(&self, call: &ToolCall) -> Result<ToolOutcome> {
        let decision = match self.evaluate_action(call.evaluate_request()).await {
            Ok(d) => d,
            Err(e) if e.is_unreachable() => {
                tracing::warn!(tool = %call.tool_name, code = %e.code, "MCP tool not run: ASCEND unreachable");
                return Ok(ToolOutcome::Unavailable(e));
            }
            Err(e) => return Err(e),
        };
        tracing::info!(tool = %call.tool_name, decision = %decision.decision, risk_score = ?decision.risk_score,
            action_id = %decision.action_id, "MCP tool decision");
        Ok(ToolOutcome::of(decision))
    }

    /// Phase two: waits up to `timeout` seconds for the human decision on a PENDING action, on this client's
    /// clock: polls `check_approval` every `poll_interval` seconds when there is an `approval_request_id` (a
    /// failed check is logged and polling goes on), else `wait_for_decision`. Not decided in time is
    /// [`ToolOutcome::Pending`] (D4: never a run); a server that cannot be reached during `wait_for_decision` is an
    /// error.
    pub async fn await_tool_approval(
        &self,
        action_id: &str,
        approval_request_id: Option<&str>,
        timeout: f64,
        poll_interval: f64,
    ) -> Result<ToolOutcome> {
        for (name, v) in [("timeout", timeout), ("poll_interval", poll_interval)] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::validation(name, "Must be a non-negative number", format!("{name} must be >= 0")));
            }
        }
        let pending = AuthorizationDecision {
            action_id: action_id.to_string(),
            decision: Decision::Pending,
            approval_request_id: approval_request_id.map(str::to_string),
            ..Default::default()
        };
        let Some(request_id) = approval_request_id.filter(|id| !id.is_empty()) else {
            if action_id.is_empty() {
                return Ok(ToolOutcome::Pending(Box::new(pending)));
            }
            return match self.wait_for_decision(action_id, timeout, poll_interval, None).await {
                Ok(d) => Ok(ToolOutcome::of(d)),
                Err(e) if e.code == ErrorCode::Timeout && e.details.contains_key("decision_wait") => {
                    Ok(ToolOutcome::Pending(Box::new(pending)))
                }
                Err(e) => Err(e),
            };
        };
        let clock = self.clock().clone();
        // A bound beyond what a Duration holds is a wait without end, never a panic.
        let deadline = clock.monotonic().saturating_add(crate::clock::secs_saturating(timeout));
        let interval = crate::clock::secs_saturating(poll_interval);
        while clock.monotonic() < deadline {
            clock.sleep(interval.min(deadline.saturating_sub(clock.monotonic()))).await;
            let state = match self.check_approval(request_id).await {
                Ok(state) => state,
                Err(e) => {
                    tracing::warn!(approval_request_id = request_id, code = %e.code, "MCP approval check failed");
                    continue;
                }
            };
            if truthy(state.get("approved")) {
                return Ok(ToolOutcome::of(AuthorizationDecision {
                    decision: Decision::Allowed,
                    reason: Some("Approved by human reviewer".into()),
                    execution_allowed: true,
                    ..pending
                }));
            }
            if truthy(state.get("denied")) {
                let comments = state.get("comments").and_then(Value::as_str).map(str::to_string);
                return Ok(ToolOutcome::of(AuthorizationDecision {
                    decision: Decision::Denied,
                    reason: comments,
                    execution_allowed: false,
                    ..pending
                }));
            }
        }
        Ok(ToolOutcome::Pending(Box::new(pending)))
    }

    /// Reports how the tool ended (`log_action_completed` / `log_action_failed`; spooled in OPEN and LOCAL mode
    /// when unreachable, D16/D18). Never fails: a record that cannot be delivered is logged and reported as
    /// `{"logged": false, "error": ...}`. Nothing is sent for a call without an action id.
    pub async fn finish_tool_call(&self, action_id: &str, result: &ToolResult, duration_ms: Option<u64>) -> Value {
        if action_id.is_empty() {
            return json!({"logged": false, "reason": "no_action_id"});
        }
        let id = Value::String(action_id.to_string());
        let duration = duration_ms.map(Value::from);
        let sent = match result {
            ToolResult::Completed { has_result } => {
                self.log_action_completed(&id, Some(json!({"success": true, "has_result": has_result})), duration).await
            }
            ToolResult::Failed { error } => self.log_action_failed(&id, json!(error), duration).await,
        };
        match sent {
            Ok(reply) => json!({"logged": true, "reply": reply}),
            Err(e) => {
                tracing::warn!(action_id, code = %e.code, "MCP completion record not delivered");
                json!({"logged": false, "error": e.display_with_code(), "code": e.code.as_str()})
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_and_truncation() {
        let v = json!({"user": "u", "db_password": "p", "nested": {"Auth_Header": "x", "ok": [1, "y"]}});
        assert_eq!(
            redact("args", &v, false),
            json!({"user": "u", "db_password": REDACTED, "nested": {"Auth_Header": REDACTED, "ok": [1, "y"]}})
        );
        assert_eq!(redact("tokens", &json!(["a", "b"]), false), json!(REDACTED));
        let long = "é".repeat(101);
        assert_eq!(redact("text", &json!(long), true), json!("é".repeat(50) + TRUNCATED_SUFFIX));
        assert_eq!(redact("text", &json!(long), false), json!(long));
        assert_eq!(redact("text", &json!("x".repeat(100)), true), json!("x".repeat(100)));
    }

    #[test]
    fn request_shape() {
        let mut call = ToolCall::new("db.query", "customers", "lookup");
        call.arguments = json!({"query": "q", "api_key": "k"}).as_object().cloned().unwrap();
        call.keyword_args = json!({"api_key": "k"}).as_object().cloned().unwrap();
        call.positional_count = 1;
        call.metadata = Some(Map::new());
        let req = call.evaluate_request();
        assert_eq!(req.parameters, json!({"query": "q", "api_key": REDACTED}).as_object().cloned());
        assert!(!req.wait_for_decision);
        let ctx = Value::Object(req.context.unwrap());
        assert_eq!(
            ctx,
            json!({"source": "mcp_server", "governance_version": "2.0.0", "tool_name": "lookup",
                   "arguments": {"positional_count": 1, "keyword_args": {"api_key": REDACTED}}})
        );
    }

    #[test]
    fn outcome_needs_a_permitting_decision() {
        let d =
            |decision, execution_allowed| AuthorizationDecision { decision, execution_allowed, ..Default::default() };
        assert_eq!(ToolOutcome::of(d(Decision::Allowed, true)).kind(), "run");
        assert_eq!(ToolOutcome::of(d(Decision::Allowed, false)).kind(), "denied");
        assert_eq!(ToolOutcome::of(d(Decision::Denied, true)).kind(), "denied");
        assert_eq!(ToolOutcome::of(d(Decision::Pending, true)).kind(), "pending");
    }

    #[test]
    fn mcp_server_name_and_description_reach_the_request() {
        let mut call = ToolCall::new("db.query", "customers", "lookup");
        assert_eq!(call.evaluate_request().tool_name, None);
        call.mcp_server_name = Some("crm-mcp".into());
        call.description = Some("look up a customer".into());
        let req = call.evaluate_request();
        assert_eq!(req.mcp_server_name.as_deref(), Some("crm-mcp"));
        assert_eq!(req.tool_name.as_deref(), Some("lookup"));
        assert_eq!(req.description.as_deref(), Some("look up a customer"));
    }

    #[test]
    fn tool_message_says_why_and_names_the_action() {
        let call = ToolCall::new("db.query", "customers", "lookup");
        let decision = |decision, reason: Option<&str>| AuthorizationDecision {
            action_id: "7".into(),
            decision,
            reason: reason.map(str::to_string),
            execution_allowed: true,
            ..Default::default()
        };
        assert_eq!(ToolOutcome::of(decision(Decision::Allowed, None)).tool_message(&call), None);
        let denied = ToolOutcome::of(decision(Decision::Denied, Some("too risky"))).tool_message(&call).unwrap();
        assert_eq!(
            denied,
            "The lookup tool was not run: ASCEND governance denied the call (ASCEND action 7). Reason: too risky"
        );
        let pending = ToolOutcome::of(decision(Decision::Pending, None)).tool_message(&call).unwrap();
        assert!(pending.contains("awaits human approval") && pending.contains("action 7"), "{pending}");
        let down =
            ToolOutcome::Unavailable(Error::new(ErrorCode::ConnectionError, "refused")).tool_message(&call).unwrap();
        assert!(down.contains("CONNECTION_ERROR"), "{down}");
    }

    #[test]
    fn an_approval_wait_beyond_what_a_duration_holds_is_no_panic() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server
            .load_json(&json!([{"match": {"method": "GET", "path": "/api/sdk/approval/req-1"},
                                "respond": {"status": 200, "body": {"status": "approved"}}}]))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = crate::test_support::manual_client(&server.url, &dir);
        let outcome = crate::lane::block_on(c.await_tool_approval("5", Some("req-1"), 1e20, 1.0)).unwrap();
        assert_eq!(outcome.kind(), "run");
    }
}
