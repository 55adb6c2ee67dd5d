//! `DevServer(params)`: the Python parameter dict as JSON, handed to the dev server's own parser
//! (`ServerConfig::from_json`, shared with Node's `ascend-sdk/testing`), so both bindings accept and refuse the same
//! parameters with the same typed errors.

use ascend_core::Error;
use ascend_devserver::ServerConfig;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value};

/// The server configuration for a parameter dict (`None` values mean "default"); each value goes through
/// `json.dumps`, so a value JSON cannot carry is a `CONFIGURATION_ERROR` naming its key (never showing the value).
pub fn parse_params(dict: &Bound<'_, PyDict>) -> PyResult<Result<ServerConfig, Error>> {
    let dumps = dict.py().import("json")?.getattr("dumps")?;
    let mut map = Map::new();
    for (key, v) in dict.iter() {
        let Ok(key) = key.cast::<PyString>().map(|k| k.to_string()) else {
            return Ok(Err(Error::validation(
                "params",
                "Keys must be strings",
                "dev server parameter names must be strings",
            )));
        };
        let value = match dumps.call1((&v,)).and_then(|t| t.extract::<String>()) {
            Ok(text) => serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            Err(_) => return Ok(Err(Error::config(&key, format!("{key} must be a JSON value (str, number, bool)")))),
        };
        map.insert(key, value);
    }
    Ok(ServerConfig::from_json(&Value::Object(map)))
}
