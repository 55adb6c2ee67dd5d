// ascend-sdk/integrations/mcp with the real MCP TypeScript SDK: an McpServer governed by governMcpServer, connected
// to a real MCP Client over the SDK's in-memory transport, deciding through the in-process dev server (ascend-dev).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { z } from "zod";
import { AscendClient, FailMode, ValidationError } from "../dist/esm/index.mjs";
import { DevServer } from "../dist/esm/testing.mjs";
import { GOVERNANCE_META_KEY, governMcpServer } from "../dist/esm/integrations/mcp.mjs";
import { DEV_SERVER_OPTIONS, actionRecord, actionsOf, closedPort, pendingActionOf, sentExtra } from "./integrations-support.mjs";

const require = createRequire(import.meta.url);

const TOOLS = {
  lookup: { actionType: "query", resource: "reports" },
  refund: { actionType: "refund", resource: (args) => `customer_financial_records` + (args.customerId === "acct-1" ? "" : `/${args.customerId}`), description: (args) => `refund ${args.amount} to ${args.customerId}` },
  shell: { actionType: "execute_command", resource: "root_shell" },
};

/** A billing server with four tools (three with input schemas, one legacy `tool()` without); `runs` lists every
 * tool body that ran. */
function billingServer(governance, { name = "billing-mcp" } = {}) {
  const runs = [];
  const server = new McpServer({ name, version: "1.0.0" });
  const s = governance === undefined ? server : governMcpServer(server, governance);
  s.registerTool("lookup", { title: "Lookup", description: "Look up a report", inputSchema: { report: z.string() }, annotations: { readOnlyHint: true } }, async ({ report }) => {
    runs.push(["lookup", report]);
    return { content: [{ type: "text", text: `report ${report}: ok` }] };
  });
  s.registerTool(
    "refund",
    { description: "Refund a customer", inputSchema: { customerId: z.string(), amount: z.number().positive(), api_token: z.string().optional() }, outputSchema: { refunded: z.number() } },
    async ({ customerId, amount }) => {
      runs.push(["refund", customerId, amount]);
      return { content: [{ type: "text", text: `refunded ${amount}` }], structuredContent: { refunded: amount } };
    },
  );
  s.registerTool("shell", { description: "Run a command", inputSchema: { command: z.string() } }, async ({ command }) => {
    runs.push(["shell", command]);
    return { content: [{ type: "text", text: "ran" }] };
  });
  s.tool("ping", "Health check", async () => {
    runs.push(["ping"]);
    return { content: [{ type: "text", text: "pong" }] };
  });
  return { server, runs };
}

async function connect(server) {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "ascend-test-client", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}

/** The completion records of an action's audit trail: [event, result or error]. */
const executions = (record) =>
  record.audit_trail.filter((e) => e.event_type.startsWith("action.completed") || e.event_type.startsWith("action.failed")).map((e) => [e.event_type, e.details.result ?? e.details.error]);

const text = (result) => result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");

let dev;
const open = [];
before(async () => {
  dev = await DevServer.start(DEV_SERVER_OPTIONS);
  // ASCEND applies its MCP server registry to calls that carry mcp_server_name: these servers are registered.
  const admin = dev.client({ agentId: "mcp-registrar" });
  for (const serverName of ["billing-mcp", "files-mcp", "late-mcp"]) await admin.registerMcpServer({ serverName });
});
after(async () => {
  for (const c of open) await c.close();
  await dev?.close();
});

/** A governed billing server for `agentId`, connected to an MCP client. */
async function governed(agentId, options = {}, clientOptions = {}) {
  const ascend = options.client ?? dev.client({ agentId, failMode: FailMode.CLOSED, timeoutMs: 5000, ...clientOptions });
  const { server, runs } = billingServer({ client: ascend, tools: TOOLS, ...options });
  const mcp = await connect(server);
  open.push(mcp);
  return { ascend, mcp, runs, server };
}

