// The first guide, "Your First Governed Action", end to end against the local dev server `ascend-dev`, in
// idiomatic JavaScript (ESM) over the npm package ascend-sdk.
//
// Run it with `examples/node/run_demo.sh` (builds what is needed, starts the server, sets the environment), or:
//   ascend-dev serve --addr 127.0.0.1:0 --db :memory: --deny-at 98 --api-key owkai_demo --admin-token adm_demo
//   ASCEND_API_URL=http://127.0.0.1:PORT ASCEND_API_KEY=owkai_demo ASCEND_DEV_BIN=ascend-dev \
//   ASCEND_DEV_ADMIN_TOKEN=adm_demo node examples/node/first_governed_action.mjs
//
// Around the guide's code it adds what a deployment would have: a registered MCP server, a model in the registry,
// a human reviewer (the `ascend-dev approve` CLI, run while the agent waits), a policy that denies critical actions
// (--deny-at 98) and a node:http webhook receiver that reads the raw body and verifies every delivery. Exit status 0
// only if every expected outcome happened.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import {
  AscendClient,
  AuthenticationError,
  ConnectionError,
  Decision,
  FailMode,
  RateLimitError,
  TimeoutError,
  ValidationError,
  WebhookVerificationError,
  verifyWebhook,
} from "ascend-sdk";

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`first_governed_action.mjs: $${name} is not set (run examples/node/run_demo.sh)`);
    process.exit(2);
  }
  return value;
}

const API_URL = requireEnv("ASCEND_API_URL");
const API_KEY = requireEnv("ASCEND_API_KEY");
const DEV_BIN = requireEnv("ASCEND_DEV_BIN"); // the human reviewer's CLI
const DEV_URL = process.env.ASCEND_DEV_URL ?? API_URL;
requireEnv("ASCEND_DEV_ADMIN_TOKEN"); // read by `ascend-dev approve` / `models add` from the environment

const failures = [];
const section = (title) => console.log(`\n== ${title}`);
const note = (text) => console.log(`   ${text}`);
function expect(ok, what) {
  console.log(`   [${ok ? "ok" : "FAILED"}] ${what}`);
  if (!ok) failures.push(what);
}

const executed = [];
const executeDatabaseWrite = () => {
  executed.push("database_write");
  note("-> executing the database write (the agent only gets here on ALLOWED)");
};
const logDenial = (actionId, reason) => note(`-> denial of action ${actionId} logged (${reason})`);

async function ascendDev(...args) {
  const { stdout } = await promisify(execFile)(DEV_BIN, [...args, "--url", DEV_URL], { timeout: 60_000 });
  return stdout.trim();
}

// A webhook receiver on node:http: it reads the RAW body (verification needs the exact bytes that were signed).
const WEBHOOK_SECRET = "your_webhook_secret";
const deliveries = [];
let deliveryArrived = () => {};
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    deliveries.push({ rawBody: Buffer.concat(chunks), headers: req.headers });
    deliveryArrived();
    res.writeHead(200).end();
  });
});
await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const RECEIVER_URL = `http://127.0.0.1:${receiver.address().port}/ascend/events`;

console.log(`ASCEND dev server: ${API_URL}`);

section("1. Submit an Action");
const client = new AscendClient({
  apiKey: API_KEY,
  apiUrl: API_URL,
  agentId: "finance-bot",
  agentName: "Finance Bot",
  failMode: FailMode.CLOSED,
  timeoutMs: 5000,
});

let result = await client.evaluateAction({
  actionType: "database_write",
  resource: "customer_financial_records",
  resourceId: "acct-12345",
  context: {
    environment: "production",
    data_sensitivity: "high_sensitivity",
    business_justification: "Customer requested account update",
  },
  waitForDecision: false,
});
console.log(`Decision: ${result.decision}`);
console.log(`Risk Score: ${result.riskScore}/100`);
console.log(`CVSS Score: ${result.cvssScore}`);
console.log(`MITRE Tactic: ${result.mitreTactic}`);
console.log(`NIST Control: ${result.nistControl}`);
expect(result.decision === Decision.PENDING, "a high-risk database write waits for a human (PENDING)");
expect(result.riskScore != null && result.cvssScore != null && result.mitreTactic != null && result.nistControl != null,
  "scored with CVSS v3.1, MITRE ATT&CK and NIST");

