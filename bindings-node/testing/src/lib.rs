//! `ascend_node_testing`: the local dev server (`ascend-devserver`) running inside the Node process, for users'
//! tests (`ascend-sdk/testing`'s `DevServer`). A separate addon so the client addon never links the dev server;
//! it is loaded only when `ascend-sdk/testing` is imported. Thin: snake_case JSON parameters become a
//! `ServerConfig`; start and stop run on the core runtime (this addon's own copy of it: a separate shared library)
//! and settle a promise, so the event loop never blocks; reviews call the server's own review function.

#![deny(unsafe_code)]

use ascend_core::{Error, ErrorCode};
use ascend_devserver::error::ApiError;
use ascend_devserver::{DevServer as CoreDevServer, ServerConfig};
use napi::bindgen_prelude::{Env, Object};
use napi_derive::napi;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

fn to_napi(e: &Error) -> napi::Error {
    let p = json!({
        "code": e.code.as_str(), "class": e.code.class_name(), "message": e.message, "status_code": e.status_code,
        "correlation_id": e.correlation_id, "retryable": e.retryable(), "error_code": e.code.peer_error_code(),
        "details": Value::Object(e.details.clone()),
    });
    napi::Error::new(napi::Status::GenericFailure, p.to_string())
}

fn validation(field: &str, problem: &str, message: impl Into<String>) -> Error {
    Error::validation(field, problem, message)
}

/// A dev-server error answer as a core error: 404 → `NOT_FOUND`, 409 → `CONFLICT`, 400/422 → `VALIDATION_ERROR`.
fn api_error(e: ApiError) -> Error {
    let status = e.status.as_u16();
    let code = match status {
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        400 | 422 => ErrorCode::ValidationError,
        _ => ErrorCode::Internal,
    };
    let message = match &e.detail {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Error::new(code, message).with_status(status)
}

fn threshold(field: &str, v: &Value) -> Result<Option<f64>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_f64() {
            Some(x) if (0.0..=100.0).contains(&x) => Ok(Some(x)),
            _ => Err(validation(field, "Must be between 0 and 100", format!("{field} must be between 0 and 100"))),
        },
        _ => Err(validation(field, "Must be a number", format!("{field} must be a number"))),
    }
}

fn opt_str(field: &str, v: &Value) -> Result<Option<String>, Error> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(validation(field, "Must be a string", format!("{field} must be a string"))),
    }
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

fn parse_params(text: &str) -> Result<ServerConfig, Error> {
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Null) => Default::default(),
        _ => return Err(validation("params", "Must be an object", "dev server parameters must be an object")),
    };
    let mut cfg = ServerConfig::new(String::new(), String::new());
    let mut host: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 0;
    for (k, v) in &map {
        let k = k.as_str();
        match k {
            "db" => cfg.db = opt_str(k, v)?.unwrap_or_else(|| ":memory:".into()),
            "api_key" => cfg.api_key = opt_str(k, v)?.unwrap_or_default(),
            "admin_token" => cfg.admin_token = opt_str(k, v)?.unwrap_or_default(),
            "deny_at" => cfg.deny_at = threshold(k, v)?,
            "auto_approve_below" => {
                if let Some(x) = threshold(k, v)? {
                    cfg.auto_approve_below = x;
                }
            }
            "require_registration" => cfg.require_registration = v.as_bool().unwrap_or(false),
            "host" => {
                if let Some(h) = opt_str(k, v)? {
                    host =
                        h.parse().map_err(|_| validation(k, "Must be an IP address", "host must be an IP address"))?;
                    if !host.is_loopback() {
                        return Err(validation(
                            k,
                            "Must be a loopback address",
                            "the dev server binds to loopback only",
                        ));
                    }
                }
            }
            "port" => {
                if !v.is_null() {
                    port = v
                        .as_u64()
                        .and_then(|p| u16::try_from(p).ok())
                        .ok_or_else(|| validation(k, "Must be a port (0-65535)", "port must be an integer 0-65535"))?;
                }
            }
            _ => return Err(validation(k, "Unknown parameter", format!("unknown dev server parameter: {k}"))),
        }
    }
    if cfg.api_key.is_empty() {
        cfg.api_key = random_token("owkai_test_");
    }
    if cfg.admin_token.is_empty() {
        cfg.admin_token = random_token("adm_test_");
    }
    cfg.addr = SocketAddr::new(host, port);
    Ok(cfg)
}

