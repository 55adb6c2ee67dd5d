"""AuthorizedAgent with the intended semantics (Q16 fixed)."""

from __future__ import annotations

from typing import Any, List

import pytest

from ascend.agent import AuthorizedAgent
from ascend.exceptions import AuthorizationError, TimeoutError
from ascend.models import AuthorizationDecision, Decision


class Client:
    agent_id = "bot"

    def __init__(self, decision: AuthorizationDecision, actions: Any = None):
        self.decision = decision
        self.actions = actions
        self.calls: List[Any] = []

    def evaluate_action(self, **kwargs: Any) -> AuthorizationDecision:
        self.calls.append(kwargs)
        return self.decision

    def list_actions(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.actions


def test_allowed_runs():
    client = Client(AuthorizationDecision("1", Decision.ALLOWED, execution_allowed=True))
    agent = AuthorizedAgent("bot", "Bot", client=client, default_timeout=30)
    assert agent.execute_if_authorized("query", "db", lambda: "ran", details={"k": 1}) == "ran"
    assert client.calls[0]["parameters"] == {"k": 1} and client.calls[0]["timeout"] == 30
    assert client.calls[0]["wait_for_decision"] is True
    assert agent.check_permission("query", "db") is True
    assert client.calls[-1]["wait_for_decision"] is False


def test_denied_raises_or_calls_on_denied():
    denied = AuthorizationDecision("2", Decision.DENIED, 95.0, reason="too risky", policy_violations=["p"])
    agent = AuthorizedAgent("bot", "Bot", client=Client(denied))
    with pytest.raises(AuthorizationError) as info:
        agent.execute_if_authorized("write", "db", lambda: "ran")
    assert info.value.policy_violations == ["p"] and info.value.risk_score == 95.0 and "too risky" in str(info.value)
    assert agent.execute_if_authorized("write", "db", lambda: "ran", on_denied=lambda d: d.reason) == "too risky"
    assert agent.check_permission("write", "db") is False


def test_pending_after_wait_is_timeout():
    agent = AuthorizedAgent("bot", "Bot", client=Client(AuthorizationDecision("3", Decision.PENDING)))
    with pytest.raises(TimeoutError):
        agent.execute_if_authorized("write", "db", lambda: "ran", timeout=5)


def test_get_recent_actions():
    agent = AuthorizedAgent("bot", "Bot", client=Client(AuthorizationDecision("1", Decision.ALLOWED),
                                                         actions={"actions": [{"id": 1}]}))
    assert agent.get_recent_actions(limit=3, status="approved") == [{"id": 1}]
    assert agent.client.calls[-1] == {"limit": 3, "status": "approved"}
    agent.client.actions = [{"id": 2}]
    assert agent.get_recent_actions() == [{"id": 2}]


def test_default_client_uses_agent_identity(fake_native, monkeypatch):
    monkeypatch.setenv("ASCEND_API_KEY", "owkai_env_key")
    agent = AuthorizedAgent("bot-7", "Bot Seven", client=None)
    params = agent.client._native.params
    assert params["agent_id"] == "bot-7" and params["agent_name"] == "Bot Seven"
