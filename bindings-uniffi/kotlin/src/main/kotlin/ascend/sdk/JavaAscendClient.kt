package ascend.sdk

import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future
import kotlinx.coroutines.runBlocking

/**
 * The Java-friendly facade (Spring services call from Java): the guide's calls as `CompletableFuture`s, and
 * blocking variants. Cancelling a returned future cancels the underlying call (the native work is aborted).
 * Build the records with [JavaAscend] (Java has no named or default arguments).
 */
class JavaAscendClient(config: ClientConfig) : AutoCloseable {
    /** The Kotlin client this facade delegates to. */
    val client: AscendClient = AscendClient(config)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** `evaluateAction` as a future. */
    fun evaluateActionAsync(request: ActionRequest): CompletableFuture<AuthorizationDecision> =
        scope.future { client.evaluateAction(request) }

    /** `waitForDecision` as a future. */
    fun waitForDecisionAsync(actionId: String, timeoutMs: Long, pollIntervalMs: Long): CompletableFuture<AuthorizationDecision> =
        scope.future { client.waitForDecision(actionId, timeoutMs, pollIntervalMs) }

    /** `getActionStatus` as a future. */
    fun getActionStatusAsync(actionId: String): CompletableFuture<AuthorizationDecision> =
        scope.future { client.getActionStatus(actionId) }

    /** `configureWebhook` as a future. */
    fun configureWebhookAsync(config: WebhookConfig): CompletableFuture<Webhook> =
        scope.future { client.configureWebhook(config) }

    /** Any other method by its snake_case name, JSON keyword arguments in, JSON text out. */
    fun invokeAsync(method: String, argsJson: String): CompletableFuture<String> =
        scope.future { client.invoke(method, argsJson) }

    /** Blocking `evaluateAction`; throws [AscendException]. */
    @Throws(AscendException::class)
    fun evaluateAction(request: ActionRequest): AuthorizationDecision = runBlocking { client.evaluateAction(request) }

    /** Blocking `waitForDecision`; throws [AscendException]. */
    @Throws(AscendException::class)
    fun waitForDecision(actionId: String, timeoutMs: Long, pollIntervalMs: Long): AuthorizationDecision =
        runBlocking { client.waitForDecision(actionId, timeoutMs, pollIntervalMs) }

    /** Blocking `getActionStatus`; throws [AscendException]. */
    @Throws(AscendException::class)
    fun getActionStatus(actionId: String): AuthorizationDecision = runBlocking { client.getActionStatus(actionId) }

    /** Blocking `configureWebhook`; throws [AscendException]. */
    @Throws(AscendException::class)
    fun configureWebhook(config: WebhookConfig): Webhook = runBlocking { client.configureWebhook(config) }

    /** Stops background tasks and cancels calls still running through this facade. */
    override fun close() {
        scope.cancel()
        client.shutdown()
        client.close()
    }
}

/** Record builders for Java callers. */
object JavaAscend {
    /** A client configuration; `null` means "not given" (environment fallbacks and defaults apply). */
    @JvmStatic
    @JvmOverloads
    fun config(
        apiKey: String?,
        apiUrl: String?,
        agentId: String?,
        agentName: String? = null,
        failMode: FailMode? = null,
        auditSpoolPath: String? = null,
    ): ClientConfig = ClientConfig(
        apiKey = apiKey, apiUrl = apiUrl, agentId = agentId, agentName = agentName, failMode = failMode,
        auditSpoolPath = auditSpoolPath,
    )

    /** An action request; `contextJson` is JSON object text (nested values allowed). */
    @JvmStatic
    @JvmOverloads
    fun action(
        actionType: String,
        resource: String,
        resourceId: String? = null,
        contextJson: String? = null,
        waitForDecision: Boolean = true,
    ): ActionRequest = ActionRequest(
        actionType = actionType, resource = resource, resourceId = resourceId, context = contextJson,
        waitForDecision = waitForDecision,
    )

    /** A webhook subscription request. */
    @JvmStatic
    fun webhook(url: String, events: List<String>, secret: String?): WebhookConfig =
        WebhookConfig(url = url, events = events, secret = secret)

    /** The stable code of an [AscendException]. */
    @JvmStatic
    fun code(e: AscendException): String = e.code

    /** The HTTP status of an [AscendException], when there was one. */
    @JvmStatic
    fun statusCode(e: AscendException): Int? = e.statusCode
}
