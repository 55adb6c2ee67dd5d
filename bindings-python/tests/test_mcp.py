"""MCP governance (§8.4 with Q26 fixed) and the kill-switch consumer.

The governed-tool flow is the core's (``govern_tool_call`` and friends), so these tests run a real client against the
mock server, on the core's manual clock (approval waits never sleep; their sleeps are recorded).
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest

from ascend.exceptions import AuthorizationError, KillSwitchError, TimeoutError
from ascend.mcp import (
    DEFAULT_CONFIG,
    MCPGovernanceConfig,
    MCPGovernanceMiddleware,
    MCPKillSwitchConsumer,
    high_risk_action,
    mcp_governance,
    require_governance,
)
from conftest import requires_native

pytestmark = requires_native

SUBMIT = {"method": "POST", "path": "/api/v1/actions/submit"}
FAST = MCPGovernanceConfig(approval_timeout_seconds=0.2, approval_poll_interval_seconds=0.01)


def submit(body: Dict[str, Any], status: int = 200) -> Dict[str, Any]:
    return {"match": SUBMIT, "respond": {"status": status, "body": body}}


def approval(request_id: str, body: Dict[str, Any], status: int = 200, **extra: Any) -> Dict[str, Any]:
    return {"match": {"method": "GET", "path": f"/api/sdk/approval/{request_id}"},
            "respond": {"status": status, "body": body}, **extra}


def completion(action_id: Any, kind: str = "complete", status: int = 200) -> Dict[str, Any]:
    return {"match": {"method": "POST", "path": f"/api/agent-action/{action_id}/{kind}"},
            "respond": {"status": status, "body": {}}}


ALLOWED = submit({"id": 1, "status": "approved", "risk_score": 10.0})


@pytest.fixture
def make_client(mock: Any, tmp_path: Any) -> Any:
    """``make_client(fail_mode=..., cls=...)``: a client on the mock server with the core's manual clock."""
    from ascend import AscendClient
    from ascend._base import private_native_params

    made: List[Any] = []

    def make(fail_mode: str = "closed", cls: Any = AscendClient) -> Any:
        with private_native_params(_clock="manual"):
            client = cls(api_key="test-api-key-0001", agent_id="test-agent", api_url=mock.url, max_retries=0,
                         fail_mode=fail_mode, audit_spool_path=str(tmp_path / f"spool-{len(made)}.jsonl"))
        made.append(client)
        return client

    yield make
    for client in made:
        closing = client.close()
        if asyncio.iscoroutine(closing):
            asyncio.run(closing)


def bodies(mock: Any) -> List[Any]:
    recorded, unmatched = mock.requests()
    assert unmatched == 0
    return [(r["method"], r["path"], json.loads(r["body"]) if r.get("body") else None) for r in recorded]


def test_allowed_runs_tool_and_redacts_arguments_everywhere(mock, make_client):
    mock.script([ALLOWED, completion(1)])
    seen = []

    @mcp_governance(make_client(), "db.query", "customers",
                    config=MCPGovernanceConfig(on_allowed=lambda d, name: seen.append((name, d.action_id))),
                    metadata={"team": "x"}, risk_level="low")
    def lookup(query: str, api_key: str, limit: int = 5, blob: Any = None) -> str:
        return f"rows for {query}"

    assert lookup("select 1", api_key="sk_live_1", blob=object()) == "rows for select 1"
    (_, _, sent), (_, path, logged) = bodies(mock)
    assert sent["action_details"]["api_key"] == "[REDACTED]" and sent["action_details"]["query"] == "select 1"
    assert sent["action_details"]["blob"] == "<object>"
    ctx = sent["context"]
    assert ctx["source"] == "mcp_server" and ctx["tool_name"] == "lookup" and ctx["governance_version"] == "2.0.0"
    assert ctx["arguments"] == {"positional_count": 1, "keyword_args": {"api_key": "[REDACTED]", "blob": "<object>"}}
    assert ctx["metadata"] == {"team": "x"} and ctx["risk_level"] == "low"
    assert "sk_live_1" not in json.dumps(sent)
    assert path == "/api/agent-action/1/complete" and logged["result"] == {"success": True, "has_result": True}
    assert seen == [("lookup", "1")]


