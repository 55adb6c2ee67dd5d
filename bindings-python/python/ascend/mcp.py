"""MCP tool governance: decorators, middleware and the kill-switch consumer (PROTOCOL §8.4).

A governed tool asks ``client.evaluate_action`` before it runs and runs only on ALLOWED. Differences from the peer
(Q26): argument values are redacted in ``action_details`` as well as in ``context``; sync tools work inside a running
event loop (no private loop); a PENDING decision without ``approval_request_id`` is waited for with
``wait_for_decision``; an approval timeout is reported as ``TimeoutError`` code ``APPROVAL_TIMEOUT``, never as
"governance unavailable".

The governance flow is written once, as a generator of operations, and driven either synchronously or on asyncio.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Generator, List, Optional, Set, Tuple, TypeVar, cast

from ._deprecation import warn_once

# ``X as X`` and the ``Ascend*Error`` aliases: names the peer's ``ascend.mcp`` re-exports from its siblings.
from .client import AscendClient as AscendClient
from .exceptions import AuthorizationError, ConnectionError, OWKAIError, TimeoutError
from .exceptions import CircuitBreakerOpen as CircuitBreakerOpen
from .exceptions import ConnectionError as AscendConnectionError  # noqa: F401
from .exceptions import TimeoutError as AscendTimeoutError  # noqa: F401
from .models import AuthorizationDecision, Decision

__all__ = [
    "DEFAULT_CONFIG",
    "MCPGovernanceConfig",
    "MCPGovernanceMiddleware",
    "MCPKillSwitchConsumer",
    "high_risk_action",
    "mcp_governance",
    "require_governance",
]

_log = logging.getLogger("ascend.mcp")
F = TypeVar("F", bound=Callable[..., Any])
Callback = Callable[[AuthorizationDecision, str], Any]

#: Argument names containing any of these markers are sent as ``"[REDACTED]"``.
SENSITIVE_MARKERS = ("password", "secret", "token", "api_key", "apikey", "auth", "credential", "private_key",
                     "access_token")
_ALLOWED = (Decision.ALLOWED, Decision.AUTO_APPROVED, Decision.EXECUTED)


@dataclass
class MCPGovernanceConfig:
    """Behaviour of governed MCP tools. Callbacks receive ``(decision, tool_name)``; their exceptions are logged."""

    wait_for_approval: bool = True
    approval_timeout_seconds: float = 300
    approval_poll_interval_seconds: float = 5
    include_tool_name: bool = True
    include_arguments: bool = True
    include_caller_info: bool = True
    raise_on_denial: bool = True
    log_all_decisions: bool = True
    on_approval_required: Optional[Callback] = None
    on_denied: Optional[Callback] = None
    on_allowed: Optional[Callback] = None
    on_timeout: Optional[Callback] = None


#: Shared default configuration.
DEFAULT_CONFIG = MCPGovernanceConfig()


def _redact(name: str, value: Any, truncate: bool) -> Any:
    if any(marker in name.lower() for marker in SENSITIVE_MARKERS):
        return "[REDACTED]"
    if isinstance(value, dict):
        return {str(k): _redact(str(k), v, truncate) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(name, v, truncate) for v in value]
    if truncate and isinstance(value, str) and len(value) > 100:
        return value[:50] + "...[truncated]"
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return f"<{type(value).__name__}>"
    return value


def _tool_arguments(func: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Tool arguments by parameter name, redacted (sensitive names) and JSON-safe."""
    try:
        bound = inspect.signature(func).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {**{f"arg{i}": v for i, v in enumerate(args)}, **kwargs}
    return {name: _redact(name, value, truncate=False) for name, value in bound.items()}


# -- operations yielded by the flow ----------------------------------------------------------------------------------

@dataclass
class _ClientCall:
    method: str
    kwargs: Dict[str, Any]


@dataclass
class _Sleep:
    seconds: float


@dataclass
class _RunTool:
    pass


_Op = Any
_Flow = Generator[_Op, Any, Any]


