"""The dev server holds its roles (issue 11): an agent's API key cannot relax its own governance, the admin token
can; replayed offline decisions are stored as decided, never queued; errors are JSON. Driven from Python through
``ascend.testing.DevServer`` and ``AscendClient`` as a user's test would."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import pytest

from conftest import requires_native

pytestmark = requires_native


def call(url: str, method: str, headers: Dict[str, str], body: Optional[Dict[str, Any]] = None) -> Tuple[int, Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={**headers, "Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        assert e.headers.get("content-type", "").startswith("application/json"), e.headers
        return e.code, json.loads(e.read())


@pytest.fixture
def server() -> Any:
    from ascend.testing import DevServer

    with DevServer(deny_at=95) as srv:
        yield srv


def test_the_api_key_tightens_but_cannot_relax(server: Any) -> None:
    agent = {"X-API-Key": server.api_key}
    admin = {"X-Admin-Token": server.admin_token}
    path = server.url + "/api/registry/agents/py-bot"
    assert call(server.url + "/api/registry/agents", "POST", agent, {"agent_id": "py-bot"})[0] == 201
    assert call(path, "PUT", agent, {"auto_approve_below": 40, "deny_at": 80})[0] == 200
    for body in ({"auto_approve_below": 100}, {"deny_at": None}, {"deny_at": 90}):
        status, reply = call(path, "PUT", agent, body)
        assert status == 403 and reply["error_code"] == "ADMIN_REQUIRED", (body, reply)
        assert "requires the admin token" in reply["detail"]
    assert call(path, "PUT", agent, {"status": "blocked", "reason": "runaway loop"})[0] == 200
    status, reply = call(path, "PUT", agent, {"status": "active"})
    assert status == 403 and reply["error_code"] == "ADMIN_REQUIRED"
    status, reply = call(path, "PUT", admin, {"status": "active", "auto_approve_below": 100})
    assert status == 200 and reply["agent"]["thresholds"]["auto_approve_below"] == 100


def test_only_the_admin_releases_the_kill_switch(server: Any) -> None:
    from ascend.exceptions import OWKAIError

    client = server.client(agent_id="ks-bot")
    try:
        client.trigger_kill_switch(1, "incident INC-5 containment")
        with pytest.raises(OWKAIError) as info:
            client.release_kill_switch(1, "incident INC-5 resolved")
        assert getattr(info.value, "status_code", None) == 403
        status, reply = call(server.url + "/api/sdk/kill-switch/status", "GET", {"X-API-Key": server.api_key})
        assert status == 200 and reply["blocked"] is True
        status, _ = call(server.url + "/api/billing/kill-switch/1/release", "POST",
                         {"X-Admin-Token": server.admin_token}, {"reason": "incident INC-5 resolved"})
        assert status == 200
    finally:
        client.close()


def test_offline_decisions_replayed_from_the_spool_are_not_queued(server: Any, tmp_path: Path) -> None:
    from ascend import AscendClient, Decision, FailMode

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    spool = tmp_path / "agent.spool"
    offline = AscendClient(api_key=server.api_key, api_url=dead, agent_id="offline-py", fail_mode=FailMode.LOCAL,
                           max_retries=0, timeout=2, audit_spool_path=str(spool))
    try:
        denied = offline.evaluate_action(action_type="transaction", resource="ledger", wait_for_decision=False)
        allowed = offline.evaluate_action(action_type="query", resource="db", wait_for_decision=False)
        assert (denied.decision, allowed.decision) == (Decision.DENIED, Decision.ALLOWED)
    finally:
        offline.close()
    online = AscendClient(api_key=server.api_key, api_url=server.url, agent_id="offline-py",
                          fail_mode=FailMode.CLOSED, max_retries=0, audit_spool_path=str(spool))
    try:
        assert online._replay_spool() == 2
    finally:
        online.close()
    status, pending = call(server.url + "/api/admin/actions?status=pending", "GET",
                           {"X-Admin-Token": server.admin_token})
    assert status == 200 and pending["total"] == 0, pending
    _, every = call(server.url + "/api/admin/actions", "GET", {"X-Admin-Token": server.admin_token})
    by_type = {a["action_type"]: a for a in every["actions"]}
    assert by_type["transaction"]["status"] == "rejected"
    assert by_type["transaction"]["enforcement_decision_source"] == "offline_replay"
    assert by_type["query"]["status"] == "approved"


def test_invalid_utf8_in_a_path_is_a_json_400(server: Any) -> None:
    status, reply = call(server.url + "/api/registry/agents/%C3%28", "GET", {"X-API-Key": server.api_key})
    assert status == 400 and reply["detail"]
