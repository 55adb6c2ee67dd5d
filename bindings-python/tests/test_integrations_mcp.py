"""``ascend.integrations.mcp`` with the official ``mcp`` SDK (2.x ``MCPServer``, the former FastMCP): a real MCP
server, called through a real MCP client over the SDK's in-memory transport (and over stdio for the example
server), governed against the real dev server.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from mcp import Client, StdioServerParameters
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError

import integration_support as support
from ascend.integrations.mcp import GOVERNANCE_ERROR_CODE, AscendMCPMiddleware, govern_server
from conftest import requires_native
from integration_support import (
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
REPO = Path(__file__).resolve().parents[2]


def crm_server(calls: Calls, name: str = "crm-mcp") -> MCPServer:
    server = MCPServer(name)

    @server.tool()
    def lookup_customer(customer_id: int) -> str:
        """Look up a customer by id."""
        calls.record(tool="lookup_customer", customer_id=customer_id)
        return f"customer {customer_id}"

    @server.tool()
    async def refund(invoice_id: str, amount: float) -> str:
        """Refund an invoice."""
        calls.record(tool="refund", invoice_id=invoice_id, amount=amount)
        return f"refunded {amount}"

    return server


def call_tools(server: MCPServer, *calls_to_make: Any) -> List[Any]:
    """Connects a real MCP client in-process and makes the calls; returns each result (or the exception)."""

    async def main() -> List[Any]:
        results: List[Any] = []
        async with Client(server) as client:
            for name, arguments in calls_to_make:
                try:
                    results.append(await client.call_tool(name, arguments))
                except MCPError as exc:
                    results.append(exc)
        return results

    return asyncio.run(main())


def text(result: Any) -> str:
    return " ".join(c.text for c in result.content if getattr(c, "text", None))


@pytest.fixture(scope="module")
def registered(dev: Any) -> Any:
    """The dev server with the MCP servers of these tests registered."""
    client = dev.client(agent_id="mcp-admin")
    for name in ("crm-mcp", "crm-mcp-pending"):
        client.register_mcp_server(server_name=name, display_name=name)
    return dev


def test_registered_server_tools_run_once_and_send_mcp_server_name(registered, calls):
    server = crm_server(calls)
    govern_server(server, client=registered.client(agent_id="mcp-allowed"), action_type="query")
    (result,) = call_tools(server, ("lookup_customer", {"customer_id": 5}))
    assert not result.is_error and text(result) == "customer 5"
    assert calls.runs == [{"tool": "lookup_customer", "customer_id": 5}]
    (action,) = agent_actions(registered, "mcp-allowed")
    assert action["resource"] == "lookup_customer" and action["execution_status"] == "completed", action
    assert action["mcp_governance"]["server_name"] == "crm-mcp" and action["tool_name"] == "lookup_customer"


def test_tool_listing_is_untouched(registered, calls):
    plain, governed = crm_server(calls), crm_server(calls)
    govern_server(governed, client=registered.client())

    async def listing(server: MCPServer) -> List[Dict[str, Any]]:
        async with Client(server) as client:
            return [t.model_dump() for t in (await client.list_tools()).tools]

    assert asyncio.run(listing(governed)) == asyncio.run(listing(plain))


def test_unregistered_server_is_denied_by_ascend_and_never_runs(registered, calls):
    server = crm_server(calls, name="shadow-mcp")
    govern_server(server, client=registered.client(agent_id="mcp-shadow"), action_type="query")
    (result,) = call_tools(server, ("lookup_customer", {"customer_id": 5}))
    assert result.is_error
    assert text(result).startswith("The lookup_customer tool was not run: ASCEND governance denied the call")
    assert "shadow-mcp" in text(result)
    assert calls.runs == []


def test_denied_raise_is_a_protocol_error_and_never_runs(denying, calls):
    denying.client(agent_id="mcp-reg").register_mcp_server(server_name="crm-mcp")
    server = crm_server(calls)
    govern_server(server, client=denying.client(), action_type="query", on_denied="raise")
    (error,) = call_tools(server, ("refund", {"invoice_id": "in_1", "amount": 3}))
    assert isinstance(error, MCPError) and error.code == GOVERNANCE_ERROR_CODE
    assert "denied" in error.message
    assert calls.runs == []


def test_pending_waits_for_the_human_then_runs(registered, calls):
    server = crm_server(calls, name="crm-mcp-pending")
    govern_server(server, client=registered.client(agent_id="mcp-pending"), action_type="query",
                  tools={"refund": {"action_type": PENDING_TYPE, **FAST_POLL}})
    with Reviewer(registered, "mcp-pending") as reviewer:
        refunded, looked_up = call_tools(server, ("refund", {"invoice_id": "in_2", "amount": 4}),
                                         ("lookup_customer", {"customer_id": 6}))
    assert reviewer.reviewed and not refunded.is_error and text(refunded) == "refunded 4.0"
    assert not looked_up.is_error
    assert calls.runs == [{"tool": "refund", "invoice_id": "in_2", "amount": 4.0},
                          {"tool": "lookup_customer", "customer_id": 6}]


def test_pending_return_answers_at_once_with_the_action_id(registered, calls):
    server = crm_server(calls)
    govern_server(server, client=registered.client(agent_id="mcp-return"), action_type=PENDING_TYPE,
                  on_pending="return")
    (result,) = call_tools(server, ("refund", {"invoice_id": "in_3", "amount": 4}))
    (action,) = agent_actions(registered, "mcp-return")
    action_id = str(action["action_id"])
    assert result.is_error and f"awaits human approval in ASCEND (ASCEND action {action_id})" in text(result)
    assert calls.runs == []
    deny_pending(registered, "mcp-return")


def test_unreachable_closed_never_runs(calls):
    server = crm_server(calls)
    server.middleware.append(AscendMCPMiddleware(mcp_server_name="crm-mcp", client=unreachable_client()))
    (result,) = call_tools(server, ("lookup_customer", {"customer_id": 5}))
    assert result.is_error and "ASCEND governance could not be reached" in text(result)
    assert calls.runs == []


def test_tool_failure_is_reported_and_still_an_mcp_tool_error(registered):
    server = MCPServer("crm-mcp")

    @server.tool()
    def explode(x: int) -> str:
        """Fails."""
        raise RuntimeError("kaboom")

    govern_server(server, client=registered.client(agent_id="mcp-fail"), action_type="query")
    (result,) = call_tools(server, ("explode", {"x": 1}))
    assert result.is_error
    (action,) = agent_actions(registered, "mcp-fail")  # the completion record says the tool failed
    assert action["execution_status"] == "failed" and "explode" in action["error"], action


def test_options_per_tool_are_checked():
    with pytest.raises(TypeError, match="unknown options"):
        AscendMCPMiddleware(mcp_server_name="s", tools={"t": {"acton_type": "x"}})


def test_example_server_over_stdio(registered, calls):
    """examples/python/mcp_server.py as a subprocess, called through the SDK's stdio client."""
    env = {**os.environ, "ASCEND_API_URL": registered.url, "ASCEND_API_KEY": registered.api_key,
           "ASCEND_AGENT_ID": "mcp-stdio", "PYTHONPATH": os.pathsep.join(sys.path)}
    params = StdioServerParameters(command=sys.executable, args=[str(REPO / "examples/python/mcp_server.py")], env=env)

    async def main() -> Any:
        async with Client(params, read_timeout_seconds=30) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            return names, await client.call_tool("lookup_customer", {"customer_id": 42})

    registered.client().register_mcp_server(server_name="crm-example")
    names, result = asyncio.run(main())
    assert "lookup_customer" in names
    assert not result.is_error and text(result) == "Ada Lovelace <ada@example.com>", text(result)
    (action,) = agent_actions(registered, "mcp-stdio")
    assert action["mcp_governance"]["server_name"] == "crm-example"


