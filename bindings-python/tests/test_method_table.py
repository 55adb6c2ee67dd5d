"""The Python clients against the core's method table (``ascend_core::api::METHODS``): every method of the
descriptor exists on ``AscendClient`` and ``AsyncAscendClient`` with the table's parameters, and
``python -m ascend`` prints the descriptor."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import requires_native

REPO = Path(__file__).resolve().parents[2]

#: Python-idiom shims whose signatures are the peer's, not the table's (the table lists what the core takes).
PEER_SHAPED = {"submit_action", "send_heartbeat", "wait_for_approval"}
#: Methods whose Python signature takes a leading subset of the table's parameters, with the reason.
PYTHON_SUBSET = {"deliver_webhook_event": "the action_id/status form is the private _deliver_webhook_event"}
#: Methods of ours that are not on the peer's client and stay out of the drop-in surface.
NOT_ON_PYTHON_CLIENT = {"replay_spool", "spool_pending", "poll_kill_switch",
                        # host governance (govern/): called by ascend.mcp and ascend.wrappers, not by users
                        "govern_tool_call", "evaluate_tool_call", "await_tool_approval", "finish_tool_call",
                        "govern_command", "govern_code"}


def _descriptor() -> Dict[str, Any]:
    from ascend import _native

    data: Dict[str, Any] = json.loads(_native.method_descriptor())
    return data


def _methods() -> List[Dict[str, Any]]:
    methods: List[Dict[str, Any]] = _descriptor()["methods"]
    return methods


@requires_native
def test_committed_descriptor_matches_the_extension() -> None:
    committed = json.loads((REPO / "tests" / "conformance" / "methods.json").read_text())
    assert committed == _descriptor()


@requires_native
@pytest.mark.parametrize("cls_name", ["AscendClient", "AsyncAscendClient"])
def test_every_method_of_the_table_exists_with_its_parameters(cls_name: str) -> None:
    import ascend

    cls = getattr(ascend, cls_name)
    missing, wrong = [], []
    for m in _methods():
        name = m["name"]
        fn = getattr(cls, name, None)
        if fn is None:
            if name not in NOT_ON_PYTHON_CLIENT:
                missing.append(name)
            continue
        if name in PEER_SHAPED:
            continue
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
        # request_options: the reserved per-call argument every method of the core's invoke takes (CallOptions).
        names = [p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                 and p.name != "request_options"]
        table = [p["name"] for p in m["params"]]
        if name in PYTHON_SUBSET:
            table = table[: len(names)]
        extra_python = {"on_escalated"}  # a callback, outside the JSON contract (docs/BINDING_CONTRACT.md)
        if [n for n in names if n not in extra_python] != table:
            wrong.append((name, names, table))
    assert not missing, f"{cls_name} lacks methods of the core table: {missing}"
    assert not wrong, f"{cls_name} parameters differ from the core table: {wrong}"


@requires_native
def test_defaults_of_the_python_signatures_are_the_tables() -> None:
    import ascend

    for m in _methods():
        fn = getattr(ascend.AscendClient, m["name"], None)
        if fn is None or m["name"] in PEER_SHAPED:
            continue
        sig = inspect.signature(fn)
        for p in m["params"]:
            if p["default"] is None:
                continue
            default = sig.parameters[p["name"]].default
            assert default == p["default"], (m["name"], p["name"], default, p["default"])


@requires_native
def test_python_dash_m_ascend_prints_the_descriptor() -> None:
    out = subprocess.run([sys.executable, "-m", "ascend"], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    assert {m["name"] for m in data["methods"]} >= {"evaluate_action", "wait_for_decision", "configure_webhook"}
    errors = subprocess.run([sys.executable, "-m", "ascend", "errors"], check=True, capture_output=True,
                            text=True).stdout
    assert {"code": "RATE_LIMITED", "class": "RateLimitError", "error_code": "RATE_LIMIT", "retryable": True,
            "extras": ["retry_after_seconds"]} in json.loads(errors)


@requires_native
def test_exception_tables_come_from_the_core() -> None:
    from ascend import _native, exceptions

    rows = json.loads(_native.error_codes())
    assert {r["code"]: (r["class"], r["error_code"]) for r in rows} == exceptions.NATIVE_CODES
    assert {r["code"] for r in rows if r["retryable"]} == exceptions.RETRYABLE_CODES
    source = Path(exceptions.__file__).read_text()
    assert '"RATE_LIMITED": (' not in source, "exceptions.py keeps a copy of the core's code table"
