"""Shared parts of the framework integration tests (``test_integrations_*.py``): dev servers, a human reviewer
thread, an unreachable client, and the counters that prove whether a tool ran.

Every test runs the real framework against the real dev server (``ascend.testing.DevServer``, in-process, on
127.0.0.1). By default the dev server allows ``query`` (score 35) and keeps ``transaction`` (score >= 70) waiting
for a human; ``denying`` (``deny_at=1``) denies everything.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

import pytest

ALLOWED_TYPE = "query"
PENDING_TYPE = "transaction"
#: Fast approval polling for the pending tests (the wait itself is bounded by the governance's approval_timeout).
FAST_POLL = {"approval_timeout": 20.0, "approval_poll_interval": 0.05}


def _admin(server: Any, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
    request = urllib.request.Request(
        f"{server.url}{path}", data=None if body is None else json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", "X-Admin-Token": server.admin_token})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read())


def pending_actions(server: Any, agent_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """The actions waiting for a human on ``server`` (of ``agent_id`` when given)."""
    query = "" if agent_id is None else f"&agent_id={agent_id}"
    actions: List[Dict[str, Any]] = _admin(server, "GET", f"/api/admin/actions?status=pending{query}")["actions"]
    return actions


def deny_pending(server: Any, agent_id: str) -> None:
    """Denies what ``agent_id`` left waiting (so no later reviewer sees it)."""
    for action in pending_actions(server, agent_id):
        server.deny(str(action["action_id"]), "cleanup")


def agent_actions(server: Any, agent_id: str) -> List[Dict[str, Any]]:
    """Every action of ``agent_id`` on ``server``, in the reviewer's view (resource, parameters, context, ...)."""
    actions: List[Dict[str, Any]] = _admin(server, "GET", f"/api/admin/actions?agent_id={agent_id}")["actions"]
    return actions


class Reviewer:
    """A human reviewer in a thread: approves (or denies) the first action of ``agent_id`` that waits, then stops.
    Bounded: gives up after ``timeout`` seconds."""

    def __init__(self, server: Any, agent_id: str, approve: bool = True, timeout: float = 15.0) -> None:
        self.server, self.agent_id, self.approve, self.timeout = server, agent_id, approve, timeout
        self.reviewed: List[str] = []
        self.seen_pending: List[Dict[str, Any]] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            waiting = pending_actions(self.server, self.agent_id)
            if waiting:
                action = waiting[0]
                action_id = str(action["action_id"])
                self.seen_pending.append(action)
                if self.approve:
                    self.server.approve(action_id, comment="ok by the reviewer thread")
                else:
                    self.server.deny(action_id, "not today")
                self.reviewed.append(action_id)
                return
            time.sleep(0.05)

    def __enter__(self) -> Reviewer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._thread.join(self.timeout + 5)


def closed_port_url() -> str:
    """A loopback URL nothing listens on (a port bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def unreachable_client() -> Any:
    """A client whose ASCEND cannot be reached, in fail mode CLOSED."""
    from ascend import AscendClient

    return AscendClient(api_key="owkai_unreachable_key", agent_id="integration-test", api_url=closed_port_url(),
                        fail_mode="closed", max_retries=0, timeout=2)


class Calls:
    """Records the tool's runs."""

    def __init__(self) -> None:
        self.runs: List[Dict[str, Any]] = []

    def record(self, **arguments: Any) -> None:
        self.runs.append(arguments)


@pytest.fixture(scope="module")
def dev() -> Iterator[Any]:
    """A dev server with the default policy (query allowed, transaction waits for a human)."""
    from ascend.testing import DevServer

    with DevServer() as server:
        yield server


@pytest.fixture(scope="module")
def denying() -> Iterator[Any]:
    """A dev server that denies every action."""
    from ascend.testing import DevServer

    with DevServer(deny_at=1) as server:
        yield server


@pytest.fixture
def calls() -> Calls:
    return Calls()
