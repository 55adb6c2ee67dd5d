// The public surface: every method of the core's method table on AscendClient, the calling convention, errors
// (classes, fields, instanceof across the ESM and CJS copies, no secrets), AbortSignal, webhooks, pre-scoring and
// the dev server of ascend-sdk/testing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as esm from "../dist/esm/index.mjs";
import { DevServer } from "../dist/esm/testing.mjs";
import { REPO } from "./support.mjs";

const require = createRequire(import.meta.url);
const cjs = require("../dist/cjs/index.js");
const DESCRIPTOR = JSON.parse(readFileSync(join(REPO, "tests", "conformance", "methods.json"), "utf8"));
const camel = (s) => s.replace(/_([a-z0-9])/g, (_m, c) => c.toUpperCase());

describe("surface", () => {
  test("every method of the core's descriptor exists on AscendClient, camelCased", () => {
    const missing = DESCRIPTOR.methods.map((m) => camel(m.name)).filter((n) => typeof esm.AscendClient.prototype[n] !== "function");
    assert.deepEqual(missing, []);
    assert.ok(DESCRIPTOR.methods.length > 50);
  });

  test("the package's method table is the linked core's descriptor (not a stale copy)", async () => {
    const { internal } = await import("./support.mjs");
    const core = JSON.parse(internal.native.methodDescriptor());
    const shape = (ms) => ms.map((m) => [m.name, m.returns, m.target ?? null, m.params.map((p) => [p.name, p.type, !!p.opaque])]);
    assert.deepEqual(shape(esm.METHODS), shape(core.methods));
  });

  test("SDK_VERSION (read from package.json, without loading the addon) is the linked core's version", async () => {
    const { internal } = await import("./support.mjs");
    assert.equal(esm.SDK_VERSION, internal.native.sdkVersion());
  });

  test("a decision written by the addon (camelCase, projection.rs) is the core's projection with camelCased keys", async () => {
    const { internal } = await import("./support.mjs");
    const { readdirSync } = await import("node:fs");
    const dir = join(REPO, "tests", "conformance", "cases", "normalise");
    const replies = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")).input.response);
    replies.push({ id: 7, status: "approved", risk_score: 1e308 * 10, reason: "quote \" and \u2028", mcp_governance: { snake_key: [1, { a_b: null }] } });
    assert.ok(replies.length > 10);
    for (const reply of replies) {
      const snake = JSON.parse(internal.native.normaliseDecision(JSON.stringify(reply)));
      const viaCore = Object.fromEntries(Object.entries(snake).map(([k, v]) => [camel(k), v]));
      assert.deepEqual(esm.normaliseDecision(reply), viaCore, JSON.stringify(reply));
    }
  });

  test("ESM and CommonJS entry points share one implementation", () => {
    assert.equal(esm.AscendClient, cjs.AscendClient);
    assert.equal(esm.AscendError, cjs.AscendError);
    assert.equal(require("ascend-sdk/package.json").name, "ascend-sdk");
  });

  test("enums are the wire values", () => {
    assert.equal(esm.Decision.ALLOWED, "allowed");
    assert.equal(esm.Decision.PENDING, "pending");
    assert.equal(esm.Decision.DENIED, "denied");
    assert.deepEqual(Object.values(esm.FailMode), ["closed", "open", "local"]);
  });
});

