"""``ascend.integrations.langchain.governed_tool`` with the real ``langchain-core`` against the real dev server.

Tools are driven the way LangChain's runners do (LangGraph's ``ToolNode``, ``AgentExecutor``): ``tool.invoke`` /
``tool.ainvoke`` with the model's tool call, which gives back the ``ToolMessage`` the model reads next.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Optional, Type

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, ToolException, tool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel

import integration_support as support
from ascend.exceptions import AuthorizationError, TimeoutError
from ascend.integrations import _common
from ascend.integrations.langchain import GovernanceToolException, governed_tool
from conftest import requires_native
from integration_support import (
    ALLOWED_TYPE,
    FAST_POLL,
    PENDING_TYPE,
    Calls,
    Reviewer,
    agent_actions,
    deny_pending,
    pending_actions,
    unreachable_client,
)

pytestmark = requires_native
# The shared fixtures (integration_support), under their names here.
dev, denying, calls = support.dev, support.denying, support.calls


def call(name: str, args: Any, call_id: str = "call_1") -> dict:
    """A model's tool call, as LangChain passes it to a tool."""
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


def lookup_tool(calls: Calls) -> BaseTool:
    @tool
    def lookup_customer(customer_id: int, fields: Optional[str] = None) -> str:
        """Look up a customer by id.

        Args:
            customer_id: The customer's id.
            fields: Comma-separated fields to return.
        """
        calls.record(customer_id=customer_id, fields=fields)
        return f"customer {customer_id}"

    return lookup_customer


def test_allowed_runs_the_tool_once_and_reports_the_call(dev, calls):
    client = dev.client(agent_id="lc-allowed")
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=client,
                             resource=lambda args: f"customers/{args['customer_id']}",
                             description=lambda args: f"read customer {args['customer_id']}",
                             metadata={"team": "support"}, risk_level="low")
    message = governed.invoke(call("lookup_customer", {"customer_id": 7}))
    assert isinstance(message, ToolMessage)
    assert message.status == "success" and message.content == "customer 7"
    assert calls.runs == [{"customer_id": 7, "fields": None}]
    # What ASCEND was asked: the resource and description functions saw the tool's arguments.
    (action,) = agent_actions(dev, "lc-allowed")
    assert action["resource"] == "customers/7", action
    assert action["description"] == "read customer 7", action
    assert action["context"]["metadata"] == {"team": "support"} and action["context"]["risk_level"] == "low"
    assert action["context"]["tool_name"] == "lookup_customer" and action["parameters"]["customer_id"] == 7


def test_schema_signature_and_docstring_are_what_langchain_generates(dev, calls):
    plain = lookup_tool(calls)
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=dev.client())
    assert convert_to_openai_tool(governed) == convert_to_openai_tool(plain)
    assert governed.tool_call_schema.model_json_schema() == plain.tool_call_schema.model_json_schema()
    assert governed.args == plain.args and governed.name == plain.name and governed.description == plain.description
    assert governed.func.__doc__ == plain.func.__doc__ and governed.func.__name__ == plain.func.__name__
    import inspect

    assert inspect.signature(governed.func) == inspect.signature(plain.func)


def test_decorating_a_plain_function_is_like_at_tool(dev, calls):
    def refund(invoice_id: str, amount: float) -> str:
        """Refund an invoice."""
        calls.record(invoice_id=invoice_id, amount=amount)
        return "refunded"

    governed = governed_tool(action_type=ALLOWED_TYPE, client=dev.client())(refund)
    assert convert_to_openai_tool(governed) == convert_to_openai_tool(tool(refund))
    assert governed.invoke(call("refund", {"invoice_id": "in_1", "amount": 5})).content == "refunded"
    assert calls.runs == [{"invoice_id": "in_1", "amount": 5.0}]


def test_denied_returns_a_tool_error_and_never_runs(denying, calls):
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=denying.client())
    message = governed.invoke(call("lookup_customer", {"customer_id": 7}))
    assert isinstance(message, ToolMessage) and message.status == "error"
    assert message.content.startswith("The lookup_customer tool was not run: ASCEND governance denied the call")
    assert "ASCEND action" in message.content
    assert calls.runs == []
    # A direct call (no tool call id) raises the ToolException the runner would catch.
    with pytest.raises(GovernanceToolException) as info:
        governed.func(customer_id=7)
    assert isinstance(info.value, ToolException) and info.value.outcome == "denied" and info.value.action_id
    assert calls.runs == []


