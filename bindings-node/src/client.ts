/**
 * `AscendClient`: every method of the core's method table, camelCased, installed from the table itself
 * (`methods.generated.ts`, generated from the core's descriptor). A method takes one options object; a method that
 * acts on one existing thing takes its id first (`getActionStatus(actionId)`, `waitForDecision(actionId, {...})`).
 * Every call runs in the core on its own runtime and returns a Promise; `{ signal }` cancels it.
 */
import { AbortError, AscendError, fromNative, fromProjection, type ErrorProjection } from "./errors";
import type { FailMode } from "./enums";
import { registerLogger, type Logger } from "./logging";
import { camel, camelKeys, fromResult, isPlainObject, snakeKeys, toArgs, type CallOptions, type MethodSpec } from "./methods";
import { METHODS, type ClientMethods } from "./methods.generated";
import { addon } from "./native";
import type { NativeClient, CancelHandle } from "./native-addon";
import type { WebhookEvent } from "./types";

/** Constructor options (the Python keyword arguments, camelCased). */
export interface AscendClientOptions {
  /** Organisation API key (env `ASCEND_API_KEY`). */
  apiKey?: string | null;
  /** Platform URL (env `ASCEND_API_URL`); plain http only to loopback (D13). */
  apiUrl?: string | null;
  /** This agent's id (env `ASCEND_AGENT_ID`). */
  agentId?: string | null;
  /** Display name (env `ASCEND_AGENT_NAME`, else the agent id). */
  agentName?: string | null;
  /** Free-text environment, default `production`. */
  environment?: string | null;
  /** `FailMode.CLOSED` (default) | `OPEN` | `LOCAL`. */
  failMode?: FailMode | string | null;
  /** Per-attempt timeout in seconds (default 5). */
  timeout?: number | null;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs?: number | null;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number | null;
  enableCircuitBreaker?: boolean | null;
  circuitBreakerThreshold?: number | null;
  /** Seconds before a half-open trial. */
  circuitBreakerTimeout?: number | null;
  circuitBreakerTimeoutMs?: number | null;
  /** HMAC request-signing secret (env `ASCEND_SIGNING_SECRET`). */
  signingSecret?: string | null;
  /** Debug logging for this client's logger. */
  debug?: boolean | null;
  /** Durable spool file (D18); default in the user cache dir. */
  auditSpoolPath?: string | null;
  /** Pre-scoring rules file (JSON or TOML). */
  prescoreRulesPath?: string | null;
  /** Fail mode LOCAL: the local risk score below which an unreachable platform's action is allowed (D17). */
  localAutoApproveBelow?: number | null;
  /** Where core log records go (console, pino, ...). Silent when absent (unless `ASCEND_LOG` is set). */
  logger?: Logger;
}

/** The resolved configuration (no secrets). */
export interface ClientConfig {
  apiUrl: string;
  agentId: string | null;
  agentName: string | null;
  environment: string;
  failMode: FailMode;
  timeout: number;
  maxRetries: number;
  enableCircuitBreaker: boolean;
  circuitBreakerThreshold: number;
  circuitBreakerTimeout: number;
  hasSigningSecret: boolean;
  apiKeySet: boolean;
  debug: boolean;
  auditSpoolPath: string;
}

const SECONDS_TWINS: Record<string, string> = { timeoutMs: "timeout", circuitBreakerTimeoutMs: "circuit_breaker_timeout" };

function constructorParams(options: AscendClientOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === "logger" || value === undefined) continue;
    const twin = SECONDS_TWINS[key];
    if (twin !== undefined) out[twin] = typeof value === "number" ? value / 1000 : value;
    else out[key.startsWith("_") ? key : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return out;
}

/** A call in flight: how its result is converted (the method's return kind) and its promise's settlers. */
interface Pending {
  returns: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Per client: its native client, the calls in flight and the next call id. */
interface State {
  native: NativeClient;
  pending: Map<number, Pending>;
  nextId: number;
}

const states = new WeakMap<AscendClient, State>();

// One ref'd timer while any call is in flight keeps the process alive exactly as long as a call is pending (the
// native completion channel itself is weak, so idle clients and background tasks never hold the process).
let inFlight = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;
function hold(): void {
  if (inFlight++ === 0) {
    keepAlive ??= setInterval(() => {}, 1 << 30);
    keepAlive.ref();
  }
}
function release(): void {
  if (--inFlight === 0) keepAlive?.unref();
}

function newState(client: NativeClient): State {
  const pending = new Map<number, Pending>();
  client.setCompletionHandler(([id, ok, payload]) => {
    const p = pending.get(id);
    if (p === undefined) return;
    pending.delete(id);
    release();
    // Converted here, in the completion callback, so a call costs one promise settlement and no extra hop.
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      outcome = ok ? { ok: true, value: fromResult(p.returns, JSON.parse(payload)) } : { ok: false, error: fromProjection(JSON.parse(payload) as ErrorProjection) };
    } catch (e) {
      outcome = { ok: false, error: fromNative(e) };
    }
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(outcome.error);
  });
  return { native: client, pending, nextId: 0 };
}

