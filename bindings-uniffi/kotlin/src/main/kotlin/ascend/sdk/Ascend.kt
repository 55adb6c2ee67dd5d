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

/** What the command classifier says about a command: its [RiskLevel] and the program's name. */
typealias CommandClassification = ascend.sdk.bridge.CommandClassification

/** A text webhook secret (`whsec_<base64>` is decoded for Standard Webhooks, other text is its UTF-8 bytes). */
fun WebhookSecret.Companion.text(secret: String): WebhookSecret = WebhookSecret.Text(secret)

/** A bytes webhook secret: the HMAC key itself, ONE key in every scheme (D25), never a sequence of keys. */
fun WebhookSecret.Companion.bytes(key: ByteArray): WebhookSecret = WebhookSecret.Bytes(key)

/**
 * Verifies a webhook delivery: the raw [body] bytes as received, its [headers], and the accepted [secrets]
 * (several during a rotation). Returns the event; throws [AscendException.WebhookVerification] otherwise.
 */
fun verifyWebhook(
    body: ByteArray,
    headers: Map<String, String>,
    secrets: List<String>,
    toleranceSeconds: Long = 300,
): WebhookEvent = ascend.sdk.bridge.verifyWebhook(body, headers, secrets.map(WebhookSecret::Text), toleranceSeconds)

/** [verifyWebhook] with secrets given as text or bytes ([WebhookSecret.Text], [WebhookSecret.Bytes]; D25). */
@JvmName("verifyWebhookSecrets")
fun verifyWebhook(
    body: ByteArray,
    headers: Map<String, String>,
    secrets: List<WebhookSecret>,
    toleranceSeconds: Long = 300,
): WebhookEvent = ascend.sdk.bridge.verifyWebhook(body, headers, secrets, toleranceSeconds)

/** [verifyWebhook] with one secret given as bytes: the bytes are ONE key (D25). */
fun verifyWebhook(
    body: ByteArray,
    headers: Map<String, String>,
    secret: ByteArray,
    toleranceSeconds: Long = 300,
): WebhookEvent = ascend.sdk.bridge.verifyWebhook(body, headers, listOf(WebhookSecret.Bytes(secret)), toleranceSeconds)

/**
 * Signs a webhook [body] (for senders and tests): the headers to send, one signature per secret. [scheme] is
 * `standard_webhooks` (default), `ascend_v1` or `ascend_stripe_style`.
 */
fun signWebhook(
    body: ByteArray,
    secrets: List<WebhookSecret>,
    scheme: String = "standard_webhooks",
    msgId: String? = null,
    timestampUnix: Long? = null,
): List<HeaderPair> = ascend.sdk.bridge.signWebhook(body, secrets, scheme, msgId, timestampUnix)

/** [signWebhook] with text secrets. */
@JvmName("signWebhookText")
fun signWebhook(
    body: ByteArray,
    secrets: List<String>,
    scheme: String = "standard_webhooks",
    msgId: String? = null,
    timestampUnix: Long? = null,
): List<HeaderPair> = ascend.sdk.bridge.signWebhook(body, secrets.map(WebhookSecret::Text), scheme, msgId, timestampUnix)

/** [signWebhook] with one bytes secret: ONE key (D25). */
fun signWebhook(
    body: ByteArray,
    secret: ByteArray,
    scheme: String = "standard_webhooks",
    msgId: String? = null,
    timestampUnix: Long? = null,
): List<HeaderPair> = ascend.sdk.bridge.signWebhook(body, listOf(WebhookSecret.Bytes(secret)), scheme, msgId, timestampUnix)

/**
 * Webhook verification with JSON arguments, for values whose type is only known at run time (e.g. forwarded from a
 * dynamically typed host): `{"body": {"$bytes": "<base64>"}, "headers": {..} or [[name, value], ..], "secret": ..,
 * "tolerance_seconds", "now_unix", "scheme"}`. A body given as text or parsed JSON throws
 * [AscendException.WebhookVerification] (`WEBHOOK_BODY_NOT_BYTES`); a secret that is not text, `{"$bytes"}` or a
 * list of them throws [AscendException.Validation] naming `secret` (D25). Returns the event's JSON projection.
 */
