"""``ascend.testing.DevServer``: the dev server in-process, driven through ``AscendClient`` like a user's test would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any, Dict

import pytest

from conftest import requires_native

pytestmark = requires_native


def get_json(url: str, headers: Dict[str, str]) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return json.loads(response.read())


# Run in a fresh interpreter: this test process may have loaded the dev server module already.
IMPORT_ISOLATION = r"""
import importlib, pkgutil, sys
import ascend
from ascend import *  # noqa: F403

def loaded():
    return "ascend._devserver" in sys.modules

for info in pkgutil.walk_packages(ascend.__path__, "ascend."):
    if info.name not in ("ascend.testing", "ascend._devserver") and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
ascend._native_loader.load_native()
client = ascend.AscendClient(api_key="owkai_test_isolation", api_url="http://127.0.0.1:9", agent_id="iso",
                             max_retries=0)
client.close()
assert not loaded(), "importing and using ascend loaded ascend._devserver"
import ascend.testing
assert not loaded(), "importing ascend.testing loaded ascend._devserver before a DevServer started"
with ascend.testing.DevServer() as server:
    assert loaded()
    c = server.client()
    assert c.evaluate_action(action_type="query", resource="db", wait_for_decision=False).decision == "allowed"
    c.close()
print("isolated")
"""


def test_importing_ascend_never_loads_the_devserver_module():
    done = subprocess.run([sys.executable, "-c", IMPORT_ISOLATION], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "isolated"


@pytest.fixture
def server() -> Any:
    from ascend.testing import DevServer

    with DevServer() as srv:
        yield srv


def test_context_manager_serves_on_a_free_loopback_port():
    from ascend.testing import DevServer

    with DevServer(api_key="owkai_test_key", admin_token="adm_test") as srv:
        assert srv.running
        assert srv.url.startswith("http://127.0.0.1:") and not srv.url.endswith(":0")
        assert (srv.api_key, srv.admin_token) == ("owkai_test_key", "adm_test")
        assert get_json(srv.url + "/health", {})
        assert "owkai_test_key" not in repr(srv) and "adm_test" not in repr(srv)
    assert not srv.running
    srv.stop()  # idempotent
    with pytest.raises(OSError):
        get_json(srv.url + "/health", {})


def test_generated_credentials_and_start_stop():
    from ascend.testing import DevServer

    srv = DevServer().start()
    try:
        assert srv.api_key.startswith("owkai_test_") and srv.admin_token.startswith("adm_test_")
        other = DevServer().start()
        assert (other.api_key, other.admin_token) != (srv.api_key, srv.admin_token)
        other.stop()
        with pytest.raises(RuntimeError):
            srv.start()
    finally:
        srv.stop()
    with pytest.raises(RuntimeError):
        _ = DevServer().url


def test_full_lifecycle_through_ascend_client(server):
    from ascend import AscendClient, Decision, FailMode
    from ascend.exceptions import ConflictError, NotFoundError

    client = server.client(agent_id="finance-bot", agent_name="Finance Bot", fail_mode=FailMode.CLOSED)
    assert isinstance(client, AscendClient)
    try:
        # Low risk: allowed at once.
        allowed = client.evaluate_action(action_type="query", resource="customer_db", wait_for_decision=False)
        assert allowed.decision == Decision.ALLOWED and allowed.risk_score is not None and allowed.risk_score < 70

        # High risk: pending; a reviewer approves while wait_for_decision runs in a thread.
        pending = client.evaluate_action(action_type="transaction", resource="payments", wait_for_decision=False,
                                         context={"amount": 5000})
        assert pending.decision == Decision.PENDING
        box: Dict[str, Any] = {}

        def wait() -> None:
            box["final"] = client.wait_for_decision(action_id=pending.action_id, timeout=30, poll_interval=0.2)

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(0.3)
        assert waiter.is_alive()
        action = server.approve(pending.action_id, comment="Looks right")
        assert action["status"] == "approved" and action["reason"] == "Looks right"
        waiter.join(timeout=30)
        assert not waiter.is_alive()
        assert box["final"].decision == Decision.ALLOWED and box["final"].reason == "Looks right"
        assert client.get_action_status(pending.action_id).decision == Decision.ALLOWED
        with pytest.raises(ConflictError):
            server.approve(pending.action_id)

        # Deny.
        second = client.evaluate_action(action_type="data_modification", resource="customer_records",
                                        wait_for_decision=False)
        assert second.decision == Decision.PENDING
        assert server.deny(int(second.action_id), "Not during the freeze")["status"] == "rejected"
        denied = client.get_action_status(second.action_id)
        assert denied.decision == Decision.DENIED and denied.reason == "Not during the freeze"
        with pytest.raises(NotFoundError):
            server.deny("999999", "no such action")

        # MCP: an unregistered server is a governance 403 -> DENIED; a registered one passes.
        shadow = client.evaluate_action(action_type="tool_call", resource="market_data",
                                        mcp_server_name="shadow-mcp", wait_for_decision=False)
        assert shadow.decision == Decision.DENIED
        client.register_mcp_server(server_name="bloomberg-mcp", display_name="Bloomberg")
        mcp = client.evaluate_action(action_type="tool_call", resource="market_data",
                                     mcp_server_name="bloomberg-mcp", wait_for_decision=False)
        assert mcp.mcp_governance["server_registered"] is True

        # Model governance: registered and approved vs unknown.
        model = server.add_model("llama-3-fine-tuned", "approved", name="Llama 3")
        assert model["compliance_status"] == "approved"
        governed = client.evaluate_action(action_type="model_inference", resource="underwriting_pipeline",
                                          model_id="llama-3-fine-tuned", wait_for_decision=False)
        assert governed.model_governance["compliance_status"] == "approved"
        unknown = client.evaluate_action(action_type="model_inference", resource="underwriting_pipeline",
                                         model_id="unvetted-model", wait_for_decision=False)
        assert unknown.decision == Decision.DENIED
    finally:
        client.close()


def test_deny_at_and_thresholds():
    from ascend import Decision
    from ascend.testing import DevServer

    with DevServer(deny_at=90, auto_approve_below=40) as srv:
        client = srv.client()
        try:
            critical = client.evaluate_action(action_type="system_operation", resource="production_cluster",
                                              wait_for_decision=False)
            assert critical.decision == Decision.DENIED
            assert client.evaluate_action(action_type="query", resource="db",
                                          wait_for_decision=False).decision == Decision.ALLOWED
        finally:
            client.close()


def test_two_servers_at_once_are_independent():
    from ascend import Decision
    from ascend.exceptions import AuthenticationError
    from ascend.testing import DevServer

    with DevServer() as a, DevServer() as b:
        assert a.url != b.url and a.api_key != b.api_key
        ca, cb = a.client(), b.client(max_retries=0)
        try:
            pa = ca.evaluate_action(action_type="transaction", resource="payments", wait_for_decision=False)
            pb = cb.evaluate_action(action_type="transaction", resource="payments", wait_for_decision=False)
            assert pa.decision == pb.decision == Decision.PENDING
            a.approve(pa.action_id)
            assert ca.get_action_status(pa.action_id).decision == Decision.ALLOWED
            assert cb.get_action_status(pb.action_id).decision == Decision.PENDING
            wrong = b.client(api_key=a.api_key, max_retries=0)
            with pytest.raises(AuthenticationError):
                wrong.evaluate_action(action_type="query", resource="db", wait_for_decision=False)
            wrong.close()
        finally:
            ca.close()
            cb.close()


def test_file_database_survives_a_restart(tmp_path):
    from ascend import Decision
    from ascend.testing import DevServer

    db = str(tmp_path / "dev.db")
    with DevServer(db=db, api_key="owkai_k", admin_token="adm_k") as srv:
        client = srv.client()
        pending = client.evaluate_action(action_type="transaction", resource="payments", wait_for_decision=False)
        client.close()
    with DevServer(db=db, api_key="owkai_k", admin_token="adm_k") as srv:
        srv.approve(pending.action_id)
        client = srv.client()
        assert client.get_action_status(pending.action_id).decision == Decision.ALLOWED
        client.close()


def test_bad_parameters_are_sdk_errors():
    from ascend.exceptions import ConfigurationError, ValidationError
    from ascend.testing import DevServer

    with pytest.raises(ValidationError):
        DevServer(deny_at=150).start()
    with pytest.raises(ConfigurationError):
        DevServer(db="/nonexistent-dir/x/dev.db").start()
    with DevServer() as srv, pytest.raises(ValidationError):
        srv.approve("not-a-number")


def test_stopped_server_refuses_reviews():
    from ascend.exceptions import OWKAIError
    from ascend.testing import DevServer

    srv = DevServer().start()
    srv.stop()
    with pytest.raises(OWKAIError):
        srv.approve("1")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_leaves_the_parents_server_alone():
    from ascend import Decision
    from ascend.exceptions import ConnectionError as AscendConnectionError
    from ascend.testing import DevServer

    with DevServer() as srv:
        client = srv.client()
        pending = client.evaluate_action(action_type="transaction", resource="payments", wait_for_decision=False)
        pid = os.fork()
        if pid == 0:  # child: no review through, and no stop of, the parent's server
            code = 0
            try:
                code |= 1 if srv.running else 0
                try:
                    srv.approve(pending.action_id)
                    code |= 2
                except AscendConnectionError:
                    pass
                srv.stop()
            except BaseException:
                code |= 4
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert srv.running
        srv.approve(pending.action_id)
        assert client.get_action_status(pending.action_id).decision == Decision.ALLOWED
        client.close()
