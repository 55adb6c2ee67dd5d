#!/usr/bin/env python3
"""A LangChain tool-calling loop whose tools are governed by ASCEND, runnable against ``ascend-dev`` with no model
account: the "model" is LangChain's ``FakeMessagesListChatModel`` replaying the tool calls a real model would make.

::

    ascend-dev serve --addr 127.0.0.1:8787 --api-key owkai_demo --admin-token adm_demo
    ASCEND_API_URL=http://127.0.0.1:8787 ASCEND_API_KEY=owkai_demo ASCEND_AGENT_ID=support-agent \\
        python examples/python/langchain_agent.py

The client comes from the environment (``ASCEND_*``), built on the first tool call. ``lookup_order`` is a ``query``
(allowed by ascend-dev's default policy) and runs. ``refund_order`` is a ``transaction``, which needs a human:
with ``on_pending="return"`` the model is told at once that the call awaits approval, with the action id (approve it
with ``ascend-dev approve <id>``), and the run goes on. The loop is what LangGraph's ``ToolNode`` does: every tool
call of the model's message goes to ``tool.invoke``, and the ``ToolMessage`` goes back to the model.
"""

from __future__ import annotations

import sys
from typing import Dict, List

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, tool

from ascend.integrations.langchain import governed_tool

ORDERS = {"A-1001": {"customer": "Ada", "total": 42.0, "status": "delivered"}}
REFUNDS: List[str] = []


@governed_tool(action_type="query", resource=lambda args: f"orders/{args['order_id']}")
@tool
def lookup_order(order_id: str) -> str:
    """Look up an order by its id."""
    order = ORDERS.get(order_id)
    return f"{order_id}: {order}" if order else f"no order {order_id}"


@governed_tool(action_type="transaction", resource=lambda args: f"orders/{args['order_id']}",
               description=lambda args: f"refund {args['amount']} on order {args['order_id']}", on_pending="return")
@tool
def refund_order(order_id: str, amount: float) -> str:
    """Refund part or all of an order."""
    REFUNDS.append(order_id)
    return f"refunded {amount} on {order_id}"


TOOLS: Dict[str, BaseTool] = {t.name: t for t in (lookup_order, refund_order)}

# What a model would answer, turn by turn: look the order up, refund it, then reply.
MODEL = FakeMessagesListChatModel(responses=[
    AIMessage(content="", tool_calls=[{"name": "lookup_order", "args": {"order_id": "A-1001"}, "id": "call_1"}]),
    AIMessage(content="", tool_calls=[{"name": "refund_order", "args": {"order_id": "A-1001", "amount": 42.0},
                                       "id": "call_2"}]),
    AIMessage(content="I looked the order up; the refund is waiting for a human to approve it."),
])


def main() -> int:
    messages: List[BaseMessage] = [HumanMessage("Please refund order A-1001.")]
    results: Dict[str, ToolMessage] = {}
    for _ in range(5):  # bounded agent loop
        reply = MODEL.invoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            print(f"model: {reply.content}")
            break
        for call in reply.tool_calls:
            result = TOOLS[call["name"]].invoke({**call, "type": "tool_call"})
            assert isinstance(result, ToolMessage)
            results[call["name"]] = result
            print(f"tool {call['name']}({call['args']}) -> [{result.status}] {result.content}")
            messages.append(result)
    ok = (results["lookup_order"].status == "success" and results["refund_order"].status == "error"
          and "awaits human approval" in str(results["refund_order"].content) and REFUNDS == [])
    print("expected outcome: lookup ran, refund awaits approval and did not run" if ok else "UNEXPECTED OUTCOME")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
