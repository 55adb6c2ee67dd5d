"""Local pre-scoring: the core's composite risk score for an action, without a server round trip."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from ._base import encode_args
from ._native_loader import native_call
from .exceptions import ValidationValueError
from .models import Decision, RiskLevel

__all__ = ["PreScore", "Thresholds", "prescore", "prescore_batch"]

RulesPath = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds of a local pre-score (the core's ``prescore::Thresholds``).

    Scores strictly below ``auto_approve_below`` are allowed; scores at or above ``deny_at`` are denied
    (``None``: never deny locally, only hold for review); everything in between is pending. Both are 0-100; the
    core checks them (``ValidationError`` naming the field). A plain dict with the same keys works as well.
    """

    auto_approve_below: float = 70.0
    deny_at: Optional[float] = None


ThresholdsArg = Union[Thresholds, Mapping[str, Any], None]


def _json(value: Any, name: str) -> str:
    """JSON text of one argument; what JSON cannot carry (NaN, objects) is a local ``ValidationError``."""
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationValueError(f"Argument '{name}' cannot be sent: {exc}",
                                   field_errors={name: "Must be JSON-serialisable"}) from None


def _thresholds_json(thresholds: ThresholdsArg) -> Optional[str]:
    """``None`` -> the core's defaults; a dataclass or mapping -> JSON (the core validates the values)."""
    if thresholds is None:
        return None
    value: Any = dataclasses.asdict(thresholds) if isinstance(thresholds, Thresholds) else thresholds
    return _json(dict(value) if isinstance(value, Mapping) else value, "thresholds")


def _rules_path(rules_path: Optional[RulesPath]) -> Optional[str]:
    return None if rules_path is None else os.fspath(rules_path)


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
             risk_indicators: Optional[Mapping[str, Any]] = None, *, thresholds: ThresholdsArg = None,
             rules_path: Optional[RulesPath] = None, **more: Any) -> PreScore:
    """Score an action locally, exactly as the dev server and fail mode LOCAL (D17) do.

    ``resource`` may be omitted (as in raw submit bodies); a missing ``action_type`` is a ``ValidationError`` from
    the core. Further action fields (``description``, ``tool_name``, ``environment``, ``data_sensitivity``,
    ``mcp_server_name``, ``model_id``, ...) go in ``**more``.

    ``thresholds``: a :class:`Thresholds` or a dict ``{"auto_approve_below": 70, "deny_at": 90}`` (default: 70 and
    never deny). ``rules_path``: a JSON or TOML rules file extending the built-in taxonomy (the format of
    ``AscendClient(prescore_rules_path=...)``, ``docs/SCORING.md``); it is read on every call. An unreadable file is
    a ``ConfigurationError``, a bad one a ``ValidationError`` whose ``details`` carry ``line`` (syntax) or ``field``
    (semantics); bad thresholds a ``ValidationError`` naming the field.
    """
    args: Dict[str, Any] = {"action_type": action_type, "context": context, "risk_indicators": risk_indicators,
                            **more}
    if resource is not None:
        args["resource"] = resource
    payload = encode_args(args)
    limits = _thresholds_json(thresholds)
    path = _rules_path(rules_path)
    text: str = native_call(lambda n: n.prescore(payload, limits, path))
    return PreScore._from_projection(json.loads(text))


def prescore_batch(actions: Iterable[Mapping[str, Any]], *, thresholds: ThresholdsArg = None,
                   rules_path: Optional[RulesPath] = None) -> List[PreScore]:
    """Score many actions (each a mapping of :func:`prescore`'s keyword arguments, ``action_type`` required) with
    one scorer: the results are in input order. ``thresholds`` and ``rules_path`` as for :func:`prescore` (the
    rules file is read once per call). An invalid action is a ``ValidationError`` whose ``details["index"]`` is its
    position."""
    # Non-mappings are passed on as they are: the core refuses them with details["index"].
    items = [encode_args(dict(a)) if isinstance(a, Mapping) else _json(a, f"actions[{i}]")
             for i, a in enumerate(actions)]
    payload = "[" + ", ".join(items) + "]"
    limits = _thresholds_json(thresholds)
    path = _rules_path(rules_path)
    text: str = native_call(lambda n: n.prescore_batch(payload, limits, path))
    return [PreScore._from_projection(p) for p in json.loads(text)]
