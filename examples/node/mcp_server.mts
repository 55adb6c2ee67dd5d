// A billing MCP server whose every tool call is governed by ASCEND (ascend-sdk/integrations/mcp), over the official
// MCP TypeScript SDK (@modelcontextprotocol/sdk).
//
//   node mcp_server.mts          serves MCP over stdio, for an MCP host (an IDE, a desktop assistant, the inspector)
//   node mcp_server.mts --demo   starts itself as a stdio MCP server, calls its three tools through an MCP client and
//                                prints what ASCEND decided (exit status 0 only if every outcome is the expected one)
//
// Against a local dev server (the client reads ASCEND_API_URL, ASCEND_API_KEY and ASCEND_AGENT_ID):
//   ascend-dev serve --addr 127.0.0.1:8787 --db :memory: --deny-at 90 --api-key owkai_demo
//   cd examples/node && npm install
//   ASCEND_API_URL=http://127.0.0.1:8787 ASCEND_API_KEY=owkai_demo ASCEND_AGENT_ID=billing-agent node mcp_server.mts --demo
// (Node >= 22.18 runs .mts files as they are; on older Node use `npx tsx mcp_server.mts --demo`.)
//
// Every call carries mcp_server_name "billing-mcp"; ASCEND refuses servers missing from its MCP registry (--demo
// registers this one; otherwise `ascend-dev mcp add billing-mcp` or `client.registerMcpServer`).
import { fileURLToPath } from "node:url";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { z } from "zod";
import { AscendClient, ConflictError } from "ascend-sdk";
import { governMcpServer } from "ascend-sdk/integrations/mcp";

const SERVER_NAME = "billing-mcp";

/** The server: three tools, each governed with its own action type and resource. */
export function billingServer(): McpServer {
  const server = governMcpServer(new McpServer({ name: SERVER_NAME, version: "1.0.0" }), {
    // Do not hold the model while a reviewer decides: tell it which action awaits approval.
    onPending: "return",
    tools: {
      lookup_report: { actionType: "query", resource: "reports" },
      refund_customer: {
        actionType: "refund",
        resource: "customer_financial_records",
        description: (args) => `Refund ${String(args.amount)} EUR to ${String(args.customerId)}`,
      },
      run_command: { actionType: "execute_command", resource: "root_shell" },
    },
  });
  server.registerTool(
    "lookup_report",
    { description: "Read a finance report", inputSchema: { report: z.string() } },
    async ({ report }) => ({ content: [{ type: "text", text: `report ${report}: 3 rows` }] }),
  );
  server.registerTool(
    "refund_customer",
    { description: "Refund a customer", inputSchema: { customerId: z.string(), amount: z.number().positive() } },
    async ({ customerId, amount }) => ({ content: [{ type: "text", text: `refunded ${amount} EUR to ${customerId}` }] }),
  );
  server.registerTool(
    "run_command",
    { description: "Run a shell command on the billing host", inputSchema: { command: z.string() } },
    async ({ command }) => ({ content: [{ type: "text", text: `ran ${command}` }] }),
  );
  return server;
}

type ToolResult = { isError?: boolean; content: unknown };

function textOf(result: ToolResult): string {
  const parts = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
  return parts.filter((c) => c.type === "text").map((c) => c.text ?? "").join(" ");
}

/** Adds this server to ASCEND's MCP registry (once). */
async function register(): Promise<void> {
  const ascend = new AscendClient(); // from ASCEND_API_URL / ASCEND_API_KEY
  try {
    await ascend.registerMcpServer({ serverName: SERVER_NAME, displayName: "Billing (example)" });
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e; // already registered
  } finally {
    await ascend.close();
  }
}

/** Registers the server, then calls each tool through an MCP client connected to this file run as a stdio server. */
async function demo(): Promise<number> {
  await register();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const transport = new StdioClientTransport({ command: process.execPath, args: [...process.execArgv, fileURLToPath(import.meta.url)], env, stderr: "inherit" });
  const client = new Client({ name: "mcp-demo-client", version: "1.0.0" });
  await client.connect(transport);
  const failures: string[] = [];
  const call = async (name: string, args: Record<string, unknown>, expected: "ran" | "stopped", pattern: RegExp): Promise<void> => {
    const result = (await client.callTool({ name, arguments: args })) as ToolResult;
    const text = textOf(result);
    const ok = (result.isError === true) === (expected === "stopped") && pattern.test(text);
    console.log(`[${ok ? "ok" : "FAILED"}] ${name}: ${result.isError === true ? "not run" : "ran"}: ${text}`);
    if (!ok) failures.push(name);
  };
  try {
    const { tools } = await client.listTools();
    console.log(`${SERVER_NAME} tools: ${tools.map((t) => t.name).join(", ")}`);
    await call("lookup_report", { report: "q3" }, "ran", /^report q3: 3 rows$/);
    await call("refund_customer", { customerId: "acct-12345", amount: 250 }, "stopped", /awaits human approval in ASCEND \(ASCEND action \d+\)/);
    await call("run_command", { command: "rm -rf /var/billing" }, "stopped", /denied/);
  } finally {
    await client.close();
  }
  console.log(failures.length === 0 ? "MCP DEMO OK" : `MCP DEMO FAILED: ${failures.join(", ")}`);
  return failures.length === 0 ? 0 : 1;
}

if (process.argv.includes("--demo")) {
  process.exitCode = await demo();
} else {
  await billingServer().connect(new StdioServerTransport());
  console.error("billing-mcp: serving MCP on stdio, every tool call governed by ASCEND");
}