describe("errors", () => {
  test("configuration errors are typed, name the field and never show the key", () => {
    const secret = "owkai_super_secret_key_123";
    assert.throws(() => new esm.AscendClient({ apiKey: secret, apiUrl: "http://example.com", agentId: "a" }), (e) => {
      assert.ok(e instanceof cjs.ConfigurationError, `${e.name}`);
      assert.ok(e instanceof cjs.AscendError);
      assert.equal(e.code, "CONFIGURATION_ERROR");
      assert.ok(!e.message.includes(secret) && !JSON.stringify(e.details).includes(secret));
      return true;
    });
    assert.throws(() => new esm.AscendClient({ apiKey: "k", maxRetries: "three" }), (e) => e instanceof esm.ConfigurationError && e.field === "max_retries");
  });

  test("validation errors come before any network I/O and name the field", async () => {
    const client = new esm.AscendClient({ apiKey: "k-1234", apiUrl: "http://127.0.0.1:9", agentId: "a", maxRetries: 0 });
    await assert.rejects(client.evaluateAction({ resource: "db" }), (e) => {
      assert.ok(e instanceof cjs.ValidationError);
      assert.equal(e.code, "VALIDATION_ERROR");
      assert.ok("action_type" in e.fieldErrors, JSON.stringify(e.fieldErrors));
      return true;
    });
    await client.close();
  });

  test("requestOptions reach the core's request_options: camelCase keys and timeoutMs converted, bad ones refused before I/O", async () => {
    const client = new esm.AscendClient({ apiKey: "k-1234", apiUrl: "http://127.0.0.1:9", agentId: "a", maxRetries: 0 });
    // A reserved header cannot be replaced: the core refuses it, naming request_options.headers, before any I/O.
    await assert.rejects(
      client.getActionStatus("1", { requestOptions: { headers: { "X-API-Key": "other" } } }),
      (e) => e instanceof esm.ValidationError && "request_options.headers" in e.fieldErrors,
    );
    // maxRetries must be snake_cased to be known to the core; an unknown key would be refused the same way.
    await assert.rejects(
      client.getActionStatus("1", { requestOptions: { maxRetries: 101 } }),
      (e) => e instanceof esm.ValidationError && "request_options.max_retries" in e.fieldErrors,
    );
    await assert.rejects(
      client.getActionStatus("1", { requestOptions: { timeoutMs: 1500, maxRetries: 0, headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } } }),
      (e) => e instanceof esm.ConnectionError,
    );
    await client.close();
  });

  test("an unreachable server is a ConnectionError (retryable), never an allow", async () => {
    const client = new esm.AscendClient({ apiKey: "k-1234", apiUrl: "http://127.0.0.1:9", agentId: "a", maxRetries: 0 });
    await assert.rejects(client.evaluateAction({ actionType: "query", resource: "db", waitForDecision: false }), (e) => {
      assert.ok(e instanceof esm.ConnectionError && e.retryable === true && e.code === "CONNECTION_ERROR");
      assert.equal(typeof e.correlationId, "string");
      return true;
    });
    await client.close();
  });

  test("every class is exported and subclasses AscendError", () => {
    for (const name of ["AuthenticationError", "AuthorizationError", "RateLimitError", "ValidationError", "TimeoutError",
      "ConnectionError", "CircuitBreakerOpen", "ConfigurationError", "KillSwitchError", "ServerError", "NotFoundError",
      "ConflictError", "WebhookVerificationError", "AbortError"]) {
      assert.equal(typeof esm[name], "function", name);
      assert.ok(new esm[name]("m") instanceof esm.AscendError, name);
    }
    assert.ok(new esm.CircuitBreakerOpen("m") instanceof esm.ConnectionError);
  });
});

