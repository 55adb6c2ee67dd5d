// Runtime rules of the Node binding (issue 12, item 6): scripts exit by themselves, the event loop stays
// responsive, workers, no growth over 10,000 calls, logging to a user logger or silence, no secrets in logs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import * as sdk from "../dist/esm/index.mjs";
import { DevServer } from "../dist/esm/testing.mjs";
import { PKG } from "./support.mjs";

const INDEX = join(PKG, "dist", "cjs", "index.js");
const TESTING = join(PKG, "dist", "cjs", "testing.js");

/** Runs a CommonJS snippet in a fresh node; bounded at 60 s. */
function runNode(code, { env = {}, args = [] } = {}) {
  const out = spawnSync(process.execPath, [...args, "-e", code], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ASCEND_LOG: "", ...env } });
  return { status: out.status, signal: out.signal, stdout: out.stdout, stderr: out.stderr };
}

let server;
before(async () => { server = await DevServer.start({ denyAt: 98 }); });
after(async () => server?.close());

test("a script that uses a client exits by itself (kill-switch polling and heartbeat running, no close())", () => {
  const r = runNode(`
    const { AscendClient } = require(${JSON.stringify(INDEX)});
    const { DevServer } = require(${JSON.stringify(TESTING)});
    (async () => {
      const server = await DevServer.start();
      const client = new AscendClient({ apiKey: server.apiKey, apiUrl: server.url, agentId: "bot" });
      const d = await client.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false });
      await client.startKillSwitchPolling({ intervalSeconds: 1 });
      await client.startHeartbeat({ intervalSeconds: 1 });
      console.log("done", d.decision);
    })();`);
  assert.equal(r.signal, null, `killed by ${r.signal} (did not exit by itself): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done allowed/);
});

test("the event loop stays responsive during a 2 s waitForDecision", async () => {
  const client = server.client({ agentId: "loop-bot" });
  const p = await client.evaluateAction({ actionType: "database_write", resource: "customer_financial_records", waitForDecision: false });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = Date.now();
  await assert.rejects(client.waitForDecision(p.actionId, { timeoutMs: 2000, pollIntervalMs: 200 }), (e) => e instanceof sdk.TimeoutError);
  clearInterval(timer);
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 1900, `waited ${elapsed} ms`);
  // Ideal 200 ticks; a blocked loop would give ~0.
  assert.ok(ticks >= 100, `only ${ticks} ticks of a 10 ms interval in ${elapsed} ms`);
});

test("clients work from worker_threads, the addon loaded in several workers at once", async () => {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { AscendClient, Decision } = require(${JSON.stringify(INDEX)});
    (async () => {
      const c = new AscendClient({ apiKey: workerData.key, apiUrl: workerData.url, agentId: "worker-" + workerData.i });
      const out = [];
      for (let n = 0; n < 5; n++) out.push((await c.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false })).decision);
      await c.close();
      parentPort.postMessage(out.every((d) => d === Decision.ALLOWED));
    })().catch((e) => parentPort.postMessage(String(e)));`;
  const results = await Promise.all([0, 1, 2, 3].map((i) => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { i, url: server.url, key: server.apiKey } });
    w.once("message", (m) => { resolve(m); w.terminate(); });
    w.once("error", reject);
  })));
  assert.deepEqual(results, [true, true, true, true]);
});

