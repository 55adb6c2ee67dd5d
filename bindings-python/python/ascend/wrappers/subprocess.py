"""Governed drop-in for :mod:`subprocess` (PROTOCOL §8.6).

Before a command runs: ``shell=True`` is refused unless allowed; the command is classified locally
(critical/high/medium/low); locally blocked commands are refused; "low" commands are auto-approved when
``auto_approve_safe``; otherwise, with a client, ASCEND is asked (``action_type="system.subprocess"``) and the command
runs only when ``execution_allowed``. Without a client, closed mode refuses critical and high commands.

Environment (read at import): ``ASCEND_SUBPROCESS_FAIL_MODE`` (closed), ``ASCEND_SUBPROCESS_AUTO_APPROVE_LOW``
(true), ``ASCEND_SUBPROCESS_ALLOW_SHELL`` (false).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shlex
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
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, TypeVar, Union, cast

from ..exceptions import ConnectionError as AscendConnectionError
from ..exceptions import OWKAIError
from ..exceptions import TimeoutError as AscendTimeoutError

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

#: Risk level -> regular expressions matched against the full command line (first level that matches wins).
COMMAND_PATTERNS: Dict[str, List[str]] = {
    "critical": [
        r"\brm\s+(-[a-zA-Z]*[rf][a-zA-Z]*\s+)+/(\s|$|\*)", r"\bmkfs(\.\w+)?\b", r"\bdd\b.*\bof=/dev/",
        r":\(\)\s*\{.*\};\s*:", r"\b(shutdown|reboot|halt|poweroff)\b", r">\s*/dev/sd[a-z]",
        r"\bchmod\s+(-R\s+)?[0-7]*777\s+/(\s|$)", r"\b(curl|wget)\b.*\|\s*(ba|z|)sh\b",
    ],
    "high": [
        r"\brm\b", r"\bsudo\b", r"\bsu\b", r"\bchmod\b", r"\bchown\b", r"\bkill(all)?\b", r"\bpkill\b",
        r"\b(curl|wget|nc|ncat|netcat|ssh|scp|rsync|ftp|telnet)\b", r"\bcrontab\b", r"\bsystemctl\b",
        r"\biptables\b", r"\buseradd\b|\busermod\b|\bpasswd\b", r"\bdocker\b", r"\bkubectl\b",
    ],
    "medium": [
        r"\b(mv|cp|ln|mkdir|rmdir|touch|tee)\b", r"\b(pip|pip3|npm|yarn|apt|apt-get|yum|brew)\b",
        r"\bgit\s+(push|reset|clean|checkout)\b", r"\b(python|python3|node|ruby|perl|bash|sh|zsh)\b", r">",
    ],
    "low": [
        r"\b(ls|cat|echo|pwd|whoami|date|head|tail|grep|wc|sort|uniq|which|env|printenv|true|false|uname|id)\b",
    ],
}
_COMPILED = {level: [re.compile(p) for p in patterns] for level, patterns in COMMAND_PATTERNS.items()}


class GovernanceError(Exception):
    """ASCEND (or local policy) did not allow the command."""


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


def _command_line(command: Any) -> str:
    if isinstance(command, (str, bytes, os.PathLike)):
        text = os.fsdecode(command) if not isinstance(command, str) else command
        return text
    return " ".join(os.fsdecode(part) if isinstance(part, (bytes, os.PathLike)) else str(part) for part in command)


def _command_name(command: Any) -> str:
    if isinstance(command, (str, bytes, os.PathLike)):
        try:
            parts = shlex.split(_command_line(command))
        except ValueError:
            parts = _command_line(command).split()
    else:
        parts = [_command_line([p]) for p in command]
    return os.path.basename(parts[0]) if parts else ""


def classify_command_risk(command: Any) -> str:
    """``critical`` | ``high`` | ``medium`` | ``low`` for a command string or argument list (unknown -> medium)."""
    line = _command_line(command)
    for level in ("critical", "high", "medium", "low"):
        if any(p.search(line) for p in _COMPILED[level]):
            return level
    return "medium"


def _govern(args: Any, shell: bool = False, cwd: Any = None) -> None:
    """Raise :class:`GovernanceError` unless the command may run."""
    if shell and not _settings.allow_shell:
        raise ShellNotAllowedError("shell=True is not allowed (set ASCEND_SUBPROCESS_ALLOW_SHELL=true or "
                                   "configure(allow_shell=True))")
    name = _command_name(args)
    forced = getattr(_forced, "spec", None)
    risk = classify_command_risk(args)
    if forced is not None and forced.get("risk_level"):
        risk = max(risk, forced["risk_level"], key=lambda lvl: ("low", "medium", "high", "critical").index(lvl))
    if name in _settings.blocked_commands:
        raise GovernanceError(f"Command '{name}' is blocked by local policy")
    if risk == "low" and _settings.auto_approve_safe and forced is None:
        return
    client = _settings.client
    if client is None:
        if _settings.fail_mode != "open" and risk in ("critical", "high"):
            raise GovernanceError(f"Command '{name}' is {risk} risk and no ASCEND client is configured")
        return
    indicators = {"subprocess_execution": True, "shell_mode": bool(shell), "local_risk_level": risk}
    if forced is not None and forced.get("require_approval"):
        indicators["requires_approval"] = True
    try:
        decision = client.evaluate_action(
            action_type="system.subprocess", resource=name,
            parameters={"command": _command_line(args)[:1000], "shell": bool(shell),
                        "cwd": None if cwd is None else os.fspath(cwd)},
            risk_indicators=indicators, timeout=_settings.timeout)
    except (AscendConnectionError, AscendTimeoutError) as exc:  # ASCEND unreachable
        if _settings.fail_mode == "open":
            _log.warning("ASCEND unreachable, subprocess fail mode open, running %r: %s", name, exc)
            return
        raise GovernanceError(f"ASCEND unreachable (fail mode closed), refusing '{name}': {exc}") from exc
    except OWKAIError as exc:
        raise GovernanceError(f"Governance check failed for '{name}': {exc}") from exc
    if not getattr(decision, "execution_allowed", False):
        raise GovernanceError(f"Command '{name}' not allowed ({decision.decision}): {decision.reason or 'no reason'}")


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
