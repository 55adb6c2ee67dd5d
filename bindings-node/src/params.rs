//! Constructor parameters: a snake_case JSON object (the facade camel->snake converts `AscendClient` options) into
//! `ascend_core::ClientParams`, plus two private test hooks of the conformance runner (`_clock`, `_env`).

use ascend_core::clock::{ManualClock, SharedClock, SystemClock};
use ascend_core::{ClientParams, Error};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Default start of a manual clock (`_clock: "manual"`): 2026-01-01T00:00:00Z, as in the conformance runners.
const DEFAULT_MANUAL_START_UNIX: f64 = 1_767_225_600.0;

/// Parsed constructor input.
pub struct Parsed {
    pub params: ClientParams,
    pub clock: SharedClock,
    pub manual: Option<Arc<ManualClock>>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn type_error(field: &str, want: &str, got: &Value) -> Error {
    // Only the type is named: the value may be a secret (D19).
    Error::config(field, format!("{field} must be {want}, got {}", kind(got)))
}

fn opt_string(field: &str, v: &Value) -> Result<Option<String>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(type_error(field, "a string", other)),
    }
}

fn opt_f64(field: &str, v: &Value) -> Result<Option<f64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        other => Err(type_error(field, "a number", other)),
    }
}

fn opt_i64(field: &str, v: &Value) -> Result<Option<i64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15) => {
                Ok(n.as_f64().map(|f| f as i64))
            }
            None => Err(type_error(field, "an integer", v)),
        },
        other => Err(type_error(field, "an integer", other)),
    }
}

fn opt_bool(field: &str, v: &Value) -> Result<Option<bool>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        other => Err(type_error(field, "a boolean", other)),
    }
}

fn opt_path(field: &str, v: &Value) -> Result<Option<PathBuf>, Error> {
    opt_string(field, v).map(|s| s.map(PathBuf::from))
}

fn parse_clock(v: &Value) -> Result<(SharedClock, Option<Arc<ManualClock>>), Error> {
    let spec = opt_string("_clock", v)?.unwrap_or_else(|| "system".into());
    let bad = || Error::config("_clock", format!("_clock must be 'system', 'manual' or 'manual:<start_unix>', got {spec:?}"));
    match spec.split_once(':').map(|(a, b)| (a, Some(b))).unwrap_or((spec.as_str(), None)) {
        ("system", None) => Ok((Arc::new(SystemClock), None)),
        ("manual", start) => {
            let start = match start {
                None => DEFAULT_MANUAL_START_UNIX,
                Some(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(bad)?,
            };
            let clock = ManualClock::new((start * 1e6).round() as i64);
            Ok((clock.clone(), Some(clock)))
        }
        _ => Err(bad()),
    }
}

fn parse_env(v: &Value) -> Result<Option<HashMap<String, String>>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(type_error("_env", "an object of strings", other)),
            })
            .collect::<Result<HashMap<_, _>, _>>()
            .map(Some),
        other => Err(type_error("_env", "an object of strings", other)),
    }
}

/// Parses the constructor object. Unknown keys are a `VALIDATION_ERROR` naming the key.
pub fn parse(map: &Map<String, Value>) -> Result<Parsed, Error> {
    let mut p = ClientParams::default();
    let mut clock: SharedClock = Arc::new(SystemClock);
    let mut manual = None;
    for (key, v) in map {
        let k = key.as_str();
        match k {
            "api_key" => p.api_key = opt_string(k, v)?,
            "agent_id" => p.agent_id = opt_string(k, v)?,
            "agent_name" => p.agent_name = opt_string(k, v)?,
            "api_url" => p.api_url = opt_string(k, v)?,
            "environment" => p.environment = opt_string(k, v)?,
            "fail_mode" => p.fail_mode = opt_string(k, v)?,
            "signing_secret" => p.signing_secret = opt_string(k, v)?,
            "timeout" => p.timeout = opt_f64(k, v)?,
            "circuit_breaker_timeout" => p.circuit_breaker_timeout = opt_f64(k, v)?,
            "max_retries" => p.max_retries = opt_i64(k, v)?,
            "circuit_breaker_threshold" => p.circuit_breaker_threshold = opt_i64(k, v)?,
            "enable_circuit_breaker" => p.enable_circuit_breaker = opt_bool(k, v)?,
            "debug" => p.debug = opt_bool(k, v)?,
            "audit_spool_path" => p.audit_spool_path = opt_path(k, v)?,
            "prescore_rules_path" => p.prescore_rules_path = opt_path(k, v)?,
            "_clock" => (clock, manual) = parse_clock(v)?,
            "_env" => p.env = parse_env(v)?,
            _ => {
                return Err(Error::validation(k, "Unknown parameter", format!("unknown client parameter: {k}")));
            }
        }
    }
    Ok(Parsed { params: p, clock, manual })
}
