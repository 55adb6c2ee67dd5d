//! One error type for the whole SDK, with stable codes that every binding maps to its own idiom.
//!
//! Messages and `details` never contain the API key or any secret (DECISIONS D19): the transport builds
//! messages from status codes, server `detail` fields and error kinds only.

use serde_json::{Map, Value};
use std::fmt;

/// Stable error code. The string form (`as_str`) is part of the public contract of every binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 401: invalid or expired API key.
    AuthError,
    /// 403 that is not a governance denial.
    AuthzDenied,
    /// A request or a decision wait ran out of time.
    Timeout,
    /// 429 after the retry budget was spent.
    RateLimited,
    /// Bad input, locally or from a 400/422.
    ValidationError,
    /// The server could not be reached.
    ConnectionError,
    /// The circuit breaker refused the call without network I/O.
    CircuitOpen,
    /// Invalid client configuration.
    ConfigurationError,
    /// The kill switch blocks governed calls.
    KillSwitch,
    /// 5xx after the retry budget was spent, or a malformed success body.
    ServerError,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// Any other 4xx.
    HttpError,
    /// A wait was cancelled by the caller.
    Cancelled,
    /// A bug in the SDK (including a caught panic).
    Internal,
    /// Webhook: a required signature header is missing.
    WebhookMissingHeader,
    /// Webhook: a signature header cannot be parsed.
    WebhookMalformedHeader,
    /// Webhook: no signature matched any secret.
    WebhookNoMatchingSignature,
    /// Webhook: timestamp older than the tolerance.
    WebhookTimestampTooOld,
    /// Webhook: timestamp further in the future than the tolerance.
    WebhookTimestampInFuture,
    /// Webhook: the webhook id was seen before within the tolerance window.
    WebhookReplayed,
    /// Webhook: the payload was not raw bytes (text or parsed JSON passed by a binding).
    WebhookBodyNotBytes,
    /// Webhook: the verified payload is not a valid event.
    WebhookMalformedPayload,
}

impl ErrorCode {
    /// Every code, for tables and tests.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::AuthError,
        ErrorCode::AuthzDenied,
        ErrorCode::Timeout,
        ErrorCode::RateLimited,
        ErrorCode::ValidationError,
        ErrorCode::ConnectionError,
        ErrorCode::CircuitOpen,
        ErrorCode::ConfigurationError,
        ErrorCode::KillSwitch,
        ErrorCode::ServerError,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::HttpError,
        ErrorCode::Cancelled,
        ErrorCode::Internal,
        ErrorCode::WebhookMissingHeader,
        ErrorCode::WebhookMalformedHeader,
        ErrorCode::WebhookNoMatchingSignature,
        ErrorCode::WebhookTimestampTooOld,
        ErrorCode::WebhookTimestampInFuture,
        ErrorCode::WebhookReplayed,
        ErrorCode::WebhookBodyNotBytes,
        ErrorCode::WebhookMalformedPayload,
    ];

    /// The stable code string (`"RATE_LIMITED"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AuthError => "AUTH_ERROR",
            ErrorCode::AuthzDenied => "AUTHZ_DENIED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::ValidationError => "VALIDATION_ERROR",
            ErrorCode::ConnectionError => "CONNECTION_ERROR",
            ErrorCode::CircuitOpen => "CIRCUIT_OPEN",
            ErrorCode::ConfigurationError => "CONFIGURATION_ERROR",
            ErrorCode::KillSwitch => "KILL_SWITCH",
            ErrorCode::ServerError => "SERVER_ERROR",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::HttpError => "HTTP_ERROR",
            ErrorCode::Cancelled => "CANCELLED",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::WebhookMissingHeader => "WEBHOOK_MISSING_HEADER",
            ErrorCode::WebhookMalformedHeader => "WEBHOOK_MALFORMED_HEADER",
            ErrorCode::WebhookNoMatchingSignature => "WEBHOOK_NO_MATCHING_SIGNATURE",
            ErrorCode::WebhookTimestampTooOld => "WEBHOOK_TIMESTAMP_TOO_OLD",
            ErrorCode::WebhookTimestampInFuture => "WEBHOOK_TIMESTAMP_IN_FUTURE",
            ErrorCode::WebhookReplayed => "WEBHOOK_REPLAYED",
            ErrorCode::WebhookBodyNotBytes => "WEBHOOK_BODY_NOT_BYTES",
            ErrorCode::WebhookMalformedPayload => "WEBHOOK_MALFORMED_PAYLOAD",
        }
    }

    /// Parses a stable code string.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The exception class name of the Python package (`ascend.exceptions`), shared by all runners.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorCode::AuthError => "AuthenticationError",
            ErrorCode::AuthzDenied => "AuthorizationError",
            ErrorCode::Timeout => "TimeoutError",
            ErrorCode::RateLimited => "RateLimitError",
            ErrorCode::ValidationError => "ValidationError",
            ErrorCode::ConnectionError => "ConnectionError",
            ErrorCode::CircuitOpen => "CircuitBreakerOpen",
            ErrorCode::ConfigurationError => "ConfigurationError",
            ErrorCode::KillSwitch => "KillSwitchError",
            ErrorCode::ServerError => "ServerError",
            ErrorCode::NotFound => "NotFoundError",
            ErrorCode::Conflict => "ConflictError",
            ErrorCode::HttpError | ErrorCode::Cancelled | ErrorCode::Internal => "OWKAIError",
            ErrorCode::WebhookMissingHeader
            | ErrorCode::WebhookMalformedHeader
            | ErrorCode::WebhookNoMatchingSignature
            | ErrorCode::WebhookTimestampTooOld
            | ErrorCode::WebhookTimestampInFuture
            | ErrorCode::WebhookReplayed
            | ErrorCode::WebhookBodyNotBytes
            | ErrorCode::WebhookMalformedPayload => "WebhookVerificationError",
        }
    }

    /// The `error_code` attribute the peer's Python exceptions carry (PROTOCOL §7).
    pub fn peer_error_code(self) -> &'static str {
        match self {
            ErrorCode::RateLimited => "RATE_LIMIT",
            ErrorCode::ConfigurationError => "CONFIG_ERROR",
            ErrorCode::KillSwitch => "KILL_SWITCH_ACTIVE",
            other => other.as_str(),
        }
    }

    /// Whether retrying the same call later may succeed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::Timeout
                | ErrorCode::RateLimited
                | ErrorCode::ConnectionError
                | ErrorCode::CircuitOpen
                | ErrorCode::ServerError
        )
    }
}

