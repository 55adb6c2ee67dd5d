/**
 * `ascend-sdk/integrations/ai`: Vercel AI SDK (`ai`) tools governed by ASCEND.
 *
 * ```ts
 * import { tool } from "ai";
 * import { governedTool } from "ascend-sdk/integrations/ai";
 *
 * const refund = governedTool(tool({ description: "Refund a customer", inputSchema: z.object({ customerId: z.string() }),
 *   execute: async ({ customerId }) => ... }), { name: "refund", actionType: "payment.refund", resource: (a) => `customer:${a.customerId}` });
 * await generateText({ model, tools: { refund }, ... });
 * ```
 *
 * Only `execute` changes: it asks ASCEND first (the core's governed-tool flow), runs the original only when allowed,
 * and records its end; the description, input schema and every other field stay the tool's own, so the model sees the
 * same tool. A stopped call (denied, approval not given in time, governance unreachable) resolves by default with the
 * reason as the tool's result (the core's text for the model); `onDenied: "throw"` throws the SDK error instead, which
 * the AI SDK hands to the model as a tool error. Either way the run goes on. This module imports nothing from `ai`.
 */
import { ValidationError } from "../errors";
import { isPlainObject } from "../methods";
import { ask, resolveGovernance, type GovernanceOptions, type ResolvedGovernance, type Stopped, type ToolGovernance } from "./govern";

export { type FromArguments, type GovernanceOptions, type OnDenied, type OnPending, type ToolGovernance, type ToolOutcome } from "./govern";

/** An AI SDK tool (what `tool()` returns), as far as this module uses it. */
export interface ToolLike {
  execute?: (input: never, options: never) => unknown;
}

/** Options of {@link governedTool}. */
export interface AiGovernanceOptions extends GovernanceOptions {
  /** The tool's name (the key it has in `tools`); default: `actionType`. */
  name?: string;
}

/** Options of {@link governTools}: defaults for every tool and per-tool overrides. */
export interface AiToolSetGovernanceOptions extends GovernanceOptions {
  /** Per tool name: options that replace the defaults above for that tool. */
  tools?: Record<string, ToolGovernance>;
}

type Execute = (this: unknown, input: unknown, options: unknown) => unknown;

function invalid(where: string, field: string, problem: string): ValidationError {
  return new ValidationError(`${where}: ${field} ${problem}`, { code: "VALIDATION_ERROR", field, field_errors: { [field]: problem } });
}

function signalOf(options: unknown): AbortSignal | undefined {
  const s = isPlainObject(options) ? options.abortSignal : undefined;
  return s instanceof AbortSignal ? s : undefined;
}

function stopped(g: ResolvedGovernance, verdict: Stopped): string {
  if (g.onDenied === "throw" && verdict.error !== null) throw verdict.error;
  return verdict.message;
}

function isAsyncGeneratorFunction(f: unknown): boolean {
  return Object.prototype.toString.call(f) === "[object AsyncGeneratorFunction]";
}

/** `tool` with a governed `execute` (every other property, enumerable or not, kept as it is). */
function wrap<T extends ToolLike>(where: string, tool: T, toolName: string, g: ResolvedGovernance): T {
  if (tool === null || typeof tool !== "object") throw invalid(where, "tool", "must be an AI SDK tool object");
  const execute = tool.execute as Execute | undefined;
  if (typeof execute !== "function") {
    throw invalid(where, "tool", `${toolName} has no execute function: there is nothing to govern`);
  }
  let governed: Execute;
  if (isAsyncGeneratorFunction(execute)) {
    // A streaming tool: the AI SDK reads every yielded value as a preliminary result and the last one as the output.
    governed = async function* (this: unknown, input: unknown, options: unknown): AsyncGenerator<unknown, void, undefined> {
      const verdict = await ask(g, { toolName, args: input, signal: signalOf(options) }, toolName);
      if (!verdict.run) {
        yield stopped(g, verdict);
        return;
      }
      let last: unknown;
      let failed = false;
      try {
        for await (const value of execute.call(this, input, options) as AsyncIterable<unknown>) {
          last = value;
          yield value;
        }
      } catch (e) {
        failed = true;
        await verdict.finish({ thrown: e });
        throw e;
      } finally {
        // Also when the consumer stops early: the last value seen is the output.
        if (!failed) await verdict.finish({ value: last });
      }
    };
  } else {
    governed = async function (this: unknown, input: unknown, options: unknown): Promise<unknown> {
      const verdict = await ask(g, { toolName, args: input, signal: signalOf(options) }, toolName);
      if (!verdict.run) return stopped(g, verdict);
      let value: unknown;
      try {
        value = await execute.call(this, input, options);
      } catch (e) {
        await verdict.finish({ thrown: e });
        throw e;
      }
      await verdict.finish({ value });
      return value;
    };
  }
  const copy = Object.create(Object.getPrototypeOf(tool), Object.getOwnPropertyDescriptors(tool)) as T;
  Object.defineProperty(copy, "execute", { value: governed, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * An AI SDK tool whose calls are governed by ASCEND. Give `name` (the tool's key in `tools`) or `actionType`; each
 * defaults to the other, and `resource` defaults to the name. `onDenied` defaults to `"return"`, `onPending` to
 * `"wait"`.
 */
export function governedTool<T extends ToolLike>(tool: T, options: AiGovernanceOptions = {}): T {
  const where = "governedTool";
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw invalid(where, "options", "must be an object");
  const { name, ...rest } = options;
  if (name !== undefined && (typeof name !== "string" || name.trim() === "")) throw invalid(where, "name", "must be a non-empty string");
  const g = resolveGovernance(where, rest);
  const toolName = name ?? g.actionType;
  if (toolName === undefined) throw invalid(where, "name", "or actionType is required (the AI SDK does not tell a tool its name)");
  return wrap(where, tool, toolName, g);
}

/** Every tool of a tool set (`{ name: tool(...) }`) governed, each under its key. */
export function governTools<T extends Record<string, ToolLike>>(tools: T, options: AiToolSetGovernanceOptions = {}): T {
  const where = "governTools";
  if (!isPlainObject(tools)) throw invalid(where, "tools", "must be an object of AI SDK tools");
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw invalid(where, "options", "must be an object");
  const { tools: perTool, ...rest } = options;
  if (perTool !== undefined && !isPlainObject(perTool)) throw invalid(where, "options.tools", "must be an object of per-tool options");
  const base = resolveGovernance(where, rest);
  for (const name of Object.keys(perTool ?? {})) {
    if (!(name in tools)) throw invalid(where, `options.tools.${name}`, "names no tool of the set");
  }
  const out: Record<string, ToolLike> = {};
  for (const [name, tool] of Object.entries(tools)) {
    const o = perTool?.[name];
    out[name] = wrap(where, tool, name, o === undefined ? base : resolveGovernance(`${where}: tools.${name}`, o as GovernanceOptions, base));
  }
  return out as T;
}
