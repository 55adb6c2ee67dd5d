//! Cancellation (issue "one typed core API", item 5): a cancelled `wait_for_decision` ends with `CANCELLED`
//! within 50 ms of the cancel and leaves no waiter registration behind; escalations arrive as a stream.

use ascend_core::{CancelToken, ErrorCode};
use serde_json::json;
use std::time::{Duration, Instant};

mod support;

#[test]
fn cancelled_wait_ends_at_once_and_leaves_no_registration() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/v1/actions/5/status"}, "repeat": true,
             "respond": {"status": 200, "body": {"id": 5, "status": "pending_approval"}}}
        ]))
        .unwrap();
    let c = support::client(&server.url, "k", "cancel-agent");
    let token = CancelToken::new();
    let (waiter, t2) = (c.clone(), token.clone());
    let handle = ascend_core::runtime::runtime().spawn(async move {
        waiter
            .invoke_cancellable(
                "wait_for_decision",
                json!({"action_id": "5", "timeout": 300, "poll_interval": 60}),
                &t2,
            )
            .await
    });
    while server.requests().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(c.waiting_actions(), 1, "the wait is registered while it runs");
    let cancelled_at = Instant::now();
    token.cancel();
    let err = ascend_core::lane::block_on(handle).unwrap().unwrap_err();
    let took = cancelled_at.elapsed();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert_eq!(err.to_json()["code"], "CANCELLED");
    assert!(took < Duration::from_millis(50), "cancel took {took:?}");
    assert_eq!(c.waiting_actions(), 0, "the cancelled wait left a registration behind");
}

#[test]
fn escalations_are_published_as_a_stream() {
    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([
            {"match": {"method": "GET", "path": "/api/v1/actions/8/status"}, "respond": {"status": 200, "body": {"id": 8, "status": "escalated"}}},
            {"match": {"method": "GET", "path": "/api/v1/actions/8/status"}, "repeat": true, "respond": {"status": 200, "body": {"id": 8, "status": "approved"}}}
        ]))
        .unwrap();
    let c = support::client(&server.url, "k", "esc-agent");
    let mut events = c.escalations();
    let d = ascend_core::lane::block_on(c.wait_for_decision("8", 30.0, 0.0, None)).unwrap();
    assert_eq!(d.decision, ascend_core::model::Decision::Allowed);
    let e = events.try_recv().expect("one escalation event");
    assert_eq!(e.action_id, "8");
    assert!(events.try_recv().is_err(), "one event per escalated wait");
}
