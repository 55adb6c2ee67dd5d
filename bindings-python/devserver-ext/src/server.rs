//! `DevServer`: the local dev server (`ascend-devserver`) running inside this process on the runtime, for users'
//! tests (`ascend.testing.DevServer`). Thin: parameters become a `ServerConfig`, the server starts and stops with the
//! GIL released, reviews call the server's own review function.

use crate::errors::{guard, run_on_runtime, IntoPyResult};
use crate::params::parse_params;
use ascend_core::{Error, ErrorCode};
use ascend_devserver::embed::parse_action_id;
use ascend_devserver::DevServer as CoreDevServer;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Mutex;

/// The dev server, running in this process.
#[pyclass(module = "ascend._devserver", name = "DevServer", frozen)]
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
            let cfg = parse_params(params)?.py_err(py)?;
            let api_key = cfg.api_key.clone();
            let admin_token = cfg.admin_token.clone();
            let server = run_on_runtime(py, async move {
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
            let id = parse_action_id(action_id).py_err(py)?;
            py.detach(|| self.with_server(|s| s.approve(id, comment).map_err(Error::from)))
                .py_err(py)
                .map(|v| v.to_string())
        })
    }

    /// Denies a pending action; returns the action as JSON text.
    fn deny(&self, py: Python<'_>, action_id: &str, reason: &str) -> PyResult<String> {
        guard(py, || {
            let id = parse_action_id(action_id).py_err(py)?;
            py.detach(|| self.with_server(|s| s.deny(id, reason).map_err(Error::from)))
                .py_err(py)
                .map(|v| v.to_string())
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
                run_on_runtime(py, async move {
                    server.shutdown().await;
                    Ok(())
                })?;
            }
            Ok(())
        })
    }

    fn __repr__(&self) -> String {
        // Never the key or the token (D19).
        format!("<ascend._devserver.DevServer url={:?} running={}>", self.url, self.running())
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