def test_long_strings_are_truncated_in_context(mock, make_client):
    mock.script([ALLOWED, completion(1)])

    @mcp_governance(make_client(), "t", "r")
    def tool(text: str = "") -> None:
        return None

    tool(text="x" * 200)
    (_, _, sent), (_, _, logged) = bodies(mock)
    assert sent["context"]["arguments"]["keyword_args"]["text"] == "x" * 50 + "...[truncated]"
    assert sent["action_details"]["text"] == "x" * 200 and logged["result"]["has_result"] is False


def test_context_options_leave_out_tool_name_and_arguments(mock, make_client):
    mock.script([ALLOWED, completion(1)])
    config = MCPGovernanceConfig(include_tool_name=False, include_arguments=False)
    mcp_governance(make_client(), "t", "r", config=config)(lambda x: x)(3)
    ctx = bodies(mock)[0][2]["context"]
    assert "tool_name" not in ctx and "arguments" not in ctx


def test_denied_raises_or_returns_none(mock, make_client):
    denied = submit({"id": 9, "status": "denied", "risk_score": 95.0, "reason": "policy",
                     "policy_violations": ["p1"]})
    mock.script([denied, denied])
    ran = []

    @mcp_governance(make_client(), "t", "r")
    def tool() -> str:
        ran.append(1)
        return "x"

    with pytest.raises(AuthorizationError) as info:
        tool()
    assert info.value.error_code == "MCP_ACTION_DENIED" and info.value.policy_violations == ["p1"]
    assert info.value.details["action_id"] == "9" and info.value.risk_score == 95.0 and not ran

    quiet = mcp_governance(make_client(), "t", "r", config=MCPGovernanceConfig(raise_on_denial=False))
    assert quiet(lambda: "x")() is None
    assert [p for _, p, _ in bodies(mock)] == ["/api/v1/actions/submit"] * 2  # no completion record


@pytest.mark.parametrize("reply", [{"id": 3, "status": "denied", "execution_allowed": True},
                                   {"id": 3, "status": "approved", "execution_allowed": False}])
def test_only_a_decision_that_permits_execution_runs_d24(mock, make_client, reply):
    mock.script([submit(reply)])
    ran = []
    with pytest.raises(AuthorizationError):
        mcp_governance(make_client(), "t", "r")(lambda: ran.append(1))()
    assert not ran


def test_outage_in_closed_mode_becomes_governance_unavailable(mock, make_client):
    mock.script([submit({}, status=503)])
    ran = []
    with pytest.raises(AuthorizationError) as info:
        mcp_governance(make_client("closed"), "t", "r")(lambda: ran.append(1))()
    assert info.value.error_code == "GOVERNANCE_UNAVAILABLE" and not ran


def test_outage_in_open_mode_goes_through_the_clients_fail_mode(mock, make_client):
    mock.script([submit({}, status=503)])
    client = make_client("open")
    assert mcp_governance(client, "t", "r")(lambda: "ran")() == "ran"
    assert client._spool_pending() >= 1  # the fail-open decision is on the spool (D18)


def test_kill_switch_is_an_error_not_unavailability(mock, make_client):
    client = make_client()
    mock.script([{"match": {"method": "GET", "path": "/api/sdk/kill-switch/status"},
                  "respond": {"status": 200, "body": {"blocked": True, "reason": "halt"}}}])
    client._poll_kill_switch()
    with pytest.raises(KillSwitchError):
        mcp_governance(client, "t", "r")(lambda: None)()


def test_pending_with_approval_request_polls_check_approval_on_the_clients_clock(mock, make_client):
    mock.script([submit({"id": 2, "status": "pending_approval", "approval_request_id": "apr_1"}),
                 approval("apr_1", {"status": "pending"}), approval("apr_1", {"detail": "flaky"}, status=404),
                 approval("apr_1", {"status": "approved"}), completion(2)])
    client = make_client()
    notified: List[Any] = []
    config = MCPGovernanceConfig(approval_timeout_seconds=0.2, approval_poll_interval_seconds=0.01,
                                 on_approval_required=lambda d, n: notified.append(len(client._native.clock_sleeps())))

    @mcp_governance(client, "t", "r", config=config)
    def tool() -> str:
        return "done"

    assert tool() == "done"
    assert [p for _, p, _ in bodies(mock)].count("/api/sdk/approval/apr_1") == 3
    assert notified == [0]  # the host hears of the PENDING decision before the wait
    assert client._native.clock_sleeps() == pytest.approx([0.01, 0.01, 0.01])  # no wall-clock sleeps


