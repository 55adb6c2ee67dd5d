package ascend.sdk

import com.google.gson.Gson
import com.google.gson.GsonBuilder
import com.google.gson.JsonElement
import com.google.gson.JsonParser
import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.TimeUnit

/** Paths the tests use (system properties set by the pom / uniffi.mk). */
object Paths0 {
    val repo: Path = Paths.get(System.getProperty("ascend.repo") ?: "../..").toAbsolutePath().normalize()
    val cargoTarget: Path = Paths.get(System.getProperty("ascend.cargoTarget") ?: repo.resolve("target").toString())
        .toAbsolutePath().normalize()
    val conformance: Path = repo.resolve("tests/conformance")

    fun bin(name: String, property: String): Path {
        val explicit = System.getProperty(property)
        val path = if (explicit != null) Paths.get(explicit) else cargoTarget.resolve("debug").resolve(name)
        check(Files.isExecutable(path)) { "$path is missing: run `make uniffi-native` (cargo build -p ...)" }
        return path
    }
}

/** JSON text <-> plain Kotlin values (Map, List, String, Double, Boolean, null). */
object J {
    private val gson: Gson = GsonBuilder().serializeNulls().disableHtmlEscaping().create()

    fun parse(text: String): Any? = toPlain(JsonParser.parseString(text))

    fun write(value: Any?): String = gson.toJson(value)

    @Suppress("UNCHECKED_CAST")
    fun obj(text: String): Map<String, Any?> = parse(text) as Map<String, Any?>

    /** Integers stay integers (`Long`), so `12345` and `12345.0` are told apart as in JSON text. */
    private fun number(text: String): Number =
        if (text.any { it == '.' || it == 'e' || it == 'E' }) text.toDouble() else text.toLongOrNull() ?: text.toDouble()

    fun toPlain(e: JsonElement?): Any? = when {
        e == null || e.isJsonNull -> null
        e.isJsonObject -> e.asJsonObject.entrySet().associate { (k, v) -> k to toPlain(v) }.let { LinkedHashMap(it) }
        e.isJsonArray -> e.asJsonArray.map { toPlain(it) }
        e.asJsonPrimitive.isBoolean -> e.asBoolean
        e.asJsonPrimitive.isNumber -> number(e.asString)
        else -> e.asString
    }
}

/** One `ascend-mock-server` process (tests/mock-server), scripted and inspected through `/__mock/`. */
class MockServer : AutoCloseable {
    private val proc: Process = ProcessBuilder(Paths0.bin("ascend-mock-server", "ascend.mockServer").toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start()
    val url: String
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        val line = BufferedReader(InputStreamReader(proc.inputStream)).readLine() ?: ""
        val prefix = "ascend-mock-server listening on "
        check(line.startsWith(prefix)) { proc.destroyForcibly(); "mock server did not start: $line" }
        url = line.removePrefix(prefix).trim()
    }

    private fun control(method: String, path: String, body: Any? = null): Any? {
        val req = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(J.write(body)))
            .build()
        val resp = http.send(req, HttpResponse.BodyHandlers.ofString())
        check(resp.statusCode() == 200) { "mock control $path: ${resp.statusCode()} ${resp.body()}" }
        return J.parse(resp.body())
    }

    fun reset() { control("POST", "/__mock/reset") }

    fun script(entries: Any?) { control("POST", "/__mock/script", mapOf("entries" to entries)) }

    /** (recorded requests, number of unmatched requests). */
    @Suppress("UNCHECKED_CAST")
    fun requests(): Pair<List<Map<String, Any?>>, Int> {
        val r = control("GET", "/__mock/requests") as Map<String, Any?>
        return (r["requests"] as List<Map<String, Any?>>) to (r["unmatched"] as Number).toInt()
    }

    /** The server's verdict on a case's `expect_requests`, leftover script entries and sleeps (`POST /__mock/verify`). */
    @Suppress("UNCHECKED_CAST")
    fun verify(expectations: Map<String, Any?>): Map<String, Any?> =
        control("POST", "/__mock/verify", expectations) as Map<String, Any?>

    override fun close() {
        proc.destroy()
        if (!proc.waitFor(5, TimeUnit.SECONDS)) proc.destroyForcibly()
    }
}

/** Subset matching shared by every conformance runner (core/tests/conformance/common.rs). */
object Match {
    object Missing

