package ascend.sdk

import ascend.sdk.bridge.canonicalJson
import ascend.sdk.bridge.normaliseDecision
import java.nio.file.Files
import java.nio.file.Path
import java.util.Base64
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance

/**
 * The conformance runner for Kotlin: EVERY case of tests/conformance/index.json through the Kotlin API, with the
 * semantics of core/tests/conformance (and bindings-python/tests/test_conformance.py):
 *
 * - scripted cases run against one `ascend-mock-server` (reset per case); the client is built from the case's
 *   `client` and `env` as a typed [ClientConfig] through `AscendClient.newForTests` (env replaces the process
 *   environment; time is a [TestClock] unless `clock.real`);
 * - `evaluate_action` goes through the typed `evaluateAction(ActionRequest)` whenever its arguments fit the record,
 *   and the result is projected from the Kotlin record's fields; every other call goes through the client's method
 *   of that name in its JSON form (`invoke`), errors are checked as [AscendException] variants;
 * - pure suites call the package's pure functions; a webhooks case whose arguments Kotlin's types cannot express
 *   (a text or parsed body where the API takes `ByteArray`, a secret that is an Int, a Map, null, ... where it takes
 *   `List<WebhookSecret>`) runs through the package's JSON door (`verifyWebhookJson`, `verifyWebhookSignatureJson`,
 *   `signWebhookJson`: the core's `webhook::json`), which is how such a value reaches the core from Kotlin.
 *
 * Every case runs: there is no skip list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
    companion object {
        const val DEFAULT_START_UNIX = 1_767_225_600.0
        /** Case keys the mock server judges (`POST /__mock/verify`). */
        val VERIFIED = listOf("expect_requests", "allow_unused", "expect_sleeps", "expect_sleep_total")
        val PURE_SUITES = setOf("canonical", "normalise", "cvss", "prescore", "webhooks")

        /** Suites whose `input` cases are pure (the core's host-governance functions); their scripted cases run
         *  against the mock server. */
        val GOVERN_SUITES = setOf("govern", "classify")

        /** Verify arguments the JSON door takes from a case's `input` as they are (the headers come separately). */
        val VERIFY_KEYS = listOf("tolerance_seconds", "now_unix", "scheme")

        @Suppress("UNCHECKED_CAST")
        val CASE_FILES: List<String> =
            (J.obj(Files.readString(Paths0.conformance.resolve("index.json")))["cases"] as List<String>)

        fun load(rel: String): Map<String, Any?> = J.obj(Files.readString(Paths0.conformance.resolve(rel)))
    }

    private val mock by lazy { MockServer() }
    private val tmp: Path = Files.createTempDirectory("ascend-kt-conformance")

    @AfterAll
    fun stop() {
        mock.close()
        tmp.toFile().deleteRecursively()
    }

    @TestFactory
    fun cases(): List<DynamicTest> = CASE_FILES.map { rel ->
        val case = load(rel)
        val suite = rel.split("/")[1]
        DynamicTest.dynamicTest("$suite::${case["id"]}") {
            val pure = suite in PURE_SUITES || (suite in GOVERN_SUITES && "input" in case)
            if (pure) Pure(tmp).run(suite, case) else runScripted(case)
        }
    }

    @Test
    fun everyCaseIsListed() {
        val onDisk = Files.walk(Paths0.conformance.resolve("cases")).use { s ->
            s.filter { it.toString().endsWith(".json") }.map { Paths0.conformance.relativize(it).toString() }.sorted().toList()
        }
        assertEquals(onDisk, CASE_FILES.sorted())
    }

    // -- scripted cases ---------------------------------------------------------------------------------------

    @Suppress("UNCHECKED_CAST")
    private fun runScripted(case: Map<String, Any?>) {
        mock.reset()
        case["server"]?.let { mock.script(it) }
        val runner = Scripted(case, mock.url, tmp)
        try {
            for ((i, step) in (case["steps"] as List<Map<String, Any?>>).withIndex()) {
                (step["advance_clock"] as Number?)?.toDouble()?.let { runner.advance(it) }
                val expect = (step["expect"] as Map<String, Any?>?) ?: emptyMap()
                val outcome: Result<Any?> = try {
                    Result.success(runner.step(step))
                } catch (e: AscendException) {
                    Result.failure(e)
                }
                val where = "step $i (${step["call"]})"
                when {
                    "result" in expect -> {
                        val r = outcome.getOrElse { throw AssertionError("$where: expected a result, got $it ${(it as AscendException).details}", it) }
                        Match.subset(expect["result"], r, "$where result")
                    }
                    outcome.isFailure && "error" !in expect ->
                        throw AssertionError("$where: a step without expect failed: ${outcome.exceptionOrNull()}")
                    "error" in expect -> {
                        val e = outcome.exceptionOrNull() ?: throw AssertionError("$where: expected an error, got ${outcome.getOrNull()}")
                        Match.subset(expect["error"], Project.error(e as AscendException), "$where error ($e)")
                    }
                }
            }
        } finally {
            runner.close()
        }
        // The mock server judges the requests, leftover script entries and sleeps; this runner reports its verdict.
        val expectations = VERIFIED.filter { it in case }.associateWith { case[it] } + mapOf("sleeps" to runner.sleeps())
        val verdict = mock.verify(expectations)
        assertTrue(verdict["ok"] == true, "mock server: " + (verdict["mismatches"] as List<Any?>?)?.joinToString("; "))
    }

    /** State of one scripted case: the current client, every client made, the clock and spool directories. */
    @Suppress("UNCHECKED_CAST")
    private class Scripted(val case: Map<String, Any?>, val url: String, val tmp: Path) {
        val clockSpec = (case["clock"] as Map<String, Any?>?) ?: emptyMap()
        val clock: TestClock? =
            if (clockSpec["real"] == true) null else TestClock((clockSpec["start_unix"] as Number?)?.toDouble() ?: DEFAULT_START_UNIX)
        val env: Map<String, String> = ((case["env"] as Map<String, Any?>?) ?: emptyMap()).mapValues { (it.value as? String) ?: "" }
        var client: AscendClient? = null
        val clients = mutableListOf<AscendClient>()
        var spoolDir: Path? = null

        fun makeClient(overrides: Map<String, Any?>): AscendClient {
            val c = ((case["client"] as Map<String, Any?>?) ?: emptyMap()) + overrides
            fun str(k: String): String? = c[k]?.let { it as? String ?: throw TypeMismatch(k) }
            fun num(k: String): Double? = c[k]?.let { (it as? Number)?.toDouble() ?: throw TypeMismatch(k) }
            fun int(k: String): Long? = num(k)?.let { if (it % 1.0 == 0.0) it.toLong() else throw TypeMismatch(k) }
            fun bool(k: String): Boolean? = c[k]?.let { it as? Boolean ?: throw TypeMismatch(k) }
            val spool = if (c["use_spool"] == true) {
                spoolDir ?: Files.createTempDirectory(tmp, "spool").also { spoolDir = it }
            } else Files.createTempDirectory(tmp, "spool")
            val rules = c["prescore_rules"]?.let { r ->
                Files.createTempDirectory(tmp, "rules").resolve("rules.json").also { Files.writeString(it, J.write(r)) }
            }
            val config = ClientConfig(
                apiKey = if ("api_key" in c) str("api_key") else "test-api-key-0001",
                agentId = if ("agent_id" in c) str("agent_id") else "test-agent",
                apiUrl = if ("api_url" in c) str("api_url") else url,
                agentName = str("agent_name"),
                environment = str("environment"),
                // A host that reads its configuration as text parses the fail mode with the core's rule.
                failMode = str("fail_mode")?.let { FailMode.parse(it) },
                timeout = num("timeout"),
                maxRetries = int("max_retries"),
                enableCircuitBreaker = bool("enable_circuit_breaker"),
                circuitBreakerThreshold = int("circuit_breaker_threshold"),
                circuitBreakerTimeout = num("circuit_breaker_timeout"),
                signingSecret = str("signing_secret"),
                auditSpoolPath = spool.resolve("spool.jsonl").toString(),
                prescoreRulesPath = rules?.toString(),
                localAutoApproveBelow = num("local_auto_approve_below"),
            )
            return AscendClient.newForTests(config, env, clock).also { clients.add(it) }
        }

        fun current(): AscendClient = client ?: makeClient(emptyMap()).also { client = it }

        fun step(step: Map<String, Any?>): Any? = runBlocking {
            val call = step["call"] as String
            val args = (step["args"] as Map<String, Any?>?) ?: emptyMap()
            val cancelAfter = (step["cancel_after_ms"] as Number?)?.toLong()
            if (cancelAfter != null) {
                // Kotlin's idiom: the call in a coroutine, cancelled after `cancel_after_ms`; the coroutine's
                // CancellationException is what a caller sees, reported here as the case's CANCELLED error.
                val job = async(Dispatchers.Default) { call(call, args) }
                delay(cancelAfter)
                job.cancel()
                return@runBlocking try {
                    job.await()
                } catch (e: CancellationException) {
                    throw AscendException.Cancelled("CANCELLED", "The call was cancelled", null, null, "{}")
                }
            }
            call(call, args)
        }

        suspend fun call(call: String, args: Map<String, Any?>): Any? {
            return when (call) {
                "new_client", "restart_client" -> {
                    val fresh = makeClient(args)
                    client?.let { old -> old.shutdown(); old.close(); clients.remove(old) }
                    client = fresh
                    J.parse(fresh.configJson())
                }
                "breaker_state" -> J.parse(current().circuitBreakerJson())
                "clock_sleeps" -> sleeps().size.toLong()
                "evaluate_action" -> {
                    val req = Requests.actionRequest(args)
                    if (req != null) Project.decision(current().evaluateAction(req)) else J.parse(current().invoke(call, J.write(args)))
                }
                else -> J.parse(current().invoke(call, J.write(args)))
            }
        }

        fun advance(seconds: Double) {
            if (clock != null) clock.advance(seconds) else Thread.sleep((seconds * 1000).toLong())
        }

        fun sleeps(): List<Double> = clock?.sleeps() ?: emptyList()

        fun close() = clients.forEach { it.shutdown(); it.close() }
    }

    class TypeMismatch(field: String) : RuntimeException("$field does not fit the typed ClientConfig")

    // -- pure cases -------------------------------------------------------------------------------------------

    @Suppress("UNCHECKED_CAST")
    private class Pure(val tmp: Path) {
        fun run(suite: String, case: Map<String, Any?>) {
            val data = case["input"] as Map<String, Any?>
            val result: Any? = try {
                when (suite) {
                    "canonical" -> canonical(data)
                    "normalise" -> Project.decision(normaliseDecision(J.write(data["response"])))
                    "cvss" -> if ("vectors" in data) mapOf("results" to (data["vectors"] as List<String>).map { cvssOne(it) })
                    else J.parse(cvssScore(data["vector"] as String))
                    "prescore" -> prescore(data)
                    "govern", "classify" -> govern(data)
                    else -> webhooks(data)
                }
            } catch (e: AscendException) {
                val expected = case["expected_error"] ?: throw AssertionError("expected ${case["expected"]}, got $e ${e.details}", e)
                Match.subset(expected, Project.error(e), "error ($e)")
                return
            }
            assertTrue("expected" in case, "expected an error ${case["expected_error"]}, got $result")
            Match.subset(case["expected"], result, "result")
        }

        fun canonical(data: Map<String, Any?>): Any {
            val text = (data["json"] as String?) ?: "null"
            val out = mutableMapOf<String, Any?>("canonical" to canonicalJson(text))
            val secret = data["secret"]
            val ts = data["timestamp"]
            if (secret is String && ts is String) out["signature"] = ascend.sdk.bridge.signRequest(secret, ts, text)
            return out
        }

        fun cvssOne(vector: String): Any? = try {
            J.parse(cvssScore(vector))
        } catch (e: AscendException) {
            mapOf("error" to Project.error(e).filterKeys { it != "status_code" })
        }

        fun rulesPath(data: Map<String, Any?>): String? {
            val (name, text) = when {
                "rules" in data -> "rules.json" to J.write(data["rules"])
                data["rules_json"] is String -> "rules.json" to data["rules_json"] as String
                data["rules_toml"] is String -> "rules.toml" to data["rules_toml"] as String
                else -> return null
            }
            return Files.createTempDirectory(tmp, "rules").resolve(name).also { Files.writeString(it, text) }.toString()
        }

        fun prescore(data: Map<String, Any?>): Any? {
            val thresholds = data["thresholds"]?.let { J.write(it) }
            val rules = rulesPath(data)
            if ("batch" in data) return mapOf("results" to J.parse(prescoreBatch(J.write(data["batch"]), thresholds, rules)))
            val action = data.filterKeys { it !in setOf("thresholds", "rules", "rules_json", "rules_toml", "batch") }
            return J.parse(prescore(J.write(action), thresholds, rules))
        }

        fun body(data: Map<String, Any?>): ByteArray =
            (data["body_b64"] as String?)?.let { Base64.getDecoder().decode(it) } ?: ((data["body"] as String?) ?: "").toByteArray()

        fun headers(data: Map<String, Any?>): List<HeaderPair> = when (val h = data["headers"]) {
            is List<*> -> h.map { p -> (p as List<*>).let { HeaderPair(it[0] as String, it[1] as String) } }
            is Map<*, *> -> h.map { (k, v) -> HeaderPair(k as String, v as String) }
            else -> emptyList()
        }

        fun verify(data: Map<String, Any?>, headers: List<HeaderPair>): Any? {
            val secrets = secretsOf(data)
            val typed = bodyAs(data) == "bytes" && secrets != null
            val tolerance = (data["tolerance_seconds"] as Number?)?.toDouble() ?: 300.0
            val now = (data["now_unix"] as Number?)?.toDouble()?.toLong()
            val deliveries = maxOf(((data["deliveries"] as Number?)?.toDouble() ?: 1.0).toInt(), 1)
            var cache: WebhookReplayCache? = null
            if ("replay" in data || deliveries > 1) {
                cache = WebhookReplayCache(1000u)
                val start = now ?: 0L
                for (id in (data["replay"] as List<String>?) ?: emptyList()) {
                    cache.checkAndInsert(id, start, start + Math.ceil(tolerance).toLong())
                }
            }
            var result: Any? = null
            val doorArgs = if (typed) null else doorArgs(data, data, VERIFY_KEYS, headers)
            for (i in 0 until deliveries) {
                try {
                    result = J.parse(
                        if (doorArgs != null) verifyWebhookJson(doorArgs, cache)
                        else ascend.sdk.bridge.verifyWebhookWith(
                            body(data), headers, secrets!!, tolerance, now, data["scheme"] as String?, cache,
                        ).json,
                    )
                } catch (e: AscendException) {
                    if (i == deliveries - 1) throw e
                }
            }
            return result
        }

        fun sign(spec: Map<String, Any?>, data: Map<String, Any?>): Map<String, String> {
            val secrets = secretsOf(spec)
            if (bodyAs(data) != "bytes" || secrets == null) {
                val pairs = J.parse(signWebhookJson(doorArgs(data, spec, listOf("scheme", "msg_id", "timestamp_unix")))) as List<List<String>>
                return pairs.associate { it[0] to it[1] }
            }
            return signWebhook(
                body(data), secrets, (spec["scheme"] as String?) ?: "standard_webhooks", spec["msg_id"] as String?,
                (spec["timestamp_unix"] as Number?)?.toDouble()?.toLong(),
            ).associate { it.name to it.value }
        }

        fun bodyAs(data: Map<String, Any?>): String = (data["body_as"] as String?) ?: "bytes"

        /** The JSON door's arguments (the core's `webhook::json`): the body of [data] as the host value `body_as`
         *  describes (`{"$bytes": base64}`, decoded text or parsed JSON), and from [from] the secret in the door's
         *  notation and the listed keys as they are (the verify headers as given to this runner). */
        fun doorArgs(data: Map<String, Any?>, from: Map<String, Any?>, keys: List<String>, headers: List<HeaderPair>? = null): String {
            val bytes = body(data)
            val body: Any? = when (val a = bodyAs(data)) {
                "bytes" -> mapOf("\$bytes" to Base64.getEncoder().encodeToString(bytes))
                "text" -> String(bytes, Charsets.UTF_8)
                "parsed" -> J.parse(String(bytes, Charsets.UTF_8))
                else -> throw AssertionError("unknown body_as $a")
            }
            val secret: Any? = if ("secret_arg" in from) hostValue(from["secret_arg"])
            else ((from["secrets"] as List<String>?) ?: emptyList()) + listOfNotNull(from["secret"] as String?)
            val args = linkedMapOf("body" to body, "secret" to secret)
            for (k in keys) if (k in from) args[k] = from[k]
            if (headers != null) args["headers"] = headers.map { listOf(it.name, it.value) }
            return J.write(args)
        }

        /** A `secret_arg` value in the door's notation: bytes as `{"$bytes": base64}`, a tuple as a list. */
        fun hostValue(v: Any?): Any? = when {
            v is Map<*, *> && "\$bytes_utf8" in v ->
                mapOf("\$bytes" to Base64.getEncoder().encodeToString((v["\$bytes_utf8"] as String).toByteArray()))
            v is Map<*, *> && "\$bytes_hex" in v ->
                mapOf("\$bytes" to Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(v["\$bytes_hex"] as String)))
            v is Map<*, *> && "\$tuple" in v -> (v["\$tuple"] as List<*>).map(::hostValue)
            v is List<*> -> v.map(::hostValue)
            else -> v
        }

        /** The secrets argument: `secret_arg` when given (`{"$bytes_utf8"}` / `{"$bytes_hex"}` are one bytes
         *  key, an array or `{"$tuple"}` a list, a string text), else `secrets` (+ `secret`); `null` when a value
         *  has no Kotlin type (an Int, a Map, null, a nested list, ...): such a case goes through the JSON door. */
        fun secretsOf(data: Map<String, Any?>): List<WebhookSecret>? {
            if ("secret_arg" !in data) {
                return ((data["secrets"] as List<String>?) ?: emptyList()).map(WebhookSecret::text) +
                    listOfNotNull((data["secret"] as String?)?.let(WebhookSecret::text))
            }
            val v = data["secret_arg"]
            val items = when {
                v is List<*> -> v.map(::secretOf)
                v is Map<*, *> && "\$tuple" in v -> (v["\$tuple"] as List<*>).map(::secretOf)
                else -> listOf(secretOf(v))
            }
            return if (items.all { it != null }) items.map { it!! } else null
        }

        fun secretOf(v: Any?): WebhookSecret? = when {
            v is String -> WebhookSecret.text(v)
            v is Map<*, *> && "\$bytes_utf8" in v -> WebhookSecret.bytes((v["\$bytes_utf8"] as String).toByteArray())
            v is Map<*, *> && "\$bytes_hex" in v -> WebhookSecret.bytes(java.util.HexFormat.of().parseHex(v["\$bytes_hex"] as String))
            else -> null
        }

        /** `govern`/`classify` pure cases: `input.function` (default `classify_command`) with the rest of `input`
         *  as its arguments. The typed user functions where the arguments fit them (`classifyCommand`,
         *  `permitsExecution` of a held decision), the core's JSON entry point `governPure` for the rest. */
        fun govern(data: Map<String, Any?>): Any? {
            val function = (data["function"] as String?) ?: "classify_command"
            val args = data - "function"
            val command = args["command"]
            fun classified(c: CommandClassification) =
                mapOf("risk_level" to c.riskLevel.name.lowercase(), "command_name" to c.commandName)
            return when {
                function == "classify_command" && command is String -> classified(classifyCommand(command))
                function == "classify_command" && command is List<*> && command.all { it is String } ->
                    classified(classifyCommand(command.map { it as String }))
                function == "permits_execution" && args.keys == setOf("response") ->
                    mapOf("permits" to permitsExecution(normaliseDecision(J.write(args["response"]))))
                else -> J.parse(governPure(function, J.write(args)))
            }
        }

        fun webhooks(data: Map<String, Any?>): Any? = when (val op = data["op"]) {
            "verify" -> verify(data, headers(data))
            "verify_signature" -> J.parse(
                secretsOf(data)?.takeIf { bodyAs(data) == "bytes" }?.let { secrets ->
                    ascend.sdk.bridge.verifyWebhookSignature(
                        body(data), headers(data), secrets,
                        (data["tolerance_seconds"] as Number?)?.toDouble() ?: 300.0, (data["now_unix"] as Number?)?.toDouble()?.toLong(),
                        data["scheme"] as String?,
                    )
                } ?: verifyWebhookSignatureJson(doorArgs(data, data, VERIFY_KEYS, headers(data))),
            )
            "sign" -> mapOf("headers" to sign(data, data))
            "sign_verify" -> {
                val headers = sign(data["sign"] as Map<String, Any?>, data)
                mapOf("headers" to headers, "event" to verify(data, headers.map { HeaderPair(it.key, it.value) }))
            }
            else -> throw AssertionError("unknown op $op")
        }
    }
}

