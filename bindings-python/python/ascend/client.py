"""``AscendClient``: the drop-in synchronous client (PROTOCOL §5) over the Rust core.

Every method forwards its keyword arguments, by their Python names, to ``ascend._native.Client.invoke`` and converts
the JSON result. Validation, HTTP, retries, signing, normalisation, fail mode, kill switch and spooling all happen in
the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, TypeVar, Union

from ._base import (
    CircuitState,
    ClientBase,
    FailMode,
    RequestOptions,
    connection_failure,
    deprecated,
    kwargs_of,
    submit_action_args,
    to_action_page,
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
    ActionPage,
    ActionSummary,
    AgentHealthStatus,
    AuditLogResponse,
    AuthorizationDecision,
    BulkEvaluationResult,
    ConnectionStatus,
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
        """Record a successful call.

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        native_call(lambda _n: self._inner.record_success())

    def record_failure(self) -> None:
        """Record a failed call (opens the breaker at ``failure_threshold`` consecutive failures).

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        native_call(lambda _n: self._inner.record_failure())

    def allow_request(self) -> bool:
        """Whether a call may proceed now.

        Returns:
            ``False`` while OPEN (before ``recovery_timeout`` has passed), else ``True``.

        Raises:
            Nothing: Local state only.
        """
        return bool(native_call(lambda _n: self._inner.allow_request()))

    def reset(self) -> None:
        """Back to CLOSED with counters cleared.

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        native_call(lambda _n: self._inner.reset())

    def __repr__(self) -> str:
        return f"CircuitBreaker(state={self.state.value!r}, failures={self.failures})"


