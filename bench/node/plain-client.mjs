// Baseline only: a plain JavaScript client that does the same signed submit as ascend-sdk's evaluateAction
// (sorted-key JSON body, HMAC-SHA256 signature, Idempotency-Key, correlation id, API key headers) over undici
// keep-alive, and maps the reply to a decision. No retries, breaker, fail modes, spool or validation.
import { createHmac, randomUUID } from "node:crypto";
import { Pool } from "undici";

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}: ${canonical(value[k])}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

export class PlainClient {
  constructor({ apiUrl, apiKey, agentId, signingSecret }) {
    this.pool = new Pool(apiUrl, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
    Object.assign(this, { apiKey, agentId, signingSecret });
  }

  async evaluateAction({ actionType, resource, context = {} }) {
    const body = canonical({
      agent_id: this.agentId, action_type: actionType, resource, resource_id: null, context, parameters: {},
      description: `${actionType} on ${resource}`, tool_name: resource, environment: "production",
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      "content-type": "application/json", authorization: `Bearer ${this.apiKey}`, "x-api-key": this.apiKey,
      "idempotency-key": randomUUID(), "x-correlation-id": `asc_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      "x-signature": createHmac("sha256", this.signingSecret).update(`${ts}.${body}`).digest("hex"), "x-timestamp": ts,
    };
    const res = await this.pool.request({ path: "/api/v1/actions/submit", method: "POST", headers, body });
    const json = await res.body.json();
    if (res.statusCode >= 400) throw new Error(`HTTP ${res.statusCode}`);
    const status = String(json.decision ?? json.status ?? "").toLowerCase();
    const decision = ["approved", "allowed", "auto_approved"].includes(status) ? "allowed" : ["denied", "rejected", "blocked"].includes(status) ? "denied" : "pending";
    return { actionId: String(json.id ?? json.action_id), decision, riskScore: json.risk_score ?? null, reason: json.reason ?? null };
  }

  close() {
    return this.pool.close();
  }
}
