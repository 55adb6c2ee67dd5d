/** Small pure helpers of the core (used by the conformance runner and tools). */
import { fromNative } from "./errors";
import { addon } from "./native";
import type { AuthorizationDecision } from "./types";

/**
 * The SDK version (one version for every crate and package): the package's, read without loading the native addon
 * (a test checks it is the linked core's `SDK_VERSION`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const SDK_VERSION: string = (require("../../package.json") as { version: string }).version;

/** Python-compatible canonical JSON (PROTOCOL §2.5) of JSON text. */
export function canonicalJson(jsonText: string): string {
  try {
    return addon().canonicalJson(jsonText);
  } catch (e) {
    throw fromNative(e);
  }
}

/** A raw server payload -> the decision the client would return for it (status normalisation, D5/D6/D8). */
export function normaliseDecision(payload: Record<string, unknown>): AuthorizationDecision {
  try {
    return JSON.parse(addon().normaliseDecision(JSON.stringify(payload), true)) as AuthorizationDecision;
  } catch (e) {
    throw fromNative(e);
  }
}
