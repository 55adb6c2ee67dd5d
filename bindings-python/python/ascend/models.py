"""Data models of the ASCEND SDK (PROTOCOL §6, DECISIONS D6/D12/D15/D21).

Results of the Rust core arrive as JSON projections (docs/BINDING_CONTRACT.md); ``_from_projection`` turns them into
these dataclasses. Status normalisation is the core's job: ``AuthorizationDecision.from_dict`` delegates to
``ascend._native.normalise_decision``.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import datetime
from enum import Enum
from types import SimpleNamespace
from typing import Any, Callable, Dict, Iterator, List, Literal, Mapping, Optional, Tuple, Type, TypedDict, TypeVar

from ._native_loader import native_call
from .exceptions import OWKAIError, ValidationValueError, from_native
from .exceptions import ValidationError as ValidationError  # the peer's ascend.models re-exports it

__all__ = [
    "WireEnum",
    "ActionType",
    "DecisionStatus",
    "Decision",
    "RiskLevel",
    "RiskIndicators",
    "ActionContext",
    "AgentAction",
    "AuthorizationDecision",
    "ActionDetails",
    "KillSwitchStatus",
    "PolicyEvaluationResult",
    "ResourceClassification",
    "AuditEvent",
    "AuditLogResponse",
    "AgentHealthStatus",
    "Webhook",
    "WebhookTestResult",
    "BulkActionResult",
    "BulkEvaluationResult",
    "MCPGovernance",
    "ModelGovernance",
    "ActionSummary",
    "ActionPage",
    "ConnectionStatus",
]


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: enums by value, datetimes as ISO text, models and exceptions by ``to_dict()``,
    dataclasses field by field, mappings and sequences element-wise."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return plain(to_dict())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


class Model:
    """``to_dict()`` and ``to_json()`` for the result models (a ``to_dict`` of the model's own wins)."""

    def to_dict(self) -> Dict[str, Any]:
        """The fields as JSON-ready data (enums by value, nested models as dicts).

        Returns:
            A new ``dict`` keyed by field name.

        Raises:
            Nothing: Local conversion of the fields.
        """
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    def to_json(self, **kwargs: Any) -> str:
        """``json.dumps(self.to_dict(), **kwargs)``.

        Args:
            kwargs: Passed to :func:`json.dumps` (``indent``, ``sort_keys``, ...).

        Returns:
            The JSON text.

        Raises:
            TypeError: A field holds a value JSON cannot carry, or ``kwargs`` are not valid for :func:`json.dumps`.
        """
        return json.dumps(plain(self.to_dict()), **kwargs)


class MCPGovernance(TypedDict, total=False):
    """``AuthorizationDecision.mcp_governance``: the platform's MCP-server check (documented keys; the server may
    send more, kept as they are)."""

    server_registered: bool
    server_name: str
    server_status: str
    governance_enabled: bool
    tool_allowed: bool
    reason: str


class ModelGovernance(TypedDict, total=False):
    """``AuthorizationDecision.model_governance``: the platform's model-registry check (documented keys; the server
    may send more, kept as they are)."""

    registry_checked: bool
    compliance_status: Literal["approved", "partially_approved", "denied"]
    model_id: str
    model_registered: bool
    reason: str

_E = TypeVar("_E", bound="WireEnum")
_R = TypeVar("_R")


class WireEnum(str, Enum):
    """A ``str`` enum that formats as its wire value on every Python version (D21).

    ``Decision.ALLOWED == "allowed"``, ``str(Decision.ALLOWED) == f"{Decision.ALLOWED}" == "allowed"`` and
    ``repr(Decision.ALLOWED) == "Decision.ALLOWED"``. Lookup by value is case-insensitive.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    @classmethod
    def _missing_(cls, value: object) -> Optional[WireEnum]:
        if isinstance(value, str):
            wanted = value.strip().lower()
            for member in cls:
                if member.value == wanted:
                    return member
        return None

    @classmethod
    def parse(cls: Type[_E], value: Any) -> Optional[_E]:
        """The member for ``value`` (case-insensitive), or ``None`` when it is unknown or empty.

        Args:
            value: A member, or its wire string.

        Returns:
            The member, or ``None``.

        Raises:
            Nothing: An unknown value gives ``None``.
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, str) or not value:
            return None
        try:
            return cls(value)
        except ValueError:
            return None


