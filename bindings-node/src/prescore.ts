/** Local pre-scoring (the core's scorer: taxonomy, MITRE ATT&CK, NIST 800-53, CVSS v3.1) with no network. */
import { fromNative } from "./errors";
import { camelKeys, isPlainObject, snakeKeys } from "./methods";
import { addon } from "./native";

/** An action to score (`evaluateAction`'s options; keys inside `context` pass through unchanged). */
export interface PrescoreInput {
  actionType: string;
  resource: string;
  [key: string]: unknown;
}

/** Options of {@link prescore} and {@link prescoreBatch}. */
export interface PrescoreOptions {
  /** `{ autoApproveBelow, denyAt }` (defaults 70 / 90). */
  thresholds?: { autoApproveBelow?: number; denyAt?: number };
  /** A rules file (JSON or TOML) extending the built-in rules. */
  rulesPath?: string;
}

/** A pre-score: the core's projection with camelCase keys (`riskScore`, `riskLevel`, `cvssScore`, ...). */
export interface PreScore {
  riskScore: number;
  riskLevel: string;
  cvssScore: number;
  mitreTactic: string;
  nistControl: string;
  decision: string;
  factors: unknown[];
  [key: string]: unknown;
}

/** A CVSS v3.1 score. */
export interface CvssScore {
  baseScore: number;
  severity: string;
  vector: string;
  [key: string]: unknown;
}

function thresholdsJson(options: PrescoreOptions): string | null {
  return options.thresholds ? JSON.stringify(snakeKeys(options.thresholds as Record<string, unknown>)) : null;
}

function actionJson(action: unknown): unknown {
  return isPlainObject(action) ? snakeKeys(action) : action;
}

/** Scores one action locally. */
export function prescore(action: PrescoreInput, options: PrescoreOptions = {}): PreScore {
  try {
    const text = addon().prescore(JSON.stringify(actionJson(action)), thresholdsJson(options), options.rulesPath ?? null);
    return camelKeys(JSON.parse(text) as Record<string, unknown>) as PreScore;
  } catch (e) {
    throw fromNative(e);
  }
}

/** Scores many actions (input order) with one scorer. */
export function prescoreBatch(actions: PrescoreInput[], options: PrescoreOptions = {}): PreScore[] {
  try {
    const list = Array.isArray(actions) ? actions.map(actionJson) : actions;
    const text = addon().prescoreBatch(JSON.stringify(list), thresholdsJson(options), options.rulesPath ?? null);
    return (JSON.parse(text) as Record<string, unknown>[]).map((p) => camelKeys(p) as PreScore);
  } catch (e) {
    throw fromNative(e);
  }
}

/** Scores a CVSS v3.1 vector (`CVSS:3.1/AV:N/...`). */
export function cvssScore(vector: string): CvssScore {
  try {
    return camelKeys(JSON.parse(addon().cvssScore(vector)) as Record<string, unknown>) as CvssScore;
  } catch (e) {
    throw fromNative(e);
  }
}
