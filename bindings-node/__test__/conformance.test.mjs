// The conformance runner for Node: EVERY case of tests/conformance/index.json through the public ascend-sdk API.
//
// Semantics follow core/tests/conformance/protocol.rs and bindings-python/tests/test_conformance.py:
// * scripted cases run against one ascend-mock-server process (reset and scripted per case through /__mock/);
// * client parameters come from the case's `client` (camelCased for `new AscendClient`; defaults: api key
//   test-api-key-0001, agent test-agent, the mock server's URL) and `env` (used instead of the process environment,
//   private `_env`); time is one virtual clock per case: the core's manual clock (private `_clock: "manual:<t>"`),
//   a client made later starting at the case's current time (start + advances + earlier sleeps), unless `clock.real`;
// * `call` names are camelCased to the client's methods, the method's `target` parameter passed first; runner steps
//   new_client, restart_client, breaker_state, clock_sleeps use the native client's private hooks; our additions
//   spool_pending / replay_spool / poll_kill_switch and a name with no method at all go through `client.invoke`;
//   `cancel_after_ms` aborts the call's AbortSignal that many milliseconds after it starts;
// * the mock server checks the recorded requests and the clock's sleeps itself (POST /__mock/verify);
// * `expect.result` is a subset match on the result with its top-level keys snake_cased back (the mechanical
//   inverse of the facade's camelCasing); `expect.error` checks the error's code, class, statusCode and details;
// * pure suites call the package's pure functions (prescore, cvssScore, verifyWebhook, signWebhook, ...); a webhook
//   case's `secret_arg` is the `secret` argument as JavaScript values (D25: `{"$bytes_utf8"}` a Buffer,
//   `{"$bytes_hex"}` a plain Uint8Array, `{"$tuple"}` and arrays an array, anything else the JSON value itself);
// * the pure cases of the classify/ and govern/ suites (`input.function`) call classifyCommand, permitsExecution
//   and planCommand, and the core's other pure governance functions through the package's governCall.
// Every case runs and must pass: there is no skip list.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as sdk from "../dist/esm/index.mjs";
import { MockServer } from "./mockserver.mjs";
import { REPO, internal, subsetMatch } from "./support.mjs";

const CONFORMANCE = join(REPO, "tests", "conformance");
const INDEX = JSON.parse(readFileSync(join(CONFORMANCE, "index.json"), "utf8"));
const DEFAULT_START_UNIX = 1_767_225_600;
const PURE_SUITES = new Set(["canonical", "normalise", "cvss", "prescore", "webhooks"]);
const PRIVATE_CALLS = new Set(["spool_pending", "replay_spool", "poll_kill_switch"]);
const { camel, snakeKeys } = internal.methods;
const { nativeOf } = internal.client;
const SPECS = new Map(sdk.METHODS.map((m) => [m.name, m]));

const TMP = mkdtempSync(join(tmpdir(), "ascend-node-conformance-"));
let tmpCount = 0;
const tmpDir = () => mkdtempSync(join(TMP, `c${tmpCount++}-`));

const load = (rel) => JSON.parse(readFileSync(join(CONFORMANCE, rel), "utf8"));

// -- projections of results and errors (snake_case, as the cases are written) ---------------------------------

const PYTHON_CLASS = { AscendError: "OWKAIError", AbortError: "OWKAIError" };

function errorProjection(e) {
  return { code: e.code, class: PYTHON_CLASS[e.constructor.name] ?? e.constructor.name, status_code: e.statusCode, details: e.details };
}

/** The facade's result -> the core's projection (the inverse of the facade's mechanical camelCasing). */
function project(returns, value) {
  if (value === undefined) return null;
  if (value instanceof sdk.AscendError) return errorProjection(value);
  const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? snakeKeys(v) : v);
  switch (returns) {
    case "json": case "bool": case "int": return value;
    case "webhook_list": return Array.isArray(value) ? value.map(obj) : value;
    case "bulk_result": {
      const out = obj(value);
      if (Array.isArray(value?.results)) {
        out.results = value.results.map((item) => {
          const r = obj(item);
          if (item.decision) r.decision = obj(item.decision);
          if (item.error) r.error = errorProjection(item.error);
          return r;
        });
      }
      return out;
    }
    default: return obj(value);
  }
}

function checkError(expected, e) {
  assert.ok(e instanceof sdk.AscendError, `expected an SDK error ${JSON.stringify(expected)}, got ${e?.stack ?? e}`);
  subsetMatch(expected, errorProjection(e), `error (${e.name}: ${e.message})`);
}

// -- scripted cases ------------------------------------------------------------------------------------------

