//! `ascend_node_testing`: the local dev server (`ascend-devserver`) running inside the Node process, for users'
//! tests (`ascend-sdk/testing`'s `DevServer`). A separate addon so the client addon never links the dev server;
//! it is loaded only when `ascend-sdk/testing` is imported. Thin: snake_case JSON parameters become a
//! `ServerConfig`; start and stop run on the core runtime (this addon's own copy of it: a separate shared library)
//! and settle a promise, so the event loop never blocks; reviews call the server's own review function.

#![deny(unsafe_code)]

use ascend_core::{Error, ErrorCode};
use ascend_devserver::embed::parse_action_id;
use ascend_devserver::{DevServer as CoreDevServer, ServerConfig};
use napi::bindgen_prelude::{Env, Object};
use napi_derive::napi;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// The core's error projection (`Error::to_json`) as the message, which the TS facade turns into a typed error.
fn to_napi(e: &Error) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, e.to_json().to_string())
}

/// The snake_case JSON parameters as a `ServerConfig` (`ascend_devserver::embed`).
fn parse_params(text: &str) -> Result<ServerConfig, Error> {
    let params = serde_json::from_str::<Value>(text)
        .map_err(|_| Error::validation("params", "Must be an object", "dev server parameters must be an object"))?;
    ServerConfig::from_json(&params)
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
        let id = parse_action_id(&action_id).map_err(|e| to_napi(&e))?;
        self.with_server(|s| s.approve(id, comment).map_err(Error::from)).map(|v| v.to_string())
    }

    /// Denies a pending action; returns the action as JSON text.
    #[napi]
    pub fn deny(&self, action_id: String, reason: String) -> napi::Result<String> {
        let id = parse_action_id(&action_id).map_err(|e| to_napi(&e))?;
        self.with_server(|s| s.deny(id, &reason).map_err(Error::from)).map(|v| v.to_string())
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