fn parse_id(action_id: &str) -> Result<i64, Error> {
    action_id.trim().parse::<i64>().map_err(|_| {
        validation("action_id", "Must be a dev server action id (an integer)", "actionId must be an integer id")
    })
}

/// A running dev server. Create with `startDevServer`.
#[napi]
pub struct NativeDevServer {
    url: String,
    api_key: String,
    admin_token: String,
    server: Arc<Mutex<Option<CoreDevServer>>>,
}

impl NativeDevServer {
    fn with_server<T>(&self, f: impl FnOnce(&CoreDevServer) -> Result<T, Error>) -> napi::Result<T> {
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(s) => f(s).map_err(|e| to_napi(&e)),
            None => Err(to_napi(&Error::new(ErrorCode::ConnectionError, "the dev server is stopped"))),
        }
    }
}

/// Starts a dev server (binds, opens the database); resolves once it listens.
#[napi(ts_return_type = "Promise<NativeDevServer>")]
pub fn start_dev_server<'env>(env: &'env Env, params_json: String) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred()?;
    match parse_params(&params_json) {
        Err(e) => deferred.reject(to_napi(&e)),
        Ok(cfg) => {
            ascend_core::runtime::runtime().spawn(async move {
                let (api_key, admin_token) = (cfg.api_key.clone(), cfg.admin_token.clone());
                match CoreDevServer::start(cfg).await {
                    Ok(server) => deferred.resolve(move |_| {
                        Ok(NativeDevServer {
                            url: server.url(),
                            api_key,
                            admin_token,
                            server: Arc::new(Mutex::new(Some(server))),
                        })
                    }),
                    Err(e) => deferred.reject(to_napi(&Error::new(
                        ErrorCode::ConfigurationError,
                        format!("cannot start the dev server: {e}"),
                    ))),
                }
            });
        }
    }
    Ok(promise)
}

#[napi]
impl NativeDevServer {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The API key agents authenticate with.
    #[napi(getter)]
    pub fn api_key(&self) -> String {
        self.api_key.clone()
    }

    /// The admin token (reviews, model registry).
    #[napi(getter)]
    pub fn admin_token(&self) -> String {
        self.admin_token.clone()
    }

    /// Whether the server is running.
    #[napi(getter)]
    pub fn running(&self) -> bool {
        self.server.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Approves a pending action; returns the action as JSON text.
    #[napi]
    pub fn approve(&self, action_id: String, comment: Option<String>) -> napi::Result<String> {
        let id = parse_id(&action_id).map_err(|e| to_napi(&e))?;
        self.with_server(|s| s.approve(id, comment).map_err(api_error)).map(|v| v.to_string())
    }

    /// Denies a pending action; returns the action as JSON text.
    #[napi]
    pub fn deny(&self, action_id: String, reason: String) -> napi::Result<String> {
        let id = parse_id(&action_id).map_err(|e| to_napi(&e))?;
        self.with_server(|s| s.deny(id, &reason).map_err(api_error)).map(|v| v.to_string())
    }

    /// Stops the server (ends long polls, waits for in-flight requests); resolves when it stopped. Idempotent.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred()?;
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        ascend_core::runtime::runtime().spawn(async move {
            if let Some(server) = server {
                server.shutdown().await;
            }
            deferred.resolve(|_| Ok(()));
        });
        Ok(promise)
    }
}

impl Drop for NativeDevServer {
    fn drop(&mut self) {
        // Garbage-collected while running: stop it in the background rather than leaking a listening socket.
        if let Some(server) = self.server.lock().unwrap_or_else(|p| p.into_inner()).take() {
            ascend_core::runtime::runtime().spawn(server.shutdown());
        }
    }
}
