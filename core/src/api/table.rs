//! The one method table: every public client method, its parameters (name, type, required, default), what it
//! returns, and the facts a binding needs to shape its surface. `Client::invoke` fills defaults and rejects
//! unknown arguments from it; the descriptor (`api::descriptor()`, `tests/conformance/methods.json`) is its JSON
//! form, which the Python, Node and Kotlin bindings check their surfaces against.
//!
//! Names are the Python (snake_case) names of PROTOCOL §5. A camelCase binding renames parameter and method
//! names mechanically and never the keys inside an `opaque` value (users' own payloads).

use serde::Serialize;

/// The JSON type a parameter accepts (null always means "not given").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    /// A string.
    String,
    /// An id: a string, or an integer that is stringified.
    Id,
    /// A number (integers accepted).
    Float,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// A JSON object whose keys belong to the user (never renamed by a binding).
    Object,
    /// A JSON list whose items belong to the user.
    List,
    /// A list of strings.
    StringList,
    /// Any JSON value, passed through as given.
    Any,
}

/// What a method returns (the projection of `docs/BINDING_CONTRACT.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Returns {
    /// An `AuthorizationDecision`.
    Decision,
    /// A `BulkEvaluationResult`.
    BulkResult,
    /// A `Webhook`.
    Webhook,
    /// A list of `Webhook`.
    WebhookList,
    /// A `WebhookTestResult`.
    WebhookTestResult,
    /// An `AgentHealthStatus`.
    AgentHealthStatus,
    /// An `ActionDetails`.
    ActionDetails,
    /// A `PolicyEvaluationResult`.
    PolicyEvaluationResult,
    /// A `ResourceClassification`, or null when the server has none (404).
    OptionalResourceClassification,
    /// An `AuditLogResponse`.
    AuditLogResponse,
    /// A `KillSwitchStatus`.
    KillSwitchStatus,
    /// A `ConnectionTest`.
    ConnectionTest,
    /// The server's JSON as returned (`{}` for an empty 2xx body).
    Json,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// Nothing (null).
    Unit,
}

/// One parameter of a method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamSpec {
    /// The Python keyword name.
    pub name: &'static str,
    /// Accepted JSON type.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// Whether the call fails (VALIDATION_ERROR naming it) when it is absent.
    pub required: bool,
    /// The default as JSON text, when there is one (`"true"`, `"60.0"`, `"\"production\""`).
    #[serde(serialize_with = "default_as_json")]
    pub default: Option<&'static str>,
    /// A user payload (context, metadata, parameters, …): its keys are never renamed.
    pub opaque: bool,
}

fn default_as_json<S: serde::Serializer>(d: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        None => s.serialize_none(),
        Some(text) => serde_json::from_str::<serde_json::Value>(text).map_err(serde::ser::Error::custom)?.serialize(s),
    }
}

/// Whether a method talks to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Network I/O (async in every binding; takes a cancellation token).
    Network,
    /// Local state only; returns at once.
    Local,
}

/// One public client method.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MethodSpec {
    /// The Python method name.
    pub name: &'static str,
    /// Parameters in the peer's order.
    pub params: &'static [ParamSpec],
    /// What it returns.
    pub returns: Returns,
    /// Network or local.
    pub kind: Kind,
    /// The parameter naming the one existing thing the method acts on, which positional-first bindings (Node,
    /// Kotlin) take before the options object (`getActionStatus(actionId)`).
    pub target: Option<&'static str>,
    /// The method this one is a deprecated alias or shim of.
    pub alias_of: Option<&'static str>,
    /// Whether a `null` argument means the same as leaving it out (false only where the peer forwards nulls).
    pub null_is_absent: bool,
}

impl MethodSpec {
    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether the method can be cancelled (every network method).
    pub fn cancellable(&self) -> bool {
        self.kind == Kind::Network
    }
}

const fn p(name: &'static str, ty: ParamType) -> ParamSpec {
    ParamSpec { name, ty, required: false, default: None, opaque: false }
}
const fn req(name: &'static str, ty: ParamType) -> ParamSpec {
    ParamSpec { name, ty, required: true, default: None, opaque: false }
}
const fn def(name: &'static str, ty: ParamType, default: &'static str) -> ParamSpec {
    ParamSpec { name, ty, required: false, default: Some(default), opaque: false }
}
const fn opaque(name: &'static str, ty: ParamType) -> ParamSpec {
    ParamSpec { name, ty, required: false, default: None, opaque: true }
}
const fn net(name: &'static str, params: &'static [ParamSpec], returns: Returns) -> MethodSpec {
    MethodSpec { name, params, returns, kind: Kind::Network, target: None, alias_of: None, null_is_absent: true }
}
const fn local(name: &'static str, params: &'static [ParamSpec], returns: Returns) -> MethodSpec {
    MethodSpec { name, params, returns, kind: Kind::Local, target: None, alias_of: None, null_is_absent: true }
}
const fn on(mut m: MethodSpec, target: &'static str) -> MethodSpec {
    m.target = Some(target);
    m
}
const fn alias(mut m: MethodSpec, of: &'static str) -> MethodSpec {
    m.alias_of = Some(of);
    m
}

