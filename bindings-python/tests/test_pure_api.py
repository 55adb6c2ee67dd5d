"""The public pure API beyond the conformance cases: ``ascend.prescore``/``prescore_batch`` with thresholds and
rules files, ``ascend.webhooks.verify``/``verify_signature``/``sign`` with schemes, rotated secrets and a
``ReplayCache``. Against the real extension (the glue tests with the fake one are in test_client_glue.py)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List

import pytest

from conftest import requires_native

pytestmark = requires_native

BODY = b'{"type": "action.approved", "data": {"action_id": 42}}'
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEW_SECRET = "whsec_c2VjcmV0LWZvci1jb25mb3JtYW5jZS10ZXN0cw=="
T0 = 1_767_225_600


# -- prescore ------------------------------------------------------------------------------------------------------

def test_prescore_thresholds_dict_and_dataclass() -> None:
    import ascend
    from ascend import Decision, Thresholds

    default = ascend.prescore("system_operation", "cluster")
    assert default.risk_score == 95.0 and default.decision is Decision.PENDING
    assert ascend.prescore("system_operation", "cluster", thresholds={"deny_at": 90}).decision is Decision.DENIED
    assert ascend.prescore("system_operation", "cluster",
                           thresholds=Thresholds(auto_approve_below=96)).decision is Decision.ALLOWED
    assert ascend.prescore("query", "customer_profiles",
                           thresholds=Thresholds(auto_approve_below=10, deny_at=None)).decision is Decision.PENDING


@pytest.mark.parametrize(("thresholds", "field"), [
    ({"deny_at": 101}, "deny_at"),
    ({"auto_approve_below": "70"}, "auto_approve_below"),
    ([70], "thresholds"),
])
def test_prescore_bad_thresholds_name_the_field(thresholds: Any, field: str) -> None:
    import ascend
    from ascend.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        ascend.prescore("query", "db", thresholds=thresholds)
    assert info.value.code == "VALIDATION_ERROR"
    assert field in info.value.details.get("field_errors", {}), info.value.details


def test_prescore_nan_threshold_is_refused_locally() -> None:
    import ascend
    from ascend.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        ascend.prescore("query", "db", thresholds={"deny_at": float("nan")})
    assert "thresholds" in info.value.details["field_errors"]


def test_prescore_rules_file_json_and_toml(tmp_path: Path) -> None:
    import ascend

    js = tmp_path / "rules.json"
    js.write_text(json.dumps({"action_types": {"crm.export": {"extends": "data_export", "risk": 90}}}))
    toml = tmp_path / "rules.toml"
    toml.write_text('[action_types."crm.export"]\nextends = "data_export"\nrisk = 91\n')
    assert ascend.prescore("crm.export", "crm", rules_path=js).raw["action_category"] == "crm_export"  # normalised
    assert ascend.prescore("crm.export", "crm", rules_path=str(js)).risk_score == 90.0
    assert ascend.prescore("crm.export", "crm", rules_path=toml).risk_score == 91.0
    assert ascend.prescore("crm.export", "crm").raw["action_category"] != "crm_export"


def test_prescore_rules_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    import ascend

    path = tmp_path / "rules.json"
    for risk in (80, 81, 82):
        path.write_text(json.dumps({"action_types": {"query": {"risk": risk}}}))
        assert ascend.prescore("query", "db", rules_path=path).risk_score == float(risk)


def test_bad_rules_file_names_the_line(tmp_path: Path) -> None:
    import ascend
    from ascend.exceptions import ValidationError

    path = tmp_path / "rules.toml"
    path.write_text('version = 1\n\n[action_types.x]\nextends = "query"\nrisk = "high"\n')
    with pytest.raises(ValidationError) as info:
        ascend.prescore("query", "db", rules_path=path)
    assert info.value.details["line"] == 5 and info.value.details["format"] == "toml"
    assert "line 5" in str(info.value)

    path = tmp_path / "rules.json"
    path.write_text('{\n  "action_types": {\n    "x": {"extends": "query",}\n  }\n}\n')
    with pytest.raises(ValidationError) as info:
        ascend.prescore_batch([{"action_type": "query"}], rules_path=path)
    assert info.value.details["line"] == 3


def test_bad_rules_document_names_the_field(tmp_path: Path) -> None:
    import ascend
    from ascend.exceptions import ValidationError

    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"action_types": {"x": {"extends": "query", "mitre_tactic": "Collection"}}}))
    with pytest.raises(ValidationError) as info:
        ascend.prescore("query", "db", rules_path=path)
    assert info.value.details["field"] == "action_types.x.mitre_tactic"


def test_missing_rules_file_is_a_configuration_error(tmp_path: Path) -> None:
    import ascend
    from ascend.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        ascend.prescore("query", "db", rules_path=tmp_path / "absent.json")
    assert info.value.code == "CONFIGURATION_ERROR"
    assert "prescore_rules_path" in str(info.value.details)


def test_prescore_batch_order_thresholds_and_bad_item() -> None:
    import ascend
    from ascend import Decision
    from ascend.exceptions import ValidationError

    results = ascend.prescore_batch(
        [{"action_type": "query", "resource": "customer_profiles"}, {"action_type": "system_operation"}],
        thresholds={"deny_at": 90})
    assert [r.decision for r in results] == [Decision.ALLOWED, Decision.DENIED]
    assert [r.raw["action_category"] for r in results] == ["query", "system_operation"]
    assert results[0] == ascend.prescore("query", "customer_profiles")
    assert ascend.prescore_batch([]) == []
    assert len(ascend.prescore_batch(iter([{"action_type": "query"}] * 3))) == 3
    with pytest.raises(ValidationError) as info:
        ascend.prescore_batch([{"action_type": "query"}, {"resource": "x"}])
    assert info.value.details["index"] == 1 and "action_type" in info.value.details["field_errors"]
    with pytest.raises(ValidationError) as info:
        ascend.prescore_batch([{"action_type": "query"}, "query"])  # type: ignore[list-item]
    assert info.value.details["index"] == 1


# -- webhooks ------------------------------------------------------------------------------------------------------

def test_replay_cache_refuses_a_second_delivery() -> None:
    from ascend import webhooks
    from ascend.exceptions import WebhookVerificationError

    cache = webhooks.ReplayCache()
    assert cache.capacity == 10_000 and len(cache) == 0 and cache
    headers = webhooks.sign(BODY, SECRET, "msg_once", T0)
    event = webhooks.verify(BODY, headers, SECRET, replay_cache=cache, now=T0 + 5)
    assert event["id"] == "msg_once" and len(cache) == 1 and cache.contains("msg_once", now=T0)
    with pytest.raises(WebhookVerificationError) as info:
        webhooks.verify(BODY, headers, SECRET, replay_cache=cache, now=T0 + 6)
    assert info.value.code == "WEBHOOK_REPLAYED" and info.value.details["id"] == "msg_once"
    # without the cache (or after forget) the same delivery verifies again
    assert webhooks.verify(BODY, headers, SECRET, now=T0 + 6)["id"] == "msg_once"
    assert cache.forget("msg_once") and not cache.forget("msg_once")
    assert webhooks.verify(BODY, headers, SECRET, replay_cache=cache, now=T0 + 7)["id"] == "msg_once"
    cache.clear()
    assert len(cache) == 0 and "msg_once" not in cache


def test_replay_cache_only_records_verified_events_and_is_shared_across_threads() -> None:
    from ascend import webhooks
    from ascend.exceptions import WebhookVerificationError

    cache = webhooks.ReplayCache(capacity=50)
    headers = webhooks.sign(BODY, SECRET, "msg_race", T0)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, headers, "whsec_" + "A" * 32, replay_cache=cache, now=T0)
    assert len(cache) == 0
    wins: List[int] = []

    def deliver() -> None:
        try:
            webhooks.verify(BODY, headers, SECRET, replay_cache=cache, now=T0)
            wins.append(1)
        except WebhookVerificationError as exc:
            assert exc.code == "WEBHOOK_REPLAYED"

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins == [1]


def test_replay_cache_remember_and_capacity() -> None:
    from ascend import webhooks
    from ascend.exceptions import ValidationError

    cache = webhooks.ReplayCache(2)
    assert cache.remember("a", T0 + 300, now=T0) and not cache.remember("a", T0 + 300, now=T0 + 1)
    assert cache.remember("b", T0 + 100, now=T0) and cache.remember("c", T0 + 200, now=T0)
    assert len(cache) == 2 and not cache.contains("b", now=T0)  # the entry closest to expiry was evicted
    assert not cache.contains("a", now=T0 + 301)
    for bad in (0, -1, True, "10"):
        with pytest.raises(ValidationError):
            webhooks.ReplayCache(bad)  # type: ignore[arg-type]


def test_sign_verify_round_trip_with_rotated_secrets() -> None:
    from ascend import webhooks

    headers = webhooks.sign(BODY, [SECRET, NEW_SECRET], "msg_rot", T0)
    assert list(headers) == ["webhook-id", "webhook-timestamp", "webhook-signature"]
    assert headers["webhook-signature"].count("v1,") == 2
    # a receiver with either secret (old, new, or both) accepts it
    for secrets in ([SECRET], [NEW_SECRET], [NEW_SECRET, SECRET]):
        assert webhooks.verify(BODY, headers, secrets, now=T0)["action_id"] == "42"
    message = webhooks.verify_signature(BODY, headers, NEW_SECRET, now=T0 + 300)
    assert message == webhooks.VerifiedMessage("standard_webhooks", "msg_rot", T0)


@pytest.mark.parametrize("scheme", ["ascend_v1", "ascend_stripe_style", "stripe", "Standard-Webhooks"])
def test_sign_verify_every_scheme(scheme: str) -> None:
    from ascend import webhooks
    from ascend.exceptions import WebhookVerificationError

    body = b'{"id": "evt_1", "type": "action.pending", "data": {"action_id": 7}}'
    headers = webhooks.sign(body, "ascend-webhook-secret", timestamp=datetime.fromtimestamp(T0, timezone.utc),
                            scheme=scheme)
    event = webhooks.verify(body, headers, "ascend-webhook-secret", scheme=scheme, now=T0)
    assert event["action_id"] == "7"
    assert webhooks.verify_signature(body, headers, "ascend-webhook-secret", now=T0).timestamp_unix == T0
    other = "ascend_v1" if "stripe" in scheme.lower() or "standard" in scheme.lower() else "standard_webhooks"
    with pytest.raises(WebhookVerificationError) as info:  # a pinned scheme ignores the other schemes' headers
        webhooks.verify(body, headers, "ascend-webhook-secret", scheme=other, now=T0)
    assert info.value.code == "WEBHOOK_MISSING_HEADER"


def test_time_window_and_now_forms() -> None:
    from ascend import webhooks
    from ascend.exceptions import WebhookVerificationError

    headers = webhooks.sign(BODY, SECRET, "msg_t", T0)
    assert webhooks.verify_signature(BODY, headers, SECRET, 10, now=T0 + 10.9).msg_id == "msg_t"
    assert webhooks.verify(BODY, headers, SECRET, now_unix=T0)["id"] == "msg_t"
    assert webhooks.verify(BODY, headers, SECRET, now=datetime(2026, 1, 1, 0, 1))["id"] == "msg_t"  # naive = UTC
    with pytest.raises(WebhookVerificationError) as info:
        webhooks.verify_signature(BODY, headers, SECRET, 10, now=T0 + 11)
    assert info.value.code == "WEBHOOK_TIMESTAMP_TOO_OLD"
    with pytest.raises(WebhookVerificationError) as info:
        webhooks.verify(BODY, headers, SECRET, 10, now=T0 - 11)
    assert info.value.code == "WEBHOOK_TIMESTAMP_IN_FUTURE"


def test_bad_arguments_are_validation_errors() -> None:
    from ascend import webhooks
    from ascend.exceptions import ValidationError

    headers = webhooks.sign(BODY, SECRET, "msg_v", T0)
    with pytest.raises(ValidationError) as info:
        webhooks.verify(BODY, headers, SECRET, scheme="hmac", now=T0)
    assert "scheme" in info.value.details["field_errors"]
    with pytest.raises(ValidationError) as info:
        webhooks.verify_signature(BODY, headers, SECRET, -1, now=T0)
    assert "tolerance_seconds" in info.value.details["field_errors"]
    with pytest.raises(ValidationError) as info:
        webhooks.sign(BODY, SECRET, "msg_x", scheme="ascend_v1")  # only Standard Webhooks carries an id
    assert "msg_id" in info.value.details["field_errors"]
    with pytest.raises(ValidationError):
        webhooks.sign(BODY, [SECRET, NEW_SECRET], scheme="ascend_v1")  # X-Signature carries one signature
    with pytest.raises(ValidationError):
        webhooks.verify(BODY, headers, SECRET, now=T0, now_unix=T0)
    with pytest.raises(ValidationError):
        webhooks.verify(BODY, headers, SECRET, now="now")  # type: ignore[arg-type]


@pytest.mark.parametrize("body", ['{"type": "x"}', {"type": "x"}, ["x"], None, 42])
@pytest.mark.parametrize("op", ["verify", "verify_signature", "sign"])
def test_non_bytes_bodies_are_refused_before_the_core(body: Any, op: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from ascend import _native_loader, webhooks
    from ascend.exceptions import WebhookVerificationError

    monkeypatch.setitem(sys.modules, "ascend._native", None)  # any native call would fail with ImportError
    monkeypatch.setattr(_native_loader, "_loaded", None)
    fn = getattr(webhooks, op)
    args = (body, SECRET) if op == "sign" else (body, {}, SECRET)
    with pytest.raises(WebhookVerificationError) as info:
        fn(*args)
    assert info.value.code == "WEBHOOK_BODY_NOT_BYTES" and info.value.details["got"] == type(body).__name__


def test_verified_webhook_event_wakes_wait_for_decision(mock, real_client):
    """``client.deliver_webhook_event(event)`` makes a waiting ``wait_for_decision`` re-poll at once."""
    import threading
    import time

    from ascend import Decision, webhooks

    mock.script([
        {"match": {"method": "GET", "path": "/api/v1/actions/9/status"},
         "respond": {"status": 200, "body": {"status": "pending"}}},
        {"match": {"method": "GET", "path": "/api/v1/actions/9/status"}, "repeat": True,
         "respond": {"status": 200, "body": {"id": 9, "status": "approved"}}},
    ])
    outcome = {}

    def wait() -> None:
        started = time.perf_counter()
        outcome["decision"] = real_client.wait_for_decision("9", timeout=120, poll_interval=60.0).decision
        outcome["seconds"] = time.perf_counter() - started

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.time() + 10
    while not mock.requests()[0] and time.time() < deadline:
        time.sleep(0.01)
    body = b'{"type": "action.approved", "data": {"action_id": 9, "status": "approved"}}'
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    event = webhooks.verify(body, webhooks.sign(body, secret, msg_id="msg_9"), secret)
    assert real_client.deliver_webhook_event(event) is True
    waiter.join(30)
    assert outcome["decision"] == Decision.ALLOWED
    assert outcome["seconds"] < 30, "the waiter slept its 60 s poll interval instead of waking"
    assert len(mock.requests()[0]) == 2
    assert real_client.deliver_webhook_event({"type": "agent.blocked", "data": {}}) is False