fun verifyWebhookJson(argsJson: String, replayCache: WebhookReplayCache? = null): String =
    ascend.sdk.bridge.verifyWebhookJson(argsJson, replayCache)

/** [verifyWebhookJson] checking only the signature and time window: `{"scheme", "msg_id", "timestamp_unix"}`. */
fun verifyWebhookSignatureJson(argsJson: String): String = ascend.sdk.bridge.verifyWebhookSignatureJson(argsJson)

/** [signWebhook] with JSON arguments (`body`, `secret`, `scheme`, `msg_id`, `timestamp_unix`): `[[name, value], ..]`. */
fun signWebhookJson(argsJson: String): String = ascend.sdk.bridge.signWebhookJson(argsJson)

/** Classifies a shell command line with the core's classifier (`rm -rf /` is critical, unknown is medium). */
fun classifyCommand(command: String): CommandClassification = ascend.sdk.bridge.classifyCommand(command)

/** Classifies an argument vector (`listOf("rm", "-rf", "/tmp/x")`). */
fun classifyCommand(argv: List<String>): CommandClassification = ascend.sdk.bridge.classifyArgv(argv)

/**
 * Whether a host may run the action of [decision] (D24): only ALLOWED / AUTO_APPROVED / EXECUTED permit it, and
 * `executionAllowed == false` forbids it; `executionAllowed` never permits a denied or pending decision.
 */
fun permitsExecution(decision: AuthorizationDecision): Boolean = ascend.sdk.bridge.permitsExecution(decision)

/**
 * Any pure governance function of the core by name (`classify_command`, `permits_execution`, `plan_command`,
 * `kill_switch`, `redact`, `tool_request`, `code_request`) on snake_case JSON object text; its JSON result.
 */
fun governPure(function: String, inputJson: String): String = ascend.sdk.bridge.governPure(function, inputJson)

/**
 * The fail mode given as text (`closed`, `open`, `local`, any case), e.g. read from a configuration file;
 * anything else throws [AscendException.Configuration] naming `fail_mode`.
 */
fun FailMode.Companion.parse(value: String): FailMode = ascend.sdk.bridge.parseFailMode(value)

/** Local pre-score of one action (JSON object text) -> the score as JSON text; no network. */
fun prescore(actionJson: String, thresholdsJson: String? = null, rulesPath: String? = null): String =
    ascend.sdk.bridge.prescore(actionJson, thresholdsJson, rulesPath)

/** Pre-scores a JSON list of actions in one native call -> a JSON list of scores in input order. */
fun prescoreBatch(actionsJson: String, thresholdsJson: String? = null, rulesPath: String? = null): String =
    ascend.sdk.bridge.prescoreBatch(actionsJson, thresholdsJson, rulesPath)

/** CVSS v3.1 vector -> its scores as JSON text. */
fun cvssScore(vector: String): String = ascend.sdk.bridge.cvssScore(vector)

// The decision's derived fields (PROTOCOL §6.2). The record is the core's own `AuthorizationDecision`; these read
// its status and promoted keys through the core (one native call each), so Kotlin never parses the JSON itself.

/** `approved`, `pending_approval` or `denied`, derived from [AuthorizationDecision.decision]. */
val AuthorizationDecision.status: String
    get() = ascend.sdk.bridge.decisionStatus(this)

/** The server's own status string (`metadata.raw_status`), else [status]. */
val AuthorizationDecision.rawStatus: String
    get() = ascend.sdk.bridge.decisionRawStatus(this)

/** The correlation id of the reply, or of the request when the reply had none (D22). */
val AuthorizationDecision.correlationId: String?
    get() = ascend.sdk.bridge.decisionCorrelationId(this)

/** CVSS v3.1 base score. */
val AuthorizationDecision.cvssScore: Double?
    get() = ascend.sdk.bridge.decisionNumber(this, "cvss_score")

/** Server processing time in milliseconds. */
val AuthorizationDecision.processingTimeMs: Double?
    get() = ascend.sdk.bridge.decisionNumber(this, "processing_time_ms")

/** Whether an alert was raised. */
val AuthorizationDecision.alertTriggered: Boolean?
    get() = ascend.sdk.bridge.decisionFlag(this, "alert_triggered")

