//! Roles (issue 11 item 9): with only the API key an agent can read and tighten its governance but never relax
//! it; the admin token can. Also: replayed offline decisions are stored as decided, and every error is JSON.

mod common;

use ascend_core::model::{ActionRequest, Decision};
use ascend_core::{Client, ClientParams};
use common::*;
use serde_json::{json, Value};
use std::collections::HashMap;

fn put_as(server: &ascend_devserver::DevServer, header: (&str, &str), path: &str) -> reqwest::RequestBuilder {
    http().put(format!("{}{path}", server.url())).header(header.0, header.1)
}

const AGENT: (&str, &str) = ("X-API-Key", API_KEY);
const ADMIN_H: (&str, &str) = ("X-Admin-Token", ADMIN);

fn assert_admin_required(what: &str, s: u16, v: &Value) {
    assert_eq!(s, 403, "{what}: {v}");
    assert_eq!(v["error_code"], "ADMIN_REQUIRED", "{what}: {v}");
    let detail = v["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("requires the admin token"), "{what}: {detail}");
}

async fn agent_row(server: &ascend_devserver::DevServer, id: &str) -> Value {
    agent_get(server, &format!("/api/registry/agents/{id}")).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thresholds_can_be_tightened_with_the_api_key_but_relaxed_only_by_the_admin() {
    let server = start_with(|c| c.deny_at = Some(95.0)).await;
    let (s, _) = agent_post(&server, "/api/registry/agents", json!({"agent_id": "bot"})).await;
    assert_eq!(s, 201);
    let path = "/api/registry/agents/bot";
    // Tightening: lower auto_approve_below, lower deny_at.
    let (s, v) = send(put_as(&server, AGENT, path).json(&json!({"auto_approve_below": 50, "deny_at": 90}))).await;
    assert_eq!(s, 200, "{v}");
    // Relaxing, each on its own: raise auto_approve_below, reset it to the (higher) default, raise deny_at,
    // remove deny_at (null falls back to the server's 95, which is still a raise from 90).
    for (what, body) in [
        ("raise auto_approve_below", json!({"auto_approve_below": 100})),
        ("reset auto_approve_below to the default 70", json!({"auto_approve_below": null})),
        ("raise deny_at", json!({"deny_at": 99})),
        ("reset deny_at to the default 95", json!({"deny_at": null})),
    ] {
        let (s, v) = send(put_as(&server, AGENT, path).json(&body)).await;
        assert_admin_required(what, s, &v);
    }
    // Re-registration with relaxed thresholds is refused the same way; nothing changed.
    let (s, v) =
        agent_post(&server, "/api/registry/agents", json!({"agent_id": "bot", "auto_approve_below": 100})).await;
    assert_admin_required("register with a higher threshold", s, &v);
    let row = agent_row(&server, "bot").await;
    assert_eq!(row["thresholds"], json!({"auto_approve_below": 50.0, "deny_at": 90.0}));
    // A brand-new agent cannot register itself above the server defaults either.
    let (s, v) =
        agent_post(&server, "/api/registry/agents", json!({"agent_id": "new", "auto_approve_below": 90})).await;
    assert_admin_required("new agent above the default", s, &v);
    let (s, _) = agent_get(&server, "/api/registry/agents/new").await;
    assert_eq!(s, 404, "the refused registration left nothing behind");
    // Unchanged values and reads stay open.
    let (s, _) = send(put_as(&server, AGENT, path).json(&json!({"auto_approve_below": 50, "display_name": "B"}))).await;
    assert_eq!(s, 200);
    assert_eq!(agent_get(&server, "/api/registry/agents").await.0, 200);
    // The admin token relaxes (on the same endpoint).
    let (s, v) = send(put_as(&server, ADMIN_H, path).json(&json!({"auto_approve_below": 100, "deny_at": null}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["agent"]["thresholds"], json!({"auto_approve_below": 100.0, "deny_at": null}));
    let (s, _) = send(
        http()
            .post(format!("{}/api/registry/agents", server.url()))
            .header("Authorization", format!("Bearer {ADMIN}"))
            .json(&json!({"agent_id": "new", "auto_approve_below": 90})),
    )
    .await;
    assert_eq!(s, 201);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_agent_cannot_unblock_itself() {
    let server = start().await;
    agent_post(&server, "/api/registry/agents", json!({"agent_id": "bot"})).await;
    let path = "/api/registry/agents/bot";
    let (s, _) = send(put_as(&server, AGENT, path).json(&json!({"status": "blocked", "reason": "misbehaving"}))).await;
    assert_eq!(s, 200, "blocking is tightening");
    for (what, body) in
        [("unblock", json!({"status": "active"})), ("blocked -> suspended", json!({"status": "suspended"}))]
    {
        let (s, v) = send(put_as(&server, AGENT, path).json(&body)).await;
        assert_admin_required(what, s, &v);
    }
    // Deregister + re-register would reactivate it: deregistering a blocked agent needs the admin too.
    let (s, v) = send(http().delete(format!("{}{path}", server.url())).header(AGENT.0, AGENT.1)).await;
    assert_admin_required("deregister while blocked", s, &v);
    assert_eq!(agent_row(&server, "bot").await["status"], "blocked");
    let (_, v) = agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "bot", "action_type": "query", "resource": "db"}),
    )
    .await;
    assert_eq!(v["status"], "rejected", "still blocked: {v}");
    let (s, v) = send(put_as(&server, ADMIN_H, path).json(&json!({"status": "active"}))).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["agent"]["status"], "active");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_admin_releases_the_kill_switch() {
    let server = start().await;
    let (s, _) =
        agent_post(&server, "/api/billing/kill-switch/1/trigger", json!({"reason": "incident INC-7 containment"}))
            .await;
    assert_eq!(s, 200, "triggering is tightening");
    let (s, v) =
        agent_post(&server, "/api/billing/kill-switch/1/release", json!({"reason": "incident INC-7 resolved"})).await;
    assert_admin_required("release", s, &v);
    let (_, ks) = agent_get(&server, "/api/sdk/kill-switch/status").await;
    assert_eq!(ks["blocked"], true, "still active: {ks}");
    let (s, v) =
        admin_post(&server, "/api/billing/kill-switch/1/release", json!({"reason": "incident INC-7 resolved"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(agent_get(&server, "/api/sdk/kill-switch/status").await.1["blocked"], false);
    let (_, log) = agent_get(&server, "/audit/logs?event_type=kill_switch.released").await;
    assert_eq!(log["events"][0]["actor"], "admin", "{log}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_registry_changes_that_relax_need_the_admin() {
    let server = start().await;
    let base = "/api/registry/mcp-servers";
    let (s, _) = agent_post(&server, base, json!({"server_name": "plain"})).await;
    assert_eq!(s, 201, "a plain registration keeps every action under the thresholds");
    let (s, v) = agent_post(&server, base, json!({"server_name": "auto", "auto_approve_tools": ["rm"]})).await;
    assert_admin_required("register with auto_approve_tools", s, &v);
    let (s, _) = agent_post(&server, &format!("{base}/plain/deactivate"), json!({"reason": "rotating"})).await;
    assert_eq!(s, 200, "deactivating is tightening");
    let (s, v) = agent_post(&server, &format!("{base}/plain/activate"), json!({})).await;
    assert_admin_required("activate", s, &v);
    let (s, v) = send(http().delete(format!("{}{base}/plain", server.url())).header(AGENT.0, AGENT.1)).await;
    assert_admin_required("delete a deactivated server", s, &v);
    let (s, _) = admin_post(&server, &format!("{base}/plain/activate"), json!({})).await;
    assert_eq!(s, 200);
    let (s, _) = send(http().delete(format!("{}{base}/plain", server.url())).header(AGENT.0, AGENT.1)).await;
    assert_eq!(s, 200, "deleting an unrestricted active server is tightening");
    let (s, _) = admin_post(&server, base, json!({"server_name": "auto", "auto_approve_tools": ["ls"]})).await;
    assert_eq!(s, 201);
    server.shutdown().await;
}

fn offline_client(url: &str, key: &str, mode: &str, spool: &std::path::Path) -> Client {
    Client::new(ClientParams {
        api_key: Some(key.into()),
        api_url: Some(url.into()),
        agent_id: Some("offline-bot".into()),
        fail_mode: Some(mode.into()),
        max_retries: Some(0),
        timeout: Some(2.0),
        enable_circuit_breaker: Some(false),
        audit_spool_path: Some(spool.to_path_buf()),
        env: Some(HashMap::new()),
        ..Default::default()
    })
    .expect("client")
}

fn req(action_type: &str, resource: &str) -> ActionRequest {
    let mut r = ActionRequest::new(action_type, resource);
    r.wait_for_decision = false;
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_offline_decisions_are_recorded_as_decided_not_queued() {
    let server = start().await;
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("offline.spool");
    // A port nobody listens on: the client is "offline" and decides by fail mode, spooling each decision.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let local = offline_client(&dead, API_KEY, "local", &spool);
    assert_eq!(local.evaluate_action(req("transaction", "ledger")).await.unwrap().decision, Decision::Denied);
    assert_eq!(local.evaluate_action(req("query", "db")).await.unwrap().decision, Decision::Allowed);
    let open = offline_client(&dead, API_KEY, "open", &spool);
    assert_eq!(open.evaluate_action(req("system_operation", "prod")).await.unwrap().decision, Decision::Allowed);
    drop((local, open));
    // Back online: the same spool is replayed to the dev server.
    let online = offline_client(&server.url(), API_KEY, "closed", &spool);
    assert_eq!(online.replay_spool().await.unwrap(), 3);
    let (_, pending) = admin_get(&server, "/api/admin/actions?status=pending").await;
    assert_eq!(pending["total"], 0, "nothing queued for review: {pending}");
    let (_, all) = admin_get(&server, "/api/admin/actions").await;
    let by_type = |t: &str| -> Value {
        all["actions"].as_array().unwrap().iter().find(|a| a["action_type"] == t).cloned().unwrap()
    };
    let denied = by_type("transaction");
    assert_eq!(denied["status"], "rejected");
    assert_eq!(denied["enforcement_decision_source"], "offline_replay");
    assert!(
        denied["reason"].as_str().unwrap().starts_with("Denied offline by the client (fail_mode=local"),
        "{denied}"
    );
    let allowed = by_type("query");
    assert_eq!(allowed["status"], "approved", "the server agrees with the local allow: {allowed}");
    // An offline allow the server would not have approved is recorded, but never as an approval.
    let forced = by_type("system_operation");
    assert_eq!(forced["status"], "rejected", "{forced}");
    assert_eq!(forced["execution_allowed"], false);
    assert!(forced["reason"].as_str().unwrap().contains("not approved"), "{forced}");
    // The audit log keeps the client's offline record.
    let (_, log) = agent_get(&server, "/audit/logs?event_type=action.submitted").await;
    let offline = log["events"].as_array().unwrap().iter().filter(|e| e["details"]["offline_decision"].is_object());
    assert_eq!(offline.count(), 3, "{log}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_offline_allow_grants_nothing_and_a_malformed_one_is_an_ordinary_submission() {
    let server = start().await;
    let forged = json!({"agent_id": "a", "action_type": "transaction", "resource": "ledger",
                        "context": {"offline_decision": {"decision": "allowed", "fail_mode": "open"}}});
    let (_, v) = agent_post(&server, "/api/v1/actions/submit", forged).await;
    assert_eq!((v["status"].as_str(), v["execution_allowed"].as_bool()), (Some("rejected"), Some(false)), "{v}");
    for odd in [json!("allowed"), json!({"decision": 1}), json!({"decision": "pending"})] {
        let body = json!({"agent_id": "a", "action_type": "transaction", "resource": "ledger",
                          "context": {"offline_decision": odd}});
        let (_, v) = agent_post(&server, "/api/v1/actions/submit", body).await;
        assert_eq!(v["status"], "pending_approval", "{odd} → decided normally: {v}");
    }
    // An offline record through an unregistered MCP server is stored as rejected (so the spool drains), while a
    // live submission still gets the governance 403.
    let mcp = |offline: bool| {
        let mut b = json!({"agent_id": "a", "action_type": "tool_call", "resource": "r", "mcp_server_name": "ghost"});
        if offline {
            b["context"] = json!({"offline_decision": {"decision": "denied", "fail_mode": "local"}});
        }
        b
    };
    assert_eq!(agent_post(&server, "/api/v1/actions/submit", mcp(false)).await.0, 403);
    let (s, v) = agent_post(&server, "/api/v1/actions/submit", mcp(true)).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("rejected")), "{v}");
    server.shutdown().await;
}

async fn expect_json_error(what: &str, rb: reqwest::RequestBuilder, want: u16) {
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = r.text().await.unwrap();
    assert_eq!(status, want, "{what}: {text}");
    assert!(ct.starts_with("application/json"), "{what}: content-type {ct}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"));
    assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()), "{what}: {v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_anywhere_is_a_json_error() {
    let server = start().await;
    let u = server.url();
    let h = http();
    let agent = |rb: reqwest::RequestBuilder| rb.header("X-API-Key", API_KEY);
    expect_json_error("body", agent(h.post(format!("{u}/api/v1/actions/submit"))).body(vec![0xc3, 0x28]), 400).await;
    expect_json_error("query", agent(h.get(format!("{u}/api/agent-activity?status=%FF%FE"))), 422).await;
    expect_json_error("path segment", agent(h.get(format!("{u}/api/registry/agents/%C3%28"))), 400).await;
    expect_json_error(
        "admin query",
        h.get(format!("{u}/api/admin/actions?limit=%FF")).header("X-Admin-Token", ADMIN),
        422,
    )
    .await;
    server.shutdown().await;
}
