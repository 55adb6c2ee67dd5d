//! Hosting the dev server inside another process (Python's `ascend.testing.DevServer`, Node's
//! `ascend-sdk/testing`): the binding-neutral parameter object, action ids and the mapping of the server's own
//! error answers onto the core's error codes. Bindings convert their host values to JSON and delegate here.

use crate::error::ApiError;
use crate::state::ServerConfig;
use ascend_core::{Error, ErrorCode};
use serde_json::{Map, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The keys `ServerConfig::from_json` accepts (snake_case; bindings camelCase them mechanically).
pub const PARAM_NAMES: &[&str] =
    &["db", "api_key", "admin_token", "deny_at", "auto_approve_below", "require_registration", "host", "port"];

/// A value of the wrong type: a `CONFIGURATION_ERROR` naming the field and the wanted type, never the value (D19).
fn wrong_type(field: &str, want: &str) -> Error {
    Error::config(field, format!("{field} must be {want}"))
}

fn text(field: &str, v: &Value) -> Result<Option<String>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(wrong_type(field, "a string")),
    }
}

fn threshold(field: &str, v: &Value) -> Result<Option<f64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_f64() {
            Some(x) if (0.0..=100.0).contains(&x) => Ok(Some(x)),
            _ => {
                Err(Error::validation(field, "Must be between 0 and 100", format!("{field} must be between 0 and 100")))
            }
        },
        _ => Err(wrong_type(field, "a number")),
    }
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

impl ServerConfig {
    /// The configuration for a snake_case parameter object (`null` or an absent key means "default"): loopback
    /// only, in-memory unless `db` is given, and a generated API key / admin token unless given. An unknown key is a
    /// `VALIDATION_ERROR` naming it, a value of the wrong type a `CONFIGURATION_ERROR` naming the field, an
    /// out-of-range threshold or a non-loopback host a `VALIDATION_ERROR`.
    pub fn from_json(params: &Value) -> Result<ServerConfig, Error> {
        let empty = Map::new();
        let map = match params {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => return Err(wrong_type("params", "an object")),
        };
        let mut cfg = ServerConfig::new(String::new(), String::new());
        let mut host: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let mut port: u16 = 0;
        for (k, v) in map {
            let k = k.as_str();
            match k {
                "db" => cfg.db = text(k, v)?.unwrap_or_else(|| ":memory:".into()),
                "api_key" => cfg.api_key = text(k, v)?.unwrap_or_default(),
                "admin_token" => cfg.admin_token = text(k, v)?.unwrap_or_default(),
                "deny_at" => cfg.deny_at = threshold(k, v)?,
                "auto_approve_below" => {
                    if let Some(x) = threshold(k, v)? {
                        cfg.auto_approve_below = x;
                    }
                }
                "require_registration" => {
                    cfg.require_registration = match v {
                        Value::Null => false,
                        Value::Bool(b) => *b,
                        _ => return Err(wrong_type(k, "a boolean")),
                    }
                }
                "host" => {
                    if let Some(h) = text(k, v)? {
                        host = h.parse().map_err(|_| wrong_type(k, "an IP address"))?;
                        if !host.is_loopback() {
                            return Err(Error::validation(
                                k,
                                "Must be a loopback address",
                                "the dev server binds to loopback only",
                            ));
                        }
                    }
                }
                "port" => {
                    if !v.is_null() {
                        port = v
                            .as_u64()
                            .and_then(|p| u16::try_from(p).ok())
                            .ok_or_else(|| wrong_type(k, "an integer port (0-65535)"))?;
                    }
                }
                _ => {
                    debug_assert!(!PARAM_NAMES.contains(&k));
                    return Err(Error::validation(
                        k,
                        "Unknown parameter",
                        format!("unknown dev server parameter: {k}"),
                    ));
                }
            }
        }
        if cfg.api_key.is_empty() {
            cfg.api_key = random_token("owkai_test_");
        }
        if cfg.admin_token.is_empty() {
            cfg.admin_token = random_token("adm_test_");
        }
        cfg.addr = SocketAddr::new(host, port);
        Ok(cfg)
    }
}

/// A dev server action id (an integer, given as text by every binding).
pub fn parse_action_id(action_id: &str) -> Result<i64, Error> {
    action_id.trim().parse::<i64>().map_err(|_| {
        Error::validation("action_id", "Must be a dev server action id (an integer)", "action_id must be an integer id")
    })
}

impl From<ApiError> for Error {
    /// The server's error answer as a core error: 404 → `NOT_FOUND`, 409 → `CONFLICT`, 400/422 →
    /// `VALIDATION_ERROR`, anything else `INTERNAL`; the status code is kept.
    fn from(e: ApiError) -> Error {
        let status = e.status.as_u16();
        let code = match status {
            404 => ErrorCode::NotFound,
            409 => ErrorCode::Conflict,
            400 | 422 => ErrorCode::ValidationError,
            _ => ErrorCode::Internal,
        };
        let message = match &e.detail {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Error::new(code, message).with_status(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(e: &Error) -> Value {
        e.to_json()["field"].clone()
    }

    #[test]
    fn defaults_are_loopback_in_memory_with_generated_credentials() {
        let cfg = ServerConfig::from_json(&Value::Null).unwrap();
        assert!(cfg.addr.ip().is_loopback());
        assert_eq!(cfg.db, ":memory:");
        assert!(cfg.api_key.starts_with("owkai_test_") && cfg.admin_token.starts_with("adm_test_"));
    }

    #[test]
    fn every_key_is_read() {
        let cfg = ServerConfig::from_json(&json!({"db": "x.db", "api_key": "k", "admin_token": "t", "deny_at": 98,
            "auto_approve_below": 40, "require_registration": true, "host": "::1", "port": 0}))
        .unwrap();
        assert_eq!((cfg.db.as_str(), cfg.api_key.as_str(), cfg.admin_token.as_str()), ("x.db", "k", "t"));
        assert_eq!((cfg.deny_at, cfg.auto_approve_below, cfg.require_registration), (Some(98.0), 40.0, true));
        assert!(cfg.addr.is_ipv6());
    }

    #[test]
    fn bad_values_are_typed_errors_naming_the_field() {
        let e = ServerConfig::from_json(&json!({"deny_at": 150})).unwrap_err();
        assert_eq!((e.code, field(&e)), (ErrorCode::ValidationError, json!("deny_at")));
        let e = ServerConfig::from_json(&json!({"port": "80"})).unwrap_err();
        assert_eq!((e.code, field(&e)), (ErrorCode::ConfigurationError, json!("port")));
        let e = ServerConfig::from_json(&json!({"host": "10.0.0.1"})).unwrap_err();
        assert_eq!((e.code, field(&e)), (ErrorCode::ValidationError, json!("host")));
        let e = ServerConfig::from_json(&json!({"colour": 1})).unwrap_err();
        assert_eq!((e.code, field(&e)), (ErrorCode::ValidationError, json!("colour")));
        let e = ServerConfig::from_json(&json!({"require_registration": 1})).unwrap_err();
        assert_eq!(field(&e), json!("require_registration"));
        assert_eq!(field(&parse_action_id("x").unwrap_err()), json!("action_id"));
        assert_eq!(parse_action_id(" 7 ").unwrap(), 7);
    }

    #[test]
    fn api_errors_map_to_core_codes() {
        let e: Error = ApiError::new(axum::http::StatusCode::CONFLICT, "already decided").into();
        assert_eq!((e.code, e.status_code, e.message.as_str()), (ErrorCode::Conflict, Some(409), "already decided"));
    }
}