section("2-3. Handle Each Decision (a human reviews the pending action)");
const reviewerOutput = [];
let reviewer = Promise.resolve();
if (result.decision === Decision.PENDING) {
  const id = result.actionId;
  reviewer = (async () => {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      reviewerOutput.push(await ascendDev("list", "--status", "pending"));
      reviewerOutput.push(await ascendDev("approve", id, "--comment", "Verified with the customer by phone"));
    } catch (e) {
      reviewerOutput.push(`reviewer failed: ${e.message}`);
    }
  })();
  note(`a human reviewer will run \`ascend-dev approve ${id} --comment ...\` in a moment`);
}
const started = Date.now();
let final = null;
if (result.decision === Decision.ALLOWED) {
  executeDatabaseWrite();
} else if (result.decision === Decision.PENDING) {
  console.log(`Queued for review. Action ID: ${result.actionId}`);
  final = await client.waitForDecision(result.actionId, { timeoutMs: 300_000, pollIntervalMs: 5000 });
  if (final.decision === Decision.ALLOWED) executeDatabaseWrite();
  else console.log(`Not approved: ${final.reason}`);
} else {
  console.log(`Action denied: ${result.reason}`);
  logDenial(result.actionId, result.reason);
}
await reviewer;
for (const out of reviewerOutput) for (const line of out.split("\n")) note(`[reviewer] ${line}`);
if (final) note(`waitForDecision returned after ${((Date.now() - started) / 1000).toFixed(1)} s: ${final.decision} (${final.reason})`);
expect(final?.decision === Decision.ALLOWED, "approved by the human through the CLI -> ALLOWED");
expect(executed.length === 1, "the database write ran once, after the approval");

section("4. Check Action Status");
const status = await client.getActionStatus(result.actionId);
console.log(`Current decision: ${status.decision}`);
expect(status.decision === Decision.ALLOWED, "the status endpoint agrees: ALLOWED");

section("5. MCP Server Governance");
// Auto-approved tools skip the thresholds, so only the admin may register them (an agent's API key gets 403): the
// operator does it with the admin CLI. The read-only market-data tool needs no human.
const registered = await ascendDev("mcp", "add", "bloomberg-mcp", "--display-name", "Bloomberg market data", "--auto-approve", "market_data");
note(`registered MCP server bloomberg-mcp (by the operator): ${registered}`);
// The agent itself may register a server without auto-approved tools.
const own = await client.registerMcpServer({ serverName: "files-mcp", displayName: "Files", description: "Read-only file tools", governanceEnabled: true });
note(`the agent registered files-mcp: ${own.success ?? JSON.stringify(own)}`);
result = await client.evaluateAction({ actionType: "tool_call", resource: "market_data", mcpServerName: "bloomberg-mcp", waitForDecision: false });
console.log(result.mcpGovernance?.server_registered);
expect(result.mcpGovernance?.server_registered === true, "a registered MCP server passes Layer 13 (keys as the server sent them)");
expect(result.decision === Decision.ALLOWED, "the market-data tool call is ALLOWED (an auto-approved tool)");
const shadow = await client.evaluateAction({ actionType: "tool_call", resource: "market_data", mcpServerName: "shadow-mcp", waitForDecision: false });
note(`unregistered shadow-mcp: ${shadow.decision} (${shadow.reason})`);
expect(shadow.decision === Decision.DENIED, "an unregistered MCP server is refused (HTTP 403 -> DENIED)");

section("6. Model Registry Enforcement");
note(await ascendDev("models", "add", "llama-3-fine-tuned", "--status", "approved", "--name", "Llama 3 (fine-tuned)"));
result = await client.evaluateAction({ actionType: "model_inference", resource: "underwriting_pipeline", modelId: "llama-3-fine-tuned", waitForDecision: false });
console.log(result.modelGovernance?.compliance_status);
expect(result.modelGovernance?.compliance_status === "approved", "the registered model is compliant");

