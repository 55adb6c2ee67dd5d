//! Typed records of the public API for bindings with a static type system (Kotlin, Swift through UniFFI): the
//! constructor config, the governed request, webhooks and the one error. Behind the `uniffi` feature they derive
//! `uniffi::Record` / `uniffi::Error`, so the generated Kotlin and Swift types *are* these. The decision is the
//! model's own [`AuthorizationDecision`](crate::model::AuthorizationDecision), derived the same way (its JSON fields cross as text, see `ffi_json`).
//!
//! Opaque user payloads (`context`, `parameters`, `metadata`, governance objects) cross as JSON text, so nested
//! JSON passes through unchanged and its keys are never renamed. Conversions to and from the core's model
//! ([`crate::model::ActionRequest`], [`crate::Error`]) live here; each parse error names the field, before any
//! network I/O.

use crate::config::ClientParams;
use crate::error::{Error, ErrorCode};
use crate::model::{self, FailMode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Constructor parameters (PROTOCOL §1.1); `None` means "not given" (environment fallbacks and defaults apply).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ClientConfig {
    /// Organisation API key (env `ASCEND_API_KEY`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub api_key: Option<String>,
    /// Base URL (env `ASCEND_API_URL`); plain `http` only on loopback (D13).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub api_url: Option<String>,
    /// This agent's id.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub agent_id: Option<String>,
    /// Display name.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub agent_name: Option<String>,
    /// Free-text environment (default `production`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub environment: Option<String>,
    /// What happens when ASCEND cannot be reached (default CLOSED).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fail_mode: Option<FailMode>,
    /// Per-attempt timeout in seconds (fractional allowed; default 5).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout: Option<f64>,
    /// Retries after the first attempt (default 3).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub max_retries: Option<i64>,
    /// Whether a circuit breaker guards the client (default true).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub enable_circuit_breaker: Option<bool>,
    /// Consecutive failed calls before the breaker opens (default 5).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub circuit_breaker_threshold: Option<i64>,
    /// Seconds before a half-open trial (default 30).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub circuit_breaker_timeout: Option<f64>,
    /// HMAC request-signing secret.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub signing_secret: Option<String>,
    /// Debug logging.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub debug: Option<bool>,
    /// Durable spool file (D18); default in the user cache dir.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub audit_spool_path: Option<String>,
    /// Pre-scoring rules file (JSON or TOML).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub prescore_rules_path: Option<String>,
    /// Fail mode LOCAL's auto-approve threshold (D17): a local pre-score strictly below it allows; 0–100,
    /// default 70; the agent registry's value, once `register()` has learned it, takes precedence.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub local_auto_approve_below: Option<f64>,
}

impl From<ClientConfig> for ClientParams {
    fn from(c: ClientConfig) -> Self {
        ClientParams {
            api_key: c.api_key,
            agent_id: c.agent_id,
            agent_name: c.agent_name,
            api_url: c.api_url,
            environment: c.environment,
            fail_mode: c.fail_mode.map(|m| m.as_str().to_string()),
            timeout: c.timeout,
            max_retries: c.max_retries,
            enable_circuit_breaker: c.enable_circuit_breaker,
            circuit_breaker_threshold: c.circuit_breaker_threshold,
            circuit_breaker_timeout: c.circuit_breaker_timeout,
            signing_secret: c.signing_secret,
            debug: c.debug,
            audit_spool_path: c.audit_spool_path.map(Into::into),
            prescore_rules_path: c.prescore_rules_path.map(Into::into),
            local_auto_approve_below: c.local_auto_approve_below,
            ..ClientParams::default()
        }
    }
}

/// Arguments of `evaluate_action` (PROTOCOL §5.a.1). JSON fields hold JSON object text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActionRequest {
    /// Free-text action type (`database_write`, `query`, ...).
    pub action_type: String,
    /// Resource acted on.
    pub resource: String,
    /// Resource id.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub resource_id: Option<String>,
    /// Action parameters, a JSON object (sent as `action_details`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub parameters: Option<String>,
    /// Context, a JSON object (nested values pass through unchanged).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub context: Option<String>,
    /// Risk indicators, a JSON object.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub risk_indicators: Option<String>,
    /// Wait for a human decision when the answer is PENDING.
    #[cfg_attr(feature = "uniffi", uniffi(default = true))]
    pub wait_for_decision: bool,
    /// Decision wait timeout in seconds (default 60).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout: Option<f64>,
    /// Orchestration session id.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub orchestration_session_id: Option<String>,
    /// Parent action id.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub parent_action_id: Option<String>,
    /// Orchestration depth (0..=5).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub orchestration_depth: Option<i64>,
    /// MCP server name.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mcp_server_name: Option<String>,
    /// Model id.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub model_id: Option<String>,
    /// Tool name.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tool_name: Option<String>,
    /// Description.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub description: Option<String>,
    /// Business justification (merged into the context).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub business_justification: Option<String>,
}