def test_pending_denied_by_human(mock, make_client):
    mock.script([submit({"id": 2, "status": "pending", "approval_request_id": "apr_1"}),
                 approval("apr_1", {"status": "rejected", "rejection_reason": "no way"})])
    with pytest.raises(AuthorizationError, match="no way"):
        mcp_governance(make_client(), "t", "r", config=FAST)(lambda: "done")()


def test_pending_without_request_id_waits_for_decision_q26(mock, make_client):
    mock.script([submit({"id": 3, "status": "pending"}),
                 {"match": {"method": "GET", "path": "/api/v1/actions/3/status"},
                  "respond": {"status": 200, "body": {"id": 3, "status": "approved"}}}, completion(3)])
    assert mcp_governance(make_client(), "t", "r", config=FAST)(lambda: "ok")() == "ok"
    assert [p for _, p, _ in bodies(mock)][1] == "/api/v1/actions/3/status"


@pytest.mark.parametrize("fail_mode", ["closed", "open", "local"])
def test_approval_timeout_is_reported_as_timeout_and_never_runs_q26(mock, make_client, fail_mode):
    timeouts: List[str] = []
    cfg = MCPGovernanceConfig(approval_timeout_seconds=0.05, approval_poll_interval_seconds=0.01,
                              on_timeout=lambda d, n: timeouts.append(n))
    mock.script([submit({"id": 4, "status": "pending", "approval_request_id": "apr"}),
                 approval("apr", {"status": "pending"}, repeat=True)])
    ran = []

    @mcp_governance(make_client(fail_mode), "t", "r", config=cfg)
    def tool() -> None:
        ran.append(1)

    with pytest.raises(TimeoutError) as info:
        tool()
    assert info.value.error_code == "APPROVAL_TIMEOUT" and timeouts == ["tool"] and not ran

    mock.reset()
    mock.script([submit({"id": 5, "status": "pending"}),
                 {"match": {"method": "GET", "path": "/api/v1/actions/5/status"}, "repeat": True,
                  "respond": {"status": 200, "body": {"id": 5, "status": "pending"}}}])
    with pytest.raises(TimeoutError) as info2:
        mcp_governance(make_client(fail_mode), "t", "r", config=cfg)(lambda: ran.append(2))()
    assert info2.value.error_code == "APPROVAL_TIMEOUT" and not ran


def test_no_wait_for_approval_is_a_timeout_at_once(mock, make_client):
    mock.script([submit({"id": 6, "status": "pending", "approval_request_id": "apr"})])
    client = make_client()
    with pytest.raises(TimeoutError):
        mcp_governance(client, "t", "r", config=MCPGovernanceConfig(wait_for_approval=False))(lambda: None)()
    assert client._native.clock_sleeps() == []


def test_tool_exception_is_logged_and_reraised(mock, make_client):
    mock.script([ALLOWED, completion(1, "fail", status=400)])  # a refused record must not mask the tool's error

    @mcp_governance(make_client(), "t", "r")
    def tool() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        tool()
    (_, path, body) = bodies(mock)[-1]
    assert path == "/api/agent-action/1/fail" and "boom" in body["error"]


def test_callback_errors_are_swallowed(mock, make_client):
    mock.script([ALLOWED, completion(1)])

    def bad(d: Any, n: str) -> None:
        raise RuntimeError("callback bug")

    tool = mcp_governance(make_client(), "t", "r", config=MCPGovernanceConfig(on_allowed=bad))(lambda: 42)
    assert tool() == 42


def test_sync_tool_inside_running_event_loop_q26(mock, make_client):
    mock.script([ALLOWED, completion(1)])
    tool = mcp_governance(make_client(), "t", "r")(lambda: "sync-ok")

    async def main() -> str:
        return tool()

    assert asyncio.run(main()) == "sync-ok"


