"""Governed ``eval``/``exec`` (PROTOCOL §8.6): length limit, static screening, optional ASCEND approval, then
execution with a whitelisted builtins table and a timeout (SIGALRM; Unix main thread only).

This is defence in depth, not a sandbox: never evaluate untrusted code you could avoid evaluating.
Environment (read at import): ``ASCEND_EVAL_FAIL_MODE`` (closed), ``ASCEND_EVAL_MAX_LENGTH`` (10000),
``ASCEND_EVAL_TIMEOUT`` (5).
"""

from __future__ import annotations

import builtins
import functools
import logging
import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, TypeVar, cast

from .._native_loader import native_call
from .ast_analyzer import ASTAnalysisResult, ASTAnalyzer
from .ast_analyzer import analyze_code as analyze_code  # the peer's dynamic_code re-exports it
from .subprocess import GovernanceError as _CommandGovernanceError
from .subprocess import _ask_ascend

__all__ = [
    "SafeEvaluator",
    "safe_eval",
    "safe_exec",
    "analyze_expression",
    "configure",
    "govern_eval",
    "create_restricted_builtins",
    "SafeEvalError",
    "CodeTooLongError",
    "DangerousCodeError",
    "GovernanceError",
    "TimeoutError",
    "DEFAULT_SAFE_BUILTINS",
]

_log = logging.getLogger("ascend.wrappers.dynamic_code")
F = TypeVar("F", bound=Callable[..., Any])

#: Builtins available to evaluated code by default.
DEFAULT_SAFE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "chr", "dict", "divmod", "enumerate", "filter", "float", "frozenset", "int",
    "isinstance", "len", "list", "map", "max", "min", "ord", "pow", "range", "reversed", "round", "set", "slice",
    "sorted", "str", "sum", "tuple", "zip", "True", "False", "None",
})


class SafeEvalError(Exception):
    """Base class of the dynamic-code wrapper's errors."""


class CodeTooLongError(SafeEvalError):
    """The code exceeds ``max_code_length``."""


class DangerousCodeError(SafeEvalError):
    """Static screening found high or critical constructs (``.analysis`` has the findings)."""

    def __init__(self, message: str, analysis: Optional[ASTAnalysisResult] = None):
        super().__init__(message)
        self.analysis = analysis


class GovernanceError(SafeEvalError):
    """ASCEND did not allow the evaluation (or the client raised: its fail mode applied). ``decision`` is the client's
    decision when ASCEND answered."""

    decision: Any = None


class TimeoutError(SafeEvalError):  # this module's own timeout (peer API)
    """Evaluation exceeded ``timeout_seconds``."""


def create_restricted_builtins(allowed: Iterable[str]) -> Dict[str, Any]:
    """A ``__builtins__`` mapping holding only the ``allowed`` names that exist in :mod:`builtins`."""
    return {name: getattr(builtins, name) for name in allowed if hasattr(builtins, name)}


