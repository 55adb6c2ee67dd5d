//! `DevServer(params)`: the Python parameter dict as a `ServerConfig`, with the client module's error rules (an
//! unknown key is a `VALIDATION_ERROR` naming it, a value of the wrong type a `CONFIGURATION_ERROR` naming the
//! field and only its type, never its value: D19).

use ascend_core::Error;
use ascend_devserver::ServerConfig;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Constructor keys.
const KNOWN_PARAMS: &[&str] =
    &["db", "api_key", "admin_token", "deny_at", "auto_approve_below", "require_registration", "host", "port"];

fn validation(field: &str, field_message: &str, message: impl Into<String>) -> Error {
    Error::validation(field, field_message, message)
}

fn type_error(field: &str, want: &str, got: &Bound<'_, PyAny>) -> Error {
    let got = got.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
    Error::config(field, format!("{field} must be {want}, got {got}"))
}

fn opt_string(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<String>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    match v.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|s| Some(s.into_owned())).map_err(|_| type_error(field, "valid UTF-8 text", v)),
        Err(_) => Err(type_error(field, "a string", v)),
    }
}

fn opt_f64(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<f64>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    if v.is_instance_of::<PyBool>() || !(v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>()) {
        return Err(type_error(field, "a number", v));
    }
    v.extract::<f64>().map(Some).map_err(|_| type_error(field, "a number", v))
}

fn opt_bool(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<bool>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    v.is_truthy().map(Some).map_err(|_| type_error(field, "a boolean", v))
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

fn threshold(field: &str, v: Option<f64>) -> Result<Option<f64>, Error> {
    match v {
        Some(x) if !(0.0..=100.0).contains(&x) => {
            Err(validation(field, "Must be between 0 and 100", format!("{field} must be between 0 and 100")))
        }
        other => Ok(other),
    }
}

/// The server configuration for a parameter dict (`None` values mean "default"); a missing API key or admin token
/// is generated.
pub fn parse_params(dict: &Bound<'_, PyDict>) -> Result<ServerConfig, Error> {
    let mut cfg = ServerConfig::new(String::new(), String::new());
    let mut host: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 0;
    for (key, v) in dict.iter() {
        let key: String = match key.cast::<PyString>() {
            Ok(k) => k.to_string(),
            Err(_) => {
                return Err(validation("params", "Keys must be strings", "dev server parameter names must be strings"))
            }
        };
        let k = key.as_str();
        match k {
            "db" => cfg.db = opt_string(k, &v)?.unwrap_or_else(|| ":memory:".into()),
            "api_key" => cfg.api_key = opt_string(k, &v)?.unwrap_or_default(),
            "admin_token" => cfg.admin_token = opt_string(k, &v)?.unwrap_or_default(),
            "deny_at" => cfg.deny_at = threshold(k, opt_f64(k, &v)?)?,
            "auto_approve_below" => {
                if let Some(x) = threshold(k, opt_f64(k, &v)?)? {
                    cfg.auto_approve_below = x;
                }
            }
            "require_registration" => cfg.require_registration = opt_bool(k, &v)?.unwrap_or(false),
            "host" => {
                if let Some(h) = opt_string(k, &v)? {
                    host = h.parse().map_err(|_| type_error(k, "an IP address", &v))?;
                    if !host.is_loopback() {
                        return Err(validation(
                            k,
                            "Must be a loopback address",
                            "the dev server binds to loopback only",
                        ));
                    }
                }
            }
            "port" => {
                if !v.is_none() {
                    port = v.extract::<u16>().map_err(|_| type_error(k, "an integer port (0-65535)", &v))?;
                }
            }
            _ => {
                debug_assert!(!KNOWN_PARAMS.contains(&k));
                return Err(validation(k, "Unknown parameter", format!("unknown dev server parameter: {k}")));
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

/// A dev server action id (an integer, as text).
pub fn parse_id(action_id: &str) -> Result<i64, Error> {
    action_id.trim().parse::<i64>().map_err(|_| {
        validation("action_id", "Must be a dev server action id (an integer)", "action_id must be an integer id")
    })
}
