/**
 * `ascend-sdk/integrations/mcp`: every tool of an MCP TypeScript SDK server (`@modelcontextprotocol/sdk`'s
 * `McpServer`) governed by ASCEND.
 *
 * ```ts
 * import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
 * import { governMcpServer } from "ascend-sdk/integrations/mcp";
 *
 * const server = governMcpServer(new McpServer({ name: "billing-mcp", version: "1.0.0" }), {
 *   tools: { refund: { actionType: "payment.refund", resource: (args) => `customer:${args.customerId}` } },
 * });
 * server.registerTool("refund", { inputSchema: { customerId: z.string() } }, async (args) => ...);
 * ```
 *
 * Each call asks ASCEND first (the core's governed-tool flow, with `mcpServerName`); the tool runs only when allowed,
 * and its end is recorded. A stopped call (denied, approval not given in time, governance unreachable) is a tool error
 * result (`isError: true`, the reason as text, `_meta["ascend/governance"]` with the outcome and action id) that the
 * server sends to its client; the tool list and schemas are the server's own. This module imports nothing from the
 * MCP SDK: it patches the server instance's `registerTool` and `tool`.
 *
 * With `mcp_server_name`, ASCEND applies its MCP server registry (register the server there first:
 * `client.registerMcpServer({ serverName })` or `ascend-dev mcp add`); unregistered servers are denied.
 */
import { ValidationError } from "../errors";
import { isPlainObject } from "../methods";
import { ask, resolveGovernance, type GovernanceOptions, type ResolvedGovernance, type ToolGovernance, type ToolOutcome } from "./govern";

export { type FromArguments, type GovernanceOptions, type OnDenied, type OnPending, type ToolGovernance, type ToolOutcome } from "./govern";

/** Options of {@link governMcpServer}: defaults for every tool, per-tool overrides, and the server's name. */
export interface McpGovernanceOptions extends GovernanceOptions {
  /**
   * `mcp_server_name` sent with every call (default: the name the server was created with,
   * `new McpServer({ name })`).
   */
  mcpServerName?: string;
  /** Per tool name: options that replace the defaults above for that tool. */
  tools?: Record<string, ToolGovernance>;
}

/** A registered tool, as `McpServer.registerTool` returns it (the fields this module uses). */
export interface RegisteredToolLike {
  handler: unknown;
  update(updates: Record<string, unknown>): void;
}

/** The `McpServer` methods this module uses. */
export interface McpServerLike {
  registerTool(name: string, config: never, callback: never): RegisteredToolLike;
}

/** The default `actionType` of a governed MCP tool call (as in the Python adapter). */
export const DEFAULT_ACTION_TYPE = "tool_call";

/** The `_meta` key of a stopped call's result. */
export const GOVERNANCE_META_KEY = "ascend/governance";

const GOVERNED = Symbol.for("ascend-sdk.integrations.mcp.governed");
const WHERE = "governMcpServer";

function invalid(field: string, problem: string): ValidationError {
  return new ValidationError(`${WHERE}: ${field} ${problem}`, { code: "VALIDATION_ERROR", field, field_errors: { [field]: problem } });
}

/** The name the server was created with (the SDK keeps it on its low-level `Server`). */
function serverInfoName(server: unknown): string | undefined {
  const name = (server as { server?: { _serverInfo?: { name?: unknown } } }).server?._serverInfo?.name;
  return typeof name === "string" && name.trim() !== "" ? name : undefined;
}

type Handler = (...params: unknown[]) => unknown;

/** The text of an `isError` result the tool returned itself (its completion is recorded as a failure). */
function reportedFailure(result: unknown): string | null {
  if (!isPlainObject(result) || result.isError !== true) return null;
  const texts = Array.isArray(result.content) ? result.content.filter((c) => isPlainObject(c) && c.type === "text").map((c) => String((c as { text?: unknown }).text)) : [];
  return texts.length > 0 ? texts.join("\n") : "the tool returned an error result";
}

/** The tool error result of a stopped call. */
function stoppedResult(message: string, outcome: ToolOutcome): Record<string, unknown> {
  return {
    content: [{ type: "text", text: message }],
    isError: true,
    _meta: { [GOVERNANCE_META_KEY]: { outcome: outcome.outcome, action_id: outcome.action_id, error_code: outcome.error_code ?? null } },
  };
}

