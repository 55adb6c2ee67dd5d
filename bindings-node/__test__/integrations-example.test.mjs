// The adapters' published types used with the frameworks' own types (integrations-types.mts), and
// examples/node/mcp_server.mts: type-checked with tsc --strict (erasable syntax only, so Node's type stripping runs it
// as it is), then its --demo run against the dev server: the example starts itself as a stdio MCP server and calls its
// tools through a real MCP client (allowed runs, pending is returned with the action id, denied never runs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { DevServer } from "../dist/esm/testing.mjs";
import { HERE, PKG, REPO } from "./support.mjs";
import { DEV_SERVER_OPTIONS } from "./integrations-support.mjs";

// A child process that fails on any attempt to resolve a framework, then loads the package and both adapters.
const NO_FRAMEWORK = `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (/^(@modelcontextprotocol\\/|ai$|ai\\/|zod)/.test(request)) throw new Error("framework loaded: " + request);
  return resolve.call(this, request, ...rest);
};
const sdk = require("./dist/cjs/index.js");
const loadedBefore = Object.keys(require.cache).filter((f) => f.includes("integrations"));
const mcp = require("./dist/cjs/integrations/mcp.js");
const ai = require("./dist/cjs/integrations/ai.js");
const deps = Object.keys(require.cache).filter((f) => f.includes("node_modules"));
console.log(JSON.stringify({ loadedBefore, deps, mcp: typeof mcp.governMcpServer, ai: typeof ai.governedTool, client: typeof sdk.AscendClient }));`;

test("ascend-sdk loads no adapter, and the adapters load no framework (optional peer dependencies)", () => {
  const out = JSON.parse(execFileSync(process.execPath, ["-e", NO_FRAMEWORK], { cwd: PKG, encoding: "utf8", timeout: 60_000 }));
  assert.deepEqual(out, { loadedBefore: [], deps: [], mcp: "function", ai: "function", client: "function" });
});

const TSC_STRICT = ["--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--skipLibCheck"];

test("the adapters' types work with the frameworks' own types (tsc --noEmit --strict)", () => {
  const dir = mkdtempSync(join(PKG, ".types-"));
  try {
    copyFileSync(join(HERE, "integrations-types.mts"), join(dir, "consumer.mts"));
    execFileSync(join(PKG, "node_modules", ".bin", "tsc"), [...TSC_STRICT, "--noEmit", join(dir, "consumer.mts")], { cwd: dir, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    assert.fail(`${e.message}\n${e.stdout ?? ""}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("examples/node/mcp_server.mts type-checks and its --demo passes against the dev server", async () => {
  // Inside the package directory, so `ascend-sdk` resolves to this package (self-reference) and the MCP SDK and zod to
  // its devDependencies.
  const dir = mkdtempSync(join(PKG, ".example-"));
  const dev = await DevServer.start(DEV_SERVER_OPTIONS);
  try {
    copyFileSync(join(REPO, "examples", "node", "mcp_server.mts"), join(dir, "mcp_server.mts"));
    execFileSync(join(PKG, "node_modules", ".bin", "tsc"), [
      ...TSC_STRICT, "--erasableSyntaxOnly", "--verbatimModuleSyntax", "--rootDir", dir, "--outDir", dir, join(dir, "mcp_server.mts"),
    ], { cwd: dir, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"] });
    const env = { ...process.env, ASCEND_API_URL: dev.url, ASCEND_API_KEY: dev.apiKey, ASCEND_AGENT_ID: "billing-agent" };
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, "mcp_server.mjs"), "--demo"], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    assert.match(stdout, /\[ok\] lookup_report: ran: report q3: 3 rows/);
    assert.match(stdout, /\[ok\] refund_customer: not run: .*awaits human approval in ASCEND \(ASCEND action \d+\)/);
    assert.match(stdout, /\[ok\] run_command: not run: .*denied.*Risk score 95/);
    assert.match(stdout, /MCP DEMO OK/);
  } catch (e) {
    assert.fail(`${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  } finally {
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
