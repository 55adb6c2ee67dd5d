//! Which verdicts let a host run an action (DECISIONS D24), for decisions a binding holds as loose fields.
//! Typed decisions use [`AuthorizationDecision::permits_execution`](crate::model::AuthorizationDecision).

use crate::model::Decision;
use serde_json::Value;

/// D24 on a decision's fields: `decision` (a wire value such as `"allowed"`) must permit execution
/// ([`Decision::permits_execution`]) and `execution_allowed` must not forbid it. `execution_allowed` only
/// restricts: `false` or any non-boolean forbids, `true` or null (absent) adds nothing; it never permits a denied,
/// pending or unknown decision.
pub fn permits_execution(decision: &str, execution_allowed: &Value) -> bool {
    let permitted = Decision::parse(decision).is_some_and(Decision::permits_execution);
    let not_forbidden = matches!(execution_allowed, Value::Bool(true) | Value::Null);
    permitted && not_forbidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn execution_allowed_only_restricts() {
        assert!(permits_execution("allowed", &json!(true)));
        assert!(permits_execution("AUTO_APPROVED", &Value::Null));
        assert!(permits_execution("executed", &json!(true)));
        assert!(!permits_execution("allowed", &json!(false)));
        assert!(!permits_execution("allowed", &json!("true")));
        assert!(!permits_execution("allowed", &json!(1)));
        for verdict in ["denied", "pending", "approved", "", "granted"] {
            assert!(!permits_execution(verdict, &json!(true)), "{verdict}");
        }
    }
}
