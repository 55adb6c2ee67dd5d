"""Exceptions of the ASCEND SDK (PROTOCOL §7, DECISIONS D3).

Every error raised by the Rust core reaches Python through :func:`from_native`, which picks the class from the
core's stable code, sets ``error_code`` to the peer's code (``str(e) == "[CODE] message"``) and exposes the stable
code as ``.code`` together with ``.status_code`` and ``.correlation_id``.

``TimeoutError`` and ``ConnectionError`` deliberately shadow the builtins (as in the peer).
"""

from __future__ import annotations

import builtins
import functools
import json
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple, Type

from ._deprecation import lazy_aliases

__all__ = [
    "OWKAIError",
    "AuthenticationError",
    "AuthorizationError",
    "TimeoutError",
    "RateLimitError",
    "ValidationError",
    "ConnectionError",
    "CircuitBreakerOpen",
    "ConfigurationError",
    "KillSwitchError",
    "ServerError",
    "NotFoundError",
    "ConflictError",
    "WebhookVerificationError",
    "ConfigurationValueError",
    "ValidationValueError",
    "NATIVE_CODES",  # noqa: F822 (module __getattr__, from the core)
    "RETRYABLE_CODES",  # noqa: F822
    "from_native",
]


class OWKAIError(Exception):
    """Base class of every SDK error.

    Attributes: ``message``, ``error_code`` (the peer's code), ``details`` (always a dict), ``code`` (the core's
    stable code, see ``core/src/error.rs``), ``status_code`` and ``correlation_id`` (``None`` when not applicable).
    """

    #: Stable core code used for ``.code`` when the exception is built by user code rather than by the core.
    _default_code: Optional[str] = None

    def __init__(self, message: Any, error_code: Optional[str] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.details: Dict[str, Any] = details if details is not None else {}
        self.code: Optional[str] = self._default_code
        self.status_code: Optional[int] = None
        self.correlation_id: Optional[str] = None

    def __str__(self) -> str:
        if self.error_code:
            return f"[{self.error_code}] {self.message}"
        return str(self.message)

    @property
    def retryable(self) -> bool:
        """Whether retrying the same call later may succeed."""
        return self.code in _code_table()[1]

    def to_dict(self) -> Dict[str, Any]:
        """The error as the peer's dict.

        Returns:
            ``{"error_type", "message", "error_code", "details"}``.

        Raises:
            Nothing: Local.
        """
        error_type = type(self).__dict__.get("_error_type", type(self).__name__)
        return {"error_type": error_type, "message": self.message, "error_code": self.error_code,
                "details": self.details}


class AuthenticationError(OWKAIError):
    """Invalid or expired API key (HTTP 401)."""

    _default_code = "AUTH_ERROR"

    def __init__(self, message: Any = "Authentication failed", error_code: Optional[str] = "AUTH_ERROR",
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)


class AuthorizationError(OWKAIError):
    """The action or request is not authorized (non-governance HTTP 403, MCP denials)."""

    _default_code = "AUTHZ_DENIED"

    def __init__(self, message: Any = "Action not authorized", error_code: Optional[str] = "AUTHZ_DENIED",
                 policy_violations: Optional[List[str]] = None, risk_score: Optional[float] = None,
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.policy_violations: List[str] = policy_violations or []
        self.risk_score = risk_score
        if self.policy_violations:
            self.details["policy_violations"] = self.policy_violations
        if risk_score is not None:
            self.details["risk_score"] = risk_score


class TimeoutError(OWKAIError):  # shadows the builtin on purpose (peer API)
    """A request or a decision wait ran out of time."""

    _default_code = "TIMEOUT"

    def __init__(self, message: Any = "Operation timed out", error_code: Optional[str] = "TIMEOUT",
                 timeout_seconds: Optional[float] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.timeout_seconds = timeout_seconds
        if timeout_seconds:
            self.details["timeout_seconds"] = timeout_seconds


class RateLimitError(OWKAIError):
    """HTTP 429 after the retry budget was spent."""

    _default_code = "RATE_LIMITED"

    def __init__(self, message: Any = "Rate limit exceeded", error_code: Optional[str] = "RATE_LIMIT",
                 retry_after: Optional[float] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.retry_after = retry_after
        if retry_after:
            self.details["retry_after_seconds"] = retry_after


class ValidationError(OWKAIError):
    """Bad input, found locally by the core or reported by the server (400/422)."""

    _default_code = "VALIDATION_ERROR"

    def __init__(self, message: Any = "Validation failed", error_code: Optional[str] = "VALIDATION_ERROR",
                 field_errors: Optional[Dict[str, Any]] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.field_errors: Dict[str, Any] = field_errors or {}
        if self.field_errors:
            self.details["field_errors"] = self.field_errors


class ConnectionError(OWKAIError):  # shadows the builtin on purpose (peer API)
    """ASCEND could not be reached (fail mode applies)."""

    _default_code = "CONNECTION_ERROR"

    def __init__(self, message: Any = "Failed to connect to OW-AI API", error_code: Optional[str] = "CONNECTION_ERROR",
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)


class CircuitBreakerOpen(ConnectionError):
    """The circuit breaker refused the call without network I/O.

    A :class:`ConnectionError` (DECISIONS D3), so ``except ConnectionError`` covers every outage.
    """

    _default_code = "CIRCUIT_OPEN"

    def __init__(self, message: Any = "Circuit breaker is open - service appears to be down",
                 error_code: Optional[str] = "CIRCUIT_OPEN", recovery_time: Optional[float] = None,
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.recovery_time = recovery_time
        if recovery_time:
            self.details["recovery_time_seconds"] = recovery_time


class ConfigurationError(OWKAIError):
    """Invalid client configuration."""

    _default_code = "CONFIGURATION_ERROR"

    def __init__(self, message: Any = "Invalid SDK configuration", error_code: Optional[str] = "CONFIG_ERROR",
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)


class KillSwitchError(OWKAIError):
    """The kill switch blocks governed calls."""

    _default_code = "KILL_SWITCH"

    def __init__(self, message: Any = "Kill switch is active - all actions are blocked",
                 error_code: Optional[str] = "KILL_SWITCH_ACTIVE", reason: Optional[str] = None,
                 details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.reason = reason
        if reason:
            self.details["reason"] = reason


class ServerError(OWKAIError):
    """HTTP 5xx after the retry budget was spent, or a malformed success body."""

    _default_code = "SERVER_ERROR"

    def __init__(self, message: Any = "Server error", error_code: Optional[str] = "SERVER_ERROR",
                 status_code: Optional[int] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.status_code = status_code
        if status_code is not None:
            self.details["status_code"] = status_code


class NotFoundError(OWKAIError):
    """HTTP 404."""

    _default_code = "NOT_FOUND"

    def __init__(self, message: Any = "Resource not found", error_code: Optional[str] = "NOT_FOUND",
                 resource: Optional[str] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.resource = resource
        if resource:
            self.details["resource"] = resource


class ConflictError(OWKAIError):
    """HTTP 409."""

    _default_code = "CONFLICT"

    def __init__(self, message: Any = "Resource conflict", error_code: Optional[str] = "CONFLICT",
                 resource: Optional[str] = None, details: Optional[Dict[str, Any]] = None):
        super().__init__(message, error_code, details)
        self.resource = resource
        if resource:
            self.details["resource"] = resource


class WebhookVerificationError(OWKAIError):
    """A webhook delivery failed verification; ``.code`` says why (``WEBHOOK_*``)."""

    _default_code = "WEBHOOK_NO_MATCHING_SIGNATURE"

    def __init__(self, message: Any = "Webhook verification failed", error_code: Optional[str] = None,
                 details: Optional[Dict[str, Any]] = None, code: Optional[str] = None):
        stable = code or error_code or self._default_code
        super().__init__(message, error_code or stable, details)
        self.code = stable


class ConfigurationValueError(ConfigurationError, builtins.ValueError):
    """A :class:`ConfigurationError` that is also a builtin ``ValueError``.

    The peer raised plain ``ValueError`` for a missing API key or an unknown ``fail_mode``; this keeps
    ``except ValueError`` working while ``except ConfigurationError`` works too.
    """

    _error_type = "ConfigurationError"


class ValidationValueError(ValidationError, builtins.ValueError):
    """A local :class:`ValidationError` that is also a builtin ``ValueError``.

    Raised for argument errors found before any network I/O (the peer raised ``ValueError`` for several of them,
    e.g. ``register()`` without an ``agent_id`` or a non-positive heartbeat interval).
    """

    _error_type = "ValidationError"


@functools.cache
def _code_table() -> Tuple[Dict[str, Tuple[str, str]], FrozenSet[str]]:
    """The core's error-code table (``ErrorCode::table``): ``code -> (class name, peer error_code)`` and the
    retryable codes. Read once from the extension; nothing here keeps a copy."""
    from . import _native

    rows = json.loads(_native.error_codes())
    codes = {row["code"]: (row["class"], row["error_code"]) for row in rows}
    return codes, frozenset(row["code"] for row in rows if row["retryable"])


def __getattr__(name: str) -> Any:
    if name == "NATIVE_CODES":  # stable core code -> (class name in this module, the peer's ``error_code``)
        return dict(_code_table()[0])
    if name == "RETRYABLE_CODES":  # codes for which retrying later may succeed
        return _code_table()[1]
    return _aliases(name)


# Class-specific constructor arguments, taken from the core's ``details``.
_Extras = Callable[[Mapping[str, Any], Optional[int]], Dict[str, Any]]
_EXTRAS: Dict[str, _Extras] = {
    "AuthorizationError": lambda d, s: {"policy_violations": d.get("policy_violations"),
                                        "risk_score": d.get("risk_score")},
    "TimeoutError": lambda d, s: {"timeout_seconds": d.get("timeout_seconds")},
    "RateLimitError": lambda d, s: {"retry_after": d.get("retry_after_seconds")},
    "ValidationError": lambda d, s: {"field_errors": d.get("field_errors")},
    "CircuitBreakerOpen": lambda d, s: {"recovery_time": d.get("recovery_time_seconds")},
    "KillSwitchError": lambda d, s: {"reason": d.get("reason")},
    "ServerError": lambda d, s: {"status_code": s if s is not None else d.get("status_code")},
    "NotFoundError": lambda d, s: {"resource": d.get("resource")},
    "ConflictError": lambda d, s: {"resource": d.get("resource")},
}


def from_native(code: str, message: str, status_code: Optional[int] = None, correlation_id: Optional[str] = None,
                details: Optional[Dict[str, Any]] = None) -> OWKAIError:
    """Build the exception for an error of the Rust core (mapping by stable ``code``, never by message)."""
    details = dict(details) if details else {}
    class_name, peer_code = _code_table()[0].get(code, ("OWKAIError", code))
    cls: Type[OWKAIError] = globals()[class_name]
    if class_name == "ConfigurationError":
        cls = ConfigurationValueError
    elif class_name == "ValidationError" and status_code is None:
        cls = ValidationValueError
    extras_of = _EXTRAS.get(class_name)
    extras = extras_of(details, status_code) if extras_of is not None else {}
    error: OWKAIError
    if cls is WebhookVerificationError:
        error = WebhookVerificationError(message, peer_code, details, code=code)
    else:
        error = cls(message, peer_code, details=details, **extras)
    error.code = code
    if status_code is not None:
        error.status_code = status_code
    error.correlation_id = correlation_id
    return error


_aliases = lazy_aliases(__name__, {
    "AuthorizationDeniedError": lambda: AuthorizationError,
    "NetworkError": lambda: ConnectionError,
    "AscendError": lambda: OWKAIError,
    "AscendConnectionError": lambda: ConnectionError,
    "AscendAuthenticationError": lambda: AuthenticationError,
    "AscendRateLimitError": lambda: RateLimitError,
})
