// A consumer of the published types (`tsc --noEmit --strict` in the packaging test): the example.
import { AscendClient, AscendError, classifyCommand, Decision, FailMode, permitsExecution, RateLimitError, RiskLevel, signWebhook, ValidationError, verifyWebhook, type AuthorizationDecision, type WebhookSecrets } from "ascend-sdk";
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
  // D25: a Buffer / Uint8Array secret is one key; an array of text and bytes rotates.
  const rotated: WebhookSecrets = [secret, Buffer.from(secret), new Uint8Array([1, 2, 3])];
  const signed: Record<string, string> = signWebhook(Buffer.from("{}"), Buffer.from(secret), { msgId: "m" });
  verifyWebhook(Buffer.from("{}"), signed, rotated, { toleranceSeconds: 300 });
  // Host governance: the core's classifier and verdict rule (D24).
  const { riskLevel, commandName } = classifyCommand(["rm", "-rf", "/tmp/x"]);
  const risky: boolean = riskLevel === RiskLevel.HIGH || riskLevel === RiskLevel.CRITICAL;
  const mayRun: boolean = permitsExecution(final) && permitsExecution(Decision.ALLOWED);
  console.log(commandName, risky, mayRun);
  const server = await DevServer.start({ denyAt: 98 });
  await server.approve(result.actionId, { comment: "ok" });
  await server.deny(result.actionId, "no");
  const c2: AscendClient = server.client({ agentId: "t" });
  console.log(allowed, fields, governance, final.decision, status.decision, id, event.type, server.url, server.apiKey, server.adminToken, c2);
  await server.close();
  await client.close();
}
