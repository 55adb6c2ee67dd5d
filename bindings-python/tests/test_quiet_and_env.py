"""Issue 14: quiet by default, ``ASCEND_LOG=debug`` request lines, env fallbacks, ``app_info=``, missing agent id."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from conftest import requires_native

pytestmark = requires_native

# A first-ten-minutes session: the in-process dev server, one governed call, one status read, a CLOSED-mode call
# to a closed port (it raises; nothing may be logged for it at the default level).
SCRIPT = r"""
import socket, sys
from ascend import AscendClient, FailMode
from ascend.exceptions import OWKAIError
from ascend.testing import DevServer

with DevServer() as srv:
    client = srv.client(agent_id="quiet-agent", audit_spool_path=sys.argv[1] + "/a.jsonl")
    d = client.evaluate_action(action_type="data_access", resource="db", wait_for_decision=False)
    client.get_action_status(d.action_id)
    print("decision", d.decision.value)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
closed = AscendClient(api_key="owkai_test_0001", agent_id="quiet-agent", api_url=f"http://127.0.0.1:{port}",
                      fail_mode=FailMode.CLOSED, max_retries=0, enable_circuit_breaker=False,
                      audit_spool_path=sys.argv[1] + "/b.jsonl")
try:
    closed.evaluate_action(action_type="data_access", resource="db")
except OWKAIError as e:
    print("raised", type(e).__name__)
"""


def run_session(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ASCEND_", "OWKAI_"))}
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_nothing_is_printed_to_stderr_by_default(tmp_path: Path) -> None:
    done = run_session(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "decision " in done.stdout and "raised " in done.stdout, done.stdout
    assert done.stderr == "", done.stderr


def test_ascend_log_debug_prints_one_line_per_request(tmp_path: Path) -> None:
    done = run_session(tmp_path, ASCEND_LOG="debug")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if " request method=" in line]
    submit = [line for line in lines if "path=/api/v1/actions/submit " in line]
    status = [line for line in lines if "/status " in line and "method=GET" in line]
    assert len(submit) == 2 and len(status) == 1, done.stderr
    for line in submit[:1] + status:
        assert "DEBUG ascend" in line and "status=200" in line, line
        for field in ("latency_ms=", "attempt=0", "correlation_id="):
            assert field in line, line
    # The failed attempt of the CLOSED client: no response (status 0) and its error code.
    assert "status=0" in submit[1] and "code=CONNECTION_ERROR" in submit[1], submit[1]
    assert "owkai_" not in done.stderr.replace("owkai_****", "")


def client_with(tmp_path: Path, **kwargs: Any) -> Any:
    from ascend import AscendClient

    args: Dict[str, Any] = {"api_key": "owkai_test_0001", "agent_id": "env-agent", "api_url": "http://127.0.0.1:9",
                            "audit_spool_path": str(tmp_path / "s.jsonl"), **kwargs}
    return AscendClient(**args)


def test_env_vars_are_fallbacks_after_arguments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ascend import FailMode

    monkeypatch.setenv("ASCEND_TIMEOUT", "2.5")
    monkeypatch.setenv("ASCEND_MAX_RETRIES", "7")
    monkeypatch.setenv("ASCEND_FAIL_MODE", "open")
    c = client_with(tmp_path)
    assert (c.timeout, c.max_retries, c.fail_mode) == (2.5, 7, FailMode.OPEN)
    c = client_with(tmp_path, timeout=1.5, max_retries=1, fail_mode=FailMode.CLOSED)
    assert (c.timeout, c.max_retries, c.fail_mode) == (1.5, 1, FailMode.CLOSED)
    for name in ("ASCEND_TIMEOUT", "ASCEND_MAX_RETRIES", "ASCEND_FAIL_MODE"):
        monkeypatch.delenv(name)
    c = client_with(tmp_path)
    assert (c.timeout, c.max_retries, c.fail_mode) == (5, 3, FailMode.CLOSED)


@pytest.mark.parametrize("name,value", [("ASCEND_TIMEOUT", "soon"), ("ASCEND_TIMEOUT", "0"),
                                        ("ASCEND_MAX_RETRIES", "-1"), ("ASCEND_FAIL_MODE", "sideways")])
def test_a_bad_env_value_is_a_configuration_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            name: str, value: str) -> None:
    from ascend.exceptions import ConfigurationError

    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        client_with(tmp_path)
    assert name in str(info.value)


def test_app_info_is_keyword_only_and_goes_into_the_user_agent(mock: Any, tmp_path: Path) -> None:
    import inspect

    from ascend import AscendClient, AsyncAscendClient

    for cls in (AscendClient, AsyncAscendClient):
        p = inspect.signature(cls).parameters["app_info"]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None
    mock.script([{"match": {"path": "/api/v1/actions/5/status"}, "respond": {"status": 200,
                                                                              "body": {"status": "approved"}}}])
    c = client_with(tmp_path, api_url=mock.url, app_info="my-agent/1.2")
    c.get_action_status("5")
    requests, _ = mock.requests()
    agent = requests[-1]["headers"]["user-agent"]
    assert agent.startswith("ascend-sdk-rs/") and agent.endswith(" my-agent/1.2"), agent


MISSING_AGENT = r"""
from ascend import AscendClient
for _ in range(3):
    AscendClient(api_key="owkai_test_0001", api_url="http://127.0.0.1:9", audit_spool_path=__import__("sys").argv[1])
"""


def test_a_missing_agent_id_is_warned_about_once(tmp_path: Path) -> None:
    def run(agent: Optional[str]) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ASCEND_", "OWKAI_"))}
        if agent:
            env["ASCEND_AGENT_ID"] = agent
        done = subprocess.run([sys.executable, "-c", MISSING_AGENT, str(tmp_path / "s.jsonl")], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stderr

    stderr = run(None)
    assert stderr.count("no agent_id configured") == 1, stderr
    assert "ASCEND_AGENT_ID" in stderr
    assert run("from-env") == ""
