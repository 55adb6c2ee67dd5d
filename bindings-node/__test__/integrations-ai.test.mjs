// ascend-sdk/integrations/ai with the real Vercel AI SDK: governed tools executed by generateText / streamText the way
// the SDK does, driven by the SDK's own mock model (ai/test MockLanguageModelV4, which issues the tool call; no
// network), deciding through the in-process dev server (ascend-dev).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { AscendClient, AuthorizationError, FailMode, TimeoutError, ValidationError } from "../dist/esm/index.mjs";
import { DevServer } from "../dist/esm/testing.mjs";
import { governTools, governedTool } from "../dist/esm/integrations/ai.mjs";
import { DEV_SERVER_OPTIONS, actionRecord, actionsOf, closedPort, pendingActionOf, sentExtra } from "./integrations-support.mjs";

const require = createRequire(import.meta.url);
const USAGE = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };

/** A model that calls `toolName` with `input` once, then answers with text; it keeps every prompt it was given. */
function toolCallingModel(toolName, input) {
  let step = 0;
  return new MockLanguageModelV4({
    doGenerate: async () => {
      step += 1;
      if (step === 1) {
        return { content: [{ type: "tool-call", toolCallId: "call-1", toolName, input: JSON.stringify(input) }], finishReason: { unified: "tool-calls", raw: undefined }, usage: USAGE, warnings: [] };
      }
      return { content: [{ type: "text", text: "done" }], finishReason: { unified: "stop", raw: undefined }, usage: USAGE, warnings: [] };
    },
  });
}

/** What the model was told about the tool call in its second step (the SDK's tool message). */
function toolMessage(model) {
  const prompt = model.doGenerateCalls[1].prompt;
  const msg = prompt[prompt.length - 1];
  assert.equal(msg.role, "tool");
  return msg.content[0].output;
}

/** The three tools of the scenarios, each recording its runs. */
function billingTools(runs) {
  return {
    lookup: tool({ description: "Look up a report", inputSchema: z.object({ report: z.string() }), execute: async ({ report }) => (runs.push(["lookup", report]), { report, rows: 3 }) }),
    refund: tool({
      description: "Refund a customer",
      inputSchema: z.object({ customerId: z.string(), amount: z.number().positive(), api_token: z.string().optional() }),
      execute: async ({ customerId, amount }) => (runs.push(["refund", customerId, amount]), { refunded: amount }),
    }),
    shell: tool({ description: "Run a command", inputSchema: z.object({ command: z.string() }), execute: async ({ command }) => (runs.push(["shell", command]), "ran") }),
  };
}

const PER_TOOL = {
  lookup: { resource: "reports" },
  refund: { resource: "customer_financial_records", description: (args) => `refund ${args.amount} to ${args.customerId}` },
  shell: { actionType: "execute_command", resource: "root_shell" },
};

let dev;
before(async () => {
  dev = await DevServer.start(DEV_SERVER_OPTIONS);
});
after(async () => dev?.close());

/** Runs generateText with the governed tool set, the model calling `name` with `input`. */
async function run(agentId, name, input, options = {}) {
  const runs = [];
  const client = options.client ?? dev.client({ agentId, failMode: FailMode.CLOSED, timeoutMs: 5000 });
  const tools = governTools(billingTools(runs), { client, tools: PER_TOOL, ...options });
  const model = toolCallingModel(name, input);
  const result = await generateText({ model, tools, prompt: "go", stopWhen: stepCountIs(3) });
  return { client, runs, model, result, first: result.steps[0].content };
}