def test_example_demo_mode(registered):
    """``mcp_server.py --demo`` against the dev server: the lookup runs, the deletion awaits a human."""
    env = {**os.environ, "ASCEND_API_URL": registered.url, "ASCEND_API_KEY": registered.api_key,
           "ASCEND_AGENT_ID": "mcp-demo", "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, str(REPO / "examples/python/mcp_server.py"), "--demo"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "lookup_customer({'customer_id': 42}) -> ok: Ada Lovelace" in done.stdout, done.stdout
    assert "delete_customer({'customer_id': 7}) -> tool error: The delete_customer tool was not run: the call " \
           "awaits human approval in ASCEND (ASCEND action" in done.stdout, done.stdout
    assert len(pending_actions(registered, "mcp-demo")) == 1
    deny_pending(registered, "mcp-demo")


def test_low_level_server_is_governed_too(registered, calls):
    from mcp.server.lowlevel import Server
    from mcp.types import CallToolResult, ListToolsResult, TextContent, Tool

    async def list_tools(ctx: Any, params: Any) -> ListToolsResult:
        return ListToolsResult(tools=[Tool(name="ping", input_schema={"type": "object", "properties": {}})])

    async def call_tool(ctx: Any, params: Any) -> CallToolResult:
        calls.record(tool=params.name)
        return CallToolResult(content=[TextContent(type="text", text="pong")])

    def make(name: str) -> Any:
        server = Server(name, on_list_tools=list_tools, on_call_tool=call_tool)
        govern_server(server, client=registered.client(agent_id=f"low-{name}"), action_type="query")
        return server

    (ok,) = call_tools(make("crm-mcp"), ("ping", {}))
    (refused,) = call_tools(make("unregistered-low"), ("ping", {}))
    assert not ok.is_error and text(ok) == "pong"
    assert refused.is_error and "not run" in text(refused)
    assert calls.runs == [{"tool": "ping"}]