class ActionType(WireEnum):
    """Convenience action types (``action_type`` itself is free text on the wire)."""

    DATA_ACCESS = "data_access"
    DATA_MODIFICATION = "data_modification"
    TRANSACTION = "transaction"
    RECOMMENDATION = "recommendation"
    COMMUNICATION = "communication"
    SYSTEM_OPERATION = "system_operation"
    QUERY = "query"
    ANALYSIS = "analysis"
    REPORT_GENERATION = "report_generation"
    API_CALL = "api_call"


class DecisionStatus(WireEnum):
    """Legacy status enum of :class:`ActionDetails`."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    REQUIRES_MODIFICATION = "requires_modification"
    TIMEOUT = "timeout"
    AUTO_APPROVED = "auto_approved"
    ESCALATED = "escalated"


class Decision(WireEnum):
    """The normalised verdict of an action. Proceed only on ``ALLOWED``."""

    ALLOWED = "allowed"
    DENIED = "denied"
    PENDING = "pending"
    AUTO_APPROVED = "auto_approved"
    EXECUTED = "executed"


class RiskLevel(WireEnum):
    """Risk level of an action."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


_STATUS_OF_DECISION = {
    Decision.PENDING: "pending_approval",
    Decision.ALLOWED: "approved",
    Decision.DENIED: "denied",
    Decision.AUTO_APPROVED: "approved",
    Decision.EXECUTED: "approved",
}


@dataclass
class RiskIndicators(Model):
    """Client-side risk hints sent as ``risk_indicators``."""

    pii_involved: bool = False
    financial_data: bool = False
    external_transfer: bool = False
    data_sensitivity: str = "low"
    amount_threshold: Optional[str] = None
    compliance_flags: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        """All fields in declaration order except those that are ``None``.

        Returns:
            A new ``dict``.

        Raises:
            Nothing: Local conversion of the fields.
        """
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass
class ActionContext(Model):
    """Structured ``context`` of an action; ``custom_fields`` are merged on top."""

    user_request: Optional[str] = None
    session_id: Optional[str] = None
    ip_address: Optional[str] = None
    user_agent: Optional[str] = None
    timestamp: Optional[str] = None
    custom_fields: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        """The five named keys that are truthy, in order, then every custom field.

        Returns:
            A new ``dict``.

        Raises:
            Nothing: Local conversion of the fields.
        """
        out = {name: getattr(self, name) for name in ("user_request", "session_id", "ip_address", "user_agent",
                                                     "timestamp") if getattr(self, name)}
        out.update(self.custom_fields)
        return out


