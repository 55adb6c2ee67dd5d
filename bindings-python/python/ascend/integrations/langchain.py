"""Governed LangChain tools: ``governed_tool(...)`` (needs ``langchain-core``; extra ``ascend-sdk-rs[langchain]``).

::

    from langchain_core.tools import tool
    from ascend.integrations.langchain import governed_tool

    @governed_tool(action_type="database_write", resource=lambda args: f"customers/{args['customer_id']}")
    @tool
    def update_email(customer_id: int, email: str) -> str:
        \"\"\"Change a customer's e-mail address.\"\"\"
        ...

Each call asks ASCEND first (the core's governed-tool flow) and the tool runs only on ALLOWED. A call that does not
run (denied, awaiting approval with ``on_pending="return"``, approval not in time, governance unreachable) raises a
:class:`GovernanceToolException` inside the tool, which LangChain turns into the tool's error result
(``ToolMessage(status="error")``): the model reads why and the run goes on. With ``on_denied="raise"`` the SDK's
``AuthorizationError`` / ``TimeoutError`` ends the run instead. The tool keeps its name, description, argument schema,
signature and docstring: the model sees exactly what it would see without governance.
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any, Callable, Dict, FrozenSet, Mapping, Optional, Tuple, TypeVar, Union, cast

from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool, StructuredTool, Tool, ToolException
from langchain_core.tools import tool as make_tool

from ..aio import AsyncAscendClient
from ..client import AscendClient
from ._common import ArgText, Governance, Verdict, bound_arguments

__all__ = ["GovernanceToolException", "governed_tool"]

T = TypeVar("T", bound=BaseTool)
#: Arguments LangChain passes to a tool function that are not the model's (run plumbing).
_PLUMBING = frozenset({"run_manager", "callbacks", "self"})


class GovernanceToolException(ToolException):
    """A governed call that did not run; ``str(exc)`` is what the model is told (the core's ``tool_message``)."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict
        #: ``denied`` | ``pending`` | ``unavailable``.
        self.outcome = verdict.kind
        #: The ASCEND action id, when there is one.
        self.action_id = verdict.action_id


def _stop(verdict: Verdict) -> Any:
    raise GovernanceToolException(verdict)


def _handler(original: Any) -> Callable[[ToolException], Any]:
    """``handle_tool_error`` that turns governance stops into the tool's error result and treats the tool's own
    ``ToolException``s as the tool was configured to (``False``/``None``: re-raised)."""

    def handle(error: ToolException) -> Any:
        if isinstance(error, GovernanceToolException):
            return str(error)
        if not original:
            raise error
        if isinstance(original, bool):
            return error.args[0] if error.args else "Tool execution error"
        if isinstance(original, str):
            return original
        return original(error)

    return handle


def _config_params(func: Callable[..., Any]) -> FrozenSet[str]:
    """Parameters annotated ``RunnableConfig`` (LangChain passes the run's config there)."""
    try:
        hints = typing.get_type_hints(func)
    except Exception:
        return frozenset()
    return frozenset(name for name, hint in hints.items() if hint is RunnableConfig)


def _field_names(schema: Any) -> Optional[FrozenSet[str]]:
    if isinstance(schema, dict):
        return frozenset(schema.get("properties", {}))
    fields = getattr(schema, "model_fields", None)
    return None if fields is None else frozenset(fields)


def _injected(tool: BaseTool) -> FrozenSet[str]:
    """Arguments injected at run time (``InjectedToolArg``, ``ToolRuntime``, ...): in the input schema, not in the
    schema the model sees. They are not the model's, so they are not sent to ASCEND."""
    try:
        full, model = _field_names(tool.get_input_schema()), _field_names(tool.tool_call_schema)
    except Exception:
        return frozenset()
    if full is None or model is None:
        return frozenset()
    return full - model


def _arguments(func: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any],
               skip: FrozenSet[str]) -> Dict[str, Any]:
    """The model's arguments of one call, by parameter name (run plumbing and injected arguments left out)."""
    return {name: value for name, value in bound_arguments(func, args, kwargs).items() if name not in skip}


def _govern_function(func: Callable[..., Any], tool: BaseTool, gov: Governance) -> Callable[..., Any]:
    """``func`` (a ``StructuredTool``/``Tool`` function or coroutine) asking ASCEND first; same signature and doc."""
    skip = _PLUMBING | _config_params(func) | _injected(tool)
    name = tool.name
    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def agoverned(*args: Any, **kwargs: Any) -> Any:
            return await gov.arun(name, _arguments(func, args, kwargs, skip), lambda: func(*args, **kwargs), _stop)

        return agoverned

    @functools.wraps(func)
    def governed(*args: Any, **kwargs: Any) -> Any:
        return gov.run(name, _arguments(func, args, kwargs, skip), lambda: func(*args, **kwargs), _stop)

    return governed


