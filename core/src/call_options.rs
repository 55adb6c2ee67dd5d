//! Per-call options: overrides of the client's per-attempt `timeout` and `max_retries`, and extra request headers
//! (a W3C `traceparent`, for instance). A binding passes them as the reserved `request_options` argument of
//! `Client::invoke`, or builds a client view with [`Client::with_options`](crate::Client::with_options) that shares
//! the client's connection pool, breaker, kill switch and spool.

use crate::error::{Error, Result};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};
use std::time::Duration;

/// The reserved `invoke` argument that carries [`CallOptions`] (never sent to the server).
pub const REQUEST_OPTIONS_ARG: &str = "request_options";

/// Headers the SDK sets itself (PROTOCOL §2.2, D2, D9) or that belong to the HTTP layer; an extra header may not
/// replace them.
pub const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "connection",
    "content-length",
    "content-type",
    "host",
    "idempotency-key",
    "transfer-encoding",
    "user-agent",
    "x-api-key",
    "x-correlation-id",
    "x-environment",
    "x-request-timestamp",
    "x-sdk-version",
    "x-signature",
];

/// Overrides for the requests of one call (or of every call through a client view).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    /// Per-attempt timeout instead of the client's `timeout`.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt instead of the client's `max_retries`.
    pub max_retries: Option<u32>,
    /// Extra headers sent with every request of the call (never one of [`RESERVED_HEADERS`]).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

fn invalid(field: &str, message: String) -> Error {
    Error::validation(&format!("{REQUEST_OPTIONS_ARG}.{field}"), message.clone(), message)
}

impl CallOptions {
    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.timeout.is_none() && self.max_retries.is_none() && self.headers.is_empty()
    }

    /// A per-attempt timeout in seconds: a number in (0, 86400].
    pub fn with_timeout(mut self, seconds: f64) -> Result<Self> {
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
            return Err(invalid("timeout", format!("timeout must be a positive number of seconds, got {seconds}")));
        }
        self.timeout = Some(Duration::from_secs_f64(seconds));
        Ok(self)
    }

    /// Retries after the first attempt: 0..=100 (the constructor's range).
    pub fn with_max_retries(mut self, n: i64) -> Result<Self> {
        if !(0..=100).contains(&n) {
            return Err(invalid("max_retries", format!("max_retries must be an integer 0..=100, got {n}")));
        }
        self.max_retries = Some(n as u32);
        Ok(self)
    }

    /// One extra header; a later header of the same name replaces an earlier one. The value is never shown in an
    /// error (it may be a credential).
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid("headers", format!("header name {name:?} is not a valid HTTP header name")))?;
        if RESERVED_HEADERS.contains(&header.as_str()) {
            return Err(invalid("headers", format!("header {} is set by the SDK and cannot be overridden", header)));
        }
        let value = HeaderValue::from_str(value).map_err(|_| {
            invalid("headers", format!("the value of header {header} is not a valid HTTP header value"))
        })?;
        self.headers.retain(|(n, _)| n != header);
        self.headers.push((header, value));
        Ok(self)
    }

    /// Parses `{"timeout": seconds, "max_retries": n, "headers": {name: value}}` (every key optional, `null` meaning
    /// absent). Unknown keys and wrong types are `VALIDATION_ERROR`s naming `request_options.<key>`.
    pub fn from_json(v: &Value) -> Result<Self> {
        let empty = Map::new();
        let map = match v {
            Value::Null => &empty,
            Value::Object(m) => m,
            _ => {
                return Err(Error::validation(
                    REQUEST_OPTIONS_ARG,
                    "Must be an object",
                    format!("{REQUEST_OPTIONS_ARG} must be an object"),
                ))
            }
        };
        let mut opts = CallOptions::default();
        for (key, value) in map {
            if value.is_null() {
                continue;
            }
            opts = match key.as_str() {
                "timeout" => match value.as_f64() {
                    Some(s) if !value.is_boolean() => opts.with_timeout(s)?,
                    _ => return Err(invalid("timeout", "timeout must be a number of seconds".into())),
                },
                "max_retries" => match value.as_i64() {
                    Some(n) => opts.with_max_retries(n)?,
                    None => return Err(invalid("max_retries", "max_retries must be an integer".into())),
                },
                "headers" => {
                    let Value::Object(headers) = value else {
                        return Err(invalid("headers", "headers must be an object of strings".into()));
                    };
                    let mut opts = opts;
                    for (name, text) in headers {
                        let Value::String(text) = text else {
                            return Err(invalid("headers", format!("header {name:?} must be a string")));
                        };
                        opts = opts.with_header(name, text)?;
                    }
                    opts
                }
                other => return Err(invalid(other, format!("unknown request option '{other}'"))),
            };
        }
        Ok(opts)
    }

    /// These options with `over`'s settings taking precedence (headers of the same name replaced).
    pub fn merged(&self, over: &CallOptions) -> CallOptions {
        let mut out = self.clone();
        out.timeout = over.timeout.or(self.timeout);
        out.max_retries = over.max_retries.or(self.max_retries);
        for (name, value) in &over.headers {
            out.headers.retain(|(n, _)| n != name);
            out.headers.push((name.clone(), value.clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(e: &Error) -> String {
        e.details["field_errors"].as_object().unwrap().keys().next().unwrap().clone()
    }

    #[test]
    fn parses_every_option() {
        let o = CallOptions::from_json(&json!({"timeout": 0.25, "max_retries": 0, "headers": {"traceparent": "00-x"}}))
            .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(250)));
        assert_eq!(o.max_retries, Some(0));
        assert_eq!(o.headers.len(), 1);
        assert_eq!(o.headers[0].0.as_str(), "traceparent");
        assert!(CallOptions::from_json(&json!({"timeout": null})).unwrap().is_empty());
        assert!(CallOptions::from_json(&Value::Null).unwrap().is_empty());
    }

    #[test]
    fn refuses_bad_values_naming_the_option() {
        for (v, field) in [
            (json!({"timeout": 0}), "request_options.timeout"),
            (json!({"timeout": "5"}), "request_options.timeout"),
            (json!({"timeout": true}), "request_options.timeout"),
            (json!({"max_retries": -1}), "request_options.max_retries"),
            (json!({"max_retries": 1.5}), "request_options.max_retries"),
            (json!({"headers": {"X-Api-Key": "x"}}), "request_options.headers"),
            (json!({"headers": {"Idempotency-Key": "x"}}), "request_options.headers"),
            (json!({"headers": {"bad name": "x"}}), "request_options.headers"),
            (json!({"headers": {"x-a": "line\nbreak"}}), "request_options.headers"),
            (json!({"headers": {"x-a": 1}}), "request_options.headers"),
            (json!({"retries": 1}), "request_options.retries"),
            (json!([1]), "request_options"),
        ] {
            let e = CallOptions::from_json(&v).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ValidationError, "{v}");
            assert_eq!(field_of(&e), field, "{v}");
        }
        let e = CallOptions::from_json(&json!({"headers": {"x-a": "secret\u{1}"}})).unwrap_err();
        assert!(!e.message.contains("secret"), "{}", e.message);
    }

    #[test]
    fn merge_prefers_the_later_options() {
        let base = CallOptions::default().with_timeout(2.0).unwrap().with_header("x-a", "1").unwrap();
        let over = CallOptions::default().with_max_retries(0).unwrap().with_header("X-A", "2").unwrap();
        let m = base.merged(&over);
        assert_eq!((m.timeout, m.max_retries), (Some(Duration::from_secs(2)), Some(0)));
        assert_eq!(m.headers.len(), 1);
        assert_eq!(m.headers[0].1, "2");
    }
}
