// Packaging: `npm install <repo>/bindings-node` into an empty project, an `npm pack` tarball installed into a fresh
// project (both offline: the package has no dependencies), require() and import of both entry points, and
// `tsc --noEmit --strict` of a consumer of the published types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HERE, PKG } from "./support.mjs";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"] });

const SMOKE_CJS = `const a = require("ascend-sdk"); const t = require("ascend-sdk/testing");
(async () => { const s = await t.DevServer.start(); const c = s.client({ agentId: "smoke" });
const d = await c.evaluateAction({ actionType: "query", resource: "reports", waitForDecision: false });
if (d.decision !== a.Decision.ALLOWED) throw new Error(d.decision); await s.close(); console.log("cjs ok", a.SDK_VERSION); })();`;
const SMOKE_ESM = `import { AscendClient, AscendError, prescore } from "ascend-sdk"; import { createRequire } from "node:module";
const cjs = createRequire(import.meta.url)("ascend-sdk");
if (cjs.AscendError !== AscendError) throw new Error("two copies"); if (typeof AscendClient !== "function") throw new Error("no client");
console.log("esm ok", prescore({ actionType: "query", resource: "reports" }).riskLevel);`;

function project() {
  const dir = mkdtempSync(join(tmpdir(), "ascend-node-consumer-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  return dir;
}

function smoke(dir) {
  assert.match(run(process.execPath, ["-e", SMOKE_CJS], dir), /cjs ok/);
  assert.match(run(process.execPath, ["--input-type=module", "-e", SMOKE_ESM], dir), /esm ok/);
}

test("npm install <repo>/bindings-node into an empty project works offline", () => {
  const dir = project();
  try {
    run(NPM, ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", PKG], dir);
    smoke(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an npm pack tarball installs into a fresh project, runs, and its types pass tsc --strict", () => {
  const dir = project();
  try {
    const out = run(NPM, ["pack", "--pack-destination", dir, "--loglevel=error"], PKG).trim().split("\n").pop();
    const tarball = join(dir, out);
    assert.ok(readdirSync(dir).includes(out), `no tarball ${out}`);
    run(NPM, ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], dir);
    smoke(dir);
    copyFileSync(join(HERE, "consumer", "consumer.mts"), join(dir, "consumer.mts"));
    const tsc = join(PKG, "node_modules", ".bin", "tsc");
    run(tsc, ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
      "--types", "node", "--typeRoots", join(PKG, "node_modules", "@types"), "consumer.mts"], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
