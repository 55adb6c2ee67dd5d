"""The ``_native`` contract (``python/ascend/_native.pyi``): the fake used by the glue tests follows it now; the real
extension is checked against it (and against PROTOCOL vectors) as soon as it is built. The same for the dev server
module's contract (``python/ascend/_devserver.pyi``)."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import ROOT, make_fake_module, requires_native

STUB = ROOT / "python" / "ascend" / "_native.pyi"
DEVSERVER_STUB = ROOT / "python" / "ascend" / "_devserver.pyi"


def stub_surface(stub: Path = STUB) -> Dict[str, List[str]]:
    """Top-level names of the stub -> the member names of classes (empty for functions)."""
    tree = ast.parse(stub.read_text())
    out: Dict[str, List[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = []
        elif isinstance(node, ast.ClassDef):
            members = [n.name for n in node.body
                       if isinstance(n, ast.FunctionDef) and n.name not in ("__init__", "__new__")]
            members += [n.target.id for n in node.body
                        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
            out[node.name] = members
    return out


def test_stub_lists_the_agreed_contract():
    surface = stub_surface()
    assert set(surface) == {"NativeError", "Client", "CircuitBreaker", "CompletionQueue", "ReplayCache",
                            "normalise_decision",
                            "canonical_json", "prescore", "prescore_batch", "cvss_score", "webhook_verify",
                            "webhook_verify_signature", "webhook_sign", "set_log_handler", "set_log_level_source",
                            "set_decision_types", "_decision_object", "method_descriptor", "error_codes",
                            "mask_text", "parse_record",
                            # ascend_core::govern (host governance) and test_connection's failure result
                            "McpKillSwitch", "permits_execution", "classify_command", "plan_command", "code_request",
                            "command_patterns", "connection_failure", "govern_call"}
    assert set(surface["ReplayCache"]) == {"capacity", "__len__", "clear", "forget", "contains", "check_and_insert"}
    assert set(surface["Client"]) == {"invoke", "invoke_async", "config", "wait_for_decision", "close",
                                      "circuit_breaker", "clock_sleeps", "advance_clock", "with_options", "submit"}
    assert set(surface["NativeError"]) == {"code", "message", "status_code", "correlation_id", "details"}
    devserver = stub_surface(DEVSERVER_STUB)
    assert set(devserver) == {"DevServer", "set_log_handler"}
    assert set(devserver["DevServer"]) == {"url", "api_key", "admin_token", "running", "approve", "deny", "stop"}


def test_fake_follows_the_stub():
    fake = make_fake_module()
    for name, members in stub_surface().items():
        assert hasattr(fake, name), name
        if name == "NativeError":
            err = fake.NativeError("X", "m")
            assert all(hasattr(err, m) for m in members)
        elif name in ("Client", "CircuitBreaker", "ReplayCache", "CompletionQueue"):
            assert all(hasattr(getattr(fake, name), m) or m in ("failure_threshold", "recovery_timeout",
                                                                "half_open_max_calls", "failures", "state")
                       for m in members), name


@requires_native
def test_extension_implements_the_stub():
    from ascend import _native  # type: ignore[attr-defined]

    for name, members in stub_surface().items():
        obj = getattr(_native, name)
        for member in members:
            if name == "NativeError":
                continue  # instance attributes
            if name == "CircuitBreaker":
                assert hasattr(obj(), member), f"{name}.{member}"
            else:
                assert hasattr(obj, member), f"{name}.{member}"
    assert issubclass(_native.NativeError, Exception)
    assert not hasattr(_native, "DevServer"), "the client module must not carry the dev server (ascend._devserver)"


@requires_native
def test_devserver_extension_implements_its_stub():
    from ascend.testing import load_devserver

    module = load_devserver()
    for name, members in stub_surface(DEVSERVER_STUB).items():
        obj = getattr(module, name)
        for member in members:
            assert hasattr(obj, member), f"{name}.{member}"


CANONICAL = [
    ('{"b": 1, "a": "é", "n": {"z": 1.0, "y": [true, null]}, "big": 1e16, "small": 1e-05, "emoji": "😀"}',
     '{"a": "\\u00e9", "b": 1, "big": 1e+16, "emoji": "\\ud83d\\ude00", "n": {"y": [true, null], "z": 1.0}, '
     '"small": 1e-05}'),
    ('{"agent_id": "a1", "agent_name": "A", "action_type": "query", "resource": "db"}',
     '{"action_type": "query", "agent_id": "a1", "agent_name": "A", "resource": "db"}'),
]


@requires_native
@pytest.mark.parametrize("text,expected", CANONICAL)
def test_canonical_json_vectors(text, expected):
    from ascend import _native  # type: ignore[attr-defined]

    assert _native.canonical_json(text) == expected


@requires_native
@pytest.mark.parametrize("payload,decision,raw_status", [
    ({"id": 12345, "status": "approved", "risk_score": 35.0}, "allowed", "approved"),
    ({"id": 1, "status": "REJECTED"}, "denied", "REJECTED"),
    ({"id": 1, "decision": None, "status": "approved"}, "allowed", "approved"),
    ({"id": 1, "status": "in_review", "risk_level": "moderate"}, "pending", "in_review"),
])
def test_from_dict_uses_core_normalisation(payload, decision, raw_status):
    from ascend.models import AuthorizationDecision

    d = AuthorizationDecision.from_dict(payload)
    assert d.decision == decision and d.raw_status == raw_status and d.action_id == str(payload["id"])
    if payload.get("risk_level") == "moderate":
        assert d.risk_level is None and d.risk_level_raw == "moderate"


@requires_native
def test_native_errors_arrive_as_sdk_exceptions():
    from ascend import cvss
    from ascend.exceptions import OWKAIError

    with pytest.raises(OWKAIError) as info:
        cvss.score("not a vector")
    assert info.value.code is not None and json.dumps(info.value.to_dict())


def test_stub_path_exists():
    assert Path(STUB).is_file()
