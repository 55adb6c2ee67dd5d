/**
 * Core log records to the host's logger. Silent by default. A client given `logger` (anything with
 * `debug`/`info`/`warn`/`error` methods taking a string: `console`, pino, winston, ...) receives records at `info`
 * and above (`debug: true` on the client: `debug` too); `ASCEND_LOG=error|warn|info|debug|trace|off` sets the
 * level for every client and, with no logger given, writes to `console`. The core formats only records at or
 * above the most verbose level wanted, and never logs a secret (D19).
 */
import { addon } from "./native";

/** What a logger must have (a subset of `console` and pino). */
export interface Logger {
  error(message: string): unknown;
  warn(message: string): unknown;
  info(message: string): unknown;
  debug(message: string): unknown;
}

const LEVELS: Record<string, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
const METHOD = ["", "error", "warn", "info", "debug", "debug"] as const;

interface Entry {
  logger: Logger;
  level: number;
}

const entries = new Set<Entry>();
let sinkInstalled = false;

function envLevel(): number | undefined {
  const raw = process.env.ASCEND_LOG?.trim().toLowerCase();
  return raw ? LEVELS[raw] : undefined;
}

function deliver(record: [number, string, string]): void {
  const [level, target, message] = record;
  const text = `[${target}] ${message}`;
  const targets: Iterable<Entry> = entries.size > 0 ? entries : fallback();
  for (const e of targets) {
    if (level > e.level) continue;
    const method = METHOD[level] ?? "debug";
    try {
      e.logger[method as keyof Logger](text);
    } catch {
      // a failing user logger never breaks a call
    }
  }
}

function fallback(): Entry[] {
  const level = envLevel();
  return level ? [{ logger: console, level }] : [];
}

function refresh(): void {
  let max = envLevel() ?? 0;
  if (entries.size > 0) {
    const env = envLevel();
    max = 0;
    for (const e of entries) max = Math.max(max, env ?? e.level);
  }
  if (max > 0 && !sinkInstalled) {
    addon().setLogSink(deliver);
    sinkInstalled = true;
  }
  addon().setLogLevel(max);
}

/** Registers a client's logger; returns the function that unregisters it. */
export function registerLogger(logger: Logger | undefined, debug: boolean): () => void {
  if (logger === undefined) {
    if (envLevel()) refresh();
    return () => {};
  }
  for (const m of ["error", "warn", "info", "debug"] as const) {
    if (typeof logger[m] !== "function") throw new TypeError(`logger must have a ${m}(message) method`);
  }
  const entry: Entry = { logger, level: envLevel() ?? (debug ? LEVELS.debug : LEVELS.info) };
  entries.add(entry);
  refresh();
  return () => {
    if (entries.delete(entry)) refresh();
  };
}
