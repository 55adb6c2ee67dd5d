/**
 * What the framework adapters (`ascend-sdk/integrations/mcp`, `ascend-sdk/integrations/ai`) share: their options,
 * the lazily created client, and one governed tool call. Every decision is the core's governed-tool flow
 * (`governToolCall`: context shape, redaction, PENDING waits, fail mode, the text the model reads when a tool does not
 * run; `finishToolCall`: completion records); this module turns the options into the flow's arguments and its
 * outcome into run / return / throw. It imports no framework.
 */
import { AscendClient } from "../client";
import { AuthorizationError, TimeoutError, ValidationError, type AscendError } from "../errors";
import { isPlainObject } from "../methods";

/** A value sent to ASCEND: fixed, or computed from the tool call's arguments. */
export type FromArguments = string | ((args: Record<string, unknown>, call: { toolName: string }) => string);

/**
 * What a stopped tool call (denied, approval not given in time, governance unreachable) does: `"return"` (default)
 * gives the model the reason as the tool's (error) result and the run goes on; `"throw"` (alias `"raise"`, the Python
 * option's name) throws the SDK error: `AuthorizationError` (`errorCode` `MCP_ACTION_DENIED`,
 * `GOVERNANCE_UNAVAILABLE`) or `TimeoutError` (`APPROVAL_TIMEOUT`).
 */
export type OnDenied = "return" | "throw" | "raise";

/**
 * A PENDING decision: `"wait"` (default) waits for the human decision (up to `approvalTimeout`) and runs the
 * tool only if it is approved; `"return"` does not wait: the tool does not run and the model is told that the call
 * awaits approval, with the action id.
 */
export type OnPending = "wait" | "return";

/** Governance options of one tool (the Python options, camelCased). */
export interface ToolGovernance {
  /** `action_type` sent to ASCEND (default: see each adapter). */
  actionType?: string;
  /** `resource` sent to ASCEND (default: the tool's name). */
  resource?: FromArguments;
  /** What the call does, in words, for reviewers. */
  description?: FromArguments;
  /** Default `"return"`. */
  onDenied?: OnDenied;
  /** Default `"wait"`. */
  onPending?: OnPending;
  /** How long `"wait"` waits for a human decision, in seconds (the core's default: 300). */
  approvalTimeout?: number;
  /** {@link approvalTimeout} in milliseconds. */
  approvalTimeoutMs?: number;
  /** How often it checks, in seconds (the core's default: 5). */
  approvalPollInterval?: number;
  /** {@link approvalPollInterval} in milliseconds. */
  approvalPollIntervalMs?: number;
  /** Risk hint sent in the context (informational; the server decides). */
  riskLevel?: string;
  /** Human approval hint sent in the context (informational). */
  requireHumanApproval?: boolean;
  /** Extra `context.metadata`. */
  metadata?: Record<string, unknown>;
}

/** Options every adapter takes: one tool's governance plus the client. */
export interface GovernanceOptions extends ToolGovernance {
  /**
   * The client that asks ASCEND, or a function returning it. Default: one client for the process, created at the
   * first governed call from the environment (`ASCEND_API_KEY`, `ASCEND_API_URL`, `ASCEND_AGENT_ID`,
   * `ASCEND_FAIL_MODE`, ... as `new AscendClient()` reads them).
   */
  client?: AscendClient | (() => AscendClient);
}

/** Options checked once, when a tool is wrapped. */
export interface ResolvedGovernance {
  client: () => AscendClient;
  actionType: string | undefined;
  resource: FromArguments | undefined;
  description: FromArguments | undefined;
  onDenied: "return" | "throw";
  onPending: OnPending;
  /** Seconds. */
  approvalTimeout: number | undefined;
  /** Seconds. */
  approvalPollInterval: number | undefined;
  riskLevel: string | undefined;
  requireHumanApproval: boolean | undefined;
  metadata: Record<string, unknown> | undefined;
}

/** The core's tool outcome (`governToolCall`'s JSON). */
export interface ToolOutcome {
  outcome: "run" | "denied" | "pending" | "unavailable";
  decision: Record<string, unknown> | null;
  action_id: string | null;
  error_code?: string;
  message?: string;
  cause?: string;
  /** What the model is told when the tool does not run (when the core provides it). */
  tool_message?: string | null;
}

function invalid(where: string, field: string, problem: string): ValidationError {
  return new ValidationError(`${where}: ${field} ${problem}`, { code: "VALIDATION_ERROR", field, field_errors: { [field]: problem } });
}

