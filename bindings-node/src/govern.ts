/**
 * Host governance: the core's pure rules for hosts that run commands, code or tools on an agent's behalf (a shell
 * wrapper, a framework adapter): the command classifier, the verdict rule of DECISIONS D24 and the command plan.
 * Every function runs the core's code (`ascend_core::govern::pure`); nothing is decided here.
 *
 * ```ts
 * import { classifyCommand, permitsExecution } from "ascend-sdk";
 * classifyCommand(["rm", "-rf", "/"]);            // { riskLevel: "critical", commandName: "rm" }
 * const d = await client.evaluateAction({ ... });
 * if (permitsExecution(d)) run();                 // only ALLOWED (never PENDING/DENIED), and executionAllowed !== false
 * ```
 */
import type { Decision, RiskLevel } from "./enums";
import { fromNative } from "./errors";
import { camelKeys, isPlainObject, snake } from "./methods";
import { addon } from "./native";
import type { AuthorizationDecision } from "./types";

/** Runs the core's pure governance function `fn` (snake_case name and input); its JSON result. */
export function governCall(fn: string, input: Record<string, unknown>): unknown {
  let text: string;
  try {
    text = JSON.stringify(input);
  } catch (e) {
    throw fromNative(new Error(JSON.stringify({ code: "VALIDATION_ERROR", message: `${fn}: input is not JSON-serialisable (${(e as Error).message})`, details: { field_errors: { input: "Must be JSON-serialisable" } }, field: "input" })));
  }
  try {
    return JSON.parse(addon().governCall(fn, text)) as unknown;
  } catch (e) {
    throw fromNative(e);
  }
}

/** What {@link classifyCommand} returns. */
export interface CommandClassification {
  /** The local risk level of the command line. */
  riskLevel: RiskLevel;
  /** The program's name (`/usr/bin/docker` -> `docker`; `""` for an empty command). */
  commandName: string;
}

/**
 * The core's command classifier (the subprocess wrapper's local risk level): `command` as a shell line or as an
 * argv array of strings. Anything else is a `ValidationError` naming `command`.
 */
export function classifyCommand(command: string | readonly string[]): CommandClassification {
  return camelKeys(governCall("classify_command", { command }) as Record<string, unknown>) as unknown as CommandClassification;
}

/**
 * Whether a host may run an action (DECISIONS D24): only a verdict that permits execution (ALLOWED, AUTO_APPROVED,
 * EXECUTED; never PENDING or DENIED), and `executionAllowed` (`execution_allowed`) can only restrict (`false` or a
 * non-boolean forbids). Accepts:
 * - an `AuthorizationDecision` this package returned (judged by its `decision` and `executionAllowed`);
 * - a decision value (`Decision.ALLOWED`, `"denied"`, ...);
 * - any other object: a raw server reply, read by the client's own normalisation (conflicting verdict fields
 *   resolve to DENIED, D23).
 * Anything else never permits.
 */
export function permitsExecution(decisionOrReply: AuthorizationDecision | Decision | string | Record<string, unknown>): boolean {
  let input: Record<string, unknown>;
  if (typeof decisionOrReply === "string") {
    input = { decision: decisionOrReply, execution_allowed: null };
  } else if (isPlainObject(decisionOrReply) && isDecision(decisionOrReply)) {
    input = { decision: decisionOrReply.decision, execution_allowed: decisionOrReply.executionAllowed ?? null };
  } else if (isPlainObject(decisionOrReply)) {
    input = { response: decisionOrReply };
  } else {
    return false;
  }
  return (governCall("permits_execution", input) as { permits: unknown }).permits === true;
}

/** An `AuthorizationDecision` of this package (camelCase keys), as opposed to a raw snake_case server reply. */
function isDecision(o: Record<string, unknown>): o is { decision: string; executionAllowed?: unknown } {
  return typeof o.decision === "string" && ("executionAllowed" in o || "actionId" in o || "raw" in o);
}

/** The policy of {@link planCommand} (the subprocess wrapper's options, camelCased). */
export interface CommandPolicy {
  /** Whether a shell command (`shell: true`) is allowed (default false: refused). */
  allowShell?: boolean;
  /** The command runs through a shell (default false). */
  shell?: boolean;
  /** Low-risk commands run without asking, unless forced to ask (default true). */
  autoApproveSafe?: boolean;
  /** Program names that are always refused. */
  blockedCommands?: readonly string[];
  /** Whether a client is configured to ask (default true). */
  hasClient?: boolean;
  /** Without a client: run every command that is not refused (explicit opt-in; default false refuses critical and high). */
  runUnaskedWithoutClient?: boolean;
  /** Decision wait bound of the question, in seconds (default 5). */
  timeout?: number;
  /** Working directory, as reported in the question. */
  cwd?: string;
  /** Always ask ASCEND. */
  alwaysAsk?: boolean;
  /** Treat the command as at least this risk level (and ask). */
  minRiskLevel?: RiskLevel;
  /** Flag the question as requiring a human approval (and ask). */
  requireApproval?: boolean;
}

/** What {@link planCommand} returns: refuse, run without asking, or ask ASCEND with `request`. */
export interface CommandPlan {
  plan: "refuse" | "run" | "ask";
  commandName: string;
  riskLevel: RiskLevel;
  /** `refuse`: `shell_not_allowed`, `blocked` or `no_client`. */
  kind?: string;
  message?: string;
  /** `run`: `low_risk` or `no_client`. */
  reason?: string;
  /** `ask`: the `evaluate_action` arguments (snake_case, as the core sends them). */
  request?: Record<string, unknown>;
}

/**
 * The subprocess wrapper's local plan for `command` under `policy` (no I/O). `client.governCommand(...)` runs the
 * whole check (this plan, then the question to ASCEND and the verdict rule).
 */
export function planCommand(command: string | readonly string[], policy: CommandPolicy = {}): CommandPlan {
  if (!isPlainObject(policy)) throw new TypeError("planCommand: policy must be an object");
  const input: Record<string, unknown> = { command };
  for (const [k, v] of Object.entries(policy)) if (v !== undefined) input[snake(k)] = v;
  return camelKeys(governCall("plan_command", input) as Record<string, unknown>) as unknown as CommandPlan;
}
