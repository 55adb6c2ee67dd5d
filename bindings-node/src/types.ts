/**
 * Result types. Every typed result is the core's projection with its top-level keys camelCased; values inside
 * (`raw`, `mcpGovernance`, `modelGovernance`, `metadata`, `data`, ...) are exactly what the server sent.
 */
import type { AscendError } from "./errors";
import type { Decision, RiskLevel } from "./enums";

/** A governance decision (PROTOCOL §6.2). */
export interface AuthorizationDecision {
  actionId: string;
  decision: Decision;
  /** Derived status (`approved` / `denied` / `pending`, ...). */
  status: string;
  riskScore: number | null;
  riskLevel: RiskLevel | null;
  reason: string | null;
  cvssScore: number | null;
  mitreTactic: string | null;
  nistControl: string | null;
  mcpGovernance: Record<string, unknown> | null;
  modelGovernance: Record<string, unknown> | null;
  correlationId: string | null;
  metadata: Record<string, unknown> | null;
  /** The whole response object, as the server sent it. */
  raw: Record<string, unknown>;
  [key: string]: unknown;
}

/** One item of `evaluateActions`, in input order (D15). */
export interface BulkItemResult {
  actionType: string;
  resource: string;
  decision: AuthorizationDecision | null;
  /** A typed error object (never a string). */
  error: AscendError | null;
  succeeded: boolean;
}

/** `evaluateActions` result. */
export interface BulkEvaluationResult {
  total: number;
  succeeded: number;
  failed: number;
  results: BulkItemResult[];
}

/** A configured webhook. */
export interface Webhook {
  webhookId: string;
  url: string;
  events: string[];
  [key: string]: unknown;
}

/** A verified webhook event. */
export interface WebhookEvent {
  id: string | null;
  type: string;
  kind: string;
  timestamp: string | null;
  /** The event's data, as the sender wrote it. */
  data: unknown;
  scheme: string;
  signedAtUnix: number;
  actionId: string | null;
  decisionStatus: string | null;
}

/** Records of the other endpoints: the core's projection, top-level keys camelCased. */
export interface WebhookTestResult {
  [key: string]: unknown;
}
export interface AgentHealthStatus {
  [key: string]: unknown;
}
export interface ActionDetails {
  [key: string]: unknown;
}
export interface PolicyEvaluationResult {
  [key: string]: unknown;
}
export interface ResourceClassification {
  [key: string]: unknown;
}
export interface AuditLogResponse {
  [key: string]: unknown;
}
export interface KillSwitchStatus {
  [key: string]: unknown;
}
export interface ConnectionTest {
  [key: string]: unknown;
}