describe("governMcpServer with a real MCP client", () => {
  test("the tool list and schemas are exactly the server's own", async () => {
    const plain = await connect(billingServer(undefined).server);
    const { mcp } = await governed("mcp-schemas");
    open.push(plain);
    const [mine, theirs] = [await mcp.listTools(), await plain.listTools()];
    assert.deepEqual(mine, theirs);
    assert.deepEqual(mine.tools.map((t) => t.name), ["lookup", "refund", "shell", "ping"]);
  });

  test("allowed: the tool runs once; the action carries the tool call, mcp_server_name and its completion", async () => {
    const { ascend, mcp, runs } = await governed("mcp-allowed");
    const result = await mcp.callTool({ name: "lookup", arguments: { report: "q3" } });
    assert.equal(result.isError, undefined);
    assert.equal(text(result), "report q3: ok");
    assert.deepEqual(runs, [["lookup", "q3"]]);
    const [action] = await actionsOf(ascend, "mcp-allowed");
    assert.equal(action.action_type, "query");
    assert.equal(action.resource, "reports");
    const record = await actionRecord(dev, action.id);
    const { tool_name: toolName, ...parameters } = record.request.action_details;
    assert.deepEqual(parameters, { report: "q3" });
    assert.ok(toolName === undefined || toolName === "lookup", toolName); // with mcp_server_name, the core sends it
    assert.equal(record.request.context.source, "mcp_server");
    assert.equal(record.request.context.tool_name, "lookup");
    assert.equal(sentExtra(record.request, "mcp_server_name"), "billing-mcp");
    assert.deepEqual(executions(record), [["action.completed", { success: true, has_result: true }]]);
  });

  test("a tool without an input schema (legacy tool()) is governed too; actionType defaults to tool_call", async () => {
    const { ascend, mcp, runs } = await governed("mcp-ping", { tools: { ...TOOLS, ping: { resource: "reports", onPending: "return" } } });
    const result = await mcp.callTool({ name: "ping" });
    const [action] = await actionsOf(ascend, "mcp-ping");
    assert.equal(action.action_type, "tool_call");
    // tool_call on reports scores 60 (allowed); with mcp_server_name sent as such, ASCEND adds the MCP crossing (70:
    // pending, returned at once).
    if (action.decision === "allowed") {
      assert.equal(text(result), "pong");
      assert.deepEqual(runs, [["ping"]]);
    } else {
      assert.equal(action.decision, "pending");
      assert.equal(result.isError, true);
      assert.deepEqual(runs, []);
    }
  });

  test("denied (default onDenied 'return'): a tool error result with the reason and the action id; never runs", async () => {
    const { ascend, mcp, runs } = await governed("mcp-denied");
    const result = await mcp.callTool({ name: "shell", arguments: { command: "rm -rf /" } });
    assert.equal(result.isError, true);
    assert.match(text(result), /denied.*Risk score 95(\.0)? is at or above the denial threshold 90/);
    const [action] = await actionsOf(ascend, "mcp-denied");
    assert.deepEqual(result._meta[GOVERNANCE_META_KEY], { outcome: "denied", action_id: String(action.id), error_code: "MCP_ACTION_DENIED" });
    assert.deepEqual(runs, []);
    assert.deepEqual(executions(await actionRecord(dev, action.id)), []);
  });

  test("denied with onDenied 'throw': the SDK error, which the server sends as a tool error result; never runs", async () => {
    const { mcp, runs } = await governed("mcp-denied-throw", { onDenied: "throw" });
    const result = await mcp.callTool({ name: "shell", arguments: { command: "id" } });
    assert.equal(result.isError, true);
    assert.match(text(result), /^Action denied: /);
    assert.equal(result._meta, undefined);
    assert.deepEqual(runs, []);
  });

  test("pending: waits for the reviewer's approval in the dev server, then runs once", async () => {
    const { ascend, mcp, runs } = await governed("mcp-pending", { approvalPollIntervalMs: 50, approvalTimeoutMs: 30_000 });
    const call = mcp.callTool({ name: "refund", arguments: { customerId: "acct-1", amount: 25, api_token: "tok-secret" } }, undefined, { timeout: 60_000 });
    const id = await pendingActionOf(ascend, "mcp-pending");
    assert.deepEqual(runs, [], "ran before approval");
    await dev.approve(id, { comment: "fine" });
    const result = await call;
    assert.equal(result.isError, undefined, text(result));
    assert.deepEqual(result.structuredContent, { refunded: 25 });
    assert.deepEqual(runs, [["refund", "acct-1", 25]]);
    const record = await actionRecord(dev, id);
    assert.equal(record.resource, "customer_financial_records");
    assert.equal(record.request.action_details.api_token, "[REDACTED]", "the core redacts sensitive arguments");
    assert.equal(sentExtra(record.request, "description"), "refund 25 to acct-1");
    assert.deepEqual(executions(record), [["action.completed", { success: true, has_result: true }]]);
  });

  test("pending: a reviewer's denial stops it", async () => {
    const { ascend, mcp, runs } = await governed("mcp-pending-deny", { approvalPollIntervalMs: 50, approvalTimeoutMs: 30_000 });
    const call = mcp.callTool({ name: "refund", arguments: { customerId: "acct-1", amount: 5 } }, undefined, { timeout: 60_000 });
    await dev.deny(await pendingActionOf(ascend, "mcp-pending-deny"), "not this one");
    const result = await call;
    assert.equal(result.isError, true);
    assert.match(text(result), /denied.*not this one/);
    assert.equal(result._meta[GOVERNANCE_META_KEY].outcome, "denied");
    assert.deepEqual(runs, []);
  });

  test("pending with onPending 'return': does not wait; tells the client the action id that awaits approval", async () => {
    const { ascend, mcp, runs } = await governed("mcp-pending-return", { onPending: "return" });
    const result = await mcp.callTool({ name: "refund", arguments: { customerId: "acct-1", amount: 5 } });
    const [action] = await actionsOf(ascend, "mcp-pending-return");
    assert.equal(action.decision, "pending");
    assert.equal(result.isError, true);
    assert.match(text(result), /refund tool was not run: the call awaits human approval in ASCEND/);
    assert.ok(text(result).includes(`ASCEND action ${action.id}`), text(result));
    assert.deepEqual(result._meta[GOVERNANCE_META_KEY], { outcome: "pending", action_id: String(action.id), error_code: "APPROVAL_TIMEOUT" });
    assert.deepEqual(runs, []);
  });

  test("pending past approvalTimeoutMs: an approval timeout, never a run", async () => {
    const { mcp, runs } = await governed("mcp-pending-timeout", { approvalPollIntervalMs: 50, approvalTimeoutMs: 300 });
    const result = await mcp.callTool({ name: "refund", arguments: { customerId: "acct-1", amount: 5 } });
    assert.equal(result.isError, true);
    assert.match(text(result), /awaits human approval in ASCEND \(ASCEND action \d+\)/);
    assert.equal(result._meta[GOVERNANCE_META_KEY].error_code, "APPROVAL_TIMEOUT");
    assert.deepEqual(runs, []);
  });

  test("unreachable governance in CLOSED mode: a tool error result, never a run", async () => {
    const port = await closedPort();
    const ascend = new AscendClient({ apiKey: "k", apiUrl: `http://127.0.0.1:${port}`, agentId: "mcp-down", failMode: FailMode.CLOSED, maxRetries: 0, timeoutMs: 2000 });
    const { mcp, runs } = await governed("mcp-down", { client: ascend });
    const result = await mcp.callTool({ name: "lookup", arguments: { report: "q3" } });
    await ascend.close();
    assert.equal(result.isError, true);
    assert.match(text(result), /CONNECTION_ERROR/);
    assert.deepEqual(result._meta[GOVERNANCE_META_KEY], { outcome: "unavailable", action_id: null, error_code: "GOVERNANCE_UNAVAILABLE" });
    assert.deepEqual(runs, []);
  });

  test("a blocked agent (kill switch): the flow's KillSwitchError, sent as a tool error result; never runs", async () => {
    const own = await DevServer.start(DEV_SERVER_OPTIONS); // the kill switch is organisation-wide: a server of its own
    try {
      const ascend = own.client({ agentId: "mcp-killed" });
      await ascend.registerMcpServer({ serverName: "billing-mcp" });
      await ascend.triggerKillSwitch({ organizationId: 1, reason: "integration test of the kill switch" });
      assert.equal((await ascend.pollKillSwitch()).blocked, true);
      const { server, runs } = billingServer({ client: ascend, tools: TOOLS });
      const mcp = await connect(server);
      const result = await mcp.callTool({ name: "lookup", arguments: { report: "q3" } });
      await mcp.close();
      assert.equal(result.isError, true);
      assert.match(text(result), /Kill switch is active/);
      assert.deepEqual(runs, []);
    } finally {
      await own.close();
    }
  });

  test("a tool's own error result is recorded as a failed execution and reaches the client unchanged", async () => {
    const ascend = dev.client({ agentId: "mcp-tool-error" });
    const server = governMcpServer(new McpServer({ name: "files-mcp", version: "1.0.0" }), { client: ascend, actionType: "query", resource: "reports" });
    server.registerTool("read", { inputSchema: { path: z.string() } }, async ({ path }) => ({ content: [{ type: "text", text: `no such file: ${path}` }], isError: true }));
    const mcp = await connect(server);
    open.push(mcp);
    const result = await mcp.callTool({ name: "read", arguments: { path: "/x" } });
    assert.deepEqual(result, { content: [{ type: "text", text: "no such file: /x" }], isError: true });
    const [action] = await actionsOf(ascend, "mcp-tool-error");
    const record = await actionRecord(dev, action.id);
    assert.equal(sentExtra(record.request, "mcp_server_name"), "files-mcp");
    assert.deepEqual(executions(record), [["action.failed", "no such file: /x"]]);
  });

  test("tools registered before governMcpServer, replaced callbacks and renamed tools stay governed", async () => {
    const ascend = dev.client({ agentId: "mcp-late" });
    const runs = [];
    const server = new McpServer({ name: "late-mcp", version: "1.0.0" });
    const early = server.registerTool("shell", { inputSchema: { command: z.string() } }, async () => (runs.push("early"), { content: [{ type: "text", text: "early" }] }));
    governMcpServer(server, { client: ascend, actionType: "execute_command", resource: "root_shell" });
    early.update({ callback: async () => (runs.push("replaced"), { content: [{ type: "text", text: "replaced" }] }) });
    const mcp = await connect(server);
    open.push(mcp);
    assert.equal((await mcp.callTool({ name: "shell", arguments: { command: "id" } })).isError, true);
    early.update({ name: "sh" });
    assert.equal((await mcp.callTool({ name: "sh", arguments: { command: "id" } })).isError, true);
    assert.deepEqual(runs, []);
    assert.deepEqual((await actionsOf(ascend, "mcp-late")).map((a) => [a.action_type, a.decision]), [["execute_command", "denied"], ["execute_command", "denied"]]);
    const record = await actionRecord(dev, (await actionsOf(ascend, "mcp-late"))[1].id);
    assert.equal(record.request.context.tool_name, "sh");
  });

  test("a server missing from ASCEND's MCP registry is denied", async () => {
    const ascend = dev.client({ agentId: "mcp-unregistered" });
    const { server, runs } = billingServer({ client: ascend, tools: TOOLS }, { name: "rogue-mcp" });
    const mcp = await connect(server);
    open.push(mcp);
    const result = await mcp.callTool({ name: "lookup", arguments: { report: "q3" } });
    assert.equal(result.isError, true);
    assert.match(text(result), /not registered/);
    assert.deepEqual(runs, []);
  });

  test("options are checked when the server is wrapped, naming the field; task tools are refused", () => {
    const server = () => new McpServer({ name: "x", version: "1" });
    const field = (fn, name) => assert.throws(fn, (e) => e instanceof ValidationError && e.field === name);
    field(() => governMcpServer(server(), { onDenied: "ignore" }), "onDenied");
    field(() => governMcpServer(server(), { onPending: "later" }), "onPending");
    field(() => governMcpServer(server(), { resource: 42 }), "resource");
    field(() => governMcpServer(server(), { client: {} }), "client");
    field(() => governMcpServer(server(), { tools: { a: { description: [] } } }), "description");
    field(() => governMcpServer(server(), { approvalTimeout: -1 }), "approvalTimeout");
    field(() => governMcpServer(server(), { approvalPollIntervalMs: "5" }), "approvalPollIntervalMs");
    field(() => governMcpServer(server(), { approvalTimeout: 1, approvalTimeoutMs: 1000 }), "approvalTimeoutMs");
    field(() => governMcpServer({}), "server");
    const s = governMcpServer(server(), { client: dev.client() });
    field(() => governMcpServer(s), "server");
    field(() => s.experimental.tasks.registerToolTask("long", {}, { createTask() {}, getTask() {}, getTaskResult() {} }), "server");
  });

  test("CommonJS require of ascend-sdk/integrations/mcp is the same module", () => {
    const cjs = require("../dist/cjs/integrations/mcp.js");
    assert.equal(cjs.governMcpServer, governMcpServer);
  });
});

describe("the client from the environment", () => {
  test("with no client, the first governed call creates one from ASCEND_API_URL / ASCEND_API_KEY / ASCEND_AGENT_ID", async () => {
    process.env.ASCEND_API_URL = dev.url;
    process.env.ASCEND_API_KEY = dev.apiKey;
    process.env.ASCEND_AGENT_ID = "mcp-from-env";
    try {
      const { server, runs } = billingServer({ tools: TOOLS });
      const mcp = await connect(server);
      open.push(mcp);
      assert.equal(text(await mcp.callTool({ name: "lookup", arguments: { report: "env" } })), "report env: ok");
      assert.deepEqual(runs, [["lookup", "env"]]);
      const [action] = await actionsOf(dev.client({ agentId: "mcp-from-env" }), "mcp-from-env");
      assert.equal(action.action_type, "query");
    } finally {
      delete process.env.ASCEND_API_URL;
      delete process.env.ASCEND_API_KEY;
      delete process.env.ASCEND_AGENT_ID;
    }
  });
});