function stateOf(client: AscendClient): State {
  const s = states.get(client);
  if (s === undefined) throw new TypeError("not an AscendClient");
  return s;
}

/** The native client behind `client` (for the package's own modules and tests). */
export function nativeOf(client: AscendClient): NativeClient {
  return stateOf(client).native;
}

/** Starts `spec` on the core runtime; settles with the converted result or the SDK error. */
function submit(state: State, spec: MethodSpec, text: string, handle: CancelHandle | null): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const id = (state.nextId = (state.nextId + 1) >>> 0);
    state.pending.set(id, { returns: spec.returns, resolve, reject });
    hold();
    try {
      state.native.submit(id, spec.name, text, handle);
    } catch (e) {
      state.pending.delete(id);
      release();
      reject(fromNative(e));
    }
  });
}

/** Runs one core method. */
function call(client: AscendClient, spec: MethodSpec, args: Record<string, unknown>, signal?: AbortSignal | null): Promise<unknown> {
  const state = stateOf(client);
  let text: string;
  try {
    text = JSON.stringify(args);
  } catch (e) {
    return Promise.reject(new AscendError(`${camel(spec.name)}: arguments are not JSON-serialisable (${(e as Error).message})`, { code: "VALIDATION_ERROR", details: { field_errors: { args: "Must be JSON-serialisable" } } }));
  }
  if (signal == null) return submit(state, spec, text, null);
  if (signal.aborted) return Promise.reject(new AbortError());
  const handle: CancelHandle = new (addon().CancelHandle)();
  const onAbort = (): void => handle.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  return submit(state, spec, text, handle).finally(() => signal.removeEventListener("abort", onAbort));
}

export interface AscendClient extends ClientMethods {}

/** The ASCEND client: one HTTP pool, circuit breaker, kill-switch state and spool, in the Rust core. */
export class AscendClient {
  #unregisterLogger: () => void;

  constructor(options: AscendClientOptions = {}) {
    if (!isPlainObject(options)) throw new TypeError("AscendClient options must be an object");
    // The logger first, so the records of construction reach it.
    this.#unregisterLogger = registerLogger(options.logger as Logger | undefined, options.debug === true);
    let client: NativeClient;
    try {
      client = new (addon().NativeClient)(JSON.stringify(constructorParams(options)));
    } catch (e) {
      this.#unregisterLogger();
      throw fromNative(e);
    }
    states.set(this, newState(client));
  }

  /** The resolved configuration (secrets only as `apiKeySet` / `hasSigningSecret`). */
  get config(): ClientConfig {
    return camelKeys(JSON.parse(nativeOf(this).config()) as Record<string, unknown>) as unknown as ClientConfig;
  }

  /**
   * Calls a core method by its snake_case name with snake_case arguments (what the camelCase methods do); for
   * methods this package's types do not name yet.
   */
  invoke(method: string, args: Record<string, unknown> = {}, options: CallOptions = {}): Promise<unknown> {
    const spec = METHODS.find((m) => m.name === method) ?? { name: method, returns: "json", target: null, cancellable: true, params: [] };
    return call(this, spec, args, options.signal);
  }

  /** Wakes a `waitForDecision` on this client with a verified webhook event (or `{ actionId, status }`). */
  deliverWebhookEvent(event: WebhookEvent | { actionId: string | number; status: string }, options: CallOptions = {}): Promise<boolean> {
    const spec = METHODS.find((m) => m.name === "deliver_webhook_event")!;
    const e = event as unknown as Record<string, unknown>;
    const args = "type" in e ? { event: snakeKeys(e) } : snakeKeys(e);
    return call(this, spec, args, options.signal) as Promise<boolean>;
  }

  /** Stops kill-switch polling and the heartbeat scheduler and detaches the logger. Idempotent. */
  async close(): Promise<void> {
    this.#unregisterLogger();
    this.#unregisterLogger = () => {};
    try {
      nativeOf(this).close();
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** Never shows the API key or the signing secret (D19). */
  toString(): string {
    const c = this.config;
    return `AscendClient(apiUrl=${c.apiUrl}, agentId=${c.agentId ?? ""})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function install(spec: MethodSpec): void {
  const name = camel(spec.name);
  if (name in AscendClient.prototype) return; // written by hand above
  const target = spec.target;
  const fn = target
    ? function (this: AscendClient, id: unknown, options?: Record<string, unknown>): Promise<unknown> {
        const args = toArgs(spec, options);
        args[target] = id;
        return call(this, spec, args, (options?.signal as AbortSignal | undefined) ?? null);
      }
    : function (this: AscendClient, options?: Record<string, unknown>): Promise<unknown> {
        return call(this, spec, toArgs(spec, options), (options?.signal as AbortSignal | undefined) ?? null);
      };
  Object.defineProperty(fn, "name", { value: name });
  Object.defineProperty(AscendClient.prototype, name, { value: fn, writable: true, configurable: true });
}

for (const spec of METHODS) install(spec);

/** The core's method table (for tests and tools). */
export { METHODS };