/** Typed requests from a case's JSON arguments; `null` when the arguments do not fit the record. */
object Requests {
    private val FIELDS = setOf(
        "action_type", "resource", "resource_id", "parameters", "context", "risk_indicators", "wait_for_decision",
        "timeout", "orchestration_session_id", "parent_action_id", "orchestration_depth", "mcp_server_name",
        "model_id", "tool_name", "description", "business_justification",
    )

    private class NotExpressible : RuntimeException()

    fun actionRequest(a: Map<String, Any?>): ActionRequest? = try {
        build(a)
    } catch (e: NotExpressible) {
        null
    }

    private fun build(a: Map<String, Any?>): ActionRequest {
        if (!FIELDS.containsAll(a.keys)) throw NotExpressible()
        val present = a.filterValues { it != null }
        fun str(k: String): String? = present[k]?.let { it as? String ?: throw NotExpressible() }
        fun obj(k: String): String? = present[k]?.let { if (it is Map<*, *>) J.write(it) else throw NotExpressible() }
        val depth = present["orchestration_depth"]?.let { it as? Long ?: throw NotExpressible() }
        val timeout = present["timeout"]?.let { (it as? Number)?.toDouble() ?: throw NotExpressible() }
        val wait = present["wait_for_decision"]?.let { it as? Boolean ?: throw NotExpressible() } ?: true
        return ActionRequest(
            actionType = str("action_type") ?: throw NotExpressible(), resource = str("resource") ?: throw NotExpressible(),
            resourceId = str("resource_id"), parameters = obj("parameters"), context = obj("context"),
            riskIndicators = obj("risk_indicators"), waitForDecision = wait, timeout = timeout,
            orchestrationSessionId = str("orchestration_session_id"), parentActionId = str("parent_action_id"),
            orchestrationDepth = depth, mcpServerName = str("mcp_server_name"), modelId = str("model_id"),
            toolName = str("tool_name"), description = str("description"),
            businessJustification = str("business_justification"),
        )
    }
}