class _Governed:
    """Governance of one decorated tool."""

    def __init__(self, func: Callable[..., Any], client: Any, action_type: str, resource: str,
                 config: MCPGovernanceConfig, risk_level: Optional[str], metadata: Optional[Dict[str, Any]],
                 require_human_approval: bool):
        self.func = func
        self.client = client
        self.action_type = action_type
        self.resource = resource
        self.config = config
        self.risk_level = risk_level
        self.metadata = metadata
        self.require_human_approval = require_human_approval
        self.tool_name = getattr(func, "__name__", "tool")

    def request(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """Keyword arguments of the ``evaluate_action`` call."""
        cfg = self.config
        context: Dict[str, Any] = {"source": "mcp_server", "governance_version": "2.0.0"}
        if cfg.include_tool_name:
            context["tool_name"] = self.tool_name
        if cfg.include_arguments:
            context["arguments"] = {"positional_count": len(args),
                                    "keyword_args": {k: _redact(k, v, truncate=True) for k, v in kwargs.items()}}
        if self.metadata:
            context["metadata"] = self.metadata
        if self.risk_level:
            context["risk_level"] = self.risk_level
        if self.require_human_approval:
            context["require_human_approval"] = True
        return {"action_type": self.action_type, "resource": self.resource,
                "parameters": _tool_arguments(self.func, args, kwargs), "context": context,
                "wait_for_decision": False}

    def callback(self, name: str, decision: AuthorizationDecision) -> None:
        fn = getattr(self.config, name)
        if fn is None:
            return
        try:
            fn(decision, self.tool_name)
        except Exception:
            _log.warning("MCP governance callback %s failed for tool %s", name, self.tool_name, exc_info=True)

    def approval_timeout(self, decision: AuthorizationDecision) -> TimeoutError:
        self.callback("on_timeout", decision)
        return TimeoutError(f"Approval timeout for action: {decision.action_id or self.tool_name}",
                            error_code="APPROVAL_TIMEOUT", timeout_seconds=self.config.approval_timeout_seconds)

    def flow(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> _Flow:
        """The whole governed call: evaluate, wait for approval, deny or run and log the outcome."""
        try:
            decision = yield _ClientCall("evaluate_action", self.request(args, kwargs))
        except (ConnectionError, TimeoutError) as exc:  # CircuitBreakerOpen is a ConnectionError (D3)
            raise AuthorizationError(f"ASCEND governance service unavailable: {exc}",
                                     error_code="GOVERNANCE_UNAVAILABLE") from exc
        if self.config.log_all_decisions:
            _log.info("MCP tool %s: %s (risk %s, action %s)", self.tool_name, decision.decision,
                      decision.risk_score, decision.action_id)
        if decision.decision == Decision.PENDING:
            decision = yield from self.await_approval(decision)
        if decision.decision not in _ALLOWED:
            self.callback("on_denied", decision)
            if self.config.raise_on_denial:
                raise AuthorizationError(
                    f"Action denied: {decision.reason}", error_code="MCP_ACTION_DENIED",
                    policy_violations=decision.policy_violations, risk_score=decision.risk_score,
                    details={"action_type": self.action_type, "resource": self.resource, "tool_name": self.tool_name,
                             "action_id": decision.action_id, "required_approvers": decision.required_approvers})
            return None
        self.callback("on_allowed", decision)
        started = time.monotonic()
        try:
            result = yield _RunTool()
        except Exception as exc:
            if decision.action_id:
                yield from self.log_outcome("log_action_failed", {
                    "action_id": decision.action_id, "error": str(exc), "duration_ms": _ms_since(started)})
            raise
        if decision.action_id:
            yield from self.log_outcome("log_action_completed", {
                "action_id": decision.action_id, "result": {"success": True, "has_result": result is not None},
                "duration_ms": _ms_since(started)})
        return result

    def await_approval(self, decision: AuthorizationDecision) -> _Flow:
        """Wait for a human decision on a PENDING action (or raise ``APPROVAL_TIMEOUT``)."""
        cfg = self.config
        self.callback("on_approval_required", decision)
        if not cfg.wait_for_approval:
            raise self.approval_timeout(decision)
        if not decision.approval_request_id:
            if not decision.action_id:
                raise self.approval_timeout(decision)
            try:
                final = yield _ClientCall("wait_for_decision", {
                    "action_id": decision.action_id, "timeout": cfg.approval_timeout_seconds,
                    "poll_interval": cfg.approval_poll_interval_seconds})
            except TimeoutError as exc:
                raise self.approval_timeout(decision) from exc
            return final
        deadline = time.monotonic() + cfg.approval_timeout_seconds
        while time.monotonic() < deadline:
            yield _Sleep(min(cfg.approval_poll_interval_seconds, max(0.0, deadline - time.monotonic())))
            try:
                state = yield _ClientCall("check_approval", {"approval_request_id": decision.approval_request_id})
            except OWKAIError as exc:
                _log.warning("MCP approval check failed for %s: %s", decision.approval_request_id, exc)
                continue
            if state.get("approved"):
                return replace(decision, decision=Decision.ALLOWED, reason="Approved by human reviewer",
                               execution_allowed=True)
            if state.get("denied"):
                return replace(decision, decision=Decision.DENIED, reason=state.get("comments"),
                               execution_allowed=False)
        raise self.approval_timeout(decision)

    def log_outcome(self, method: str, kwargs: Dict[str, Any]) -> _Flow:
        """Completion records never turn a finished tool call into a failure."""
        try:
            yield _ClientCall(method, kwargs)
        except OWKAIError as exc:
            _log.warning("MCP %s failed for action %s: %s", method, kwargs.get("action_id"), exc)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _drive_sync(gov: _Governed, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    flow = gov.flow(args, kwargs)
    value: Any = None
    error: Optional[BaseException] = None
    while True:
        try:
            op = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            if isinstance(op, _ClientCall):
                value = getattr(gov.client, op.method)(**op.kwargs)
                if inspect.isawaitable(value):
                    raise TypeError("a sync MCP tool needs a sync AscendClient (got an async client)")
            elif isinstance(op, _Sleep):
                time.sleep(op.seconds)
            else:
                value = gov.func(*args, **kwargs)
        except Exception as exc:
            error = exc


async def _drive_async(gov: _Governed, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    flow = gov.flow(args, kwargs)
    value: Any = None
    error: Optional[BaseException] = None
    while True:
        try:
            op = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            if isinstance(op, _ClientCall):
                method = getattr(gov.client, op.method)
                if inspect.iscoroutinefunction(method):
                    value = await method(**op.kwargs)
                else:  # a sync client: keep the event loop free
                    value = await asyncio.to_thread(functools.partial(method, **op.kwargs))
            elif isinstance(op, _Sleep):
                await asyncio.sleep(op.seconds)
            else:
                value = await gov.func(*args, **kwargs)
        except Exception as exc:
            error = exc


def mcp_governance(client: Any, action_type: str, resource: str, config: Optional[MCPGovernanceConfig] = None,
                   risk_level: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None,
                   require_human_approval: bool = False) -> Callable[[F], F]:
    """Decorator: govern an MCP tool function (sync or async) with ``client.evaluate_action``."""

    def decorate(func: F) -> F:
        gov = _Governed(func, client, action_type, resource, config or DEFAULT_CONFIG, risk_level, metadata,
                        require_human_approval)
        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await _drive_async(gov, args, kwargs)

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return _drive_sync(gov, args, kwargs)

        return cast(F, wrapper)

    return decorate


def require_governance(client: Any, action_type: str, resource: str, **kwargs: Any) -> Callable[[F], F]:
    """Alias of :func:`mcp_governance`."""
    return mcp_governance(client, action_type, resource, **kwargs)


def high_risk_action(client: Any, action_type: str, resource: str, **kwargs: Any) -> Callable[[F], F]:
    """:func:`mcp_governance` with ``risk_level="high"`` and ``require_human_approval=True``.

    Both are informational hints in the context; the server decides.
    """
    kwargs.setdefault("risk_level", "high")
    kwargs.setdefault("require_human_approval", True)
    return mcp_governance(client, action_type, resource, **kwargs)


class MCPGovernanceMiddleware:
    """Governs the tools of one MCP server with a shared client and default configuration."""

    def __init__(self, client: Any, default_config: Optional[MCPGovernanceConfig] = None):
        self.client = client
        self.default_config = default_config or DEFAULT_CONFIG
        self._tools: List[str] = []

    def govern(self, action_type: str, resource: str, config: Optional[MCPGovernanceConfig] = None,
               **kwargs: Any) -> Callable[[F], F]:
        """Decorator governing one tool (and recording its name)."""
        inner = mcp_governance(self.client, action_type, resource, config or self.default_config, **kwargs)

        def decorate(func: F) -> F:
            self._tools.append(getattr(func, "__name__", repr(func)))
            return inner(func)

        return decorate

    def wrap(self, action_type: str, resource: str, func: Optional[Callable[..., Any]] = None,
             config: Optional[MCPGovernanceConfig] = None, **kwargs: Any) -> Any:
        """Deprecated inline form of :meth:`govern`."""
        warn_once("MCPGovernanceMiddleware.wrap",
                  "MCPGovernanceMiddleware.wrap() is deprecated; use MCPGovernanceMiddleware.govern() instead.")
        decorator = self.govern(action_type, resource, config, **kwargs)
        return decorator if func is None else decorator(func)

    @property
    def governed_tools(self) -> List[str]:
        """Names of the governed tools, in registration order."""
        return list(self._tools)


def _field(message: Any, name: str) -> Any:
    if isinstance(message, dict):
        return message.get(name)
    return getattr(message, name, None)


class MCPKillSwitchConsumer:
    """Thread-safe in-memory MCP-server blocklist fed by the host's command stream (SQS/SNS); no network I/O."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: Set[str] = set()
        self._config_ids: Set[str] = set()

    def apply_message(self, message: Any) -> bool:
        """Apply a BLOCK/UNBLOCK command targeting an MCP server; returns whether it changed anything.

        ``message`` may be an object or a dict with ``target_type``, ``command_type``,
        ``target_mcp_server_config_id`` and ``parameters.mcp_server`` (or ``mcp_server``).
        Malformed messages are ignored.
        """
        try:
            if str(_field(message, "target_type") or "").lower() != "mcp_server":
                return False
            command = str(_field(message, "command_type") or "").upper()
            if command not in ("BLOCK", "UNBLOCK"):
                return False
            params = _field(message, "parameters")
            name = _field(params, "mcp_server") if params is not None else None
            name = name or _field(message, "mcp_server")
            config_id = _field(message, "target_mcp_server_config_id")
        except Exception:
            return False
        if not name and config_id is None:
            return False
        with self._lock:
            before = (len(self._names), len(self._config_ids))
            for key, bucket in ((name, self._names), (config_id, self._config_ids)):
                if key is None or key == "":
                    continue
                if command == "BLOCK":
                    bucket.add(str(key))
                else:
                    bucket.discard(str(key))
            return before != (len(self._names), len(self._config_ids))

    def is_blocked(self, mcp_server: Optional[str] = None, mcp_server_config_id: Any = None) -> bool:
        """Whether the server (by name or config id) is blocked."""
        with self._lock:
            return (mcp_server is not None and str(mcp_server) in self._names) or (
                mcp_server_config_id is not None and str(mcp_server_config_id) in self._config_ids)

    def reset(self) -> None:
        """Unblock everything."""
        with self._lock:
            self._names.clear()
            self._config_ids.clear()

    @property
    def blocked_servers(self) -> List[str]:
        """Blocked server names, sorted."""
        with self._lock:
            return sorted(self._names)
