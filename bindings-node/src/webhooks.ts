/**
 * Webhooks: verify a delivery (Standard Webhooks v1 and the ASCEND schemes) from the raw body bytes, sign one (for
 * tests and for senders), and a replay cache. All verification happens in the core.
 */
import { fromNative } from "./errors";
import { camelKeys } from "./methods";
import { addon } from "./native";
import type { ReplayCache as NativeReplayCache } from "./native-addon";
import type { WebhookEvent } from "./types";

/** Headers as Node (`IncomingHttpHeaders`), fetch (`Headers`), a plain object or name/value pairs. */
export type HeadersLike =
  | Record<string, string | string[] | undefined>
  | { forEach(callback: (value: string, name: string) => void): void }
  | Iterable<readonly [string, string]>;

/**
 * One webhook secret (DECISIONS D25): text (a `whsec_<base64>` Standard Webhooks secret is decoded; any other text
 * is its UTF-8 bytes), or bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`), which are ONE key, used as is.
 */
export type WebhookSecret = string | Uint8Array | ArrayBuffer;

/**
 * The `secret` argument: one secret, or an array of them (rotation: any one may match; signing signs with each).
 * Anything else (a number, boolean, `null`, an object, an array inside the array, an array of numbers, ...) is a
 * `ValidationError` naming `secret`, thrown before any work.
 */
export type WebhookSecrets = WebhookSecret | readonly WebhookSecret[];

/** Options of {@link verifyWebhook}. */
export interface VerifyOptions {
  /** Accepted clock skew either way, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Pin one scheme (`standard_webhooks`, `ascend_v1`, `ascend_stripe_style`); default: detect from the headers. */
  scheme?: string;
  /** Refuse a message id seen before (within the tolerance window). */
  replayCache?: ReplayCache;
  /** "Now" as Unix seconds (tests). */
  nowUnix?: number;
}

/** Options of {@link signWebhook}. */
export interface SignOptions {
  /** Message id (default: a new one). */
  msgId?: string;
  /** Unix seconds (default: now). */
  timestamp?: number;
  /** Default `standard_webhooks`. */
  scheme?: string;
}

/** A thread-safe replay cache (the core's), shared by every `verifyWebhook` call it is passed to. */
export class ReplayCache {
  /** @internal */
  readonly inner: NativeReplayCache;
  constructor(capacity = 10_000) {
    try {
      this.inner = new (addon().ReplayCache)(capacity);
    } catch (e) {
      throw fromNative(e);
    }
  }
  /** Number of ids held. */
  get size(): number {
    return this.inner.size;
  }
  /** Records `msgId` until `expiresAtUnix`; `false` when it is a replay. */
  remember(msgId: string, expiresAtUnix: number, nowUnix = Math.floor(Date.now() / 1000)): boolean {
    return this.inner.checkAndInsert(msgId, nowUnix, expiresAtUnix);
  }
  /** Whether `msgId` is recorded and live. */
  has(msgId: string, nowUnix = Math.floor(Date.now() / 1000)): boolean {
    return this.inner.has(msgId, nowUnix);
  }
  /** Forgets `msgId`. */
  forget(msgId: string): boolean {
    return this.inner.forget(msgId);
  }
  /** Forgets every id. */
  clear(): void {
    this.inner.clear();
  }
}

function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  const kind = typeof body === "string" ? "a string" : body === null ? "null" : typeof body === "object" ? "a parsed object" : typeof body;
  try {
    addon().webhookRefuseBody(kind);
  } catch (e) {
    throw fromNative(e);
  }
  throw new TypeError(`raw body expected, got ${kind}`);
}

function headerPairs(headers: HeadersLike): string[][] {
  const out: string[][] = [];
  if (headers == null) return out;
  const h = headers as { forEach?: unknown; [Symbol.iterator]?: unknown };
  if (typeof h.forEach === "function" && !Array.isArray(headers) && typeof (headers as { get?: unknown }).get === "function") {
    (headers as { forEach(cb: (v: string, k: string) => void): void }).forEach((v, k) => out.push([k, v]));
    return out;
  }
  if (typeof h[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<readonly [string, string]>) out.push([String(pair[0]), String(pair[1])]);
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) out.push([k, one]);
    else out.push([k, String(v)]);
  }
  return out;
}

/**
 * Verifies a webhook delivery and returns its event; throws `WebhookVerificationError` (with `.code` saying why)
 * otherwise. `rawBody` must be the bytes as received (a string is refused).
 */
export function verifyWebhook(rawBody: Uint8Array | ArrayBuffer, headers: HeadersLike, secret: WebhookSecrets, options: VerifyOptions = {}): WebhookEvent {
  const body = bodyBytes(rawBody);
  try {
    const text = addon().webhookVerify(body, headerPairs(headers), secret, options.toleranceSeconds ?? 300, options.nowUnix ?? null, options.scheme ?? null, options.replayCache?.inner ?? null, false);
    return camelKeys(JSON.parse(text) as Record<string, unknown>) as unknown as WebhookEvent;
  } catch (e) {
    throw fromNative(e);
  }
}

/** Checks the signature and time window only; returns `{ scheme, msgId, timestampUnix }`. */
export function verifyWebhookSignature(rawBody: Uint8Array | ArrayBuffer, headers: HeadersLike, secret: WebhookSecrets, options: VerifyOptions = {}): { scheme: string; msgId: string | null; timestampUnix: number } {
  const body = bodyBytes(rawBody);
  try {
    const text = addon().webhookVerify(body, headerPairs(headers), secret, options.toleranceSeconds ?? 300, options.nowUnix ?? null, options.scheme ?? null, null, true);
    return camelKeys(JSON.parse(text) as Record<string, unknown>) as { scheme: string; msgId: string | null; timestampUnix: number };
  } catch (e) {
    throw fromNative(e);
  }
}

/** Signs a payload; returns the headers to send (several secrets: one signature each, for rotation). */
export function signWebhook(rawBody: Uint8Array | ArrayBuffer, secret: WebhookSecrets, options: SignOptions = {}): Record<string, string> {
  const body = bodyBytes(rawBody);
  try {
    const pairs = addon().webhookSign(body, secret, options.msgId ?? null, options.timestamp ?? null, options.scheme ?? null);
    return Object.fromEntries(pairs.map((p) => [p[0], p[1]]));
  } catch (e) {
    throw fromNative(e);
  }
}
