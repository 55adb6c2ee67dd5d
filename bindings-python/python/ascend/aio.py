"""``AsyncAscendClient``: the asyncio twin of :class:`ascend.client.AscendClient` (same methods, as coroutines)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, Optional, TypeVar, Union

from ._base import (
    _GOVERNED,
    _MODULES,
    _OTEL,
    ClientBase,
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
from ._completion import acall
from ._native_loader import native_call
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

__all__ = ["AsyncAscendClient"]

T = TypeVar("T")


class AsyncAscendClient(ClientBase):
    """Asynchronous twin of :class:`ascend.client.AscendClient`: same constructor, same methods, as coroutines.

    Calls run on the core's async lane and never block the event loop: each event loop gets a completion queue
    (``ascend._completion``) that resolves the futures of finished calls in batches.
    """

    def _acall(self, method: str, convert: Callable[[Any], T], args: Dict[str, Any]) -> Awaitable[T]:
        """The one generic path: run ``method`` on the core for asyncio and convert its JSON result.

        Returns the call's coroutine (:func:`ascend._completion.acall`), which the public method awaits directly: one
        coroutine per call less than an ``async def`` here. Governed calls are OpenTelemetry spans once
        OpenTelemetry is in use (:meth:`_ainvoke`)."""
        if method in _GOVERNED and _OTEL in _MODULES:
            return self._atraced(method, convert, args)
        return acall(self._native, method, args, convert)

    async def _atraced(self, method: str, convert: Callable[[Any], T], args: Dict[str, Any]) -> T:
        """:meth:`_acall` with a span."""
        return convert(await self._ainvoke(method, args))

    # -- 5.a seed-level core ---------------------------------------------------------------------------------------

    async def evaluate_action(self, action_type: str, resource: str, parameters: Optional[Dict[str, Any]] = None,
                        context: Any = None, resource_id: Optional[str] = None, risk_indicators: Any = None,
                        wait_for_decision: bool = True, timeout: Optional[float] = None,
                        orchestration_session_id: Optional[str] = None, parent_action_id: Optional[int] = None,
                        orchestration_depth: Optional[int] = None, mcp_server_name: Optional[str] = None,
                        model_id: Optional[str] = None, tool_name: Optional[str] = None,
                        description: Optional[str] = None,
                        business_justification: Optional[str] = None, *,
                        request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Submit an action for governance and return the decision (waits for a human while PENDING by default)."""
        return await self._acall("evaluate_action", to_decision, kwargs_of(locals()))

    async def wait_for_decision(self, action_id: str, timeout: float = 60, poll_interval: float = 2.0,
                          on_escalated: Optional[Callable[[str, AuthorizationDecision], Any]] = None, *,
                          request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Poll an action until it is no longer PENDING; ``TimeoutError`` after ``timeout`` seconds (D4)."""
        if on_escalated is not None:  # the callback needs the blocking native wait: run it off the event loop
            client = self.with_options(**request_options) if request_options else self
            return await asyncio.to_thread(client._wait_with_callback, action_id, timeout, poll_interval, on_escalated)
        return await self._acall("wait_for_decision", to_decision,
                                 {"action_id": action_id, "timeout": timeout, "poll_interval": poll_interval,
                           "request_options": request_options})

    async def get_action_status(self, action_id: str, *,
                                request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Current decision of an action."""
        return await self._acall("get_action_status", to_decision, kwargs_of(locals()))

    async def configure_webhook(self, url: str, events: List[str], secret: Optional[str] = None) -> Webhook:
        """Subscribe ``url`` to events; returns a :class:`Webhook` with attribute and item access (D12)."""
        return await self._acall("configure_webhook", to_webhook, kwargs_of(locals()))

    # -- 5.b lifecycle, agents, policies, audit, webhooks, MCP, kill switch ----------------------------------------

    async def register(self, agent_type: str = "supervised", capabilities: Optional[List[str]] = None,
                 allowed_resources: Optional[List[str]] = None,
                 metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register this agent in the Agent Registry."""
        return await self._acall("register", to_raw, kwargs_of(locals()))

    async def log_action_completed(self, action_id: str, result: Optional[Dict[str, Any]] = None,
                             duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action completed (spooled locally in OPEN/LOCAL mode when unreachable, D16)."""
        return await self._acall("log_action_completed", to_raw, kwargs_of(locals()))

    async def log_action_failed(self, action_id: str, error: Union[str, Dict[str, Any]],
                          duration_ms: Optional[int] = None) -> Dict[str, Any]:
        """Record that an allowed action failed (spooled locally in OPEN/LOCAL mode when unreachable, D16)."""
        return await self._acall("log_action_failed", to_raw, kwargs_of(locals()))

    async def check_approval(self, approval_request_id: str) -> Dict[str, Any]:
        """State of an approval request: ``approved``/``denied``/``pending`` flags, approver, timestamp."""
        return await self._acall("check_approval", to_raw, kwargs_of(locals()))

    async def heartbeat(self, response_time_ms: Optional[float] = None, error_rate: Optional[float] = None,
                  requests_count: Optional[int] = None) -> None:
        """Send one heartbeat; never raises."""
        return await self._acall("heartbeat", to_none, kwargs_of(locals()))

    async def start_heartbeat(self, interval_seconds: Optional[float] = None) -> None:
        """Send a heartbeat now and then every ``interval_seconds`` (default 60) in the background."""
        return await self._acall("start_heartbeat", to_none, kwargs_of(locals()))

    async def stop_heartbeat(self) -> None:
        """Stop the heartbeat scheduler (no-op when not running)."""
        return await self._acall("stop_heartbeat", to_none, {})

    async def start_kill_switch_polling(self, interval_seconds: float = 5) -> None:
        """Poll the kill switch in the background; the first poll never blocks the caller (D11)."""
        return await self._acall("start_kill_switch_polling", to_none, kwargs_of(locals()))

    async def stop_kill_switch_polling(self) -> None:
        """Stop kill-switch polling (the blocked flag is kept)."""
        return await self._acall("stop_kill_switch_polling", to_none, {})

    async def is_blocked(self) -> bool:
        """Whether the kill switch currently blocks governed calls."""
        return await self._acall("is_blocked", to_bool, {})

    async def deregister(self) -> None:
        """Remove this agent from the registry (stops kill-switch polling first)."""
        return await self._acall("deregister", to_none, {})

    async def get_agent_status(self) -> AgentHealthStatus:
        """Health record of this agent."""
        return await self._acall("get_agent_status", AgentHealthStatus._from_projection, {})

    async def evaluate_actions(self, actions: List[Dict[str, Any]], max_concurrent: int = 5, *,
                               request_options: Optional[RequestOptions] = None) -> BulkEvaluationResult:
        """Evaluate up to 50 actions concurrently (no waiting); results in input order with typed errors (D15)."""
        return await self._acall("evaluate_actions", to_bulk, kwargs_of(locals()))

    async def test_connection(self) -> ConnectionStatus:
        """Check connectivity (``/health`` + deployment info); never raises. Returns a :class:`ConnectionStatus`."""
        try:
            return await self._acall("test_connection", to_connection_result, {})
        except Exception as exc:
            return connection_failure(exc, self.agent_id, self.fail_mode.value)

    async def list_actions(self, limit: int = 50, offset: int = 0, status: Optional[str] = None) -> ActionPage:
        """One page of this agent's actions (see :meth:`ascend.AscendClient.list_actions`)."""
        return await self._acall("list_actions", to_action_page, kwargs_of(locals()))

    async def iter_actions(self, page_size: int = 50, status: Optional[str] = None,
                           max_items: Optional[int] = None) -> AsyncIterator[ActionSummary]:
        """Every action of this agent, page by page, as an async iterator (see
        :meth:`ascend.AscendClient.iter_actions`).

        Args:
            page_size: Actions fetched per request.
            status: Only actions with this status.
            max_items: Stop after this many actions (default: all).

        Returns:
            An async iterator of :class:`ActionSummary`; it stops at the first short or empty page, at the server's
            ``total``, or after ``max_items``.

        Raises:
            OWKAIError: As :meth:`list_actions`, when a page is fetched.
        """
        yielded, offset = 0, 0
        while max_items is None or yielded < max_items:
            page = await self.list_actions(limit=page_size, offset=offset, status=status)
            actions = page.actions
            for action in actions:
                if max_items is not None and yielded >= max_items:
                    return
                yield action
                yielded += 1
            offset += len(actions)
            if len(actions) < page_size or (page.total is not None and offset >= page.total):
                return

    async def get_action_details(self, action_id: str) -> ActionDetails:
        """Full record of one action (unknown statuses never crash, D6)."""
        return await self._acall("get_action_details", ActionDetails._from_projection, kwargs_of(locals()))

    async def evaluate_policy(self, action_type: str, resource: str, risk_score: Optional[float] = None,
                        context: Optional[Dict[str, Any]] = None) -> PolicyEvaluationResult:
        """Evaluate policies in real time without submitting an action."""
        return await self._acall("evaluate_policy", PolicyEvaluationResult._from_projection, kwargs_of(locals()))

    async def get_resource_classification(self, resource_type: str) -> Optional[ResourceClassification]:
        """Classification of ``resource_type``, or ``None``."""
        return await self._acall("get_resource_classification", to_classification, kwargs_of(locals()))

    async def query_audit_log(self, limit: int = 50, offset: int = 0) -> AuditLogResponse:
        """A page of the audit log."""
        return await self._acall("query_audit_log", AuditLogResponse._from_projection, kwargs_of(locals()))

    async def list_webhooks(self) -> List[Webhook]:
        """All webhook subscriptions."""
        return await self._acall("list_webhooks", to_webhooks, {})

    async def update_webhook(self, webhook_id: str, url: Optional[str] = None, events: Optional[List[str]] = None,
                       secret: Optional[str] = None) -> Webhook:
        """Change a webhook subscription."""
        return await self._acall("update_webhook", to_webhook, kwargs_of(locals()))

    async def delete_webhook(self, webhook_id: str) -> None:
        """Delete a webhook subscription."""
        return await self._acall("delete_webhook", to_none, kwargs_of(locals()))

    async def test_webhook(self, webhook_id: str) -> WebhookTestResult:
        """Ask the platform to send a test delivery."""
        return await self._acall("test_webhook", WebhookTestResult._from_projection, kwargs_of(locals()))

    async def evaluate_mcp_action(self, mcp_server: str, namespace: str, verb: str, resource: str,
                            action_type: Optional[str] = None, parameters: Optional[Dict[str, Any]] = None,
                            context: Optional[Dict[str, Any]] = None, description: Optional[str] = None,
                            environment: str = "production", tool_name: Optional[str] = None,
                            use_mcp_endpoint: bool = True, *,
                            request_options: Optional[RequestOptions] = None) -> AuthorizationDecision:
        """Govern an MCP tool call (kill-switch gated, D11)."""
        return await self._acall("evaluate_mcp_action", to_decision, kwargs_of(locals()))

    async def register_mcp_server(self, server_name: str, display_name: Optional[str] = None,
                            description: Optional[str] = None, server_url: Optional[str] = None,
                            transport_type: str = "stdio", connection_config: Optional[Dict[str, Any]] = None,
                            governance_enabled: bool = True, auto_approve_tools: Optional[List[str]] = None,
                            blocked_tools: Optional[List[str]] = None,
                            tool_risk_overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Register an MCP server."""
        return await self._acall("register_mcp_server", to_raw, kwargs_of(locals()))

    async def list_mcp_servers(self) -> Dict[str, Any]:
        """Registered MCP servers."""
        return await self._acall("list_mcp_servers", to_raw, {})

    async def get_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """One registered MCP server."""
        return await self._acall("get_mcp_server", to_raw, kwargs_of(locals()))

    async def activate_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Activate an MCP server."""
        return await self._acall("activate_mcp_server", to_raw, kwargs_of(locals()))

    async def deactivate_mcp_server(self, server_name: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Deactivate an MCP server."""
        return await self._acall("deactivate_mcp_server", to_raw, kwargs_of(locals()))

    async def delete_mcp_server(self, server_name: str) -> Dict[str, Any]:
        """Delete an MCP server registration."""
        return await self._acall("delete_mcp_server", to_raw, kwargs_of(locals()))

    async def scan_mcp_network(self) -> Dict[str, Any]:
        """Discover MCP servers on the network."""
        return await self._acall("scan_mcp_network", to_raw, {})

    async def get_mcp_health(self) -> Dict[str, Any]:
        """Health of the discovered MCP servers."""
        return await self._acall("get_mcp_health", to_raw, {})

    async def trigger_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Block every agent of an organisation (``reason`` ≥ 10 characters)."""
        return await self._acall("trigger_kill_switch", to_raw, kwargs_of(locals()))

    async def release_kill_switch(self, organization_id: int, reason: str) -> Dict[str, Any]:
        """Unblock the agents of an organisation."""
        return await self._acall("release_kill_switch", to_raw, kwargs_of(locals()))

    async def link_model_to_agent(self, agent_id: str, model_id: int) -> Dict[str, Any]:
        """Link a registered model to an agent."""
        return await self._acall("link_model_to_agent", to_raw, kwargs_of(locals()))

    # -- 5.c long tail ---------------------------------------------------------------------------------------------

    async def register_topology(self, orchestrator_agent_id: str, worker_agent_ids: List[str]) -> Dict[str, Any]:
        """Declare an orchestrator and its worker agents."""
        return await self._acall("register_topology", to_raw, kwargs_of(locals()))

    async def register_mcp_topology(self, orchestrator_agent_id: str, mcp_server_ids: List[int]) -> Dict[str, Any]:
        """Declare the MCP servers an orchestrator uses."""
        return await self._acall("register_mcp_topology", to_raw, kwargs_of(locals()))

    async def cascade_kill(self, orchestrator_id: str, reason: str, dry_run: bool = True) -> Dict[str, Any]:
        """Kill an orchestrator and its workers (``dry_run`` by default)."""
        return await self._acall("cascade_kill", to_raw, kwargs_of(locals()))

    async def get_orchestration_session(self, session_id: str) -> Dict[str, Any]:
        """One orchestration session."""
        return await self._acall("get_orchestration_session", to_raw, kwargs_of(locals()))

    async def get_orchestration_session_risk(self, session_id: str) -> Dict[str, Any]:
        """Aggregated risk of an orchestration session."""
        return await self._acall("get_orchestration_session_risk", to_raw, kwargs_of(locals()))

    async def get_orchestration_stats(self) -> Dict[str, Any]:
        """Orchestration statistics."""
        return await self._acall("get_orchestration_stats", to_raw, {})

    async def get_output_filter_config(self) -> Dict[str, Any]:
        """Output-filter configuration."""
        return await self._acall("get_output_filter_config", to_raw, {})

    async def get_output_findings(self, limit: int = 50, offset: int = 0, category: Optional[str] = None,
                            severity: Optional[str] = None) -> Dict[str, Any]:
        """Output-filter findings."""
        return await self._acall("get_output_findings", to_raw, kwargs_of(locals()))

    async def get_output_findings_for_action(self, action_id: int) -> Dict[str, Any]:
        """Output-filter findings of one action."""
        return await self._acall("get_output_findings_for_action", to_raw, kwargs_of(locals()))

    async def scan_output(self, content: str, agent_id: str, action_id: Optional[int] = None) -> Dict[str, Any]:
        """Scan agent output for sensitive content."""
        return await self._acall("scan_output", to_raw, kwargs_of(locals()))

    async def register_supply_chain_component(self, component_id: str, component_name: str, component_type: str,
                                        provider: Optional[str] = None, version: Optional[str] = None,
                                        latest_version: Optional[str] = None, license_type: Optional[str] = None,
                                        source_url: Optional[str] = None, provenance_verified: bool = False,
                                        risk_level: str = "medium", compliance_notes: Optional[str] = None,
                                        package_name: Optional[str] = None,
                                        package_ecosystem: Optional[str] = None) -> Dict[str, Any]:
        """Register a supply-chain component."""
        return await self._acall("register_supply_chain_component", to_raw, kwargs_of(locals()))

    async def list_supply_chain_components(self, component_type: Optional[str] = None, risk_level: Optional[str] = None,
                                     has_vulnerabilities: Optional[bool] = None, active_only: bool = True,
                                     limit: int = 100, offset: int = 0) -> Dict[str, Any]:
        """Supply-chain components."""
        return await self._acall("list_supply_chain_components", to_raw, kwargs_of(locals()))

    async def get_supply_chain_stats(self) -> Dict[str, Any]:
        """Supply-chain statistics."""
        return await self._acall("get_supply_chain_stats", to_raw, {})

    async def get_supply_chain_impact(self, component_id: int) -> Dict[str, Any]:
        """Agents affected by a component."""
        return await self._acall("get_supply_chain_impact", to_raw, kwargs_of(locals()))

    async def get_cve_sync_status(self) -> Dict[str, Any]:
        """State of the CVE synchronisation."""
        return await self._acall("get_cve_sync_status", to_raw, {})

    async def get_supply_chain_alerts(self, limit: int = 50, acknowledged: bool = False) -> Dict[str, Any]:
        """Supply-chain CVE alerts."""
        return await self._acall("get_supply_chain_alerts", to_raw, kwargs_of(locals()))

    async def get_pending_commands(self, agent_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Commands queued for an agent (default: this one)."""
        return await self._acall("get_pending_commands", to_list, kwargs_of(locals()))

    async def ack_command(self, command_id: str, agent_id: Optional[str] = None) -> bool:
        """Acknowledge a command; True when the platform accepted it."""
        return await self._acall("ack_command", to_bool, kwargs_of(locals()))

    # -- 5.d deprecated shims (one DeprecationWarning per process each) ---------------------------------------------

    async def submit_action(self, action_type_or_action: Any = None, resource: Optional[str] = None,
                      parameters: Optional[Dict[str, Any]] = None, context: Any = None,
                      **kwargs: Any) -> AuthorizationDecision:
        """Deprecated: use :meth:`evaluate_action` (accepts an ``AgentAction``, a dict or keywords)."""
        deprecated("submit_action", "evaluate_action", "BUG-16")
        args = submit_action_args(self.agent_id, action_type_or_action, resource, parameters, context, kwargs)
        return await self.evaluate_action(**args)

    async def send_heartbeat(self, metrics: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Deprecated: use :meth:`heartbeat`."""
        deprecated("send_heartbeat", "heartbeat", "DOC-DRIFT-HEARTBEAT")
        await self._acall("send_heartbeat", to_none, {"metrics": {**(metrics or {}), **kwargs}})

    async def wait_for_approval(self, action_id: str, timeout: Optional[float] = None,
                          timeout_seconds: Optional[float] = None,
                          poll_interval: Optional[float] = None) -> AuthorizationDecision:
        """Deprecated: use :meth:`wait_for_decision` (any given timeout is honoured)."""
        deprecated("wait_for_approval", "wait_for_decision", "DOC-DRIFT-APPROVAL")
        return await self._acall("wait_for_approval", to_decision, kwargs_of(locals()))

    async def get_agent(self, agent_id: Optional[str] = None) -> AgentHealthStatus:
        """Deprecated: use :meth:`get_agent_status`."""
        deprecated("get_agent", "get_agent_status", "DOC-DRIFT-AGENT")
        return await self._acall("get_agent", AgentHealthStatus._from_projection, kwargs_of(locals()))

    async def register_agent(self, agent_id: Optional[str] = None, agent_type: str = "supervised",
                       capabilities: Optional[List[str]] = None, allowed_resources: Optional[List[str]] = None,
                       metadata: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Deprecated: use :meth:`register`."""
        deprecated("register_agent", "register", "DOC-DRIFT-REGISTER")
        return await self._acall("register_agent", to_raw, kwargs_of(locals()))

    # -- 5.e lifecycle ---------------------------------------------------------------------------------------------

    # -- our additions (private) -----------------------------------------------------------------------------------

    async def _spool_pending(self) -> int:
        """Number of records in the durable spool not yet delivered (D18)."""
        return int(await self._ainvoke("spool_pending", {}))

    async def _replay_spool(self) -> int:
        """Deliver the spooled records in order now; returns how many were delivered (D18)."""
        return int(await self._ainvoke("replay_spool", {}))

    async def _poll_kill_switch(self) -> KillSwitchStatus:
        """One kill-switch poll (what background polling does every interval, D11)."""
        return await self._acall("poll_kill_switch", KillSwitchStatus._from_projection, {})

    async def deliver_webhook_event(self, event: Mapping[str, Any]) -> bool:
        """Async form of :meth:`ascend.AscendClient.deliver_webhook_event`."""
        payload = dict(event) if isinstance(event, Mapping) else event
        return bool(await self._ainvoke("deliver_webhook_event", {"event": payload}))

    async def _deliver_webhook_event(self, action_id: str, status: str) -> None:
        """Hand a verified webhook event to the client: a ``wait_for_decision`` on that action wakes at once."""
        await self._ainvoke("deliver_webhook_event", {"action_id": action_id, "status": status})

    async def close(self) -> None:
        """Stop background work (kill-switch polling, heartbeats); idempotent (see :meth:`ascend.AscendClient.close`).

        Returns:
            Nothing.

        Raises:
            Nothing: No network I/O.
        """
        native = self.__dict__.get("_native")
        if native is not None and not self._view:
            await asyncio.to_thread(native_call, lambda _n: native.close())

    async def __aenter__(self) -> AsyncAscendClient:
        return self

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        await self.close()


_SECTIONS = ("Args:", "Returns:", "Raises:")


def _document_from_sync_twins() -> None:
    """Gives every public coroutine whose own docstring has no Args/Returns/Raises sections those of its
    :class:`ascend.AscendClient` twin (same signature and behaviour: ``tests/test_aio_matches_client.py``), so the
    two clients' reference text has one source. The coroutine's own summary line is kept."""
    from .client import AscendClient

    for name, member in vars(AsyncAscendClient).items():
        if name.startswith("_") or not asyncio.iscoroutinefunction(member):
            continue
        own = inspect.cleandoc(member.__doc__ or "")
        twin = inspect.cleandoc(getattr(AscendClient, name).__doc__ or "")
        if any(section in own for section in _SECTIONS):
            continue
        lines = twin.splitlines()
        start = next((i for i, line in enumerate(lines) if line in _SECTIONS), len(lines))
        sections = "\n".join(lines[start:])
        member.__doc__ = (f"{own}\n\nCoroutine twin of :meth:`ascend.AscendClient.{name}`: awaiting it gives the "
                          f"result below.\n\n{sections}")


_document_from_sync_twins()
