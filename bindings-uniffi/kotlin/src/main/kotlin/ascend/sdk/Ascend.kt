// The public Kotlin surface of package ascend.sdk. The records, enums and AscendException are generated into this
// package from the core's API types; the client object and the pure functions are generated into
// ascend.sdk.bridge and re-exported here, so `import ascend.sdk.*` is all an application needs.
@file:JvmName("Ascend")

package ascend.sdk

/** A governed ASCEND client; every network method is `suspend` and cancellable. */
typealias AscendClient = ascend.sdk.bridge.AscendClient

/** A verified webhook event. */
typealias WebhookEvent = ascend.sdk.bridge.WebhookEvent

/** One HTTP header (name, value). */
typealias HeaderPair = ascend.sdk.bridge.HeaderPair

/** Replay protection shared between webhook verifications. */
typealias WebhookReplayCache = ascend.sdk.bridge.WebhookReplayCache

/** A manual clock for tests (time moves only when advanced). */
typealias TestClock = ascend.sdk.bridge.TestClock

/**
 * Verifies a webhook delivery: the raw [body] bytes as received, its [headers], and the accepted [secrets]
 * (several during a rotation). Returns the event; throws [AscendException.WebhookVerification] otherwise.
 */
fun verifyWebhook(
    body: ByteArray,
    headers: Map<String, String>,
    secrets: List<String>,
    toleranceSeconds: Long = 300,
): WebhookEvent = ascend.sdk.bridge.verifyWebhook(body, headers, secrets, toleranceSeconds)

/** Local pre-score of one action (JSON object text) -> the score as JSON text; no network. */
fun prescore(actionJson: String, thresholdsJson: String? = null, rulesPath: String? = null): String =
    ascend.sdk.bridge.prescore(actionJson, thresholdsJson, rulesPath)

/** Pre-scores a JSON list of actions in one native call -> a JSON list of scores in input order. */
fun prescoreBatch(actionsJson: String, thresholdsJson: String? = null, rulesPath: String? = null): String =
    ascend.sdk.bridge.prescoreBatch(actionsJson, thresholdsJson, rulesPath)

/** CVSS v3.1 vector -> its scores as JSON text. */
fun cvssScore(vector: String): String = ascend.sdk.bridge.cvssScore(vector)

/** The stable error code of any [AscendException] (`RATE_LIMITED`, `VALIDATION_ERROR`, ...). */
val AscendException.code: String
    get() = common().code

/** The HTTP status of the failed request, when there was one. */
val AscendException.statusCode: Int?
    get() = common().statusCode

/** The correlation id of the failed request (D22), when there was one. */
val AscendException.correlationId: String?
    get() = common().correlationId

/** Structured details as JSON object text (`field_errors`, `retry_after_seconds`, the server's body, ...). */
val AscendException.details: String
    get() = common().details

/** The message, without secrets. */
val AscendException.errorText: String
    get() = common().message

/** Whether retrying later may succeed. */
val AscendException.retryable: Boolean
    get() = this is AscendException.Timeout || this is AscendException.RateLimit ||
        this is AscendException.Connection || this is AscendException.CircuitOpen || this is AscendException.Server

private class Common(
    val code: String,
    val message: String,
    val statusCode: Int?,
    val correlationId: String?,
    val details: String,
)

private fun AscendException.common(): Common = when (this) {
    is AscendException.Authentication -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Authorization -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Timeout -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.RateLimit -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Validation -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Connection -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.CircuitOpen -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Configuration -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.KillSwitch -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Server -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.NotFound -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Conflict -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Http -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Cancelled -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.Internal -> Common(code, errorMessage, statusCode, correlationId, details)
    is AscendException.WebhookVerification -> Common(code, errorMessage, statusCode, correlationId, details)
}
