"""Governance for every tool of an MCP server built with the official ``mcp`` Python SDK (2.x: ``MCPServer``, the
former FastMCP, or the low-level ``Server``); needs ``mcp``, extra ``ascend-sdk-rs[mcp]``.

::

    from mcp.server.mcpserver import MCPServer
    from ascend.integrations.mcp import govern_server

    server = MCPServer("crm")
    govern_server(server, action_type="tool_call")     # every tool, mcp_server_name="crm"

    @server.tool()
    def delete_customer(customer_id: int) -> str: ...

:class:`AscendMCPMiddleware` is a server middleware (the SDK's ``ServerMiddleware``): it sees every ``tools/call``
before the SDK looks the tool up, asks ASCEND through the core's governed-tool flow with the server's name as
``mcp_server_name`` (so ASCEND applies its MCP server registry: unregistered servers and blocked tools are denied),
and lets the call through only on ALLOWED. A call that does not run gets a tool error result (``isError: true``,
the reason as text) with ``on_denied="return"``, or a JSON-RPC error (:data:`GOVERNANCE_ERROR_CODE`) with
``on_denied="raise"``. Tool listings and schemas are untouched.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Union

from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent

from ..aio import AsyncAscendClient
from ..client import AscendClient
from ._common import ArgText, Governance, Verdict

__all__ = ["GOVERNANCE_ERROR_CODE", "AscendMCPMiddleware", "govern_server"]

#: JSON-RPC error code of a tool call refused by governance with ``on_denied="raise"`` (server-defined range).
GOVERNANCE_ERROR_CODE = -32001
#: The default ``action_type`` of a governed MCP tool call.
DEFAULT_ACTION_TYPE = "tool_call"

_OPTIONS = frozenset({"action_type", "resource", "description", "on_denied", "on_pending", "approval_timeout",
                      "approval_poll_interval", "metadata", "risk_level", "require_human_approval"})


def _is_error(result: Any) -> Optional[str]:
    """The error text of a tool result that reports a failure, else ``None``."""
    flag = result.get("isError", result.get("is_error")) if isinstance(result, dict) else getattr(
        result, "is_error", None)
    if not flag:
        return None
    content = result.get("content") if isinstance(result, dict) else getattr(result, "content", None)
    texts = [getattr(c, "text", None) or (c.get("text") if isinstance(c, dict) else None) for c in content or []]
    return " ".join(t for t in texts if t) or "tool error"


class AscendMCPMiddleware:
    """Governs every ``tools/call`` of an MCP server (a ``ServerMiddleware`` of the ``mcp`` SDK).

    ``mcp_server_name`` is sent with every call. ``action_type`` (default ``"tool_call"``), ``resource`` (default:
    the tool's name) and ``description`` (strings or functions of the call's arguments), ``on_denied``,
    ``on_pending``, ``approval_timeout``, ``approval_poll_interval``, ``metadata``, ``risk_level``,
    ``require_human_approval`` and ``client`` are as in
    :func:`ascend.integrations.langchain.governed_tool`. ``tools`` overrides those options per tool name, e.g.
    ``tools={"refund": {"action_type": "transaction", "on_pending": "return"}}``.
    """

    def __init__(self, *, mcp_server_name: str, action_type: str = DEFAULT_ACTION_TYPE,
                 resource: Optional[ArgText] = None, description: Optional[ArgText] = None,
                 client: Union[AscendClient, AsyncAscendClient, None] = None, on_denied: str = "return",
                 on_pending: str = "wait", approval_timeout: float = 300.0, approval_poll_interval: float = 5.0,
                 metadata: Optional[Mapping[str, Any]] = None, risk_level: Optional[str] = None,
                 require_human_approval: bool = False,
                 tools: Optional[Mapping[str, Mapping[str, Any]]] = None) -> None:
        options: Dict[str, Any] = {
            "action_type": action_type, "resource": resource, "description": description, "on_denied": on_denied,
            "on_pending": on_pending, "approval_timeout": approval_timeout,
            "approval_poll_interval": approval_poll_interval, "metadata": metadata, "risk_level": risk_level,
            "require_human_approval": require_human_approval}
        self.mcp_server_name = mcp_server_name
        self._default = Governance(client=client, mcp_server_name=mcp_server_name, **options)
        self._per_tool: Dict[str, Governance] = {}
        for name, override in (tools or {}).items():
            unknown = set(override) - _OPTIONS
            if unknown:
                raise TypeError(f"tools[{name!r}]: unknown options {sorted(unknown)} (known: {sorted(_OPTIONS)})")
            self._per_tool[name] = Governance(client=client, mcp_server_name=mcp_server_name,
                                              **{**options, **override})

    def governance(self, tool_name: str) -> Governance:
        """The options that apply to ``tool_name``.

        Args:
            tool_name: The MCP tool's name.

        Returns:
            Its per-tool :class:`Governance`, else the middleware's default.

        Raises:
            Nothing: Local lookup.
        """
        return self._per_tool.get(tool_name, self._default)

    async def __call__(self, ctx: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        if ctx.method != "tools/call" or ctx.request_id is None:
            return await call_next(ctx)
        params = ctx.params if isinstance(ctx.params, Mapping) else {}
        name, arguments = params.get("name"), params.get("arguments")
        if arguments is None:
            arguments = {}
        if not isinstance(name, str) or not isinstance(arguments, Mapping):
            return await call_next(ctx)  # malformed: the SDK's params validation refuses it; no tool runs
        gov = self.governance(name)
        verdict = await gov.adecide(name, arguments)
        if verdict.action == "raise":
            raise self._protocol_error(verdict)
        if verdict.action != "run":
            return CallToolResult(content=[TextContent(type="text", text=verdict.message)], is_error=True)
        started = time.monotonic()
        try:
            result = await call_next(ctx)
        except Exception as exc:
            await gov.afinish(verdict, started, error=exc)
            raise
        error = _is_error(result)
        if error is None:
            await gov.afinish(verdict, started, result)
        else:
            await gov.afinish(verdict, started, error=RuntimeError(error))
        return result

    @staticmethod
    def _protocol_error(verdict: Verdict) -> MCPError:
        o = verdict.outcome
        return MCPError(GOVERNANCE_ERROR_CODE, verdict.message,
                        {"outcome": verdict.kind, "error_code": o.get("error_code"), "action_id": verdict.action_id})


def govern_server(server: Any, *, mcp_server_name: Optional[str] = None, **options: Any) -> AscendMCPMiddleware:
    """Adds an :class:`AscendMCPMiddleware` to ``server`` (an ``MCPServer`` or a low-level ``Server``) and returns
    it; ``mcp_server_name`` defaults to the server's ``name``. Other options as for the middleware."""
    name = mcp_server_name if mcp_server_name is not None else getattr(server, "name", None)
    if not isinstance(name, str) or not name.strip():
        raise TypeError("govern_server(): pass mcp_server_name= (the server has no name)")
    middleware = AscendMCPMiddleware(mcp_server_name=name, **options)
    server.middleware.append(middleware)
    return middleware
