"""Conformance runner additions for the ``govern`` and ``classify`` suites (used by ``test_conformance.py``).

* Pure cases (``input.function``) call the package: ``classify_command`` -> ``wrappers.subprocess``'s classifier,
  ``permits_execution`` -> the wrappers' verdict rule on an :class:`AuthorizationDecision` (``response``: parsed by
  ``AuthorizationDecision.from_dict``) or on a decision's two fields, ``plan_command`` / ``code_request`` -> the
  extension functions the wrappers call, ``kill_switch`` -> :class:`ascend.mcp.MCPKillSwitchConsumer`.
* Scripted steps ``govern_command`` and ``govern_code`` run the *Python wrappers* (``wrappers.subprocess`` and
  ``SafeEvaluator``) with the case's client, so their verdict obedience (D24) is checked in Python, not only in the
  core. The MCP flow steps (``govern_tool_call`` ...) are client methods with no Python name and go through the
  generic ``_invoke``, which is what the ``ascend.mcp`` decorators call.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable, Dict

#: Scripted step names run through the Python wrappers.
WRAPPER_CALLS = {"govern_command", "govern_code"}


def is_pure(suite: str, case: Dict[str, Any]) -> bool:
    """Whether a case of these suites is a pure one."""
    return suite == "classify" or (suite == "govern" and "input" in case)


def pure_result(data: Dict[str, Any]) -> Any:
    """The result of a pure case's ``input``."""
    from ascend._govern import command_text, permits_execution
    from ascend._native_loader import native_call
    from ascend.mcp import MCPKillSwitchConsumer
    from ascend.models import AuthorizationDecision
    from ascend.wrappers import subprocess as gsub

    function = data.get("function", "classify_command")
    args = {k: v for k, v in data.items() if k != "function"}
    if function == "classify_command":
        text = command_text(args["command"])
        return {"risk_level": gsub.classify_command_risk(args["command"]),
                "command_name": native_call(lambda n: n.classify_command(text))[1]}
    if function == "permits_execution":
        if "response" in args:
            return {"permits": permits_execution(AuthorizationDecision.from_dict(args["response"]))}
        return {"permits": permits_execution(SimpleNamespace(decision=args.get("decision"),
                                                             execution_allowed=args.get("execution_allowed")))}
    if function == "plan_command":
        command = args.pop("command")
        return native_call(lambda n: n.plan_command(command, args))
    if function == "code_request":
        return native_call(lambda n: n.code_request(args["code"], args.get("mode", "eval"), args.get("risk_level"),
                                                    args.get("max_severity"), args.get("finding_count", 0)))
    if function in ("redact", "tool_request"):
        # Steps inside the core's governed-tool flow with no Python name of their own: the extension's entry point.
        return native_call(lambda n: n.govern_call(function, args))
    assert function == "kill_switch", f"no Python mapping for govern function {function}"
    consumer = MCPKillSwitchConsumer()
    changed = [consumer.apply_message(m) for m in args.get("messages", [])]
    blocked = [consumer.is_blocked(q.get("mcp_server"), q.get("config_id")) for q in args.get("queries", [])]
    return {"changed": changed, "blocked": blocked, "blocked_servers": consumer.blocked_servers}


def run_pure(case: Dict[str, Any], check_error: Callable[[Dict[str, Any], BaseException], None],
             subset_match: Callable[[Any, Any, str], None]) -> None:
    """One pure case, with the runner's error check and matcher."""
    try:
        result = pure_result(case["input"])
    except Exception as exc:
        if "expected_error" in case:
            check_error(case["expected_error"], exc)
            return
        raise
    assert "expected" in case, f"expected an error {case.get('expected_error')}, got {result!r}"
    subset_match(case["expected"], result, "result")


def _refused(exc: Any, project: Callable[[Any], Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"run": False, "decision": project(getattr(exc, "decision", None))}
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "code"):
        out.update(error_code=cause.code, error_class=type(cause).__name__)
    return out


def wrapper_step(client: Any, call: str, args: Dict[str, Any], project: Callable[[Any], Any]) -> Dict[str, Any]:
    """``govern_command`` / ``govern_code`` through the Python wrappers with ``client``: ``{"run": ...}`` plus the
    plan (commands), the decision, and the error that stopped it."""
    from ascend.wrappers import dynamic_code
    from ascend.wrappers import subprocess as gsub

    if call == "govern_code":
        evaluator = dynamic_code.SafeEvaluator(client=client)
        try:
            decision = evaluator._govern(args["code"], args.get("mode", "eval"), evaluator.analyze(args["code"]),
                                         args.get("risk_level"))
        except dynamic_code.GovernanceError as exc:
            return _refused(exc, project)
        return {"run": True, "decision": project(decision)}
    settings = gsub._Settings(client=client, fail_mode="closed", auto_approve_safe=args.get("auto_approve_safe", True),
                              blocked_commands=set(args.get("blocked_commands", [])),
                              allow_shell=args.get("allow_shell", False), timeout=args.get("timeout", 5))
    previous = gsub._settings
    gsub._settings = settings
    try:
        forced = args.get("always_ask") or args.get("min_risk_level") or args.get("require_approval")
        spec = {"risk_level": args.get("min_risk_level"), "require_approval": bool(args.get("require_approval"))}
        with gsub._forcing(spec) if forced else _nothing():
            plan = gsub._govern(args["command"], args.get("shell", False), args.get("cwd"))
    except gsub.GovernanceError as exc:
        return _refused(exc, project)
    finally:
        gsub._settings = previous
    return {**project(plan), "run": True}


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None
