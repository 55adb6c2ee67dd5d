// The ascend-mock-server binary (tests/mock-server) as a test helper: spawn, script, inspect, stop. Loopback only.
// Control API (same port): POST /__mock/reset, POST /__mock/script {"entries": [...]}, GET /__mock/requests.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { REPO } from "./support.mjs";

/** `$ASCEND_MOCK_SERVER`, else `<target>/debug/ascend-mock-server` (built with cargo when missing). */
export function mockBinary() {
  if (process.env.ASCEND_MOCK_SERVER) return process.env.ASCEND_MOCK_SERVER;
  const path = join(process.env.CARGO_TARGET_DIR || join(REPO, "target"), "debug", "ascend-mock-server");
  if (!existsSync(path)) spawnSync("cargo", ["build", "-p", "ascend-mock-server"], { cwd: REPO, stdio: "inherit" });
  if (!existsSync(path)) throw new Error(`${path} missing after cargo build -p ascend-mock-server`);
  return path;
}

export class MockServer {
  static async start() {
    const proc = spawn(mockBinary(), [], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise((resolve, reject) => {
      const rl = createInterface({ input: proc.stdout });
      rl.once("line", (l) => { rl.close(); resolve(l.trim()); });
      proc.once("exit", (code) => reject(new Error(`mock server exited (${code})`)));
    });
    const prefix = "ascend-mock-server listening on ";
    if (!line.startsWith(prefix)) { proc.kill(); throw new Error(`mock server did not start: ${line}`); }
    const server = new MockServer();
    server.proc = proc;
    server.url = line.slice(prefix.length);
    return server;
  }

  async control(method, path, body) {
    const res = await fetch(this.url + path, {
      method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`mock control ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  reset() { return this.control("POST", "/__mock/reset", {}); }
  script(entries) { return this.control("POST", "/__mock/script", { entries }); }
  async requests() {
    const out = await this.control("GET", "/__mock/requests");
    return [out.requests, Number(out.unmatched)];
  }
  close() { if (this.proc.exitCode === null) this.proc.kill(); }
}
