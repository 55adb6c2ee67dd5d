"""Issue 5 item 8: both guides in shared/guides/ run as written against the mock server (only URL/key changed).

The guides' code blocks are in tests/guides/ verbatim (indentation restored; the helpers the first guide leaves to the
reader are defined at the top). Not run, because they are not SDK code: guide 002's raw-HTTP blocks (``import
requests``: "Basic Example", the manual polling loop, ``poll_action_status``) and its "Best Practices" fragments
(they call undefined names such as ``execute_action``/``audit_log`` and, in #1, pass ``agent_id=`` to
``submit_action``, a ``TypeError`` in the peer as well).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import requires_native

pytestmark = requires_native

GUIDES = Path(__file__).resolve().parent / "guides"
PILOT_URL = "https://pilot.owkai.app"


def submit(body: Dict[str, Any]) -> Dict[str, Any]:
    return {"match": {"method": "POST", "path": "/api/v1/actions/submit"}, "respond": {"status": 200, "body": body}}


def run_guide(path: Path, url: str, tmp: Path, env_url: bool = False) -> subprocess.CompletedProcess[str]:
    source = path.read_text()
    if not env_url:
        assert PILOT_URL in source
        source = source.replace(PILOT_URL, url)  # the one change: where the platform is
    script = tmp / path.name
    script.write_text(source)
    (tmp / "owkai_client.py").write_text("from ascend import AgentAction, OWKAIClient\n"
                                         "__all__ = ['AgentAction', 'OWKAIClient']\n")
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(tmp), "OWKAI_API_KEY": "owkai_test_key", "XDG_CACHE_HOME": str(tmp / "cache")})
    for name in ("ASCEND_API_KEY", "ASCEND_API_URL", "ASCEND_AGENT_ID", "ASCEND_AGENT_NAME", "ASCEND_SIGNING_SECRET"):
        env.pop(name, None)
    if env_url:
        env["OWKAI_API_URL"] = url
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"guide failed:\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def paths(mock: Any) -> List[str]:
    requests, unmatched = mock.requests()
    assert unmatched == 0
    return [f"{r['method']} {r['path']}" for r in requests]


def test_guide_000_first_governed_action(mock, tmp_path):
    mock.script([
        submit({"id": 101, "status": "pending_approval", "risk_score": 72.0, "risk_level": "high",
                "cvss_score": 7.4, "mitre_tactic": "TA0040", "nist_control": "AC-3"}),
        # The human approval arrives before the first poll of wait_for_decision.
        {"match": {"method": "GET", "path": "/api/v1/actions/101/status"}, "times": 2,
         "respond": {"status": 200, "body": {"id": 101, "status": "approved", "risk_score": 72.0,
                                             "approved_by": "approver@example.com"}}},
        submit({"id": 102, "status": "approved", "risk_score": 20.0,
                "mcp_governance": {"server_registered": True, "server_name": "bloomberg-mcp"}}),
        submit({"id": 103, "status": "approved", "risk_score": 30.0,
                "model_governance": {"compliance_status": "approved"}}),
        submit({"id": 104, "status": "approved", "risk_score": 35.0}),
        {"match": {"method": "POST", "path": "/api/webhooks/configure"},
         "respond": {"status": 200, "body": {"id": "wh_1", "url": "https://your-system.com/ascend/events",
                                             "events": ["action.pending", "action.approved", "action.denied",
                                                        "agent.blocked"], "active": True}}},
    ])
    out = run_guide(GUIDES / "guide_000_first_governed_action.py", mock.url, tmp_path).stdout.splitlines()
    assert out == [
        "Decision: pending",
        "Risk Score: 72.0/100",
        "CVSS Score: 7.4",
        "MITRE Tactic: TA0040",
        "NIST Control: AC-3",
        "Queued for review. Action ID: 101",
        "HELPER execute_database_write",
        "Current decision: allowed",
        "True",
        "approved",
        "Webhook ID: wh_1",
    ]
    assert paths(mock) == ["POST /api/v1/actions/submit", "GET /api/v1/actions/101/status",
                           "GET /api/v1/actions/101/status", "POST /api/v1/actions/submit",
                           "POST /api/v1/actions/submit", "POST /api/v1/actions/submit", "POST /api/webhooks/configure"]
    first = mock.requests()[0][0]
    assert first["headers"]["authorization"] == "Bearer owkai_your_key_here"


def test_guide_002_reference_client(mock, tmp_path):
    mock.script([submit({"id": 12345, "agent_id": "customer-service-agent-001", "status": "approved",
                         "risk_score": 35.0, "risk_level": "low", "requires_approval": False,
                         "alert_triggered": False,
                         "message": "Action processed through platform workflow - Risk: 35.0"})])
    proc = run_guide(GUIDES / "guide_002_reference_client.py", mock.url, tmp_path, env_url=True)
    assert proc.stdout.splitlines() == ["Action ID: 12345", "Status: approved", "Risk Score: 35.0"]
    assert paths(mock) == ["POST /api/v1/actions/submit"]


def test_guide_002_production_example(mock, tmp_path):
    mock.script([submit({"id": 12346, "agent_id": "customer-service-001", "status": "approved",
                         "risk_score": 60.0, "risk_level": "medium", "requires_approval": False})])
    proc = run_guide(GUIDES / "guide_002_production_example.py", mock.url, tmp_path, env_url=True)
    assert proc.stdout.splitlines() == [
        "✅ Retrieved customer data: {'customer_id': '12345', 'name': 'John Doe', 'email': 'john@example.com', "
        "'support_tier': 'premium'}"]
    assert "Action 12346: approved (risk: 60.0)" in proc.stderr
    assert paths(mock) == ["POST /api/v1/actions/submit"]
    body = mock.requests()[0][0]["body"]
    assert '"risk_indicators": {"data_sensitivity": "medium", "pii_involved": true}' in body


@pytest.mark.parametrize("name", ["guide_000_first_governed_action.py", "guide_002_reference_client.py",
                                  "guide_002_production_example.py"])
def test_guide_files_compile(name):
    compile((GUIDES / name).read_text(), name, "exec")
