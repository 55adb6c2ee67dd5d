package ascend.sdk

import ascend.sdk.bridge.normaliseDecision
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The public Kotlin forms that the conformance runner reaches through other entry points: the webhook secret
 *  overloads (D25), host governance, the text fail mode, the constructor threshold and the decision's fields. */
class PublicSurfaceTest {
    private val body = """{"type": "action.approved", "id": "evt_1", "data": {"action_id": 5}}""".toByteArray()

    private fun headers(pairs: List<HeaderPair>): Map<String, String> = pairs.associate { it.name to it.value }

    @Test
    fun aBytesSecretIsOneKeyInVerifyAndSign() {
        val key = "my-long-secret".toByteArray()
        val signed = headers(signWebhook(body, key, msgId = "evt_1"))
        assertEquals("evt_1", verifyWebhook(body, signed, key).id)
        // The same bytes as text are the same Standard Webhooks key; mixed lists rotate.
        assertEquals("evt_1", verifyWebhook(body, signed, listOf("my-long-secret")).id)
        assertEquals("evt_1", verifyWebhook(body, signed, listOf(WebhookSecret.text("old"), WebhookSecret.bytes(key))).id)
        // Forgeries with one byte of the key ('m') or its first byte's decimal text ("109") are refused.
        for (forged in listOf(signWebhook(body, byteArrayOf(0x6d)), signWebhook(body, listOf("109")))) {
            val e = assertThrows<AscendException.WebhookVerification> { verifyWebhook(body, headers(forged), key) }
            assertEquals("WEBHOOK_NO_MATCHING_SIGNATURE", e.code)
        }
    }

    @Test
    fun theJsonDoorSignsVerifiesAndRefusesWhatTypesCannotExpress() {
        val b64 = java.util.Base64.getEncoder().encodeToString(body)
        val headers = signWebhookJson("""{"body": {"${'$'}bytes": "$b64"}, "secret": "s3cret-key", "msg_id": "evt_1",
            "timestamp_unix": 1767225600}""")
        val args = """{"body": {"${'$'}bytes": "$b64"}, "headers": $headers, "secret": ["old", "s3cret-key"],
            "now_unix": 1767225600}"""
        val cache = WebhookReplayCache(10u)
        assertTrue(verifyWebhookJson(args, cache).contains("\"id\":\"evt_1\""))
        assertTrue(verifyWebhookSignatureJson(args).contains("\"scheme\":\"standard_webhooks\""))
        val replay = assertThrows<AscendException.WebhookVerification> { verifyWebhookJson(args, cache) }
        assertEquals("WEBHOOK_REPLAYED", replay.code)
        val text = assertThrows<AscendException.WebhookVerification> {
            verifyWebhookJson(args.replace("{\"${'$'}bytes\": \"$b64\"}", "\"raw text\""))
        }
        assertEquals("WEBHOOK_BODY_NOT_BYTES", text.code)
        val int = assertThrows<AscendException.Validation> { verifyWebhookJson(args.replace("[\"old\", \"s3cret-key\"]", "109")) }
        assertEquals("secret", int.field)
        assertFalse(int.toString().contains("s3cret"))
    }

    @Test
    fun hostGovernanceComesFromTheCore() {
        assertEquals(RiskLevel.CRITICAL, classifyCommand("rm -rf /").riskLevel)
        assertEquals(CommandClassification(RiskLevel.LOW, "echo"), classifyCommand(listOf("echo", "hi")))
        val allowed = normaliseDecision("""{"id": 7, "status": "approved"}""")
        assertTrue(permitsExecution(allowed))
        assertFalse(permitsExecution(allowed.copy(executionAllowed = false)))
        assertFalse(permitsExecution(allowed.copy(decision = Decision.DENIED, executionAllowed = true)))
        assertFalse(permitsExecution(allowed.copy(decision = Decision.PENDING, executionAllowed = true)))
        assertEquals("""{"permits":false}""", governPure("permits_execution", """{"decision": "granted"}"""))
        val bad = assertThrows<AscendException.Validation> { governPure("nope", "{}") }
        assertEquals("function", bad.field)
    }

    @Test
    fun failModeTextAndLocalThresholdAreCheckedByTheCore() {
        assertEquals(FailMode.LOCAL, FailMode.parse(" Local "))
        val e = assertThrows<AscendException.Configuration> { FailMode.parse("sideways") }
        assertEquals("fail_mode", e.field)
        val t = assertThrows<AscendException.Configuration> {
            AscendClient(ClientConfig(apiKey = "k", apiUrl = "http://127.0.0.1:9", localAutoApproveBelow = 150.0))
        }
        assertEquals("local_auto_approve_below", t.field)
    }

    @Test
    fun theDecisionIsTheCoreRecordWithItsDerivedFields() {
        val d = normaliseDecision(
            """{"id": 7, "status": "APPROVED", "risk_score": 35, "cvss_score": 7.5, "mitre_tactic": "TA0001",
               "mcp_governance": {"server": {"nested": [1, 2]}}, "alert_triggered": true, "output_findings_count": 2,
               "correlation_id": "c1", "metadata": {"k": "v"}}""",
        )
        assertEquals(Triple("7", Decision.ALLOWED, 35.0), Triple(d.actionId, d.decision, d.riskScore))
        assertEquals(Pair("approved", "APPROVED"), Pair(d.status, d.rawStatus))
        assertEquals(7.5, d.cvssScore)
        assertEquals("TA0001", d.mitreTactic)
        assertEquals(null, d.nistControl)
        assertEquals("""{"server":{"nested":[1,2]}}""", d.mcpGovernance)
        assertEquals(Triple(true, 2L, "c1"), Triple(d.alertTriggered, d.outputFindingsCount, d.correlationId))
        assertTrue(d.metadata.contains("\"k\":\"v\"") && d.metadata.contains("raw_status"), d.metadata)
        assertTrue(d.toJson().contains("\"cvss_score\":7.5"))
    }
}
