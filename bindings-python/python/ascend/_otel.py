"""Optional OpenTelemetry spans around governed calls.

Active as soon as the OpenTelemetry API (``opentelemetry-api``) is imported in the process, which setting up any
tracer provider or instrumentation does. The SDK never imports it itself: without it, a governed call pays one
dictionary lookup (see ``ClientBase._invoke``). Each governed call is one ``CLIENT`` span named
``ascend.<method>`` (``ascend.evaluate_action``, ``ascend.evaluate_mcp_action``, ...) whose attributes are the
action type, the decision, the risk score, the action id and the fail-mode outcome; the W3C ``traceparent`` of the
span goes on the call's requests, sent by the core as per-call extra headers (``request_options.headers``).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from ._version import __version__

__all__ = ["GOVERNED_METHODS", "MODULE", "atraced", "traced"]

#: The module whose presence in ``sys.modules`` turns spans on.
MODULE = "opentelemetry.trace"

#: Core methods that produce (or wait for) a governance decision; each call of one is a span.
GOVERNED_METHODS = frozenset({
    "evaluate_action", "evaluate_mcp_action", "evaluate_actions", "submit_action", "wait_for_decision",
    "wait_for_approval", "govern_tool_call", "evaluate_tool_call", "await_tool_approval", "govern_command",
    "govern_code",
})

#: Attribute names (the ``ascend.`` namespace; OpenTelemetry has no semantic convention for governance).
ACTION_TYPE = "ascend.action.type"
DECISION = "ascend.decision"
RISK_SCORE = "ascend.risk_score"
ACTION_ID = "ascend.action.id"
FAIL_MODE_OUTCOME = "ascend.fail_mode.outcome"
ERROR_CODE = "ascend.error.code"

#: ``ascend.fail_mode.outcome`` values besides the fail mode that decided (``open``, ``local``).
SERVER_DECIDED = "server"
RAISED = "raised"

_tracer: Any = None


def _api() -> Any:
    """The tracer (made once; the global provider may be set later, the API's proxy tracer follows it)."""
    global _tracer
    if _tracer is None:
        from opentelemetry import trace

        _tracer = trace.get_tracer("ascend", __version__)
    return _tracer


def _with_trace_headers(args: Mapping[str, Any]) -> Mapping[str, Any]:
    """``args`` with the current context's propagation headers (``traceparent``, ``tracestate``, ``baggage``)
    added to ``request_options.headers`` (the caller's own headers win)."""
    from opentelemetry import propagate

    carrier: Dict[str, str] = {}
    propagate.inject(carrier)
    if not carrier:
        return args
    options = dict(args.get("request_options") or {})
    options["headers"] = {**carrier, **(options.get("headers") or {})}
    return {**args, "request_options": options}


def _decision_fields(result: Any) -> Dict[str, Any]:
    """Span attributes of a decision (an ``AuthorizationDecision``, or a tool outcome's ``decision`` dict)."""
    if isinstance(result, Mapping):
        inner = result.get("decision")
        if not isinstance(inner, Mapping):
            return {}
        decision: Any = inner.get("decision")
        risk, action_id, metadata = inner.get("risk_score"), inner.get("action_id"), inner.get("metadata")
    else:
        decision = getattr(result, "decision", None)
        risk = getattr(result, "risk_score", None)
        action_id = getattr(result, "action_id", None)
        metadata = getattr(result, "metadata", None)
    attributes: Dict[str, Any] = {}
    if decision is not None:
        attributes[DECISION] = str(getattr(decision, "value", decision))
    if isinstance(risk, (int, float)) and not isinstance(risk, bool):
        attributes[RISK_SCORE] = float(risk)
    if action_id:
        attributes[ACTION_ID] = str(action_id)
    mode = metadata.get("fail_mode") if isinstance(metadata, Mapping) else None
    attributes[FAIL_MODE_OUTCOME] = str(mode) if mode else SERVER_DECIDED
    return attributes


def _bulk_fields(result: Any) -> Dict[str, Any]:
    """Span attributes of ``evaluate_actions``: counts (each item's decision is in the result)."""
    if not isinstance(result, Mapping):
        return {}
    return {f"ascend.bulk.{k}": v for k, v in result.items()
            if k in ("total", "succeeded", "failed") and isinstance(v, int)}


def _start(method: str, args: Mapping[str, Any]) -> Any:
    from opentelemetry.trace import SpanKind

    attributes: Dict[str, Any] = {}
    action_type: Optional[Any] = args.get("action_type") or args.get("verb") or args.get("tool_name")
    if isinstance(action_type, str) and action_type:
        attributes[ACTION_TYPE] = action_type
    return _api().start_as_current_span(f"ascend.{method}", kind=SpanKind.CLIENT, attributes=attributes,
                                        record_exception=False, set_status_on_exception=False)


def _finish(span: Any, method: str, result: Any) -> None:
    if span.is_recording():
        span.set_attributes(_bulk_fields(result) if method == "evaluate_actions" else _decision_fields(result))


def _failed(span: Any, exc: BaseException) -> None:
    from opentelemetry.trace import Status, StatusCode

    code = getattr(exc, "code", None) or type(exc).__name__
    span.set_attribute(ERROR_CODE, str(code))
    span.set_attribute(FAIL_MODE_OUTCOME, RAISED)
    span.record_exception(exc)
    span.set_status(Status(StatusCode.ERROR, str(code)))


def traced(method: str, args: Mapping[str, Any], call: Callable[[str, Mapping[str, Any]], Any]) -> Any:
    """``call(method, args)`` inside a span, with the span's ``traceparent`` on the requests."""
    with _start(method, args) as span:
        try:
            result = call(method, _with_trace_headers(args))
        except BaseException as exc:
            _failed(span, exc)
            raise
        _finish(span, method, result)
        return result


async def atraced(method: str, args: Mapping[str, Any],
                  call: Callable[[str, Mapping[str, Any]], Awaitable[Any]]) -> Any:
    """The asyncio twin of :func:`traced`."""
    with _start(method, args) as span:
        try:
            result = await call(method, _with_trace_headers(args))
        except BaseException as exc:
            _failed(span, exc)
            raise
        _finish(span, method, result)
        return result
