//! Boundary tests of the safety core that kill mutants of `make mutants` (scripts/mutants.sh): the fail-mode
//! table, the LOCAL threshold, status normalisation, `execution_allowed` parsing, the breaker's edges and the
//! transport's error texts. Each
//! test names the one-line bug it catches.

use ascend_core::breaker::CircuitBreaker;
use ascend_core::failmode::{self, Verdict, LOCAL_AUTO_APPROVE_BELOW};
use ascend_core::model::{normalise_status, AuthorizationDecision, CircuitState, Decision, FailMode};
use ascend_core::prescore::{prescore, ActionInput, PreScore};
use ascend_core::{Error, ErrorCode, ManualClock};
use serde_json::json;
use std::time::Duration;

mod support;

fn score_of(risk: f64) -> PreScore {
    let mut s = prescore(&ActionInput { action_type: "query".into(), resource: "db".into(), ..Default::default() });
    s.risk_score = risk;
    s
}

fn unreachable() -> Error {
    Error::new(ErrorCode::ConnectionError, "connection refused")
}

fn decided(v: Verdict) -> AuthorizationDecision {
    match v {
        Verdict::Decide(d) => *d,
        Verdict::Raise(e) => panic!("expected a decision, got {e:?}"),
    }
}

fn raised(v: Verdict) -> Error {
    match v {
        Verdict::Raise(e) => e,
        Verdict::Decide(d) => panic!("expected an error, got {d:?}"),
    }
}

// Bug: `risk_score < threshold` changed to `<=` (a score exactly at the threshold would be allowed).
#[test]
fn local_threshold_is_exclusive() {
    let err = unreachable();
    let below = failmode::local_decision(&err, &score_of(LOCAL_AUTO_APPROVE_BELOW - 0.01), LOCAL_AUTO_APPROVE_BELOW);
    assert_eq!(below.decision, Decision::Allowed);
    assert!(below.execution_allowed);
    assert_eq!(below.reason, None);
    assert_eq!(below.metadata["raw_status"], "approved");
    assert!(below.comments.as_deref().unwrap().contains(" below threshold"), "{:?}", below.comments);

    let at = failmode::local_decision(&err, &score_of(LOCAL_AUTO_APPROVE_BELOW), LOCAL_AUTO_APPROVE_BELOW);
    assert_eq!(at.decision, Decision::Denied);
    assert!(!at.execution_allowed);
    assert_eq!(at.reason.as_deref(), Some("local_prescore"));
    assert_eq!(at.metadata["raw_status"], "denied");
    assert!(at.comments.as_deref().unwrap().contains("at or above"), "{:?}", at.comments);

    let above = failmode::local_decision(&err, &score_of(LOCAL_AUTO_APPROVE_BELOW + 0.01), LOCAL_AUTO_APPROVE_BELOW);
    assert_eq!(above.decision, Decision::Denied);
    assert!(!above.execution_allowed);
}

#[test]
fn local_decision_records_the_score_and_the_error() {
    let err = unreachable();
    let d = failmode::local_decision(&err, &score_of(12.5), LOCAL_AUTO_APPROVE_BELOW);
    assert!(d.action_id.starts_with("fail_local_"), "{}", d.action_id);
    assert_eq!(d.risk_score, Some(12.5));
    assert_eq!(d.risk_level, Some(score_of(12.5).risk_level));
    assert!(d.risk_level.is_some());
    assert_eq!(d.conditions, vec!["fail_local_mode".to_string()]);
    assert_eq!(d.metadata["fail_mode"], "local");
    assert_eq!(d.metadata["local_risk_score"], json!(12.5));
    assert_eq!(d.metadata["error_code"], "CONNECTION_ERROR");
    assert!(d.promoted.contains_key("cvss_score"));
}

