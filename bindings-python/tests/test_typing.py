"""Issue 14 item 4, typing: the first guide under ``mypy --strict``, typed ``list_actions``/``iter_actions`` and
``test_connection`` results, ``to_dict()``/``to_json()`` on every model, and type errors that say what was wrong."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, List

import pytest

from conftest import requires_native

GUIDE = Path(__file__).resolve().parent / "guides" / "guide_000_first_governed_action.py"

# What the guide leaves to the reader, typed: its three helpers, and `action_id`, which its error-handling block uses
# without defining it.
READER_PART = '''\
def execute_database_write() -> None: ...
def log_denial(action_id: str, reason: object) -> None: ...
def log_timeout(action_id: str) -> None: ...
action_id: str = "acct-12345"
'''

def test_the_first_guide_passes_mypy_strict_as_written(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is a dev tool of `make python`")
    text = GUIDE.read_text(encoding="utf-8")
    code = text[text.index("# 1. Submit an Action"):]
    target = tmp_path / "guide_000.py"
    target.write_text(READER_PART + code, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--show-error-codes",
                           str(target)], capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert done.returncode == 0 and ": error: " not in done.stdout, done.stdout


def test_governance_typed_dicts_are_the_decision_field_types() -> None:
    import typing

    from ascend.models import AuthorizationDecision, MCPGovernance, ModelGovernance

    hints = typing.get_type_hints(AuthorizationDecision)
    # The mapping types themselves (the guide indexes them); None at run time when the reply has none.
    assert hints["mcp_governance"] == MCPGovernance
    assert hints["model_governance"] == ModelGovernance
    status = typing.get_type_hints(ModelGovernance)["compliance_status"]
    assert typing.get_args(status) == ("approved", "partially_approved", "denied")


def model_classes() -> List[type]:
    import ascend.models as models

    out = []
    for name in models.__all__:
        cls = getattr(models, name)
        if isinstance(cls, type) and (dataclasses.is_dataclass(cls) or name in ("ActionPage", "ConnectionStatus")):
            out.append(cls)
    return out


def test_every_model_has_to_dict_and_to_json() -> None:
    classes = model_classes()
    assert len(classes) >= 17
    for cls in classes:
        assert callable(getattr(cls, "to_dict", None)) and callable(getattr(cls, "to_json", None)), cls.__name__


@requires_native
def test_model_to_json_round_trips() -> None:
    from ascend.models import AuthorizationDecision, BulkEvaluationResult, KillSwitchStatus

    decision = AuthorizationDecision.from_dict({"id": 7, "status": "approved", "risk_score": 35.0,
                                                "risk_level": "low", "mcp_governance": {"server_registered": True}})
    data = json.loads(decision.to_json())
    assert data["decision"] == "allowed" and data["action_id"] == "7" and data["risk_level"] == "low"
    assert data["mcp_governance"] == {"server_registered": True}
    assert json.loads(KillSwitchStatus(blocked=True, reason="r").to_json()) == {
        "blocked": True, "reason": "r", "activated_at": None, "activated_by": None}
    bulk = BulkEvaluationResult._from_projection({"total": 1, "succeeded": 0, "failed": 1, "results": [
        {"action_type": "q", "resource": "db", "error": {"code": "VALIDATION_ERROR", "message": "bad"}}]})
    item = json.loads(bulk.to_json())["results"][0]
    assert item["error"]["error_type"] == "ValidationError" and item["succeeded"] is False


@requires_native
def test_list_actions_pages_iter_actions_and_test_connection_are_typed(tmp_path: Path) -> None:
    from ascend.models import ActionPage, ActionSummary, ConnectionStatus, Decision
    from ascend.testing import DevServer

    with DevServer() as srv:
        client = srv.client(agent_id="typed-agent", audit_spool_path=str(tmp_path / "s.jsonl"))
        ids = {client.evaluate_action(action_type="data_access", resource=f"db{i}", wait_for_decision=False).action_id
               for i in range(5)}
        page = client.list_actions(limit=2)
        assert isinstance(page, ActionPage) and isinstance(page, dict)
        assert len(page["actions"]) == 2 and page.total == 5  # the peer's dict access still works
        assert all(isinstance(a, ActionSummary) for a in page.actions)
        assert json.loads(page.to_json())["total"] == 5
        seen = list(client.iter_actions(page_size=2))
        assert {a.action_id for a in seen} == ids and len(seen) == 5
        assert all(a.decision in (Decision.ALLOWED, Decision.PENDING, Decision.DENIED) for a in seen)
        assert [a.action_id for a in client.iter_actions(page_size=2, max_items=3)] == [a.action_id for a in seen[:3]]
        status = client.test_connection()
        assert isinstance(status, ConnectionStatus) and isinstance(status, SimpleNamespace)
        assert status.connected is True and status.latency == status.latency_ms
        assert json.loads(status.to_json())["status"] == "connected"
        client.close()


@requires_native
def test_async_iter_actions(tmp_path: Path) -> None:
    import asyncio

    from ascend import AsyncAscendClient
    from ascend.testing import DevServer

    with DevServer() as srv:
        sync = srv.client(agent_id="typed-async", audit_spool_path=str(tmp_path / "s.jsonl"))
        for i in range(3):
            sync.evaluate_action(action_type="data_access", resource=f"db{i}", wait_for_decision=False)
        sync.close()

        async def main() -> int:
            client = AsyncAscendClient(api_key=srv.api_key, api_url=srv.url, agent_id="typed-async",
                                       audit_spool_path=str(tmp_path / "a.jsonl"))
            n = len([a async for a in client.iter_actions(page_size=2)])
            await client.close()
            return n

        assert asyncio.run(main()) == 3


@requires_native
@pytest.mark.parametrize("kwargs,field", [({"action_type": 5, "resource": "db"}, "action_type"),
                                          ({"action_type": "q", "resource": ["db"]}, "resource")])
def test_a_wrong_type_says_must_be_a_string(tmp_path: Path, kwargs: Any, field: str) -> None:
    from ascend import AscendClient, ValidationError

    client = AscendClient(api_key="owkai_test_0001", agent_id="a", api_url="http://127.0.0.1:9",
                          audit_spool_path=str(tmp_path / "s.jsonl"))
    with pytest.raises(ValidationError) as info:
        client.evaluate_action(**kwargs)
    assert f"{field} must be a string" in str(info.value), str(info.value)
    assert "missing" not in str(info.value)
    assert info.value.details["field_errors"][field] == "Must be a string"
    with pytest.raises(ValidationError) as missing:
        client.evaluate_action(action_type="", resource="db")
    assert "action_type" in str(missing.value)


#: Methods documented as never raising (their docstring says so; no Raises section).
NEVER_RAISE = {"close", "heartbeat", "is_blocked", "stop_heartbeat", "stop_kill_switch_polling", "send_heartbeat",
               "deliver_webhook_event", "test_connection"}


def test_public_methods_have_args_returns_raises_docstrings() -> None:
    import inspect

    from ascend import AscendClient

    problems = []
    for name, fn in inspect.getmembers(AscendClient, inspect.isfunction):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(fn) or ""
        params = [p for p in inspect.signature(fn).parameters if p != "self"]
        for p in params:
            if not re.search(rf"^\s+{p}: \S", doc, re.M):
                problems.append(f"{name}: Args lacks {p}")
        if "Returns:" not in doc:
            problems.append(f"{name}: no Returns")
        if name not in NEVER_RAISE and "Raises:" not in doc:
            problems.append(f"{name}: no Raises")
    assert not problems, "\n".join(problems)
