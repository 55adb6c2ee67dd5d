package ascend.sdk

import ascend.examples.GuideEnv
import ascend.examples.runFirstGuide
import java.nio.file.Files
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** One `ascend-dev serve` on a free loopback port with fresh credentials (in its environment, not its argv). */
class DevServer(vararg extra: String) : AutoCloseable {
    val apiKey = "owkai_kt_" + UUID.randomUUID().toString().replace("-", "")
    val adminToken = "adm_kt_" + UUID.randomUUID().toString().replace("-", "")
    val bin = Paths0.bin("ascend-dev", "ascend.devServer").toString()
    private val proc: Process
    val url: String

    init {
        val pb = ProcessBuilder(bin, "serve", "--addr", "127.0.0.1:0", "--db", ":memory:", *extra)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
        pb.environment()["ASCEND_DEV_API_KEY"] = apiKey
        pb.environment()["ASCEND_DEV_ADMIN_TOKEN"] = adminToken
        proc = pb.start()
        val reader = proc.inputStream.bufferedReader()
        var line: String? = reader.readLine()
        while (line != null && !line.startsWith("ascend-dev listening on ")) line = reader.readLine()
        check(line != null) { proc.destroyForcibly(); "ascend-dev did not start" }
        url = line.removePrefix("ascend-dev listening on ").trim()
        Thread { reader.lines().forEach { } }.apply { isDaemon = true }.start()
    }

    override fun close() {
        proc.destroy()
        if (!proc.waitFor(5, TimeUnit.SECONDS)) proc.destroyForcibly()
    }
}

/** examples/kotlin/FirstGovernedAction.kt end to end: allowed, pending -> approved by the CLI, denied, MCP, model,
 *  errors and a verified webhook. */
class GuideTest {
    @Test
    fun firstGuideRunsEndToEnd() {
        val spool = Files.createTempDirectory("ascend-kt-guide")
        DevServer("--deny-at", "98").use { dev ->
            val env = GuideEnv(dev.url, dev.apiKey, dev.bin, dev.adminToken, spool.resolve("spool.jsonl").toString())
            val failures = runBlocking { runFirstGuide(env) }
            assertEquals(emptyList<String>(), failures)
        }
        spool.toFile().deleteRecursively()
    }
}