#[test]
fn open_decision_is_a_marked_allow() {
    let d = failmode::open_decision(&unreachable());
    assert_eq!(d.decision, Decision::Allowed);
    assert!(d.execution_allowed);
    assert!(d.action_id.starts_with("fail_open_"), "{}", d.action_id);
    assert_eq!(d.conditions, vec!["fail_open_mode".to_string()]);
    assert_eq!(d.metadata["fail_mode"], "open");
    assert_eq!(d.metadata["error_code"], "CONNECTION_ERROR");
    assert_eq!(d.risk_score, Some(0.0));
}

// Bug: an exhausted 500 no longer counted as unreachability (only 503 was tested in OPEN mode).
#[test]
fn every_5xx_is_unreachability_and_4xx_is_an_answer() {
    for status in [500, 502, 503, 504, 599] {
        let e = Error::new(ErrorCode::ServerError, "boom").with_status(status);
        let d =
            decided(failmode::decide(FailMode::Open, e, LOCAL_AUTO_APPROVE_BELOW, || panic!("OPEN does not score")));
        assert_eq!(d.decision, Decision::Allowed, "{status}");
    }
    for status in [400, 404, 409, 422, 499] {
        let e = Error::new(ErrorCode::ServerError, "answer").with_status(status);
        let e = raised(failmode::decide(FailMode::Open, e, LOCAL_AUTO_APPROVE_BELOW, || panic!("not unreachable")));
        assert_eq!(e.status_code, Some(status));
    }
    // A malformed 2xx is a server answer: never allowed by OPEN or LOCAL (D4, D23).
    let e = Error::new(ErrorCode::ServerError, "malformed").with_status(200);
    raised(failmode::decide(FailMode::Open, e, LOCAL_AUTO_APPROVE_BELOW, || panic!("not unreachable")));
    let e = Error::new(ErrorCode::ServerError, "malformed").with_status(200);
    raised(failmode::decide(FailMode::Local, e, LOCAL_AUTO_APPROVE_BELOW, || panic!("not unreachable")));
}

#[test]
fn the_table_by_mode() {
    // CLOSED raises every unreachability, unchanged.
    let e = raised(failmode::decide(FailMode::Closed, unreachable(), LOCAL_AUTO_APPROVE_BELOW, || {
        panic!("CLOSED does not score")
    }));
    assert_eq!(e.code, ErrorCode::ConnectionError);
    // LOCAL scores lazily and decides with the threshold.
    let d = decided(failmode::decide(FailMode::Local, unreachable(), LOCAL_AUTO_APPROVE_BELOW, || score_of(10.0)));
    assert_eq!(d.decision, Decision::Allowed);
    assert_eq!(d.metadata["fail_mode"], "local");
    let d = decided(failmode::decide(FailMode::Local, unreachable(), LOCAL_AUTO_APPROVE_BELOW, || score_of(90.0)));
    assert_eq!(d.decision, Decision::Denied);
    // The breaker being open is unreachability too.
    let d = decided(failmode::decide(
        FailMode::Open,
        Error::new(ErrorCode::CircuitOpen, "open"),
        LOCAL_AUTO_APPROVE_BELOW,
        || score_of(0.0),
    ));
    assert_eq!(d.metadata["error_code"], "CIRCUIT_OPEN");
    // A decision wait that ran out is raised in every mode.
    for mode in [FailMode::Open, FailMode::Local] {
        let e = Error::new(ErrorCode::Timeout, "wait").with_detail("decision_wait", json!(true));
        raised(failmode::decide(mode, e, LOCAL_AUTO_APPROVE_BELOW, || panic!("a decision wait is not unreachability")));
    }
    // Errors that are answers are raised in every mode.
    for code in [ErrorCode::AuthError, ErrorCode::ValidationError, ErrorCode::RateLimited] {
        raised(failmode::decide(FailMode::Open, Error::new(code, "answer"), LOCAL_AUTO_APPROVE_BELOW, || {
            panic!("not unreachable")
        }));
    }
}

