// A consumer of the adapters' published types with the frameworks' own types (`tsc --noEmit --strict` in
// integrations-example.test.mjs): the wrapped server and tools keep their framework types.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { generateText, stepCountIs, tool, type LanguageModel } from "ai";
import { z } from "zod";
import { AscendClient, AuthorizationError } from "ascend-sdk";
import { governMcpServer, type McpGovernanceOptions } from "ascend-sdk/integrations/mcp";
import { governTools, governedTool, type AiGovernanceOptions } from "ascend-sdk/integrations/ai";

export async function main(client: AscendClient, model: LanguageModel): Promise<string> {
  const options: McpGovernanceOptions = { client, mcpServerName: "billing-mcp", onDenied: "return", tools: { refund: { actionType: "payment.refund", resource: (a) => `customer:${String(a.customerId)}` } } };
  const server: McpServer = governMcpServer(new McpServer({ name: "billing-mcp", version: "1.0.0" }), options);
  server.registerTool("refund", { inputSchema: { customerId: z.string() } }, async ({ customerId }) => ({ content: [{ type: "text", text: customerId }] }));

  const aiOptions: AiGovernanceOptions = { client: () => client, name: "refund", onDenied: "raise", onPending: "return", approvalTimeout: 60, approvalPollIntervalMs: 500 };
  const refund = governedTool(tool({ description: "Refund", inputSchema: z.object({ customerId: z.string() }), execute: async ({ customerId }) => ({ refunded: customerId }) }), aiOptions);
  const tools = governTools({ refund, lookup: tool({ inputSchema: z.object({ q: z.string() }), execute: async ({ q }) => q.length }) }, { tools: { lookup: { resource: "reports" } } });
  const result = await generateText({ model, tools, prompt: "go", stopWhen: stepCountIs(2) });
  for (const part of result.steps.flatMap((s) => s.content)) {
    if (part.type === "tool-error" && part.error instanceof AuthorizationError) return part.error.errorCode;
  }
  return result.text;
}