def _as_wire(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def _stripped(name: str, value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    text = str(value).strip()
    if not text:
        raise ValidationValueError(f"{name} must be a non-empty string.",
                                   field_errors={name: "Must be a non-empty string"})
    return text


@dataclass
class AgentAction(Model):
    """An action description (used by the deprecated ``submit_action(AgentAction)`` form)."""

    agent_id: str
    agent_name: str
    action_type: str
    resource: str
    resource_id: Optional[str] = None
    action_details: Optional[Dict[str, Any]] = None
    context: Optional[ActionContext] = None
    risk_indicators: Optional[RiskIndicators] = None
    orchestration_session_id: Optional[str] = None
    parent_action_id: Optional[int] = None
    orchestration_depth: Optional[int] = None
    mcp_server_name: Optional[str] = None
    model_id: Optional[str] = None

    def to_dict(self) -> Dict[str, Any]:
        """The submit body of PROTOCOL §5.a.1 built from these fields (risk fields are never emitted).

        Returns:
            A new ``dict``: ``agent_id``, ``agent_name``, ``action_type``, ``resource`` and the optional fields
            that are set.

        Raises:
            Nothing: Local conversion of the fields.
        """
        body: Dict[str, Any] = {"agent_id": self.agent_id, "agent_name": self.agent_name,
                                "action_type": self.action_type, "resource": self.resource}
        if self.resource_id:
            body["resource_id"] = self.resource_id
        if self.action_details:
            body["action_details"] = dict(self.action_details)
        if self.context:
            body["context"] = _as_wire(self.context)
        if self.risk_indicators:
            body["risk_indicators"] = _as_wire(self.risk_indicators)
        for name in ("orchestration_session_id", "parent_action_id", "orchestration_depth"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        for name in ("mcp_server_name", "model_id"):
            value = _stripped(name, getattr(self, name))
            if value:
                body[name] = value
        for risky in ("risk_score", "riskScore", "risk_level"):
            body.pop(risky, None)
        return body


def _native_normalise(data: Mapping[str, Any]) -> Dict[str, Any]:
    """Run the core's decision normaliser (DECISIONS D5/D6/D8) on a raw server payload."""
    text: str = native_call(lambda n: n.normalise_decision(json.dumps(data)))
    result: Dict[str, Any] = json.loads(text)
    return result


def _parse_record(kind: str, data: Mapping[str, Any]) -> Dict[str, Any]:
    """The core's parse of a raw server payload as the record ``kind`` (``model::parse_record``): the one place the
    models' defaults and fallbacks live (PROTOCOL §6.4)."""
    text: str = native_call(lambda n: n.parse_record(kind, json.dumps(dict(data), default=str)))
    result: Dict[str, Any] = json.loads(text)
    return result


def _record_from_projection(cls: Type[_R], proj: Mapping[str, Any]) -> _R:
    """A record dataclass from the core's projection of it (same field names; extra projection keys ignored)."""
    return cls(**{name: proj[name] for name in _field_names(cls) if name in proj})


_FIELD_NAMES_OF: Dict[type, Tuple[str, ...]] = {}


def _field_names(cls: type) -> Tuple[str, ...]:
    """Dataclass field names of ``cls``, computed once per class (``fields()`` is slow on a hot path)."""
    names = _FIELD_NAMES_OF.get(cls)
    if names is None:
        names = _FIELD_NAMES_OF[cls] = tuple(f.name for f in fields(cls))
    return names


_DEFAULTS_OF: Dict[type, Tuple[Dict[str, Any], Tuple[Tuple[str, Callable[[], Any]], ...]]] = {}


def _instance_defaults(cls: type) -> Tuple[Dict[str, Any], Tuple[Tuple[str, Callable[[], Any]], ...]]:
    """``(plain defaults, (name, default_factory) pairs)`` of the dataclass ``cls``, computed once per class."""
    cached = _DEFAULTS_OF.get(cls)
    if cached is None:
        plain = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
        factories = tuple((f.name, f.default_factory) for f in fields(cls) if f.default_factory is not MISSING)
        cached = _DEFAULTS_OF[cls] = (plain, factories)
    return cached


def _parse_member(enum: Type[_E], value: Any) -> Optional[_E]:
    """``enum.parse(value)`` with a fast path for an exact wire value (the core's projections are normalised)."""
    member = enum._value2member_map_.get(value) if type(value) is str else None
    return member if member is not None else enum.parse(value)  # type: ignore[return-value]


_DECISION_KEYS = {"id": "action_id", "action_id": "action_id", "decision": "decision", "risk_score": "risk_score",
                  "status": "status", "raw_status": "raw_status"}


@dataclass
class AuthorizationDecision(Model):
    """The answer to a governed action. Proceed only when ``decision == Decision.ALLOWED``.

    Besides attributes, supports ``result["status"]``, ``["id"]``, ``["action_id"]``, ``["decision"]``,
    ``["risk_score"]`` (and any field name) plus ``.get()`` (D12 item 8).
    """

    action_id: str
    decision: Decision
    risk_score: Optional[float] = None
    risk_level: Optional[RiskLevel] = None
    reason: Optional[str] = None
    policy_violations: List[str] = field(default_factory=list)
    conditions: List[str] = field(default_factory=list)
    approval_request_id: Optional[str] = None
    required_approvers: List[str] = field(default_factory=list)
    expires_at: Optional[str] = None
    approved_by: Optional[str] = None
    approved_at: Optional[datetime] = None
    comments: Optional[str] = None
    execution_allowed: bool = False
    metadata: Dict[str, Any] = field(default_factory=dict)
    correlation_id: Optional[str] = None
    cvss_score: Optional[float] = None
    cvss_severity: Optional[str] = None
    cvss_vector: Optional[str] = None
    mitre_tactic: Optional[str] = None
    mitre_technique: Optional[str] = None
    nist_control: Optional[str] = None
    nist_description: Optional[str] = None
    code_analysis: Optional[Dict[str, Any]] = None
    prompt_security: Optional[Dict[str, Any]] = None
    # Typed as the mapping, so that code which passed `mcp_server_name=` / `model_id=` can index the result as the
    # first guide does (`result.mcp_governance["server_registered"]`) under `mypy --strict`. At run time the value is
    # None when the reply carries no such object, as in the peer: check `if result.mcp_governance:` when the server
    # may leave it out.
    mcp_governance: MCPGovernance = None  # type: ignore[assignment]
    model_governance: ModelGovernance = None  # type: ignore[assignment]
    processing_time_ms: Optional[int] = None
    alert_triggered: Optional[bool] = None
    alert_id: Optional[int] = None
    workflow_id: Optional[int] = None
    policy_decision: Optional[str] = None
    matched_policies: Optional[int] = None
    matched_smart_rules: Optional[int] = None
    output_scan_result: Optional[str] = None
    output_findings_count: Optional[int] = None
    thresholds: Optional[Dict[str, Any]] = None
    enforcement_decision: Optional[str] = None
    enforcement_decision_source: Optional[str] = None
    risk_score_source: Optional[str] = None
    shadow_enforcement_decision: Optional[str] = None
    shadow_enforcement_decision_source: Optional[str] = None

    @property
    def status(self) -> str:
        """``pending_approval`` | ``approved`` | ``denied``, derived from :attr:`decision`."""
        return _STATUS_OF_DECISION.get(Decision.parse(self.decision) or Decision.PENDING, "pending_approval")

    @property
    def raw_status(self) -> str:
        """The server's own status string (``metadata["raw_status"]``), else :attr:`status`."""
        raw = self.metadata.get("raw_status") if isinstance(self.metadata, dict) else None
        if raw:
            return str(raw)
        return str(self.__dict__.get("_raw_status") or self.status)

    @property
    def risk_level_raw(self) -> Optional[str]:
        """The server's ``risk_level`` string when it is not a known :class:`RiskLevel` (D6), else ``None``
        (the core's projection; conformance case ``normalise/risk-level-known``)."""
        raw = self.__dict__.get("_risk_level_raw")
        return None if raw is None else str(raw)

    @property
    def raw(self) -> Dict[str, Any]:
        """The whole server response this decision was built from (``{}`` for synthetic decisions)."""
        raw = self.__dict__.get("_raw")
        return raw if isinstance(raw, dict) else {}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuthorizationDecision:
        """Build a decision from a raw server payload (normalised by the Rust core: D5/D6/D8).

        Args:
            data: The server's decision object.

        Returns:
            The :class:`AuthorizationDecision`; unknown statuses and missing fields get the core's defaults.

        Raises:
            TypeError: ``data`` holds a value JSON cannot carry.
        """
        return cls._from_projection(_native_normalise(data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> AuthorizationDecision:
        """Build a decision from the core's JSON projection (docs/BINDING_CONTRACT.md)."""
        if type(proj) is dict and cls is AuthorizationDecision and proj.keys() == _PROJECTION_KEYS:
            return _decision_from_full_projection(proj)
        names = _field_names(cls)
        kwargs: Dict[str, Any] = {name: proj[name] for name in names if name in proj}
        action_id = proj.get("action_id")
        kwargs["action_id"] = "" if action_id is None else str(action_id)
        kwargs["decision"] = _parse_member(Decision, proj.get("decision")) or Decision.PENDING
        kwargs["risk_level"] = _parse_member(RiskLevel, proj.get("risk_level"))
        for name in _LIST_FIELDS:
            kwargs[name] = list(kwargs.get(name) or [])
        kwargs["metadata"] = dict(kwargs.get("metadata") or {})
        kwargs["execution_allowed"] = bool(kwargs.get("execution_allowed", False))
        # Fill the instance dict directly instead of running the generated 42-parameter __init__. Every field is
        # set: the plain defaults first, then the projection's values.
        plain, factories = _instance_defaults(cls)
        state = dict(plain)
        state.update(kwargs)
        for name, factory in factories:
            if name not in state:
                state[name] = factory()
        decision = cls.__new__(cls)
        decision.__dict__.update(state)
        risk_level_raw = proj.get("risk_level_raw")
        if risk_level_raw is None and proj.get("risk_level") is not None and decision.risk_level is None:
            risk_level_raw = proj.get("risk_level")
        decision.__dict__["_risk_level_raw"] = risk_level_raw
        decision.__dict__["_raw_status"] = proj.get("raw_status")
        decision.__dict__["_raw"] = proj.get("raw")
        return decision

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise KeyError(key)
        name = _DECISION_KEYS.get(key, key)
        if name in _DECISION_KEYS.values() or name in _FIELD_NAMES:
            return getattr(self, name)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in _DECISION_KEYS or key in _FIELD_NAMES)

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style read: the value for ``key``, else ``default``.

        Args:
            key: A field name, or one of the peer's keys (``status``, ``id``).
            default: What to return when ``key`` is unknown.

        Returns:
            The value, or ``default``.

        Raises:
            Nothing: An unknown key gives ``default``.
        """
        try:
            return self[key]
        except KeyError:
            return default


_FIELD_NAMES = frozenset(f.name for f in fields(AuthorizationDecision))
_LIST_FIELDS = ("policy_violations", "conditions", "required_approvers")
# The keys of the core's decision projection: every field, plus the derived ``status`` and three private values.
_PROJECTION_KEYS = _FIELD_NAMES | {"status", "raw_status", "risk_level_raw", "raw"}


def _decision_from_full_projection(proj: Dict[str, Any]) -> AuthorizationDecision:
    """The hot path of :meth:`AuthorizationDecision._from_projection` (every governed call): the projection has
    exactly the expected keys, so its values become the instance dict after the few conversions the slow path
    applies (same result, about a third of the time)."""
    state = dict(proj)
    del state["status"]
    risk_level_raw = state.pop("risk_level_raw")
    raw_status = state.pop("raw_status")
    raw = state.pop("raw")
    action_id = state["action_id"]
    if type(action_id) is not str:
        state["action_id"] = "" if action_id is None else str(action_id)
    state["decision"] = _parse_member(Decision, state["decision"]) or Decision.PENDING
    level = state["risk_level"]
    member = state["risk_level"] = _parse_member(RiskLevel, level)
    for name in _LIST_FIELDS:
        if type(state[name]) is not list:
            state[name] = list(state[name] or [])
    if type(state["metadata"]) is not dict:
        state["metadata"] = dict(state["metadata"] or {})
    state["execution_allowed"] = bool(state["execution_allowed"])
    if risk_level_raw is None and level is not None and member is None:
        risk_level_raw = level
    state["_risk_level_raw"] = risk_level_raw
    state["_raw_status"] = raw_status
    state["_raw"] = raw
    decision = AuthorizationDecision.__new__(AuthorizationDecision)
    decision.__dict__.update(state)
    return decision


@dataclass
class ActionDetails(Model):
    """Full record of one action (``get_action_details``)."""

    action_id: str
    agent_id: str
    agent_name: str
    action_type: str
    resource: str
    resource_id: Optional[str]
    status: DecisionStatus
    risk_score: Optional[float]
    created_at: Optional[datetime]
    updated_at: Optional[datetime]
    audit_trail: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def raw_status(self) -> Optional[str]:
        """The server's status string, also when it is not a :class:`DecisionStatus` value (D6)."""
        raw = self.__dict__.get("_raw_status")
        return str(raw) if raw is not None else str(self.status)

    @property
    def status_raw(self) -> Optional[str]:
        """Same as :attr:`raw_status` (the core's projection name)."""
        return self.raw_status

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionDetails:
        """Parse the server's action record (the core's parse; unknown statuses through D5/D6).

        Args:
            data: The server's JSON object.

        Returns:
            An :class:`ActionDetails`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("ActionDetails", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> ActionDetails:
        """Build from the core's projection (``status`` a :class:`DecisionStatus` value, ``status_raw`` as sent)."""
        details = _record_from_projection(cls, {**proj, "status": DecisionStatus(proj["status"]),
                                                "audit_trail": list(proj.get("audit_trail") or [])})
        details.__dict__["_raw_status"] = proj.get("status_raw")
        return details


@dataclass
class KillSwitchStatus(Model):
    """Kill-switch state of the API key's scope."""

    blocked: bool
    reason: Optional[str] = None
    activated_at: Optional[str] = None
    activated_by: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KillSwitchStatus:
        """Parse a raw server payload (the core's parse:
        ``blocked`` (default False), ``reason``, ``activated_at``, ``activated_by``).

        Args:
            data: The server's JSON object.

        Returns:
            A :class:`KillSwitchStatus`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("KillSwitchStatus", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> KillSwitchStatus:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class PolicyEvaluationResult(Model):
    """Result of ``evaluate_policy``."""

    decision: str
    matched_policies: List[Dict[str, Any]] = field(default_factory=list)
    violations: List[str] = field(default_factory=list)
    risk_score: Optional[float] = None
    evaluation_time_ms: Optional[int] = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicyEvaluationResult:
        """Parse a raw server payload (the core's parse:
        ``decision`` defaults to ``"unknown"``; other keys are same-named).

        Args:
            data: The server's JSON object.

        Returns:
            A :class:`PolicyEvaluationResult`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("PolicyEvaluationResult", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> PolicyEvaluationResult:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class ResourceClassification(Model):
    """Data classification of a resource type."""

    resource_id: str
    resource_type: str
    sensitivity_level: str
    compliance_tags: List[str] = field(default_factory=list)
    metadata: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResourceClassification:
        """Parse a raw server payload (the core's parse:
        ``resource_id`` else ``id``; string fields default to ``""``).

        Args:
            data: The server's JSON object.

        Returns:
            A :class:`ResourceClassification`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("ResourceClassification", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> ResourceClassification:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class AuditEvent(Model):
    """One audit-log entry."""

    event_id: str
    event_type: str
    timestamp: str
    actor: Optional[str] = None
    resource: Optional[str] = None
    action: Optional[str] = None
    outcome: Optional[str] = None
    details: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEvent:
        """Parse a raw server payload (the core's parse:
        ``event_id`` else ``id``; ``event_type``/``timestamp`` default to ``""``).

        Args:
            data: The server's JSON object.

        Returns:
            An :class:`AuditEvent`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("AuditEvent", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> AuditEvent:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class AuditLogResponse(Model):
    """A page of audit events."""

    events: List[AuditEvent] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditLogResponse:
        """Parse a raw server payload (the core's parse: events from ``events``, else ``logs``, else ``items``;
        ``page_size`` from ``page_size`` else ``limit``).

        Args:
            data: The server's JSON object.

        Returns:
            An :class:`AuditLogResponse` (its events as :class:`AuditEvent`).

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("AuditLogResponse", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> AuditLogResponse:
        """Build from the core's projection (its events as :class:`AuditEvent`)."""
        events = [AuditEvent._from_projection(e) for e in proj.get("events") or []]
        return cls(events, proj["total"], proj["page"], proj["page_size"])


@dataclass
class AgentHealthStatus(Model):
    """Health record of this agent."""

    agent_id: str
    status: str
    last_heartbeat: Optional[str] = None
    uptime_seconds: Optional[int] = None
    metadata: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AgentHealthStatus:
        """Parse a raw server payload (the core's parse:
        ``agent_id`` defaults to ``""``, ``status`` to ``"unknown"``).

        Args:
            data: The server's JSON object.

        Returns:
            An :class:`AgentHealthStatus`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("AgentHealthStatus", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> AgentHealthStatus:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class Webhook(Model):
    """A webhook subscription, with attribute *and* item access (``w.webhook_id``, ``w["webhook_id"]``, D12)."""

    webhook_id: str
    url: str
    events: List[str] = field(default_factory=list)
    active: bool = True
    secret: Optional[str] = field(default=None, repr=False)
    created_at: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Webhook:
        """Parse a raw server payload (the core's parse: ``webhook_id`` else ``id``, which may stay an int); extra
        server keys stay readable by item access.

        Args:
            data: The server's JSON object.

        Returns:
            A :class:`Webhook`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("Webhook", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> Webhook:
        """Build from the core's projection; the keys of its ``raw`` object beyond the fields become item-readable."""
        hook = _record_from_projection(cls, proj)
        raw = proj.get("raw")
        hook.__dict__["_extra"] = {k: v for k, v in (raw if isinstance(raw, dict) else {}).items()
                                   if k not in _WEBHOOK_FIELDS}
        return hook

    def to_dict(self) -> Dict[str, Any]:
        """Fields plus any extra keys the server sent.

        Returns:
            A new ``dict``.

        Raises:
            Nothing: Local conversion of the fields.
        """
        out: Dict[str, Any] = dict(self.__dict__.get("_extra") or {})
        out.update({f.name: getattr(self, f.name) for f in fields(self)})
        return out

    def __getitem__(self, key: str) -> Any:
        if key in _WEBHOOK_FIELDS:
            return getattr(self, key)
        return (self.__dict__.get("_extra") or {})[key]

    def __contains__(self, key: object) -> bool:
        return key in _WEBHOOK_FIELDS or key in (self.__dict__.get("_extra") or {})

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def keys(self) -> List[str]:
        """Field names plus extra server keys.

        Returns:
            The keys, fields first.

        Raises:
            Nothing: Local.
        """
        return list(self.to_dict())

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style read: the value for ``key``, else ``default``.

        Args:
            key: A field name or an extra server key.
            default: What to return when ``key`` is absent.

        Returns:
            The value, or ``default``.

        Raises:
            Nothing: An absent key gives ``default``.
        """
        try:
            return self[key]
        except KeyError:
            return default


_WEBHOOK_FIELDS = frozenset(f.name for f in fields(Webhook))


@dataclass
class WebhookTestResult(Model):
    """Result of ``test_webhook``."""

    success: bool
    status_code: Optional[int] = None
    response_time_ms: Optional[int] = None
    error: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebhookTestResult:
        """Parse a raw server payload (the core's parse: ``success`` defaults to False; other keys are same-named).

        Args:
            data: The server's JSON object.

        Returns:
            A :class:`WebhookTestResult`.

        Raises:
            TypeError: ``data`` is not a mapping (the parse itself is lenient: missing fields get defaults).
        """
        return cls._from_projection(_parse_record("WebhookTestResult", data))

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> WebhookTestResult:
        """Build from the core's projection."""
        return _record_from_projection(cls, proj)


@dataclass
class BulkActionResult(Model):
    """One item of ``evaluate_actions``; ``error`` is a typed SDK exception, not a string (D15)."""

    action_type: str
    resource: str
    decision: Optional[AuthorizationDecision] = None
    error: Optional[OWKAIError] = None
    succeeded: bool = True


@dataclass
class BulkEvaluationResult(Model):
    """Result of ``evaluate_actions``: one item per input, in input order (D15)."""

    total: int = 0
    succeeded: int = 0
    failed: int = 0
    results: List[BulkActionResult] = field(default_factory=list)

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> BulkEvaluationResult:
        """Build from ``{total, succeeded, failed, results: [{action_type, resource, decision, error, succeeded}]}``."""
        items = []
        for item in proj.get("results") or []:
            decision = item.get("decision")
            error = item.get("error")
            items.append(BulkActionResult(
                action_type=item.get("action_type", ""),
                resource=item.get("resource", ""),
                decision=None if decision is None else AuthorizationDecision._from_projection(decision),
                error=None if error is None else _error_from_projection(error),
                succeeded=bool(item.get("succeeded", error is None)),
            ))
        return cls(int(proj.get("total", len(items))), int(proj.get("succeeded", 0)), int(proj.get("failed", 0)),
                   items)


def _error_from_projection(err: Mapping[str, Any]) -> OWKAIError:
    """``{code, message, status_code, correlation_id, details}`` -> the matching SDK exception."""
    return from_native(str(err.get("code", "INTERNAL")), str(err.get("message", "")), err.get("status_code"),
                       err.get("correlation_id"), dict(err.get("details") or {}))


@dataclass
class ActionSummary(Model):
    """One action of a :class:`ActionPage` (``list_actions``); ``raw`` keeps every key the server sent."""

    action_id: str
    action_type: str = ""
    resource: str = ""
    status: str = ""
    agent_id: Optional[str] = None
    risk_score: Optional[float] = None
    risk_level: Optional[str] = None
    created_at: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def decision(self) -> Decision:
        """The status normalised as the core normalises decisions (D5): ALLOWED, DENIED or PENDING."""
        text: str = native_call(lambda n: n.normalise_decision(json.dumps({"status": self.status})))
        return Decision(json.loads(text)["decision"])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionSummary:
        """Map one server record (``id`` or ``action_id``; missing keys default).

        Args:
            data: One item of the server's action list.

        Returns:
            An :class:`ActionSummary` (the record itself kept as ``raw``).

        Raises:
            TypeError: ``data`` is not a mapping.
        """
        risk = data.get("risk_score")
        return cls(
            action_id=str(next((data[k] for k in ("action_id", "id") if data.get(k) is not None), "")),
            action_type=str(data.get("action_type") or ""),
            resource=str(data.get("resource") or ""),
            status=str(data.get("status") or ""),
            agent_id=data.get("agent_id"),
            risk_score=float(risk) if isinstance(risk, (int, float)) and not isinstance(risk, bool) else None,
            risk_level=data.get("risk_level"),
            created_at=data.get("created_at"),
            raw=dict(data),
        )


class ActionPage(Dict[str, Any]):
    """A page of ``list_actions``: the server's JSON object unchanged (item access, as the peer's plain dict), plus
    typed views (:attr:`actions`, :attr:`total`) and ``to_dict()``/``to_json()``."""

    @property
    def actions(self) -> List[ActionSummary]:
        """The page's actions (``actions``, or ``items``), typed."""
        items = self.get("actions")
        if items is None:
            items = self.get("items")
        return [ActionSummary.from_dict(a) for a in items or [] if isinstance(a, Mapping)]

    @property
    def total(self) -> Optional[int]:
        """The server's total count of matching actions, when it sent one."""
        value = self.get("total")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def to_dict(self) -> Dict[str, Any]:
        """A plain ``dict`` copy of the server's object.

        Returns:
            A new ``dict``.

        Raises:
            Nothing: A shallow copy.
        """
        return dict(self)

    def to_json(self, **kwargs: Any) -> str:
        """``json.dumps(self.to_dict(), **kwargs)``.

        Args:
            kwargs: Passed to :func:`json.dumps` (``indent``, ``sort_keys``, ...).

        Returns:
            The JSON text.

        Raises:
            TypeError: A value JSON cannot carry, or ``kwargs`` not valid for :func:`json.dumps`.
        """
        return json.dumps(self.to_dict(), **kwargs)


class ConnectionStatus(SimpleNamespace):
    """Result of ``test_connection``: the peer's ``SimpleNamespace`` (attribute access), with the attributes typed.
    It never raises: on failure ``connected`` is False and ``error`` says why (Q28 fixed)."""

    connected: bool
    status: str
    latency_ms: Optional[float]
    latency: Optional[float]
    api_version: Optional[str]
    environment: Optional[str]
    organization: Optional[str]
    agent_id: Optional[str]
    fail_mode: str
    error: Optional[str]

    def to_dict(self) -> Dict[str, Any]:
        """Every attribute, as JSON-ready data.

        Returns:
            A new ``dict``.

        Raises:
            Nothing: Local conversion of the attributes.
        """
        return {k: plain(v) for k, v in vars(self).items()}

    def to_json(self, **kwargs: Any) -> str:
        """``json.dumps(self.to_dict(), **kwargs)``.

        Args:
            kwargs: Passed to :func:`json.dumps` (``indent``, ``sort_keys``, ...).

        Returns:
            The JSON text.

        Raises:
            TypeError: A value JSON cannot carry, or ``kwargs`` not valid for :func:`json.dumps`.
        """
        return json.dumps(self.to_dict(), **kwargs)
