//! Fail mode: one table from (outcome, mode) to a decision or an error (PROTOCOL §4 with DECISIONS D4, D17).
//!
//! | outcome                                   | CLOSED | OPEN                  | LOCAL                          |
//! |-------------------------------------------|--------|-----------------------|--------------------------------|
//! | server answered (any decision, any 4xx)   | as is  | as is                 | as is                          |
//! | decision wait ran out (`TIMEOUT`)         | raise  | raise                 | raise                          |
//! | malformed 2xx (`SERVER_ERROR`, 2xx)       | raise  | raise                 | raise                          |
//! | unreachable: connection, timeout, breaker, exhausted 5xx | raise | ALLOWED (`fail_open_mode`) | local pre-score: ALLOWED below the threshold, else DENIED (`local_prescore`) |
//!
//! Every decision made here is spooled (D18) before it is returned; if the spool cannot be written the
//! original error is raised instead: no decision without a durable record.

use crate::error::Error;
use crate::model::{AuthorizationDecision, Decision, FailMode};
use crate::prescore::PreScore;
use serde_json::{json, Map, Value};

/// What the fail-mode table says for one failure.
#[derive(Debug)]
pub enum Verdict {
    /// Raise the error unchanged.
    Raise(Error),
    /// Return this locally made decision (after spooling it).
    Decide(Box<AuthorizationDecision>),
}

/// Default auto-approve threshold of fail mode LOCAL (D17).
pub const LOCAL_AUTO_APPROVE_BELOW: f64 = 70.0;

/// Applies the table. `local` is computed lazily only for LOCAL mode.
pub fn decide(mode: FailMode, error: Error, local: impl FnOnce() -> PreScore) -> Verdict {
    if !error.is_unreachable() {
        return Verdict::Raise(error);
    }
    match mode {
        FailMode::Closed => {
            tracing::debug!(code = %error.code, "ASCEND unreachable, fail_mode=closed, raising");
            Verdict::Raise(error)
        }
        FailMode::Open => {
            tracing::warn!(code = %error.code, "ASCEND unreachable, fail_mode=open, allowing action");
            Verdict::Decide(Box::new(open_decision(&error)))
        }
        FailMode::Local => {
            let score = local();
            tracing::warn!(code = %error.code, risk_score = score.risk_score, "ASCEND unreachable, fail_mode=local");
            Verdict::Decide(Box::new(local_decision(&error, &score)))
        }
    }
}

fn synthetic_id(prefix: &str) -> String {
    format!("{prefix}{}", crate::transport::new_correlation_id())
}

/// The synthetic ALLOWED decision of PROTOCOL §4.3.
pub fn open_decision(error: &Error) -> AuthorizationDecision {
    let mut metadata = Map::new();
    metadata.insert("fail_mode".into(), json!("open"));
    metadata.insert("error".into(), json!(error.display_with_code()));
    metadata.insert("error_code".into(), json!(error.code.as_str()));
    metadata.insert("raw_status".into(), json!("approved"));
    AuthorizationDecision {
        action_id: synthetic_id("fail_open_"),
        decision: Decision::Allowed,
        risk_score: Some(0.0),
        conditions: vec!["fail_open_mode".into()],
        comments: Some("Auto-approved due to fail_mode=open (ASCEND unreachable)".into()),
        execution_allowed: true,
        metadata,
        raw: Value::Null,
        ..Default::default()
    }
}

/// The LOCAL decision of D17: the local pre-score against the auto-approve threshold.
pub fn local_decision(error: &Error, score: &PreScore) -> AuthorizationDecision {
    let allowed = score.risk_score < LOCAL_AUTO_APPROVE_BELOW;
    let decision = if allowed { Decision::Allowed } else { Decision::Denied };
    let mut metadata = Map::new();
    metadata.insert("fail_mode".into(), json!("local"));
    metadata.insert("local_risk_score".into(), json!(score.risk_score));
    metadata.insert("factors".into(), json!(score.factors));
    metadata.insert("error".into(), json!(error.display_with_code()));
    metadata.insert("error_code".into(), json!(error.code.as_str()));
    metadata.insert("raw_status".into(), json!(if allowed { "approved" } else { "denied" }));
    let mut promoted = Map::new();
    promoted.insert("cvss_score".into(), json!(score.cvss_score));
    promoted.insert("cvss_vector".into(), json!(score.cvss_vector));
    promoted.insert("mitre_tactic".into(), json!(score.mitre_tactic));
    promoted.insert("mitre_technique".into(), json!(score.mitre_technique));
    promoted.insert("nist_control".into(), json!(score.nist_control));
    AuthorizationDecision {
        action_id: synthetic_id("fail_local_"),
        decision,
        risk_score: Some(score.risk_score),
        risk_level: Some(score.risk_level),
        reason: (!allowed).then(|| "local_prescore".to_string()),
        conditions: vec!["fail_local_mode".into()],
        comments: Some(format!(
            "Decided locally due to fail_mode=local (ASCEND unreachable): risk {:.1} {} threshold {}",
            score.risk_score,
            if allowed { "below" } else { "at or above" },
            LOCAL_AUTO_APPROVE_BELOW
        )),
        execution_allowed: allowed,
        metadata,
        promoted,
        raw: Value::Null,
        ..Default::default()
    }
}
