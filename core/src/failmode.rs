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

/// Whether `t` can be an auto-approve threshold: a finite number in 0..=100.
pub fn valid_threshold(t: f64) -> bool {
    t.is_finite() && (0.0..=100.0).contains(&t)
}

/// Applies the table. `local` is computed lazily only for LOCAL mode; `threshold` is the agent's auto-approve
/// threshold (D17): LOCAL allows a local score strictly below it.
pub fn decide(mode: FailMode, error: Error, threshold: f64, local: impl FnOnce() -> PreScore) -> Verdict {
    if !error.is_unreachable() {
        return Verdict::Raise(error);
    }
    match mode {
        FailMode::Closed => {
            tracing::error!(code = %error.code, "ASCEND unreachable, fail_mode=closed, blocking action");
            Verdict::Raise(error)
        }
        FailMode::Open => {
            tracing::warn!(code = %error.code, "ASCEND unreachable, fail_mode=open, allowing action");
            Verdict::Decide(Box::new(open_decision(&error)))
        }
        FailMode::Local => {
            let score = local();
            tracing::warn!(code = %error.code, risk_score = score.risk_score, "ASCEND unreachable, fail_mode=local");
            Verdict::Decide(Box::new(local_decision(&error, &score, threshold)))
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

/// The LOCAL decision of D17: the local pre-score against the agent's auto-approve threshold (ALLOWED strictly
/// below it; an invalid threshold allows nothing).
pub fn local_decision(error: &Error, score: &PreScore, threshold: f64) -> AuthorizationDecision {
    let allowed = valid_threshold(threshold) && score.risk_score < threshold;
    let decision = if allowed { Decision::Allowed } else { Decision::Denied };
    let mut metadata = Map::new();
    metadata.insert("fail_mode".into(), json!("local"));
    metadata.insert("local_risk_score".into(), json!(score.risk_score));
    metadata.insert("auto_approve_below".into(), json!(threshold));
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
            threshold
        )),
        execution_allowed: allowed,
        metadata,
        promoted,
        raw: Value::Null,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::prescore::{ActionInput, Prescorer, Thresholds};

    fn score(v: f64) -> PreScore {
        let input = ActionInput { action_type: "query".into(), resource: "db".into(), ..Default::default() };
        let mut s = Prescorer::builtin().score(&input, &Thresholds::default());
        s.risk_score = v;
        s
    }

    fn unreachable() -> Error {
        Error::new(ErrorCode::ConnectionError, "refused")
    }

    /// D17: ALLOWED strictly below the threshold, at threshold − ε, threshold and threshold + ε.
    #[test]
    fn local_threshold_boundaries() {
        for t in [70.0, 35.0, 0.5, 100.0] {
            let eps = 1e-6;
            assert_eq!(local_decision(&unreachable(), &score(t - eps), t).decision, Decision::Allowed, "{t} - eps");
            let at = local_decision(&unreachable(), &score(t), t);
            assert_eq!(at.decision, Decision::Denied, "at {t}");
            assert_eq!(at.reason.as_deref(), Some("local_prescore"));
            assert!(!at.execution_allowed);
            assert_eq!(local_decision(&unreachable(), &score(t + eps), t).decision, Decision::Denied, "{t} + eps");
            assert_eq!(at.metadata["auto_approve_below"], json!(t));
        }
        // Threshold 0 allows nothing; an invalid threshold allows nothing.
        assert_eq!(local_decision(&unreachable(), &score(0.0), 0.0).decision, Decision::Denied);
        assert_eq!(local_decision(&unreachable(), &score(1.0), f64::NAN).decision, Decision::Denied);
    }

    #[test]
    fn decide_passes_the_threshold_and_never_acts_on_a_server_answer() {
        match decide(FailMode::Local, unreachable(), 30.0, || score(35.0)) {
            Verdict::Decide(d) => assert_eq!(d.decision, Decision::Denied),
            Verdict::Raise(e) => panic!("raised {e}"),
        }
        match decide(FailMode::Local, unreachable(), 40.0, || score(35.0)) {
            Verdict::Decide(d) => assert_eq!(d.decision, Decision::Allowed),
            Verdict::Raise(e) => panic!("raised {e}"),
        }
        let malformed = Error::new(ErrorCode::ServerError, "Malformed response").with_status(200);
        for mode in [FailMode::Closed, FailMode::Open, FailMode::Local] {
            assert!(matches!(decide(mode, malformed.clone(), 100.0, || score(0.0)), Verdict::Raise(_)), "{mode:?}");
        }
    }
}