// Bug: status normalisation without `trim()`.
#[test]
fn status_normalisation_trims_and_ignores_case() {
    for (s, want) in [
        (" approved ", Decision::Allowed),
        ("\tAUTO_APPROVED\n", Decision::Allowed),
        ("executed", Decision::Allowed),
        (" denied", Decision::Denied),
        ("FAILED ", Decision::Denied),
        (" pending_approval ", Decision::Pending),
        ("escalated", Decision::Pending),
    ] {
        let n = normalise_status(s);
        assert_eq!(n.decision, want, "{s:?}");
        assert!(n.known, "{s:?}");
    }
    let unknown = normalise_status("approve");
    assert_eq!(unknown.decision, Decision::Pending);
    assert!(!unknown.known);
    assert!(!normalise_status("").known);
}

// Bug: a malformed (non-boolean) `execution_allowed` read as `true`.
#[test]
fn execution_allowed_must_be_a_boolean() {
    for bad in [json!("true"), json!(1), json!({}), json!([true]), json!(null)] {
        let d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "approved", "execution_allowed": bad}));
        assert!(!d.execution_allowed, "{bad}");
    }
    let d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "denied", "execution_allowed": true}));
    assert!(d.execution_allowed, "an explicit boolean is kept as sent");
    let d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "approved"}));
    assert!(d.execution_allowed, "absent: follows the decision");
    let d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "pending"}));
    assert!(!d.execution_allowed, "absent: follows the decision");
}

#[test]
fn decision_field_wins_over_status_and_empty_falls_back() {
    let d = AuthorizationDecision::from_json(&json!({"id": "a", "decision": "denied", "status": "approved"}));
    assert_eq!(d.decision, Decision::Denied);
    assert_eq!(d.raw_status(), "approved", "raw_status prefers the status field");
    let d = AuthorizationDecision::from_json(&json!({"id": "a", "decision": "", "status": "approved"}));
    assert_eq!(d.decision, Decision::Allowed);
    let d = AuthorizationDecision::from_json(&json!({"id": "a"}));
    assert_eq!(d.decision, Decision::Pending);
    assert_eq!(d.raw_status(), "pending_approval");
    assert!(!d.execution_allowed);
    let d = AuthorizationDecision::from_json(&json!({"action_id": null, "id": 7, "status": "approved"}));
    assert_eq!(d.action_id, "7");
    let d = AuthorizationDecision::from_json(&json!({"action_id": "x", "id": 7, "status": "approved"}));
    assert_eq!(d.action_id, "x");
    assert_eq!(AuthorizationDecision::from_json(&json!([1, 2])).action_id, "");
}

#[test]
fn status_projection_by_decision() {
    let mk = |s: &str| AuthorizationDecision::from_json(&json!({"id": 1, "status": s}));
    assert_eq!(mk("approved").status(), "approved");
    assert_eq!(mk("rejected").status(), "denied");
    assert_eq!(mk("queued").status(), "pending_approval");
    let j = mk("rejected").to_json();
    assert_eq!(j["decision"], "denied");
    assert_eq!(j["status"], "denied");
    assert_eq!(j["raw_status"], "rejected");
    assert_eq!(j["execution_allowed"], false);
}

#[test]
fn breaker_opens_exactly_at_the_threshold() {
    let clock = ManualClock::new(0);
    let b = CircuitBreaker::new(3, Duration::from_secs(10), 1, clock.clone());
    b.record_failure();
    b.record_failure();
    assert_eq!(b.state(), CircuitState::Closed);
    assert_eq!(b.failures(), 2);
    b.record_failure();
    assert_eq!(b.state(), CircuitState::Open);
    assert!(!b.allow_request());
    assert_eq!(b.remaining_open(), Duration::from_secs(10));
    clock.advance(Duration::from_secs(4));
    assert_eq!(b.remaining_open(), Duration::from_secs(6));
    clock.advance(Duration::from_millis(5_999));
    assert_eq!(b.state(), CircuitState::Open, "still open 1 ms before the recovery timeout");
    assert_eq!(b.remaining_open(), Duration::from_millis(1));
    clock.advance(Duration::from_millis(1));
    assert_eq!(b.state(), CircuitState::HalfOpen);
    assert!(b.allow_request());
    assert_eq!(b.remaining_open(), Duration::ZERO);
    b.record_success();
    assert_eq!(b.state(), CircuitState::Closed);
    assert_eq!(b.failures(), 0);
}

