"""Hostile replies through the real extension, sync and async (DECISIONS D23), and webhook secrets given as bytes
(D25). The full matrix is the conformance suite (cases/hostile/, cases/webhooks/d25-*); these check the Python
surface: the exception classes raised, the decision objects returned, and the webhook glue."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest

from ascend.exceptions import ServerError, ValidationError, WebhookVerificationError
from ascend.models import Decision

SUBMIT = "/api/v1/actions/submit"
MCP = "/api/v1/mcp/actions/submit"
STATUS = "/api/v1/actions/5/status"

# (path, respond) -> every one is a 2xx reply without a usable verdict.
NO_VERDICT: List[Dict[str, Any]] = [
    {"status": 200, "body": {}},
    {"status": 204},
    {"status": 200, "body": None},
    {"status": 200, "body": [{"status": "approved"}]},
    {"status": 200, "body": "approved"},
    {"status": 200, "body": {"error": "boom"}},
    {"status": 200, "body": {"decision": 1}},
    {"status": 200, "body": {"status": ["approved"]}},
    {"status": 200, "body": {"decision": None, "status": None}},
]


def _script(mock: Any, path: str, respond: Dict[str, Any]) -> None:
    mock.script([{"match": {"path": path}, "respond": respond}])


def _kwargs(mock: Any, tmp_path: Path, mode: str) -> Dict[str, Any]:
    return {"api_key": "test-api-key-0001", "agent_id": "test-agent", "api_url": mock.url, "max_retries": 0,
            "fail_mode": mode, "audit_spool_path": str(tmp_path / f"spool-{mode}.jsonl")}


@pytest.mark.parametrize("mode", ["closed", "open", "local"])
@pytest.mark.parametrize("respond", NO_VERDICT, ids=lambda r: str(r.get("body", r.get("status"))))
def test_sync_mcp_and_submit_without_verdict_raise_server_error(mock: Any, tmp_path: Path, mode: str,
                                                                 respond: Dict[str, Any]) -> None:
    from ascend import AscendClient

    with AscendClient(**_kwargs(mock, tmp_path, mode)) as client:
        _script(mock, MCP, respond)
        with pytest.raises(ServerError) as mcp:
            client.evaluate_mcp_action("fs", "files", "read", "/tmp/x")
        _script(mock, SUBMIT, respond)
        with pytest.raises(ServerError) as submit:
            client.evaluate_action("query", "db", wait_for_decision=False)
        assert client._spool_pending() == 0  # no fail-mode decision was made
    for exc in (mcp.value, submit.value):
        assert exc.code == "SERVER_ERROR"
        assert exc.details.get("malformed_response") is True
        assert exc.status_code == respond["status"]


@pytest.mark.parametrize("mode", ["open", "local"])
def test_async_client_never_allows_without_a_clear_verdict(mock: Any, tmp_path: Path, mode: str) -> None:
    from ascend.aio import AsyncAscendClient

    async def main() -> List[Any]:
        outcomes: List[Any] = []
        async with AsyncAscendClient(**_kwargs(mock, tmp_path, mode)) as client:
            _script(mock, MCP, {"status": 200, "body": {}})
            with pytest.raises(ServerError):
                await client.evaluate_mcp_action("fs", "files", "read", "/tmp/x")
            _script(mock, SUBMIT, {"status": 200, "body": {"decision": "allowed", "status": "rejected"}})
            outcomes.append(await client.evaluate_action("query", "db", wait_for_decision=False))
            _script(mock, STATUS, {"status": 200, "body": {"id": 6, "status": "approved"}})
            with pytest.raises(ServerError):
                await client.get_action_status("5")
            _script(mock, STATUS, {"status": 200, "body": {"id": 5, "status": "\u0430pproved"}})
            outcomes.append(await client.get_action_status("5"))
        return outcomes

    conflict, homoglyph = asyncio.run(main())
    assert conflict.decision == Decision.DENIED and conflict.execution_allowed is False
    assert conflict.metadata["verdict_conflict"] == "decision=allowed, status=denied"
    assert homoglyph.decision == Decision.PENDING and homoglyph.execution_allowed is False


def test_sync_wait_refuses_a_reply_about_another_action(mock: Any, tmp_path: Path) -> None:
    from ascend import AscendClient

    mock.script([{"match": {"path": SUBMIT}, "respond": {"status": 200, "body": {"id": 5, "status": "pending"}}},
                 {"match": {"path": STATUS}, "respond": {"status": 200, "body": {"id": 6, "status": "approved"}}}])
    with AscendClient(**_kwargs(mock, tmp_path, "open")) as client, pytest.raises(ServerError) as exc:
        client.evaluate_action("query", "db", wait_for_decision=True, timeout=5)
    assert exc.value.details["reply_action_id"] == "6"


# -- D25: webhook secrets given as bytes ---------------------------------------------------------------------------

BODY = b'{"data": {"action_id": 5, "status": "approved"}, "id": "evt_1", "type": "action.approved"}'
NOW = 1767225600
SCHEMES = ["standard_webhooks", "ascend_v1", "ascend_stripe_style"]


def _sign(secret: Any, scheme: str) -> Dict[str, str]:
    from ascend import webhooks

    msg_id = "evt_1" if scheme == "standard_webhooks" else None
    return webhooks.sign(BODY, secret, msg_id, NOW, scheme=scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_one_byte_brute_force_of_a_bytes_secret_forges_nothing(scheme: str) -> None:
    from ascend import webhooks

    genuine = b"my-long-secret"
    headers = _sign(genuine, scheme)
    assert webhooks.verify_signature(BODY, headers, genuine, scheme=scheme, now=NOW).scheme == scheme
    assert webhooks.verify_signature(BODY, headers, "my-long-secret", scheme=scheme, now=NOW).scheme == scheme
    accepted = []
    for b in range(256):
        for key in (bytes([b]), str(b)):
            try:
                webhooks.verify_signature(BODY, _sign(key, scheme), genuine, scheme=scheme, now=NOW)
                accepted.append(key)
            except WebhookVerificationError as exc:
                assert exc.code == "WEBHOOK_NO_MATCHING_SIGNATURE"
    assert accepted == []


@pytest.mark.parametrize("bad", [109, None, {"k": "v"}, [b"ok", 1], [["nested"]], {b"set"}, 1.5])
@pytest.mark.parametrize("op", ["verify", "verify_signature", "sign"])
def test_secret_of_the_wrong_type_is_a_validation_error_naming_secret(op: str, bad: Any) -> None:
    from ascend import webhooks

    with pytest.raises(ValidationError) as exc:
        if op == "sign":
            webhooks.sign(BODY, bad, "evt_1", NOW)
        elif op == "verify":
            webhooks.verify(BODY, _sign("k", "standard_webhooks"), bad, now=NOW)
        else:
            webhooks.verify_signature(BODY, _sign("k", "standard_webhooks"), bad, now=NOW)
    assert "secret" in (exc.value.details.get("field_errors") or {})
    assert "nested" not in str(exc.value) and "ok" not in str(exc.value).split()


def test_bytearray_and_tuple_secrets_are_accepted() -> None:
    from ascend import webhooks

    headers = _sign(bytearray(b"\x00\xffkey"), "standard_webhooks")
    event = webhooks.verify(BODY, headers, ("old", b"\x00\xffkey"), now=NOW)
    assert event["id"] == "evt_1"
