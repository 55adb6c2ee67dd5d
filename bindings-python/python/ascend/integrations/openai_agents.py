"""Governed tools for the OpenAI Agents SDK: ``governed_function_tool(...)`` (needs ``openai-agents``; extra
``ascend-sdk-rs[openai-agents]``).

::

    from ascend.integrations.openai_agents import governed_function_tool

    @governed_function_tool(action_type="transaction", resource=lambda args: f"invoice/{args['invoice_id']}")
    def refund(invoice_id: str, amount: float) -> str:
        \"\"\"Refund an invoice.\"\"\"
        ...

It is ``agents.function_tool`` (every keyword of it is accepted and passed on) over the function made to ask ASCEND
first: the name, description and parameter schema are the ones ``function_tool`` builds from the function's
signature and docstring. The function runs only on ALLOWED. A call that does not run (denied, awaiting approval with
``on_pending="return"``, approval not in time, governance unreachable) returns the reason to the model as the tool's
output and the run goes on; with ``on_denied="raise"`` the SDK's ``AuthorizationError`` / ``TimeoutError`` ends the
run instead: it passes through the tool's ``failure_error_function`` (which still handles the tool's own errors), and
the runner raises its ``UserError`` with our exception as ``__cause__``.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from agents import FunctionTool, function_tool
from agents.tool import default_tool_error_function

from ..aio import AsyncAscendClient
from ..client import AscendClient
from ._common import STOP_MARK, ArgText, Governance, Verdict, bound_arguments

__all__ = ["governed_function_tool"]


def _message(verdict: Verdict) -> str:
    return verdict.message


def _passes_governance_errors(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A ``failure_error_function`` that lets governance's own errors end the run and hands every other error to
    ``handler``."""

    def failure(ctx: Any, error: Exception) -> Any:
        if getattr(error, STOP_MARK, False):
            raise error
        return handler(ctx, error)

    return failure


def governed_function_tool(
    func: Optional[Callable[..., Any]] = None, *, action_type: str, resource: Optional[ArgText] = None,
    description: Optional[ArgText] = None, client: Union[AscendClient, AsyncAscendClient, None] = None,
    on_denied: str = "return", on_pending: str = "wait", approval_timeout: float = 300.0,
    approval_poll_interval: float = 5.0, mcp_server_name: Optional[str] = None,
    metadata: Optional[Mapping[str, Any]] = None, risk_level: Optional[str] = None,
    require_human_approval: bool = False, **function_tool_kwargs: Any,
) -> Any:
    """``agents.function_tool`` with ASCEND governance; as a decorator (``@governed_function_tool(action_type=...)``)
    or called on a function. Options as in :func:`ascend.integrations.langchain.governed_tool`; the remaining
    keywords (``name_override``, ``failure_error_function``, ``strict_mode``, ...) go to ``function_tool``."""
    gov = Governance(action_type=action_type, resource=resource, description=description, client=client,
                     on_denied=on_denied, on_pending=on_pending, approval_timeout=approval_timeout,
                     approval_poll_interval=approval_poll_interval, mcp_server_name=mcp_server_name,
                     metadata=metadata, risk_level=risk_level, require_human_approval=require_human_approval)
    if on_denied == "raise":
        handler = function_tool_kwargs.get("failure_error_function", default_tool_error_function)
        if handler is not None:
            function_tool_kwargs["failure_error_function"] = _passes_governance_errors(handler)

    def apply(target: Callable[..., Any]) -> FunctionTool:
        if not callable(target) or isinstance(target, FunctionTool):
            raise TypeError("governed_function_tool() takes a function (it builds the FunctionTool itself), got "
                            f"{type(target).__name__}")
        made: List[FunctionTool] = []
        def call_info(args: Any, kwargs: Any) -> Tuple[str, Dict[str, Any]]:
            tool = made[0]
            names = set(tool.params_json_schema.get("properties", {}))
            bound = bound_arguments(target, args, kwargs)
            return tool.name, {k: v for k, v in bound.items() if k in names}

        if inspect.iscoroutinefunction(target):
            @functools.wraps(target)
            async def agoverned(*args: Any, **kwargs: Any) -> Any:
                name, arguments = call_info(args, kwargs)
                return await gov.arun(name, arguments, lambda: target(*args, **kwargs), _message)

            wrapper: Callable[..., Any] = agoverned
        else:
            @functools.wraps(target)
            def governed(*args: Any, **kwargs: Any) -> Any:
                name, arguments = call_info(args, kwargs)
                return gov.run(name, arguments, lambda: target(*args, **kwargs), _message)

            wrapper = governed
        tool = function_tool(wrapper, **function_tool_kwargs)
        made.append(tool)
        return tool

    return apply if func is None else apply(func)

