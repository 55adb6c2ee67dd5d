//! Webhook delivery: Standard Webhooks v1 signatures, event filtering, retries with backoff, and deliveries
//! that survive a restart.

mod common;

use ascend_core::model::ActionRequest;
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;

/// Independent verification of a Standard Webhooks v1 delivery (not the server's signer).
fn verify(r: &Received, secret: &str) -> Value {
    let h = |k: &str| r.headers.get(k).unwrap_or_else(|| panic!("missing {k}")).to_str().unwrap().to_string();
    let (id, ts, sig) = (h("webhook-id"), h("webhook-timestamp"), h("webhook-signature"));
    let key = match secret.strip_prefix("whsec_") {
        Some(b) => base64::engine::general_purpose::STANDARD.decode(b).unwrap(),
        None => secret.as_bytes().to_vec(),
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&r.body);
    let want = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    assert!(sig.split(' ').any(|s| s == want), "signature {sig} != {want}");
    let now = chrono::Utc::now().timestamp();
    assert!((now - ts.parse::<i64>().unwrap()).abs() < 300);
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["id"], id.as_str());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_events_for_pending_approved_denied_and_blocked() {
    let server = start().await;
    let rx = receiver(0).await;
    let dir = tempfile::tempdir().unwrap();
    let c = client(&server, "hooked", dir.path());
    let events: Vec<String> =
        ["action.pending", "action.approved", "action.denied", "agent.blocked"].map(String::from).to_vec();
    let w = c.configure_webhook(&rx.url, events, Some("my_plain_secret")).await.unwrap();
    assert!(w.webhook_id.as_str().is_some_and(|s| s.starts_with("wh_")), "{w:?}");
    // A second webhook subscribed to nothing we emit here.
    let other = receiver(0).await;
    c.configure_webhook(&other.url, vec!["agent.trust_changed".into()], None).await.unwrap();

    let mut r = ActionRequest::new("transaction", "ledger");
    r.wait_for_decision = false;
    let p = c.evaluate_action(r.clone()).await.unwrap();
    server.approve(p.action_id.parse().unwrap(), Some("ok".into())).unwrap();
    let p2 = c.evaluate_action(r).await.unwrap();
    server.deny(p2.action_id.parse().unwrap(), "no").unwrap();
    c.trigger_kill_switch(&json!(1), &json!("stop everything now")).await.unwrap();

    let got = rx.wait_for(5, 10).await;
    let bodies: Vec<Value> = got.iter().map(|g| verify(g, "my_plain_secret")).collect();
    let types: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["action.pending", "action.approved", "action.pending", "action.denied", "agent.blocked"]);
    assert_eq!(bodies[1]["data"]["action_id"], p.action_id.as_str());
    assert_eq!(bodies[1]["data"]["status"], "approved");
    assert_eq!(bodies[3]["data"]["decision"], "denied");
    assert_eq!(bodies[4]["data"]["scope"], "organization");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(other.got.lock().unwrap().is_empty(), "unsubscribed webhook got events");

    // Test endpoint, update, list, delete.
    let t = c.test_webhook(w.webhook_id.as_str().unwrap()).await.unwrap();
    assert!(t.success, "{t:?}");
    assert_eq!(t.status_code, Some(204));
    let list = c.list_webhooks().await.unwrap();
    assert_eq!(list.len(), 2);
    let wid = w.webhook_id.as_str().unwrap().to_string();
    let u = c.update_webhook(&wid, None, Some(vec!["action.approved".into()]), None).await.unwrap();
    assert_eq!(u.events, vec![json!("action.approved")]);
    c.delete_webhook(&wid).await.unwrap();
    assert_eq!(c.list_webhooks().await.unwrap().len(), 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_whsec_secret_and_retries_until_delivered() {
    let server = start().await;
    let rx = receiver(3).await; // the first three attempts get HTTP 500
    let (s, w) =
        agent_post(&server, "/api/webhooks/configure", json!({"url": rx.url, "events": ["action.pending"]})).await;
    assert_eq!(s, 200, "{w}");
    let secret = w["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "a", "action_type": "transaction", "resource": "r"}),
    )
    .await;
    let got = rx.wait_for(1, 10).await;
    verify(&got[0], &secret);
    let (_, d) = admin_get(&server, "/api/admin/webhooks/deliveries").await;
    assert_eq!(d["deliveries"][0]["state"], "delivered");
    assert_eq!(d["deliveries"][0]["attempts"], 4);
    assert_eq!(rx.hits.load(std::sync::atomic::Ordering::SeqCst), 4);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_deliveries_resume_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dev.db").to_str().unwrap().to_string();
    // Reserve a port, then close it so deliveries fail with "connection refused".
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let url = format!("http://{addr}/hook");
    let d1 = db.clone();
    let server = start_with(move |c| c.db = d1).await;
    agent_post(
        &server,
        "/api/webhooks/configure",
        json!({"url": url, "events": ["action.pending"], "secret": "s3cret"}),
    )
    .await;
    agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "a", "action_type": "transaction", "resource": "r"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, d) = admin_get(&server, "/api/admin/webhooks/deliveries").await;
    assert_eq!(d["deliveries"][0]["state"], "pending");
    assert!(d["deliveries"][0]["attempts"].as_i64().unwrap() >= 1, "{d}");
    server.shutdown().await;

    let rx = receiver_on(tokio::net::TcpListener::bind(addr).await.unwrap(), 0).await;
    let server = start_with(move |c| c.db = db).await;
    let got = rx.wait_for(1, 10).await;
    let body = verify(&got[0], "s3cret");
    assert_eq!(body["type"], "action.pending");
    let (_, d) = admin_get(&server, "/api/admin/webhooks/deliveries?state=delivered").await;
    assert_eq!(d["total"], 1);
    server.shutdown().await;
}
