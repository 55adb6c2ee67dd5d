// The first guide in JavaScript (examples/node/first_governed_action.mjs) against a real ascend-dev process:
// allowed, pending approved by the CLI, denied, MCP, model and a verified webhook (examples/node/run_demo.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./support.mjs";

test("examples/node/first_governed_action.mjs passes against ascend-dev", () => {
  const r = spawnSync("bash", [join(REPO, "examples", "node", "run_demo.sh")], { encoding: "utf8", timeout: 600_000, env: { ...process.env, DEMO_QUIET: "1" } });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /DEMO OK/);
});
