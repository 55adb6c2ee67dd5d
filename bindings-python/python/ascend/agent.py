"""``AuthorizedAgent``: run an agent's actions only when ASCEND allows them (PROTOCOL §8.5, intended semantics).

Fixes the peer's Q16: allowed actions run, ``check_permission`` returns True for ALLOWED, ``get_recent_actions``
works, and a client created here carries the agent's own identity.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, TypeVar

from ._govern import permits_execution

# ``X as X``: names the peer's ``ascend.agent`` re-exports from its siblings (``from ascend.agent import AgentAction``).
from .client import OWKAIClient as OWKAIClient
from .exceptions import AuthorizationError, TimeoutError
from .models import ActionContext as ActionContext
from .models import AgentAction as AgentAction
from .models import AuthorizationDecision, Decision
from .models import DecisionStatus as DecisionStatus
from .models import RiskIndicators as RiskIndicators

#: The peer's ``ascend.agent.T`` type variable.
T = TypeVar("T")

__all__ = ["AuthorizedAgent"]

R = TypeVar("R")


class AuthorizedAgent:
    """An agent identity plus a client; ``execute_if_authorized`` runs a function only on ALLOWED."""

    def __init__(self, agent_id: str, agent_name: str, client: Any = None, default_timeout: float = 60):
        self.agent_id = agent_id
        self.agent_name = agent_name
        self.default_timeout = default_timeout
        if client is None:
            from .client import AscendClient

            client = AscendClient(agent_id=agent_id, agent_name=agent_name)
        elif getattr(client, "agent_id", agent_id) not in (None, agent_id):
            logging.getLogger("ascend").warning(
                "AuthorizedAgent %r uses a client configured for agent %r; actions are attributed to the client's "
                "agent", agent_id, client.agent_id)
        self.client = client

    def request_authorization(self, action_type: str, resource: str, resource_id: Optional[str] = None,
                              details: Optional[Dict[str, Any]] = None, context: Any = None,
                              risk_indicators: Any = None, wait_for_decision: bool = True,
                              timeout: Optional[float] = None) -> AuthorizationDecision:
        """Ask ASCEND about an action (waits for a human decision while PENDING unless told not to).

        Args:
            action_type: What the agent wants to do.
            resource: What it acts on.
            resource_id: Id of the resource.
            details: The action's parameters.
            context: Context for the reviewer.
            risk_indicators: Risk hints.
            wait_for_decision: While PENDING, wait for the human decision (default True).
            timeout: Seconds to wait for it (default: this agent's ``default_timeout``).

        Returns:
            The :class:`AuthorizationDecision` of ``client.evaluate_action``.

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            KillSwitchError: The kill switch blocks this agent (before any network I/O).
            OWKAIError: The server refused the call or could not be reached in fail mode CLOSED (subclass by cause).
            TimeoutError: Still PENDING after ``timeout`` while waiting (D4).
        """
        decision: AuthorizationDecision = self.client.evaluate_action(
            action_type=action_type, resource=resource, parameters=details, context=context, resource_id=resource_id,
            risk_indicators=risk_indicators, wait_for_decision=wait_for_decision,
            timeout=timeout if timeout is not None else self.default_timeout)
        return decision

    def execute_if_authorized(self, action_type: str, resource: str, execute_fn: Callable[[], R],
                              resource_id: Optional[str] = None, details: Optional[Dict[str, Any]] = None,
                              context: Any = None, risk_indicators: Any = None, timeout: Optional[float] = None,
                              on_denied: Optional[Callable[[AuthorizationDecision], Any]] = None) -> Any:
        """Run ``execute_fn()`` when the decision permits execution (D24); on denial call ``on_denied(decision)`` or
        raise ``AuthorizationError``; a decision still PENDING after the wait raises ``TimeoutError``.

        Args:
            action_type: What the agent wants to do.
            resource: What it acts on.
            execute_fn: Runs the action; called only when the decision permits it.
            resource_id: Id of the resource.
            details: The action's parameters.
            context: Context for the reviewer.
            risk_indicators: Risk hints.
            timeout: Seconds to wait for a human decision (default: this agent's ``default_timeout``).
            on_denied: Called with the decision instead of raising when the action is denied.

        Returns:
            What ``execute_fn()`` returns, or what ``on_denied(decision)`` returns on denial.

        Raises:
            AuthorizationError: Denied and no ``on_denied`` was given.
            TimeoutError: Still PENDING after ``timeout``.
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            KillSwitchError: The kill switch blocks this agent (before any network I/O).
            OWKAIError: The server refused the call or could not be reached in fail mode CLOSED (subclass by cause).
        """
        decision = self.request_authorization(action_type, resource, resource_id, details, context, risk_indicators,
                                              wait_for_decision=True, timeout=timeout)
        if permits_execution(decision):
            return execute_fn()
        if decision.decision == Decision.PENDING:
            raise TimeoutError(f"Action {decision.action_id} is still pending approval",
                               timeout_seconds=timeout if timeout is not None else self.default_timeout)
        if on_denied is not None:
            return on_denied(decision)
        raise AuthorizationError(f"Action denied: {decision.reason or 'denied by policy'}",
                                 policy_violations=decision.policy_violations, risk_score=decision.risk_score)

    def check_permission(self, action_type: str, resource: str, resource_id: Optional[str] = None,
                         details: Optional[Dict[str, Any]] = None) -> bool:
        """True when the action would be allowed right now (no waiting).

        Args:
            action_type: What the agent wants to do.
            resource: What it acts on.
            resource_id: Id of the resource.
            details: The action's parameters.

        Returns:
            Whether the decision permits execution now (PENDING counts as not permitted).

        Raises:
            ValidationError: An argument is missing or has the wrong type (before any network I/O).
            KillSwitchError: The kill switch blocks this agent (before any network I/O).
            OWKAIError: The server refused the call or could not be reached in fail mode CLOSED (subclass by cause).
        """
        decision = self.request_authorization(action_type, resource, resource_id, details, wait_for_decision=False)
        return permits_execution(decision)

    def get_recent_actions(self, limit: int = 10, status: Optional[str] = None) -> List[Dict[str, Any]]:
        """This agent's recent actions (newest first, as the platform returns them).

        Args:
            limit: Most actions to return.
            status: Only actions with this status.

        Returns:
            The action records as dicts (an empty list when the reply holds none).

        Raises:
            OWKAIError: The server refused the call or could not be reached (subclass by cause).
        """
        response = self.client.list_actions(limit=limit, status=status)
        if isinstance(response, list):
            return response
        if isinstance(response, dict):
            for key in ("actions", "items", "activities", "results"):
                if isinstance(response.get(key), list):
                    items: List[Dict[str, Any]] = response[key]
                    return items
        return []
