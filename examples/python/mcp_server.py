#!/usr/bin/env python3
"""An MCP server (official ``mcp`` Python SDK 2.x, ``MCPServer``) whose every tool is governed by ASCEND.

Start ``ascend-dev`` and point the example at it (the client is built from the environment)::

    ascend-dev serve --addr 127.0.0.1:8787 --api-key owkai_demo --admin-token adm_demo
    export ASCEND_API_URL=http://127.0.0.1:8787 ASCEND_API_KEY=owkai_demo ASCEND_AGENT_ID=crm-agent

    python examples/python/mcp_server.py --demo   # an MCP client in-process calls the tools and prints the answers
    python examples/python/mcp_server.py          # serve over stdio, for an MCP host (Claude Desktop, an IDE, ...)

Every ``tools/call`` asks ASCEND first with ``mcp_server_name="crm-example"``; ASCEND refuses servers that are not
in its MCP registry (``--demo`` registers this one; otherwise run ``ascend-dev mcp add crm-example``).
``lookup_customer`` is a ``query`` (allowed by ascend-dev's default policy); ``delete_customer`` is a
``data_modification``, which waits for a human: with ``on_pending="return"`` the client is told at once, with the
action id to approve (``ascend-dev approve <id>``).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

from mcp.server.mcpserver import MCPServer

from ascend.integrations.mcp import govern_server

SERVER_NAME = "crm-example"
CUSTOMERS = {42: "Ada Lovelace <ada@example.com>", 7: "Alan Turing <alan@example.com>"}

server = MCPServer(SERVER_NAME)
govern_server(
    server,  # mcp_server_name defaults to the server's name
    action_type="query",
    tools={"delete_customer": {"action_type": "data_modification", "on_pending": "return",
                               "resource": lambda args: f"customers/{args.get('customer_id')}"}},
)


@server.tool()
def lookup_customer(customer_id: int) -> str:
    """Look up a customer's name and e-mail address by id."""
    return CUSTOMERS.get(customer_id, f"no customer {customer_id}")


@server.tool()
def delete_customer(customer_id: int) -> str:
    """Delete a customer record."""
    CUSTOMERS.pop(customer_id, None)
    return f"deleted customer {customer_id}"


async def demo() -> int:
    """Registers this server with ASCEND (if needed), then calls both tools through a real MCP client."""
    from mcp import Client

    from ascend import AscendClient, ConflictError

    with contextlib.suppress(ConflictError):  # already registered
        AscendClient().register_mcp_server(server_name=SERVER_NAME, display_name="CRM example")
    async with Client(server) as client:
        print("tools:", [t.name for t in (await client.list_tools()).tools])
        for name, arguments in (("lookup_customer", {"customer_id": 42}), ("delete_customer", {"customer_id": 7})):
            result = await client.call_tool(name, arguments)
            text = " ".join(getattr(c, "text", "") for c in result.content)
            print(f"{name}({arguments}) -> {'tool error' if result.is_error else 'ok'}: {text}")
    return 0


if __name__ == "__main__":
    if "--demo" in sys.argv[1:]:
        sys.exit(asyncio.run(demo()))
    server.run()  # stdio
