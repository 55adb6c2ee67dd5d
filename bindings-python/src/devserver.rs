//! `_native.DevServer`: the local dev server (`ascend-devserver`) running inside this process, on the core's
//! shared runtime, for users' tests (`ascend.testing.DevServer`). Thin: parameters become a `ServerConfig`, the
//! server starts and stops with the GIL released (`run_blocking`), reviews call the server's own review function.

use crate::blocking::run_blocking_shared;
use crate::client::{opt_bool, opt_f64, opt_string, type_error};
use crate::errors::{guard, validation, IntoPyResult};
use ascend_core::{Error, ErrorCode};
use ascend_devserver::error::ApiError;
use ascend_devserver::{DevServer as CoreDevServer, ServerConfig};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;

/// Constructor keys.
const KNOWN_PARAMS: &[&str] =
    &["db", "api_key", "admin_token", "deny_at", "auto_approve_below", "require_registration", "host", "port"];

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
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
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Error::new(code, message).with_status(status)
}

fn threshold(field: &str, v: Option<f64>) -> Result<Option<f64>, Error> {
    match v {
        Some(x) if !(0.0..=100.0).contains(&x) => {
            Err(validation(field, "Must be between 0 and 100", format!("{field} must be between 0 and 100")))
        }
        other => Ok(other),
    }
}

fn parse_params(dict: &Bound<'_, PyDict>) -> Result<ServerConfig, Error> {
    let mut cfg = ServerConfig::new(String::new(), String::new());
    let mut host: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 0;
    for (key, v) in dict.iter() {
        let key: String = match key.cast::<PyString>() {
            Ok(k) => k.to_string(),
            Err(_) => {
                return Err(validation("params", "Keys must be strings", "dev server parameter names must be strings"))
            }
        };
        let k = key.as_str();
        match k {
            "db" => cfg.db = opt_string(k, &v)?.unwrap_or_else(|| ":memory:".into()),
            "api_key" => cfg.api_key = opt_string(k, &v)?.unwrap_or_default(),
            "admin_token" => cfg.admin_token = opt_string(k, &v)?.unwrap_or_default(),
            "deny_at" => cfg.deny_at = threshold(k, opt_f64(k, &v)?)?,
            "auto_approve_below" => {
                if let Some(x) = threshold(k, opt_f64(k, &v)?)? {
                    cfg.auto_approve_below = x;
                }
            }
            "require_registration" => cfg.require_registration = opt_bool(k, &v)?.unwrap_or(false),
            "host" => {
                if let Some(h) = opt_string(k, &v)? {
                    host = h.parse().map_err(|_| type_error(k, "an IP address", &v))?;
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
                if !v.is_none() {
                    port = v.extract::<u16>().map_err(|_| type_error(k, "an integer port (0-65535)", &v))?;
                }
            }
            _ => {
                debug_assert!(!KNOWN_PARAMS.contains(&k));
                return Err(validation(k, "Unknown parameter", format!("unknown dev server parameter: {k}")));
            }
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
        validation("action_id", "Must be a dev server action id (an integer)", "action_id must be an integer id")
    })
}

/// The dev server, running in this process on the SDK's runtime.
#[pyclass(module = "ascend._native", name = "DevServer", frozen)]
pub struct DevServer {
    /// The process that started it: a forked child neither reviews through nor stops its parent's server.
    pid: u32,
    url: String,
    api_key: String,
    admin_token: String,
    server: Mutex<Option<CoreDevServer>>,
}

impl DevServer {
    fn with_server<T>(&self, f: impl FnOnce(&CoreDevServer) -> Result<T, Error>) -> Result<T, Error> {
        if std::process::id() != self.pid {
            return Err(Error::new(ErrorCode::ConnectionError, "the dev server belongs to the parent process"));
        }
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(s) => f(s),
            None => Err(Error::new(ErrorCode::ConnectionError, "the dev server is stopped")),
        }
    }
}

#[pymethods]
impl DevServer {
    /// Starts the server (binds, opens the database) before returning.
    #[new]
    fn new(py: Python<'_>, params: &Bound<'_, PyDict>) -> PyResult<Self> {
        guard(py, || {
            let cfg = parse_params(params).py_err(py)?;
            let api_key = cfg.api_key.clone();
            let admin_token = cfg.admin_token.clone();
            let server = run_blocking_shared(py, async move {
                CoreDevServer::start(cfg)
                    .await
                    .map_err(|e| Error::new(ErrorCode::ConfigurationError, format!("cannot start the dev server: {e}")))
            })?;
            let url = server.url();
            Ok(DevServer { pid: std::process::id(), url, api_key, admin_token, server: Mutex::new(Some(server)) })
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:40123`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The API key agents authenticate with.
    #[getter]
    fn api_key(&self) -> String {
        self.api_key.clone()
    }

    /// The admin token (reviews, model registry).
    #[getter]
    fn admin_token(&self) -> String {
        self.admin_token.clone()
    }

    /// Whether the server is running.
    #[getter]
    fn running(&self) -> bool {
        std::process::id() == self.pid && self.server.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Approves a pending action; returns the action as JSON text.
    #[pyo3(signature = (action_id, comment=None))]
    fn approve(&self, py: Python<'_>, action_id: &str, comment: Option<String>) -> PyResult<String> {
        guard(py, || {
            let id = parse_id(action_id).py_err(py)?;
            py.detach(|| self.with_server(|s| s.approve(id, comment).map_err(api_error)))
                .py_err(py)
                .map(|v| v.to_string())
        })
    }

    /// Denies a pending action; returns the action as JSON text.
    fn deny(&self, py: Python<'_>, action_id: &str, reason: &str) -> PyResult<String> {
        guard(py, || {
            let id = parse_id(action_id).py_err(py)?;
            py.detach(|| self.with_server(|s| s.deny(id, reason).map_err(api_error))).py_err(py).map(|v| v.to_string())
        })
    }

    /// Stops the server (ends long polls, waits for in-flight requests). Idempotent.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
            if std::process::id() != self.pid {
                // A forked child: the server's tasks live on the parent's runtime; never wait for them here.
                std::mem::forget(server);
                return Ok(());
            }
            if let Some(server) = server {
                run_blocking_shared(py, async move {
                    server.shutdown().await;
                    Ok(())
                })?;
            }
            Ok(())
        })
    }

    fn __repr__(&self) -> String {
        // Never the key or the token (D19).
        format!("<ascend._native.DevServer url={:?} running={}>", self.url, self.running())
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        // Garbage-collected while running: stop it in the background rather than leaking a listening socket.
        let server = self.server.get_mut().unwrap_or_else(|p| p.into_inner()).take();
        if std::process::id() != self.pid {
            std::mem::forget(server);
        } else if let Some(server) = server {
            ascend_core::runtime::runtime().spawn(server.shutdown());
        }
    }
}
