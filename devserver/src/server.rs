//! Starting and stopping the server in-process: used by `ascend-dev serve`, by the Rust tests, and by
//! `ascend.testing.DevServer` in the Python wheel.

use crate::actions;
use crate::connections;
use crate::db::Db;
use crate::error::ApiResult;
use crate::longpoll::LongPoll;
use crate::routes;
use crate::state::{AppState, ServerConfig};
use crate::webhooks;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// A running dev server.
pub struct DevServer {
    addr: SocketAddr,
    state: AppState,
    shutdown: watch::Sender<bool>,
    http: JoinHandle<std::io::Result<()>>,
    worker: JoinHandle<()>,
}

impl DevServer {
    /// Opens the database, binds `cfg.addr`, and starts serving and delivering webhooks in the background.
    /// Must be called inside a tokio runtime.
    pub async fn start(cfg: ServerConfig) -> std::io::Result<DevServer> {
        let db =
            Db::open(&cfg.db).map_err(|e| std::io::Error::other(format!("cannot open database {}: {e}", cfg.db)))?;
        let listener = tokio::net::TcpListener::bind(cfg.addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = watch::channel(false);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| std::io::Error::other(format!("cannot build the webhook HTTP client: {e}")))?;
        let state = AppState {
            cfg: Arc::new(cfg),
            db,
            longpoll: Arc::new(LongPoll::default()),
            deliveries: Arc::new(Notify::new()),
            shutdown: rx.clone(),
            http,
        };
        let app = routes::router(state.clone());
        let http = tokio::spawn(connections::serve(listener, app, state.cfg.limits.clone(), rx));
        let worker = tokio::spawn(webhooks::worker(state.clone()));
        Ok(DevServer { addr, state, shutdown: tx, http, worker })
    }

    /// The bound address (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL, e.g. `http://127.0.0.1:8787`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API key agents use.
    pub fn api_key(&self) -> &str {
        &self.state.cfg.api_key
    }

    /// The admin token.
    pub fn admin_token(&self) -> &str {
        &self.state.cfg.admin_token
    }

    /// The shared state (tests inspect the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Approves a pending action as reviewer `"in-process"`.
    pub fn approve(&self, id: i64, comment: Option<String>) -> ApiResult<Value> {
        actions::review(&self.state, id, true, "in-process", comment)
    }

    /// Denies a pending action as reviewer `"in-process"`.
    pub fn deny(&self, id: i64, reason: &str) -> ApiResult<Value> {
        actions::review(&self.state, id, false, "in-process", Some(reason.to_string()))
    }

    /// Stops accepting connections, ends long polls and the delivery worker, and waits for in-flight requests.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        self.state.deliveries.notify_waiters();
        let _ = self.http.await;
        let _ = self.worker.await;
    }
}
