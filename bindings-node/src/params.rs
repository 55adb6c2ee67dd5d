//! Constructor parameters: a snake_case JSON object (the facade camel->snake converts `AscendClient` options) into
//! `ascend_core::ClientParams`, plus two private test hooks of the conformance runner (`_clock`, `_env`).

use ascend_core::clock::{ManualClock, SharedClock, SystemClock};
use ascend_core::config::BindingInfo;
use ascend_core::model::decision::json_kind;
use ascend_core::{ClientParams, Error};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Parsed constructor input.
pub struct Parsed {
    pub params: ClientParams,
    pub clock: SharedClock,
    pub manual: Option<Arc<ManualClock>>,
}

fn type_error(field: &str, want: &str, got: &Value) -> Error {
    // Only the type is named: the value may be a secret (D19).
    Error::config(field, format!("{field} must be {want}, got {}", json_kind(got)))
}

fn opt_string(field: &str, v: &Value) -> Result<Option<String>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(type_error(field, "a string", other)),
    }
}

fn parse_clock(v: &Value) -> Result<(SharedClock, Option<Arc<ManualClock>>), Error> {
    let spec = opt_string("_clock", v)?.unwrap_or_else(|| "system".into());
    ascend_core::clock::clock_from_spec(&spec)
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

/// Parses the constructor object: the public parameters through `ClientParams::from_json` (typed errors naming the
/// field), the two private hooks here, and this binding's name and Node version for the User-Agent.
pub fn parse(map: &Map<String, Value>) -> Result<Parsed, Error> {
    let mut public = map.clone();
    let clock_spec = public.remove("_clock");
    let env = public.remove("_env");
    let mut p = ClientParams::from_json(&Value::Object(public))?;
    p.binding = Some(BindingInfo { name: "node".into(), version: node_version() });
    if let Some(env) = env {
        p.env = parse_env(&env)?;
    }
    let (clock, manual) = match clock_spec {
        Some(v) => parse_clock(&v)?,
        None => (Arc::new(SystemClock) as SharedClock, None),
    };
    Ok(Parsed { params: p, clock, manual })
}

/// The Node version the facade reported at load (`setNodeVersion`), for the User-Agent.
fn node_version() -> String {
    crate::NODE_VERSION.get().cloned().unwrap_or_default()
}