def test_denied_raises_when_configured_and_never_runs(denying, calls):
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=denying.client(), on_denied="raise")
    with pytest.raises(AuthorizationError) as info:
        governed.invoke(call("lookup_customer", {"customer_id": 7}))
    assert info.value.error_code == "MCP_ACTION_DENIED"
    assert calls.runs == []


def test_pending_waits_for_the_human_then_runs(dev, calls):
    governed = governed_tool(lookup_tool(calls), action_type=PENDING_TYPE, client=dev.client(agent_id="lc-pending"),
                             **FAST_POLL)
    with Reviewer(dev, "lc-pending") as reviewer:
        message = governed.invoke(call("lookup_customer", {"customer_id": 8}))
    assert reviewer.reviewed, "the reviewer saw no pending action"
    assert message.status == "success" and message.content == "customer 8"
    assert calls.runs == [{"customer_id": 8, "fields": None}]


def test_pending_human_denial_never_runs(dev, calls):
    governed = governed_tool(lookup_tool(calls), action_type=PENDING_TYPE, client=dev.client(agent_id="lc-deny"),
                             **FAST_POLL)
    with Reviewer(dev, "lc-deny", approve=False) as reviewer:
        message = governed.invoke(call("lookup_customer", {"customer_id": 9}))
    assert reviewer.reviewed
    assert message.status == "error" and "not today" in message.content
    assert calls.runs == []


def test_pending_return_tells_the_model_at_once_with_the_action_id(dev, calls):
    governed = governed_tool(lookup_tool(calls), action_type=PENDING_TYPE, client=dev.client(agent_id="lc-return"),
                             on_pending="return")
    message = governed.invoke(call("lookup_customer", {"customer_id": 10}))
    assert message.status == "error" and "awaits human approval" in message.content
    waiting = [str(a["action_id"]) for a in pending_actions(dev, "lc-return")]
    assert any(f"ASCEND action {action_id})" in message.content for action_id in waiting), (message.content, waiting)
    assert calls.runs == []
    assert len(waiting) == 1
    deny_pending(dev, "lc-return")


def test_pending_timeout_never_runs_and_follows_on_denied(dev, calls):
    governed = governed_tool(lookup_tool(calls), action_type=PENDING_TYPE, client=dev.client(agent_id="lc-timeout"),
                             approval_timeout=0.3, approval_poll_interval=0.05, on_denied="raise")
    with pytest.raises(TimeoutError) as info:
        governed.invoke(call("lookup_customer", {"customer_id": 11}))
    assert info.value.error_code == "APPROVAL_TIMEOUT"
    assert calls.runs == []
    deny_pending(dev, "lc-timeout")


def test_unreachable_closed_never_runs(calls):
    client = unreachable_client()
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=client)
    message = governed.invoke(call("lookup_customer", {"customer_id": 7}))
    assert message.status == "error"
    assert "ASCEND governance could not be reached" in message.content
    raising = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE, client=client, on_denied="raise")
    with pytest.raises(AuthorizationError) as info:
        raising.invoke(call("lookup_customer", {"customer_id": 7}))
    assert info.value.error_code == "GOVERNANCE_UNAVAILABLE"
    assert calls.runs == []


def test_async_tool_allowed_and_denied(dev, denying, calls):
    async def fetch(url: str) -> str:
        """Fetch a page."""
        calls.record(url=url)
        return "page"

    allowed = governed_tool(StructuredTool.from_function(coroutine=fetch), action_type=ALLOWED_TYPE,
                            client=dev.client())
    denied = governed_tool(StructuredTool.from_function(coroutine=fetch), action_type=ALLOWED_TYPE,
                           client=denying.client())

    async def main() -> Any:
        return (await allowed.ainvoke(call("fetch", {"url": "https://example.invalid/a"})),
                await denied.ainvoke(call("fetch", {"url": "https://example.invalid/b"})))

    ok, refused = asyncio.run(main())
    assert ok.content == "page" and refused.status == "error"
    assert calls.runs == [{"url": "https://example.invalid/a"}]


class SearchInput(BaseModel):
    query: str