describe("governed AI SDK tools under generateText", () => {
  test("the tool definitions the model receives are exactly the SDK's own", async () => {
    const plainModel = toolCallingModel("lookup", { report: "q3" });
    await generateText({ model: plainModel, tools: billingTools([]), prompt: "go", stopWhen: stepCountIs(3) });
    const { model } = await run("ai-schemas", "lookup", { report: "q3" });
    assert.deepEqual(model.doGenerateCalls[0].tools, plainModel.doGenerateCalls[0].tools);
    assert.equal(model.doGenerateCalls[0].tools.length, 3);
  });

  test("allowed: the tool runs once and the model gets its output; the action records the call and its completion", async () => {
    const { client, runs, model, first } = await run("ai-allowed", "lookup", { report: "q3" });
    assert.deepEqual(runs, [["lookup", "q3"]]);
    assert.deepEqual(first.find((p) => p.type === "tool-result").output, { report: "q3", rows: 3 });
    assert.deepEqual(toolMessage(model), { type: "json", value: { report: "q3", rows: 3 } });
    const [action] = await actionsOf(client, "ai-allowed");
    assert.deepEqual([action.action_type, action.resource], ["lookup", "reports"]);
    const record = await actionRecord(dev, action.id);
    assert.deepEqual(record.request.action_details, { report: "q3" });
    assert.equal(record.request.context.tool_name, "lookup");
    const done = record.audit_trail.filter((e) => e.event_type === "action.completed");
    assert.deepEqual(done.map((e) => e.details.result), [{ success: true, has_result: true }]);
  });

  test("denied (default onDenied 'return'): the reason is the tool's result; the run goes on; never runs", async () => {
    const { runs, model, first, result } = await run("ai-denied-return", "shell", { command: "id" });
    assert.deepEqual(runs, []);
    assert.match(first.find((p) => p.type === "tool-result").output, /denied.*Risk score 95(\.0)? is at or above the denial threshold 90/);
    assert.equal(toolMessage(model).type, "text");
    assert.equal(result.text, "done");
  });

  test("denied with onDenied 'throw': a tool error the model reads; the run goes on; never runs", async () => {
    const { runs, model, first, result } = await run("ai-denied", "shell", { command: "rm -rf /" }, { onDenied: "throw" });
    assert.deepEqual(runs, []);
    const err = first.find((p) => p.type === "tool-error");
    assert.ok(err.error instanceof AuthorizationError, String(err.error));
    assert.equal(err.error.errorCode, "MCP_ACTION_DENIED");
    assert.match(err.error.details.action_id, /^\d+$/);
    const told = toolMessage(model);
    assert.equal(told.type, "error-text");
    assert.match(told.value, /Action denied: Risk score 95(\.0)? is at or above the denial threshold 90/);
    assert.equal(result.text, "done");
  });

  test("onDenied 'raise' (the Python option's name) throws like 'throw'", async () => {
    const { runs, first } = await run("ai-denied-raise", "shell", { command: "id" }, { onDenied: "raise" });
    assert.deepEqual(runs, []);
    assert.ok(first.find((p) => p.type === "tool-error").error instanceof AuthorizationError);
  });

  test("pending: waits for the reviewer's approval in the dev server, then runs once", async () => {
    const client = dev.client({ agentId: "ai-pending" });
    const running = run("ai-pending", "refund", { customerId: "acct-1", amount: 25, api_token: "tok-secret" }, { client, approvalPollInterval: 0.05, approvalTimeout: 30 });
    const id = await pendingActionOf(client, "ai-pending");
    await dev.approve(id, { comment: "ok" });
    const { runs, first } = await running;
    assert.deepEqual(runs, [["refund", "acct-1", 25]]);
    assert.deepEqual(first.find((p) => p.type === "tool-result").output, { refunded: 25 });
    const record = await actionRecord(dev, id);
    assert.equal(record.request.action_details.api_token, "[REDACTED]");
    assert.equal(sentExtra(record.request, "description"), "refund 25 to acct-1");
  });

  test("pending with onPending 'return': the model is told the action id awaiting approval; never runs", async () => {
    const { client, runs, first } = await run("ai-pending-return", "refund", { customerId: "acct-1", amount: 5 }, { onPending: "return" });
    assert.deepEqual(runs, []);
    const [action] = await actionsOf(client, "ai-pending-return");
    assert.equal(action.decision, "pending");
    const told = first.find((p) => p.type === "tool-result").output;
    assert.match(told, /^The refund tool was not run: the call awaits human approval in ASCEND \(ASCEND action \d+\)/);
    assert.ok(told.includes(`ASCEND action ${action.id})`), told);
  });

  test("pending past approvalTimeout: an approval timeout error (onDenied 'throw'), never a run", async () => {
    const { runs, first } = await run("ai-pending-timeout", "refund", { customerId: "acct-1", amount: 5 }, { onDenied: "throw", approvalPollInterval: 0.05, approvalTimeout: 0.3 });
    assert.deepEqual(runs, []);
    const err = first.find((p) => p.type === "tool-error").error;
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.errorCode, "APPROVAL_TIMEOUT");
  });

  test("unreachable governance in CLOSED mode: never runs, with either onDenied", async () => {
    const port = await closedPort();
    const client = new AscendClient({ apiKey: "k", apiUrl: `http://127.0.0.1:${port}`, agentId: "ai-down", failMode: FailMode.CLOSED, maxRetries: 0, timeoutMs: 2000 });
    try {
      const thrown = await run("ai-down", "lookup", { report: "q3" }, { client, onDenied: "throw" });
      assert.deepEqual(thrown.runs, []);
      const err = thrown.first.find((p) => p.type === "tool-error").error;
      assert.ok(err instanceof AuthorizationError);
      assert.equal(err.errorCode, "GOVERNANCE_UNAVAILABLE");
      assert.equal(err.details.cause, "CONNECTION_ERROR");
      const returned = await run("ai-down", "lookup", { report: "q3" }, { client });
      assert.deepEqual(returned.runs, []);
      assert.match(returned.first.find((p) => p.type === "tool-result").output, /CONNECTION_ERROR/);
    } finally {
      await client.close();
    }
  });

  test("unreachable governance in OPEN mode: the core's fail mode allows, the tool runs, the records are spooled", async () => {
    const port = await closedPort();
    const spool = join(mkdtempSync(join(tmpdir(), "ascend-ai-spool-")), "spool.jsonl");
    const client = new AscendClient({ apiKey: "k", apiUrl: `http://127.0.0.1:${port}`, agentId: "ai-open", failMode: FailMode.OPEN, maxRetries: 0, timeoutMs: 2000, auditSpoolPath: spool });
    try {
      const { runs, first } = await run("ai-open", "lookup", { report: "q3" }, { client });
      assert.deepEqual(runs, [["lookup", "q3"]]);
      assert.deepEqual(first.find((p) => p.type === "tool-result").output, { report: "q3", rows: 3 });
      assert.equal(await client.spoolPending(), 2, "the fail-open decision and the tool's completion are in the spool");
    } finally {
      await client.close();
      rmSync(dirname(spool), { recursive: true, force: true });
    }
  });

  test("a tool that throws: the error reaches the model and the completion is recorded as failed", async () => {
    const client = dev.client({ agentId: "ai-throws" });
    const broken = governedTool(tool({ inputSchema: z.object({ report: z.string() }), execute: async () => { throw new Error("disk on fire"); } }), { client, name: "lookup", resource: "reports" });
    const model = toolCallingModel("lookup", { report: "q3" });
    await generateText({ model, tools: { lookup: broken }, prompt: "go", stopWhen: stepCountIs(3) });
    assert.match(toolMessage(model).value, /disk on fire/);
    const [action] = await actionsOf(client, "ai-throws");
    const failed = (await actionRecord(dev, action.id)).audit_trail.filter((e) => e.event_type === "action.failed");
    assert.deepEqual(failed.map((e) => e.details.error), ["disk on fire"]);
  });

  test("a streaming tool (async generator) under streamText: governed before its first value", async () => {
    const client = dev.client({ agentId: "ai-stream" });
    const runs = [];
    const progress = tool({
      inputSchema: z.object({ report: z.string() }),
      async *execute({ report }) {
        runs.push(report);
        yield { status: "loading" };
        yield { status: "done", report };
      },
    });
    const denied = governedTool(progress, { client, name: "shell", actionType: "execute_command", resource: "root_shell", onDenied: "throw" });
    const allowed = governedTool(progress, { client, name: "lookup", resource: "reports" });
    const stream = (name, t) => {
      const model = new MockLanguageModelV4({
        doStream: async () => ({
          stream: new ReadableStream({
            start(c) {
              c.enqueue({ type: "tool-call", toolCallId: "s1", toolName: name, input: JSON.stringify({ report: "q3" }) });
              c.enqueue({ type: "finish", finishReason: { unified: "tool-calls", raw: undefined }, usage: USAGE });
              c.close();
            },
          }),
        }),
      });
      return streamText({ model, tools: { [name]: t }, prompt: "go" });
    };
    const ok = stream("lookup", allowed);
    assert.deepEqual((await ok.toolResults).map((r) => r.output), [{ status: "done", report: "q3" }]);
    const no = stream("shell", denied);
    const parts = [];
    for await (const p of no.fullStream) parts.push(p);
    assert.ok(parts.some((p) => p.type === "tool-error" && p.error instanceof AuthorizationError));
    assert.deepEqual(runs, ["q3"]);
    const actions = await actionsOf(client, "ai-stream");
    assert.deepEqual(actions.map((a) => [a.action_type, a.decision]), [["lookup", "allowed"], ["execute_command", "denied"]]);
    const completed = (await actionRecord(dev, actions[0].id)).audit_trail.filter((e) => e.event_type === "action.completed");
    assert.equal(completed.length, 1);
  });

  test("governedTool keeps every other property and the original tool untouched", () => {
    const runs = [];
    const original = billingTools(runs).lookup;
    const wrapped = governedTool(original, { client: dev.client(), name: "lookup" });
    assert.notEqual(wrapped.execute, original.execute);
    assert.deepEqual(Object.keys(wrapped).sort(), Object.keys(original).sort());
    for (const k of Object.keys(original)) if (k !== "execute") assert.equal(wrapped[k], original[k], k);
  });

  test("options are checked when the tool is wrapped, naming the field", () => {
    const t = billingTools([]).lookup;
    const field = (fn, name) => assert.throws(fn, (e) => e instanceof ValidationError && e.field === name);
    field(() => governedTool(t, {}), "name");
    field(() => governedTool(t, { name: "lookup", onDenied: "ignore" }), "onDenied");
    field(() => governedTool(t, { name: "lookup", onPending: "later" }), "onPending");
    field(() => governedTool(t, { name: "lookup", resource: 7 }), "resource");
    field(() => governedTool(t, { name: "lookup", actionType: "" }), "actionType");
    field(() => governedTool(tool({ inputSchema: z.object({}) }), { name: "client-side" }), "tool");
    field(() => governTools({ lookup: t }, { tools: { lookpu: {} } }), "options.tools.lookpu");
  });

  test("CommonJS require of ascend-sdk/integrations/ai is the same module", () => {
    assert.equal(require("../dist/cjs/integrations/ai.js").governedTool, governedTool);
  });
});