use ParamType::{Any, Bool, Float, Id, Int, List, Object, String as Str, StringList};
use Returns as R;

/// Default `timeout` of `wait_for_decision` in seconds (PROTOCOL §5.a.3).
pub const DEFAULT_WAIT_TIMEOUT: f64 = 60.0;
/// Default `poll_interval` of `wait_for_decision` in seconds.
pub const DEFAULT_POLL_INTERVAL: f64 = 2.0;

const EVALUATE_ACTION: &[ParamSpec] = &[
    req("action_type", Str),
    req("resource", Str),
    opaque("parameters", Object),
    opaque("context", Object),
    p("resource_id", Id),
    opaque("risk_indicators", Object),
    def("wait_for_decision", Bool, "true"),
    p("timeout", Float),
    opaque("orchestration_session_id", Any),
    opaque("parent_action_id", Any),
    opaque("orchestration_depth", Any),
    p("mcp_server_name", Str),
    p("model_id", Str),
    p("tool_name", Str),
    p("description", Str),
    p("business_justification", Str),
];

const SUPPLY_CHAIN_COMPONENT: &[ParamSpec] = &[
    req("component_id", Any),
    req("component_name", Any),
    req("component_type", Any),
    opaque("provider", Any),
    opaque("version", Any),
    opaque("latest_version", Any),
    opaque("license_type", Any),
    opaque("source_url", Any),
    def("provenance_verified", Any, "false"),
    def("risk_level", Any, "\"medium\""),
    opaque("compliance_notes", Any),
    opaque("package_name", Any),
    opaque("package_ecosystem", Any),
];

