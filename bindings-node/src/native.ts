/**
 * Loads the native addons (`native/<name>.<platform>-<arch>[-gnu|-musl].node`, as the napi CLI names them). Each
 * JavaScript environment (the main thread and every worker) loads them itself; napi-rs keeps per-environment state.
 * The client addon is loaded on first use ({@link addon}), not at `import`, so importing the package stays cheap.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Addon from "./native-addon";

const NATIVE_DIR = path.join(__dirname, "..", "..", "native");

/** Loads `native/<name>.<platform>.node` from the package root. */
export function loadAddon<T>(name: string): T {
  const base = `${name}.${process.platform}-${process.arch}`;
  const candidates = [`${base}-gnu.node`, `${base}-musl.node`, `${base}.node`].map((f) => path.join(NATIVE_DIR, f));
  const file = candidates.find((f) => fs.existsSync(f));
  if (file === undefined) {
    throw new Error(`ascend-sdk: no native addon ${base}*.node in ${NATIVE_DIR}; build it with \`make node\``);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

let client: typeof Addon | undefined;

/** The client addon, loaded on the first call (once per JavaScript environment). */
export function addon(): typeof Addon {
  if (client === undefined) {
    const loaded = loadAddon<typeof Addon>("ascend_node");
    loaded.setNodeVersion(process.versions.node);
    client = loaded;
  }
  return client;
}