impl ErrorCode {
    /// The `details` keys this code's exception class exposes as typed attributes (its "extras").
    pub fn extras(self) -> &'static [&'static str] {
        match self {
            ErrorCode::AuthzDenied => &["policy_violations", "risk_score"],
            ErrorCode::Timeout => &["timeout_seconds"],
            ErrorCode::RateLimited => &["retry_after_seconds"],
            ErrorCode::ValidationError => &["field", "field_errors"],
            ErrorCode::CircuitOpen => &["recovery_time_seconds"],
            ErrorCode::ConfigurationError => &["field"],
            ErrorCode::KillSwitch => &["reason"],
            ErrorCode::NotFound | ErrorCode::Conflict => &["resource"],
            _ => &[],
        }
    }

    /// The whole code table as JSON, one row per code: `{"code", "class", "error_code", "retryable", "extras"}`.
    /// Bindings build their exception mapping from it instead of keeping copies.
    pub fn table() -> Value {
        Value::Array(
            ErrorCode::ALL
                .iter()
                .map(|c| {
                    serde_json::json!({"code": c.as_str(), "class": c.class_name(), "error_code": c.peer_error_code(),
                                       "retryable": c.retryable(), "extras": c.extras()})
                })
                .collect(),
        )
    }
}

/// An error as a binding raises it: one variant per exception class, each with its typed extras. Every
/// variant's common fields (code, message, status, correlation id, details) stay on [`Error`].
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// 401.
    Authentication,
    /// Non-governance 403.
    Authorization {
        /// Policies the server named.
        policy_violations: Vec<String>,
    },
    /// A request or a decision wait ran out of time.
    Timeout {
        /// The wait's timeout, for decision waits.
        timeout_seconds: Option<f64>,
    },
    /// 429 after the retry budget.
    RateLimit {
        /// The server's `Retry-After`, in seconds.
        retry_after_seconds: Option<f64>,
    },
    /// Bad input (local or 400/422).
    Validation {
        /// The first offending field, when known.
        field: Option<String>,
        /// Every offending field with its message.
        field_errors: Map<String, Value>,
    },
    /// The server could not be reached.
    Connection,
    /// The circuit breaker refused the call.
    CircuitOpen {
        /// Seconds until a half-open trial.
        recovery_time_seconds: Option<f64>,
    },
    /// Invalid client configuration.
    Configuration {
        /// The offending constructor parameter.
        field: Option<String>,
    },
    /// The kill switch blocks governed calls.
    KillSwitch {
        /// Why, as the server said.
        reason: Option<String>,
    },
    /// 5xx after retries, or a malformed success reply.
    Server,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// Any other 4xx.
    Http,
    /// The caller cancelled the call.
    Cancelled,
    /// A bug in the SDK.
    Internal,
    /// A webhook failed verification (the code says why).
    WebhookVerification,
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SDK error: a code, a message and structured details. Never contains secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable message (no secrets).
    pub message: String,
    /// HTTP status, when the error came from a response.
    pub status_code: Option<u16>,
    /// The `X-Correlation-ID` of the request that failed, when there was one.
    pub correlation_id: Option<String>,
    /// Structured details (`field_errors`, `retry_after_seconds`, `status_code`, server body, ...).
    pub details: Map<String, Value>,
}

