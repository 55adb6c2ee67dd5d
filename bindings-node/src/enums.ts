/** Wire enums, as string constants (`Decision.ALLOWED === "allowed"`), each with a type of its values. */

/** A governance decision. */
export const Decision = {
  ALLOWED: "allowed",
  DENIED: "denied",
  PENDING: "pending",
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** What the client does when the platform cannot be reached (DECISIONS D4, D17). */
export const FailMode = {
  CLOSED: "closed",
  OPEN: "open",
  LOCAL: "local",
} as const;
export type FailMode = (typeof FailMode)[keyof typeof FailMode];

/** Risk level of a decision or a pre-score. */
export const RiskLevel = {
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
  CRITICAL: "critical",
} as const;
export type RiskLevel = (typeof RiskLevel)[keyof typeof RiskLevel];

/** Webhook event names accepted by `configureWebhook` (DECISIONS D12). */
export const WebhookEventName = {
  ACTION_PENDING: "action.pending",
  ACTION_APPROVED: "action.approved",
  ACTION_DENIED: "action.denied",
  AGENT_BLOCKED: "agent.blocked",
  POLICY_VIOLATION: "policy.violation",
  AGENT_TRUST_CHANGED: "agent.trust_changed",
} as const;
export type WebhookEventName = (typeof WebhookEventName)[keyof typeof WebhookEventName];
