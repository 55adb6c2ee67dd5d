// Shared by the framework adapter tests (integrations-*.test.mjs): the dev server's view of an action, waiting for a
// pending action to show up (for a reviewer to approve it), and a closed loopback port for the unreachable cases.
import { createServer } from "node:net";

/** A dev server that allows `lookup reports` (35), holds `refund customer_financial_records` (85) for a reviewer and
 * denies `execute_command root_shell` (95). */
export const DEV_SERVER_OPTIONS = { denyAt: 90 };

/** The dev server's full record of an action (`GET /api/v1/actions/{id}`: the request as submitted, the audit trail). */
export async function actionRecord(server, actionId) {
  const res = await fetch(`${server.url}/api/v1/actions/${actionId}`, { headers: { "X-API-Key": server.apiKey } });
  if (!res.ok) throw new Error(`action ${actionId}: HTTP ${res.status}`);
  return res.json();
}

/** Every action the dev server recorded for `agentId`, oldest first. */
export async function actionsOf(client, agentId) {
  const page = await client.listActions({ limit: 500 });
  return page.actions.filter((a) => a.agent_id === agentId).sort((a, b) => a.id - b.id);
}

/** Waits (at most `timeoutMs`) until `agentId` has a pending action; returns its id. */
export async function pendingActionOf(client, agentId, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = (await actionsOf(client, agentId)).filter((a) => a.decision === "pending");
    if (pending.length > 0) return String(pending[pending.length - 1].id);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no pending action of ${agentId} within ${timeoutMs} ms`);
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** What the core's flow sent as `mcp_server_name` / `description`: the request's own top-level field. */
export function sentExtra(request, name) {
  return request[name];
}
