"""Local pre-scoring: the core's composite risk score for an action, without a server round trip."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from ._base import encode_args
from ._native_loader import native_call
from .models import Decision, RiskLevel

__all__ = ["PreScore", "prescore"]


@dataclass(frozen=True)
class PreScore:
    """A local risk assessment (CVSS v3.1, MITRE ATT&CK, NIST 800-53) computed by the Rust core."""

    risk_score: float
    risk_level: Optional[RiskLevel]
    cvss_score: Optional[float] = None
    cvss_vector: Optional[str] = None
    mitre_tactic: Optional[str] = None
    mitre_technique: Optional[str] = None
    nist_control: Optional[str] = None
    factors: List[Any] = field(default_factory=list)
    decision: Decision = Decision.PENDING
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def _from_projection(cls, proj: Mapping[str, Any]) -> PreScore:
        """Build from the core's JSON result."""
        return cls(
            risk_score=proj.get("risk_score", 0),
            risk_level=RiskLevel.parse(proj.get("risk_level")),
            cvss_score=proj.get("cvss_score"),
            cvss_vector=proj.get("cvss_vector"),
            mitre_tactic=proj.get("mitre_tactic"),
            mitre_technique=proj.get("mitre_technique"),
            nist_control=proj.get("nist_control"),
            factors=list(proj.get("factors") or []),
            decision=Decision.parse(proj.get("decision")) or Decision.PENDING,
            raw=dict(proj),
        )


def prescore(action_type: str, resource: Optional[str] = None, context: Optional[Mapping[str, Any]] = None,
             risk_indicators: Optional[Mapping[str, Any]] = None, **more: Any) -> PreScore:
    """Score an action locally, exactly as the dev server and fail mode LOCAL (D17) do.

    ``resource`` may be omitted (as in raw submit bodies); a missing ``action_type`` is a ``ValidationError`` from
    the core."""
    args: Dict[str, Any] = {"action_type": action_type, "context": context, "risk_indicators": risk_indicators,
                            **more}
    if resource is not None:
        args["resource"] = resource
    payload = encode_args(args)
    text: str = native_call(lambda n: n.prescore(payload))
    return PreScore._from_projection(json.loads(text))
