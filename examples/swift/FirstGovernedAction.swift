// The first guide ("Submit your first governed action") in Swift, over the generated package of `make uniffi`
// (bindings-uniffi/swift). Syntax-checked with tree-sitter-swift in `make test`; not compiled on our machines
// (no Swift toolchain there). Run it against `ascend-dev serve` with ASCEND_API_URL and ASCEND_API_KEY set.
import Ascend
import Foundation

@main
struct FirstGovernedAction {
    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        let client = try AscendClient(config: ClientConfig(
            apiKey: env["ASCEND_API_KEY"],
            apiUrl: env["ASCEND_API_URL"],
            agentId: "finance-bot",
            agentName: "Finance Bot",
            failMode: .closed
        ))

        // 1. Submit an action
        let result = try await client.evaluateAction(request: ActionRequest(
            actionType: "database_write",
            resource: "customer_financial_records",
            resourceId: "acct-12345",
            context: #"{"environment": "production", "data_sensitivity": "high_sensitivity"}"#,
            waitForDecision: false
        ))
        print("Decision: \(result.decision), risk \(String(describing: result.riskScore))")
        print("CVSS \(String(describing: result.cvssScore)), MITRE \(result.mitreTactic ?? "-"), NIST \(result.nistControl ?? "-")")

        // 2-3. Handle each decision
        switch result.decision {
        case .allowed, .autoApproved, .executed:
            executeDatabaseWrite()
        case .pending:
            print("Queued for review. Action ID: \(result.actionId)")
            let final = try await client.waitForDecision(actionId: result.actionId, timeoutMs: 300_000, pollIntervalMs: 5_000)
            if final.decision == .allowed {
                executeDatabaseWrite()
            } else {
                print("Not approved: \(final.reason ?? "no reason")")
            }
        case .denied:
            print("Action denied: \(result.reason ?? "no reason")")
        }

        // 4. Check action status
        let status = try await client.getActionStatus(actionId: result.actionId)
        print("Current decision: \(status.decision)")

        // 5-6. MCP and model governance
        let mcp = try await client.evaluateAction(request: ActionRequest(
            actionType: "tool_call", resource: "market_data", mcpServerName: "bloomberg-mcp", waitForDecision: false
        ))
        print("MCP governance: \(mcp.mcpGovernance ?? "{}")")
        let model = try await client.evaluateAction(request: ActionRequest(
            actionType: "model_inference", resource: "underwriting_pipeline", modelId: "llama-3-fine-tuned",
            waitForDecision: false
        ))
        print("Model governance: \(model.modelGovernance ?? "{}")")

        // 7. Error handling
        do {
            _ = try await client.evaluateAction(request: ActionRequest(actionType: "query", resource: "customer_db"))
        } catch AscendError.Authentication(let code, _, let statusCode, _, _) {
            print("Invalid or expired API key (\(code), \(String(describing: statusCode)))")
        } catch AscendError.RateLimit(_, _, _, _, _, let retryAfterSeconds) {
            print("Back off for \(retryAfterSeconds ?? 60) s")
        } catch AscendError.Validation(_, let message, _, _, _, let field, _) {
            print("Fix request (\(field ?? "?")): \(message)")
        }

        // 8. Webhooks
        let webhook = try await client.configureWebhook(config: WebhookConfig(
            url: "https://your-app.example.com/ascend/events",
            events: ["action.pending", "action.approved", "action.denied"],
            secret: "your_webhook_secret"
        ))
        print("Webhook ID: \(webhook.webhookId)")

        // Cancellation: a cancelled task cancels the native wait.
        let waiting = Task { try await client.waitForDecision(actionId: result.actionId, timeoutMs: 60_000, pollIntervalMs: 2_000) }
        waiting.cancel()
    }

    static func executeDatabaseWrite() {
        print("executing the database write")
    }
}
