// The first guide ("Submit your first governed action") in Kotlin, against a local `ascend-dev` server.
//
// Run by the JUnit test GuideTest (bindings-uniffi/kotlin), which starts `ascend-dev serve --deny-at 98` on a free
// loopback port and passes its URL, an API key and the reviewer CLI. Every step checks its expected outcome;
// `runFirstGuide` returns the list of outcomes that did not happen (empty = the guide works).
package ascend.examples

import ascend.sdk.*
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext

/** Where the guide runs: the dev server, its API key, and the reviewer CLI (`ascend-dev`, admin token in env). */
class GuideEnv(val apiUrl: String, val apiKey: String, val devBin: String, val adminToken: String, val spoolPath: String)

suspend fun runFirstGuide(env: GuideEnv, say: (String) -> Unit = ::println): List<String> = coroutineScope {
    val failures = mutableListOf<String>()
    fun expect(ok: Boolean, what: String) {
        say((if (ok) "  ok: " else "  FAILED: ") + what)
        if (!ok) failures.add(what)
    }
    suspend fun reviewer(vararg args: String): String = withContext(Dispatchers.IO) {
        val pb = ProcessBuilder(env.devBin, *args, "--url", env.apiUrl).redirectErrorStream(true)
        pb.environment()["ASCEND_DEV_ADMIN_TOKEN"] = env.adminToken
        val proc = pb.start()
        val out = proc.inputStream.bufferedReader().readText()
        check(proc.waitFor(60, TimeUnit.SECONDS) && proc.exitValue() == 0) { "ascend-dev ${args.joinToString(" ")}: $out" }
        out.trim()
    }

    // A webhook receiver on a free loopback port (http is allowed only for loopback).
    val deliveries = LinkedBlockingQueue<Pair<ByteArray, Map<String, String>>>()
    val receiver = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/ascend/events") { ex ->
            val body = ex.requestBody.readBytes()
            deliveries.add(body to ex.requestHeaders.mapValues { it.value.first() })
            ex.sendResponseHeaders(204, -1)
            ex.close()
        }
        start()
    }
    val hookUrl = "http://127.0.0.1:${receiver.address.port}/ascend/events"
    val secret = "your_webhook_secret"

    // 1. Submit an action
    val client = AscendClient(
        ClientConfig(
            apiKey = env.apiKey, apiUrl = env.apiUrl, agentId = "finance-bot", agentName = "Finance Bot",
            failMode = FailMode.CLOSED, auditSpoolPath = env.spoolPath,
        ),
    )
    val result = client.evaluateAction(
        ActionRequest(
            actionType = "database_write", resource = "customer_financial_records", resourceId = "acct-12345",
            context = """{"environment": "production", "data_sensitivity": "high_sensitivity",
                         "business_justification": "Customer requested account update"}""",
            waitForDecision = false,
        ),
    )
    say("Decision: ${result.decision}, risk ${result.riskScore}/100, CVSS ${result.cvssScore}, " +
        "MITRE ${result.mitreTactic}, NIST ${result.nistControl}")
    expect(result.decision == Decision.PENDING, "a high-risk database write waits for a human (PENDING)")
    expect(result.cvssScore != null && result.mitreTactic != null && result.nistControl != null, "scored with CVSS, MITRE, NIST")

    // 2-3. Handle each decision: a human approves through the CLI while we wait.
    val human = async { delay(1000); reviewer("approve", result.actionId, "--comment", "Verified with the customer by phone") }
    var executed = false
    if (result.decision == Decision.PENDING) {
        val final = client.waitForDecision(result.actionId, timeoutMs = 300_000, pollIntervalMs = 5_000)
        if (final.decision == Decision.ALLOWED) executed = true else say("Not approved: ${final.reason}")
        say("after the human: ${final.decision} (${final.reason})")
    }
    human.await()
    expect(executed, "approved by the human through the CLI -> ALLOWED, the write ran")

    // 4. Check action status
    expect(client.getActionStatus(result.actionId).decision == Decision.ALLOWED, "the status endpoint agrees: ALLOWED")

    // 5. MCP server governance
    // Auto-approved tools skip the thresholds, so only the operator may register them (admin CLI).
    reviewer("mcp", "add", "bloomberg-mcp", "--display-name", "Bloomberg market data", "--auto-approve", "market_data")
    val mcp = client.evaluateAction(
        ActionRequest(actionType = "tool_call", resource = "market_data", mcpServerName = "bloomberg-mcp", waitForDecision = false),
    )
    val mcpGov = mcp.mcpGovernance?.let { it.contains("\"server_registered\":true") } ?: false
    expect(mcpGov && mcp.decision == Decision.ALLOWED, "a registered MCP server's auto-approved tool is ALLOWED")
    val shadow = client.evaluateAction(
        ActionRequest(actionType = "tool_call", resource = "market_data", mcpServerName = "shadow-mcp", waitForDecision = false),
    )
    expect(shadow.decision == Decision.DENIED, "an unregistered MCP server is refused (DENIED)")

    // 6. Model registry enforcement
    reviewer("models", "add", "llama-3-fine-tuned", "--status", "approved", "--name", "Llama 3 (fine-tuned)")
    val model = client.evaluateAction(
        ActionRequest(actionType = "model_inference", resource = "underwriting_pipeline", modelId = "llama-3-fine-tuned", waitForDecision = false),
    )
    say("model governance: ${model.modelGovernance}")
    expect(model.modelGovernance?.contains("\"compliance_status\":\"approved\"") == true, "the registered model is compliant")

    // 7. Error handling: a sealed exception per error kind.
    val wrongKey = AscendClient(ClientConfig(apiKey = "owkai_not_a_real_key", apiUrl = env.apiUrl, agentId = "finance-bot",
        maxRetries = 0, auditSpoolPath = env.spoolPath))
    try {
        wrongKey.evaluateAction(ActionRequest(actionType = "query", resource = "customer_db", waitForDecision = false))
        expect(false, "a wrong API key raises AscendException.Authentication")
    } catch (e: AscendException.Authentication) {
        expect(e.statusCode == 401 && e.code == "AUTH_ERROR", "a wrong API key -> Authentication (${e.code}, ${e.statusCode})")
    } catch (e: AscendException.RateLimit) {
        expect(false, "rate limited (retry after ${e.retryAfterSeconds} s)")
    } finally {
        wrongKey.close()
    }

    // 8. Webhooks: subscribe, trigger a denial (the server denies scores >= 98), verify the signed delivery.
    val hook = client.configureWebhook(
        WebhookConfig(url = hookUrl, events = listOf("action.pending", "action.approved", "action.denied"), secret = secret),
    )
    expect(hook.webhookId.isNotEmpty(), "webhook configured (${hook.webhookId})")
    val denied = client.evaluateAction(
        ActionRequest(
            actionType = "system_operation", resource = "production_cluster", description = "Restart the production payment cluster",
            context = """{"environment": "production"}""", riskIndicators = """{"compliance_flags": ["SOX change freeze"]}""",
            waitForDecision = false,
        ),
    )
    expect(denied.decision == Decision.DENIED, "the critical system operation is DENIED (risk ${denied.riskScore})")
    var verified: WebhookEvent? = null
    val deadline = System.nanoTime() + 20_000_000_000L
    while (verified == null && System.nanoTime() < deadline) {
        val (body, headers) = withContext(Dispatchers.IO) { deliveries.poll(200, TimeUnit.MILLISECONDS) } ?: continue
        val event = verifyWebhook(body, headers, listOf(secret), toleranceSeconds = 300)
        if (event.eventType == "action.denied" && event.data.contains(denied.actionId)) {
            verified = event
            try {
                verifyWebhook(body + ' '.code.toByte(), headers, listOf(secret))
                expect(false, "a tampered delivery is rejected")
            } catch (e: AscendException.WebhookVerification) {
                expect(true, "a tampered delivery is rejected (${e.code})")
            }
        }
    }
    expect(verified != null, "the action.denied webhook arrived and its signature verified")

    client.shutdown()
    client.close()
    receiver.stop(0)
    failures
}