def test_basetool_subclass_keeps_its_schema_and_is_governed(dev, denying, calls):
    class Search(BaseTool):
        name: str = "search"
        description: str = "Search the index."
        args_schema: Type[BaseModel] = SearchInput

        def _run(self, query: str, run_manager: Any = None) -> str:
            calls.record(query=query)
            return f"results for {query}"

    plain = Search()
    ok = governed_tool(Search(), action_type=ALLOWED_TYPE, client=dev.client())
    refused = governed_tool(Search(), action_type=ALLOWED_TYPE, client=denying.client())
    assert convert_to_openai_tool(ok) == convert_to_openai_tool(plain)
    assert isinstance(ok, Search)
    assert ok.invoke(call("search", {"query": "q1"})).content == "results for q1"
    assert refused.invoke(call("search", {"query": "q2"})).status == "error"
    assert calls.runs == [{"query": "q1"}]


def test_own_tool_exceptions_keep_the_tools_handling(dev):
    @tool
    def flaky(x: int) -> str:
        """Fails."""
        raise ToolException("boom")

    governed = governed_tool(flaky, action_type=ALLOWED_TYPE, client=dev.client())
    with pytest.raises(ToolException, match="boom"):  # handle_tool_error was False: still raised
        governed.invoke(call("flaky", {"x": 1}))
    handled = governed_tool(flaky.model_copy(update={"handle_tool_error": True}), action_type=ALLOWED_TYPE,
                            client=dev.client())
    assert handled.invoke(call("flaky", {"x": 1})).content == "boom"


def test_lazy_client_from_the_environment(dev, calls, monkeypatch):
    monkeypatch.setenv("ASCEND_API_KEY", dev.api_key)
    monkeypatch.setenv("ASCEND_API_URL", dev.url)
    monkeypatch.setenv("ASCEND_AGENT_ID", "lc-env")
    monkeypatch.setattr(_common, "_shared_client", None)
    governed = governed_tool(lookup_tool(calls), action_type=ALLOWED_TYPE)  # no client: none built yet
    assert _common._shared_client is None
    assert governed.invoke(call("lookup_customer", {"customer_id": 3})).content == "customer 3"
    assert _common._shared_client is not None and calls.runs == [{"customer_id": 3, "fields": None}]


@pytest.mark.parametrize("options, field", [
    ({"action_type": ""}, "action_type"),
    ({"action_type": "q", "on_denied": "ignore"}, "on_denied"),
    ({"action_type": "q", "on_pending": "skip"}, "on_pending"),
    ({"action_type": "q", "resource": 5}, "resource"),
    ({"action_type": "q", "approval_timeout": -1}, "approval_timeout"),
])
def test_bad_options_are_validation_errors_naming_the_field(options, field):
    from ascend.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        governed_tool(**options)
    assert field in info.value.field_errors, json.dumps(info.value.field_errors)


def test_example_langchain_agent_runs_against_the_dev_server(dev):
    """examples/python/langchain_agent.py: the lookup runs, the refund awaits a human and does not run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "examples/python/langchain_agent.py"
    env = {**os.environ, "ASCEND_API_URL": dev.url, "ASCEND_API_KEY": dev.api_key, "ASCEND_AGENT_ID": "lc-example",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tool refund_order({'order_id': 'A-1001', 'amount': 42.0}) -> [error] The refund_order tool was not " \
           "run: the call awaits human approval in ASCEND (ASCEND action" in done.stdout, done.stdout
    assert len(pending_actions(dev, "lc-example")) == 1
    deny_pending(dev, "lc-example")


def test_structured_tool_subclass_sends_the_arguments_by_name(dev, calls):
    class AuditedTool(StructuredTool):
        pass

    def transfer(account: str, amount: int) -> str:
        """Move money."""
        calls.record(account=account, amount=amount)
        return "moved"

    governed = governed_tool(AuditedTool.from_function(transfer), action_type=ALLOWED_TYPE,
                             client=dev.client(agent_id="lc-subclass"))
    assert isinstance(governed, AuditedTool)
    assert governed.invoke(call("transfer", {"account": "acc_1", "amount": 3})).content == "moved"
    (action,) = agent_actions(dev, "lc-subclass")
    assert action["parameters"] == {"account": "acc_1", "amount": 3}, action["parameters"]
    assert calls.runs == [{"account": "acc_1", "amount": 3}]