let environmentClient: AscendClient | undefined;

/** The process's client from the environment, created on first use (a failed creation is retried next time). */
function clientFromEnvironment(): AscendClient {
  environmentClient ??= new AscendClient();
  return environmentClient;
}

const FROM_ARGUMENTS_FIELDS = ["resource", "description"] as const;

/** A duration option in seconds, given in seconds (`name`) or milliseconds (`nameMs`), not both. */
function seconds(where: string, o: GovernanceOptions, name: "approvalTimeout" | "approvalPollInterval"): number | undefined {
  const ms = `${name}Ms` as const;
  const [s, m] = [o[name], o[ms]];
  if (s !== undefined && m !== undefined) throw invalid(where, ms, `cannot be given with ${name}`);
  const field = m !== undefined ? ms : name;
  const v = m ?? s;
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw invalid(where, field, "must be a non-negative number");
  return m !== undefined ? v / 1000 : v;
}

/** Checks the options (errors name the field, before any call) and fills in the defaults from `base`. */
export function resolveGovernance(where: string, options: GovernanceOptions | undefined, base?: ResolvedGovernance): ResolvedGovernance {
  if (options !== undefined && !isPlainObject(options)) throw invalid(where, "options", "must be an object");
  const o: GovernanceOptions = options ?? {};
  const c = o.client;
  let client = base?.client ?? clientFromEnvironment;
  if (c instanceof AscendClient) client = () => c;
  else if (typeof c === "function") client = c as () => AscendClient;
  else if (c !== undefined) throw invalid(where, "client", "must be an AscendClient or a function returning one");
  if (o.actionType !== undefined && (typeof o.actionType !== "string" || o.actionType.trim() === "")) {
    throw invalid(where, "actionType", "must be a non-empty string");
  }
  for (const field of FROM_ARGUMENTS_FIELDS) {
    const v = o[field];
    if (v !== undefined && typeof v !== "string" && typeof v !== "function") {
      throw invalid(where, field, "must be a string or a function of the tool's arguments");
    }
  }
  if (o.onDenied !== undefined && !["return", "throw", "raise"].includes(o.onDenied)) {
    throw invalid(where, "onDenied", 'must be "return" or "throw" (or "raise")');
  }
  if (o.onPending !== undefined && !["wait", "return"].includes(o.onPending)) {
    throw invalid(where, "onPending", 'must be "wait" or "return"');
  }
  if (o.metadata !== undefined && !isPlainObject(o.metadata)) throw invalid(where, "metadata", "must be an object");
  const approvalTimeout = seconds(where, o, "approvalTimeout");
  const approvalPollInterval = seconds(where, o, "approvalPollInterval");
  const onDenied = o.onDenied === undefined ? (base?.onDenied ?? "return") : o.onDenied === "return" ? "return" : "throw";
  return {
    client,
    actionType: o.actionType ?? base?.actionType,
    resource: o.resource ?? base?.resource,
    description: o.description ?? base?.description,
    onDenied,
    onPending: o.onPending ?? base?.onPending ?? "wait",
    approvalTimeout: approvalTimeout ?? base?.approvalTimeout,
    approvalPollInterval: approvalPollInterval ?? base?.approvalPollInterval,
    riskLevel: o.riskLevel ?? base?.riskLevel,
    requireHumanApproval: o.requireHumanApproval ?? base?.requireHumanApproval,
    metadata: o.metadata ?? base?.metadata,
  };
}