/// Parses optional JSON object text; an error names `field`.
pub fn json_object(field: &str, text: Option<&str>) -> Result<Option<Map<String, Value>>, Error> {
    match text {
        None => Ok(None),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            Ok(Value::Null) => Ok(None),
            _ => Err(Error::validation(field, "Must be a JSON object", format!("{field} must be JSON object text"))),
        },
    }
}

impl TryFrom<ActionRequest> for model::ActionRequest {
    type Error = Error;

    fn try_from(r: ActionRequest) -> Result<Self, Error> {
        let mut m = model::ActionRequest::new(r.action_type, r.resource);
        m.resource_id = r.resource_id;
        m.parameters = json_object("parameters", r.parameters.as_deref())?;
        m.context = json_object("context", r.context.as_deref())?;
        m.risk_indicators = json_object("risk_indicators", r.risk_indicators.as_deref())?;
        m.wait_for_decision = r.wait_for_decision;
        m.timeout = r.timeout;
        m.orchestration_session_id = r.orchestration_session_id.map(Value::String);
        m.parent_action_id = r.parent_action_id.map(Value::String);
        m.orchestration_depth = r.orchestration_depth.map(Value::from);
        m.mcp_server_name = r.mcp_server_name;
        m.model_id = r.model_id;
        m.tool_name = r.tool_name;
        m.description = r.description;
        m.business_justification = r.business_justification;
        Ok(m)
    }
}

/// JSON crosses the UniFFI boundary as its text: a JSON object (a decision's `metadata` and promoted fields) is the
/// custom type `JsonObject`, any JSON value (a decision's `raw` reply) `JsonValue`; both are `String` in Kotlin and
/// Swift. Text that is not JSON (or not an object, for `JsonObject`) fails to lift; nested values pass unchanged.
#[cfg(feature = "uniffi")]
mod ffi_json {
    use serde_json::{Map, Value};

    /// A JSON object, as JSON text across the FFI.
    pub type JsonObject = Map<String, Value>;
    /// Any JSON value, as JSON text across the FFI.
    pub type JsonValue = Value;

    uniffi::custom_type!(JsonObject, String, {
        remote,
        lower: |m| Value::Object(m).to_string(),
        try_lift: |s| match serde_json::from_str::<Value>(&s)? {
            Value::Object(m) => Ok(m),
            _ => Err(uniffi::deps::anyhow::anyhow!("a JsonObject must be JSON object text")),
        },
    });

    uniffi::custom_type!(JsonValue, String, {
        remote,
        lower: |v| v.to_string(),
        try_lift: |s| Ok(serde_json::from_str::<Value>(&s)?),
    });
}

/// Arguments of `configure_webhook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WebhookConfig {
    /// HTTPS endpoint that receives the events.
    pub url: String,
    /// Event names (`action.denied`, ...; D12 item 2).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub events: Vec<String>,
    /// Signing secret; generated by the server when absent.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub secret: Option<String>,
}

/// A webhook subscription as the server reports it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Webhook {
    /// Id (stringified).
    pub webhook_id: String,
    /// Target URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Active.
    pub active: bool,
    /// Secret, when the server echoes it (never printed by `Debug`, D19).
    pub secret: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// The whole server object, JSON.
    pub raw: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("active", &self.active)
            .field("secret", &self.secret.as_ref().map(|_| "****"))
            .finish_non_exhaustive()
    }
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl From<&model::Webhook> for Webhook {
    fn from(w: &model::Webhook) -> Self {
        Webhook {
            webhook_id: id_text(&w.webhook_id),
            url: w.url.clone(),
            events: w.events.iter().map(id_text).collect(),
            active: w.active,
            secret: w.secret.clone(),
            created_at: w.created_at.clone(),
            raw: w.raw.to_string(),
        }
    }
}

