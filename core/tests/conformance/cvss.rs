//! Runner for the `cvss` suite (pure cases: `input` -> `expected` / `expected_error`).
//!
//! `input.vector` (one vector string) -> `cvss::score(vector).to_json()`;
//! `input.vectors` (a list) -> `{"results": [<to_json> | {"error": {code, class, details}}, ...]}` in input order.

use ascend_core::prescore::cvss;
use serde_json::{json, Value};

fn one(vector: &str) -> Value {
    match cvss::score(vector) {
        Ok(s) => s.to_json(),
        Err(e) => json!({"error": {"code": e.code.as_str(), "class": e.code.class_name(), "details": e.details}}),
    }
}

/// Runs one case of the suite.
pub fn run(case: &Value) -> Result<(), String> {
    let input = &case["input"];
    if let Some(list) = input.get("vectors") {
        let list = list.as_array().ok_or("input.vectors must be an array of strings")?;
        let mut results = Vec::with_capacity(list.len());
        for v in list {
            results.push(one(v.as_str().ok_or("input.vectors must be an array of strings")?));
        }
        return super::common::check_pure(case, Ok(json!({ "results": results })));
    }
    let vector = input.get("vector").and_then(Value::as_str).ok_or("input.vector must be a string")?;
    super::common::check_pure(case, cvss::score(vector).map(|s| s.to_json()))
}
