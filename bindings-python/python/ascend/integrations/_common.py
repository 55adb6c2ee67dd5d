"""What every framework adapter shares: the options, the lazy client, and one governed call through the core.

The decision is the core's governed-tool flow (``govern_tool_call`` then ``finish_tool_call``, core
``govern/tool.rs``): request and context shape, redaction, PENDING handling on the client's clock, the client's
fail mode, and the text the model is told when a tool does not run (``tool_message``). This module turns the
adapters' options into that call's arguments and its outcome into one of three things to do: run the tool, return
the message to the model, or raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from .._base import ClientBase
from .._govern import json_safe
from ..aio import AsyncAscendClient
from ..client import AscendClient
from ..exceptions import AuthorizationError, OWKAIError, TimeoutError, ValidationError

__all__ = ["STOP_MARK", "ArgText", "Governance", "Verdict", "bound_arguments", "shared_client"]

#: Attribute set (to ``True``) on the exceptions :meth:`Verdict.error` makes, so an adapter can tell governance's
#: own errors from the tool's.
STOP_MARK = "ascend_governance_stop"

#: A string, or a function of the tool's arguments (a dict by parameter name) returning one.
ArgText = Union[str, Callable[[Dict[str, Any]], str]]

ON_DENIED = ("return", "raise")
ON_PENDING = ("wait", "return")

_client_lock = threading.Lock()
_shared_client: Optional[AscendClient] = None


def shared_client() -> AscendClient:
    """The client of every governed tool given no ``client``: an :class:`~ascend.AscendClient` built from the
    environment (``ASCEND_API_KEY``, ``ASCEND_API_URL``, ``ASCEND_AGENT_ID``, ...) on first use, then reused."""
    global _shared_client
    with _client_lock:
        if _shared_client is None:
            _shared_client = AscendClient()
        return _shared_client


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(f"{field}: {message}", field_errors={field: message})


def _check_text(field: str, value: Any, required: bool) -> None:
    if value is None and not required:
        return
    if callable(value):
        return
    if not isinstance(value, str) or not value.strip():
        raise _invalid(field, "must be a non-empty string or a function of the tool's arguments")


def to_plain(value: Any) -> Any:
    """A tool argument as JSON values for ASCEND: pydantic models by their JSON dump, the rest by ``json_safe``."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        with contextlib.suppress(Exception):  # not a pydantic model after all: converted below
            value = dump(mode="json")
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return json_safe(value)


