/**
 * `ascend-sdk`: the ASCEND governed-action client for Node.js, over the same Rust core as the Python SDK.
 *
 * ```ts
 * import { AscendClient, Decision, FailMode } from "ascend-sdk";
 * ```
 */
export { AscendClient, METHODS, type AscendClientOptions, type ClientConfig } from "./client";
export * from "./enums";
export * from "./errors";
export type { Logger } from "./logging";
export type { CallOptions, MethodSpec, RequestOptions } from "./methods";
export type * from "./methods.generated";
export { prescore, prescoreBatch, cvssScore, type PrescoreInput, type PrescoreOptions, type PreScore, type CvssScore } from "./prescore";
export type * from "./types";
export { ReplayCache, signWebhook, verifyWebhook, verifyWebhookSignature, type HeadersLike, type SignOptions, type VerifyOptions, type WebhookSecret, type WebhookSecrets } from "./webhooks";
export { classifyCommand, permitsExecution, planCommand, type CommandClassification, type CommandPlan, type CommandPolicy } from "./govern";
export { canonicalJson, normaliseDecision, SDK_VERSION } from "./pure";