/// Every public client method, alphabetical within its family.
pub static METHODS: &[MethodSpec] = &[
    // Governed submits and decisions (PROTOCOL §5.a).
    net("evaluate_action", EVALUATE_ACTION, R::Decision),
    alias(net("submit_action", EVALUATE_ACTION, R::Decision), "evaluate_action"),
    net("evaluate_actions", &[req("actions", List), def("max_concurrent", Int, "5")], R::BulkResult),
    net(
        "evaluate_mcp_action",
        &[
            req("mcp_server", Str),
            req("namespace", Str),
            req("verb", Str),
            req("resource", Str),
            p("action_type", Str),
            opaque("parameters", Object),
            opaque("context", Object),
            p("description", Str),
            def("environment", Str, "\"production\""),
            p("tool_name", Str),
            def("use_mcp_endpoint", Bool, "true"),
        ],
        R::Decision,
    ),
    on(
        net(
            "wait_for_decision",
            &[req("action_id", Id), def("timeout", Float, "60.0"), def("poll_interval", Float, "2.0")],
            R::Decision,
        ),
        "action_id",
    ),
    alias(
        on(
            net(
                "wait_for_approval",
                &[req("action_id", Id), p("timeout", Float), p("timeout_seconds", Float), p("poll_interval", Float)],
                R::Decision,
            ),
            "action_id",
        ),
        "wait_for_decision",
    ),
    on(net("get_action_status", &[req("action_id", Id)], R::Decision), "action_id"),
    on(net("get_action_details", &[req("action_id", Id)], R::ActionDetails), "action_id"),
    on(net("check_approval", &[req("approval_request_id", Id)], R::Json), "approval_request_id"),
    net("list_actions", &[def("limit", Int, "50"), def("offset", Int, "0"), p("status", Str)], R::Json),
    on(
        net(
            "log_action_completed",
            &[req("action_id", Any), opaque("result", Any), opaque("duration_ms", Any)],
            R::Json,
        ),
        "action_id",
    ),
    on(
        net("log_action_failed", &[req("action_id", Any), opaque("error", Any), opaque("duration_ms", Any)], R::Json),
        "action_id",
    ),
    net(
        "evaluate_policy",
        &[req("action_type", Str), req("resource", Str), p("risk_score", Float), opaque("context", Object)],
        R::PolicyEvaluationResult,
    ),
    on(
        net("get_resource_classification", &[req("resource_type", Str)], R::OptionalResourceClassification),
        "resource_type",
    ),
    net("query_audit_log", &[def("limit", Int, "50"), def("offset", Int, "0")], R::AuditLogResponse),
    // Agent registry, health, kill switch (PROTOCOL §5.a, §9).
    net(
        "register",
        &[
            def("agent_type", Str, "\"supervised\""),
            opaque("capabilities", List),
            opaque("allowed_resources", List),
            opaque("metadata", Object),
        ],
        R::Json,
    ),
    alias(
        net(
            "register_agent",
            &[
                p("agent_id", Str),
                def("agent_type", Str, "\"supervised\""),
                opaque("capabilities", List),
                opaque("allowed_resources", List),
                opaque("metadata", Object),
            ],
            R::Json,
        ),
        "register",
    ),
    net("deregister", &[], R::Unit),
    net("get_agent_status", &[], R::AgentHealthStatus),
    net("get_agent", &[p("agent_id", Str)], R::AgentHealthStatus),
    net(
        "heartbeat",
        &[opaque("response_time_ms", Any), opaque("error_rate", Any), opaque("requests_count", Any)],
        R::Unit,
    ),
    alias(
        net(
            "send_heartbeat",
            &[
                opaque("metrics", Object),
                opaque("response_time_ms", Any),
                opaque("error_rate", Any),
                opaque("requests_count", Any),
            ],
            R::Unit,
        ),
        "heartbeat",
    ),
    net("start_heartbeat", &[p("interval_seconds", Float)], R::Unit),
    local("stop_heartbeat", &[], R::Unit),
    local("start_kill_switch_polling", &[def("interval_seconds", Float, "5.0")], R::Unit),
    local("stop_kill_switch_polling", &[], R::Unit),
    net("poll_kill_switch", &[], R::KillSwitchStatus),
    local("is_blocked", &[], R::Bool),
    net("test_connection", &[], R::ConnectionTest),
    // Webhooks.
    net("configure_webhook", &[req("url", Str), req("events", StringList), p("secret", Str)], R::Webhook),
    net("list_webhooks", &[], R::WebhookList),
    on(
        net(
            "update_webhook",
            &[req("webhook_id", Id), p("url", Str), p("events", StringList), p("secret", Str)],
            R::Webhook,
        ),
        "webhook_id",
    ),
    on(net("delete_webhook", &[req("webhook_id", Id)], R::Unit), "webhook_id"),
    on(net("test_webhook", &[req("webhook_id", Id)], R::WebhookTestResult), "webhook_id"),
    // MCP server registry (PROTOCOL §5.b).
    net(
        "register_mcp_server",
        &[
            req("server_name", Str),
            opaque("display_name", Any),
            opaque("description", Any),
            opaque("server_url", Any),
            def("transport_type", Str, "\"stdio\""),
            opaque("connection_config", Any),
            def("governance_enabled", Bool, "true"),
            opaque("auto_approve_tools", Any),
            opaque("blocked_tools", Any),
            opaque("tool_risk_overrides", Any),
        ],
        R::Json,
    ),
    net("list_mcp_servers", &[], R::Json),
    on(net("get_mcp_server", &[req("server_name", Str)], R::Json), "server_name"),
    on(net("activate_mcp_server", &[req("server_name", Str)], R::Json), "server_name"),
    on(net("deactivate_mcp_server", &[req("server_name", Str), p("reason", Str)], R::Json), "server_name"),
    on(net("delete_mcp_server", &[req("server_name", Str)], R::Json), "server_name"),
    net("scan_mcp_network", &[], R::Json),
    net("get_mcp_health", &[], R::Json),
    // Organisation kill switch, models, orchestration (PROTOCOL §5.c).
    net("trigger_kill_switch", &[req("organization_id", Any), req("reason", Any)], R::Json),
    net("release_kill_switch", &[req("organization_id", Any), req("reason", Any)], R::Json),
    on(net("link_model_to_agent", &[req("agent_id", Str), req("model_id", Any)], R::Json), "agent_id"),
    on(
        net("register_topology", &[req("orchestrator_agent_id", Str), req("worker_agent_ids", List)], R::Json),
        "orchestrator_agent_id",
    ),
    on(
        net("register_mcp_topology", &[req("orchestrator_agent_id", Str), req("mcp_server_ids", List)], R::Json),
        "orchestrator_agent_id",
    ),
    on(
        net("cascade_kill", &[req("orchestrator_id", Str), req("reason", Str), def("dry_run", Bool, "true")], R::Json),
        "orchestrator_id",
    ),
    on(net("get_orchestration_session", &[req("session_id", Str)], R::Json), "session_id"),
    on(net("get_orchestration_session_risk", &[req("session_id", Str)], R::Json), "session_id"),
    net("get_orchestration_stats", &[], R::Json),
    // Output filtering.
    net("get_output_filter_config", &[], R::Json),
    net(
        "get_output_findings",
        &[def("limit", Int, "50"), def("offset", Int, "0"), p("category", Str), p("severity", Str)],
        R::Json,
    ),
    on(net("get_output_findings_for_action", &[req("action_id", Any)], R::Json), "action_id"),
    net("scan_output", &[req("content", Str), req("agent_id", Str), opaque("action_id", Any)], R::Json),
    // Supply chain.
    MethodSpec { null_is_absent: false, ..net("register_supply_chain_component", SUPPLY_CHAIN_COMPONENT, R::Json) },
    net(
        "list_supply_chain_components",
        &[
            p("component_type", Str),
            p("risk_level", Str),
            p("has_vulnerabilities", Bool),
            def("active_only", Bool, "true"),
            def("limit", Int, "100"),
            def("offset", Int, "0"),
        ],
        R::Json,
    ),
    net("get_supply_chain_stats", &[], R::Json),
    on(net("get_supply_chain_impact", &[req("component_id", Any)], R::Json), "component_id"),
    net("get_cve_sync_status", &[], R::Json),
    net("get_supply_chain_alerts", &[def("limit", Int, "50"), def("acknowledged", Bool, "false")], R::Json),
    // Agent commands.
    net("get_pending_commands", &[p("agent_id", Str)], R::Json),
    on(net("ack_command", &[req("command_id", Id), p("agent_id", Str)], R::Bool), "command_id"),
    // Our additions: spool, webhook delivery, lifecycle.
    net("replay_spool", &[], R::Int),
    local("spool_pending", &[], R::Int),
    local("deliver_webhook_event", &[opaque("event", Object), p("action_id", Id), p("status", Str)], R::Bool),
    local("close", &[], R::Unit),
    // Host governance (govern/): the MCP governed-tool flow and the wrappers' checks, which each binding's decorators
    // and wrappers call (not on the Python drop-in client).
    net("govern_tool_call", TOOL_CALL, R::Json),
    net("evaluate_tool_call", TOOL_CALL, R::Json),
    on(
        net(
            "await_tool_approval",
            &[
                req("action_id", Id),
                p("approval_request_id", Id),
                def("timeout", Float, "300.0"),
                def("poll_interval", Float, "5.0"),
                p("tool_name", Str),
            ],
            R::Json,
        ),
        "action_id",
    ),
    on(
        net(
            "finish_tool_call",
            &[p("action_id", Id), def("has_result", Bool, "false"), p("error", Str), p("duration_ms", Float)],
            R::Json,
        ),
        "action_id",
    ),
    net(
        "govern_command",
        &[
            req("command", Any),
            def("shell", Bool, "false"),
            p("cwd", Str),
            def("allow_shell", Bool, "false"),
            def("auto_approve_safe", Bool, "true"),
            p("blocked_commands", StringList),
            def("timeout", Float, "5.0"),
            def("always_ask", Bool, "false"),
            p("min_risk_level", Str),
            def("require_approval", Bool, "false"),
        ],
        R::Json,
    ),
    net(
        "govern_code",
        &[
            req("code", Str),
            def("mode", Str, "\"eval\""),
            p("risk_level", Str),
            p("max_severity", Str),
            def("finding_count", Int, "0"),
        ],
        R::Json,
    ),
];

/// Parameters of `govern_tool_call` / `evaluate_tool_call` (`govern::ToolCall`).
const TOOL_CALL: &[ParamSpec] = &[
    req("action_type", Str),
    req("resource", Str),
    p("tool_name", Str),
    opaque("arguments", Object),
    def("positional_count", Int, "0"),
    opaque("keyword_args", Object),
    opaque("metadata", Object),
    p("risk_level", Str),
    def("require_human_approval", Bool, "false"),
    def("include_tool_name", Bool, "true"),
    def("include_arguments", Bool, "true"),
    def("wait_for_approval", Bool, "true"),
    def("approval_timeout_seconds", Float, "300.0"),
    def("approval_poll_interval_seconds", Float, "5.0"),
    p("mcp_server_name", Str),
    p("description", Str),
];

/// The method called `name`.
pub fn method(name: &str) -> Option<&'static MethodSpec> {
    METHODS.iter().find(|m| m.name == name)
}