class Runner {
  constructor(kase, url) {
    this.case = kase;
    this.url = url;
    const clock = kase.clock ?? {};
    this.private = { _env: { ...(kase.env ?? {}) } };
    this.manual = !clock.real;
    this.start = clock.start_unix ?? DEFAULT_START_UNIX;
    this.advanced = 0;
    this.client = null;
    this.clients = [];
    this.spoolDir = null;
  }

  makeClient(overrides = {}) {
    const c = { ...(this.case.client ?? {}), ...overrides };
    const opts = {
      apiKey: "api_key" in c ? c.api_key : "test-api-key-0001",
      agentId: "agent_id" in c ? c.agent_id : "test-agent",
      apiUrl: "api_url" in c ? c.api_url : this.url,
    };
    // Every other constructor parameter of the case, camelCased (the facade snake_cases it back).
    for (const [key, value] of Object.entries(c)) {
      if (!["api_key", "agent_id", "api_url", "use_spool", "prescore_rules"].includes(key)) opts[camel(key)] = value;
    }
    if (c.use_spool) {
      this.spoolDir ??= tmpDir();
      opts.auditSpoolPath = join(this.spoolDir, "spool.jsonl");
    } else {
      opts.auditSpoolPath = join(tmpDir(), "spool.jsonl"); // never the user's cache dir
    }
    if ("prescore_rules" in c) {
      const rules = join(tmpDir(), "rules.json");
      writeFileSync(rules, JSON.stringify(c.prescore_rules));
      opts.prescoreRulesPath = rules;
    }
    // One virtual clock per case: a later client starts at the case's current time (start + advances + sleeps).
    const clockNow = this.start + this.advanced + this.sleeps().reduce((a, b) => a + b, 0);
    const hooks = this.manual ? { ...this.private, _clock: `manual:${clockNow.toFixed(6)}` } : this.private;
    const client = new sdk.AscendClient({ ...opts, ...hooks });
    this.clients.push(client);
    return client;
  }

  current() {
    this.client ??= this.makeClient();
    return this.client;
  }

  async step(step) {
    const call = step.call;
    const args = { ...(step.args ?? {}) };
    if (call === "new_client" || call === "restart_client") {
      const fresh = this.makeClient(args);
      if (this.client) await this.client.close();
      this.client = fresh;
      return snakeKeys(fresh.config);
    }
    const client = this.current();
    if (call === "breaker_state") return JSON.parse(nativeOf(client).breakerState());
    if (call === "clock_sleeps") return this.sleeps().length;
    if (PRIVATE_CALLS.has(call)) return client.invoke(call, args);
    const spec = SPECS.get(call);
    const method = client[camel(call)];
    if (spec === undefined || typeof method !== "function") {
      assert.equal(spec, undefined, `${call} is in the method table but not on AscendClient`);
      return client.invoke(call, args); // no method at all: the generic entry point
    }
    const options = {};
    for (const [k, v] of Object.entries(args)) if (k !== spec.target) options[camel(k)] = v;
    if (step.cancel_after_ms !== undefined) {
      // The binding's cancellation: an AbortSignal aborted that many real milliseconds after the call starts.
      const ac = new AbortController();
      setTimeout(() => ac.abort(), step.cancel_after_ms);
      options.signal = ac.signal;
    }
    const result = spec.target ? await method.call(client, args[spec.target], options) : await method.call(client, options);
    return project(spec.returns, result);
  }

  advance(seconds) {
    if (this.manual) {
      nativeOf(this.current()).advanceClock(seconds);
      this.advanced += seconds;
    }
    else return new Promise((r) => setTimeout(r, seconds * 1000));
  }

  sleeps() {
    return this.clients.flatMap((c) => nativeOf(c).clockSleeps());
  }

  async close() {
    for (const c of this.clients) await c.close();
  }
}

