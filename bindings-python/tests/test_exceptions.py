"""PROTOCOL §7 exceptions, DECISIONS D3, and the core-code mapping of ``from_native``."""

from __future__ import annotations

import builtins
import re
import warnings

import pytest

import ascend
from ascend import exceptions as ex
from conftest import REPO

# class, default message, default code, extra kwarg, value, details key (None: not mirrored)
TABLE = [
    (ex.AuthenticationError, "Authentication failed", "AUTH_ERROR", None, None, None),
    (ex.AuthorizationError, "Action not authorized", "AUTHZ_DENIED", "risk_score", 88.5, "risk_score"),
    (ex.TimeoutError, "Operation timed out", "TIMEOUT", "timeout_seconds", 30, "timeout_seconds"),
    (ex.RateLimitError, "Rate limit exceeded", "RATE_LIMIT", "retry_after", 60, "retry_after_seconds"),
    (ex.ValidationError, "Validation failed", "VALIDATION_ERROR", "field_errors", {"a": "bad"}, "field_errors"),
    (ex.ConnectionError, "Failed to connect to OW-AI API", "CONNECTION_ERROR", None, None, None),
    (ex.CircuitBreakerOpen, "Circuit breaker is open - service appears to be down", "CIRCUIT_OPEN",
     "recovery_time", 30, "recovery_time_seconds"),
    (ex.ConfigurationError, "Invalid SDK configuration", "CONFIG_ERROR", None, None, None),
    (ex.KillSwitchError, "Kill switch is active - all actions are blocked", "KILL_SWITCH_ACTIVE", "reason", "halt",
     "reason"),
    (ex.ServerError, "Server error", "SERVER_ERROR", "status_code", 503, "status_code"),
    (ex.NotFoundError, "Resource not found", "NOT_FOUND", "resource", "agent/1", "resource"),
    (ex.ConflictError, "Resource conflict", "CONFLICT", "resource", "agent/1", "resource"),
]


@pytest.mark.parametrize("cls,message,code,kw,value,key", TABLE, ids=[t[0].__name__ for t in TABLE])
def test_defaults_str_and_details(cls, message, code, kw, value, key):
    e = cls()
    assert e.message == message and e.error_code == code
    assert e.args == (message,)
    assert str(e) == f"[{code}] {message}"
    assert isinstance(e.details, dict)
    assert e.to_dict() == {"error_type": cls.__name__, "message": message, "error_code": code,
                           "details": e.details}
    assert cls.__module__ == "ascend.exceptions"
    if kw:
        details = {"pre": 1}
        e = cls("m", details=details, **{kw: value})
        assert e.details is details and details[key] == value and details["pre"] == 1
        assert getattr(e, kw) == value


def test_falsy_extras_are_not_mirrored():
    assert "timeout_seconds" not in ex.TimeoutError(timeout_seconds=0).details
    assert "status_code" in ex.ServerError(status_code=0).details  # "if not None"
    assert "risk_score" in ex.AuthorizationError(risk_score=0).details
    assert ex.AuthorizationError().policy_violations == []
    assert "policy_violations" in ex.AuthorizationError(policy_violations=["p1"]).details
    assert ex.ValidationError().field_errors == {}


def test_base_class_without_code():
    e = ex.OWKAIError("plain")
    assert str(e) == "plain" and e.error_code is None and e.details == {}
    assert ex.OWKAIError("x", "C", {"k": 1}).to_dict()["details"] == {"k": 1}


def test_hierarchy_and_builtin_shadowing():
    for cls, *_ in TABLE:
        assert issubclass(cls, ex.OWKAIError)
    assert issubclass(ex.OWKAIError, Exception)
    assert not issubclass(ex.TimeoutError, builtins.TimeoutError)
    assert not issubclass(ex.ConnectionError, OSError)
    # D3: an open breaker is an outage for `except ConnectionError`
    assert issubclass(ex.CircuitBreakerOpen, ex.ConnectionError)
    assert issubclass(ex.CircuitBreakerOpen, ex.OWKAIError)
    assert issubclass(ex.WebhookVerificationError, ex.OWKAIError)


def test_package_reexports_same_classes():
    for cls, *_ in TABLE:
        assert getattr(ascend, cls.__name__) is cls


ALIASES = {"AuthorizationDeniedError": ex.AuthorizationError, "NetworkError": ex.ConnectionError,
           "AscendError": ex.OWKAIError, "AscendConnectionError": ex.ConnectionError,
           "AscendAuthenticationError": ex.AuthenticationError, "AscendRateLimitError": ex.RateLimitError}


