"""ASCEND SDK: governance for AI agents, a drop-in replacement for ``ascend-ai-sdk`` 2.7.1.

Before an agent acts it asks ASCEND; proceed only when the decision is ``Decision.ALLOWED``::

    from ascend import AscendClient, Decision
    client = AscendClient(api_key="...", agent_id="finance-bot")
    result = client.evaluate_action(action_type="database_write", resource="customer_db")
    if result.decision == Decision.ALLOWED:
        ...

All behaviour lives in a Rust core (``ascend._native``), loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._deprecation import lazy_aliases
from ._version import PEER_SDK_VERSION as PEER_SDK_VERSION
from ._version import __sdk_version__ as __sdk_version__
from ._version import __version__ as __version__
from .client import AscendClient, AscendLogger, CircuitBreaker, FailMode, OWKAIClient
from .exceptions import (
    AuthenticationError,
    AuthorizationError,
    CircuitBreakerOpen,
    ConfigurationError,
    ConflictError,
    ConnectionError,
    KillSwitchError,
    NotFoundError,
    OWKAIError,
    RateLimitError,
    ServerError,
    TimeoutError,
    ValidationError,
)
from .exceptions import WebhookVerificationError as WebhookVerificationError
from .models import (
    ActionType,
    AgentAction,
    AgentHealthStatus,
    AuditEvent,
    AuditLogResponse,
    AuthorizationDecision,
    BulkActionResult,
    BulkEvaluationResult,
    Decision,
    DecisionStatus,
    KillSwitchStatus,
    PolicyEvaluationResult,
    ResourceClassification,
    RiskLevel,
    Webhook,
    WebhookTestResult,
)

if TYPE_CHECKING:
    from . import cvss as cvss
    from . import webhooks as webhooks
    from .agent import AuthorizedAgent
    from .aio import AsyncAscendClient as AsyncAscendClient
    from .mcp import (
        MCPGovernanceConfig,
        MCPGovernanceMiddleware,
        MCPKillSwitchConsumer,
        high_risk_action,
        mcp_governance,
        require_governance,
    )
    from .prescoring import PreScore as PreScore
    from .prescoring import Thresholds as Thresholds
    from .prescoring import prescore as prescore
    from .prescoring import prescore_batch as prescore_batch

__author__ = "ASCEND by OW-AI"

# Exactly the peer's __all__, in the peer's order. Our additions (AsyncAscendClient, prescore, prescore_batch,
# Thresholds, PreScore, cvss, webhooks, WebhookVerificationError, PEER_SDK_VERSION, __sdk_version__) are importable
# but not star-exported. ``__version__`` is this package's version; ``PEER_SDK_VERSION`` the peer's ("2.7.1").
__all__ = [
    "AscendClient",
    "FailMode",
    "CircuitBreaker",
    "AscendLogger",
    "OWKAIClient",
    "AuthorizedAgent",
    "AgentAction",
    "ActionType",
    "DecisionStatus",
    "RiskLevel",
    "AuthorizationDecision",
    "Decision",
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
    "OWKAIError",
    "AuthenticationError",
    "AuthorizationError",
    "TimeoutError",
    "RateLimitError",
    "ValidationError",
    "ConnectionError",
    "CircuitBreakerOpen",
    "ConfigurationError",
    "KillSwitchError",
    "ServerError",
    "NotFoundError",
    "ConflictError",
    "mcp_governance",
    "require_governance",
    "high_risk_action",
    "MCPGovernanceConfig",
    "MCPGovernanceMiddleware",
    "MCPKillSwitchConsumer",
]


#: Names loaded on first use (PEP 562), so that ``import ascend`` does not pay for asyncio, the MCP layer, the
#: pre-scorer and the webhook helpers: name -> (module, attribute or ``None`` for the module itself).
_LAZY = {
    "AsyncAscendClient": (".aio", "AsyncAscendClient"),
    "AuthorizedAgent": (".agent", "AuthorizedAgent"),
    "MCPGovernanceConfig": (".mcp", "MCPGovernanceConfig"),
    "MCPGovernanceMiddleware": (".mcp", "MCPGovernanceMiddleware"),
    "MCPKillSwitchConsumer": (".mcp", "MCPKillSwitchConsumer"),
    "high_risk_action": (".mcp", "high_risk_action"),
    "mcp_governance": (".mcp", "mcp_governance"),
    "require_governance": (".mcp", "require_governance"),
    "PreScore": (".prescoring", "PreScore"),
    "Thresholds": (".prescoring", "Thresholds"),
    "prescore": (".prescoring", "prescore"),
    "prescore_batch": (".prescoring", "prescore_batch"),
    "cvss": (".cvss", None),
    "webhooks": (".webhooks", None),
    "aio": (".aio", None),
    "agent": (".agent", None),
    "mcp": (".mcp", None),
    "prescoring": (".prescoring", None),
}

_deprecated = lazy_aliases(__name__, {
    "AuthorizationDeniedError": lambda: AuthorizationError,
    "NetworkError": lambda: ConnectionError,
    "AscendError": lambda: OWKAIError,
    "AscendConnectionError": lambda: ConnectionError,
    "AscendAuthenticationError": lambda: AuthenticationError,
    "AscendRateLimitError": lambda: RateLimitError,
})


def __getattr__(name: str) -> Any:
    """Lazily loaded public names (``_LAZY``), then the deprecated aliases."""
    lazy = _LAZY.get(name)
    if lazy is None:
        return _deprecated(name)
    module = importlib.import_module(lazy[0], __name__)
    value = module if lazy[1] is None else getattr(module, lazy[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
