/**
 * The mechanical mapping between the camelCase facade and the core's snake_case method table: argument objects
 * (top-level names only; values, and so the keys inside opaque `context`/`metadata`/`parameters`, pass through
 * unchanged) and results (top-level keys of typed records camelCased; server JSON returned as sent).
 */
import { fromProjection, type ErrorProjection } from "./errors";

/** One row of the core's method table. */
export interface MethodSpec {
  name: string;
  returns: string;
  target: string | null;
  cancellable: boolean;
  params: { name: string; type: string; required: boolean; opaque: boolean }[];
}

/** Options every method takes. */
export interface CallOptions {
  /** Ends the call (within milliseconds) with an `AbortError`. */
  signal?: AbortSignal | null;
  /** This call only: the client's timeout / retries overridden, extra headers added (the core's `request_options`). */
  requestOptions?: RequestOptions;
}

/** Per-call overrides (the core's `CallOptions`); a bad value is a `ValidationError` naming `request_options.<key>`. */
export interface RequestOptions {
  /** Seconds for this call's HTTP attempts (or `timeoutMs`). */
  timeout?: number;
  timeoutMs?: number;
  /** Retries for this call (0..100). */
  maxRetries?: number;
  /** Extra request headers (e.g. a W3C `traceparent`); headers the SDK sets cannot be replaced. */
  headers?: Record<string, string>;
}

/** `requestOptions` (camelCase, `timeoutMs`) -> the core's `request_options` (snake_case, seconds); header names
 * are the user's and stay as given. */
function requestOptionsArg(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    if (key === "timeoutMs") out.timeout = typeof value === "number" ? value / 1000 : value;
    else if (key === "headers") out.headers = value;
    else out[snake(key)] = value;
  }
  return out;
}

/**
 * Memoised key conversion: the keys are a small set (the method table's parameters, the projections' fields), and a
 * regular-expression replace per key was most of the facade's cost per call (a decision has ~50 keys). Bounded, so
 * arbitrary keys cannot grow it.
 */
function memo(convert: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      out = convert(s);
      if (cache.size < 4096) cache.set(s, out);
    }
    return out;
  };
}

/** `action_type` -> `actionType`. */
export const camel: (s: string) => string = memo((s) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));

/** `actionType` -> `action_type`. */
export const snake: (s: string) => string = memo((s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** Parameters that also take milliseconds (`timeoutMs` -> `timeout` in seconds). */
const MS_TWINS: Record<string, string> = { timeoutMs: "timeout", pollIntervalMs: "poll_interval" };

/** Options object (camelCase) -> the core's keyword arguments (snake_case). `signal` is not an argument. */
export function toArgs(spec: MethodSpec, options: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options == null) return out;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${camel(spec.name)}: options must be an object`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (key === "signal" || value === undefined) continue;
    const twin = MS_TWINS[key];
    if (key === "requestOptions" && isPlainObject(value)) {
      out.request_options = requestOptionsArg(value);
    } else if (twin !== undefined) {
      out[twin] = typeof value === "number" ? value / 1000 : value;
    } else {
      out[snake(key)] = value;
    }
  }
  if (spec.name === "evaluate_actions" && Array.isArray(out.actions)) {
    // Each item is the options object of evaluateAction.
    out.actions = out.actions.map((a: unknown) => (isPlainObject(a) ? snakeKeys(a) : a));
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Top-level keys camelCased; values untouched. */
export function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[camel(k)] = o[k];
  return out;
}

/** Top-level keys snake_cased; values untouched. */
export function snakeKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[snake(k)] = o[k];
  return out;
}

/** The core's JSON result -> the facade's value, by the method's return kind. */
export function fromResult(returns: string, value: unknown): unknown {
  switch (returns) {
    case "json":
    case "bool":
    case "int":
      return value;
    case "unit":
      return undefined;
    case "webhook_list":
      return Array.isArray(value) ? value.map((v) => (isPlainObject(v) ? camelKeys(v) : v)) : value;
    case "bulk_result": {
      if (!isPlainObject(value)) return value;
      const out = camelKeys(value);
      if (Array.isArray(value.results)) {
        out.results = value.results.map((item: unknown) => {
          if (!isPlainObject(item)) return item;
          const r = camelKeys(item);
          if (isPlainObject(item.decision)) r.decision = camelKeys(item.decision);
          if (isPlainObject(item.error)) r.error = fromProjection(item.error as unknown as ErrorProjection);
          return r;
        });
      }
      return out;
    }
    case "decision":
      // The addon writes a decision with camelCase keys already (projection.rs).
      return value;
    default:
      // the other typed records
      return isPlainObject(value) ? camelKeys(value) : value;
  }
}
