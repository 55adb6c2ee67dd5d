"""Governed drop-in for :mod:`subprocess` (PROTOCOL §8.6).

Before a command runs, the Rust core plans it (``ascend_core::govern::command``): ``shell=True`` is refused unless
allowed; the command is classified (critical/high/medium/low); locally blocked commands are refused; "low" commands
are auto-approved when ``auto_approve_safe``; otherwise, with a client, ASCEND is asked
(``action_type="system.subprocess"``) and the command runs only when the client's decision permits execution
(DECISIONS D24: ALLOWED, with ``execution_allowed`` only ever restricting).

The wrapper has no fail mode of its own: the client's applies (D4/D17/D18), so an unreachable server in OPEN mode
gives a spooled ALLOWED decision, and a decision wait that runs out (PENDING, not yet approved) never runs the command.
``fail_mode`` here only says what happens *without* a client: ``closed`` refuses critical and high commands, ``open``
runs every command that is not refused.

Environment (read at import): ``ASCEND_SUBPROCESS_FAIL_MODE`` (closed), ``ASCEND_SUBPROCESS_AUTO_APPROVE_LOW``
(true), ``ASCEND_SUBPROCESS_ALLOW_SHELL`` (false).
"""

from __future__ import annotations

import functools
import logging
import os
import subprocess as _subprocess
import threading
from dataclasses import dataclass, field
from subprocess import (
    DEVNULL,
    PIPE,
    STDOUT,
    CalledProcessError,
    CompletedProcess,
    SubprocessError,
    TimeoutExpired,
)
from typing import Any, Callable, Dict, Optional, Sequence, Set, TypeVar, Union, cast

from .._govern import command_text, permits_execution
from .._native_loader import native_call
from ..exceptions import OWKAIError

__all__ = [
    "run",
    "call",
    "check_call",
    "check_output",
    "Popen",
    "configure",
    "governed_run",
    "govern_subprocess",
    "classify_command_risk",
    "GovernanceError",
    "ShellNotAllowedError",
    "PIPE",
    "STDOUT",
    "DEVNULL",
    "SubprocessError",
    "CalledProcessError",
    "TimeoutExpired",
    "CompletedProcess",
]

_log = logging.getLogger("ascend.wrappers.subprocess")
F = TypeVar("F", bound=Callable[..., Any])
Command = Union[str, bytes, "os.PathLike[str]", Sequence[Any]]

class GovernanceError(Exception):
    """ASCEND (or local policy) did not allow the command. ``decision`` is the client's decision when ASCEND was
    asked and answered (``None`` otherwise); ``__cause__`` is the client's error when it raised."""

    decision: Any = None


class ShellNotAllowedError(GovernanceError):
    """``shell=True`` while shell mode is not allowed."""


def _env_flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


@dataclass
class _Settings:
    client: Any = None
    fail_mode: str = field(default_factory=lambda: os.environ.get("ASCEND_SUBPROCESS_FAIL_MODE", "closed").lower())
    auto_approve_safe: bool = field(default_factory=lambda: _env_flag("ASCEND_SUBPROCESS_AUTO_APPROVE_LOW", "true"))
    blocked_commands: Set[str] = field(default_factory=set)
    allow_shell: bool = field(default_factory=lambda: _env_flag("ASCEND_SUBPROCESS_ALLOW_SHELL", "false"))
    timeout: float = 5


_settings = _Settings()
_forced = threading.local()


def configure(client: Any = None, fail_mode: Optional[str] = None, auto_approve_safe: Optional[bool] = None,
              blocked_commands: Optional[Sequence[str]] = None, allow_shell: Optional[bool] = None,
              timeout: Optional[float] = None) -> None:
    """Configure governance for this module (``None`` keeps the current value)."""
    if client is not None:
        _settings.client = client
    if fail_mode is not None:
        _settings.fail_mode = str(fail_mode).lower()
    if auto_approve_safe is not None:
        _settings.auto_approve_safe = auto_approve_safe
    if blocked_commands is not None:
        _settings.blocked_commands = set(blocked_commands)
    if allow_shell is not None:
        _settings.allow_shell = allow_shell
    if timeout is not None:
        _settings.timeout = timeout


def __getattr__(name: str) -> Any:
    """``COMMAND_PATTERNS`` (the peer's public table): risk level -> regular expressions, read from the core's
    classifier (``ascend_core::govern::classify``), which is the one that classifies."""
    if name == "COMMAND_PATTERNS":
        return {level: list(patterns) for level, patterns in native_call(lambda n: n.command_patterns())}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def classify_command_risk(command: Any) -> str:
    """``critical`` | ``high`` | ``medium`` | ``low`` for a command string or argument list (unknown -> medium)."""
    text = command_text(command)
    level, _name = native_call(lambda n: n.classify_command(text))
    return str(level)


def _refusal(kind: str, message: str) -> GovernanceError:
    return ShellNotAllowedError(message) if kind == "shell_not_allowed" else GovernanceError(message)