async function runScripted(kase, mock) {
  await mock.reset();
  if (kase.server?.length) await mock.script(kase.server);
  const runner = new Runner(kase, mock.url);
  try {
    for (const [i, step] of kase.steps.entries()) {
      if ("advance_clock" in step) await runner.advance(step.advance_clock);
      const expect = step.expect ?? {};
      let outcome;
      try {
        outcome = ["result", await runner.step(step)];
      } catch (e) {
        outcome = ["error", e];
      }
      const where = `step ${i} (${step.call})`;
      if ("result" in expect) {
        if (outcome[0] === "error") throw new Error(`${where}: expected a result, got ${outcome[1]?.name}: ${outcome[1]?.message} ${JSON.stringify(outcome[1]?.details)}`);
        subsetMatch(expect.result, outcome[1], `${where} result`);
      } else if ("error" in expect) {
        assert.equal(outcome[0], "error", `${where}: expected an error, got ${JSON.stringify(outcome[1])}`);
        checkError(expect.error, outcome[1]);
      } else if (outcome[0] === "error") {
        // A step without an expectation must not fail (issue 16: no step passes because it checks nothing).
        const e = outcome[1];
        throw new Error(`${where}: a step without expect failed: ${e?.name}: ${e?.message} ${JSON.stringify(e?.details)}`);
      }
    }
  } finally {
    await runner.close();
  }
  // The mock server judges what it saw (POST /__mock/verify): requests, unmatched and unused entries, sleeps.
  const verdict = await mock.control("POST", "/__mock/verify", {
    ...Object.fromEntries(["expect_requests", "allow_unused", "expect_sleeps", "expect_sleep_total"].filter((k) => k in kase).map((k) => [k, kase[k]])),
    sleeps: runner.sleeps(),
  });
  assert.ok(verdict.ok, `mock server verdict:\n  ${verdict.mismatches.join("\n  ")}`);
}

// -- pure cases ----------------------------------------------------------------------------------------------

const PRESCORE_RUNNER_KEYS = new Set(["thresholds", "rules", "rules_json", "rules_toml", "batch"]);

function rulesPath(data) {
  let name, text;
  if ("rules" in data) [name, text] = ["rules.json", JSON.stringify(data.rules, null, 2)];
  else if (typeof data.rules_json === "string") [name, text] = ["rules.json", data.rules_json];
  else if (typeof data.rules_toml === "string") [name, text] = ["rules.toml", data.rules_toml];
  else return undefined;
  const path = join(tmpDir(), name);
  writeFileSync(path, text, "utf8");
  return path;
}

function runPrescore(data) {
  const options = { rulesPath: rulesPath(data) };
  if (data.thresholds != null) options.thresholds = Object.fromEntries(Object.entries(data.thresholds).map(([k, v]) => [camel(k), v]));
  if ("batch" in data) {
    const batch = Array.isArray(data.batch) ? data.batch.map((a) => (a && typeof a === "object" ? Object.fromEntries(Object.entries(a).map(([k, v]) => [camel(k), v])) : a)) : data.batch;
    return { results: sdk.prescoreBatch(batch, options).map(snakeKeys) };
  }
  const action = {};
  for (const [k, v] of Object.entries(data)) if (!PRESCORE_RUNNER_KEYS.has(k)) action[camel(k)] = v;
  return snakeKeys(sdk.prescore(action, options));
}

function webhookBody(data) {
  const raw = "body_b64" in data ? Buffer.from(data.body_b64, "base64") : Buffer.from(String(data.body ?? ""), "utf8");
  const as = data.body_as ?? "bytes";
  if (as === "text") return raw.toString("utf8");
  if (as === "parsed") return JSON.parse(raw.length ? raw.toString("utf8") : "null");
  assert.equal(as, "bytes", `unknown body_as ${as}`);
  return raw;
}

const webhookHeaders = (data) => data.headers ?? {};

/** `secret_arg` as the JavaScript value a user would pass (see the header). */
function secretValue(v) {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    if ("$bytes_utf8" in v) return Buffer.from(String(v.$bytes_utf8), "utf8");
    if ("$bytes_hex" in v) return new Uint8Array(Buffer.from(v.$bytes_hex, "hex"));
    if ("$tuple" in v) return v.$tuple.map(secretValue);
  }
  return Array.isArray(v) ? v.map(secretValue) : v;
}

/** The `secret` argument: `secret_arg` when given, else `secrets` (+ `secret`). */
function secretsOf(data) {
  if ("secret_arg" in data) return secretValue(data.secret_arg);
  return [...(data.secrets ?? []), ...("secret" in data ? [data.secret] : [])];
}

function webhookVerify(data) {
  const tolerance = data.tolerance_seconds ?? 300;
  const now = data.now_unix ?? undefined;
  const deliveries = Math.max(Number(data.deliveries ?? 1), 1);
  let cache;
  if (deliveries > 1 || "replay" in data) {
    cache = new sdk.ReplayCache(1000);
    const start = now ?? 0;
    for (const id of data.replay ?? []) cache.remember(id, start + Math.ceil(tolerance), start);
  }
  let result;
  for (let i = 0; i < deliveries; i++) {
    try {
      result = sdk.verifyWebhook(webhookBody(data), webhookHeaders(data), secretsOf(data), { toleranceSeconds: tolerance, scheme: data.scheme ?? undefined, replayCache: cache, nowUnix: now });
    } catch (e) {
      if (i === deliveries - 1) throw e;
    }
  }
  return snakeKeys(result);
}

