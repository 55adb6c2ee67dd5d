"""``AscendClient``: the drop-in synchronous client (PROTOCOL §5) over the Rust core.

Every method forwards its keyword arguments, by their Python names, to ``ascend._native.Client.invoke`` and converts
the JSON result. Validation, HTTP, retries, signing, normalisation, fail mode, kill switch and spooling all happen in
the core.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, TypeVar, Union

from ._base import (
    CircuitState,
    ClientBase,
    FailMode,
    connection_failure,
    deprecated,
    kwargs_of,
    submit_action_args,
    to_bool,
    to_bulk,
    to_classification,
    to_connection_result,
    to_decision,
    to_list,
    to_none,
    to_raw,
    to_webhook,
    to_webhooks,
)
from ._logging import AscendLogger
from ._native_loader import native_call

# Names the peer's ``ascend.client`` re-exports from its siblings (``from ascend.client import AgentAction`` works).
from .constants import API_ENDPOINTS as API_ENDPOINTS
from .constants import DEFAULT_API_URL as DEFAULT_API_URL
from .constants import DEFAULT_BULK_CONCURRENCY as DEFAULT_BULK_CONCURRENCY
from .constants import DEFAULT_HEARTBEAT_INTERVAL as DEFAULT_HEARTBEAT_INTERVAL
from .constants import DEFAULT_KILL_SWITCH_INTERVAL as DEFAULT_KILL_SWITCH_INTERVAL
from .constants import DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES
from .constants import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from .constants import MAX_BULK_ACTIONS as MAX_BULK_ACTIONS
from .constants import SDK_VERSION as SDK_VERSION
from .constants import USER_AGENT as USER_AGENT
from .exceptions import AuthenticationError as AuthenticationError
from .exceptions import AuthorizationError as AuthorizationError
from .exceptions import CircuitBreakerOpen as CircuitBreakerOpen
from .exceptions import ConfigurationError as ConfigurationError
from .exceptions import ConnectionError as ConnectionError
from .exceptions import KillSwitchError as KillSwitchError
from .exceptions import OWKAIError as OWKAIError
from .exceptions import RateLimitError as RateLimitError
from .exceptions import TimeoutError as TimeoutError
from .exceptions import ValidationError as ValidationError
from .models import (
    ActionDetails,
    AgentHealthStatus,
    AuditLogResponse,
    AuthorizationDecision,
    BulkEvaluationResult,
    KillSwitchStatus,
    PolicyEvaluationResult,
    ResourceClassification,
    Webhook,
    WebhookTestResult,
)
from .models import AgentAction as AgentAction
from .models import BulkActionResult as BulkActionResult
from .models import Decision as Decision
from .models import DecisionStatus as DecisionStatus

if TYPE_CHECKING:
    from . import _native

__all__ = ["AscendClient", "OWKAIClient", "FailMode", "CircuitState", "CircuitBreaker", "AscendLogger", "logger"]

T = TypeVar("T")

#: Module-wide logger of the SDK's Python layer (the core logs to ``logging.getLogger("ascend")``).
logger = AscendLogger()


class CircuitBreaker:
    """Standalone circuit breaker (PROTOCOL §3.6, thread-safe per D3), implemented by the core."""

    _inner: _native.CircuitBreaker

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30, half_open_max_calls: int = 3):
        self._inner = native_call(lambda n: n.CircuitBreaker(failure_threshold, recovery_timeout, half_open_max_calls))

    @classmethod
    def _wrap(cls, inner: _native.CircuitBreaker) -> CircuitBreaker:
        """A view of an existing core breaker (``AscendClient._circuit_breaker``)."""
        breaker = cls.__new__(cls)
        breaker._inner = inner
        return breaker

    @property
    def failure_threshold(self) -> int:
        """Consecutive failures that open the breaker."""
        inner = self._inner
        return native_call(lambda _n: inner.failure_threshold)

    @property
    def recovery_timeout(self) -> float:
        """Seconds after the last failure before a half-open trial."""
        inner = self._inner
        return native_call(lambda _n: inner.recovery_timeout)

    @property
    def half_open_max_calls(self) -> int:
        """Successes in HALF_OPEN that close the breaker."""
        inner = self._inner
        return native_call(lambda _n: inner.half_open_max_calls)

    @property
    def failures(self) -> int:
        """Current consecutive failure count."""
        inner = self._inner
        return native_call(lambda _n: inner.failures)

    @property
    def state(self) -> CircuitState:
        """Current state; reading it may move OPEN to HALF_OPEN after ``recovery_timeout``."""
        inner = self._inner
        return CircuitState(native_call(lambda _n: inner.state))

    def record_success(self) -> None:
        """Record a successful call."""
        native_call(lambda _n: self._inner.record_success())

    def record_failure(self) -> None:
        """Record a failed call."""
        native_call(lambda _n: self._inner.record_failure())

    def allow_request(self) -> bool:
        """Whether a call may proceed now."""
        return bool(native_call(lambda _n: self._inner.allow_request()))

    def reset(self) -> None:
        """Back to CLOSED with counters cleared."""
        native_call(lambda _n: self._inner.reset())

    def __repr__(self) -> str:
        return f"CircuitBreaker(state={self.state.value!r}, failures={self.failures})"


class AscendClient(ClientBase):
    """Client of the ASCEND governance platform; a drop-in for ``ascend-ai-sdk`` 2.7.1's ``AscendClient``.

    ``AscendClient(api_key=None, agent_id=None, agent_name=None, api_url=None, environment="production",
    fail_mode="closed", timeout=5, max_retries=3, enable_circuit_breaker=True, circuit_breaker_threshold=5,
    circuit_breaker_timeout=30, signing_secret=None, debug=False)``; keyword-only extensions ``audit_spool_path``,
    ``prescore_rules_path``, ``local_auto_approve_below`` (fail mode LOCAL's threshold until ``register()``
    learns the agent's from the registry, D17; default 70) and ``app_info`` (the host application, appended to the
    User-Agent). ``timeout``, ``max_retries`` and ``fail_mode`` left at their defaults fall back to
    ``ASCEND_TIMEOUT``, ``ASCEND_MAX_RETRIES`` and ``ASCEND_FAIL_MODE``. Proceed with an action only when the
    returned decision is ``Decision.ALLOWED``.
    """

    def _call(self, method: str, convert: Callable[[Any], T], args: Dict[str, Any]) -> T:
        """The one generic path: invoke ``method`` on the core and convert its JSON result."""
        return convert(self._invoke(method, args))

    # -- 5.a seed-level core ---------------------------------------------------------------------------------------

    def evaluate_action(self, action_type: str, resource: str, parameters: Optional[Dict[str, Any]] = None,
                        context: Any = None, resource_id: Optional[str] = None, risk_indicators: Any = None,
                        wait_for_decision: bool = True, timeout: Optional[float] = None,
                        orchestration_session_id: Optional[str] = None, parent_action_id: Optional[int] = None,
                        orchestration_depth: Optional[int] = None, mcp_server_name: Optional[str] = None,
                        model_id: Optional[str] = None, tool_name: Optional[str] = None,
                        description: Optional[str] = None,
                        business_justification: Optional[str] = None) -> AuthorizationDecision:
        """Submit an action for governance and return the decision (waits for a human while PENDING by default)."""
        return self._call("evaluate_action", to_decision, kwargs_of(locals()))

    def wait_for_decision(self, action_id: str, timeout: float = 60, poll_interval: float = 2.0,
                          on_escalated: Optional[Callable[[str, AuthorizationDecision], Any]] = None
                          ) -> AuthorizationDecision:
        """Poll an action until it is no longer PENDING; ``TimeoutError`` after ``timeout`` seconds (D4)."""
        if on_escalated is not None:
            return self._wait_with_callback(action_id, timeout, poll_interval, on_escalated)
        return self._call("wait_for_decision", to_decision,
                          {"action_id": action_id, "timeout": timeout, "poll_interval": poll_interval})

    def get_action_status(self, action_id: str) -> AuthorizationDecision:
        """Current decision of an action."""
        return self._call("get_action_status", to_decision, kwargs_of(locals()))

    def configure_webhook(self, url: str, events: List[str], secret: Optional[str] = None) -> Webhook:
        """Subscribe ``url`` to events; returns a :class:`Webhook` with attribute and item access (D12)."""
        return self._call("configure_webhook", to_webhook, kwargs_of(locals()))

    # -- 5.b lifecycle, agents, policies, audit, webhooks, MCP, kill switch ----------------------------------------

    def register(self, agent_type: str = "supervised", capabilities: Optional[List[str]] = None,
                 allowed_resources: Optional[List[str]] = None,
                 metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register this agent in the Agent Registry."""
        return self._call("register", to_raw, kwargs_of(locals()))

    def log_action_completed(self, action_id: str, result: Optional[Dict[str, Any]] = None,
                             duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action completed (spooled locally in OPEN/LOCAL mode when unreachable, D16)."""
        return self._call("log_action_completed", to_raw, kwargs_of(locals()))

    def log_action_failed(self, action_id: str, error: Union[str, Dict[str, Any]],
                          duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action failed (spooled locally in OPEN/LOCAL mode when unreachable, D16)."""
        return self._call("log_action_failed", to_raw, kwargs_of(locals()))

    def check_approval(self, approval_request_id: str) -> Dict[str, Any]:
        """State of an approval request: ``approved``/``denied``/``pending`` flags, approver, timestamp."""
        return self._call("check_approval", to_raw, kwargs_of(locals()))

    def heartbeat(self, response_time_ms: Optional[float] = None, error_rate: Optional[float] = None,
                  requests_count: Optional[int] = None) -> None:
        """Send one heartbeat; never raises."""
        return self._call("heartbeat", to_none, kwargs_of(locals()))

    def start_heartbeat(self, interval_seconds: Optional[float] = None) -> None:
        """Send a heartbeat now and then every ``interval_seconds`` (default 60) in the background."""
        return self._call("start_heartbeat", to_none, kwargs_of(locals()))

    def stop_heartbeat(self) -> None:
        """Stop the heartbeat scheduler (no-op when not running)."""
        return self._call("stop_heartbeat", to_none, {})

    def start_kill_switch_polling(self, interval_seconds: float = 5) -> None:
        """Poll the kill switch in the background; the first poll never blocks the caller (D11)."""
        return self._call("start_kill_switch_polling", to_none, kwargs_of(locals()))

    def stop_kill_switch_polling(self) -> None:
        """Stop kill-switch polling (the blocked flag is kept)."""
        return self._call("stop_kill_switch_polling", to_none, {})

    def is_blocked(self) -> bool:
        """Whether the kill switch currently blocks governed calls."""
        return self._call("is_blocked", to_bool, {})

    def deregister(self) -> None:
        """Remove this agent from the registry (stops kill-switch polling first)."""
        return self._call("deregister", to_none, {})

    def get_agent_status(self) -> AgentHealthStatus:
        """Health record of this agent."""
        return self._call("get_agent_status", AgentHealthStatus._from_projection, {})

    def evaluate_actions(self, actions: List[Dict[str, Any]], max_concurrent: int = 5) -> BulkEvaluationResult:
        """Evaluate up to 50 actions concurrently (no waiting); results in input order with typed errors (D15)."""
        return self._call("evaluate_actions", to_bulk, kwargs_of(locals()))

    def test_connection(self) -> SimpleNamespace:
        """Check connectivity (``/health`` + deployment info); never raises."""
        try:
            return self._call("test_connection", to_connection_result, {})
        except Exception as exc:
            return connection_failure(exc, self.agent_id, self.fail_mode.value)

    def list_actions(self, limit: int = 50, offset: int = 0, status: Optional[str] = None) -> Dict[str, Any]:
        """Recent actions of this agent."""
        return self._call("list_actions", to_raw, kwargs_of(locals()))

    def get_action_details(self, action_id: str) -> ActionDetails:
        """Full record of one action (unknown statuses never crash, D6)."""
        return self._call("get_action_details", ActionDetails._from_projection, kwargs_of(locals()))

    def evaluate_policy(self, action_type: str, resource: str, risk_score: Optional[float] = None,
                        context: Optional[Dict[str, Any]] = None) -> PolicyEvaluationResult:
        """Evaluate policies in real time without submitting an action."""
        return self._call("evaluate_policy", PolicyEvaluationResult._from_projection, kwargs_of(locals()))

    def get_resource_classification(self, resource_type: str) -> Optional[ResourceClassification]:
        """Classification of ``resource_type``, or ``None``."""
        return self._call("get_resource_classification", to_classification, kwargs_of(locals()))

    def query_audit_log(self, limit: int = 50, offset: int = 0) -> AuditLogResponse:
        """A page of the audit log."""
        return self._call("query_audit_log", AuditLogResponse._from_projection, kwargs_of(locals()))

    def list_webhooks(self) -> List[Webhook]:
        """All webhook subscriptions."""
        return self._call("list_webhooks", to_webhooks, {})

    def update_webhook(self, webhook_id: str, url: Optional[str] = None, events: Optional[List[str]] = None,
                       secret: Optional[str] = None) -> Webhook:
        """Change a webhook subscription."""
        return self._call("update_webhook", to_webhook, kwargs_of(locals()))

    def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook subscription."""
        return self._call("delete_webhook", to_none, kwargs_of(locals()))

    def test_webhook(self, webhook_id: str) -> WebhookTestResult:
        """Ask the platform to send a test delivery."""
        return self._call("test_webhook", WebhookTestResult._from_projection, kwargs_of(locals()))

    def evaluate_mcp_action(self, mcp_server: str, namespace: str, verb: str, resource: str,
                            action_type: Optional[str] = None, parameters: Optional[Dict[str, Any]] = None,
                            context: Optional[Dict[str, Any]] = None, description: Optional[str] = None,
                            environment: str = "production", tool_name: Optional[str] = None,
                            use_mcp_endpoint: bool = True) -> AuthorizationDecision:
        """Govern an MCP tool call (kill-switch gated, D11)."""
        return self._call("evaluate_mcp_action", to_decision, kwargs_of(locals()))

    def register_mcp_server(self, server_name: str, display_name: Optional[str] = None,
                            description: Optional[str] = None, server_url: Optional[str] = None,
                            transport_type: str = "stdio", connection_config: Optional[Dict[str, Any]] = None,
                            governance_enabled: bool = True, auto_approve_tools: Optional[List[str]] = None,
                            blocked_tools: Optional[List[str]] = None,
                            tool_risk_overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register an MCP server."""
        return self._call("register_mcp_server", to_raw, kwargs_of(locals()))

    def list_mcp_servers(self) -> Dict[str, Any]:
        """Registered MCP servers."""
        return self._call("list_mcp_servers", to_raw, {})

    def get_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """One registered MCP server."""
        return self._call("get_mcp_server", to_raw, kwargs_of(locals()))

    def activate_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Activate an MCP server."""
        return self._call("activate_mcp_server", to_raw, kwargs_of(locals()))

    def deactivate_mcp_server(self, server_name: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Deactivate an MCP server."""
        return self._call("deactivate_mcp_server", to_raw, kwargs_of(locals()))

    def delete_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Delete an MCP server registration."""
        return self._call("delete_mcp_server", to_raw, kwargs_of(locals()))

    def scan_mcp_network(self) -> Dict[str, Any]:
        """Discover MCP servers on the network."""
        return self._call("scan_mcp_network", to_raw, {})

    def get_mcp_health(self) -> Dict[str, Any]:
        """Health of the discovered MCP servers."""
        return self._call("get_mcp_health", to_raw, {})

    def trigger_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Block every agent of an organisation (``reason`` ≥ 10 characters)."""
        return self._call("trigger_kill_switch", to_raw, kwargs_of(locals()))

    def release_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Unblock the agents of an organisation."""
        return self._call("release_kill_switch", to_raw, kwargs_of(locals()))

    def link_model_to_agent(self, agent_id: str, model_id: int) -> Dict[str, Any]:
        """Link a registered model to an agent."""
        return self._call("link_model_to_agent", to_raw, kwargs_of(locals()))

    # -- 5.c long tail ---------------------------------------------------------------------------------------------

    def register_topology(self, orchestrator_agent_id: str, worker_agent_ids: List[str]) -> Dict[str, Any]:
        """Declare an orchestrator and its worker agents."""
        return self._call("register_topology", to_raw, kwargs_of(locals()))

    def register_mcp_topology(self, orchestrator_agent_id: str, mcp_server_ids: List[int]) -> Dict[str, Any]:
        """Declare the MCP servers an orchestrator uses."""
        return self._call("register_mcp_topology", to_raw, kwargs_of(locals()))

    def cascade_kill(self, orchestrator_id: str, reason: str, dry_run: bool = True) -> Dict[str, Any]:
        """Kill an orchestrator and its workers (``dry_run`` by default)."""
        return self._call("cascade_kill", to_raw, kwargs_of(locals()))

    def get_orchestration_session(self, session_id: str) -> Dict[str, Any]:
        """One orchestration session."""
        return self._call("get_orchestration_session", to_raw, kwargs_of(locals()))

    def get_orchestration_session_risk(self, session_id: str) -> Dict[str, Any]:
        """Aggregated risk of an orchestration session."""
        return self._call("get_orchestration_session_risk", to_raw, kwargs_of(locals()))

    def get_orchestration_stats(self) -> Dict[str, Any]:
        """Orchestration statistics."""
        return self._call("get_orchestration_stats", to_raw, {})

    def get_output_filter_config(self) -> Dict[str, Any]:
        """Output-filter configuration."""
        return self._call("get_output_filter_config", to_raw, {})

    def get_output_findings(self, limit: int = 50, offset: int = 0, category: Optional[str] = None,
                            severity: Optional[str] = None) -> Dict[str, Any]:
        """Output-filter findings."""
        return self._call("get_output_findings", to_raw, kwargs_of(locals()))

    def get_output_findings_for_action(self, action_id: int) -> Dict[str, Any]:
        """Output-filter findings of one action."""
        return self._call("get_output_findings_for_action", to_raw, kwargs_of(locals()))

    def scan_output(self, content: str, agent_id: str, action_id: Optional[int] = None) -> Dict[str, Any]:
        """Scan agent output for sensitive content."""
        return self._call("scan_output", to_raw, kwargs_of(locals()))

    def register_supply_chain_component(self, component_id: str, component_name: str, component_type: str,
                                        provider: Optional[str] = None, version: Optional[str] = None,
                                        latest_version: Optional[str] = None, license_type: Optional[str] = None,
                                        source_url: Optional[str] = None, provenance_verified: bool = False,
                                        risk_level: str = "medium", compliance_notes: Optional[str] = None,
                                        package_name: Optional[str] = None,
                                        package_ecosystem: Optional[str] = None) -> Dict[str, Any]:
        """Register a supply-chain component."""
        return self._call("register_supply_chain_component", to_raw, kwargs_of(locals()))

    def list_supply_chain_components(self, component_type: Optional[str] = None, risk_level: Optional[str] = None,
                                     has_vulnerabilities: Optional[bool] = None, active_only: bool = True,
                                     limit: int = 100, offset: int = 0) -> Dict[str, Any]:
        """Supply-chain components."""
        return self._call("list_supply_chain_components", to_raw, kwargs_of(locals()))

    def get_supply_chain_stats(self) -> Dict[str, Any]:
        """Supply-chain statistics."""
        return self._call("get_supply_chain_stats", to_raw, {})

    def get_supply_chain_impact(self, component_id: int) -> Dict[str, Any]:
        """Agents affected by a component."""
        return self._call("get_supply_chain_impact", to_raw, kwargs_of(locals()))

    def get_cve_sync_status(self) -> Dict[str, Any]:
        """State of the CVE synchronisation."""
        return self._call("get_cve_sync_status", to_raw, {})

    def get_supply_chain_alerts(self, limit: int = 50, acknowledged: bool = False) -> Dict[str, Any]:
        """Supply-chain CVE alerts."""
        return self._call("get_supply_chain_alerts", to_raw, kwargs_of(locals()))

    def get_pending_commands(self, agent_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Commands queued for an agent (default: this one)."""
        return self._call("get_pending_commands", to_list, kwargs_of(locals()))

    def ack_command(self, command_id: str, agent_id: Optional[str] = None) -> bool:
        """Acknowledge a command; True when the platform accepted it."""
        return self._call("ack_command", to_bool, kwargs_of(locals()))

    # -- 5.d deprecated shims (one DeprecationWarning per process each) ---------------------------------------------

    def submit_action(self, action_type_or_action: Any = None, resource: Optional[str] = None,
                      parameters: Optional[Dict[str, Any]] = None, context: Any = None,
                      **kwargs: Any) -> AuthorizationDecision:
        """Deprecated: use :meth:`evaluate_action` (accepts an ``AgentAction``, a dict or keywords)."""
        deprecated("submit_action", "evaluate_action", "BUG-16")
        args = submit_action_args(self.agent_id, action_type_or_action, resource, parameters, context, kwargs)
        return self.evaluate_action(**args)

    def send_heartbeat(self, metrics: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Deprecated: use :meth:`heartbeat`."""
        deprecated("send_heartbeat", "heartbeat", "DOC-DRIFT-HEARTBEAT")
        self._call("send_heartbeat", to_none, {"metrics": {**(metrics or {}), **kwargs}})

    def wait_for_approval(self, action_id: str, timeout: Optional[float] = None,
                          timeout_seconds: Optional[float] = None,
                          poll_interval: Optional[float] = None) -> AuthorizationDecision:
        """Deprecated: use :meth:`wait_for_decision` (any given timeout is honoured)."""
        deprecated("wait_for_approval", "wait_for_decision", "DOC-DRIFT-APPROVAL")
        return self._call("wait_for_approval", to_decision, kwargs_of(locals()))

    def get_agent(self, agent_id: Optional[str] = None) -> AgentHealthStatus:
        """Deprecated: use :meth:`get_agent_status`."""
        deprecated("get_agent", "get_agent_status", "DOC-DRIFT-AGENT")
        return self._call("get_agent", AgentHealthStatus._from_projection, kwargs_of(locals()))

    def register_agent(self, agent_id: Optional[str] = None, agent_type: str = "supervised",
                       capabilities: Optional[List[str]] = None, allowed_resources: Optional[List[str]] = None,
                       metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Deprecated: use :meth:`register`."""
        deprecated("register_agent", "register", "DOC-DRIFT-REGISTER")
        return self._call("register_agent", to_raw, kwargs_of(locals()))

    # -- our additions (private; the conformance runner and operators use them) -------------------------------------

    def _spool_pending(self) -> int:
        """Number of records in the durable spool not yet delivered (D18)."""
        return int(self._invoke("spool_pending", {}))

    def _replay_spool(self) -> int:
        """Deliver the spooled records in order now; returns how many were delivered (D18)."""
        return int(self._invoke("replay_spool", {}))

    def _poll_kill_switch(self) -> KillSwitchStatus:
        """One kill-switch poll (what background polling does every interval, D11)."""
        return self._call("poll_kill_switch", KillSwitchStatus._from_projection, {})

    def deliver_webhook_event(self, event: Mapping[str, Any]) -> bool:
        """Hand a verified webhook event (the result of :func:`ascend.webhooks.verify`) to this client: any
        ``wait_for_decision`` on its action wakes at once and re-polls instead of sleeping until its next poll.
        Returns ``False`` when the event carries no action id."""
        payload = dict(event) if isinstance(event, Mapping) else event
        return bool(self._invoke("deliver_webhook_event", {"event": payload}))

    def _deliver_webhook_event(self, action_id: str, status: str) -> None:
        """Hand a verified webhook event to the client: a ``wait_for_decision`` on that action wakes at once."""
        self._invoke("deliver_webhook_event", {"action_id": action_id, "status": status})

    @property
    def _is_blocked(self) -> bool:
        """Whether the kill switch blocks governed calls (the peer's private attribute)."""
        return self.is_blocked()

    # -- 5.e lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop background work, flush the spool and release the connection pool."""
        native = self.__dict__.get("_native")
        if native is not None:
            native_call(lambda _n: native.close())

    def __enter__(self) -> AscendClient:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.close()


#: Legacy name; the same class object.
OWKAIClient = AscendClient