section("7. Error Handling");
try {
  result = await client.evaluateAction({ actionType: "query", resource: "customer_db" });
  console.log(`Decision: ${result.decision} (risk ${result.riskScore})`);
} catch (e) {
  if (e instanceof AuthenticationError || e instanceof ConnectionError) throw e;
  if (e instanceof RateLimitError) await new Promise((r) => setTimeout(r, (e.retryAfterSeconds ?? 60) * 1000));
  else if (e instanceof TimeoutError) note("timeout logged");
  else if (e instanceof ValidationError) console.log(`Fix request: ${e.message} (${e.field})`);
  else throw e;
}
expect(result.decision === Decision.ALLOWED, "a low-risk query is ALLOWED at once");
const wrongKey = new AscendClient({ apiKey: "owkai_not_a_real_key", apiUrl: API_URL, agentId: "finance-bot", maxRetries: 0 });
try {
  await wrongKey.evaluateAction({ actionType: "query", resource: "customer_db", waitForDecision: false });
  expect(false, "a wrong API key raises AuthenticationError");
} catch (e) {
  expect(e instanceof AuthenticationError && !e.message.includes("owkai_not_a_real_key"),
    `a wrong API key raises AuthenticationError without the key in the message (${e.name}: ${e.message})`);
} finally {
  await wrongKey.close();
}

section("8. Webhook Configuration");
const webhook = await client.configureWebhook({ url: RECEIVER_URL, events: ["action.pending", "action.approved", "action.denied", "agent.blocked"], secret: WEBHOOK_SECRET });
console.log(`Webhook ID: ${webhook.webhookId}`);
expect(Boolean(webhook.webhookId), "webhook configured");
note("a critical change during a SOX change freeze; the server denies scores >= 98 (--deny-at 98):");
result = await client.evaluateAction({
  actionType: "system_operation",
  resource: "production_cluster",
  description: "Restart the production payment cluster",
  context: { environment: "production" },
  riskIndicators: { compliance_flags: ["SOX change freeze"] },
  waitForDecision: false,
});
if (result.decision === Decision.DENIED) {
  console.log(`Action denied: ${result.reason}`);
  logDenial(result.actionId, result.reason);
}
expect(result.decision === Decision.DENIED && result.riskScore >= 98, "the critical system operation is DENIED by policy (score >= 98)");

note(`waiting for the action.denied delivery at ${RECEIVER_URL}`);
let verified = null;
let lastDelivery = null;
const deadline = Date.now() + 20_000;
while (!verified && Date.now() < deadline) {
  if (deliveries.length === 0) {
    await new Promise((r) => {
      deliveryArrived = r;
      setTimeout(r, Math.max(0, deadline - Date.now()));
    });
    continue;
  }
  const { rawBody, headers } = deliveries.shift();
  const event = verifyWebhook(rawBody, headers, WEBHOOK_SECRET);
  note(`received ${rawBody.length} bytes, signature verified: event ${event.type} (webhook-id ${headers["webhook-id"]})`);
  const data = event.data ?? {};
  if (event.type === "action.denied" && String(data.id ?? data.action_id) === result.actionId) {
    verified = event;
    lastDelivery = { rawBody, headers };
  }
}
expect(verified !== null, "the action.denied webhook arrived and its signature verified");
if (lastDelivery) {
  try {
    verifyWebhook(Buffer.concat([lastDelivery.rawBody, Buffer.from(" ")]), lastDelivery.headers, WEBHOOK_SECRET);
    expect(false, "a tampered delivery is rejected");
  } catch (e) {
    expect(e instanceof WebhookVerificationError, `the same delivery with one byte added is rejected (${e.code})`);
  }
  expect(await client.deliverWebhookEvent(verified), "a verified event can wake a waiter (deliverWebhookEvent)");
}

await client.close();
receiver.close();
console.log();
if (failures.length) {
  console.log(`DEMO FAILED: ${failures.length} expected outcome(s) did not happen:`);
  for (const f of failures) console.log(`  - ${f}`);
  process.exit(1);
}
console.log("DEMO OK: ALLOWED, PENDING -> approved by a human, DENIED, MCP and model governance, verified webhook.");