def _govern_subclass(tool: BaseTool, gov: Governance) -> BaseTool:
    """A ``BaseTool`` subclass with its own ``_run``/``_arun``: a copy whose class overrides them to ask ASCEND first
    (with their signatures, which LangChain reads to pass ``run_manager``/``config`` and to build the schema)."""
    base = type(tool)
    skip = _PLUMBING | _injected(tool)
    namespace: Dict[str, Any] = {"__module__": base.__module__, "__doc__": base.__doc__}
    run = base._run

    @functools.wraps(run)
    def _run(self: BaseTool, *args: Any, **kwargs: Any) -> Any:
        arguments = _arguments(run, (self, *args), kwargs, skip | _config_params(run))
        return gov.run(self.name, arguments, lambda: run(self, *args, **kwargs), _stop)

    namespace["_run"] = _run
    if base._arun is not BaseTool._arun:  # its own async path; else BaseTool._arun runs the governed _run
        arun = base._arun

        @functools.wraps(arun)
        async def _arun(self: BaseTool, *args: Any, **kwargs: Any) -> Any:
            arguments = _arguments(arun, (self, *args), kwargs, skip | _config_params(arun))
            return await gov.arun(self.name, arguments, lambda: arun(self, *args, **kwargs), _stop)

        namespace["_arun"] = _arun
    governed_class = type(base.__name__, (base,), namespace)
    copy = tool.model_copy(update={"handle_tool_error": _handler(tool.handle_tool_error)})
    object.__setattr__(copy, "__class__", governed_class)
    return copy


def _govern(tool: T, gov: Governance) -> T:
    if isinstance(tool, (StructuredTool, Tool)) and type(tool) in (StructuredTool, Tool):
        update: Dict[str, Any] = {"handle_tool_error": _handler(tool.handle_tool_error)}
        if tool.func is not None:
            update["func"] = _govern_function(tool.func, tool, gov)
        if tool.coroutine is not None:
            update["coroutine"] = _govern_function(tool.coroutine, tool, gov)
        return cast(T, tool.model_copy(update=update))
    return cast(T, _govern_subclass(tool, gov))


def governed_tool(
    tool: Union[BaseTool, Callable[..., Any], None] = None, *, action_type: str,
    resource: Optional[ArgText] = None, description: Optional[ArgText] = None,
    client: Union[AscendClient, AsyncAscendClient, None] = None, on_denied: str = "return",
    on_pending: str = "wait", approval_timeout: float = 300.0, approval_poll_interval: float = 5.0,
    mcp_server_name: Optional[str] = None, metadata: Optional[Mapping[str, Any]] = None,
    risk_level: Optional[str] = None, require_human_approval: bool = False,
) -> Any:
    """Governs a LangChain tool: ``governed_tool(some_tool, action_type=...)`` returns a governed copy, and
    ``@governed_tool(action_type=...)`` decorates a tool (above ``@tool``) or a plain function (made a tool with
    LangChain's ``tool()``, exactly as ``@tool`` would).

    ``action_type``: what ASCEND is asked about. ``resource`` (default: the tool's name) and ``description``: strings
    or functions of the tool's arguments (a dict by parameter name). ``on_denied="return"`` (default) gives the model
    the reason as the tool's error result; ``"raise"`` raises ``AuthorizationError``/``TimeoutError``.
    ``on_pending="wait"`` (default) waits up to ``approval_timeout`` seconds for a human; ``"return"`` tells the model
    at once that the call awaits approval, with the action id. ``client``: default, an ``AscendClient`` from the
    environment, built on first use. ``mcp_server_name``: the MCP server the tool comes from, if any. ``metadata``,
    ``risk_level``, ``require_human_approval``: hints in the request's context (ASCEND decides).
    """
    gov = Governance(action_type=action_type, resource=resource, description=description, client=client,
                     on_denied=on_denied, on_pending=on_pending, approval_timeout=approval_timeout,
                     approval_poll_interval=approval_poll_interval, mcp_server_name=mcp_server_name,
                     metadata=metadata, risk_level=risk_level, require_human_approval=require_human_approval)

    def apply(target: Union[BaseTool, Callable[..., Any]]) -> BaseTool:
        if isinstance(target, BaseTool):
            return _govern(target, gov)
        if callable(target):
            return _govern(make_tool(target), gov)
        raise TypeError(f"governed_tool() takes a LangChain tool or a function, got {type(target).__name__}")

    return apply if tool is None else apply(tool)