def _ask_ascend(client: Any, request: Dict[str, Any], what: str) -> Any:
    """Ask ``client.evaluate_action(**request)`` and return the decision when it permits execution (D24); else
    raise :class:`GovernanceError`. Errors of the client (its fail mode already applied) never run anything."""
    try:
        decision = client.evaluate_action(**request)
    except OWKAIError as exc:
        raise GovernanceError(f"ASCEND did not allow {what}; not run ({type(exc).__name__}, after the client's "
                              f"fail mode): {exc}") from exc
    if not permits_execution(decision):
        refused = GovernanceError(f"{what[0].upper()}{what[1:]} not allowed ({getattr(decision, 'decision', None)}): "
                                  f"{getattr(decision, 'reason', None) or 'no reason'}")
        refused.decision = decision
        raise refused
    return decision


def _govern(args: Any, shell: bool = False, cwd: Any = None) -> Dict[str, Any]:
    """Raise :class:`GovernanceError` unless the command may run; else the core's plan (and ``decision`` when ASCEND
    was asked)."""
    forced = getattr(_forced, "spec", None)
    options = {"allow_shell": _settings.allow_shell, "auto_approve_safe": _settings.auto_approve_safe,
               "blocked_commands": sorted(_settings.blocked_commands), "has_client": _settings.client is not None,
               "run_unasked_without_client": _settings.fail_mode == "open", "timeout": _settings.timeout,
               "shell": bool(shell), "cwd": None if cwd is None else os.fspath(cwd)}
    if forced is not None:
        options.update(always_ask=True, min_risk_level=forced.get("risk_level"),
                       require_approval=bool(forced.get("require_approval")))
    text = command_text(args)
    plan = native_call(lambda n: n.plan_command(text, options))
    if plan["plan"] == "refuse":
        raise _refusal(plan["kind"], plan["message"])
    if plan["plan"] == "run":
        if plan["reason"] == "no_client":
            _log.info("No ASCEND client configured: running %r (%s risk) without asking", plan["command_name"],
                      plan["risk_level"])
        return dict(plan)
    decision = _ask_ascend(_settings.client, plan["request"], f"command '{plan['command_name']}'")
    return {**plan, "decision": decision}


def run(args: Any, *, stdin: Any = None, input: Any = None, stdout: Any = None, stderr: Any = None,
        capture_output: bool = False, shell: bool = False, cwd: Any = None, timeout: Optional[float] = None,
        check: bool = False, encoding: Optional[str] = None, errors: Optional[str] = None, text: Optional[bool] = None,
        env: Optional[Dict[str, str]] = None, **other_kwargs: Any) -> CompletedProcess[Any]:
    """Governed :func:`subprocess.run`."""
    _govern(args, shell, cwd)
    return _subprocess.run(args, stdin=stdin, input=input, stdout=stdout, stderr=stderr,
                           capture_output=capture_output, shell=shell, cwd=cwd, timeout=timeout, check=check,
                           encoding=encoding, errors=errors, text=text, env=env, **other_kwargs)


def call(args: Any, *, stdin: Any = None, stdout: Any = None, stderr: Any = None, shell: bool = False,
         cwd: Any = None, timeout: Optional[float] = None, **other_kwargs: Any) -> int:
    """Governed :func:`subprocess.call`."""
    _govern(args, shell, cwd)
    return _subprocess.call(args, stdin=stdin, stdout=stdout, stderr=stderr, shell=shell, cwd=cwd, timeout=timeout,
                            **other_kwargs)


def check_call(args: Any, *, stdin: Any = None, stdout: Any = None, stderr: Any = None, shell: bool = False,
               cwd: Any = None, timeout: Optional[float] = None, **other_kwargs: Any) -> int:
    """Governed :func:`subprocess.check_call`."""
    _govern(args, shell, cwd)
    return _subprocess.check_call(args, stdin=stdin, stdout=stdout, stderr=stderr, shell=shell, cwd=cwd,
                                  timeout=timeout, **other_kwargs)


def check_output(args: Any, *, stdin: Any = None, stderr: Any = None, shell: bool = False, cwd: Any = None,
                 timeout: Optional[float] = None, **other_kwargs: Any) -> Any:
    """Governed :func:`subprocess.check_output`."""
    _govern(args, shell, cwd)
    return _subprocess.check_output(args, stdin=stdin, stderr=stderr, shell=shell, cwd=cwd, timeout=timeout,
                                    **other_kwargs)


class Popen(_subprocess.Popen):  # type: ignore[type-arg]
    """Governed :class:`subprocess.Popen` (the check runs before the process starts)."""

    def __init__(self, args: Any, **kwargs: Any):
        _govern(args, bool(kwargs.get("shell", False)), kwargs.get("cwd"))
        super().__init__(args, **kwargs)


def governed_run(args: Any, **kwargs: Any) -> CompletedProcess[Any]:
    """:func:`run` that always asks ASCEND (no auto-approval of low-risk commands)."""
    with _forcing({"risk_level": None, "require_approval": False}):
        return run(args, **kwargs)


class _forcing:
    def __init__(self, spec: Dict[str, Any]):
        self.spec = spec

    def __enter__(self) -> None:
        self.previous = getattr(_forced, "spec", None)
        _forced.spec = self.spec

    def __exit__(self, *exc: Any) -> None:
        _forced.spec = self.previous


def govern_subprocess(risk_level: Optional[str] = None, require_approval: bool = False) -> Callable[[F], F]:
    """Decorator: every governed subprocess call inside the function asks ASCEND (no auto-approval), treating the
    command as at least ``risk_level`` and flagging ``require_approval``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _forcing({"risk_level": risk_level, "require_approval": require_approval}):
                return func(*args, **kwargs)

        return cast(F, wrapper)

    return decorate
