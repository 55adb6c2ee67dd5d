/**
 * `ascend-sdk/testing`: the local dev server (`ascend-dev`) running inside this process, for tests.
 *
 * ```ts
 * import { DevServer } from "ascend-sdk/testing";
 * const server = await DevServer.start({ denyAt: 98 });
 * const client = server.client({ agentId: "finance-bot" });
 * ```
 *
 * The dev server is its own native addon (`ascend_node_testing`), loaded only when this module is imported; the
 * client addon never links it.
 */
import { AscendClient, type AscendClientOptions } from "./client";
import { fromNative } from "./errors";
import { snakeKeys } from "./methods";
import { loadAddon } from "./native";

interface NativeDevServer {
  readonly url: string;
  readonly apiKey: string;
  readonly adminToken: string;
  readonly running: boolean;
  approve(actionId: string, comment?: string | null): string;
  deny(actionId: string, reason: string): string;
  close(): Promise<void>;
}

interface TestingAddon {
  startDevServer(paramsJson: string): Promise<NativeDevServer>;
}

const addon = loadAddon<TestingAddon>("ascend_node_testing");

/** Options of {@link DevServer.start}. */
export interface DevServerOptions {
  /** SQLite file, default `:memory:`. */
  db?: string;
  /** API key agents use (default: a random test key). */
  apiKey?: string;
  /** Admin token (default: random). */
  adminToken?: string;
  /** Risk score at or above which actions are denied outright (0-100). */
  denyAt?: number;
  /** Risk score below which actions are approved automatically (default 70). */
  autoApproveBelow?: number;
  /** Whether agents must register before submitting. */
  requireRegistration?: boolean;
  /** Loopback address (default 127.0.0.1). */
  host?: string;
  /** Port (default: a free one). */
  port?: number;
}

/** The dev server, in-process. */
export class DevServer {
  readonly #server: NativeDevServer;
  readonly #clients = new Set<AscendClient>();

  private constructor(server: NativeDevServer) {
    this.#server = server;
  }

  /** Starts a dev server on a free loopback port. */
  static async start(options: DevServerOptions = {}): Promise<DevServer> {
    try {
      return new DevServer(await addon.startDevServer(JSON.stringify(snakeKeys(options as Record<string, unknown>))));
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#server.url;
  }
  /** The API key agents authenticate with. */
  get apiKey(): string {
    return this.#server.apiKey;
  }
  /** The admin token (reviews, model registry). */
  get adminToken(): string {
    return this.#server.adminToken;
  }
  /** Whether it is running. */
  get running(): boolean {
    return this.#server.running;
  }

  /** Approves a pending action; resolves to the action record. */
  async approve(actionId: string | number, options: { comment?: string } = {}): Promise<Record<string, unknown>> {
    try {
      return JSON.parse(this.#server.approve(String(actionId), options.comment ?? null)) as Record<string, unknown>;
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** Denies a pending action; resolves to the action record. */
  async deny(actionId: string | number, reason: string): Promise<Record<string, unknown>> {
    try {
      return JSON.parse(this.#server.deny(String(actionId), reason)) as Record<string, unknown>;
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** A client for this server (its URL and API key preset); closed by {@link close}. */
  client(options: AscendClientOptions = {}): AscendClient {
    const c = new AscendClient({ apiKey: this.apiKey, apiUrl: this.url, agentId: "test-agent", ...options });
    this.#clients.add(c);
    return c;
  }

  /** Closes its clients and stops the server. Idempotent. */
  async close(): Promise<void> {
    for (const c of this.#clients) await c.close();
    this.#clients.clear();
    await this.#server.close();
  }

  /** Never shows the key or the token (D19). */
  toString(): string {
    return `DevServer(url=${this.url}, running=${this.running})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
