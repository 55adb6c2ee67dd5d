"""MCP governance (§8.4 with Q26 fixed) and the kill-switch consumer, with a scripted fake client."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest

from ascend.exceptions import AuthorizationError, CircuitBreakerOpen, OWKAIError, TimeoutError
from ascend.mcp import (
    DEFAULT_CONFIG,
    MCPGovernanceConfig,
    MCPGovernanceMiddleware,
    MCPKillSwitchConsumer,
    high_risk_action,
    mcp_governance,
    require_governance,
)
from ascend.models import AuthorizationDecision, Decision


class ScriptedClient:
    def __init__(self, decision: Any = None, approvals: List[Dict[str, Any]] = (), wait: Any = None):
        self.decision = decision or AuthorizationDecision("a1", Decision.ALLOWED, execution_allowed=True)
        self.approvals = list(approvals)
        self.wait = wait
        self.calls: List[Any] = []

    def evaluate_action(self, **kwargs: Any) -> AuthorizationDecision:
        self.calls.append(("evaluate_action", kwargs))
        if isinstance(self.decision, Exception):
            raise self.decision
        return self.decision

    def check_approval(self, approval_request_id: str) -> Dict[str, Any]:
        self.calls.append(("check_approval", approval_request_id))
        item = self.approvals.pop(0) if self.approvals else {"pending": True}
        if isinstance(item, Exception):
            raise item
        return item

    def wait_for_decision(self, **kwargs: Any) -> AuthorizationDecision:
        self.calls.append(("wait_for_decision", kwargs))
        if isinstance(self.wait, Exception):
            raise self.wait
        return self.wait

    def log_action_completed(self, **kwargs: Any) -> Dict[str, Any]:
        self.calls.append(("log_action_completed", kwargs))
        return {}

    def log_action_failed(self, **kwargs: Any) -> Dict[str, Any]:
        self.calls.append(("log_action_failed", kwargs))
        raise OWKAIError("spool full")  # must not mask the tool's own exception


FAST = MCPGovernanceConfig(approval_timeout_seconds=0.2, approval_poll_interval_seconds=0.01)


def test_allowed_runs_tool_and_redacts_arguments_everywhere():
    client = ScriptedClient()
    seen = []

    @mcp_governance(client, "db.query", "customers",
                    config=MCPGovernanceConfig(on_allowed=lambda d, name: seen.append(name)),
                    metadata={"team": "x"}, risk_level="low")
    def lookup(query: str, api_key: str, limit: int = 5, blob: Any = None) -> str:
        return f"rows for {query}"

    assert lookup("select 1", api_key="sk_live_1", blob=object()) == "rows for select 1"
    (_, sent), (logged, log_args) = client.calls
    assert sent["parameters"]["api_key"] == "[REDACTED]" and sent["parameters"]["query"] == "select 1"
    assert sent["parameters"]["blob"] == "<object>" and sent["wait_for_decision"] is False
    ctx = sent["context"]
    assert ctx["source"] == "mcp_server" and ctx["tool_name"] == "lookup" and ctx["governance_version"] == "2.0.0"
    assert ctx["arguments"] == {"positional_count": 1, "keyword_args": {"api_key": "[REDACTED]", "blob": "<object>"}}
    assert ctx["metadata"] == {"team": "x"} and ctx["risk_level"] == "low"
    assert logged == "log_action_completed" and log_args["result"] == {"success": True, "has_result": True}
    assert seen == ["lookup"]


def test_long_strings_are_truncated_in_context():
    client = ScriptedClient()

    @mcp_governance(client, "t", "r")
    def tool(text: str = "") -> None:
        return None

    tool(text="x" * 200)
    assert client.calls[0][1]["context"]["arguments"]["keyword_args"]["text"] == "x" * 50 + "...[truncated]"


def test_denied_raises_or_returns_none():
    denied = AuthorizationDecision("a9", Decision.DENIED, 95.0, reason="policy", policy_violations=["p1"])
    ran = []

    @mcp_governance(ScriptedClient(denied), "t", "r")
    def tool() -> str:
        ran.append(1)
        return "x"

    with pytest.raises(AuthorizationError) as info:
        tool()
    assert info.value.error_code == "MCP_ACTION_DENIED" and info.value.policy_violations == ["p1"]
    assert info.value.details["action_id"] == "a9" and not ran

    quiet = mcp_governance(ScriptedClient(denied), "t", "r", config=MCPGovernanceConfig(raise_on_denial=False))
    assert quiet(lambda: "x")() is None


def test_outage_becomes_governance_unavailable():
    @mcp_governance(ScriptedClient(CircuitBreakerOpen()), "t", "r")
    def tool() -> None:
        return None

    with pytest.raises(AuthorizationError) as info:
        tool()
    assert info.value.error_code == "GOVERNANCE_UNAVAILABLE"


def test_pending_with_approval_request_polls_check_approval():
    pending = AuthorizationDecision("a2", Decision.PENDING, approval_request_id="apr_1")
    client = ScriptedClient(pending, approvals=[{"pending": True},
                                                OWKAIError("flaky"), {"approved": True}])

    @mcp_governance(client, "t", "r", config=FAST)
    def tool() -> str:
        return "done"

    assert tool() == "done"
    assert [c[0] for c in client.calls].count("check_approval") == 3


def test_pending_denied_by_human():
    pending = AuthorizationDecision("a2", Decision.PENDING, approval_request_id="apr_1")

    @mcp_governance(ScriptedClient(pending, approvals=[{"denied": True, "comments": "no way"}]), "t", "r", config=FAST)
    def tool() -> str:
        return "done"

    with pytest.raises(AuthorizationError, match="no way"):
        tool()


def test_pending_without_request_id_waits_for_decision_q26():
    pending = AuthorizationDecision("a3", Decision.PENDING)
    client = ScriptedClient(pending, wait=AuthorizationDecision("a3", Decision.ALLOWED, execution_allowed=True))

    @mcp_governance(client, "t", "r", config=FAST)
    def tool() -> str:
        return "ok"

    assert tool() == "ok"
    assert client.calls[1] == ("wait_for_decision", {"action_id": "a3", "timeout": 0.2, "poll_interval": 0.01})


def test_approval_timeout_is_reported_as_timeout_not_unavailable_q26():
    timeouts = []
    cfg = MCPGovernanceConfig(approval_timeout_seconds=0.05, approval_poll_interval_seconds=0.01,
                              on_timeout=lambda d, n: timeouts.append(n))
    pending = AuthorizationDecision("a4", Decision.PENDING, approval_request_id="apr")

    @mcp_governance(ScriptedClient(pending), "t", "r", config=cfg)
    def tool() -> None:
        return None

    with pytest.raises(TimeoutError) as info:
        tool()
    assert info.value.error_code == "APPROVAL_TIMEOUT" and timeouts == ["tool"]

    waited = ScriptedClient(AuthorizationDecision("a5", Decision.PENDING), wait=TimeoutError("late"))
    with pytest.raises(TimeoutError) as info2:
        mcp_governance(waited, "t", "r", config=cfg)(lambda: None)()
    assert info2.value.error_code == "APPROVAL_TIMEOUT"


def test_tool_exception_is_logged_and_reraised():
    client = ScriptedClient()

    @mcp_governance(client, "t", "r")
    def tool() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        tool()
    assert client.calls[-1][0] == "log_action_failed" and "boom" in client.calls[-1][1]["error"]


def test_callback_errors_are_swallowed():
    def bad(d: Any, n: str) -> None:
        raise RuntimeError("callback bug")

    tool = mcp_governance(ScriptedClient(), "t", "r", config=MCPGovernanceConfig(on_allowed=bad))(lambda: 42)
    assert tool() == 42


def test_sync_tool_inside_running_event_loop_q26():
    tool = mcp_governance(ScriptedClient(), "t", "r")(lambda: "sync-ok")

    async def main() -> str:
        return tool()

    assert asyncio.run(main()) == "sync-ok"


def test_async_tool_with_sync_and_async_clients():
    sync_client = ScriptedClient()

    @mcp_governance(sync_client, "t", "r")
    async def tool(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    class AsyncClient:
        def __init__(self) -> None:
            self.inner = ScriptedClient()

        async def evaluate_action(self, **kw: Any) -> AuthorizationDecision:
            return self.inner.evaluate_action(**kw)

        async def log_action_completed(self, **kw: Any) -> Dict[str, Any]:
            return self.inner.log_action_completed(**kw)

    async_client = AsyncClient()
    atool = mcp_governance(async_client, "t", "r")(tool.__wrapped__)  # type: ignore[attr-defined]
    assert asyncio.run(tool(2)) == 4 and asyncio.run(atool(3)) == 6
    assert async_client.inner.calls[0][0] == "evaluate_action"


def test_aliases_and_middleware():
    client = ScriptedClient()
    tool = high_risk_action(client, "t", "r")(lambda: 1)
    assert tool() == 1
    ctx = client.calls[0][1]["context"]
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