/// Result alias used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error with no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), status_code: None, correlation_id: None, details: Map::new() }
    }

    /// A `VALIDATION_ERROR` naming one field.
    pub fn validation(field: &str, field_message: impl Into<String>, message: impl Into<String>) -> Self {
        let mut fe = Map::new();
        fe.insert(field.to_string(), Value::String(field_message.into()));
        Error::new(ErrorCode::ValidationError, message).with_detail("field_errors", Value::Object(fe))
    }

    /// A `CONFIGURATION_ERROR` naming one field.
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::ConfigurationError, message).with_detail("field", Value::String(field.to_string()))
    }

    /// An `INTERNAL` error.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message)
    }

    /// The `INTERNAL` error for a panic a binding caught at its boundary (D20): every binding turns a panic
    /// into this error instead of unwinding into the host. The message names the SDK and the panic's text
    /// (the SDK's own, never user data).
    pub fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let text = if let Some(s) = payload.downcast_ref::<&str>() {
            *s
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.as_str()
        } else {
            "unknown panic payload"
        };
        Error::internal(format!("internal error in the ASCEND SDK (Rust panic: {text})"))
    }

    /// Adds one entry to `details`.
    pub fn with_detail(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.to_string(), value);
        self
    }

    /// Sets the HTTP status (also mirrored into `details.status_code`).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status_code = Some(status);
        self.details.insert("status_code".into(), Value::from(status));
        self
    }

    /// Sets the correlation id.
    pub fn with_correlation_id(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.correlation_id = id;
        }
        self
    }

    /// Whether retrying later may succeed.
    pub fn retryable(&self) -> bool {
        self.code.retryable()
    }

    /// True when the server could not be reached: connection error, transport timeout, breaker open or an
    /// exhausted 5xx. These are the only outcomes fail mode may act on (DECISIONS D4); a malformed 2xx
    /// (`SERVER_ERROR` with a 2xx status) and a decision-wait timeout are not.
    pub fn is_unreachable(&self) -> bool {
        match self.code {
            ErrorCode::ConnectionError | ErrorCode::CircuitOpen => true,
            ErrorCode::Timeout => !self.details.contains_key("decision_wait"),
            ErrorCode::ServerError => self.status_code.is_some_and(|s| s >= 500),
            _ => false,
        }
    }

    /// The `field_errors` map of a validation error, if any.
    pub fn field_errors(&self) -> Option<&Map<String, Value>> {
        self.details.get("field_errors").and_then(Value::as_object)
    }

    /// The offending field of a validation or configuration error.
    pub fn field(&self) -> Option<String> {
        if let Some(f) = self.details.get("field").and_then(Value::as_str) {
            return Some(f.to_string());
        }
        self.field_errors().and_then(|m| m.keys().next().cloned())
    }

    /// The typed kind of this error, with its extras.
    pub fn kind(&self) -> ErrorKind {
        let num = |k: &str| self.details.get(k).and_then(Value::as_f64);
        let text = |k: &str| self.details.get(k).and_then(Value::as_str).map(str::to_string);
        match self.code {
            ErrorCode::AuthError => ErrorKind::Authentication,
            ErrorCode::AuthzDenied => ErrorKind::Authorization {
                policy_violations: self
                    .details
                    .get("policy_violations")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    .unwrap_or_default(),
            },
            ErrorCode::Timeout => ErrorKind::Timeout { timeout_seconds: num("timeout_seconds") },
            ErrorCode::RateLimited => ErrorKind::RateLimit { retry_after_seconds: num("retry_after_seconds") },
            ErrorCode::ValidationError => ErrorKind::Validation {
                field: self.field(),
                field_errors: self.field_errors().cloned().unwrap_or_default(),
            },
            ErrorCode::ConnectionError => ErrorKind::Connection,
            ErrorCode::CircuitOpen => ErrorKind::CircuitOpen { recovery_time_seconds: num("recovery_time_seconds") },
            ErrorCode::ConfigurationError => ErrorKind::Configuration { field: self.field() },
            ErrorCode::KillSwitch => ErrorKind::KillSwitch { reason: text("reason") },
            ErrorCode::ServerError => ErrorKind::Server,
            ErrorCode::NotFound => ErrorKind::NotFound,
            ErrorCode::Conflict => ErrorKind::Conflict,
            ErrorCode::HttpError => ErrorKind::Http,
            ErrorCode::Cancelled => ErrorKind::Cancelled,
            ErrorCode::Internal => ErrorKind::Internal,
            _ => ErrorKind::WebhookVerification,
        }
    }

    /// The error projection every binding maps from: `code`, `class`, `message`, `status_code`,
    /// `correlation_id`, `retryable`, `error_code` (the peer's), `details`, and the class's typed extras
    /// (`retry_after_seconds`, `field`, `field_errors`, `timeout_seconds`, `policy_violations`, …) when present.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), Value::from(self.code.as_str()));
        m.insert("class".into(), Value::from(self.code.class_name()));
        m.insert("message".into(), Value::from(self.message.clone()));
        m.insert("status_code".into(), self.status_code.map(Value::from).unwrap_or(Value::Null));
        m.insert("correlation_id".into(), self.correlation_id.clone().map(Value::from).unwrap_or(Value::Null));
        m.insert("retryable".into(), Value::Bool(self.retryable()));
        m.insert("error_code".into(), Value::from(self.code.peer_error_code()));
        for key in self.code.extras() {
            let v = match *key {
                "field" => self.field().map(Value::from),
                k => self.details.get(k).cloned(),
            };
            if let Some(v) = v.filter(|v| !v.is_null()) {
                m.insert((*key).to_string(), v);
            }
        }
        m.insert("details".into(), Value::Object(self.details.clone()));
        Value::Object(m)
    }

    /// A `CANCELLED` error: the caller cancelled the call.
    pub fn cancelled() -> Self {
        Error::new(ErrorCode::Cancelled, "The call was cancelled")
    }

    /// The `[CODE] message` form used by the peer's `str(exception)`.
    pub fn display_with_code(&self) -> String {
        format!("[{}] {}", self.code.peer_error_code(), self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn peer_codes_follow_protocol_section_7() {
        assert_eq!(ErrorCode::RateLimited.peer_error_code(), "RATE_LIMIT");
        assert_eq!(ErrorCode::KillSwitch.peer_error_code(), "KILL_SWITCH_ACTIVE");
        assert_eq!(ErrorCode::ConfigurationError.peer_error_code(), "CONFIG_ERROR");
        assert_eq!(ErrorCode::AuthError.peer_error_code(), "AUTH_ERROR");
    }

    #[test]
    fn projection_carries_the_typed_extras() {
        let e = Error::new(ErrorCode::RateLimited, "slow down")
            .with_status(429)
            .with_detail("retry_after_seconds", serde_json::json!(7.0));
        let j = e.to_json();
        assert_eq!(j["class"], "RateLimitError");
        assert_eq!(j["error_code"], "RATE_LIMIT");
        assert_eq!(j["retry_after_seconds"], 7.0);
        assert_eq!(j["retryable"], true);
        assert_eq!(e.kind(), ErrorKind::RateLimit { retry_after_seconds: Some(7.0) });
        let v = Error::validation("resource", "Required field is missing or empty", "bad");
        assert_eq!(v.to_json()["field"], "resource");
        assert!(matches!(v.kind(), ErrorKind::Validation { field: Some(f), .. } if f == "resource"));
        assert_eq!(ErrorCode::table().as_array().unwrap().len(), ErrorCode::ALL.len());
    }

    #[test]
    fn validation_names_the_field() {
        let e = Error::validation("action_type", "Required field is missing or empty", "bad");
        assert_eq!(e.field_errors().unwrap()["action_type"], "Required field is missing or empty");
        assert_eq!(e.to_string(), "[VALIDATION_ERROR] bad");
    }
}
