// make bench (Node): evaluateAction round trips against a local fixed-response server, all in the same run:
//   ours (ascend-sdk) vs a plain undici client doing the same signed submit (plain-client.mjs, baseline only) vs a
//   bare undici POST (the floor), sequential and with 64 in flight; then `import` time. Prints ratios.
//   BENCH_N (default 3000 sequential calls per contender), BENCH_N64 (default 20000 calls at 64 in flight).
import { fork, spawnSync } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { AscendClient, Decision } from "ascend-sdk";
import { PlainClient } from "./plain-client.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_N ?? 3000);
const N64 = Number(process.env.BENCH_N64 ?? 20000);
const ROUNDS = 3;

const server = fork(join(HERE, "server.mjs"), [], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const [line] = await once(server.stdout, "data");
const url = String(line).trim().replace("listening on ", "");

const action = { actionType: "query", resource: "reports", context: { environment: "production" }, waitForDecision: false };
const ours = new AscendClient({ apiKey: "bench-api-key-0001", apiUrl: url, agentId: "bench", signingSecret: "bench-secret", enableCircuitBreaker: false });
const plain = new PlainClient({ apiUrl: url, apiKey: "bench-api-key-0001", agentId: "bench", signingSecret: "bench-secret" });
const bare = new Pool(url, { connections: 128, keepAliveTimeout: 60_000 });
const bareBody = JSON.stringify({ agent_id: "bench", action_type: "query", resource: "reports" });
const contenders = {
  "ascend-sdk": async () => { const d = await ours.evaluateAction(action); if (d.decision !== Decision.ALLOWED) throw new Error(d.decision); },
  "plain undici client": async () => { const d = await plain.evaluateAction(action); if (d.decision !== "allowed") throw new Error(d.decision); },
  "bare undici POST (floor)": async () => { const r = await bare.request({ path: "/api/v1/actions/submit", method: "POST", headers: { "content-type": "application/json" }, body: bareBody }); await r.body.json(); },
};

async function sequential(fn, n) {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n; // µs per call
}

const cpuPerCall = {}; // this process's CPU time (all threads: JavaScript and the core's runtime) per call at 64 in flight
async function inFlight(fn, n, width, name) {
  let next = 0;
  const worker = async () => { while (next < n) { next++; await fn(); } };
  await Promise.all(Array.from({ length: width }, worker)); // warm-up round
  next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: width }, worker));
  const cpu = process.cpuUsage(cpu0);
  (cpuPerCall[name] ??= []).push((cpu.user + cpu.system) / n);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9); // calls per second
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seq = {};
const par = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders)) (seq[name] ??= []).push(await sequential(fn, N));
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders)) (par[name] ??= []).push(await inFlight(fn, N64, 64, name));
}
await ours.close();
await plain.close();
await bare.close();
server.kill();

const floor = median(seq["bare undici POST (floor)"]);
console.log(`\nSequential evaluateAction round trips (median of ${ROUNDS} rounds x ${N} calls, µs/call; lower is better)`);
for (const [name, xs] of Object.entries(seq)) console.log(`  ${name.padEnd(26)} ${median(xs).toFixed(1).padStart(8)} µs   ${(median(xs) / floor).toFixed(2)}x floor`);
console.log(`  ascend-sdk / plain client: ${(median(seq["ascend-sdk"]) / median(seq["plain undici client"])).toFixed(2)}x (target < 1.0); ascend-sdk / floor: ${(median(seq["ascend-sdk"]) / floor).toFixed(2)}x (target <= 1.3)`);
console.log(`\n64 in flight (median of ${ROUNDS} rounds x ${N64} calls, calls/s; higher is better)`);
for (const [name, xs] of Object.entries(par)) console.log(`  ${name.padEnd(26)} ${median(xs).toFixed(0).padStart(8)} /s   CPU ${median(cpuPerCall[name]).toFixed(1)} µs/call (this process, all threads)`);
console.log(`  ascend-sdk / plain client throughput: ${(median(par["ascend-sdk"]) / median(par["plain undici client"])).toFixed(2)}x (target >= 1.0)`);

// import time: the cost of `import("ascend-sdk")` above a bare `node -e ''` (wall time of a fresh node process per
// sample, median of 21, interleaved), plus in-process timings: the import itself and the first call that needs the
// native addon (loaded lazily on first use); import("undici") for scale.
const SAMPLES = 21;
const wall = (args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: HERE, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const bareMs = [];
const esmBareMs = [];
const withImportMs = [];
for (let i = 0; i < SAMPLES; i++) {
  bareMs.push(wall(["-e", ""]));
  esmBareMs.push(wall(["--input-type=module", "-e", ""]));
  withImportMs.push(wall(["--input-type=module", "-e", `await import("ascend-sdk")`]));
}
const inProcess = (code) => median(Array.from({ length: 9 }, () => Number(spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: HERE, encoding: "utf8" }).stdout.trim())));
const importMs = inProcess(`const t=process.hrtime.bigint();await import("ascend-sdk");console.log(Number(process.hrtime.bigint()-t)/1e6)`);
const firstUseMs = inProcess(`const t=process.hrtime.bigint();const a=await import("ascend-sdk");a.cvssScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");console.log(Number(process.hrtime.bigint()-t)/1e6)`);
const undiciMs = inProcess(`const t=process.hrtime.bigint();await import("undici");console.log(Number(process.hrtime.bigint()-t)/1e6)`);
const importCost = median(withImportMs) - median(bareMs);
console.log(`\nimport("ascend-sdk") above a bare node -e '' (median of ${SAMPLES} processes each): ${importCost.toFixed(1)} ms (target <= 30 ms)`);
console.log(`  node -e '' ${median(bareMs).toFixed(1)} ms; node --input-type=module -e '' ${median(esmBareMs).toFixed(1)} ms; with the import ${median(withImportMs).toFixed(1)} ms`);
console.log(`  in-process: import ${importMs.toFixed(1)} ms; import + first native call (loads the addon) ${firstUseMs.toFixed(1)} ms; import("undici") for scale ${undiciMs.toFixed(1)} ms`);