/** The tool's arguments as JSON (values JSON cannot carry become `"<type>"`; a non-object input is `{input}`). */
export function argumentsAsJson(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  let text: string | undefined;
  try {
    text = JSON.stringify(args, (_k, v: unknown) => (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol" ? `<${typeof v}>` : v));
  } catch (e) {
    throw invalid("governed tool", "arguments", `must be JSON-serialisable (${(e as Error).message})`);
  }
  const value: unknown = text === undefined ? null : JSON.parse(text);
  return isPlainObject(value) ? value : { input: value };
}

function evaluate(value: FromArguments | undefined, fallback: string, args: Record<string, unknown>, toolName: string): string {
  if (value === undefined) return fallback;
  return typeof value === "function" ? value(args, { toolName }) : value;
}

/**
 * What the model reads when the tool did not run: the core's `tool_message` (the same text as in Python); the
 * core's `message` only if an outcome ever lacks it.
 */
function stoppedMessage(outcome: ToolOutcome, toolName: string): string {
  if (typeof outcome.tool_message === "string" && outcome.tool_message !== "") return outcome.tool_message;
  return outcome.message ?? `The ${toolName} tool was not run (${outcome.outcome}).`;
}

/** The SDK error of an outcome that stops the tool (the Python adapters raise the same classes and codes). */
function outcomeError(outcome: ToolOutcome, toolName: string, toolMessage: string): AscendError {
  const details: Record<string, unknown> = { outcome: outcome.outcome, action_id: outcome.action_id, tool_name: toolName, tool_message: toolMessage };
  if (outcome.outcome === "unavailable") details.cause = outcome.cause ?? null;
  const projection = { error_code: outcome.error_code, details };
  const message = outcome.message ?? toolMessage;
  return outcome.outcome === "pending" ? new TimeoutError(message, { code: "TIMEOUT", ...projection }) : new AuthorizationError(message, { code: "AUTHZ_DENIED", ...projection });
}

/** One call of a governed tool, as the adapter sees it. */
export interface ToolInvocation {
  toolName: string;
  /** The arguments as the framework passes them to the tool. */
  args: unknown;
  mcpServerName?: string;
  signal?: AbortSignal | null;
}

/** How the tool ended: its value (and, for an MCP `isError` result, the failure it reported), or what it threw. */
export type ToolEnd = { value: unknown; failure?: string | null } | { thrown: unknown };

/** The flow's answer: run the tool (then report its end with `finish`), or do not. */
export type Verdict = { run: true; outcome: ToolOutcome; finish: (end: ToolEnd) => Promise<void> } | Stopped;

/**
 * A call the flow stopped: the text for the model, and the SDK error to throw when `onDenied` is `"throw"` (`null` for
 * a PENDING decision that `onPending: "return"` returns).
 */
export interface Stopped {
  run: false;
  outcome: ToolOutcome;
  message: string;
  error: AscendError | null;
}

/**
 * Asks the core's flow (`governToolCall`) about one call. Errors the flow raises (a kill switch, invalid arguments,
 * a cancelled signal) are thrown; an outcome that stops the tool is returned.
 */
export async function ask(g: ResolvedGovernance, call: ToolInvocation, defaultActionType: string): Promise<Verdict> {
  const args = argumentsAsJson(call.args);
  const toolName = call.toolName;
  const client = g.client();
  const metadata: Record<string, unknown> = { ...(g.metadata ?? {}) };
  const request: Record<string, unknown> = {
    actionType: g.actionType ?? defaultActionType,
    resource: evaluate(g.resource, toolName, args, toolName),
    toolName,
    arguments: args,
    keywordArgs: args,
    riskLevel: g.riskLevel,
    requireHumanApproval: g.requireHumanApproval,
    waitForApproval: g.onPending === "wait",
    approvalTimeoutSeconds: g.approvalTimeout,
    approvalPollIntervalSeconds: g.approvalPollInterval,
    signal: call.signal ?? undefined,
  };
  if (g.description !== undefined) request.description = evaluate(g.description, "", args, toolName);
  if (call.mcpServerName !== undefined) request.mcpServerName = call.mcpServerName;
  if (Object.keys(metadata).length > 0) request.metadata = metadata;
  const outcome = (await client.governToolCall(request as never)) as ToolOutcome;
  if (outcome.outcome === "run") {
    const started = performance.now();
    return { run: true, outcome, finish: (end) => finish(client, outcome, end, started) };
  }
  const message = stoppedMessage(outcome, toolName);
  const returned = outcome.outcome === "pending" && g.onPending === "return";
  return { run: false, outcome, message, error: returned ? null : outcomeError(outcome, toolName, message) };
}

/**
 * `finishToolCall` (completed, or failed with the error text). The core never fails it; a binding-level failure is a
 * process warning, never the tool's failure.
 */
async function finish(client: AscendClient, outcome: ToolOutcome, end: ToolEnd, started: number): Promise<void> {
  const how =
    "thrown" in end
      ? { error: end.thrown instanceof Error ? end.thrown.message || end.thrown.name : String(end.thrown) }
      : end.failure != null
        ? { error: end.failure }
        : { hasResult: end.value !== undefined && end.value !== null };
  try {
    await client.finishToolCall(outcome.action_id as string, { ...how, durationMs: Math.max(0, Math.round(performance.now() - started)) });
  } catch (e) {
    process.emitWarning(`ascend-sdk: completion record of action ${outcome.action_id} not sent: ${(e as Error).message}`, "AscendWarning");
  }
}