/**
 * Governs every tool of `server`: those already registered and every one registered later through `registerTool` or
 * `tool` (also after `update({ callback })` or a rename). Task tools (`experimental.tasks.registerToolTask`) are
 * refused, since this adapter cannot govern them. Returns the same server.
 *
 * Defaults: `actionType` is `"tool_call"`, `resource` the tool's name, `onDenied` `"return"` (the stopped call is a
 * tool error result; `"throw"` throws the SDK error, which `McpServer` also sends as a tool error result, without
 * `_meta`), `onPending` `"wait"`.
 */
export function governMcpServer<S extends McpServerLike>(server: S, options: McpGovernanceOptions = {}): S {
  if (server === null || typeof server !== "object" || typeof server.registerTool !== "function") {
    throw invalid("server", "must be an McpServer (@modelcontextprotocol/sdk/server/mcp.js)");
  }
  const target = server as unknown as Record<string | symbol, unknown>;
  if (target[GOVERNED] === true) throw invalid("server", "is already governed");
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw invalid("options", "must be an object");
  const { mcpServerName, tools, ...defaults } = options;
  const base = resolveGovernance(WHERE, defaults);
  const serverName = mcpServerName ?? serverInfoName(server);
  if (typeof serverName !== "string" || serverName.trim() === "") {
    throw invalid("mcpServerName", "is required: the server's name could not be read");
  }
  if (tools !== undefined && !isPlainObject(tools)) throw invalid("tools", "must be an object of per-tool options");
  const perTool = new Map<string, ResolvedGovernance>();
  for (const [name, o] of Object.entries(tools ?? {})) perTool.set(name, resolveGovernance(`${WHERE}: tools.${name}`, o as GovernanceOptions, base));

  const govern = (initialName: string, registered: RegisteredToolLike): void => {
    if (registered === null || typeof registered !== "object" || typeof registered.update !== "function") {
      throw invalid("server", `returned no registered tool for ${initialName}`);
    }
    const state = { name: initialName };
    const wrap = (handler: unknown): Handler => {
      if (typeof handler !== "function") {
        throw invalid("server", `tool ${state.name} is a task tool or has no callback; it cannot be governed`);
      }
      const run = handler as Handler;
      return async function governed(this: unknown, ...params: unknown[]): Promise<unknown> {
        // The SDK calls (args, extra) for a tool with an input schema, (extra) for one without.
        const extra = params[params.length - 1] as { signal?: AbortSignal } | undefined;
        const args = params.length >= 2 ? params[0] : undefined;
        const g = perTool.get(state.name) ?? base;
        const verdict = await ask(g, { toolName: state.name, args, mcpServerName: serverName, signal: extra?.signal }, DEFAULT_ACTION_TYPE);
        if (!verdict.run) {
          if (g.onDenied === "throw" && verdict.error !== null) throw verdict.error;
          return stoppedResult(verdict.message, verdict.outcome);
        }
        let result: unknown;
        try {
          result = await run.apply(this, params);
        } catch (e) {
          await verdict.finish({ thrown: e });
          throw e;
        }
        await verdict.finish({ value: result, failure: reportedFailure(result) });
        return result;
      };
    };
    registered.handler = wrap(registered.handler);
    const update = registered.update;
    registered.update = (updates: Record<string, unknown>): void => {
      const next = { ...updates };
      if (next.callback !== undefined) next.callback = wrap(next.callback);
      update.call(registered, next);
      if (typeof next.name === "string") state.name = next.name;
    };
  };

  const existing = target._registeredTools;
  if (isPlainObject(existing)) {
    for (const [name, registered] of Object.entries(existing)) govern(name, registered as RegisteredToolLike);
  }
  for (const method of ["registerTool", "tool"] as const) {
    const original = target[method];
    if (typeof original !== "function") continue;
    Object.defineProperty(server, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, name: string, ...rest: unknown[]): RegisteredToolLike {
        const registered = (original as Handler).call(this, name, ...rest) as RegisteredToolLike;
        govern(name, registered);
        return registered;
      },
    });
  }
  const tasks = (target.experimental as { tasks?: Record<string, unknown> } | undefined)?.tasks;
  if (tasks !== undefined && typeof tasks.registerToolTask === "function") {
    Object.defineProperty(tasks, "registerToolTask", {
      configurable: true,
      writable: true,
      value: (name: string): never => {
        throw invalid("server", `task tool ${name}: governMcpServer does not support task tools (registerToolTask)`);
      },
    });
  }
  Object.defineProperty(server, GOVERNED, { value: true });
  return server;
}
