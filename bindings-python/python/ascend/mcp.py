"""MCP tool governance: decorators, middleware and the kill-switch consumer (PROTOCOL §8.4).

A governed tool asks ASCEND before it runs and runs only when the decision permits execution (DECISIONS D24). The
flow is the Rust core's (``ascend_core::govern::tool``, reached through the client): the request and context shape,
redaction of sensitive argument names and truncation of long strings, waiting for a human decision on the client's
injected clock, the client's fail mode (with spool records, D18), and completion records. This module is the Python
idiom around it: decorators, signature binding, callbacks and exceptions.

Differences from the peer (Q26): argument values are redacted in ``action_details`` as well as in ``context``; sync
tools work inside a running event loop (no private loop); a PENDING decision without ``approval_request_id`` is
waited for with ``wait_for_decision``; an approval timeout is reported as ``TimeoutError`` code ``APPROVAL_TIMEOUT``,
never as "governance unavailable". The client must be an :class:`~ascend.AscendClient` or
:class:`~ascend.AsyncAscendClient`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar, cast

from ._base import ClientBase, to_decision
from ._deprecation import warn_once
from ._govern import json_safe
from ._native_loader import native_call
from .aio import AsyncAscendClient

# ``X as X`` and the ``Ascend*Error`` aliases: names the peer's ``ascend.mcp`` re-exports from its siblings.
from .client import AscendClient as AscendClient
from .exceptions import AuthorizationError, OWKAIError, TimeoutError
from .exceptions import CircuitBreakerOpen as CircuitBreakerOpen
from .exceptions import ConnectionError as AscendConnectionError  # noqa: F401
from .exceptions import TimeoutError as AscendTimeoutError  # noqa: F401
from .models import AuthorizationDecision
from .models import Decision as Decision

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
Outcome = Dict[str, Any]


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


def _bound_arguments(func: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Tool arguments by parameter name (``arg<i>`` when the signature cannot bind them), as JSON values."""
    try:
        bound = inspect.signature(func).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {**{f"arg{i}": v for i, v in enumerate(args)}, **kwargs}
    return {str(name): json_safe(value) for name, value in bound.items()}


