"""Two real processes of one agent sharing an offline spool (D18, D26), one killed with SIGKILL mid-way.

Each worker is a separate Python process with its own ``AscendClient(fail_mode=FailMode.OPEN)`` pointed at a
loopback port where nothing listens, so every ``evaluate_action`` is decided locally and spooled before it
returns. A worker reports each returned call on stdout. Afterwards one client replays the spool to the mock
server: every reported call must arrive exactly once, and nothing else but the killed worker's call in flight.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, List, Set, Tuple

import pytest

from conftest import requires_native

pytestmark = [requires_native, pytest.mark.skipif(os.name != "posix", reason="kill -9 is a POSIX signal")]

WORKER = r"""
import sys
from ascend import AscendClient, FailMode, Decision

url, path, worker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = AscendClient(api_key="test-api-key-0001", agent_id="shared-agent", api_url=url, max_retries=0,
                      fail_mode=FailMode.OPEN, enable_circuit_breaker=False, audit_spool_path=path)
for i in range(count):
    decision = client.evaluate_action(action_type="database.query", resource=f"w{worker}-{i}",
                                      wait_for_decision=False)
    assert decision.decision == Decision.ALLOWED, decision
    print(f"REPORT w{worker}-{i}", flush=True)
"""

COUNT = 150
KILL_AFTER = 40


@pytest.fixture
def unreachable_url() -> Iterator[str]:
    """A loopback port that is bound but not listening: connections are refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def start_worker(url: str, path: Path, worker: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, url, str(path), str(worker), str(COUNT)],
                            stdout=subprocess.PIPE, text=True)


def read_reports(proc: subprocess.Popen[str], kill_after: int = 0) -> List[str]:
    """The resources a worker reported as returned; kills it with SIGKILL after ``kill_after`` reports."""
    assert proc.stdout is not None
    reports: List[str] = []
    for line in proc.stdout:
        if line.startswith("REPORT "):
            reports.append(line.split()[1])
            if len(reports) == kill_after:
                proc.kill()  # SIGKILL
    proc.wait(timeout=120)
    return reports


def replay_to_mock(mock: Any, spool: Path) -> Counter[str]:
    """Replays the spool to the mock server; returns how many times each resource arrived (checked unique keys)."""
    from ascend import AscendClient, FailMode

    mock.script([{"match": {"method": "POST", "path": "/api/v1/actions/submit"}, "repeat": True,
                  "respond": {"status": 200, "body": {"id": 1, "status": "approved"}}}])
    client = AscendClient(api_key="test-api-key-0001", agent_id="shared-agent", api_url=mock.url, max_retries=0,
                          fail_mode=FailMode.OPEN, audit_spool_path=str(spool))
    try:
        pending = client._spool_pending()
        delivered = client._replay_spool()
        assert client._spool_pending() == 0
        assert client._replay_spool() == 0, "a second replay sends nothing"
    finally:
        client.close()
    requests, unmatched = mock.requests()
    assert unmatched == 0
    bodies = [json.loads(r["body"]) for r in requests]
    sent: List[Tuple[str, str]] = [(b["resource"], r["headers"].get("idempotency-key", ""))
                                   for b, r in zip(bodies, requests)]
    assert delivered == pending == len(sent)
    assert len({key for _, key in sent}) == len(sent), "each record keeps its own idempotency key"
    assert all(b["context"]["offline_decision"]["fail_mode"] == "open" for b in bodies)
    return Counter(resource for resource, _ in sent)


def test_two_processes_share_a_spool_and_a_kill_loses_nothing(mock: Any, tmp_path: Path,
                                                             unreachable_url: str) -> None:
    spool = tmp_path / "shared-agent.spool"
    started = time.monotonic()
    victim = start_worker(unreachable_url, spool, 1)
    survivor = start_worker(unreachable_url, spool, 2)
    killed_reports = read_reports(victim, kill_after=KILL_AFTER)
    survived_reports = read_reports(survivor)
    assert victim.returncode == -9
    assert survivor.returncode == 0
    assert KILL_AFTER <= len(killed_reports) < COUNT, "the first worker was killed mid-way"
    assert len(survived_reports) == COUNT
    returned: Set[str] = set(killed_reports) | set(survived_reports)

    counts = replay_to_mock(mock, spool)
    assert [r for r, n in counts.items() if n > 1] == [], "no record replayed twice"
    assert returned <= set(counts), f"lost: {sorted(returned - set(counts))}"
    extra = set(counts) - returned
    # Beyond what returned, only the killed worker's call in flight may have reached the spool.
    assert len(extra) <= 1 and all(r.startswith("w1-") for r in extra), extra
    assert time.monotonic() - started < 120


FORKING_PARENT = r"""
import os, sys
from ascend import AscendClient, FailMode

url, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = AscendClient(api_key="test-api-key-0001", agent_id="shared-agent", api_url=url, max_retries=0,
                      fail_mode=FailMode.OPEN, enable_circuit_breaker=False, audit_spool_path=path)
client.evaluate_action(action_type="database.query", resource="parent", wait_for_decision=False)
pids = []
for worker in (1, 2):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for i in range(count):
                client.evaluate_action(action_type="database.query", resource=f"f{worker}-{i}",
                                       wait_for_decision=False)
            code = 0
        finally:
            os._exit(code)
    pids.append(pid)
print("EXITS", *[os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids], flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_workers_forked_from_one_client_share_its_spool(mock: Any, tmp_path: Path, unreachable_url: str) -> None:
    """gunicorn --preload style: the client (and its spool) is created before the workers are forked."""
    spool = tmp_path / "shared-agent.spool"
    count = 60
    out = subprocess.run([sys.executable, "-c", FORKING_PARENT, unreachable_url, str(spool), str(count)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["EXITS", "0", "0"], out.stdout + out.stderr
    counts = replay_to_mock(mock, spool)
    want = {"parent"} | {f"f{w}-{i}" for w in (1, 2) for i in range(count)}
    assert counts == Counter({r: 1 for r in want})
