// Shared helpers of the node tests: paths, the package (as built by build.sh), subset matching.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const PKG = join(HERE, "..");
export const REPO = join(PKG, "..");
const require = createRequire(import.meta.url);
/** The package's internal CommonJS modules (for private hooks the public API does not expose). */
export const internal = {
  client: require(join(PKG, "dist", "cjs", "client.js")),
  native: require(join(PKG, "dist", "cjs", "native.js")).addon(),
  methods: require(join(PKG, "dist", "cjs", "methods.js")),
  govern: require(join(PKG, "dist", "cjs", "govern.js")),
};

export const MISSING = Symbol("missing");

const isNumber = (v) => typeof v === "number";

/** Throws when `actual` does not contain `expected` (the matcher every conformance runner shares). */
export function subsetMatch(expected, actual, path) {
  if (expected && typeof expected === "object" && !Array.isArray(expected)) {
    if ("$absent" in expected) {
      if (!(actual === MISSING || actual === null || actual === undefined)) throw new Error(`${path}: expected absent, got ${JSON.stringify(actual)}`);
      return;
    }
    if ("$any" in expected) {
      // Present and not null (the matcher every runner shares).
      if (actual === MISSING || actual === undefined || actual === null) throw new Error(`${path}: expected present and not null, got ${JSON.stringify(actual ?? null)}`);
      return;
    }
    if ("$regex" in expected) {
      if (typeof actual !== "string" || !new RegExp(expected.$regex).test(actual)) throw new Error(`${path}: ${JSON.stringify(actual)} does not match ${expected.$regex}`);
      return;
    }
    if ("$len" in expected) {
      const len = Array.isArray(actual) || typeof actual === "string" ? actual.length : actual && typeof actual === "object" ? Object.keys(actual).length : -1;
      if (len !== expected.$len) throw new Error(`${path}: length of ${JSON.stringify(actual)} != ${expected.$len}`);
      return;
    }
    if ("$approx" in expected) {
      const tol = expected.$tol ?? 1e-9;
      if (!isNumber(actual) || Math.abs(actual - expected.$approx) > tol) throw new Error(`${path}: ${actual} not within ${tol} of ${expected.$approx}`);
      return;
    }
  }
  if (actual === MISSING || actual === undefined) throw new Error(`${path}: missing (expected ${JSON.stringify(expected)})`);
  if (expected && typeof expected === "object" && !Array.isArray(expected) && actual && typeof actual === "object" && !Array.isArray(actual)) {
    for (const [k, v] of Object.entries(expected)) subsetMatch(v, k in actual ? actual[k] : MISSING, `${path}.${k}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) throw new Error(`${path}: array length ${actual.length} != ${expected.length} (${JSON.stringify(actual)})`);
    expected.forEach((e, i) => subsetMatch(e, actual[i], `${path}[${i}]`));
  } else if (isNumber(expected) && isNumber(actual)) {
    if (Math.abs(expected - actual) > 1e-9 * Math.max(Math.abs(expected), 1)) throw new Error(`${path}: ${actual} != ${expected}`);
  } else if (expected !== actual && JSON.stringify(expected) !== JSON.stringify(actual)) {
    throw new Error(`${path}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  } else if (typeof expected !== typeof actual || Array.isArray(expected) !== Array.isArray(actual)) {
    throw new Error(`${path}: got ${JSON.stringify(actual)} (${typeof actual}), expected ${JSON.stringify(expected)}`);
  }
}
