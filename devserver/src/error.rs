//! One error type for every handler: an HTTP status and a JSON body with a `detail` (FastAPI style), so every
//! 4xx the dev server produces is JSON and no input can turn into a 500.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Largest accepted request body (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An error answer: status code plus JSON body `{"detail": ..., <extra keys>}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The `detail` member (a string, or an object for governance denials).
    pub detail: Value,
    /// Other top-level members (e.g. `errors` with per-field messages).
    pub extra: Map<String, Value>,
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with a status and a detail.
    pub fn new(status: StatusCode, detail: impl Into<Value>) -> Self {
        ApiError { status, detail: detail.into(), extra: Map::new() }
    }
    /// 400 Bad Request.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail.into())
    }
    /// 401 Unauthorized.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail.into())
    }
    /// 403 Forbidden with a plain-text detail (an authorization error for clients, not a governance denial).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail.into())
    }
    /// 404 Not Found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail.into())
    }
    /// 409 Conflict.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail.into())
    }
    /// 422 with one field error (`errors: {field: message}`, read by clients as `field_errors`).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: {message}"));
        e.extra.insert("errors".into(), json!({ field: message }));
        e
    }
    /// 500 for storage failures (never caused by input; logged).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal dev-server error")
    }
    /// Adds a top-level member.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("detail".into(), self.detail);
        body.extend(self.extra);
        (self.status, Json(Value::Object(body))).into_response()
    }
}

/// A request body parsed as JSON by hand, so malformed, oversized or non-UTF-8 bodies become JSON 4xx
/// answers. An empty body is `Value::Null`.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("Request body exceeds {MAX_BODY_BYTES} bytes"))
            } else {
                ApiError::bad_request(format!("Cannot read request body: {}", e.body_text()))
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(Value::Null));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::bad_request(format!("Malformed JSON body: {e}")))
    }
}

impl JsonBody {
    /// The body as an object; an empty body is an empty object; anything else is a 422.
    pub fn object(self) -> ApiResult<Map<String, Value>> {
        match self.0 {
            Value::Object(m) => Ok(m),
            Value::Null => Ok(Map::new()),
            _ => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Request body must be a JSON object")),
        }
    }
}

/// Typed access to the members of a JSON object with 422 answers naming the field.
pub struct Fields<'a>(pub &'a Map<String, Value>);

impl Fields<'_> {
    /// A required non-blank string (trimmed).
    pub fn req_str(&self, k: &str) -> ApiResult<String> {
        self.opt_str(k)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid(k, "Required field is missing or empty"))
    }
    /// An optional string (trimmed); `null` is absent; numbers are accepted as their text.
    pub fn opt_str(&self, k: &str) -> ApiResult<Option<String>> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(ApiError::invalid(k, "Must be a string")),
        }
    }
    /// An optional object; `null` is absent.
    pub fn opt_obj(&self, k: &str) -> ApiResult<Option<Map<String, Value>>> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(ApiError::invalid(k, "Must be an object")),
        }
    }
    /// An optional array of strings; `null` is absent.
    pub fn opt_str_list(&self, k: &str) -> ApiResult<Option<Vec<String>>> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| ApiError::invalid(k, "Must be a list of strings"))
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(ApiError::invalid(k, "Must be a list of strings")),
        }
    }
    /// An optional finite number; `null` is absent.
    pub fn opt_f64(&self, k: &str) -> ApiResult<Option<f64>> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => {
                n.as_f64().filter(|f| f.is_finite()).map(Some).ok_or_else(|| ApiError::invalid(k, "Must be a number"))
            }
            Some(_) => Err(ApiError::invalid(k, "Must be a number")),
        }
    }
    /// An optional boolean; `null` is absent.
    pub fn opt_bool(&self, k: &str) -> ApiResult<Option<bool>> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(k, "Must be a boolean")),
        }
    }
}

/// Parses an integer id from a path segment; anything else is a 404 naming the kind.
pub fn parse_id(kind: &str, raw: &str) -> ApiResult<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found(format!("{kind} {raw:?} not found")))
}