@pytest.mark.parametrize("module", [ascend, ex], ids=["ascend", "ascend.exceptions"])
def test_deprecated_aliases_warn_once(module):
    for alias, target in ALIASES.items():
        assert alias not in getattr(module, "__all__", [])
        with warnings.catch_warnings(record=True) as first:
            warnings.simplefilter("always")
            assert getattr(module, alias) is target
            assert getattr(module, alias) is target
        assert len([w for w in first if issubclass(w.category, DeprecationWarning)]) <= 1
    with warnings.catch_warnings(record=True) as later:
        warnings.simplefilter("always")
        _ = module.NetworkError
    assert not later  # once per process
    with pytest.raises(AttributeError):
        _ = module.NoSuchThing


def test_deprecated_alias_first_use_warns():
    from ascend import _deprecation

    _deprecation._seen.discard("ascend.AscendError")
    with pytest.warns(DeprecationWarning, match="AscendError"):
        from ascend import AscendError  # noqa: F401


def _rust_table():
    src = (REPO / "core" / "src" / "error.rs").read_text()

    def arms(fn):
        body = src.split(f"pub fn {fn}(self)")[1].split("\n    }\n")[0]
        out = {}
        for m in re.finditer(r"((?:ErrorCode::\w+\s*\|?\s*)+)=>\s*\"(\w+)\"", body):
            for variant in re.findall(r"ErrorCode::(\w+)", m.group(1)):
                out[variant] = m.group(2)
        return out

    return arms("as_str"), arms("class_name"), arms("peer_error_code")


def test_native_code_table_matches_core_error_rs():
    as_str, class_name, peer = _rust_table()
    assert len(as_str) == 23
    assert set(ex.NATIVE_CODES) == set(as_str.values())
    for variant, code in as_str.items():
        py_class, py_peer = ex.NATIVE_CODES[code]
        assert py_class == class_name[variant], code
        assert py_peer == peer.get(variant, code), code


@pytest.mark.parametrize("code", sorted(ex.NATIVE_CODES))
def test_from_native_every_code(code):
    class_name, peer_code = ex.NATIVE_CODES[code]
    e = ex.from_native(code, "boom", 418 if code == "HTTP_ERROR" else None, "asc_0123456789abcdef", {"x": 1})
    assert isinstance(e, getattr(ex, class_name))
    assert e.code == code and e.error_code == peer_code
    assert str(e) == f"[{peer_code}] boom" and e.message == "boom"
    assert e.correlation_id == "asc_0123456789abcdef" and e.details["x"] == 1


def test_from_native_extras_from_details():
    e = ex.from_native("RATE_LIMITED", "slow down", 429, None, {"retry_after_seconds": 7, "status_code": 429})
    assert isinstance(e, ex.RateLimitError) and e.retry_after == 7 and e.status_code == 429
    e = ex.from_native("SERVER_ERROR", "Server error", 502, None, {"status_code": 502})
    assert isinstance(e, ex.ServerError) and e.status_code == 502 and e.retryable
    e = ex.from_native("KILL_SWITCH", "blocked", None, None, {"reason": "incident"})
    assert e.reason == "incident" and str(e).startswith("[KILL_SWITCH_ACTIVE]") and not e.retryable
    e = ex.from_native("AUTHZ_DENIED", "no", 403, None, {"policy_violations": ["p"], "risk_score": 90})
    assert e.policy_violations == ["p"] and e.risk_score == 90
    e = ex.from_native("CIRCUIT_OPEN", "open", None, None, {"recovery_time_seconds": 30})
    assert isinstance(e, ex.ConnectionError) and e.recovery_time == 30
    e = ex.from_native("NO_SUCH_CODE", "?", None, None, None)
    assert type(e) is ex.OWKAIError and e.code == "NO_SUCH_CODE"


def test_construction_errors_are_also_value_errors():
    e = ex.from_native("CONFIGURATION_ERROR", "API key is required", None, None, {"field": "api_key"})
    assert isinstance(e, ex.ConfigurationError) and isinstance(e, ValueError)
    assert e.to_dict()["error_type"] == "ConfigurationError"
    local = ex.from_native("VALIDATION_ERROR", "agent_id is required for registration", None, None,
                           {"field_errors": {"agent_id": "Required"}})
    assert isinstance(local, ex.ValidationError) and isinstance(local, ValueError)
    assert local.field_errors == {"agent_id": "Required"}
    server = ex.from_native("VALIDATION_ERROR", "bad", 422, None, {})
    assert isinstance(server, ex.ValidationError) and not isinstance(server, ValueError)


def test_webhook_verification_error_code():
    e = ex.WebhookVerificationError("bad body", code="WEBHOOK_BODY_NOT_BYTES")
    assert e.code == "WEBHOOK_BODY_NOT_BYTES" and str(e) == "[WEBHOOK_BODY_NOT_BYTES] bad body"
    assert ex.WebhookVerificationError().code == "WEBHOOK_NO_MATCHING_SIGNATURE"


def test_user_built_exceptions_have_stable_code():
    assert ex.RateLimitError().code == "RATE_LIMITED"
    assert ex.KillSwitchError().code == "KILL_SWITCH"
    assert ex.OWKAIError("x").code is None
