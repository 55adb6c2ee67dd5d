package ascend.sdk

import java.nio.file.Files
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Runtime rules on a real JVM: cancellation, concurrency, typed errors, the surface, the native library. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RuntimeTest {
    private val mock by lazy { MockServer() }
    private val tmp = Files.createTempDirectory("ascend-kt-runtime")

    @AfterAll
    fun stop() {
        mock.close()
        tmp.toFile().deleteRecursively()
    }

    private fun client(maxRetries: Long = 0) = AscendClient(
        ClientConfig(
            apiKey = "test-api-key-0001", apiUrl = mock.url, agentId = "kt-agent", maxRetries = maxRetries,
            auditSpoolPath = Files.createTempDirectory(tmp, "spool").resolve("spool.jsonl").toString(),
        ),
    )

    @Test
    fun cancellingWaitForDecisionReturnsWithin100msAndStopsPolling() = runBlocking {
        mock.reset()
        mock.script(listOf(mapOf("match" to mapOf("method" to "GET", "path_prefix" to "/api/v1/actions/"), "repeat" to true,
            "respond" to mapOf("body" to mapOf("id" to 41, "status" to "pending")))))
        val c = client()
        var outcome: Throwable? = null
        val job = launch(Dispatchers.Default) {
            try {
                c.waitForDecision("41", timeoutMs = 60_000, pollIntervalMs = 20)
            } catch (e: Throwable) {
                outcome = e
            }
        }
        delay(300)
        val polled = mock.requests().first.size
        assertTrue(polled >= 2, "the wait was polling ($polled requests)")
        val t0 = System.nanoTime()
        job.cancelAndJoin()
        val ms = (System.nanoTime() - t0) / 1e6
        assertTrue(ms < 100, "cancellation took $ms ms")
        assertTrue(outcome is kotlinx.coroutines.CancellationException, "the coroutine ended cancelled: $outcome")
        val after = mock.requests().first.size
        delay(300)
        assertEquals(after, mock.requests().first.size, "no polls after cancellation (the native task was aborted)")
        c.close()
    }

    @Test
    fun eightCoroutinesTimes500CallsWithFlatMemory() = runBlocking {
        mock.reset()
        mock.script(listOf(mapOf("match" to mapOf("method" to "POST", "path" to "/api/v1/actions/submit"), "repeat" to true,
            "respond" to mapOf("body" to mapOf("id" to 7, "status" to "approved", "risk_score" to 12.0)))))
        val c = client()
        val req = ActionRequest(actionType = "query", resource = "db", context = """{"nested": {"a": [1, 2]}}""", waitForDecision = false)
        suspend fun round(): List<Int> = coroutineScope {
            (1..8).map {
                async(Dispatchers.Default) {
                    var ok = 0
                    repeat(500) { if (c.evaluateAction(req).decision == Decision.ALLOWED) ok++ }
                    ok
                }
            }.awaitAll()
        }
        assertEquals(List(8) { 500 }, round())
        val rss0 = rssKb()
        assertEquals(List(8) { 500 }, round())
        val growthMb = (rssKb() - rss0) / 1024.0
        assertTrue(growthMb < 48, "resident memory grew by $growthMb MB over 4000 more calls")
        c.close()
    }

    @Test
    fun theThreadThatResumesCallsStaysAttachedAsOneDaemon() = runBlocking {
        mock.reset()
        mock.script(listOf(mapOf("match" to mapOf("method" to "POST", "path" to "/api/v1/actions/submit"), "repeat" to true,
            "respond" to mapOf("body" to mapOf("id" to 7, "status" to "approved")))))
        val c = client()
        val req = ActionRequest(actionType = "query", resource = "db", waitForDecision = false)
        fun laneThreads() = Thread.getAllStackTraces().keys.filter { it.name == "ascend-lane" }
        repeat(3) { assertEquals(Decision.ALLOWED, c.evaluateAction(req).decision) }
        val first = laneThreads()
        assertEquals(1, first.size, "one attached lane thread (kotlin_lane_threads.py), not one attach per call: $first")
        assertTrue(first.single().isDaemon, "the attached lane thread never holds the JVM open")
        repeat(20) { c.evaluateAction(req) }
        assertTrue(laneThreads().single() === first.single(), "the same Thread object: never detached between calls")
        c.close()
    }

    private fun rssKb(): Long {
        System.gc()
        return Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))
            .first { it.startsWith("VmRSS:") }.split(Regex("\\s+"))[1].toLong()
    }

    @Test
    fun errorsAreTypedAndNameTheField() = runBlocking {
        mock.reset()
        mock.script(listOf(mapOf("match" to mapOf("method" to "POST", "path" to "/api/v1/actions/submit"),
            "respond" to mapOf("status" to 429, "headers" to mapOf("Retry-After" to "7"), "body" to emptyMap<String, Any>()))))
        val c = client()
        val e = assertThrows<AscendException.RateLimit> {
            runBlocking { c.evaluateAction(ActionRequest(actionType = "query", resource = "db", waitForDecision = false)) }
        }
        assertEquals("RATE_LIMITED", e.code)
        assertEquals(429, e.statusCode)
        assertEquals(7.0, e.retryAfterSeconds)
        assertTrue(e.correlationId != null)
        val v = assertThrows<AscendException.Validation> {
            runBlocking { c.evaluateAction(ActionRequest(actionType = "query", resource = " ")) }
        }
        assertEquals("resource", v.field)
        val bad = assertThrows<AscendException.Validation> {
            runBlocking { c.evaluateAction(ActionRequest(actionType = "query", resource = "db", context = "[1]")) }
        }
        assertEquals("context", bad.field)
        val cfg = assertThrows<AscendException.Configuration> { AscendClient(ClientConfig(apiKey = "k", apiUrl = "http://example.com")) }
        assertEquals("CONFIGURATION_ERROR", cfg.code)
        c.close()
    }

    @Test
    fun everyMethodOfTheCoreTableExistsOnTheKotlinClient() {
        val names = coreMethodNames()
        assertTrue(names.size > 40, "method table: $names")
        val kotlin = ascend.sdk.bridge.AscendClient::class.java.methods.map { it.name }.toSet()
        val missing = names.map { camel(it) }.filter { it !in kotlin }
        assertEquals(emptyList<String>(), missing, "methods of the core's table missing on AscendClient")
        // A method that acts on an id (the table's `target`) takes it first, as a String.
        val methods = ascend.sdk.bridge.AscendClient::class.java.methods
        val wrong = targetMethods().filter { name ->
            methods.none { it.name == camel(name) && it.parameterTypes.firstOrNull() == String::class.java }
        }
        assertEquals(emptyList<String>(), wrong, "target-first methods")
    }

    @Test
    fun nativeLibraryLoadsFromTheJarResources() {
        assertNull(System.getProperty("jna.library.path"), "no manual -Djna.library.path")
        val prefix = com.sun.jna.Platform.RESOURCE_PREFIX
        val url = javaClass.classLoader.getResource("$prefix/libascend_uniffi.so")
        assertTrue(url != null && url.protocol == "jar", "the library is a resource of the jar: $url")
        assertTrue(cvssScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").contains("9.8"))
    }

    companion object {
        fun camel(s: String): String = s.split("_").mapIndexed { i, p -> if (i == 0) p else p.replaceFirstChar { it.uppercase() } }.joinToString("")

        @Suppress("UNCHECKED_CAST")
        fun targetMethods(): List<String> {
            val d = J.obj(Files.readString(Paths0.conformance.resolve("methods.json")))
            return (d["methods"] as List<Map<String, Any?>>).filter { it["target"] != null }.map { it["name"] as String }
        }

        /** tests/conformance/methods.json (the core's descriptor) when present, else the names `Client::invoke` matches. */
        @Suppress("UNCHECKED_CAST")
        fun coreMethodNames(): List<String> {
            val descriptor = Paths0.conformance.resolve("methods.json")
            if (Files.exists(descriptor)) {
                val d = J.parse(Files.readString(descriptor))
                val methods = (if (d is Map<*, *>) d["methods"] else d) as List<Map<String, Any?>>
                return methods.map { it["name"] as String }
            }
            val src = Files.readString(Paths0.repo.resolve("core/src/dispatch.rs"))
            val arms = Regex("\"([a-z_]+)\"\\s*(?:\\||=>)").findAll(src).map { it.groupValues[1] }
            val decisions = Regex("\"([a-z_]+)\",").findAll(src.substringAfter("DECISION_METHODS").substringBefore("];")).map { it.groupValues[1] }
            return (arms + decisions).distinct().toList()
        }
    }
}