/** Output findings count. */
val AuthorizationDecision.outputFindingsCount: Long?
    get() = ascend.sdk.bridge.decisionInteger(this, "output_findings_count")

/** CVSS severity. */
val AuthorizationDecision.cvssSeverity: String?
    get() = ascend.sdk.bridge.decisionText(this, "cvss_severity")

/** CVSS vector. */
val AuthorizationDecision.cvssVector: String?
    get() = ascend.sdk.bridge.decisionText(this, "cvss_vector")

/** MITRE ATT&CK tactic. */
val AuthorizationDecision.mitreTactic: String?
    get() = ascend.sdk.bridge.decisionText(this, "mitre_tactic")

/** MITRE ATT&CK technique. */
val AuthorizationDecision.mitreTechnique: String?
    get() = ascend.sdk.bridge.decisionText(this, "mitre_technique")

/** NIST 800-53 control. */
val AuthorizationDecision.nistControl: String?
    get() = ascend.sdk.bridge.decisionText(this, "nist_control")

/** NIST control description. */
val AuthorizationDecision.nistDescription: String?
    get() = ascend.sdk.bridge.decisionText(this, "nist_description")

/** Alert id. */
val AuthorizationDecision.alertId: String?
    get() = ascend.sdk.bridge.decisionText(this, "alert_id")

/** Workflow id. */
val AuthorizationDecision.workflowId: String?
    get() = ascend.sdk.bridge.decisionText(this, "workflow_id")

/** Enforcement decision. */
val AuthorizationDecision.enforcementDecision: String?
    get() = ascend.sdk.bridge.decisionText(this, "enforcement_decision")

/** Enforcement decision source. */
val AuthorizationDecision.enforcementDecisionSource: String?
    get() = ascend.sdk.bridge.decisionText(this, "enforcement_decision_source")

/** Risk score source. */
val AuthorizationDecision.riskScoreSource: String?
    get() = ascend.sdk.bridge.decisionText(this, "risk_score_source")

/** Shadow enforcement decision. */
val AuthorizationDecision.shadowEnforcementDecision: String?
    get() = ascend.sdk.bridge.decisionText(this, "shadow_enforcement_decision")

/** Shadow enforcement decision source. */
val AuthorizationDecision.shadowEnforcementDecisionSource: String?
    get() = ascend.sdk.bridge.decisionText(this, "shadow_enforcement_decision_source")

/** Code analysis, JSON text. */
val AuthorizationDecision.codeAnalysis: String?
    get() = ascend.sdk.bridge.decisionJson(this, "code_analysis")

/** Prompt security, JSON text. */
val AuthorizationDecision.promptSecurity: String?
    get() = ascend.sdk.bridge.decisionJson(this, "prompt_security")

/** MCP governance, JSON text. */
val AuthorizationDecision.mcpGovernance: String?
    get() = ascend.sdk.bridge.decisionJson(this, "mcp_governance")

/** Model governance, JSON text. */
val AuthorizationDecision.modelGovernance: String?
    get() = ascend.sdk.bridge.decisionJson(this, "model_governance")

/** Policy decision, JSON text. */
val AuthorizationDecision.policyDecision: String?
    get() = ascend.sdk.bridge.decisionJson(this, "policy_decision")

/** Matched policies, JSON text. */
val AuthorizationDecision.matchedPolicies: String?
    get() = ascend.sdk.bridge.decisionJson(this, "matched_policies")

/** Matched smart rules, JSON text. */
val AuthorizationDecision.matchedSmartRules: String?
    get() = ascend.sdk.bridge.decisionJson(this, "matched_smart_rules")

/** Output scan result, JSON text. */
val AuthorizationDecision.outputScanResult: String?
    get() = ascend.sdk.bridge.decisionJson(this, "output_scan_result")

/** Thresholds, JSON text. */
val AuthorizationDecision.thresholds: String?
    get() = ascend.sdk.bridge.decisionJson(this, "thresholds")

/** The core's JSON projection of this decision (the keys every binding and conformance case share). */
fun AuthorizationDecision.toJson(): String = ascend.sdk.bridge.decisionToJson(this)

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