describe("with the dev server", () => {
  let server;
  let client;
  before(async () => {
    server = await DevServer.start({ denyAt: 98 });
    client = server.client({ agentId: "finance-bot", agentName: "Finance Bot", failMode: esm.FailMode.CLOSED, timeoutMs: 5000 });
  });
  after(async () => server?.close());

  test("evaluateAction: camelCase options and results, opaque keys unchanged", async () => {
    const r = await client.evaluateAction({ actionType: "database_read", resource: "reports", context: { my_key: 1, camelKey: 2 }, waitForDecision: false });
    assert.equal(r.decision, esm.Decision.ALLOWED);
    for (const k of ["actionId", "riskScore", "cvssScore", "mitreTactic", "nistControl", "reason"]) assert.ok(k in r, k);
    assert.ok(r.raw && typeof r.raw === "object");
    assert.equal(typeof r.actionId, "string");
  });

  test("pending -> approve -> waitForDecision; getActionStatus takes the id first", async () => {
    const p = await client.evaluateAction({ actionType: "database_write", resource: "customer_financial_records", resourceId: "acct-12345", context: { environment: "production" }, waitForDecision: false });
    assert.equal(p.decision, esm.Decision.PENDING);
    setTimeout(() => server.approve(p.actionId, { comment: "ok" }), 200);
    const f = await client.waitForDecision(p.actionId, { timeoutMs: 20_000, pollIntervalMs: 100 });
    assert.equal(f.decision, esm.Decision.ALLOWED);
    assert.equal((await client.getActionStatus(p.actionId)).decision, esm.Decision.ALLOWED);
    const d = await client.evaluateAction({ actionType: "database_write", resource: "customer_financial_records", waitForDecision: false });
    await server.deny(d.actionId, "not today");
    assert.equal((await client.getActionStatus(d.actionId)).decision, esm.Decision.DENIED);
    await assert.rejects(client.getActionStatus("987654"), (e) => e instanceof esm.NotFoundError && e.statusCode === 404);
    // The decisions the client returns are what permitsExecution judges.
    assert.equal(esm.permitsExecution(f), true);
    assert.equal(esm.permitsExecution(p), false);
    assert.equal(esm.permitsExecution(await client.getActionStatus(d.actionId)), false);
  });

  test("an AbortSignal ends a wait within 50 ms with an AbortError, and the client keeps working", async () => {
    const p = await client.evaluateAction({ actionType: "database_write", resource: "customer_financial_records", waitForDecision: false });
    const ac = new AbortController();
    const waiting = client.waitForDecision(p.actionId, { timeoutMs: 60_000, pollIntervalMs: 100, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    ac.abort();
    await assert.rejects(waiting, (e) => e.name === "AbortError" && e instanceof esm.AbortError && e.code === "CANCELLED");
    const ms = performance.now() - t0;
    // The target is 50 ms (typically a few ms); a loaded CI machine gets a generous functional bound here.
    assert.ok(ms < 1000, `abort took ${ms.toFixed(1)} ms`);
    console.log(`# abort settled ${ms.toFixed(1)} ms after abort()`);
    await assert.rejects(client.getActionStatus(p.actionId, { signal: AbortSignal.abort() }), (e) => e.name === "AbortError");
    assert.equal((await client.getActionStatus(p.actionId)).decision, esm.Decision.PENDING);
  });

  test("configureWebhook returns webhookId; MCP servers take their name first", async () => {
    const w = await client.configureWebhook({ url: "http://127.0.0.1:9/hook", events: ["action.pending", "action.denied"], secret: "whsec_test" });
    assert.match(w.webhookId, /\S/);
    await client.registerMcpServer({ serverName: "files-mcp", displayName: "Files", serverUrl: "http://127.0.0.1:1" });
    const got = await client.getMcpServer("files-mcp");
    assert.ok(JSON.stringify(got).includes("files-mcp"));
  });

  test("DevServer never shows its key or token", () => {
    assert.ok(!String(server).includes(server.apiKey) && !String(server).includes(server.adminToken));
    assert.ok(!String(client).includes(server.apiKey));
  });
});

describe("webhooks", () => {
  const secret = "whsec_" + Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
  const body = Buffer.from(JSON.stringify({ type: "action.denied", timestamp: new Date().toISOString(), data: { id: 42, status: "denied" } }));

  test("sign -> verify with a Buffer, a Uint8Array, plain / Node / fetch headers", () => {
    const headers = esm.signWebhook(body, secret, { msgId: "msg_1" });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    for (const h of [headers, lower, new Headers(headers)]) {
      const ev = esm.verifyWebhook(new Uint8Array(body), h, secret);
      assert.equal(ev.type, "action.denied");
      assert.equal(ev.actionId, "42");
    }
    assert.equal(esm.verifyWebhook(body, lower, ["whsec_" + Buffer.from("an-older-rotated-secret-key-0001").toString("base64"), secret]).type, "action.denied");
  });

  test("a string body is refused with a message that says to pass the raw bytes", () => {
    const headers = esm.signWebhook(body, secret);
    assert.throws(() => esm.verifyWebhook(body.toString(), headers, secret), (e) =>
      e instanceof esm.WebhookVerificationError && e.code === "WEBHOOK_BODY_NOT_BYTES" && /raw/.test(e.message));
  });

  test("tampering, a wrong secret, a replay and an old timestamp fail with their codes", () => {
    const headers = esm.signWebhook(body, secret, { msgId: "msg_2" });
    assert.throws(() => esm.verifyWebhook(Buffer.concat([body, Buffer.from(" ")]), headers, secret), (e) => e.code === "WEBHOOK_NO_MATCHING_SIGNATURE");
    assert.throws(() => esm.verifyWebhook(body, headers, "whsec_" + Buffer.from("x".repeat(32)).toString("base64")), (e) => e instanceof esm.WebhookVerificationError);
    const cache = new esm.ReplayCache();
    esm.verifyWebhook(body, headers, secret, { replayCache: cache });
    assert.throws(() => esm.verifyWebhook(body, headers, secret, { replayCache: cache }), (e) => e.code === "WEBHOOK_REPLAYED");
    const old = esm.signWebhook(body, secret, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    assert.throws(() => esm.verifyWebhook(body, old, secret, { toleranceSeconds: 300 }), (e) => e.code === "WEBHOOK_TIMESTAMP_TOO_OLD");
  });
});

const show = (v) => (typeof v === "symbol" || typeof v === "bigint" || typeof v === "function" ? typeof v : v instanceof Uint16Array || v instanceof DataView ? v.constructor.name : JSON.stringify(v));

describe("webhook secret types (D25)", () => {
  const body = Buffer.from(JSON.stringify({ id: "evt_1", type: "action.approved", timestamp: new Date().toISOString(), data: { action_id: 5, status: "approved" } }));
  const key = "my-long-secret";

  test("a Buffer, a Uint8Array or an ArrayBuffer secret is ONE key, in every scheme", () => {
    for (const scheme of ["standard_webhooks", "ascend_v1", "ascend_stripe_style"]) {
      const opts = { scheme, timestamp: 1_767_225_600, ...(scheme === "standard_webhooks" ? { msgId: "m1" } : {}) };
      const asText = esm.signWebhook(body, key, opts);
      for (const bytes of [Buffer.from(key), new Uint8Array(Buffer.from(key)), new Uint8Array(Buffer.from(key)).buffer]) {
        // The same key as the text: the same signature (a non-whsec text secret is its UTF-8 bytes).
        assert.deepEqual(esm.signWebhook(body, bytes, opts), asText, scheme);
        assert.equal(esm.verifyWebhookSignature(body, asText, bytes, { scheme, nowUnix: 1_767_225_600 }).scheme, scheme);
        // Never iterated: a forgery signed with one byte of the key ("109" is "m") is refused.
        for (const piece of ["109", "m", String(key.charCodeAt(1))]) {
          const forged = esm.signWebhook(body, piece, opts);
          assert.throws(() => esm.verifyWebhookSignature(body, forged, bytes, { scheme, nowUnix: 1_767_225_600 }), (e) => e instanceof esm.WebhookVerificationError, `${scheme} ${piece}`);
        }
      }
    }
  });

  test("bytes are never whsec-decoded; an array of text and bytes rotates", () => {
    const whsec = "whsec_" + Buffer.from("0123456789abcdef").toString("base64");
    const signed = esm.signWebhook(body, Buffer.from(whsec), { msgId: "m2" });
    assert.notDeepEqual(signed, esm.signWebhook(body, whsec, { msgId: "m2", timestamp: Number(signed["webhook-timestamp"]) }));
    assert.equal(esm.verifyWebhook(body, signed, ["old-secret", Buffer.from(whsec)]).type, "action.approved");
    assert.throws(() => esm.verifyWebhook(body, signed, whsec), (e) => e.code === "WEBHOOK_NO_MATCHING_SIGNATURE");
  });

  test("anything else is a ValidationError naming `secret`, before any work, never echoing the value", () => {
    const headers = esm.signWebhook(body, key);
    const refused = [109, true, null, undefined, { k: "v" }, [["a"]], [109, 110], ["ok", 1], [], new Uint16Array([1, 2]), new DataView(new ArrayBuffer(2)), 10n, Symbol("s"), () => key];
    for (const bad of refused) {
      for (const call of [() => esm.verifyWebhook(body, headers, bad), () => esm.verifyWebhookSignature(body, headers, bad), () => esm.signWebhook(body, bad)]) {
        assert.throws(call, (e) => {
          // An empty array is no secret at all: a configuration error naming the secrets, as in every language.
          const ok = Array.isArray(bad) && bad.length === 0
            ? e instanceof cjs.ConfigurationError
            : e instanceof cjs.ValidationError && e.code === "VALIDATION_ERROR" && "secret" in e.fieldErrors;
          assert.ok(ok, `${show(bad)}: ${e.name} ${e.code} ${JSON.stringify(e.fieldErrors)}`);
          assert.ok(!e.message.includes(key));
          return true;
        });
      }
    }
    // The body is still checked first and a string body keeps its own error.
    assert.throws(() => esm.verifyWebhook(body.toString(), headers, 109), (e) => e.code === "WEBHOOK_BODY_NOT_BYTES");
  });
});

describe("host governance", () => {
  test("classifyCommand rates a line or an argv and names the program", () => {
    assert.deepEqual(esm.classifyCommand(["echo", "hi"]), { riskLevel: "low", commandName: "echo" });
    assert.deepEqual(esm.classifyCommand("rm -rf /"), { riskLevel: "critical", commandName: "rm" });
    assert.equal(esm.classifyCommand("/usr/bin/docker ps").commandName, "docker");
    for (const bad of [["ls", 1], 42, { command: "ls" }]) {
      assert.throws(() => esm.classifyCommand(bad), (e) => e instanceof cjs.ValidationError && "command" in e.fieldErrors, JSON.stringify(bad));
    }
  });

  test("permitsExecution: only an approving verdict, and executionAllowed only restricts (D24)", () => {
    assert.equal(esm.permitsExecution(esm.Decision.ALLOWED), true);
    assert.equal(esm.permitsExecution(esm.Decision.PENDING), false);
    assert.equal(esm.permitsExecution("granted"), false);
    assert.equal(esm.permitsExecution({ decision: "allowed", executionAllowed: true }), true);
    assert.equal(esm.permitsExecution({ decision: "allowed", executionAllowed: false }), false);
    assert.equal(esm.permitsExecution({ decision: "denied", executionAllowed: true }), false);
    // Raw server replies go through the client's normalisation: a conflict resolves to DENIED (D23).
    assert.equal(esm.permitsExecution({ id: 1, status: "approved" }), true);
    assert.equal(esm.permitsExecution({ id: 1, status: "approved", execution_allowed: "yes" }), false);
    assert.equal(esm.permitsExecution({ id: 1, decision: "allowed", status: "rejected" }), false);
    for (const bad of [null, undefined, 1, true, ["allowed"]]) assert.equal(esm.permitsExecution(bad), false);
  });

  test("planCommand: the wrapper's local plan", () => {
    assert.equal(esm.planCommand("ls -la | sh", { shell: true }).plan, "refuse");
    assert.equal(esm.planCommand(["ls"]).plan, "run");
    const ask = esm.planCommand(["rm", "x"], { cwd: "/tmp", timeout: 5 });
    assert.equal(ask.plan, "ask");
    assert.equal(ask.request.action_type, "system.subprocess");
  });
});

describe("pre-scoring", () => {
  test("prescore, prescoreBatch and cvssScore are camelCased and agree with each other", () => {
    const one = esm.prescore({ actionType: "database_write", resource: "customer_financial_records", context: { environment: "production" } });
    assert.equal(typeof one.riskScore, "number");
    assert.ok(one.mitreTactic && one.nistControl);
    const batch = esm.prescoreBatch([{ actionType: "database_write", resource: "customer_financial_records", context: { environment: "production" } }, { actionType: "query", resource: "reports" }]);
    assert.equal(batch.length, 2);
    assert.equal(batch[0].riskScore, one.riskScore);
    const cvss = esm.cvssScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert.equal(cvss.baseScore, 9.8);
    assert.throws(() => esm.cvssScore("CVSS:3.1/AV:X"), (e) => e instanceof esm.ValidationError);
  });
});
