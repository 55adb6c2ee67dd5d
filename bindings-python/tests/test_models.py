"""Models: enum formatting (D21), projections (BINDING_CONTRACT), dict-style access (D12), §6.3/§6.4 mappings."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ascend.client import CircuitState, FailMode
from ascend.exceptions import KillSwitchError, ValidationError
from ascend.models import (
    ActionContext,
    ActionDetails,
    ActionType,
    AgentAction,
    AgentHealthStatus,
    AuditLogResponse,
    AuthorizationDecision,
    BulkEvaluationResult,
    Decision,
    DecisionStatus,
    KillSwitchStatus,
    PolicyEvaluationResult,
    ResourceClassification,
    RiskIndicators,
    RiskLevel,
    Webhook,
    WebhookTestResult,
)

ENUMS = [Decision, DecisionStatus, RiskLevel, ActionType, FailMode, CircuitState]


@pytest.mark.parametrize("enum_cls", ENUMS, ids=[e.__name__ for e in ENUMS])
def test_enum_formatting_d21(enum_cls):
    for member in enum_cls:
        assert str(member) == member.value
        assert f"{member}" == member.value
        assert f"{member}" == member.value
        assert f"{member:>20}" == f"{member.value:>20}"
        assert repr(member) == f"{enum_cls.__name__}.{member.name}"
        assert member == member.value and json.dumps(member) == json.dumps(member.value)


def test_enum_lookup_is_case_insensitive_and_parse_never_raises():
    assert FailMode("OPEN") is FailMode.OPEN and FailMode.LOCAL.value == "local"
    assert RiskLevel.parse("Medium") is RiskLevel.MEDIUM
    assert RiskLevel.parse("moderate") is None and RiskLevel.parse(None) is None
    with pytest.raises(ValueError):
        FailMode("sideways")


PROJECTION = {
    "action_id": "12345", "decision": "allowed", "risk_score": 35.0, "risk_level": "low", "reason": "ok",
    "policy_violations": [], "conditions": ["c"], "approval_request_id": None, "required_approvers": [],
    "expires_at": None, "approved_by": "alice", "approved_at": "2025-12-03T10:30:00Z", "comments": None,
    "execution_allowed": True, "metadata": {"raw_status": "approved", "cvss_score": 3.1},
    "correlation_id": "asc_0123456789abcdef", "cvss_score": 3.1, "cvss_severity": "LOW", "cvss_vector": "CVSS:3.1/x",
    "mitre_tactic": "TA0009", "mitre_technique": "T1005", "nist_control": "AC-3", "nist_description": "Access",
    "code_analysis": None, "prompt_security": None, "mcp_governance": {"server_registered": True},
    "model_governance": {"compliance_status": "approved"}, "processing_time_ms": 12, "alert_triggered": False,
    "alert_id": None, "workflow_id": None, "policy_decision": None, "matched_policies": 0, "matched_smart_rules": 0,
    "output_scan_result": None, "output_findings_count": None, "thresholds": {"auto_approve": 70},
    "enforcement_decision": "auto_approved", "enforcement_decision_source": "threshold", "risk_score_source": "cvss",
    "shadow_enforcement_decision": None, "shadow_enforcement_decision_source": None,
    "status": "approved", "raw_status": "approved", "risk_level_raw": None,
    "raw": {"id": 12345, "status": "approved", "risk_score": 35.0},
}


def test_decision_from_projection():
    d = AuthorizationDecision._from_projection(PROJECTION)
    assert d.action_id == "12345" and d.decision is Decision.ALLOWED and d.risk_level is RiskLevel.LOW
    assert d.execution_allowed and d.mcp_governance["server_registered"] is True
    assert d.model_governance["compliance_status"] == "approved" and d.thresholds == {"auto_approve": 70}
    assert d.status == "approved" and d.raw_status == "approved" and d.risk_level_raw is None
    assert d.raw["id"] == 12345 and d.approved_at == "2025-12-03T10:30:00Z"
    assert f"Decision: {d.decision}" == "Decision: allowed"


def test_decision_projection_keeps_unknown_strings_d6():
    proj = {"action_id": 7, "decision": "pending", "risk_level": None, "risk_level_raw": "moderate",
            "raw_status": "in_review", "metadata": {}}
    d = AuthorizationDecision._from_projection(proj)
    assert d.action_id == "7" and d.decision is Decision.PENDING and d.risk_level is None
    assert d.risk_level_raw == "moderate" and d.raw_status == "in_review" and d.status == "pending_approval"
    odd = AuthorizationDecision._from_projection({"action_id": None, "decision": "weird", "risk_level": "MEDIUM"})
    assert odd.action_id == "" and odd.decision is Decision.PENDING and odd.risk_level is RiskLevel.MEDIUM


@pytest.mark.parametrize("raw", [
    {"id": 12345, "status": "approved", "risk_score": 35.0, "risk_level": "low", "reason": "ok"},
    {"id": 7, "status": "in_review", "risk_level": "moderate", "policy_violations": None, "conditions": ["mfa"]},
    {"action_id": "a-1", "decision": "denied", "risk_score": 97, "risk_level": "CRITICAL", "metadata": None,
     "required_approvers": ["sec"], "mcp_governance": {"server_registered": True}, "execution_allowed": 1},
    {"status": "weird"},
    {},
])
def test_decision_fast_path_equals_general_path(raw):
    """Every governed call takes the fast path of ``_from_projection`` (the core's full projection); it must build
    exactly what the general path builds from the same projection."""
    import types

    from ascend._native import normalise_decision
    from ascend.models import _PROJECTION_KEYS

    proj = json.loads(normalise_decision(json.dumps(raw)))
    assert proj.keys() == _PROJECTION_KEYS, "the core's projection no longer matches the fast path's keys"
    fast = AuthorizationDecision._from_projection(proj)
    general = AuthorizationDecision._from_projection(types.MappingProxyType(proj))  # not a dict: general path
    assert fast.__dict__ == general.__dict__
    assert (fast.status, fast.raw_status, fast.risk_level_raw, fast.raw) == \
        (general.status, general.raw_status, general.risk_level_raw, general.raw)
    # What invoke returns: the instance built in Rust (convert.rs decision_to_object) is the same object.
    import ascend._native as native

    native.set_decision_types(AuthorizationDecision, Decision, RiskLevel)  # what the loader does (first wins)
    built = native._decision_object(json.dumps(raw))
    assert type(built) is AuthorizationDecision
    assert built.__dict__ == general.__dict__ and built == general


def test_status_property_table():
    want = {Decision.PENDING: "pending_approval", Decision.ALLOWED: "approved", Decision.DENIED: "denied",
            Decision.AUTO_APPROVED: "approved", Decision.EXECUTED: "approved"}
    for decision, status in want.items():
        d = AuthorizationDecision("1", decision)
        assert d.status == status and d.raw_status == status and d.raw == {}


def test_dict_style_access_d12():
    d = AuthorizationDecision._from_projection(PROJECTION)
    assert d["status"] == "approved" and d["id"] == "12345" and d["action_id"] == "12345"
    assert d["decision"] == "allowed" and d["decision"] is Decision.ALLOWED and d["risk_score"] == 35.0
    assert d["reason"] == "ok" and d.get("reason") == "ok" and d.get("error") is None
    assert d.get("nope", "dflt") == "dflt" and "status" in d and "nope" not in d
    with pytest.raises(KeyError):
        d["nope"]


def test_decision_dataclass_behaviour():
    a = AuthorizationDecision("1", Decision.DENIED, 90.0)
    assert a == AuthorizationDecision(action_id="1", decision=Decision.DENIED, risk_score=90.0)
    assert dataclasses.asdict(a)["decision"] == "denied" and len(dataclasses.fields(a)) == 42
    assert a.policy_violations == [] and a.policy_violations is not AuthorizationDecision("2", "x").policy_violations


def test_from_dict_needs_core_normaliser(fake_native):
    d = AuthorizationDecision.from_dict({"id": 9, "status": "approved", "risk_score": 35.0})
    assert d.action_id == "9" and d.decision is Decision.ALLOWED and d.raw["status"] == "approved"


def test_from_dict_without_extension_raises_import_error(monkeypatch):
    import sys

    from ascend import _native_loader

    monkeypatch.setitem(sys.modules, "ascend._native", None)  # makes the import fail
    monkeypatch.setattr(_native_loader, "_loaded", None)
    with pytest.raises(ImportError, match="maturin"):
        AuthorizationDecision.from_dict({"status": "approved"})


def test_agent_action_to_dict_matches_protocol_example():
    action = AgentAction("a1", "Agent One", "database_write", "customer_db", resource_id="r1",
                         action_details={"b": 1, "a": "é"}, context=ActionContext(user_request="u"),
                         risk_indicators=RiskIndicators(pii_involved=True), mcp_server_name=" bloomberg-mcp ",
                         model_id="m1", orchestration_depth=0)
    body = action.to_dict()
    assert list(body) == ["agent_id", "agent_name", "action_type", "resource", "resource_id", "action_details",
                          "context", "risk_indicators", "orchestration_depth", "mcp_server_name", "model_id"]
    assert body["mcp_server_name"] == "bloomberg-mcp" and body["context"] == {"user_request": "u"}
    assert body["risk_indicators"] == {"pii_involved": True, "financial_data": False, "external_transfer": False,
                                       "data_sensitivity": "low", "compliance_flags": []}
    minimal = AgentAction("a", "A", "query", "db").to_dict()
    assert minimal == {"agent_id": "a", "agent_name": "A", "action_type": "query", "resource": "db"}
    with pytest.raises(ValidationError):
        AgentAction("a", "A", "q", "r", mcp_server_name="   ").to_dict()


def test_action_context_to_dict():
    ctx = ActionContext(user_request="r", session_id="", ip_address="1.2.3.4", custom_fields={"session_id": "s"})
    assert ctx.to_dict() == {"user_request": "r", "ip_address": "1.2.3.4", "session_id": "s"}


def test_other_models_from_dict():
    assert KillSwitchStatus.from_dict({}) == KillSwitchStatus(False)
    assert PolicyEvaluationResult.from_dict({}).decision == "unknown"
    rc = ResourceClassification.from_dict({"id": 3, "resource_type": "db", "sensitivity_level": "high"})
    assert rc.resource_id == 3 and rc.compliance_tags == []
    log = AuditLogResponse.from_dict({"logs": [{"id": "e1", "event_type": "x", "timestamp": "t"}], "limit": 10})
    assert log.total == 1 and log.page == 1 and log.page_size == 10 and log.events[0].event_id == "e1"
    assert AgentHealthStatus.from_dict({}).status == "unknown"
    assert WebhookTestResult.from_dict({"status_code": 200}).success is False


def test_action_details_never_crashes_on_unknown_status_d6():
    d = ActionDetails.from_dict({"id": 5, "status": "pending_approval", "risk_score": 70.0})
    assert d.action_id == "5" and d.status is DecisionStatus.PENDING and d.raw_status == "pending_approval"
    assert ActionDetails.from_dict({"action_id": "x", "status": "approved"}).status is DecisionStatus.APPROVED


def test_webhook_attribute_and_item_access_d12():
    w = Webhook.from_dict({"id": 17, "url": "https://x", "events": ["agent.blocked"], "secret": "whsec_abc",
                           "success": True})
    assert w.webhook_id == 17 and w["webhook_id"] == 17 and w["url"] == "https://x" and w["success"] is True
    assert w.get("missing") is None and "events" in w and "success" in w and set(w.keys()) >= {"webhook_id", "url"}
    assert "whsec_abc" not in repr(w)  # D19
    with pytest.raises(KeyError):
        w["missing"]


def test_bulk_projection_d15():
    proj = {"total": 2, "succeeded": 1, "failed": 1, "results": [
        {"action_type": "query", "resource": "db", "decision": {"action_id": "1", "decision": "allowed"},
         "error": None, "succeeded": True},
        {"action_type": "write", "resource": "db", "decision": None, "succeeded": False,
         "error": {"code": "KILL_SWITCH", "message": "blocked", "status_code": None, "correlation_id": None,
                   "details": {"reason": "incident"}}},
    ]}
    bulk = BulkEvaluationResult._from_projection(proj)
    assert (bulk.total, bulk.succeeded, bulk.failed) == (2, 1, 1)
    first, second = bulk.results
    assert first.decision.decision is Decision.ALLOWED and first.error is None and first.succeeded
    assert isinstance(second.error, KillSwitchError) and second.error.reason == "incident" and not second.succeeded
    assert BulkEvaluationResult._from_projection({"results": []}) == BulkEvaluationResult()
