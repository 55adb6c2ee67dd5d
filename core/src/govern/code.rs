//! The dynamic-code wrapper's question to ASCEND (PROTOCOL §8.6 with D24): what `SafeEvaluator` sends before it
//! evaluates code that passed the host's static screening. It runs the code only when the client's decision
//! permits execution ([`super::permits_execution`]); the client's fail mode applies, the wrapper has none.

use crate::client::Client;
use crate::dispatch::Args;
use crate::error::Result;
use serde_json::{json, Map, Value};

/// Longest code excerpt sent to ASCEND (characters).
pub const MAX_SENT_CODE_CHARS: usize = 1000;

/// `evaluate_action` keyword arguments for evaluating `code` in `mode` (`eval` | `exec`), with the host's static
/// findings: the most severe level found (or `None`) and how many findings there were. A `risk_level` given by the
/// caller wins over the findings; with neither the local level is `low`.
pub fn evaluation_request(
    code: &str,
    mode: &str,
    risk_level: Option<&str>,
    max_severity: Option<&str>,
    finding_count: usize,
) -> Map<String, Value> {
    let local = risk_level.filter(|s| !s.is_empty()).or(max_severity.filter(|s| !s.is_empty())).unwrap_or("low");
    let mut request = Map::new();
    request.insert("action_type".into(), json!(format!("code.{mode}")));
    request.insert("resource".into(), json!("dynamic_code"));
    request.insert(
        "parameters".into(),
        json!({"code": code.chars().take(MAX_SENT_CODE_CHARS).collect::<String>(),
               "code_length": code.chars().count(), "mode": mode}),
    );
    request.insert(
        "risk_indicators".into(),
        json!({"dynamic_code": true, "local_risk_level": local, "finding_count": finding_count}),
    );
    request.insert("wait_for_decision".into(), json!(false));
    request
}

/// `govern_code` keyword arguments -> the `evaluate_action` request.
pub fn request_from_args(a: &Args<'_>) -> Result<Map<String, Value>> {
    let code = a.string("code")?;
    let mode = a.opt_string("mode")?.unwrap_or_else(|| "eval".into());
    let count = a.i64_or("finding_count", 0)?.max(0) as usize;
    Ok(evaluation_request(
        &code,
        &mode,
        a.opt_string("risk_level")?.as_deref(),
        a.opt_string("max_severity")?.as_deref(),
        count,
    ))
}

impl Client {
    /// The dynamic-code wrapper's check with this client: asks ASCEND ([`evaluation_request`]) and runs only when
    /// the decision permits execution (D24). Returns the verdict's projection (`run`, `decision`, error fields).
    pub async fn govern_code(&self, request: &Map<String, Value>) -> Result<Value> {
        Ok(self.ask_for_wrapper(request).await?.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shape() {
        let r = evaluation_request(&"x".repeat(1200), "exec", None, Some("high"), 2);
        assert_eq!(r["action_type"], "code.exec");
        assert_eq!(r["parameters"]["code"].as_str().map(str::len), Some(1000));
        assert_eq!(r["parameters"]["code_length"], 1200);
        assert_eq!(r["risk_indicators"]["local_risk_level"], "high");
        assert_eq!(
            evaluation_request("1", "eval", Some("critical"), None, 0)["risk_indicators"]["local_risk_level"],
            "critical"
        );
        assert_eq!(evaluation_request("1", "eval", None, None, 0)["risk_indicators"]["local_risk_level"], "low");
    }
}
