"""``ascend.integrations.openai_agents.governed_function_tool`` in the real OpenAI Agents SDK runner against the real
dev server. The model is a scripted ``agents.models.interface.Model`` (no network, no key): its first turn calls the
tool, its second reads the tool's output and ends the run, so the run goes through the SDK's own tool execution.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

import pytest
from agents import Agent, ModelResponse, RunContextWrapper, Runner, Usage, function_tool, set_tracing_disabled
from agents.exceptions import UserError
from agents.models.interface import Model
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

import integration_support as support
from ascend.exceptions import AuthorizationError
from ascend.integrations.openai_agents import governed_function_tool
from conftest import requires_native
from integration_support import (
    ALLOWED_TYPE,
    FAST_POLL,
    PENDING_TYPE,
    Calls,
    Reviewer,
    agent_actions,
    deny_pending,
    unreachable_client,
)

pytestmark = requires_native
# The shared fixtures (integration_support), under their names here.
dev, denying, calls = support.dev, support.denying, support.calls
set_tracing_disabled(True)  # no trace export (it would need the network)


class ScriptedModel(Model):
    """Turn 1: call ``tool`` with ``arguments``. Turn 2: record what the tool returned and answer ``done``."""

    def __init__(self, tool: str, arguments: Dict[str, Any]) -> None:
        self.tool, self.arguments = tool, arguments
        self.turns = 0
        self.tool_outputs: List[Any] = []

    async def get_response(self, system_instructions: Optional[str], input: Any, model_settings: Any, tools: Any,
                           output_schema: Any, handoffs: Any, tracing: Any, **kwargs: Any) -> ModelResponse:
        self.turns += 1
        if self.turns == 1:
            assert [t.name for t in tools] == [self.tool]
            item = ResponseFunctionToolCall(type="function_call", call_id="call_1", name=self.tool,
                                            arguments=json.dumps(self.arguments), id="fc_1", status="completed")
            return ModelResponse(output=[item], usage=Usage(), response_id=None)
        self.tool_outputs = [i.get("output") for i in input
                             if isinstance(i, dict) and i.get("type") == "function_call_output"]
        text = ResponseOutputText(type="output_text", text="done", annotations=[])
        message = ResponseOutputMessage(id="msg_1", type="message", role="assistant", status="completed",
                                        content=[text])
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the tests use Runner.run")


def run_agent(tool: Any, arguments: Dict[str, Any]) -> ScriptedModel:
    model = ScriptedModel(tool.name, arguments)
    agent = Agent(name="governed", instructions="use the tool", model=model, tools=[tool])
    result = asyncio.run(Runner.run(agent, "go", max_turns=3))
    assert result.final_output == "done"
    return model


def make_refund(calls: Calls, **options: Any) -> Any:
    @governed_function_tool(**options)
    def refund(invoice_id: str, amount: float) -> str:
        """Refund an invoice.

        Args:
            invoice_id: The invoice to refund.
            amount: How much to refund.
        """
        calls.record(invoice_id=invoice_id, amount=amount)
        return f"refunded {amount} on {invoice_id}"

    return refund


def test_allowed_runs_once_and_the_model_sees_the_result(dev, calls):
    tool = make_refund(calls, action_type=ALLOWED_TYPE, client=dev.client(agent_id="oa-allowed"),
                       resource=lambda args: f"invoices/{args['invoice_id']}")
    model = run_agent(tool, {"invoice_id": "in_1", "amount": 5})
    assert model.tool_outputs == ["refunded 5.0 on in_1"]
    assert calls.runs == [{"invoice_id": "in_1", "amount": 5.0}]
    (action,) = agent_actions(dev, "oa-allowed")
    assert action["resource"] == "invoices/in_1"


def test_schema_is_what_function_tool_generates(dev, calls):
    def refund(invoice_id: str, amount: float) -> str:
        """Refund an invoice.

        Args:
            invoice_id: The invoice to refund.
            amount: How much to refund.
        """
        return "x"

    plain = function_tool(refund)
    governed = governed_function_tool(refund, action_type=ALLOWED_TYPE, client=dev.client())
    assert governed.name == plain.name and governed.description == plain.description
    assert governed.params_json_schema == plain.params_json_schema
    assert governed.strict_json_schema == plain.strict_json_schema


def test_denied_returns_the_reason_to_the_model_and_never_runs(denying, calls):
    tool = make_refund(calls, action_type=ALLOWED_TYPE, client=denying.client())
    model = run_agent(tool, {"invoice_id": "in_2", "amount": 5})
    (output,) = model.tool_outputs
    assert output.startswith("The refund tool was not run: ASCEND governance denied the call"), output
    assert calls.runs == []


def test_denied_raise_ends_the_run_and_never_runs(denying, calls):
    tool = make_refund(calls, action_type=ALLOWED_TYPE, client=denying.client(), on_denied="raise")
    # The runner wraps a tool's exception in its UserError ("Error running tool ..."); ours is the cause.
    with pytest.raises(UserError) as info:
        run_agent(tool, {"invoice_id": "in_3", "amount": 5})
    cause = info.value.__cause__
    assert isinstance(cause, AuthorizationError) and cause.error_code == "MCP_ACTION_DENIED"
    assert calls.runs == []


def test_raise_mode_still_hands_the_tools_own_errors_to_failure_error_function(dev):
    @governed_function_tool(action_type=ALLOWED_TYPE, client=dev.client(), on_denied="raise")
    def broken(x: int) -> str:
        """Always fails."""
        raise ValueError("tool bug")

    model = run_agent(broken, {"x": 1})
    assert model.tool_outputs == ["An error occurred while running the tool. Please try again."]


def test_pending_waits_for_the_human_then_runs(dev, calls):
    tool = make_refund(calls, action_type=PENDING_TYPE, client=dev.client(agent_id="oa-pending"), **FAST_POLL)
    with Reviewer(dev, "oa-pending") as reviewer:
        model = run_agent(tool, {"invoice_id": "in_4", "amount": 7})
    assert reviewer.reviewed
    assert model.tool_outputs == ["refunded 7.0 on in_4"]
    assert calls.runs == [{"invoice_id": "in_4", "amount": 7.0}]


def test_pending_return_tells_the_model_with_the_action_id(dev, calls):
    tool = make_refund(calls, action_type=PENDING_TYPE, client=dev.client(agent_id="oa-return"), on_pending="return")
    model = run_agent(tool, {"invoice_id": "in_5", "amount": 7})
    (output,) = model.tool_outputs
    (action,) = agent_actions(dev, "oa-return")
    assert "awaits human approval" in output and f"ASCEND action {action['action_id']})" in output
    assert calls.runs == []
    deny_pending(dev, "oa-return")


def test_unreachable_closed_never_runs(calls):
    tool = make_refund(calls, action_type=ALLOWED_TYPE, client=unreachable_client())
    model = run_agent(tool, {"invoice_id": "in_6", "amount": 1})
    (output,) = model.tool_outputs
    assert "ASCEND governance could not be reached" in output
    assert calls.runs == []


def test_async_tool_with_run_context(dev, denying, calls):
    def make(client: Any) -> Any:
        @governed_function_tool(action_type=ALLOWED_TYPE, client=client)
        async def lookup(ctx: RunContextWrapper[Any], customer_id: int) -> str:
            """Look up a customer."""
            calls.record(customer_id=customer_id)
            return f"customer {customer_id}"

        return lookup

    assert run_agent(make(dev.client()), {"customer_id": 4}).tool_outputs == ["customer 4"]
    assert "denied" in run_agent(make(denying.client()), {"customer_id": 5}).tool_outputs[0]
    assert calls.runs == [{"customer_id": 4}]