@contextmanager
def timeout_context(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeoutError` if the block runs longer than ``seconds`` (no-op off Unix or off the main thread)."""
    usable = seconds and seconds > 0 and hasattr(signal, "SIGALRM") and \
        threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"Evaluation exceeded {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class SafeEvaluator:
    """Evaluates code after length, AST and (with a client) ASCEND checks."""

    def __init__(self, client: Any = None, fail_mode: str = "closed", allowed_builtins: Optional[Iterable[str]] = None,
                 blocked_names: Optional[Iterable[str]] = None, max_code_length: int = 10000,
                 timeout_seconds: float = 5, allow_imports: bool = False):
        self.client = client
        self.fail_mode = str(fail_mode).lower()
        self.allowed_builtins = frozenset(allowed_builtins) if allowed_builtins is not None else DEFAULT_SAFE_BUILTINS
        self.blocked_names = frozenset(blocked_names or ())
        self.max_code_length = max_code_length
        self.timeout_seconds = timeout_seconds
        self.allow_imports = allow_imports

    def analyze(self, code: str) -> ASTAnalysisResult:
        """Static findings for ``code`` (never executes it).

        Args:
            code: Python source.

        Returns:
            An :class:`ASTAnalysisResult` (a syntax error is reported in it, not raised).

        Raises:
            Nothing: Analysis only.
        """
        return ASTAnalyzer(self.allowed_builtins, self.blocked_names, self.allow_imports).analyze(code)

    def check(self, code: str, mode: str = "eval", risk_level: Optional[str] = None) -> ASTAnalysisResult:
        """All checks short of execution; raises on the first failing one.

        Args:
            code: Python source.
            mode: ``eval`` or ``exec`` (sent to ASCEND with the request).
            risk_level: Risk hint for ASCEND.

        Returns:
            The :class:`ASTAnalysisResult` of the accepted code.

        Raises:
            SafeEvalError: ``code`` is not a string.
            CodeTooLongError: ``code`` is longer than ``max_code_length``.
            DangerousCodeError: It does not parse or uses a blocked construct.
            GovernanceError: With a client, ASCEND did not permit execution.
        """
        if not isinstance(code, str):
            raise SafeEvalError(f"code must be a str, got {type(code).__name__}")
        if len(code) > self.max_code_length:
            raise CodeTooLongError(f"Code length {len(code)} exceeds the limit of {self.max_code_length}")
        analysis = self.analyze(code)
        if analysis.parse_error is not None or analysis.has_dangerous_constructs:
            raise DangerousCodeError(f"Code rejected: {analysis.reason}", analysis)
        if self.client is not None:
            self._govern(code, mode, analysis, risk_level)
        return analysis

    def _govern(self, code: str, mode: str, analysis: ASTAnalysisResult, risk_level: Optional[str]) -> Any:
        """Ask ASCEND (``ascend_core::govern::code``) and evaluate only on a decision that permits execution (D24).
        The client's fail mode applies; ``fail_mode`` of this evaluator is kept for the peer's signature only."""
        severity, count = analysis.max_severity, len(analysis.findings)
        request = native_call(lambda n: n.code_request(code, mode, risk_level, severity, count))
        try:
            return _ask_ascend(self.client, request, "dynamic code")
        except _CommandGovernanceError as exc:
            refused = GovernanceError(str(exc))
            refused.decision = exc.decision
            raise refused from exc.__cause__

    def eval(self, code: str, context: Optional[Dict[str, Any]] = None) -> Any:
        """Evaluate an expression after :meth:`check`.

        Args:
            code: A Python expression.
            context: Local names it may read.

        Returns:
            The expression's value.

        Raises:
            SafeEvalError: A check failed (see :meth:`check`).
            TimeoutError: Evaluation ran longer than ``timeout_seconds`` (this module's ``TimeoutError``).
            Exception: Whatever the evaluated code raises.
        """
        self.check(code, "eval")
        namespace = {"__builtins__": create_restricted_builtins(self.allowed_builtins)}
        with timeout_context(self.timeout_seconds):
            return eval(compile(code, "<ascend.safe_eval>", "eval"), namespace, dict(context or {}))

    def exec(self, code: str, context: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Execute statements after :meth:`check`.

        Args:
            code: Python statements.
            context: Initial local names.

        Returns:
            The resulting local namespace.

        Raises:
            SafeEvalError: A check failed (see :meth:`check`).
            TimeoutError: Execution ran longer than ``timeout_seconds`` (this module's ``TimeoutError``).
            Exception: Whatever the executed code raises.
        """
        self.check(code, "exec")
        namespace = {"__builtins__": create_restricted_builtins(self.allowed_builtins)}
        local_vars: Dict[str, Any] = dict(context or {})
        with timeout_context(self.timeout_seconds):
            exec(compile(code, "<ascend.safe_exec>", "exec"), namespace, local_vars)
        return local_vars

    def eval_many(self, expressions: Iterable[str], context: Optional[Dict[str, Any]] = None) -> List[Any]:
        """Evaluate several expressions with the same context (see :meth:`eval`).

        Args:
            expressions: Python expressions.
            context: Local names they may read.

        Returns:
            Their values, in order.

        Raises:
            SafeEvalError: A check failed for one of them (those before it were evaluated).
            TimeoutError: One ran longer than ``timeout_seconds``.
            Exception: Whatever an evaluated expression raises.
        """
        return [self.eval(expression, context) for expression in expressions]


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


_default = SafeEvaluator(fail_mode=os.environ.get("ASCEND_EVAL_FAIL_MODE", "closed"),
                         max_code_length=_env_int("ASCEND_EVAL_MAX_LENGTH", 10000),
                         timeout_seconds=_env_int("ASCEND_EVAL_TIMEOUT", 5))


def configure(client: Any = None, fail_mode: Optional[str] = None, allowed_builtins: Optional[Iterable[str]] = None,
              blocked_names: Optional[Iterable[str]] = None, max_code_length: Optional[int] = None,
              timeout_seconds: Optional[float] = None) -> None:
    """Configure the module-level evaluator used by :func:`safe_eval`/:func:`safe_exec` (``None`` keeps a value)."""
    if client is not None:
        _default.client = client
    if fail_mode is not None:
        _default.fail_mode = str(fail_mode).lower()
    if allowed_builtins is not None:
        _default.allowed_builtins = frozenset(allowed_builtins)
    if blocked_names is not None:
        _default.blocked_names = frozenset(blocked_names)
    if max_code_length is not None:
        _default.max_code_length = max_code_length
    if timeout_seconds is not None:
        _default.timeout_seconds = timeout_seconds


def safe_eval(code: str, context: Optional[Dict[str, Any]] = None) -> Any:
    """Evaluate an expression with the module-level evaluator."""
    return _default.eval(code, context)


def safe_exec(code: str, context: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Execute statements with the module-level evaluator."""
    return _default.exec(code, context)


def analyze_expression(code: str) -> ASTAnalysisResult:
    """Static findings for ``code`` under the module-level configuration."""
    return _default.analyze(code)


def govern_eval(risk_level: Optional[str] = None) -> Callable[[F], F]:
    """Decorator for functions whose first argument is code: run every check on it before the call."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(code: str, *args: Any, **kwargs: Any) -> Any:
            _default.check(code, "eval", risk_level)
            return func(code, *args, **kwargs)

        return cast(F, wrapper)

    return decorate