def bound_arguments(func: Callable[..., Any], args: Tuple[Any, ...], kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """A call's arguments by parameter name: ``**kwargs`` merged in, ``*args`` as ``arg<i>`` (also when the
    signature cannot bind them)."""
    try:
        signature = inspect.signature(func)
        bound = signature.bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        return {**{f"arg{i}": v for i, v in enumerate(args)}, **kwargs}
    out: Dict[str, Any] = {}
    for name, value in bound.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            out.update({f"arg{i}": v for i, v in enumerate(value)})
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class Verdict:
    """The core's outcome for one tool call, and what the adapter does with it: ``action`` is ``"run"``,
    ``"return"`` (give :attr:`message` to the model as the tool's error result) or ``"raise"`` (raise
    :meth:`error`)."""

    outcome: Dict[str, Any]
    action: str
    tool_name: str

    @property
    def kind(self) -> str:
        """``run`` | ``denied`` | ``pending`` | ``unavailable`` (the core's outcome)."""
        return str(self.outcome["outcome"])

    @property
    def action_id(self) -> Optional[str]:
        """The ASCEND action id, when there is one."""
        value = self.outcome.get("action_id")
        return None if value is None else str(value)

    @property
    def message(self) -> str:
        """What the model is told when the tool did not run (the core's ``tool_message``)."""
        return str(self.outcome.get("tool_message") or self.outcome.get("message") or "")

    def error(self) -> OWKAIError:
        """The SDK exception of a call that did not run: ``AuthorizationError`` (``MCP_ACTION_DENIED`` or
        ``GOVERNANCE_UNAVAILABLE``) or ``TimeoutError`` (``APPROVAL_TIMEOUT``)."""
        o = self.outcome
        decision = o.get("decision") or {}
        details = {"tool_name": self.tool_name, "action_id": self.action_id, "tool_message": self.message}
        error: OWKAIError
        if self.kind == "pending":
            error = TimeoutError(o.get("message"), error_code=o.get("error_code"), details=details)
        else:
            if self.kind == "unavailable":
                details["cause"] = o.get("cause")
            error = AuthorizationError(o.get("message"), error_code=o.get("error_code"),
                                       policy_violations=decision.get("policy_violations") or None,
                                       risk_score=decision.get("risk_score"), details=details)
        setattr(error, STOP_MARK, True)
        return error


class Governance:
    """The options of one governed tool (or of every tool of an MCP server) and its calls through the core.

    ``action_type`` is sent as is; ``resource`` (default: the tool's name) and ``description`` are strings or
    functions of the tool's arguments. ``on_denied``: ``"return"`` gives the model the reason as the tool's error
    result and the run goes on, ``"raise"`` raises the SDK's ``AuthorizationError`` / ``TimeoutError``; it also
    applies to unreachable governance and to an approval that did not arrive in time. ``on_pending``: ``"wait"``
    waits up to ``approval_timeout`` seconds for a human, ``"return"`` tells the model at once that the call awaits
    approval (with the action id). ``client``: an ``AscendClient`` / ``AsyncAscendClient``, or ``None`` for
    :func:`shared_client`. ``metadata``, ``risk_level`` and ``require_human_approval`` go into the request's context
    (hints; ASCEND decides).
    """

    def __init__(self, *, action_type: str, resource: Optional[ArgText] = None,
                 description: Optional[ArgText] = None, client: Optional[ClientBase] = None,
                 on_denied: str = "return", on_pending: str = "wait", mcp_server_name: Optional[str] = None,
                 approval_timeout: float = 300.0, approval_poll_interval: float = 5.0,
                 metadata: Optional[Mapping[str, Any]] = None, risk_level: Optional[str] = None,
                 require_human_approval: bool = False) -> None:
        _check_text("action_type", action_type, required=True)
        if callable(action_type):
            raise _invalid("action_type", "must be a non-empty string")
        _check_text("resource", resource, required=False)
        _check_text("description", description, required=False)
        if on_denied not in ON_DENIED:
            raise _invalid("on_denied", 'must be "return" or "raise"')
        if on_pending not in ON_PENDING:
            raise _invalid("on_pending", 'must be "wait" or "return"')
        if client is not None and not isinstance(client, ClientBase):
            raise _invalid("client", f"must be an AscendClient or AsyncAscendClient, got {type(client).__name__}")
        if mcp_server_name is not None:
            _check_text("mcp_server_name", mcp_server_name, required=True)
        for field, value in (("approval_timeout", approval_timeout), ("approval_poll_interval",
                                                                     approval_poll_interval)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise _invalid(field, "must be a non-negative number")
        self.action_type = action_type
        self.resource = resource
        self.description = description
        self._client = client
        self.on_denied = on_denied
        self.on_pending = on_pending
        self.mcp_server_name = mcp_server_name
        self.approval_timeout = float(approval_timeout)
        self.approval_poll_interval = float(approval_poll_interval)
        self.metadata = dict(metadata) if metadata else None
        self.risk_level = risk_level
        self.require_human_approval = bool(require_human_approval)

    @property
    def client(self) -> ClientBase:
        """The client given, else the shared one from the environment (built now if needed)."""
        return self._client if self._client is not None else shared_client()

    # -- the core's arguments ----------------------------------------------------------------------------------------

    @staticmethod
    def _text(field: str, value: Optional[ArgText], arguments: Dict[str, Any], default: Optional[str]) -> Any:
        if value is None:
            return default
        if callable(value):
            value = value(dict(arguments))
            if not isinstance(value, str) or not value.strip():
                raise _invalid(field, "the function must return a non-empty string")
        return value

    def call_args(self, tool_name: str, arguments: Mapping[str, Any]) -> Dict[str, Any]:
        """The arguments of the core's ``govern_tool_call`` for one call of ``tool_name``."""
        args = dict(arguments)
        plain = {str(k): to_plain(v) for k, v in args.items()}
        return {
            "action_type": self.action_type,
            "resource": self._text("resource", self.resource, args, tool_name),
            "description": self._text("description", self.description, args, None),
            "tool_name": tool_name, "arguments": plain, "positional_count": 0, "keyword_args": plain,
            "metadata": to_plain(self.metadata) if self.metadata else None,
            "risk_level": self.risk_level, "require_human_approval": self.require_human_approval,
            "mcp_server_name": self.mcp_server_name,
            "wait_for_approval": self.on_pending == "wait",
            "approval_timeout_seconds": self.approval_timeout,
            "approval_poll_interval_seconds": self.approval_poll_interval,
        }

    def verdict(self, tool_name: str, outcome: Dict[str, Any]) -> Verdict:
        """What to do with the core's outcome."""
        kind = outcome.get("outcome")
        if kind == "run":
            action = "run"
        elif kind == "pending" and self.on_pending == "return":
            action = "return"
        else:
            action = self.on_denied
        return Verdict(outcome=outcome, action=action, tool_name=tool_name)

    @staticmethod
    def finish_args(verdict: Verdict, started: float, result: Any = None,
                    error: Optional[BaseException] = None) -> Dict[str, Any]:
        """The arguments of the core's ``finish_tool_call``."""
        args: Dict[str, Any] = {"action_id": verdict.action_id,
                                "duration_ms": int((time.monotonic() - started) * 1000)}
        if error is not None:
            args["error"] = str(error) or type(error).__name__
        else:
            args["has_result"] = result is not None
        return args

    # -- sync --------------------------------------------------------------------------------------------------------

    def decide(self, tool_name: str, arguments: Mapping[str, Any]) -> Verdict:
        """Asks ASCEND about one call (waits for a human when ``on_pending="wait"``), from synchronous code."""
        client = self.client
        if isinstance(client, AsyncAscendClient):
            raise TypeError(f"the synchronous tool {tool_name!r} needs a sync AscendClient (got an AsyncAscendClient)")
        return self.verdict(tool_name, client._invoke("govern_tool_call", self.call_args(tool_name, arguments)))

    def finish(self, verdict: Verdict, started: float, result: Any = None,
               error: Optional[BaseException] = None) -> None:
        """Reports how the tool ended (never raises: an undeliverable record is logged by the core)."""
        with contextlib.suppress(OWKAIError):
            self.client._invoke("finish_tool_call", self.finish_args(verdict, started, result, error))

    def run(self, tool_name: str, arguments: Mapping[str, Any], tool: Callable[[], Any],
            stop: Callable[[Verdict], Any]) -> Any:
        """The whole governed call: ``tool()`` only when the verdict is ``run`` (then its completion is reported);
        ``stop(verdict)`` when it is ``return``; the verdict's error when it is ``raise``."""
        verdict = self.decide(tool_name, arguments)
        if verdict.action == "raise":
            raise verdict.error()
        if verdict.action != "run":
            return stop(verdict)
        started = time.monotonic()
        try:
            result = tool()
        except Exception as exc:
            self.finish(verdict, started, error=exc)
            raise
        self.finish(verdict, started, result)
        return result

    # -- async -------------------------------------------------------------------------------------------------------

    async def _ainvoke(self, method: str, args: Dict[str, Any]) -> Any:
        client = self.client
        if isinstance(client, AsyncAscendClient):
            return await client._ainvoke(method, args)
        return await asyncio.to_thread(client._invoke, method, args)  # a sync client: keep the event loop free

    async def adecide(self, tool_name: str, arguments: Mapping[str, Any]) -> Verdict:
        """:meth:`decide` from asynchronous code (never blocks the event loop)."""
        outcome = await self._ainvoke("govern_tool_call", self.call_args(tool_name, arguments))
        return self.verdict(tool_name, outcome)

    async def afinish(self, verdict: Verdict, started: float, result: Any = None,
                      error: Optional[BaseException] = None) -> None:
        """:meth:`finish` from asynchronous code."""
        with contextlib.suppress(OWKAIError):
            await self._ainvoke("finish_tool_call", self.finish_args(verdict, started, result, error))

    async def arun(self, tool_name: str, arguments: Mapping[str, Any], tool: Callable[[], Any],
                   stop: Callable[[Verdict], Any]) -> Any:
        """:meth:`run` for an async tool: ``tool()`` returns an awaitable."""
        verdict = await self.adecide(tool_name, arguments)
        if verdict.action == "raise":
            raise verdict.error()
        if verdict.action != "run":
            return stop(verdict)
        started = time.monotonic()
        try:
            result = await tool()
        except Exception as exc:
            await self.afinish(verdict, started, error=exc)
            raise
        await self.afinish(verdict, started, result)
        return result
