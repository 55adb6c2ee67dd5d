//! Shared helpers of the integration tests: an in-process server on 127.0.0.1:0, an `ascend-core` client
//! pointed at it, raw admin/agent HTTP helpers, and a loopback webhook receiver.
#![allow(dead_code)]

use ascend_core::{Client, ClientParams};
use ascend_devserver::{DevServer, RetryPolicy, ServerConfig};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const API_KEY: &str = "owkai_test_key";
pub const ADMIN: &str = "admin_test_token";

/// A server configuration for tests: in-memory DB, fast webhook retries.
pub fn config() -> ServerConfig {
    let mut cfg = ServerConfig::new(API_KEY, ADMIN);
    cfg.webhook_retry =
        RetryPolicy { base: Duration::from_millis(100), cap: Duration::from_millis(400), ..RetryPolicy::default() };
    cfg
}

pub async fn start() -> DevServer {
    DevServer::start(config()).await.expect("server starts")
}

pub async fn start_with(f: impl FnOnce(&mut ServerConfig)) -> DevServer {
    let mut cfg = config();
    f(&mut cfg);
    DevServer::start(cfg).await.expect("server starts")
}

/// An ascend-core client for `agent_id`, isolated from the process environment.
pub fn client(server: &DevServer, agent_id: &str, spool: &std::path::Path) -> Client {
    Client::new(ClientParams {
        api_key: Some(server.api_key().into()),
        api_url: Some(server.url()),
        agent_id: Some(agent_id.into()),
        agent_name: Some(format!("{agent_id} name")),
        fail_mode: Some("closed".into()),
        max_retries: Some(0),
        audit_spool_path: Some(spool.join(format!("{agent_id}.spool"))),
        env: Some(HashMap::new()),
        ..Default::default()
    })
    .expect("client")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Sends a request; returns (status, parsed JSON body or the raw text as a JSON string).
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn agent_post(server: &DevServer, path: &str, body: Value) -> (u16, Value) {
    send(http().post(format!("{}{path}", server.url())).header("X-API-Key", API_KEY).json(&body)).await
}

pub async fn agent_get(server: &DevServer, path: &str) -> (u16, Value) {
    send(http().get(format!("{}{path}", server.url())).header("X-API-Key", API_KEY)).await
}

pub async fn admin_post(server: &DevServer, path: &str, body: Value) -> (u16, Value) {
    send(http().post(format!("{}{path}", server.url())).header("Authorization", format!("Bearer {ADMIN}")).json(&body))
        .await
}

pub async fn admin_get(server: &DevServer, path: &str) -> (u16, Value) {
    send(http().get(format!("{}{path}", server.url())).header("X-Admin-Token", ADMIN)).await
}

/// One received webhook request.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A loopback webhook receiver that fails the first `fail_first` requests with 500.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub hits: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct RecvState {
    got: Arc<Mutex<Vec<Received>>>,
    hits: Arc<AtomicUsize>,
    fail_first: usize,
}

async fn receive(State(s): State<RecvState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = s.hits.fetch_add(1, Ordering::SeqCst);
    if n < s.fail_first {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    s.got.lock().unwrap().push(Received { headers, body });
    StatusCode::NO_CONTENT
}

pub async fn receiver_on(listener: tokio::net::TcpListener, fail_first: usize) -> Receiver {
    let addr = listener.local_addr().unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    let hits = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route("/hook", post(receive)).with_state(RecvState {
        got: got.clone(),
        hits: hits.clone(),
        fail_first,
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url: format!("http://{addr}/hook"), got, hits }
}

pub async fn receiver(fail_first: usize) -> Receiver {
    receiver_on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), fail_first).await
}

impl Receiver {
    /// Waits until `n` events were accepted (or panics after `secs`).
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.got.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(tokio::time::Instant::now() < deadline, "only {} of {n} webhook events arrived", got.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