    fun subset(expected: Any?, actual: Any?, path: String) {
        if (expected is Map<*, *>) {
            when {
                "\$absent" in expected -> { check(actual == null || actual == Missing) { "$path: expected absent, got $actual" }; return }
                "\$any" in expected -> { check(actual != Missing && actual != null) { "$path: expected present, not null: $actual" }; return }
                "\$regex" in expected -> {
                    check(actual is String && Regex(expected["\$regex"] as String).containsMatchIn(actual)) {
                        "$path: $actual does not match ${expected["\$regex"]}"
                    }
                    return
                }
                "\$len" in expected -> {
                    val n = (expected["\$len"] as Number).toInt()
                    val len = when (actual) { is List<*> -> actual.size; is String -> actual.length; is Map<*, *> -> actual.size; else -> -1 }
                    check(len == n) { "$path: length of $actual != $n" }
                    return
                }
                "\$approx" in expected -> {
                    val tol = (expected["\$tol"] as Number?)?.toDouble() ?: 1e-9
                    check(actual is Number && Math.abs(actual.toDouble() - (expected["\$approx"] as Number).toDouble()) <= tol) {
                        "$path: $actual not within $tol of ${expected["\$approx"]}"
                    }
                    return
                }
            }
        }
        check(actual != Missing) { "$path: missing (expected $expected)" }
        when {
            expected is Map<*, *> && actual is Map<*, *> ->
                for ((k, v) in expected) subset(v, if (actual.containsKey(k)) actual[k] else Missing, "$path.$k")
            expected is List<*> && actual is List<*> -> {
                check(expected.size == actual.size) { "$path: array length ${actual.size} != ${expected.size} ($actual)" }
                expected.indices.forEach { subset(expected[it], actual[it], "$path[$it]") }
            }
            expected is Number && actual is Number -> {
                val (e, a) = expected.toDouble() to actual.toDouble()
                check(Math.abs(e - a) <= 1e-9 * maxOf(Math.abs(e), 1.0)) { "$path: $actual != $expected" }
            }
            else -> check(expected == actual) { "$path: got $actual, expected $expected" }
        }
    }
}

/** The core's JSON projection keys of a typed decision, built from the Kotlin record's fields. */
object Project {
    private fun json(text: String?): Any? = text?.let { J.parse(it) }

    fun decision(d: AuthorizationDecision): Map<String, Any?> = linkedMapOf(
        "action_id" to d.actionId,
        "decision" to d.decision.name.lowercase(),
        "risk_score" to d.riskScore,
        "risk_level" to d.riskLevel?.name?.lowercase(),
        "reason" to d.reason,
        "policy_violations" to d.policyViolations,
        "conditions" to d.conditions,
        "approval_request_id" to d.approvalRequestId,
        "required_approvers" to d.requiredApprovers,
        "expires_at" to d.expiresAt,
        "approved_by" to d.approvedBy,
        "approved_at" to d.approvedAt,
        "comments" to d.comments,
        "execution_allowed" to d.executionAllowed,
        "metadata" to json(d.metadata),
        "correlation_id" to d.correlationId,
        "cvss_score" to d.cvssScore,
        "cvss_severity" to d.cvssSeverity,
        "cvss_vector" to d.cvssVector,
        "mitre_tactic" to d.mitreTactic,
        "mitre_technique" to d.mitreTechnique,
        "nist_control" to d.nistControl,
        "nist_description" to d.nistDescription,
        "code_analysis" to json(d.codeAnalysis),
        "prompt_security" to json(d.promptSecurity),
        "mcp_governance" to json(d.mcpGovernance),
        "model_governance" to json(d.modelGovernance),
        "processing_time_ms" to d.processingTimeMs,
        "alert_triggered" to d.alertTriggered,
        "alert_id" to d.alertId,
        "workflow_id" to d.workflowId,
        "policy_decision" to json(d.policyDecision),
        "matched_policies" to json(d.matchedPolicies),
        "matched_smart_rules" to json(d.matchedSmartRules),
        "output_scan_result" to json(d.outputScanResult),
        "output_findings_count" to d.outputFindingsCount,
        "thresholds" to json(d.thresholds),
        "enforcement_decision" to d.enforcementDecision,
        "enforcement_decision_source" to d.enforcementDecisionSource,
        "risk_score_source" to d.riskScoreSource,
        "shadow_enforcement_decision" to d.shadowEnforcementDecision,
        "shadow_enforcement_decision_source" to d.shadowEnforcementDecisionSource,
        "status" to d.status,
        "raw_status" to d.rawStatus,
        "risk_level_raw" to d.riskLevelRaw,
        "raw" to json(d.raw),
    )

    /** The Python exception class name (the class every runner checks) of a Kotlin exception variant. */
    fun errorClass(e: AscendException): String = when (e) {
        is AscendException.Authentication -> "AuthenticationError"
        is AscendException.Authorization -> "AuthorizationError"
        is AscendException.Timeout -> "TimeoutError"
        is AscendException.RateLimit -> "RateLimitError"
        is AscendException.Validation -> "ValidationError"
        is AscendException.Connection -> "ConnectionError"
        is AscendException.CircuitOpen -> "CircuitBreakerOpen"
        is AscendException.Configuration -> "ConfigurationError"
        is AscendException.KillSwitch -> "KillSwitchError"
        is AscendException.Server -> "ServerError"
        is AscendException.NotFound -> "NotFoundError"
        is AscendException.Conflict -> "ConflictError"
        is AscendException.Http, is AscendException.Cancelled, is AscendException.Internal -> "OWKAIError"
        is AscendException.WebhookVerification -> "WebhookVerificationError"
    }

    fun error(e: AscendException): Map<String, Any?> = mapOf(
        "code" to e.code, "class" to errorClass(e), "status_code" to e.statusCode?.toLong(),
        "details" to J.parse(e.details),
    )
}