test("10,000 calls leave no growing handles or memory", () => {
  const r = runNode(`
    const { AscendClient } = require(${JSON.stringify(INDEX)});
    (async () => {
      const c = new AscendClient({ apiKey: ${JSON.stringify(server.apiKey)}, apiUrl: ${JSON.stringify(server.url)}, agentId: "soak" });
      const id = (await c.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false })).actionId;
      const ac = new AbortController();
      const round = async (n) => { for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => k % 2 ? c.getActionStatus(id, { signal: ac.signal }) : c.isBlocked())); };
      await round(2000);
      global.gc(); await new Promise((r) => setTimeout(r, 50)); global.gc();
      const h0 = process._getActiveHandles().length, m0 = process.memoryUsage();
      await round(10000);
      global.gc(); await new Promise((r) => setTimeout(r, 50)); global.gc();
      const h1 = process._getActiveHandles().length, m1 = process.memoryUsage();
      console.log(JSON.stringify({ h0, h1, rss: (m1.rss - m0.rss) / 1048576, heap: (m1.heapUsed - m0.heapUsed) / 1048576 }));
      await c.close();
    })();`, { args: ["--expose-gc"] });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim().split("\n").pop());
  console.log(`# 10,000 calls: handles ${m.h0} -> ${m.h1}, rss +${m.rss.toFixed(1)} MiB, heap +${m.heap.toFixed(2)} MiB`);
  assert.ok(m.h1 <= m.h0, `handles grew ${m.h0} -> ${m.h1}`);
  assert.ok(m.heap < 5, `JS heap grew ${m.heap} MiB`);
  assert.ok(m.rss < 40, `RSS grew ${m.rss} MiB`);
});

test("logs reach a user-supplied logger; secrets never appear in logs or errors", async () => {
  const records = [];
  const logger = { error: (m) => records.push(["error", m]), warn: (m) => records.push(["warn", m]), info: (m) => records.push(["info", m]), debug: (m) => records.push(["debug", m]) };
  const apiKey = server.apiKey;
  const wrongKey = "owkai_secret_key_for_log_test_0042";
  const signingSecret = "signing_secret_for_log_test_0042";
  const c = new sdk.AscendClient({ apiKey, apiUrl: server.url, agentId: "log-bot", signingSecret, logger, debug: true, maxRetries: 0 });
  await c.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false });
  let err;
  try { await new sdk.AscendClient({ apiKey: wrongKey, apiUrl: server.url, agentId: "log-bot", maxRetries: 0, logger }).evaluateAction({ actionType: "query", resource: "r", waitForDecision: false }); } catch (e) { err = e; }
  // A retried connection failure logs at debug level ("retrying").
  const down = new sdk.AscendClient({ apiKey: wrongKey, apiUrl: "http://127.0.0.1:9", agentId: "log-bot", maxRetries: 1, logger, debug: true });
  await assert.rejects(down.evaluateAction({ actionType: "query", resource: "r", waitForDecision: false }), (e) => e instanceof sdk.ConnectionError);
  await down.close();
  await new Promise((r) => setTimeout(r, 100));
  await c.close();
  assert.ok(err instanceof sdk.AuthenticationError);
  assert.ok(records.some(([l, m]) => l === "info" && /initialized/i.test(m)), JSON.stringify(records.slice(0, 5)));
  assert.ok(records.some(([l, m]) => l === "debug" && /retrying/.test(m)), "debug records reach a debug client's logger");
  const everything = JSON.stringify(records) + err.message + JSON.stringify(err.details);
  assert.ok(!everything.includes(apiKey) && !everything.includes(wrongKey) && !everything.includes(signingSecret), "a secret leaked into logs or errors");
});

test("silent by default; ASCEND_LOG=debug turns on debug logs", () => {
  const code = `
    const { AscendClient } = require(${JSON.stringify(INDEX)});
    (async () => {
      const c = new AscendClient({ apiKey: ${JSON.stringify(server.apiKey)}, apiUrl: ${JSON.stringify(server.url)}, agentId: "quiet" });
      await c.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false });
      const down = new AscendClient({ apiKey: "k-123456", apiUrl: "http://127.0.0.1:9", agentId: "quiet", maxRetries: 1 });
      await down.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false }).catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      await c.close();
    })();`;
  const quiet = runNode(code);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, "");
  const loud = runNode(code, { env: { ASCEND_LOG: "debug" } });
  assert.equal(loud.status, 0, loud.stderr);
  assert.match(loud.stdout + loud.stderr, /\[ascend_core[^\]]*\] .*initialized/);
  assert.match(loud.stdout + loud.stderr, /retrying/);
  assert.ok(!(loud.stdout + loud.stderr).includes(server.apiKey));
});