/// The SDK error as a typed enum: one variant per error kind (Kotlin `AscendException.RateLimit`, ...), each with
/// the stable `code`, the HTTP `status_code`, the `correlation_id`, the message and `details` (JSON), plus the
/// kind's typed extras. Built from [`crate::Error`] only; never contains secrets (D19).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
#[allow(missing_docs)]
pub enum AscendError {
    /// 401: invalid or expired API key (`AUTH_ERROR`).
    Authentication {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// 403 that is not a governance denial (`AUTHZ_DENIED`).
    Authorization {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// A request or a decision wait ran out of time (`TIMEOUT`).
    Timeout {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
        timeout_seconds: Option<f64>,
    },
    /// 429 after the retry budget (`RATE_LIMITED`).
    RateLimit {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
        retry_after_seconds: Option<f64>,
    },
    /// Bad input, locally or from a 400/422 (`VALIDATION_ERROR`); `field` is the first offending field.
    Validation {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
        field: Option<String>,
        field_errors: Option<String>,
    },
    /// The server could not be reached (`CONNECTION_ERROR`).
    Connection {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// The circuit breaker refused the call (`CIRCUIT_OPEN`).
    CircuitOpen {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// Invalid client configuration (`CONFIGURATION_ERROR`); `field` names the parameter.
    Configuration {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
        field: Option<String>,
    },
    /// The kill switch blocks governed calls (`KILL_SWITCH`).
    KillSwitch {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// 5xx after the retry budget, or a malformed success body (`SERVER_ERROR`).
    Server {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// 404 (`NOT_FOUND`).
    NotFound {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// 409 (`CONFLICT`).
    Conflict {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// Any other 4xx (`HTTP_ERROR`).
    Http {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// The call was cancelled by the caller (`CANCELLED`).
    Cancelled {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// A bug in the SDK, including a caught panic (`INTERNAL`).
    Internal {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
    /// A webhook delivery failed verification (`WEBHOOK_*` codes).
    WebhookVerification {
        code: String,
        error_message: String,
        status_code: Option<i32>,
        correlation_id: Option<String>,
        details: String,
    },
}

impl std::fmt::Display for AscendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.code(), self.error_message())
    }
}

impl std::error::Error for AscendError {}

macro_rules! common_fields {
    ($self:ident, $field:ident) => {
        match $self {
            AscendError::Authentication { $field, .. }
            | AscendError::Authorization { $field, .. }
            | AscendError::Timeout { $field, .. }
            | AscendError::RateLimit { $field, .. }
            | AscendError::Validation { $field, .. }
            | AscendError::Connection { $field, .. }
            | AscendError::CircuitOpen { $field, .. }
            | AscendError::Configuration { $field, .. }
            | AscendError::KillSwitch { $field, .. }
            | AscendError::Server { $field, .. }
            | AscendError::NotFound { $field, .. }
            | AscendError::Conflict { $field, .. }
            | AscendError::Http { $field, .. }
            | AscendError::Cancelled { $field, .. }
            | AscendError::Internal { $field, .. }
            | AscendError::WebhookVerification { $field, .. } => $field,
        }
    };
}

impl AscendError {
    /// The stable code (`RATE_LIMITED`, ...).
    pub fn code(&self) -> &str {
        common_fields!(self, code)
    }

    /// The message (no secrets).
    pub fn error_message(&self) -> &str {
        common_fields!(self, error_message)
    }

    /// The details object as JSON text.
    pub fn details(&self) -> &str {
        common_fields!(self, details)
    }
}

impl From<Error> for AscendError {
    fn from(e: Error) -> Self {
        let code = e.code.as_str().to_string();
        let error_message = e.message.clone();
        let status_code = e.status_code.map(i32::from);
        let correlation_id = e.correlation_id.clone();
        let details = Value::Object(e.details.clone()).to_string();
        let num = |k: &str| e.details.get(k).and_then(Value::as_f64);
        macro_rules! variant {
            ($v:ident $(, $extra:ident: $val:expr)*) => {
                AscendError::$v { code, error_message, status_code, correlation_id, details $(, $extra: $val)* }
            };
        }
        match e.code {
            ErrorCode::AuthError => variant!(Authentication),
            ErrorCode::AuthzDenied => variant!(Authorization),
            ErrorCode::Timeout => variant!(Timeout, timeout_seconds: num("timeout_seconds").or_else(|| num("timeout"))),
            ErrorCode::RateLimited => variant!(RateLimit, retry_after_seconds: num("retry_after_seconds")),
            ErrorCode::ValidationError => {
                let fe = e.field_errors();
                let field = e
                    .details
                    .get("field")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| fe.and_then(|m| m.keys().next().cloned()));
                let field_errors = fe.map(|m| Value::Object(m.clone()).to_string());
                variant!(Validation, field: field, field_errors: field_errors)
            }
            ErrorCode::ConnectionError => variant!(Connection),
            ErrorCode::CircuitOpen => variant!(CircuitOpen),
            ErrorCode::ConfigurationError => {
                let field = e.details.get("field").and_then(Value::as_str).map(str::to_string);
                variant!(Configuration, field: field)
            }
            ErrorCode::KillSwitch => variant!(KillSwitch),
            ErrorCode::ServerError => variant!(Server),
            ErrorCode::NotFound => variant!(NotFound),
            ErrorCode::Conflict => variant!(Conflict),
            ErrorCode::HttpError => variant!(Http),
            ErrorCode::Cancelled => variant!(Cancelled),
            ErrorCode::Internal => variant!(Internal),
            ErrorCode::WebhookMissingHeader
            | ErrorCode::WebhookMalformedHeader
            | ErrorCode::WebhookNoMatchingSignature
            | ErrorCode::WebhookTimestampTooOld
            | ErrorCode::WebhookTimestampInFuture
            | ErrorCode::WebhookReplayed
            | ErrorCode::WebhookBodyNotBytes
            | ErrorCode::WebhookMalformedPayload => variant!(WebhookVerification),
        }
    }
}

impl From<AscendError> for Error {
    fn from(a: AscendError) -> Self {
        let code = ErrorCode::parse(a.code()).unwrap_or(ErrorCode::Internal);
        let details = serde_json::from_str::<Value>(a.details()).ok().and_then(|v| v.as_object().cloned());
        let (status_code, correlation_id) = common_status(&a);
        Error {
            code,
            message: a.error_message().to_string(),
            status_code,
            correlation_id,
            details: details.unwrap_or_default(),
        }
    }
}

fn common_status(a: &AscendError) -> (Option<u16>, Option<String>) {
    let status = common_fields!(a, status_code).and_then(|s| u16::try_from(s).ok());
    (status, common_fields!(a, correlation_id).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_converts_with_nested_json_and_names_bad_fields() {
        let mut r = ActionRequest {
            action_type: "database_write".into(),
            resource: "db".into(),
            resource_id: Some("r1".into()),
            parameters: None,
            context: Some(r#"{"a": {"b": [1, 2]}}"#.into()),
            risk_indicators: None,
            wait_for_decision: false,
            timeout: None,
            orchestration_session_id: None,
            parent_action_id: None,
            orchestration_depth: Some(2),
            mcp_server_name: None,
            model_id: None,
            tool_name: None,
            description: None,
            business_justification: None,
        };
        let m = model::ActionRequest::try_from(r.clone()).unwrap();
        assert_eq!(m.context.unwrap()["a"], json!({"b": [1, 2]}));
        assert_eq!(m.orchestration_depth, Some(json!(2)));
        r.context = Some("[1]".into());
        let e = model::ActionRequest::try_from(r).unwrap_err();
        assert!(e.field_errors().unwrap().contains_key("context"));
    }

    #[test]
    fn errors_keep_code_status_and_extras() {
        let e = Error::new(ErrorCode::RateLimited, "slow down")
            .with_status(429)
            .with_detail("retry_after_seconds", json!(3.0))
            .with_correlation_id(Some("c9".into()));
        let a = AscendError::from(e.clone());
        match &a {
            AscendError::RateLimit { retry_after_seconds, status_code, correlation_id, .. } => {
                assert_eq!(
                    (*retry_after_seconds, *status_code, correlation_id.as_deref()),
                    (Some(3.0), Some(429), Some("c9"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(Error::from(a), e);
        let v = AscendError::from(Error::validation("resource", "Required", "resource is required"));
        assert!(matches!(v, AscendError::Validation { field: Some(ref f), .. } if f == "resource"));
        for code in ErrorCode::ALL {
            assert_eq!(AscendError::from(Error::new(code, "m")).code(), code.as_str());
        }
    }
}