def test_async_tool_with_sync_and_async_clients(mock, make_client):
    from ascend import AsyncAscendClient

    mock.script([ALLOWED, completion(1), ALLOWED, completion(1)])

    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    tool = mcp_governance(make_client(), "t", "r")(double)
    atool = mcp_governance(make_client(cls=AsyncAscendClient), "t", "r")(double)
    assert asyncio.run(tool(2)) == 4 and asyncio.run(atool(3)) == 6
    assert [p for _, p, _ in bodies(mock)] == ["/api/v1/actions/submit", "/api/agent-action/1/complete"] * 2


def test_sync_tool_needs_a_sync_client_and_an_sdk_client(make_client):
    from ascend import AsyncAscendClient

    with pytest.raises(TypeError, match="sync AscendClient"):
        mcp_governance(make_client(cls=AsyncAscendClient), "t", "r")(lambda: None)()
    with pytest.raises(TypeError, match="AscendClient"):
        mcp_governance(SimpleNamespace(), "t", "r")(lambda: None)()


def test_aliases_and_middleware(mock, make_client):
    mock.script([ALLOWED, completion(1)] * 4)
    client = make_client()
    tool = high_risk_action(client, "t", "r")(lambda: 1)
    assert tool() == 1
    ctx = bodies(mock)[0][2]["context"]
    assert ctx["risk_level"] == "high" and ctx["require_human_approval"] is True
    assert require_governance(client, "t", "r")(lambda: 2)() == 2

    mw = MCPGovernanceMiddleware(client)
    assert mw.default_config is DEFAULT_CONFIG

    @mw.govern("t", "r")
    def first() -> int:
        return 1

    with pytest.warns(DeprecationWarning):
        second = mw.wrap("t", "r", func=lambda: 2)
    assert first() == 1 and second() == 2 and mw.governed_tools == ["first", "<lambda>"]


def test_kill_switch_consumer():
    ks = MCPKillSwitchConsumer()
    block = SimpleNamespace(target_type="mcp_server", command_type="block", target_mcp_server_config_id=12,
                            parameters={"mcp_server": "bloomberg-mcp"})
    assert ks.apply_message(block) is True
    assert ks.is_blocked("bloomberg-mcp") and ks.is_blocked(mcp_server_config_id=12)
    assert ks.is_blocked(mcp_server_config_id="12") and not ks.is_blocked("other")
    assert ks.blocked_servers == ["bloomberg-mcp"]
    assert ks.apply_message({"target_type": "mcp_server", "command_type": "BLOCK", "mcp_server": "b"}) is True
    assert ks.blocked_servers == ["b", "bloomberg-mcp"]
    # ignored: other targets, unknown commands, malformed messages
    assert not ks.apply_message(SimpleNamespace(target_type="agent", command_type="BLOCK", mcp_server="z"))
    assert not ks.apply_message({"target_type": "mcp_server", "command_type": "PAUSE", "mcp_server": "z"})
    assert not ks.apply_message(None) and not ks.apply_message("garbage") and not ks.apply_message(42)
    assert not ks.apply_message({"target_type": "mcp_server", "command_type": "BLOCK"})
    assert ks.apply_message(SimpleNamespace(target_type="MCP_SERVER", command_type="unblock",
                                            target_mcp_server_config_id=12, parameters=None,
                                            mcp_server="bloomberg-mcp"))
    assert not ks.is_blocked("bloomberg-mcp") and not ks.is_blocked(mcp_server_config_id=12)
    ks.reset()
    assert ks.blocked_servers == [] and not ks.is_blocked()


def test_kill_switch_consumer_reads_odd_messages_safely():
    class Exploding:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("no attributes here")

    ks = MCPKillSwitchConsumer()
    assert ks.apply_message(Exploding()) is False
    assert ks.apply_message({"target_type": "mcp_server", "command_type": "BLOCK", "mcp_server": object()}) is True
    assert len(ks.blocked_servers) == 1 and ks.blocked_servers[0].startswith("<object object")

