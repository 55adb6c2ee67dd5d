//! Runner for the `canonical` (canonical JSON and request signing) and `normalise` (decision parsing) suites.

use crate::common::check_pure;
use ascend_core::canonical;
use ascend_core::model::AuthorizationDecision;
use serde_json::{json, Value};

/// Runs one case.
pub fn run(suite: &str, case: &Value) -> Result<(), String> {
    let input = case.get("input").ok_or("pure case without input")?;
    let outcome = match suite {
        "canonical" => canonical_case(input),
        "normalise" => {
            let payload = input.get("response").ok_or("normalise input needs `response`")?;
            Ok(AuthorizationDecision::from_json(payload).to_json())
        }
        other => return Err(format!("no pure runner for suite {other}")),
    };
    check_pure(case, outcome)
}

fn canonical_case(input: &Value) -> Result<Value, ascend_core::Error> {
    let text = input.get("json").and_then(Value::as_str).unwrap_or("null");
    let canon = canonical::canonicalize_text(text)?;
    let mut out = json!({ "canonical": canon });
    if let (Some(secret), Some(ts)) =
        (input.get("secret").and_then(Value::as_str), input.get("timestamp").and_then(Value::as_str))
    {
        let parsed: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let sig = canonical::is_signable(Some(&parsed)).then(|| canonical::sign(secret, ts, &canon));
        out["signature"] = json!(sig);
    }
    Ok(out)
}