function webhookSign(spec, data) {
  return sdk.signWebhook(webhookBody(data), secretsOf(spec), { msgId: spec.msg_id ?? undefined, timestamp: spec.timestamp_unix ?? undefined, scheme: spec.scheme ?? "standard_webhooks" });
}

function cvssOne(vector) {
  try {
    return snakeKeys(sdk.cvssScore(vector));
  } catch (e) {
    if (!(e instanceof sdk.AscendError)) throw e;
    const p = errorProjection(e);
    return { error: { code: p.code, class: p.class, details: p.details } };
  }
}

/** A pure classify/ or govern/ case: `input.function` (default classify_command), the rest its arguments. */
function runGovern(data) {
  const { function: fn = "classify_command", ...input } = data;
  const camelOf = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
  switch (fn) {
    case "classify_command":
      return snakeKeys(sdk.classifyCommand(input.command));
    case "permits_execution":
      // A raw reply, or a decision as the package returns it (its verdict and executionAllowed).
      return { permits: sdk.permitsExecution("response" in input ? input.response : { decision: input.decision, executionAllowed: input.execution_allowed }) };
    case "plan_command": {
      const { command, ...policy } = input;
      return snakeKeys(sdk.planCommand(command, camelOf(policy)));
    }
    default:
      return internal.govern.governCall(fn, input);
  }
}

function runPure(suite, kase) {
  const data = kase.input;
  let result;
  try {
    if (suite === "classify" || suite === "govern") {
      result = runGovern(data);
    } else if (suite === "canonical") {
      const text = data.json ?? "null";
      result = { canonical: sdk.canonicalJson(text) };
      if (typeof data.secret === "string" && typeof data.timestamp === "string") result.signature = internal.native.signRequest(data.secret, data.timestamp, text);
    } else if (suite === "normalise") {
      result = snakeKeys(sdk.normaliseDecision(data.response));
    } else if (suite === "cvss") {
      result = "vectors" in data ? { results: data.vectors.map(cvssOne) } : snakeKeys(sdk.cvssScore(data.vector));
    } else if (suite === "prescore") {
      result = runPrescore(data);
    } else {
      const op = data.op;
      if (op === "verify") result = webhookVerify(data);
      else if (op === "verify_signature") {
        result = snakeKeys(sdk.verifyWebhookSignature(webhookBody(data), webhookHeaders(data), secretsOf(data), { toleranceSeconds: data.tolerance_seconds ?? 300, scheme: data.scheme ?? undefined, nowUnix: data.now_unix ?? undefined }));
      } else if (op === "sign") result = { headers: webhookSign(data, data) };
      else {
        assert.equal(op, "sign_verify", `unknown op ${op}`);
        const headers = webhookSign(data.sign, data);
        result = { headers, event: webhookVerify({ ...data, headers }) };
      }
    }
  } catch (e) {
    if ("expected_error" in kase) {
      checkError(kase.expected_error, e);
      return;
    }
    throw e;
  }
  assert.ok("expected" in kase, `expected an error ${JSON.stringify(kase.expected_error)}, got ${JSON.stringify(result)}`);
  subsetMatch(kase.expected, result, "result");
}

// -- the tests -----------------------------------------------------------------------------------------------

let mock;
before(async () => { mock = await MockServer.start(); });
after(() => mock?.close());

const bySuite = new Map();
for (const rel of INDEX.cases) {
  const suite = rel.split("/")[1];
  if (!bySuite.has(suite)) bySuite.set(suite, []);
  bySuite.get(suite).push(rel);
}

for (const [suite, rels] of bySuite) {
  describe(suite, () => {
    for (const rel of rels) {
      const kase = load(rel);
      test(kase.id, async () => {
        if (PURE_SUITES.has(suite) || ((suite === "classify" || suite === "govern") && "input" in kase)) runPure(suite, kase);
        else await runScripted(kase, mock);
      });
    }
  });
}

test("the index lists every case file", () => {
  const onDisk = readdirSync(join(CONFORMANCE, "cases"), { recursive: true })
    .filter((f) => f.endsWith(".json"))
    .map((f) => `cases/${f.split("\\").join("/")}`)
    .sort();
  assert.deepEqual(onDisk, [...INDEX.cases].sort());
});

test("the matcher: $any is present and not null; a false or zero value is present", () => {
  subsetMatch({ a: { $any: true } }, { a: 0 }, "r");
  subsetMatch({ a: { $any: true } }, { a: false }, "r");
  for (const actual of [{ a: null }, {}]) assert.throws(() => subsetMatch({ a: { $any: true } }, actual, "r"));
});
