/**
 * Errors: one class per stable core code, named as in the Python package, all subclasses of {@link AscendError}.
 *
 * The native addon rejects with the core's error projection (JSON text in the message); {@link fromNative} maps it
 * by `code` to a class here. The ESM entry point re-exports this CommonJS module, so there is one copy of every
 * class and `instanceof` works whichever way the package was loaded. Messages never contain secrets (the core
 * builds them from status codes, server `detail` fields and error kinds only).
 */

/** The core's error projection, as it crosses from the native addon. */
export interface ErrorProjection {
  code: string;
  class?: string;
  message: string;
  status_code?: number | null;
  correlation_id?: string | null;
  retryable?: boolean;
  error_code?: string;
  details?: Record<string, unknown>;
  retry_after_seconds?: number;
  field?: string;
  field_errors?: Record<string, unknown>;
  timeout_seconds?: number;
  policy_violations?: unknown;
}

/** Base class of every SDK error (the Python package's `OWKAIError`). */
export class AscendError extends Error {
  /** The core's stable code, e.g. `RATE_LIMITED`. */
  readonly code: string;
  /** The peer SDK's `error_code` (e.g. `RATE_LIMIT`). */
  readonly errorCode: string;
  /** HTTP status, when the error came from a response. */
  readonly statusCode: number | null;
  /** The request's `X-Correlation-ID`, when there was one. */
  readonly correlationId: string | null;
  /** Whether retrying the same call later may succeed. */
  readonly retryable: boolean;
  /** Structured details (never a secret). */
  readonly details: Record<string, unknown>;

  constructor(message: string, projection?: Partial<ErrorProjection>) {
    super(message);
    this.name = new.target.name;
    const p = projection ?? {};
    this.code = p.code ?? "INTERNAL";
    this.errorCode = p.error_code ?? this.code;
    this.statusCode = p.status_code ?? null;
    this.correlationId = p.correlation_id ?? null;
    this.retryable = p.retryable ?? false;
    this.details = p.details ?? {};
  }
}

/** 401: invalid or expired API key. */
export class AuthenticationError extends AscendError {}
/** 403 that is not a governance denial. */
export class AuthorizationError extends AscendError {}

/** 429 after the retry budget was spent. */
export class RateLimitError extends AscendError {
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterSeconds: number | null;
  constructor(message: string, projection?: Partial<ErrorProjection>) {
    super(message, projection);
    this.retryAfterSeconds = numberOrNull(projection?.retry_after_seconds ?? projection?.details?.retry_after_seconds);
  }
}

/** Bad input, locally (before any network I/O) or from a 400/422. */
export class ValidationError extends AscendError {
  /** The one field named, when there is one. */
  readonly field: string | null;
  /** Field name -> problem. */
  readonly fieldErrors: Record<string, unknown>;
  constructor(message: string, projection?: Partial<ErrorProjection>) {
    super(message, projection);
    const fe = projection?.field_errors ?? projection?.details?.field_errors;
    this.fieldErrors = fe && typeof fe === "object" ? (fe as Record<string, unknown>) : {};
    this.field = projection?.field ?? null;
  }
}

/** A request or a decision wait ran out of time. */
export class TimeoutError extends AscendError {
  /** The timeout that ran out, in seconds, when known. */
  readonly timeoutSeconds: number | null;
  constructor(message: string, projection?: Partial<ErrorProjection>) {
    super(message, projection);
    this.timeoutSeconds = numberOrNull(projection?.timeout_seconds ?? projection?.details?.timeout_seconds);
  }
}

/** The server could not be reached. */
export class ConnectionError extends AscendError {}
/** The circuit breaker refused the call without network I/O. */
export class CircuitBreakerOpen extends ConnectionError {}
/** Invalid client configuration. */
export class ConfigurationError extends AscendError {
  /** The parameter at fault, when known. */
  readonly field: string | null;
  constructor(message: string, projection?: Partial<ErrorProjection>) {
    super(message, projection);
    this.field = projection?.field ?? null;
  }
}
/** The kill switch blocks governed calls. */
export class KillSwitchError extends AscendError {}
/** 5xx after the retry budget was spent, or a malformed success body. */
export class ServerError extends AscendError {}
/** 404. */
export class NotFoundError extends AscendError {}
/** 409. */
export class ConflictError extends AscendError {}
/** A webhook delivery failed verification; `code` says why (`WEBHOOK_NO_MATCHING_SIGNATURE`, ...). */
export class WebhookVerificationError extends AscendError {}

/** A call ended by its `AbortSignal` (code `CANCELLED`); `name` is `"AbortError"` as for `fetch`. */
export class AbortError extends AscendError {
  constructor(message = "The operation was aborted", projection?: Partial<ErrorProjection>) {
    super(message, { code: "CANCELLED", ...projection });
    this.name = "AbortError";
  }
}

type ErrorClass = new (message: string, projection?: Partial<ErrorProjection>) => AscendError;

/** Stable core code -> class. Webhook codes all map to {@link WebhookVerificationError}. */
const BY_CODE: Record<string, ErrorClass> = {
  AUTH_ERROR: AuthenticationError,
  AUTHZ_DENIED: AuthorizationError,
  TIMEOUT: TimeoutError,
  RATE_LIMITED: RateLimitError,
  VALIDATION_ERROR: ValidationError,
  CONNECTION_ERROR: ConnectionError,
  CIRCUIT_OPEN: CircuitBreakerOpen,
  CONFIGURATION_ERROR: ConfigurationError,
  KILL_SWITCH: KillSwitchError,
  SERVER_ERROR: ServerError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  CANCELLED: AbortError,
};

/** The class for a stable code. */
export function errorClassFor(code: string): ErrorClass {
  if (code.startsWith("WEBHOOK_")) return WebhookVerificationError;
  return BY_CODE[code] ?? AscendError;
}

/** Builds the SDK error for a projection. */
export function fromProjection(p: ErrorProjection): AscendError {
  const cls = errorClassFor(p.code);
  return new cls(p.message, p);
}

/** Maps whatever the native addon threw to an SDK error (a non-projection error becomes `INTERNAL`). */
export function fromNative(e: unknown): AscendError {
  if (e instanceof AscendError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith("{")) {
    try {
      const p = JSON.parse(message) as ErrorProjection;
      if (typeof p.code === "string") return fromProjection(p);
    } catch {
      // not a projection; fall through
    }
  }
  return new AscendError(`internal error in the ASCEND SDK: ${message}`, { code: "INTERNAL" });
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
