"""The Python glue of the clients against an in-process fake of ``ascend._native`` (see conftest).

Checks what the binding owns: argument names/encoding, result conversion, error translation, shims, lifecycle.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import warnings
from types import SimpleNamespace

import pytest

from ascend import _deprecation
from ascend.aio import AsyncAscendClient
from ascend.client import AscendClient, CircuitBreaker, CircuitState, FailMode
from ascend.exceptions import (
    CircuitBreakerOpen,
    ConfigurationError,
    ConnectionError,
    KillSwitchError,
    NotFoundError,
    ValidationError,
)
from ascend.models import (
    ActionContext,
    ActionDetails,
    AgentAction,
    AgentHealthStatus,
    AuditLogResponse,
    AuthorizationDecision,
    BulkEvaluationResult,
    Decision,
    PolicyEvaluationResult,
    RiskIndicators,
    Webhook,
    WebhookTestResult,
)
from conftest import FakeNativeError, native_client

SHIMS = {"submit_action", "send_heartbeat", "wait_for_approval", "get_agent", "register_agent"}
# Not one core call each: with_options makes a view, iter_actions pages through list_actions
# (tests/test_request_options_and_otel.py and tests/test_typing.py cover them on the real core).
LOCAL = {"close", "test_connection", "with_options", "iter_actions"}


def sample_args(fn):
    """Required parameters filled with a placeholder."""
    return {p.name: f"<{p.name}>" for p in inspect.signature(fn).parameters.values()
            if p.name != "self" and p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD}


ANSWERS = {
    AuthorizationDecision: {"action_id": "1", "decision": "allowed"},
    Webhook: {"webhook_id": "w1", "url": "https://x"},
    BulkEvaluationResult: {"total": 0, "succeeded": 0, "failed": 0, "results": []},
}
FORWARDED = sorted(n for n, _ in inspect.getmembers(AscendClient, inspect.isfunction)
                   if not n.startswith("_") and n not in SHIMS | LOCAL)


def test_construction_passes_every_parameter(fake_native):
    c = AscendClient("owkai_k", "a1", None, "https://h/", fail_mode=FailMode.OPEN, timeout=2.5,
                     audit_spool_path="/tmp/spool")
    params = native_client(c).params
    assert params == {"api_key": "owkai_k", "agent_id": "a1", "agent_name": None, "api_url": "https://h/",
                      "environment": "production", "fail_mode": "open", "timeout": 2.5,
                      "enable_circuit_breaker": True, "circuit_breaker_threshold": 5, "circuit_breaker_timeout": 30,
                      "signing_secret": None, "debug": False, "audit_spool_path": "/tmp/spool",
                      "prescore_rules_path": None, "local_auto_approve_below": None, "app_info": None,
                      "kill_switch_interval": None}
    # max_retries left at the peer's default is not passed: the core falls back to ASCEND_MAX_RETRIES, then 3.
    assert c.api_url == "https://h" and c.fail_mode is FailMode.OPEN and c.timeout == 2.5 and c.agent_name == "a1"
    assert fake_native.log_handlers  # core logs are forwarded to Python logging


def test_construction_error_is_configuration_and_value_error(fake_native):
    with pytest.raises(ValueError) as info:
        AscendClient()
    assert isinstance(info.value, ConfigurationError) and info.value.code == "CONFIGURATION_ERROR"
    assert str(info.value) == "[CONFIG_ERROR] API key is required"


def test_repr_hides_secrets_d19(client):
    text = repr(client) + str(client)
    assert "owkai_secret_key" not in text and "sig_secret" not in text and "agent_id='a1'" in text
    assert client.api_key == "owkai_secret_key" and client.signing_secret == "sig_secret"


@pytest.mark.parametrize("method", FORWARDED)
def test_every_method_forwards_by_python_names(client, method):
    fn = getattr(client, method)
    ret = inspect.signature(getattr(AscendClient, method)).return_annotation
    for model, answer in ANSWERS.items():
        if model.__name__ in str(ret):
            native_client(client).responses[method] = answer
    args = sample_args(fn)
    fn(**args)
    called, sent = native_client(client).calls[-1]
    assert called == method
    expected = {p: (args[p] if p in args else inspect.signature(fn).parameters[p].default)
                for p in inspect.signature(fn).parameters if p != "on_escalated"}  # callbacks never go as JSON
    assert sent == json.loads(json.dumps(expected))


def test_results_are_converted(client):
    fake = native_client(client)
    fake.responses.update({
        "evaluate_action": {"action_id": "7", "decision": "pending", "raw_status": "pending_approval"},
        "get_agent_status": {"agent_id": "a1", "status": "active"},
        "get_action_details": {"id": 7, "status": "approved"},
        "evaluate_policy": {"decision": "allow"},
        "query_audit_log": {"events": [], "total": 0},
        "list_webhooks": [{"id": 1, "url": "https://a"}],
        "test_webhook": {"success": True},
        "get_resource_classification": None,
        "is_blocked": True,
        "ack_command": True,
        "get_pending_commands": [{"command_id": "c1"}],
        "list_actions": {"actions": []},
    })
    assert client.evaluate_action("query", "db").decision is Decision.PENDING
    assert isinstance(client.get_agent_status(), AgentHealthStatus)
    assert isinstance(client.get_action_details(7), ActionDetails)
    assert isinstance(client.evaluate_policy("q", "r"), PolicyEvaluationResult)
    assert isinstance(client.query_audit_log(), AuditLogResponse)
    assert client.list_webhooks()[0]["webhook_id"] == 1
    assert isinstance(client.test_webhook("w"), WebhookTestResult)
    assert client.get_resource_classification("db") is None
    assert client.is_blocked() is True and client.ack_command("c1") is True
    assert client.get_pending_commands() == [{"command_id": "c1"}]
    assert client.list_actions() == {"actions": []}
    assert client.heartbeat() is None


def test_configure_webhook_returns_webhook_object(client):
    native_client(client).responses["configure_webhook"] = {"webhook_id": "wh_1", "url": "https://x",
                                                              "events": ["agent.blocked"]}
    hook = client.configure_webhook("https://x", ["agent.blocked"], secret="whsec")
    assert hook.webhook_id == "wh_1" and hook["webhook_id"] == "wh_1"


def test_objects_in_arguments_are_encoded(client):
    client.evaluate_action("query", "db", context=ActionContext(user_request="u", custom_fields={"k": 1}),
                           risk_indicators=RiskIndicators(pii_involved=True), business_justification="bj",
                           parameters={"amount": 35.0, "n": 35})
    _, sent = native_client(client).calls[-1]
    assert sent["context"] == {"user_request": "u", "k": 1}  # not lost on the wire (Q27)
    assert sent["risk_indicators"]["pii_involved"] is True
    raw = json.dumps(sent["parameters"])
    assert "35.0" in raw and '"n": 35' in raw  # int/float distinction kept


def test_unencodable_argument_is_local_validation_error(client):
    with pytest.raises(ValidationError) as info:
        client.evaluate_action("query", "db", parameters={"f": object()})
    assert info.value.field_errors == {"parameters": "Must be JSON-serialisable"}
    with pytest.raises(ValueError):
        client.evaluate_action("query", "db", parameters={"x": float("nan")})
    assert native_client(client).calls == []


def test_native_errors_are_translated_in_one_place(client):
    fake = native_client(client)
    fake.responses["evaluate_action"] = FakeNativeError("KILL_SWITCH", "blocked", None, None, {"reason": "r"})
    with pytest.raises(KillSwitchError) as info:
        client.evaluate_action("q", "r")
    assert info.value.reason == "r" and info.value.__cause__ is None
    fake.responses["get_mcp_server"] = FakeNativeError("NOT_FOUND", "no such server", 404, "asc_1", {})
    with pytest.raises(NotFoundError) as nf:
        client.get_mcp_server("x")
    assert nf.value.status_code == 404 and nf.value.correlation_id == "asc_1"
    fake.responses["get_action_status"] = FakeNativeError("CIRCUIT_OPEN", "open", None, None, {})
    with pytest.raises(ConnectionError) as co:
        client.get_action_status("1")
    assert isinstance(co.value, CircuitBreakerOpen)


def test_wait_for_decision_callback_gets_a_decision(client):
    seen = []
    native_client(client).responses["wait_for_decision"] = {"action_id": "5", "decision": "denied"}
    final = client.wait_for_decision(5, timeout=1, poll_interval=0.1,
                                     on_escalated=lambda aid, d: seen.append((aid, d.raw_status, d.decision)))
    assert final.decision is Decision.DENIED
    assert seen == [("5", "escalated", Decision.PENDING)]


def test_test_connection_success_and_failure(client):
    fake = native_client(client)
    fake.responses["test_connection"] = {"connected": True, "status": "connected", "latency_ms": 12.5,
                                         "api_version": "1.2", "environment": "prod", "organization": None,
                                         "agent_id": "a1", "fail_mode": "closed"}
    ok = client.test_connection()
    assert isinstance(ok, SimpleNamespace) and ok.connected and ok.latency == ok.latency_ms == 12.5
    fake.responses["test_connection"] = FakeNativeError("CONNECTION_ERROR", "Failed to connect")
    bad = client.test_connection()
    assert bad.connected is False and bad.status == "error" and bad.latency is None
    assert bad.error == "[CONNECTION_ERROR] Failed to connect" and bad.agent_id == "a1"
    assert bad.fail_mode == "closed" and bad.api_version == "unknown"  # Q28: same attributes as success


def fresh_warnings():
    for key in list(_deprecation._seen):
        if key.startswith("AscendClient."):
            _deprecation._seen.discard(key)


def test_submit_action_agent_action_keeps_mcp_and_model_q17(client, caplog):
    fresh_warnings()
    native_client(client).responses["evaluate_action"] = {"action_id": "1", "decision": "allowed"}
    action = AgentAction("other-agent", "Other", "query", "db", resource_id="r", action_details={"k": 1},
                         mcp_server_name="srv", model_id="m1", orchestration_depth=1)
    with pytest.warns(DeprecationWarning, match=r"submit_action\(\) is deprecated \[BUG-16\]"), \
            caplog.at_level(logging.WARNING, logger="ascend"):
        result = client.submit_action(action, wait_for_decision=False)
    assert result["status"] == "approved"
    _, sent = native_client(client).calls[-1]
    assert sent["parameters"] == {"k": 1} and sent["mcp_server_name"] == "srv" and sent["model_id"] == "m1"
    assert sent["wait_for_decision"] is False and sent["orchestration_depth"] == 1
    assert "other-agent" in caplog.text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.submit_action({"action_type": "q", "resource": "r", "parameters": {"p": 1}}, wait_for_decision=False)
    _, sent = native_client(client).calls[-1]
    assert sent["parameters"] == {"p": 1} and sent["wait_for_decision"] is False


def test_submit_action_keyword_form(client):
    fresh_warnings()
    with pytest.warns(DeprecationWarning):
        client.submit_action("query", "db", {"a": 1})
    assert native_client(client).calls[-1][1]["action_type"] == "query"
    with pytest.raises(TypeError):
        client.submit_action("query", "db", action_type="dup")
    client.submit_action(action_type="q", resource="r")
    assert native_client(client).calls[-1][1]["resource"] == "r"


def test_wait_for_approval_forwards_to_the_core_shim_q15(client):
    """The shim forwards its arguments as given; the core's ``wait_for_approval`` picks the timeout (Q15 is
    checked against the real core by the conformance case ``wait-for-approval-shim``)."""
    fresh_warnings()
    native_client(client).responses["wait_for_approval"] = {"action_id": "1", "decision": "allowed"}
    with pytest.warns(DeprecationWarning, match="DOC-DRIFT-APPROVAL"):
        client.wait_for_approval("1", timeout_seconds=9)
    assert native_client(client).calls[-1] == (
        "wait_for_approval", {"action_id": "1", "timeout": None, "timeout_seconds": 9, "poll_interval": None})
    client.wait_for_approval("1", timeout=3, poll_interval=0.5)
    assert native_client(client).calls[-1][1]["timeout"] == 3


def test_other_shims(client):
    fresh_warnings()
    fake = native_client(client)
    with pytest.warns(DeprecationWarning):
        client.send_heartbeat({"response_time_ms": 5}, error_rate=0.1, ignored=1)
    assert fake.calls[-1] == ("send_heartbeat", {"metrics": {"response_time_ms": 5, "error_rate": 0.1, "ignored": 1}})
    with pytest.warns(DeprecationWarning):
        client.get_agent()
    assert fake.calls[-1] == ("get_agent", {"agent_id": None})
    # The identity checks of get_agent/register_agent are the core's (conformance: register-agent-identity-mismatch).
    with pytest.warns(DeprecationWarning):
        client.register_agent("a1", capabilities=["x"])
    assert fake.calls[-1] == ("register_agent", {"agent_id": "a1", "agent_type": "supervised", "capabilities": ["x"],
                                                 "allowed_resources": None, "metadata": None})


def test_context_manager_closes(fake_native):
    with AscendClient(api_key="k") as c:
        assert isinstance(c, AscendClient)
    assert native_client(c).closed


def test_native_logs_are_forwarded_and_masked(client, caplog, fake_native):
    handler = fake_native.log_handlers[-1]
    with caplog.at_level(logging.WARNING, logger="ascend"):
        handler(logging.WARNING, "ascend_core::client", "retrying with Bearer owkai_xyz")
        handler(logging.DEBUG, "ascend_core::client", "hidden")
    record = caplog.records[-1]
    assert record.name == "ascend" and record.getMessage() == "retrying with Bearer ****"
    assert record.ascend_target == "ascend_core::client" and len(caplog.records) == 1


def test_circuit_breaker_wrapper(fake_native):
    b = CircuitBreaker(failure_threshold=2)
    assert b.state is CircuitState.CLOSED and b.allow_request() and b.half_open_max_calls == 3
    b.record_failure()
    b.record_failure()
    assert b.state is CircuitState.OPEN and not b.allow_request() and b.failures == 2
    b.reset()
    assert b.failures == 0


def test_async_client(fake_native):
    async def main():
        async with AsyncAscendClient(api_key="k", agent_id="a1") as c:
            native_client(c).responses["evaluate_action"] = {"action_id": "3", "decision": "allowed"}
            d = await c.evaluate_action("query", "db", wait_for_decision=False)
            assert d.decision is Decision.ALLOWED
            native_client(c).responses["get_action_status"] = FakeNativeError("NOT_FOUND", "gone", 404)
            with pytest.raises(NotFoundError):
                await c.get_action_status("3")
            native_client(c).responses["wait_for_decision"] = {"action_id": "3", "decision": "denied"}
            seen = []
            final = await c.wait_for_decision("3", on_escalated=lambda a, dec: seen.append(a))
            assert final.decision is Decision.DENIED and seen == ["3"]
            fresh_warnings()
            with pytest.warns(DeprecationWarning):
                await c.submit_action("q", "r")
            native_client(c).responses["test_connection"] = FakeNativeError("CONNECTION_ERROR", "down")
            bad = await c.test_connection()
            assert bad.connected is False and bad.status == "error" and bad.api_version == "unknown"
        return c

    c = asyncio.run(main())
    assert native_client(c).closed


def test_prescore_cvss_webhooks(fake_native):
    import ascend
    from ascend import cvss, webhooks
    from ascend.exceptions import WebhookVerificationError

    p = ascend.prescore(action_type="query", resource="db", context={"env": "prod"}, extra=1)
    assert p.risk_score == 35.0 and p.risk_level is ascend.RiskLevel.LOW and p.decision is Decision.ALLOWED
    assert p.raw["echo"] == {"action_type": "query", "resource": "db", "context": {"env": "prod"},
                             "risk_indicators": None, "extra": 1}
    s = cvss.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert s.base_score == 9.8 and s.severity == "Critical"
    headers = webhooks.sign(b'{"type":"action.approved"}', "s", msg_id="m")
    assert headers["webhook-id"] == "m"
    assert webhooks.verify(b'{"type":"x"}', headers, "s") == {"type": "x"}
    assert webhooks.verify(bytearray(b"{}"), list(headers.items()), ["old", "s"]) == {}
    with pytest.raises(WebhookVerificationError) as info:
        webhooks.verify(b"{}", headers, "wrong")
    assert info.value.code == "WEBHOOK_NO_MATCHING_SIGNATURE"


def test_prescore_options_and_webhook_extras_glue(fake_native, tmp_path):
    import ascend
    from ascend import webhooks
    from ascend.exceptions import WebhookVerificationError

    rules = tmp_path / "rules.toml"
    p = ascend.prescore("query", thresholds=ascend.Thresholds(deny_at=90), rules_path=rules, tool_name="psql")
    assert p.raw["echo"] == {"action_type": "query", "context": None, "risk_indicators": None, "tool_name": "psql"}
    assert p.raw["echo_thresholds"] == {"auto_approve_below": 70.0, "deny_at": 90}
    assert p.raw["echo_rules_path"] == str(rules)
    batch = ascend.prescore_batch([{"action_type": "a"}, {"action_type": "b"}], thresholds={"deny_at": 50})
    assert [b.raw["echo"]["action_type"] for b in batch] == ["a", "b"]
    assert batch[1].raw["echo_thresholds"] == {"deny_at": 50} and batch[1].raw["echo_rules_path"] is None

    cache = webhooks.ReplayCache(5)
    assert isinstance(cache._native, fake_native.ReplayCache) and cache.capacity == 5 and len(cache) == 0
    headers = webhooks.sign(b"{}", ["s", "t"], "m1", 7)
    assert webhooks.verify(b"{}", headers, "s", replay_cache=cache) == {} and len(cache) == 1
    with pytest.raises(WebhookVerificationError) as info:
        webhooks.verify(b"{}", headers, "s", replay_cache=cache)
    assert info.value.code == "WEBHOOK_REPLAYED"
    assert cache.forget("m1") and len(cache) == 0
    msg = webhooks.verify_signature(b"{}", headers, ["x", "s"], scheme="standard")
    assert msg == webhooks.VerifiedMessage("standard", "m1", 7)


def test_webhook_verify_refuses_text_before_native(monkeypatch):
    import sys

    from ascend import _native_loader, webhooks
    from ascend.exceptions import WebhookVerificationError

    monkeypatch.setitem(sys.modules, "ascend._native", None)
    monkeypatch.setattr(_native_loader, "_loaded", None)
    for payload in ('{"type": "x"}', {"type": "x"}):
        with pytest.raises(WebhookVerificationError) as info:
            webhooks.verify(payload, {}, "s")  # type: ignore[arg-type]
        assert info.value.code == "WEBHOOK_BODY_NOT_BYTES" and info.value.error_code == "WEBHOOK_BODY_NOT_BYTES"