class _Governed:
    """Governance of one decorated tool: builds the core's ``ToolCall`` and turns its outcome into Python."""

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

    def client_base(self) -> ClientBase:
        if not isinstance(self.client, ClientBase):
            raise TypeError("MCP governance needs an ascend AscendClient or AsyncAscendClient, got "
                            f"{type(self.client).__name__}")
        return self.client

    def call(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """Arguments of ``evaluate_tool_call`` (the core redacts, truncates and shapes the context)."""
        cfg = self.config
        return {"action_type": self.action_type, "resource": self.resource, "tool_name": self.tool_name,
                "arguments": _bound_arguments(self.func, args, kwargs), "positional_count": len(args),
                "keyword_args": {str(k): json_safe(v) for k, v in kwargs.items()},
                "metadata": json_safe(self.metadata) if self.metadata else None, "risk_level": self.risk_level,
                "require_human_approval": self.require_human_approval, "include_tool_name": cfg.include_tool_name,
                "include_arguments": cfg.include_arguments}

    def callback(self, name: str, decision: Optional[AuthorizationDecision]) -> None:
        fn = getattr(self.config, name)
        if fn is None or decision is None:
            return
        try:
            fn(decision, self.tool_name)
        except Exception:
            _log.warning("MCP governance callback %s failed for tool %s", name, self.tool_name, exc_info=True)

    def should_await(self, outcome: Outcome) -> bool:
        """After the first phase: log, notify a PENDING decision, and say whether to wait for the human."""
        decision = _decision(outcome)
        if self.config.log_all_decisions and decision is not None:
            _log.info("MCP tool %s: %s (risk %s, action %s)", self.tool_name, decision.decision,
                      decision.risk_score, decision.action_id)
        if outcome["outcome"] != "pending":
            return False
        self.callback("on_approval_required", decision)
        return self.config.wait_for_approval

    def await_args(self, outcome: Outcome) -> Dict[str, Any]:
        """Arguments of ``await_tool_approval`` (the wait runs in the core, on the client's clock)."""
        decision = outcome.get("decision") or {}
        return {"action_id": outcome.get("action_id"), "approval_request_id": decision.get("approval_request_id"),
                "timeout": self.config.approval_timeout_seconds,
                "poll_interval": self.config.approval_poll_interval_seconds, "tool_name": self.tool_name}

    def verdict(self, outcome: Outcome) -> Optional[AuthorizationDecision]:
        """The decision to run the tool on; raises (or returns ``None`` for a quiet denial) otherwise."""
        decision = _decision(outcome)
        kind = outcome["outcome"]
        if kind == "run" and decision is not None:
            self.callback("on_allowed", decision)
            return decision
        if kind == "unavailable":
            raise AuthorizationError(outcome["message"], error_code=outcome["error_code"],
                                     details={"cause": outcome.get("cause"), "tool_name": self.tool_name})
        if kind == "pending":
            self.callback("on_timeout", decision)
            raise TimeoutError(outcome["message"], error_code=outcome["error_code"],
                               timeout_seconds=self.config.approval_timeout_seconds)
        self.callback("on_denied", decision)
        if not self.config.raise_on_denial:
            return None
        raise AuthorizationError(
            outcome["message"], error_code=outcome["error_code"],
            policy_violations=decision.policy_violations if decision else None,
            risk_score=decision.risk_score if decision else None,
            details={"action_type": self.action_type, "resource": self.resource, "tool_name": self.tool_name,
                     "action_id": outcome.get("action_id"),
                     "required_approvers": decision.required_approvers if decision else []})

    def finish_args(self, decision: AuthorizationDecision, started: float, result: Any = None,
                    error: Optional[BaseException] = None) -> Dict[str, Any]:
        """Arguments of ``finish_tool_call`` (the core never fails on an undeliverable record)."""
        elapsed_ms = int((time.monotonic() - started) * 1000)
        args: Dict[str, Any] = {"action_id": decision.action_id, "duration_ms": elapsed_ms}
        if error is not None:
            args["error"] = str(error)
        else:
            args["has_result"] = result is not None
        return args


def _decision(outcome: Outcome) -> Optional[AuthorizationDecision]:
    data = outcome.get("decision")
    return None if data is None else to_decision(data)


def _log_finish_failure(action_id: str, exc: OWKAIError) -> None:
    """Completion records never turn a finished tool call into a failure."""
    _log.warning("MCP completion record failed for action %s: %s", action_id, exc)


def _drive_sync(gov: _Governed, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    client = gov.client_base()
    if isinstance(client, AsyncAscendClient):
        raise TypeError("a sync MCP tool needs a sync AscendClient (got an async client)")
    outcome = client._invoke("evaluate_tool_call", gov.call(args, kwargs))
    if gov.should_await(outcome):
        outcome = client._invoke("await_tool_approval", gov.await_args(outcome))
    decision = gov.verdict(outcome)
    if decision is None:
        return None
    started = time.monotonic()
    try:
        result = gov.func(*args, **kwargs)
    except Exception as exc:
        try:
            client._invoke("finish_tool_call", gov.finish_args(decision, started, error=exc))
        except OWKAIError as log_exc:
            _log_finish_failure(decision.action_id, log_exc)
        raise
    try:
        client._invoke("finish_tool_call", gov.finish_args(decision, started, result))
    except OWKAIError as log_exc:
        _log_finish_failure(decision.action_id, log_exc)
    return result


async def _drive_async(gov: _Governed, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    client = gov.client_base()

    def invoke(method: str, call_args: Dict[str, Any]) -> Awaitable[Any]:
        if isinstance(client, AsyncAscendClient):
            return client._ainvoke(method, call_args)
        return asyncio.to_thread(client._invoke, method, call_args)  # a sync client: keep the event loop free

    outcome = await invoke("evaluate_tool_call", gov.call(args, kwargs))
    if gov.should_await(outcome):
        outcome = await invoke("await_tool_approval", gov.await_args(outcome))
    decision = gov.verdict(outcome)
    if decision is None:
        return None
    started = time.monotonic()
    try:
        result = await gov.func(*args, **kwargs)
    except Exception as exc:
        try:
            await invoke("finish_tool_call", gov.finish_args(decision, started, error=exc))
        except OWKAIError as log_exc:
            _log_finish_failure(decision.action_id, log_exc)
        raise
    try:
        await invoke("finish_tool_call", gov.finish_args(decision, started, result))
    except OWKAIError as log_exc:
        _log_finish_failure(decision.action_id, log_exc)
    return result


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
        """Decorator governing one tool (and recording its name in :attr:`governed_tools`).

        Args:
            action_type: The action type sent for every call of the tool.
            resource: The resource sent for every call.
            config: This tool's configuration (default: the middleware's ``default_config``).
            kwargs: ``risk_level``, ``metadata`` and ``require_human_approval``, as for :func:`mcp_governance`.

        Returns:
            A decorator for a sync or async tool function.

        Raises:
            Nothing at decoration. Calling the governed tool raises ``AuthorizationError`` when it is denied
            (with ``raise_on_denial``, the default) or governance is unavailable, and ``TimeoutError`` when no
            human decided in time.
        """
        inner = mcp_governance(self.client, action_type, resource, config or self.default_config, **kwargs)

        def decorate(func: F) -> F:
            self._tools.append(getattr(func, "__name__", repr(func)))
            return inner(func)

        return decorate

    def wrap(self, action_type: str, resource: str, func: Optional[Callable[..., Any]] = None,
             config: Optional[MCPGovernanceConfig] = None, **kwargs: Any) -> Any:
        """Deprecated inline form of :meth:`govern`.

        Args:
            action_type: The action type sent for every call of the tool.
            resource: The resource sent for every call.
            func: The tool; when omitted, the decorator is returned.
            config: This tool's configuration (default: the middleware's ``default_config``).
            kwargs: As for :meth:`govern`.

        Returns:
            The governed ``func``, or the decorator when ``func`` is ``None``.

        Raises:
            Nothing at decoration. Calling the governed tool raises ``AuthorizationError`` when it is denied
            (with ``raise_on_denial``, the default) or governance is unavailable, and ``TimeoutError`` when no
            human decided in time.
        """
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


def _text(value: Any) -> Any:
    """A message field as the core takes it: JSON scalars as they are, anything else as its ``str``."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


class MCPKillSwitchConsumer:
    """Thread-safe in-memory MCP-server blocklist fed by the host's command stream (SQS/SNS); no network I/O.

    The consumer is the core's (``ascend_core::govern::McpKillSwitch``); this class reads Python messages."""

    def __init__(self) -> None:
        self._inner = native_call(lambda n: n.McpKillSwitch())

    def apply_message(self, message: Any) -> bool:
        """Apply a BLOCK/UNBLOCK command targeting an MCP server.

        Args:
            message: An object or a dict with ``target_type``, ``command_type``, ``target_mcp_server_config_id`` and
                ``parameters.mcp_server`` (or ``mcp_server``).

        Returns:
            Whether it changed anything (a malformed or unrelated message changes nothing).

        Raises:
            Nothing: Malformed messages are ignored.
        """
        try:
            params = _field(message, "parameters")
            fields = {name: _text(_field(message, name))
                      for name in ("target_type", "command_type", "target_mcp_server_config_id", "mcp_server")}
            fields["parameters"] = None if params is None else {"mcp_server": _text(_field(params, "mcp_server"))}
        except Exception:
            return False
        inner = self._inner
        return bool(native_call(lambda _n: inner.apply_message(fields)))

    def is_blocked(self, mcp_server: Optional[str] = None, mcp_server_config_id: Any = None) -> bool:
        """Whether the server (by name or config id) is blocked.

        Args:
            mcp_server: The server's name.
            mcp_server_config_id: The server's configuration id.

        Returns:
            ``True`` when either identifies a blocked server.

        Raises:
            Nothing: Local state only.
        """
        name = None if mcp_server is None else str(mcp_server)
        config_id = None if mcp_server_config_id is None else str(mcp_server_config_id)
        inner = self._inner
        return bool(native_call(lambda _n: inner.is_blocked(name, config_id)))

    def reset(self) -> None:
        """Unblock everything.

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        inner = self._inner
        native_call(lambda _n: inner.reset())

    @property
    def blocked_servers(self) -> List[str]:
        """Blocked server names, sorted."""
        inner = self._inner
        return list(native_call(lambda _n: inner.blocked_servers()))
