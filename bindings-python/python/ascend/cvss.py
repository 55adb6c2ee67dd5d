"""CVSS v3.1 scoring by the Rust core."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from ._native_loader import native_call

__all__ = ["CvssScore", "score"]


@dataclass(frozen=True)
class CvssScore:
    """Scores of one CVSS v3.1 vector; ``severity`` is ``None``/``Low``/``Medium``/``High``/``Critical``."""

    base_score: float
    temporal_score: Optional[float]
    environmental_score: Optional[float]
    severity: str
    vector: Optional[str] = None
    #: Everything the core computed (sub-scores, per-metric-group severities, ...).
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def score(vector: str) -> CvssScore:
    """Score a CVSS v3.1 vector string (``CVSS:3.1/AV:N/AC:L/...``); a malformed vector is a ``ValidationError``."""
    text: str = native_call(lambda n: n.cvss_score(vector))
    data = json.loads(text)
    return CvssScore(data["base_score"], data.get("temporal_score"), data.get("environmental_score"),
                     data["severity"], data.get("vector", vector), dict(data))
