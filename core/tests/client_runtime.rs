//! Behaviour that needs real time or concurrency and therefore lives outside the conformance cases:
//! webhook wake-up of a waiter, the non-blocking first kill-switch poll (D11), secrets in formatting (D19),
//! and the blocking facade.

use ascend_core::model::{ActionRequest, Decision};
use ascend_core::{Client, ErrorCode};
use serde_json::json;
use std::time::{Duration, Instant};

mod support;

fn client(url: &str, key: &str) -> Client {
    support::client(url, key, "rt-agent")
}

#[test]
fn delivered_webhook_event_wakes_a_waiter_at_once() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/v1/actions/5/status"}, "respond": {"status": 200, "body": {"status": "pending_approval"}}},
            {"match": {"method": "GET", "path": "/api/v1/actions/5/status"}, "repeat": true, "respond": {"status": 200, "body": {"status": "approved"}}}
        ]))
        .unwrap();
    let c = client(&server.url, "k");
    let waiter = c.clone();
    let started = Instant::now();
    let handle =
        ascend_core::runtime::runtime().spawn(async move { waiter.wait_for_decision("5", 120.0, 60.0, None).await });
    // Let the first poll happen, then deliver the event.
    while server.requests().is_empty() {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50));
    let body = br#"{"type": "action.approved", "data": {"action_id": 5, "status": "approved"}}"#;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string();
    let headers =
        ascend_core::webhook::sign(body, &secret, ascend_core::webhook::Scheme::StandardWebhooks, Some("msg_1"), None)
            .unwrap();
    let event = ascend_core::webhook::verify(body, &headers, &[secret], &Default::default()).unwrap();
    assert!(c.deliver_webhook_event(&event));
    let d = ascend_core::lane::block_on(handle).unwrap().unwrap();
    assert_eq!(d.decision, Decision::Allowed);
    assert_eq!(server.requests().len(), 2, "one poll, then one re-poll after the wake-up");
    // Without the wake-up the second poll would come after the 60 s interval.
    assert!(started.elapsed() < Duration::from_secs(30), "waited {:?}", started.elapsed());
}

#[test]
fn first_kill_switch_poll_does_not_block_the_caller() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/sdk/kill-switch/status"}, "repeat": true,
             "respond": {"status": 200, "body": {"blocked": true, "reason": "stop"}, "delay_ms": 3000}}
        ]))
        .unwrap();
    let c = client(&server.url, "k");
    let t = Instant::now();
    c.start_kill_switch_polling(5.0).unwrap();
    let returned_after = t.elapsed();
    assert!(!c.is_blocked(), "the poll is still in flight, nothing decided yet");
    assert!(returned_after < Duration::from_millis(2500), "start_kill_switch_polling blocked for {returned_after:?}");
    // Once the slow poll lands, the client is blocked and governed calls are refused before any I/O.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !c.is_blocked() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(c.is_blocked());
    let before = server.requests().len();
    let e = ascend_core::lane::block_on(c.evaluate_action(ActionRequest::new("query", "db"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::KillSwitch);
    assert_eq!(e.details["reason"], "stop");
    assert!(server.requests().iter().skip(before).all(|r| r.path == "/api/sdk/kill-switch/status"));
    c.close();
}

#[test]
fn secrets_never_appear_in_debug_errors_or_details() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"path": "/api/v1/actions/submit"}, "respond": {"status": 401, "body": {"detail": "nope"}}},
            {"match": {"path": "/api/v1/actions/submit"}, "respond": {"status": 403, "body": {"detail": {"error": "forbidden"}}}}
        ]))
        .unwrap();
    let secret = "owkai_live_TOPSECRET_4242";
    let c = client(&server.url, secret);
    let mut texts = vec![format!("{c:?}"), format!("{:?}", c.config())];
    for _ in 0..2 {
        let mut req = ActionRequest::new("query", "db");
        req.wait_for_decision = false;
        let e = ascend_core::lane::block_on(c.evaluate_action(req)).unwrap_err();
        texts.push(format!("{e} {e:?} {}", serde_json::Value::Object(e.details.clone())));
    }
    for t in texts {
        assert!(!t.contains("TOPSECRET"), "secret leaked: {t}");
    }
    // The key does go on the wire, where it belongs.
    assert_eq!(server.requests()[0].header("x-api-key"), Some(secret));
}

#[test]
fn blocking_facade_works_from_plain_threads() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"path": "/api/v1/actions/submit"}, "repeat": true, "respond": {"status": 200, "body": {"id": 1, "status": "approved"}}}
        ]))
        .unwrap();
    let c = client(&server.url, "k");
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                let mut req = ActionRequest::new("query", "db");
                req.wait_for_decision = false;
                ascend_core::lane::block_on(c.evaluate_action(req)).unwrap().decision
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), Decision::Allowed);
    }
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn background_intervals_beyond_a_duration_are_the_longest_wait_not_a_panic() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/sdk/kill-switch/status"}, "repeat": true,
             "respond": {"status": 200, "body": {"blocked": false}}},
            {"match": {"method": "POST", "path_prefix": "/api/"}, "repeat": true,
             "respond": {"status": 200, "body": {"ok": true}}}
        ]))
        .unwrap();
    let c = client(&server.url, "k");
    // 1e20 s does not fit in a Duration (u64 seconds): it used to panic in Duration::from_secs_f64.
    c.start_kill_switch_polling(1e20).unwrap();
    ascend_core::lane::block_on(c.start_heartbeat(Some(1e20))).unwrap();
    // The first poll and heartbeat still happen at once; the next ones are (practically) never.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.requests().iter().any(|r| r.path == "/api/sdk/kill-switch/status") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.requests().iter().any(|r| r.path == "/api/sdk/kill-switch/status"));
    c.close();
}