#[test]
fn breaker_success_resets_the_count_and_reset_clears() {
    let clock = ManualClock::new(0);
    let b = CircuitBreaker::new(2, Duration::from_secs(10), 1, clock.clone());
    b.record_failure();
    b.record_success();
    b.record_failure();
    assert_eq!(b.state(), CircuitState::Closed, "failures are consecutive");
    b.record_failure();
    assert_eq!(b.state(), CircuitState::Open);
    b.reset();
    assert_eq!(b.state(), CircuitState::Closed);
    assert_eq!(b.failures(), 0);
    assert_eq!(b.remaining_open(), Duration::ZERO);
    // Zero thresholds are raised to one.
    let b = CircuitBreaker::new(0, Duration::from_secs(1), 0, clock.clone());
    assert_eq!((b.failure_threshold, b.half_open_max_calls), (1, 1));
    b.record_failure();
    assert_eq!(b.state(), CircuitState::Open);
    clock.advance(Duration::from_secs(1));
    b.record_success();
    assert_eq!(b.state(), CircuitState::Closed);
}

#[test]
fn breaker_debug_shows_state_and_failures() {
    let b = CircuitBreaker::new(5, Duration::from_secs(1), 1, ManualClock::new(0));
    b.record_failure();
    let s = format!("{b:?}");
    assert!(s.contains("CircuitBreaker") && s.contains("Closed") && s.contains("failures: 1"), "{s}");
}

#[test]
fn risk_level_raw_keeps_only_what_was_not_canonical() {
    let mk = |v: serde_json::Value| AuthorizationDecision::from_json(&json!({"status": "pending", "risk_level": v}));
    let d = mk(json!("medium"));
    assert_eq!((d.risk_level.map(|l| l.as_str()), d.risk_level_raw.as_deref()), (Some("medium"), None));
    let d = mk(json!("HIGH"));
    assert_eq!((d.risk_level.map(|l| l.as_str()), d.risk_level_raw.as_deref()), (Some("high"), Some("HIGH")));
    let d = mk(json!(3));
    assert_eq!((d.risk_level, d.risk_level_raw.as_deref()), (None, Some("3")));
    let d = mk(json!(null));
    assert_eq!((d.risk_level, d.risk_level_raw), (None, None));
}

#[test]
fn request_correlation_id_fills_only_a_missing_one() {
    let mut d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "approved"}));
    assert_eq!(d.correlation_id(), None);
    d.set_request_correlation_id("req-1");
    assert_eq!(d.correlation_id(), Some("req-1"));
    d.set_request_correlation_id("req-2");
    assert_eq!(d.correlation_id(), Some("req-1"));
    let mut d = AuthorizationDecision::from_json(&json!({"id": 1, "status": "approved", "correlation_id": "srv"}));
    d.set_request_correlation_id("req-1");
    assert_eq!(d.correlation_id(), Some("srv"));
}

#[test]
fn projection_has_every_type_and_round_trips() {
    let payload = json!({
        "id": 9, "status": "approved", "risk_score": 41.5, "risk_level": "medium",
        "conditions": ["c1"], "policy_violations": ["p1"], "required_approvers": ["a1"],
        "approval_request_id": 77, "comments": "ok", "metadata": {"k": "v"}, "cvss_score": 5.5,
    });
    let d = AuthorizationDecision::from_json(&payload);
    let j = d.to_json();
    assert_eq!(j["action_id"], "9");
    assert_eq!(j["risk_score"], json!(41.5));
    assert_eq!(j["risk_level"], "medium");
    assert_eq!(j["conditions"], json!(["c1"]));
    assert_eq!(j["policy_violations"], json!(["p1"]));
    assert_eq!(j["required_approvers"], json!(["a1"]));
    assert_eq!(j["approval_request_id"], "77");
    assert_eq!(j["comments"], "ok");
    assert_eq!(j["execution_allowed"], true);
    assert_eq!(j["metadata"]["k"], "v");
    assert_eq!(j["cvss_score"], json!(5.5));
    assert_eq!(j["mitre_tactic"], json!(null));
    assert_eq!(j["raw"], payload);
    let back = AuthorizationDecision::from_projection(&j);
    assert_eq!(back, d);
    // The projection's decision wins over its raw payload.
    let mut j2 = j.clone();
    j2["decision"] = json!("denied");
    assert_eq!(AuthorizationDecision::from_projection(&j2).decision, Decision::Denied);
}