class AscendClient(ClientBase):
    """Client of the ASCEND governance platform; a drop-in for ``ascend-ai-sdk`` 2.7.1's ``AscendClient``.

    ``AscendClient(api_key=None, agent_id=None, agent_name=None, api_url=None, environment="production",
    fail_mode="closed", timeout=5, max_retries=3, enable_circuit_breaker=True, circuit_breaker_threshold=5,
    circuit_breaker_timeout=30, signing_secret=None, debug=False)``; keyword-only extensions ``audit_spool_path``,
    ``prescore_rules_path``, ``local_auto_approve_below`` (fail mode LOCAL's threshold until ``register()``
    learns the agent's from the registry, D17; default 70), ``app_info`` (the host application, appended to the
    User-Agent) and ``kill_switch_interval`` (start kill-switch polling at construction, every that many seconds;
    D11). :meth:`with_options` gives a view with another ``timeout``/``max_retries`` or extra headers, and the
    governed calls take ``request_options=`` for one call. ``timeout``, ``max_retries`` and ``fail_mode`` left at
    their defaults fall back to ``ASCEND_TIMEOUT``, ``ASCEND_MAX_RETRIES`` and ``ASCEND_FAIL_MODE``. Proceed with
    an action only when the returned decision is ``Decision.ALLOWED``.
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
                        business_justification: Optional[str] = None, *,
                        request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Submit an action for governance and return the decision (waits for a human while PENDING by default).

        Proceed with the action only when ``result.decision == Decision.ALLOWED``.

        Args:
            action_type: What the agent wants to do (``database_write``, ``query``, ...).
            resource: What it acts on.
            parameters: The action's parameters (JSON-serialisable).
            context: Context for the reviewer (a dict or an ``ActionContext``).
            resource_id: Id of the resource.
            risk_indicators: Risk hints (a dict or ``RiskIndicators``).
            wait_for_decision: While PENDING, wait for the human decision (default True).
            timeout: Seconds to wait for that decision (default 60).
            orchestration_session_id: Multi-agent session this action belongs to.
            parent_action_id: The orchestrator's action that caused this one.
            orchestration_depth: Depth in the orchestration tree.
            mcp_server_name: MCP server the action goes through (see ``result.mcp_governance``).
            model_id: Model that proposed the action (see ``result.model_governance``).
            tool_name: Tool name (default ``resource``).
            description: Text for the reviewer (default ``"<action_type> on <resource>"``).
            business_justification: Why the agent needs this.
            request_options: Per-call ``timeout``, ``max_retries`` and extra ``headers`` (see :meth:`with_options`).

        Returns:
            The :class:`AuthorizationDecision` (``decision``, ``action_id``, ``risk_score``, ``reason``, ...).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            KillSwitchError: The kill switch blocks this agent (before any network I/O).
            TimeoutError: No human decision within ``timeout`` (in every fail mode, D4).
            ConnectionError: ASCEND is unreachable and the fail mode is CLOSED (OPEN/LOCAL decide instead).
            AuthenticationError: The API key was refused.
            OWKAIError: Any other refusal by the server (subclass by cause).
        """
        return self._call("evaluate_action", to_decision, kwargs_of(locals()))

    def wait_for_decision(self, action_id: str, timeout: float = 60, poll_interval: float = 2.0,
                          on_escalated: Optional[Callable[[str, AuthorizationDecision], Any]] = None, *,
                          request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Wait until an action is no longer PENDING (long-polls when the server supports it).

        Args:
            action_id: The action (``result.action_id``).
            timeout: Seconds to wait in total.
            poll_interval: Seconds between polls when the server does not long-poll.
            on_escalated: Called once with ``(action_id, decision)`` if the action is escalated.
            request_options: Per-call ``timeout``, ``max_retries`` and extra ``headers`` (see :meth:`with_options`).

        Returns:
            The final :class:`AuthorizationDecision` (ALLOWED or DENIED).

        Raises:
            TimeoutError: Still PENDING after ``timeout`` (never turned into an allow, D4).
            NotFoundError: No such action.
            OWKAIError: Any other failure (subclass by cause).
        """
        if on_escalated is not None:
            client = self.with_options(**request_options) if request_options else self
            return client._wait_with_callback(action_id, timeout, poll_interval, on_escalated)
        return self._call("wait_for_decision", to_decision,
                          {"action_id": action_id, "timeout": timeout, "poll_interval": poll_interval,
                           "request_options": request_options})

    def get_action_status(self, action_id: str, *,
                          request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Current decision of an action.

        Args:
            action_id: The action.
            request_options: Per-call ``timeout``, ``max_retries`` and extra ``headers`` (see :meth:`with_options`).

        Returns:
            Its :class:`AuthorizationDecision` (possibly still PENDING).

        Raises:
            NotFoundError: No such action.
            OWKAIError: Any other failure (subclass by cause).
        """
        return self._call("get_action_status", to_decision, kwargs_of(locals()))

    def configure_webhook(self, url: str, events: List[str], secret: Optional[str] = None) -> Webhook:
        """Subscribe ``url`` to events; returns a :class:`Webhook` with attribute and item access (D12).

        Args:
            url: The HTTPS endpoint that receives deliveries.
            events: Event names (``action.pending``, ``action.approved``, ``action.denied``, ...; D12).
            secret: Signing secret for deliveries (never logged).

        Returns:
            The :class:`Webhook` (attribute and item access, D12).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("configure_webhook", to_webhook, kwargs_of(locals()))

    # -- 5.b lifecycle, agents, policies, audit, webhooks, MCP, kill switch ----------------------------------------

    def register(self, agent_type: str = "supervised", capabilities: Optional[List[str]] = None,
                 allowed_resources: Optional[List[str]] = None,
                 metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register this agent in the Agent Registry.

        Args:
            agent_type: ``supervised`` (default) or ``autonomous``.
            capabilities: What the agent can do.
            allowed_resources: Resources the agent may act on.
            metadata: Free-form metadata.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("register", to_raw, kwargs_of(locals()))

    def log_action_completed(self, action_id: str, result: Optional[Dict[str, Any]] = None,
                             duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action completed (spooled locally in OPEN/LOCAL mode when unreachable, D16).

        Args:
            action_id: The action's id (``result.action_id``).
            result: The action's result (JSON-serialisable).
            duration_ms: How long the action took, in milliseconds.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("log_action_completed", to_raw, kwargs_of(locals()))

    def log_action_failed(self, action_id: str, error: Union[str, Dict[str, Any]],
                          duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action failed (spooled locally in OPEN/LOCAL mode when unreachable, D16).

        Args:
            action_id: The action's id (``result.action_id``).
            error: What went wrong (text or a dict).
            duration_ms: How long the action took, in milliseconds.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("log_action_failed", to_raw, kwargs_of(locals()))

    def check_approval(self, approval_request_id: str) -> Dict[str, Any]:
        """State of an approval request: ``approved``/``denied``/``pending`` flags, approver, timestamp.

        Args:
            approval_request_id: The approval request (``decision.approval_request_id``).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("check_approval", to_raw, kwargs_of(locals()))

    def heartbeat(self, response_time_ms: Optional[float] = None, error_rate: Optional[float] = None,
                  requests_count: Optional[int] = None) -> None:
        """Send one heartbeat; never raises.

        Args:
            response_time_ms: Recent response time in milliseconds.
            error_rate: Recent error rate (0-1).
            requests_count: Requests since the last heartbeat.

        Returns:
            Nothing.

        Raises:
            ValidationError: An argument cannot be sent as JSON (a failed request is logged, never raised).
        """
        return self._call("heartbeat", to_none, kwargs_of(locals()))

    def start_heartbeat(self, interval_seconds: Optional[float] = None) -> None:
        """Send a heartbeat now and then every ``interval_seconds`` (default 60) in the background.

        Args:
            interval_seconds: Seconds between two background requests.

        Returns:
            Nothing.

        Raises:
            ValidationError: ``interval_seconds`` is not a positive number.
        """
        return self._call("start_heartbeat", to_none, kwargs_of(locals()))

    def stop_heartbeat(self) -> None:
        """Stop the heartbeat scheduler (no-op when not running).

        Returns:
            Nothing.

        Raises:
            Nothing: No network I/O; stopping is always possible.
        """
        return self._call("stop_heartbeat", to_none, {})

    def start_kill_switch_polling(self, interval_seconds: float = 5) -> None:
        """Poll the kill switch in the background; the first poll never blocks the caller (D11).

        Args:
            interval_seconds: Seconds between two background requests.

        Returns:
            Nothing.

        Raises:
            ValidationError: ``interval_seconds`` is not a positive number.
        """
        return self._call("start_kill_switch_polling", to_none, kwargs_of(locals()))

    def stop_kill_switch_polling(self) -> None:
        """Stop kill-switch polling (the blocked flag is kept).

        Returns:
            Nothing.

        Raises:
            Nothing: No network I/O; stopping is always possible.
        """
        return self._call("stop_kill_switch_polling", to_none, {})

    def is_blocked(self) -> bool:
        """Whether the kill switch currently blocks governed calls.

        Returns:
            ``True`` while governed calls are refused with ``KillSwitchError`` (no network I/O).

        Raises:
            Nothing: The flag is read locally.
        """
        return self._call("is_blocked", to_bool, {})

    def deregister(self) -> None:
        """Remove this agent from the registry (stops kill-switch polling first).

        Returns:
            Nothing.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("deregister", to_none, {})

    def get_agent_status(self) -> AgentHealthStatus:
        """Health record of this agent.

        Returns:
            An :class:`AgentHealthStatus`.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_agent_status", AgentHealthStatus._from_projection, {})

    def evaluate_actions(self, actions: List[Dict[str, Any]], max_concurrent: int = 5, *,
                         request_options: Optional[RequestOptions] = None) -> BulkEvaluationResult:
        """Evaluate up to 50 actions concurrently, without waiting for humans.

        Args:
            actions: ``evaluate_action`` keyword arguments, one dict per action.
            max_concurrent: Requests in flight at once.
            request_options: Per-call ``timeout``, ``max_retries`` and extra ``headers`` (see :meth:`with_options`).

        Returns:
            A :class:`BulkEvaluationResult`, one item per input in input order, failures as typed errors (D15).

        Raises:
            ValidationError: ``actions`` is not a list of at most 50 dicts.
            KillSwitchError: The kill switch blocks this agent.
        """
        return self._call("evaluate_actions", to_bulk, kwargs_of(locals()))

    def test_connection(self) -> ConnectionStatus:
        """Check connectivity (``/health`` + deployment info); never raises.

        Returns:
            A :class:`ConnectionStatus` (the peer's ``SimpleNamespace``, typed): ``connected``, ``status``,
            ``latency_ms``, ``api_version``, ``environment``, ``agent_id``, ``fail_mode``, ``error``.

        Raises:
            Nothing: A failure is reported as ``connected=False`` with its ``error``.
        """
        try:
            return self._call("test_connection", to_connection_result, {})
        except Exception as exc:
            return connection_failure(exc, self.agent_id, self.fail_mode.value)

    def list_actions(self, limit: int = 50, offset: int = 0, status: Optional[str] = None) -> ActionPage:
        """One page of this agent's actions, newest first.

        Args:
            limit: Page size (at most what the server allows).
            offset: Actions to skip.
            status: Only actions with this status (``pending``, ``approved``, ``denied``, ...).

        Returns:
            An :class:`ActionPage`: the server's object with item access (``page["actions"]``), as the peer's dict,
            plus typed ``page.actions`` and ``page.total``.

        Raises:
            ValidationError: ``limit``/``offset`` are not integers (before any network I/O).
            OWKAIError: The server refused the request or could not be reached (subclass by cause).
        """
        return self._call("list_actions", to_action_page, kwargs_of(locals()))

    def iter_actions(self, page_size: int = 50, status: Optional[str] = None,
                     max_items: Optional[int] = None) -> Iterator[ActionSummary]:
        """Every action of this agent, page by page (``list_actions`` with a growing offset).

        Args:
            page_size: Actions fetched per request.
            status: Only actions with this status.
            max_items: Stop after this many actions (default: all).

        Returns:
            An iterator of :class:`ActionSummary`; it stops at the first short or empty page, at the server's
            ``total``, or after ``max_items``.

        Raises:
            OWKAIError: As :meth:`list_actions`, when a page is fetched.
        """
        yielded, offset = 0, 0
        while max_items is None or yielded < max_items:
            page = self.list_actions(limit=page_size, offset=offset, status=status)
            actions = page.actions
            for action in actions:
                if max_items is not None and yielded >= max_items:
                    return
                yield action
                yielded += 1
            offset += len(actions)
            if len(actions) < page_size or (page.total is not None and offset >= page.total):
                return

    def get_action_details(self, action_id: str) -> ActionDetails:
        """Full record of one action (unknown statuses never crash, D6).

        Args:
            action_id: The action's id (``result.action_id``).

        Returns:
            An :class:`ActionDetails` (unknown statuses never crash, D6).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_action_details", ActionDetails._from_projection, kwargs_of(locals()))

    def evaluate_policy(self, action_type: str, resource: str, risk_score: Optional[float] = None,
                        context: Optional[Dict[str, Any]] = None) -> PolicyEvaluationResult:
        """Evaluate policies in real time without submitting an action.

        Args:
            action_type: What the agent wants to do (``database_write``, ``query``, ...).
            resource: What the action acts on.
            risk_score: A risk score to evaluate with (0-100).
            context: Context for the evaluation.

        Returns:
            A :class:`PolicyEvaluationResult`.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("evaluate_policy", PolicyEvaluationResult._from_projection, kwargs_of(locals()))

    def get_resource_classification(self, resource_type: str) -> Optional[ResourceClassification]:
        """Classification of ``resource_type``, or ``None``.

        Args:
            resource_type: The resource type to classify.

        Returns:
            The :class:`ResourceClassification`, or ``None`` when there is none.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_resource_classification", to_classification, kwargs_of(locals()))

    def query_audit_log(self, limit: int = 50, offset: int = 0) -> AuditLogResponse:
        """A page of the audit log.

        Args:
            limit: Page size.
            offset: Items to skip.

        Returns:
            An :class:`AuditLogResponse` page.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("query_audit_log", AuditLogResponse._from_projection, kwargs_of(locals()))

    def list_webhooks(self) -> List[Webhook]:
        """All webhook subscriptions.

        Returns:
            Every :class:`Webhook` subscription.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("list_webhooks", to_webhooks, {})

    def update_webhook(self, webhook_id: str, url: Optional[str] = None, events: Optional[List[str]] = None,
                       secret: Optional[str] = None) -> Webhook:
        """Change a webhook subscription.

        Args:
            webhook_id: The webhook subscription.
            url: The HTTPS endpoint that receives deliveries.
            events: Event names (``action.pending``, ``action.approved``, ``action.denied``, ...; D12).
            secret: Signing secret for deliveries (never logged).

        Returns:
            The :class:`Webhook` (attribute and item access, D12).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("update_webhook", to_webhook, kwargs_of(locals()))

    def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook subscription.

        Args:
            webhook_id: The webhook subscription.

        Returns:
            Nothing.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("delete_webhook", to_none, kwargs_of(locals()))

    def test_webhook(self, webhook_id: str) -> WebhookTestResult:
        """Ask the platform to send a test delivery.

        Args:
            webhook_id: The webhook subscription.

        Returns:
            A :class:`WebhookTestResult`.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("test_webhook", WebhookTestResult._from_projection, kwargs_of(locals()))

    def evaluate_mcp_action(self, mcp_server: str, namespace: str, verb: str, resource: str,
                            action_type: Optional[str] = None, parameters: Optional[Dict[str, Any]] = None,
                            context: Optional[Dict[str, Any]] = None, description: Optional[str] = None,
                            environment: str = "production", tool_name: Optional[str] = None,
                            use_mcp_endpoint: bool = True, *,
                            request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Govern an MCP tool call.

        Args:
            mcp_server: The MCP server's name.
            namespace: Tool namespace.
            verb: What the tool does (``read``, ``write``, ``execute``, ...).
            resource: What it acts on.
            action_type: Action type (default ``mcp_<verb>``).
            parameters: The tool call's arguments.
            context: Context for the reviewer.
            description: Text for the reviewer.
            environment: Environment of the call.
            tool_name: Tool name.
            use_mcp_endpoint: Submit to the MCP endpoint (default) rather than the generic one.
            request_options: Per-call ``timeout``, ``max_retries`` and extra ``headers`` (see :meth:`with_options`).

        Returns:
            The :class:`AuthorizationDecision`.

        Raises:
            ValidationError: A required argument is missing or has the wrong type (before any network I/O).
            KillSwitchError: The kill switch blocks this agent (before any network I/O, D11).
            ConnectionError: ASCEND is unreachable and the fail mode is CLOSED.
            OWKAIError: Any other failure (subclass by cause).
        """
        return self._call("evaluate_mcp_action", to_decision, kwargs_of(locals()))

    def register_mcp_server(self, server_name: str, display_name: Optional[str] = None,
                            description: Optional[str] = None, server_url: Optional[str] = None,
                            transport_type: str = "stdio", connection_config: Optional[Dict[str, Any]] = None,
                            governance_enabled: bool = True, auto_approve_tools: Optional[List[str]] = None,
                            blocked_tools: Optional[List[str]] = None,
                            tool_risk_overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register an MCP server.

        Args:
            server_name: The MCP server's registered name.
            display_name: Display name.
            description: Free-text description.
            server_url: Where the server listens.
            transport_type: ``stdio`` (default), ``http`` or ``sse``.
            connection_config: How to reach the server (transport-specific).
            governance_enabled: Whether calls through the server are governed.
            auto_approve_tools: Tools of the server approved without review.
            blocked_tools: Tools of the server always denied.
            tool_risk_overrides: Risk per tool name.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("register_mcp_server", to_raw, kwargs_of(locals()))

    def list_mcp_servers(self) -> Dict[str, Any]:
        """Registered MCP servers.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("list_mcp_servers", to_raw, {})

    def get_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """One registered MCP server.

        Args:
            server_name: The MCP server's registered name.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_mcp_server", to_raw, kwargs_of(locals()))

    def activate_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Activate an MCP server.

        Args:
            server_name: The MCP server's registered name.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("activate_mcp_server", to_raw, kwargs_of(locals()))

    def deactivate_mcp_server(self, server_name: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Deactivate an MCP server.

        Args:
            server_name: The MCP server's registered name.
            reason: Why (kept in the audit log; at least 10 characters for the kill switch).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("deactivate_mcp_server", to_raw, kwargs_of(locals()))

    def delete_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Delete an MCP server registration.

        Args:
            server_name: The MCP server's registered name.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("delete_mcp_server", to_raw, kwargs_of(locals()))

    def scan_mcp_network(self) -> Dict[str, Any]:
        """Discover MCP servers on the network.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("scan_mcp_network", to_raw, {})

    def get_mcp_health(self) -> Dict[str, Any]:
        """Health of the discovered MCP servers.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_mcp_health", to_raw, {})

    def trigger_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Block every agent of an organisation (``reason`` ≥ 10 characters).

        Args:
            organization_id: The organisation (an integer >= 1).
            reason: Why (kept in the audit log; at least 10 characters for the kill switch).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("trigger_kill_switch", to_raw, kwargs_of(locals()))

    def release_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Unblock the agents of an organisation.

        Args:
            organization_id: The organisation (an integer >= 1).
            reason: Why (kept in the audit log; at least 10 characters for the kill switch).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("release_kill_switch", to_raw, kwargs_of(locals()))

    def link_model_to_agent(self, agent_id: str, model_id: int) -> Dict[str, Any]:
        """Link a registered model to an agent.

        Args:
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).
            model_id: The registered model's id.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("link_model_to_agent", to_raw, kwargs_of(locals()))

    # -- 5.c long tail ---------------------------------------------------------------------------------------------

    def register_topology(self, orchestrator_agent_id: str, worker_agent_ids: List[str]) -> Dict[str, Any]:
        """Declare an orchestrator and its worker agents.

        Args:
            orchestrator_agent_id: The orchestrating agent.
            worker_agent_ids: The agents the orchestrator directs.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("register_topology", to_raw, kwargs_of(locals()))

    def register_mcp_topology(self, orchestrator_agent_id: str, mcp_server_ids: List[int]) -> Dict[str, Any]:
        """Declare the MCP servers an orchestrator uses.

        Args:
            orchestrator_agent_id: The orchestrating agent.
            mcp_server_ids: Ids of the MCP servers the orchestrator uses.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("register_mcp_topology", to_raw, kwargs_of(locals()))

    def cascade_kill(self, orchestrator_id: str, reason: str, dry_run: bool = True) -> Dict[str, Any]:
        """Kill an orchestrator and its workers (``dry_run`` by default).

        Args:
            orchestrator_id: The orchestrating agent.
            reason: Why (kept in the audit log; at least 10 characters for the kill switch).
            dry_run: Only report what would be killed (default True).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("cascade_kill", to_raw, kwargs_of(locals()))

    def get_orchestration_session(self, session_id: str) -> Dict[str, Any]:
        """One orchestration session.

        Args:
            session_id: The orchestration session.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_orchestration_session", to_raw, kwargs_of(locals()))

    def get_orchestration_session_risk(self, session_id: str) -> Dict[str, Any]:
        """Aggregated risk of an orchestration session.

        Args:
            session_id: The orchestration session.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_orchestration_session_risk", to_raw, kwargs_of(locals()))

    def get_orchestration_stats(self) -> Dict[str, Any]:
        """Orchestration statistics.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_orchestration_stats", to_raw, {})

    def get_output_filter_config(self) -> Dict[str, Any]:
        """Output-filter configuration.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_output_filter_config", to_raw, {})

    def get_output_findings(self, limit: int = 50, offset: int = 0, category: Optional[str] = None,
                            severity: Optional[str] = None) -> Dict[str, Any]:
        """Output-filter findings.

        Args:
            limit: Page size.
            offset: Items to skip.
            category: Only findings of this category.
            severity: Only findings of this severity.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_output_findings", to_raw, kwargs_of(locals()))

    def get_output_findings_for_action(self, action_id: int) -> Dict[str, Any]:
        """Output-filter findings of one action.

        Args:
            action_id: The action's id (``result.action_id``).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_output_findings_for_action", to_raw, kwargs_of(locals()))

    def scan_output(self, content: str, agent_id: str, action_id: Optional[int] = None) -> Dict[str, Any]:
        """Scan agent output for sensitive content.

        Args:
            content: The text to scan.
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).
            action_id: The action's id (``result.action_id``).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("scan_output", to_raw, kwargs_of(locals()))

    def register_supply_chain_component(self, component_id: str, component_name: str, component_type: str,
                                        provider: Optional[str] = None, version: Optional[str] = None,
                                        latest_version: Optional[str] = None, license_type: Optional[str] = None,
                                        source_url: Optional[str] = None, provenance_verified: bool = False,
                                        risk_level: str = "medium", compliance_notes: Optional[str] = None,
                                        package_name: Optional[str] = None,
                                        package_ecosystem: Optional[str] = None) -> Dict[str, Any]:
        """Register a supply-chain component.

        Args:
            component_id: The component's id.
            component_name: Display name.
            component_type: Kind of component (``model``, ``library``, ``mcp_server``, ...).
            provider: Who provides the component.
            version: Component version.
            latest_version: Newest available version.
            license_type: License identifier.
            source_url: Where the component comes from.
            provenance_verified: Whether the component's provenance was verified.
            risk_level: Risk level (``low``, ``medium``, ``high``, ``critical``).
            compliance_notes: Free-text compliance notes.
            package_name: Package name in that ecosystem.
            package_ecosystem: Package ecosystem (``pypi``, ``npm``, ...).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("register_supply_chain_component", to_raw, kwargs_of(locals()))

    def list_supply_chain_components(self, component_type: Optional[str] = None, risk_level: Optional[str] = None,
                                     has_vulnerabilities: Optional[bool] = None, active_only: bool = True,
                                     limit: int = 100, offset: int = 0) -> Dict[str, Any]:
        """Supply-chain components.

        Args:
            component_type: Kind of component (``model``, ``library``, ``mcp_server``, ...).
            risk_level: Risk level (``low``, ``medium``, ``high``, ``critical``).
            has_vulnerabilities: Only components with (or without) known vulnerabilities.
            active_only: Only active components.
            limit: Page size.
            offset: Items to skip.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("list_supply_chain_components", to_raw, kwargs_of(locals()))

    def get_supply_chain_stats(self) -> Dict[str, Any]:
        """Supply-chain statistics.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_supply_chain_stats", to_raw, {})

    def get_supply_chain_impact(self, component_id: int) -> Dict[str, Any]:
        """Agents affected by a component.

        Args:
            component_id: The component's id.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_supply_chain_impact", to_raw, kwargs_of(locals()))

    def get_cve_sync_status(self) -> Dict[str, Any]:
        """State of the CVE synchronisation.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_cve_sync_status", to_raw, {})

    def get_supply_chain_alerts(self, limit: int = 50, acknowledged: bool = False) -> Dict[str, Any]:
        """Supply-chain CVE alerts.

        Args:
            limit: Page size.
            acknowledged: Include acknowledged alerts (default: only open ones).

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_supply_chain_alerts", to_raw, kwargs_of(locals()))

    def get_pending_commands(self, agent_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Commands queued for an agent (default: this one).

        Args:
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).

        Returns:
            The server's list of objects, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("get_pending_commands", to_list, kwargs_of(locals()))

    def ack_command(self, command_id: str, agent_id: Optional[str] = None) -> bool:
        """Acknowledge a command; True when the platform accepted it.

        Args:
            command_id: The command to acknowledge.
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).

        Returns:
            Whether it was accepted (see the summary).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        return self._call("ack_command", to_bool, kwargs_of(locals()))

    # -- 5.d deprecated shims (one DeprecationWarning per process each) ---------------------------------------------

    def submit_action(self, action_type_or_action: Any = None, resource: Optional[str] = None,
                      parameters: Optional[Dict[str, Any]] = None, context: Any = None,
                      **kwargs: Any) -> AuthorizationDecision:
        """Deprecated: use :meth:`evaluate_action` (accepts an ``AgentAction``, a dict or keywords).

        Args:
            action_type_or_action: An ``AgentAction``, a dict of its fields, or the action type (then ``resource`` too).
            resource: What the action acts on.
            parameters: The action's parameters.
            context: Context for the evaluation.
            kwargs: Further ``evaluate_action`` keyword arguments.

        Returns:
            The :class:`AuthorizationDecision`.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        deprecated("submit_action", "evaluate_action", "BUG-16")
        args = submit_action_args(self.agent_id, action_type_or_action, resource, parameters, context, kwargs)
        return self.evaluate_action(**args)

    def send_heartbeat(self, metrics: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Deprecated: use :meth:`heartbeat`.

        Args:
            metrics: Heartbeat metrics (``response_time_ms``, ``error_rate``, ``requests_count``).
            kwargs: Further metrics, merged into ``metrics``.

        Returns:
            Nothing.

        Raises:
            ValidationError: A metric cannot be sent as JSON (a failed request is logged, never raised).
        """
        deprecated("send_heartbeat", "heartbeat", "DOC-DRIFT-HEARTBEAT")
        self._call("send_heartbeat", to_none, {"metrics": {**(metrics or {}), **kwargs}})

    def wait_for_approval(self, action_id: str, timeout: Optional[float] = None,
                          timeout_seconds: Optional[float] = None,
                          poll_interval: Optional[float] = None) -> AuthorizationDecision:
        """Deprecated: use :meth:`wait_for_decision` (any given timeout is honoured).

        Args:
            action_id: The action's id (``result.action_id``).
            timeout: Seconds to wait for the decision.
            timeout_seconds: Same as ``timeout`` (the older name).
            poll_interval: Seconds between polls when the server does not long-poll.

        Returns:
            The :class:`AuthorizationDecision`.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        deprecated("wait_for_approval", "wait_for_decision", "DOC-DRIFT-APPROVAL")
        return self._call("wait_for_approval", to_decision, kwargs_of(locals()))

    def get_agent(self, agent_id: Optional[str] = None) -> AgentHealthStatus:
        """Deprecated: use :meth:`get_agent_status`.

        Args:
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).

        Returns:
            An :class:`AgentHealthStatus`.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
        deprecated("get_agent", "get_agent_status", "DOC-DRIFT-AGENT")
        return self._call("get_agent", AgentHealthStatus._from_projection, kwargs_of(locals()))

    def register_agent(self, agent_id: Optional[str] = None, agent_type: str = "supervised",
                       capabilities: Optional[List[str]] = None, allowed_resources: Optional[List[str]] = None,
                       metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Deprecated: use :meth:`register`.

        Args:
            agent_id: The agent (default: this client's ``agent_id`` where the method allows it).
            agent_type: ``supervised`` (default) or ``autonomous``.
            capabilities: What the agent can do.
            allowed_resources: Resources the agent may act on.
            metadata: Free-form metadata.

        Returns:
            The server's JSON object, unchanged.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            OWKAIError: The server refused the call or could not be reached (the subclass names the cause:
                ``AuthenticationError``, ``NotFoundError``, ``ConnectionError``, ``TimeoutError``, ...).
        """
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
        Returns ``False`` when the event carries no action id.

        Args:
            event: A verified webhook event (the result of ``ascend.webhooks.verify``).

        Returns:
            Whether it was accepted (see the summary).

        Raises:
            ValidationError: ``event`` is not a webhook event object (no network I/O).
        """
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
        """Stop background work (kill-switch polling, heartbeats); idempotent. Spooled records stay on disk and are
        replayed after a later successful call (D18); the connection pool goes with the client.

        Returns:
            Nothing.

        Raises:
            Nothing: No network I/O.
        """
        native = self.__dict__.get("_native")
        if native is not None and not self._view:
            native_call(lambda _n: native.close())

    def __enter__(self) -> AscendClient:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.close()


#: Legacy name; the same class object.
OWKAIClient = AscendClient
