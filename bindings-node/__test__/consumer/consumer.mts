// A consumer of the published types (`tsc --noEmit --strict` in the packaging test): the example.
import { AscendClient, AscendError, Decision, FailMode, RateLimitError, ValidationError, verifyWebhook, type AuthorizationDecision } from "ascend-sdk";
import { DevServer } from "ascend-sdk/testing";

export async function main(apiKey: string, apiUrl: string, signal: AbortSignal, url: string, secret: string): Promise<void> {
  const client = new AscendClient({ apiKey, apiUrl, agentId: "finance-bot", agentName: "Finance Bot", failMode: FailMode.CLOSED, timeoutMs: 5000 });
  const result: AuthorizationDecision = await client.evaluateAction({
    actionType: "database_write", resource: "customer_financial_records", resourceId: "acct-12345",
    context: { environment: "production" }, waitForDecision: false,
  });
  const allowed: boolean = result.decision === Decision.ALLOWED;
  const fields: [string, number | null, number | null, string | null, string | null, string | null] = [result.actionId, result.riskScore, result.cvssScore, result.mitreTactic, result.nistControl, result.reason];
  const governance: [Record<string, unknown> | null, Record<string, unknown> | null] = [result.mcpGovernance, result.modelGovernance];
  const final = await client.waitForDecision(result.actionId, { timeoutMs: 300_000, pollIntervalMs: 5000, signal });
  const status = await client.getActionStatus(result.actionId);
  const webhook = await client.configureWebhook({ url, events: ["action.pending", "action.denied"], secret });
  const id: string = webhook.webhookId;
  await client.registerMcpServer({ serverName: "files", displayName: "Files", serverUrl: "http://127.0.0.1:1" });
  await client.activateMcpServer("files");
  try {
    await client.getActionStatus("1");
  } catch (e) {
    if (e instanceof RateLimitError) console.log(e.retryAfterSeconds);
    else if (e instanceof ValidationError) console.log(e.field, e.fieldErrors);
    else if (e instanceof AscendError) console.log(e.code, e.statusCode, e.correlationId, e.retryable, e.details);
  }
  const event = verifyWebhook(new Uint8Array(), { "webhook-id": "x" }, [secret]);
  const server = await DevServer.start({ denyAt: 98 });
  await server.approve(result.actionId, { comment: "ok" });
  await server.deny(result.actionId, "no");
  const c2: AscendClient = server.client({ agentId: "t" });
  console.log(allowed, fields, governance, final.decision, status.decision, id, event.type, server.url, server.apiKey, server.adminToken, c2);
  await server.close();
  await client.close();
}