#[test]
fn only_an_unknown_status_is_warned_about() {
    use ascend_core::log::{set_max_level, set_sink, LogLevel, LogRecord};
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
    let sink = seen.clone();
    set_max_level(Some(LogLevel::Warn));
    set_sink(Arc::new(move |r: LogRecord| sink.lock().unwrap().push(r)));
    let warned = |status: &str| {
        seen.lock().unwrap().iter().any(|r| {
            r.message.contains("unknown decision status") && r.fields.iter().any(|(k, v)| k == "status" && v == status)
        })
    };
    AuthorizationDecision::from_json(&json!({"id": 1, "status": "approved"}));
    AuthorizationDecision::from_json(&json!({"id": 1, "status": "zz_unknown_marker"}));
    assert!(warned("zz_unknown_marker"));
    assert!(!warned("approved"));
}

// Bug: a malformed-reply message that no longer names the JSON type it got (`json_kind` returning "" or junk).
#[test]
fn malformed_verdicts_name_the_field_and_the_type() {
    use ascend_core::model::decision::json_kind;
    use ascend_core::model::read_verdict;
    for (v, kind) in [
        (json!(null), "null"),
        (json!(true), "a boolean"),
        (json!(1), "a number"),
        (json!("s"), "a string"),
        (json!([]), "an array"),
        (json!({}), "an object"),
    ] {
        assert_eq!(json_kind(&v), kind, "{v}");
    }
    assert_eq!(read_verdict(&json!(true)), Err("the reply is a boolean, not a JSON object".to_string()));
    assert_eq!(read_verdict(&json!({"status": ["approved"]})), Err("`status` is an array, not a string".to_string()));
    assert_eq!(read_verdict(&json!({"decision": 1})), Err("`decision` is a number, not a string".to_string()));
}

#[test]
fn a_connection_failure_keeps_the_whole_cause_chain_in_original_error() {
    // A loopback port that was just bound and released: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = support::client(&format!("http://127.0.0.1:{port}"), "k", "safety-agent");
    let e = ascend_core::lane::block_on(c.get_action_status("1")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionError);
    let original = e.details["original_error"].as_str().unwrap_or_default();
    // reqwest's own text is only "error sending request"; the OS reason sits two sources down the chain.
    assert!(original.contains("error sending request"), "{original}");
    assert!(original.to_ascii_lowercase().contains("connection refused"), "the chain is walked: {original}");
    c.close();
}

#[test]
fn an_empty_403_detail_is_no_message_and_access_denied_is_said() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/v1/actions/1/status"},
             "respond": {"status": 403, "body": {"detail": ""}}},
            {"match": {"method": "GET", "path": "/api/v1/actions/2/status"},
             "respond": {"status": 403, "body": {"detail": {"detail": "", "error": "not your action"}}}}
        ]))
        .unwrap();
    let c = support::client(&server.url, "k", "safety-agent");
    let e = ascend_core::lane::block_on(c.get_action_status("1")).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::AuthzDenied, "Access denied"));
    let e = ascend_core::lane::block_on(c.get_action_status("2")).unwrap_err();
    assert_eq!(e.message, "not your action", "an empty inner detail falls back to the error text");
    c.close();
}
