//! `_native.Client` and `_native.CircuitBreaker`: thin wrappers over `ascend_core::Client` and
//! `ascend_core::breaker::CircuitBreaker`. Every method converts its arguments to owned Rust values, then runs the
//! core with the GIL released (see `blocking.rs`).

use crate::blocking::{awaitable, run_blocking, Escalation};
use crate::completion::CompletionQueue;
use crate::convert::{kwargs_to_json, output_to_py, py_to_json};
use crate::errors::{guard, to_pyerr, validation, IntoPyResult};
use ascend_core::breaker::CircuitBreaker as CoreBreaker;
use ascend_core::client::EscalationCallback;
use ascend_core::clock::{ManualClock, SharedClock, SystemClock};
use ascend_core::{CallOptions, Client as CoreClient, ClientParams, Error};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) fn type_error(field: &str, want: &str, got: &Bound<'_, PyAny>) -> Error {
    // Only the type is named: the value may be a secret (D19).
    let got = got.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
    Error::config(field, format!("{field} must be {want}, got {got}"))
}

pub(crate) fn opt_string(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<String>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    match v.cast::<PyString>() {
        Ok(s) => s.to_cow().map(|s| Some(s.into_owned())).map_err(|_| type_error(field, "valid UTF-8 text", v)),
        Err(_) => Err(type_error(field, "a string", v)),
    }
}

pub(crate) fn opt_f64(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<f64>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    if v.is_instance_of::<PyBool>() || !(v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>()) {
        return Err(type_error(field, "a number of seconds", v));
    }
    v.extract::<f64>().map(Some).map_err(|_| type_error(field, "a number of seconds", v))
}

fn opt_i64(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<i64>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
        return Err(type_error(field, "an integer", v));
    }
    v.extract::<i64>().map(Some).map_err(|_| Error::config(field, format!("{field} is out of range")))
}

pub(crate) fn opt_bool(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<bool>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    // Python truthiness, like the peer's `if enable_circuit_breaker:`.
    v.is_truthy().map(Some).map_err(|_| type_error(field, "a boolean", v))
}

fn opt_path(field: &str, v: &Bound<'_, PyAny>) -> Result<Option<PathBuf>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    let fspath = v.py().import("os").and_then(|os| os.call_method1("fspath", (v,)));
    match fspath {
        Ok(p) => opt_string(field, &p).map(|s| s.map(PathBuf::from)),
        Err(_) => Err(type_error(field, "a path (str or os.PathLike)", v)),
    }
}

fn parse_clock(v: &Bound<'_, PyAny>) -> Result<(SharedClock, Option<Arc<ManualClock>>), Error> {
    let spec = opt_string("_clock", v)?.unwrap_or_else(|| "system".into());
    ascend_core::clock::clock_from_spec(&spec)
}

fn parse_env(v: &Bound<'_, PyAny>) -> Result<Option<HashMap<String, String>>, Error> {
    if v.is_none() {
        return Ok(None);
    }
    let bad = || type_error("_env", "a dict of str to str", v);
    let Some(Value::Object(map)) = py_to_json(v) else { return Err(bad()) };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            _ => Err(bad()),
        })
        .collect::<Result<HashMap<_, _>, _>>()
        .map(Some)
}

struct Parsed {
    params: ClientParams,
    clock: SharedClock,
    manual: Option<Arc<ManualClock>>,
}

/// `python <major>.<minor>` for the User-Agent.
fn python_binding(py: Python<'_>) -> ascend_core::BindingInfo {
    let v = py.version_info();
    ascend_core::BindingInfo { name: "python".into(), version: format!("{}.{}", v.major, v.minor) }
}

fn parse_params(dict: &Bound<'_, PyDict>) -> Result<Parsed, Error> {
    let mut p = ClientParams { binding: Some(python_binding(dict.py())), ..ClientParams::default() };
    let mut clock: SharedClock = Arc::new(SystemClock);
    let mut manual = None;
    for (key, v) in dict.iter() {
        let key: String = match key.cast::<PyString>() {
            Ok(k) => k.to_string(),
            Err(_) => {
                return Err(validation("params", "Keys must be strings", "client parameter names must be strings"))
            }
        };
        let k = key.as_str();
        match k {
            "api_key" => p.api_key = opt_string(k, &v)?,
            "agent_id" => p.agent_id = opt_string(k, &v)?,
            "agent_name" => p.agent_name = opt_string(k, &v)?,
            "api_url" => p.api_url = opt_string(k, &v)?,
            "environment" => p.environment = opt_string(k, &v)?,
            "fail_mode" => p.fail_mode = opt_string(k, &v)?,
            "signing_secret" => p.signing_secret = opt_string(k, &v)?,
            "timeout" => p.timeout = opt_f64(k, &v)?,
            "circuit_breaker_timeout" => p.circuit_breaker_timeout = opt_f64(k, &v)?,
            "max_retries" => p.max_retries = opt_i64(k, &v)?,
            "circuit_breaker_threshold" => p.circuit_breaker_threshold = opt_i64(k, &v)?,
            "enable_circuit_breaker" => p.enable_circuit_breaker = opt_bool(k, &v)?,
            "debug" => p.debug = opt_bool(k, &v)?,
            "audit_spool_path" => p.audit_spool_path = opt_path(k, &v)?,
            "prescore_rules_path" => p.prescore_rules_path = opt_path(k, &v)?,
            "app_info" => p.app_info = opt_string(k, &v)?,
            "local_auto_approve_below" => p.local_auto_approve_below = opt_f64(k, &v)?,
            "kill_switch_interval" => p.kill_switch_interval = opt_f64(k, &v)?,
            "_clock" => (clock, manual) = parse_clock(&v)?,
            "_env" => p.env = parse_env(&v)?,
            _ => {
                debug_assert!(!ascend_core::config::PARAM_NAMES.contains(&k));
                return Err(validation(k, "Unknown parameter", format!("unknown client parameter: {k}")));
            }
        }
    }
    Ok(Parsed { params: p, clock, manual })
}

fn build(params: &ClientParams, clock: &SharedClock) -> Result<CoreClient, Error> {
    // Inside the runtime context, so nothing in construction can miss a reactor; no network I/O happens here.
    let _rt = ascend_core::runtime::runtime().enter();
    CoreClient::with_clock(params.clone(), clock.clone())
}

/// One SDK client (one HTTP pool, breaker, kill-switch state, spool).
#[pyclass(module = "ascend._native", name = "Client", frozen)]
pub struct Client {
    params: ClientParams,
    clock: SharedClock,
    manual: Option<Arc<ManualClock>>,
    /// `(pid, client)`: a forked child rebuilds the core client (fresh HTTP pool on its own runtime) on first use.
    /// Shared by the client and its `with_options` views, so they keep sharing one core client after a fork too.
    state: Arc<Mutex<(u32, CoreClient)>>,
    /// The per-call options of a `with_options` view (`None` on the client itself).
    opts: Option<CallOptions>,
}

impl Client {
    /// The core client for this process.
    fn core(&self) -> Result<CoreClient, Error> {
        let pid = std::process::id();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.0 != pid {
            let fresh = build(&self.params, &self.clock)?;
            let inherited = std::mem::replace(&mut state.1, fresh);
            // Never drop the parent's client in the child: its sockets are registered with the parent's epoll
            // instance, which the child shares; dropping them would deregister them for the parent too.
            std::mem::forget(inherited);
            state.0 = pid;
            tracing::debug!(target: "ascend_python", "forked child: ASCEND client rebuilt for this process");
        }
        Ok(match &self.opts {
            Some(opts) => state.1.with_options(opts.clone()),
            None => state.1.clone(),
        })
    }

    fn parse_args(args_json: &str) -> Result<Value, Error> {
        serde_json::from_str(args_json)
            .map_err(|e| validation("args", "Must be a JSON object", format!("arguments are not valid JSON: {e}")))
    }

    /// The keyword arguments as JSON. A dict of plain JSON types (the common case) is converted here directly;
    /// anything else goes through the Python encoder (`ascend._base.encode_args`), which applies the peer's JSON
    /// rules (`to_dict()`, dataclasses, dates, sets) and raises `ValidationValueError` naming the argument. JSON
    /// text is accepted too (tools and tests).
    fn args_value(py: Python<'_>, method: &str, args: &Bound<'_, PyAny>) -> PyResult<Value> {
        if let Ok(text) = args.cast::<PyString>() {
            return Self::parse_args(&text.to_cow()?).py_err(py);
        }
        let skip_none = ascend_core::dispatch::null_args_are_absent(method);
        if let Some(v) = args.cast::<PyDict>().ok().and_then(|d| kwargs_to_json(d, skip_none)) {
            return Ok(v);
        }
        static ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let encode =
            ENCODE.get_or_try_init(py, || py.import("ascend._base")?.getattr("encode_args").map(Bound::unbind))?;
        let text: String = encode.call1(py, (args,))?.extract(py)?;
        Self::parse_args(&text).py_err(py)
    }
}

#[pymethods]
impl Client {
    #[new]
    fn new(py: Python<'_>, params: &Bound<'_, PyDict>) -> PyResult<Self> {
        guard(py, || {
            crate::logging::refresh_level(py);
            let parsed = parse_params(params).py_err(py)?;
            let client = build(&parsed.params, &parsed.clock).py_err(py)?;
            Ok(Client {
                params: parsed.params,
                clock: parsed.clock,
                manual: parsed.manual,
                state: Arc::new(Mutex::new((std::process::id(), client))),
                opts: None,
            })
        })
    }

    /// A view of this client whose calls use `options` (`timeout`, `max_retries`, `headers`; merged over this
    /// view's own, the later winning), sharing its connection pool, breaker, kill switch and spool.
    fn with_options(&self, py: Python<'_>, options: &Bound<'_, PyAny>) -> PyResult<Client> {
        guard(py, || {
            let value = py_to_json(options).ok_or_else(|| {
                to_pyerr(
                    py,
                    validation("request_options", "Must be an object", "request_options must be a dict of JSON values"),
                )
            })?;
            let given = CallOptions::from_json(&value).py_err(py)?;
            let opts = match &self.opts {
                Some(mine) => mine.merged(&given),
                None => given,
            };
            Ok(Client {
                params: self.params.clone(),
                clock: self.clock.clone(),
                manual: self.manual.clone(),
                state: self.state.clone(),
                opts: (!opts.is_empty()).then_some(opts),
            })
        })
    }

    /// Call client method `method` (Python name) with its keyword arguments (a dict, or JSON text); returns the
    /// JSON result as Python objects (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`).
    fn invoke<'py>(&self, py: Python<'py>, method: &str, args: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            crate::logging::refresh_level(py);
            let args = Self::args_value(py, method, args)?;
            let client = self.core().py_err(py)?;
            let method = method.to_string();
            let output = run_blocking(py, async move { client.invoke_output(&method, args).await }, None)?;
            output_to_py(py, &output)
        })
    }

    /// Same as `invoke`, run on the core's async lane from the queue's next `flush()`; the outcome is queued on
    /// `queue` under `token` (see `completion.rs`: no runtime thread takes the GIL). Argument conversion errors
    /// raise here. Returns `True` when this is the first call since the last flush (the caller schedules one).
    fn submit(
        &self,
        py: Python<'_>,
        method: &str,
        args: &Bound<'_, PyAny>,
        queue: &Bound<'_, CompletionQueue>,
        token: u64,
    ) -> PyResult<bool> {
        guard(py, || {
            crate::logging::refresh_level(py);
            let args = Self::args_value(py, method, args)?;
            let client = self.core().py_err(py)?;
            let method = method.to_string();
            // The call's state machine (several kB) is boxed on the lane, at its first poll: memory allocated on
            // the loop thread and freed on the lane makes the two contend for the allocator's arena lock.
            Ok(queue.get().spawn(token, async move { Box::pin(client.invoke_output(&method, args)).await }))
        })
    }

    /// Same as `invoke`, as an awaitable bound to the running asyncio loop.
    fn invoke_async<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            crate::logging::refresh_level(py);
            let args = Self::args_value(py, method, args)?;
            let client = self.core().py_err(py)?;
            let method = method.to_string();
            awaitable(py, async move { client.invoke_output(&method, args).await })
        })
    }

    /// Resolved configuration as a dict (`api_key`/`signing_secret` included; never shown by `repr`).
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let client = self.core().py_err(py)?;
            let c = client.config();
            let d = PyDict::new(py);
            d.set_item("api_url", &c.api_url)?;
            d.set_item("api_key", c.api_key.expose())?;
            d.set_item("agent_id", &c.agent_id)?;
            d.set_item("agent_name", &c.agent_name)?;
            d.set_item("environment", &c.environment)?;
            d.set_item("fail_mode", c.fail_mode.as_str())?;
            d.set_item("timeout", c.timeout.as_secs_f64())?;
            d.set_item("max_retries", c.max_retries)?;
            d.set_item("signing_secret", c.signing_secret.as_ref().map(|s| s.expose()))?;
            d.set_item("enable_circuit_breaker", c.enable_circuit_breaker)?;
            d.set_item("circuit_breaker_threshold", c.circuit_breaker_threshold)?;
            d.set_item("circuit_breaker_timeout", c.circuit_breaker_timeout.as_secs_f64())?;
            d.set_item("debug", c.debug)?;
            d.set_item("audit_spool_path", c.audit_spool_path.to_string_lossy().as_ref())?;
            d.set_item("prescore_rules_path", c.prescore_rules_path.as_ref().map(|p| p.to_string_lossy().to_string()))?;
            Ok(d)
        })
    }

    /// Poll until a final decision; `on_escalated(action_id, decision_json)` runs on this thread.
    #[pyo3(signature = (action_id, timeout, poll_interval, on_escalated))]
    fn wait_for_decision(
        &self,
        py: Python<'_>,
        action_id: String,
        timeout: f64,
        poll_interval: f64,
        on_escalated: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            crate::logging::refresh_level(py);
            let client = self.core().py_err(py)?;
            let (callback, escalations) = match on_escalated {
                Some(f) => {
                    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Escalation>();
                    let cb: EscalationCallback = Arc::new(move |id, d| {
                        let _ = tx.send((id.to_string(), d.to_json().to_string()));
                    });
                    (Some(cb), Some((rx, f)))
                }
                None => (None, None),
            };
            let fut = async move {
                client.wait_for_decision(&action_id, timeout, poll_interval, callback).await.map(|d| d.to_json())
            };
            Ok(run_blocking(py, fut, escalations)?.to_string())
        })
    }

    /// The client's circuit breaker (shared with the core), or `None` when disabled.
    fn circuit_breaker(&self, py: Python<'_>) -> PyResult<Option<CircuitBreaker>> {
        guard(py, || {
            let client = self.core().py_err(py)?;
            Ok(client.circuit_breaker().map(|b| CircuitBreaker { inner: b.clone() }))
        })
    }

    /// Sleeps requested from the manual clock so far, in seconds (`_clock="manual…"` only; else empty).
    fn clock_sleeps(&self, py: Python<'_>) -> PyResult<Vec<f64>> {
        guard(py, || {
            Ok(self.manual.as_ref().map(|m| m.sleeps().iter().map(Duration::as_secs_f64).collect()).unwrap_or_default())
        })
    }

    /// Moves the manual clock forward without recording a sleep (`_clock="manual…"` only).
    fn advance_clock(&self, py: Python<'_>, seconds: f64) -> PyResult<()> {
        guard(py, || {
            let Some(m) = &self.manual else {
                return Err(to_pyerr(py, validation("_clock", "No manual clock", "this client uses the system clock")));
            };
            if !seconds.is_finite() || seconds < 0.0 {
                return Err(to_pyerr(
                    py,
                    validation("seconds", "Must be >= 0", "seconds must be a non-negative number"),
                ));
            }
            m.advance(Duration::from_secs_f64(seconds));
            Ok(())
        })
    }

    /// Stop kill-switch polling and the heartbeat scheduler. Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.0 == std::process::id() {
                state.1.close();
            }
            Ok(())
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<ascend._native.Client api_url={:?} agent_id={:?}>",
            self.params.api_url.as_deref().unwrap_or(""),
            self.params.agent_id.as_deref().unwrap_or("")
        )
    }
}

/// The core's thread-safe breaker (PROTOCOL §3.6, DECISIONS D3); standalone or a client's own.
#[pyclass(module = "ascend._native", name = "CircuitBreaker", frozen)]
pub struct CircuitBreaker {
    inner: Arc<CoreBreaker>,
}

#[pymethods]
impl CircuitBreaker {
    #[new]
    #[pyo3(signature = (failure_threshold=5, recovery_timeout=30.0, half_open_max_calls=3))]
    fn new(py: Python<'_>, failure_threshold: i64, recovery_timeout: f64, half_open_max_calls: i64) -> PyResult<Self> {
        guard(py, || {
            if !recovery_timeout.is_finite() || recovery_timeout < 0.0 {
                return Err(to_pyerr(
                    py,
                    validation("recovery_timeout", "Must be >= 0", "recovery_timeout must be a non-negative number"),
                ));
            }
            let clamp = |n: i64| n.clamp(1, u32::MAX as i64) as u32;
            Ok(CircuitBreaker {
                inner: Arc::new(CoreBreaker::new(
                    clamp(failure_threshold),
                    Duration::from_secs_f64(recovery_timeout),
                    clamp(half_open_max_calls),
                    Arc::new(SystemClock),
                )),
            })
        })
    }

    #[getter]
    fn failure_threshold(&self, py: Python<'_>) -> PyResult<u32> {
        guard(py, || Ok(self.inner.failure_threshold))
    }

    #[getter]
    fn recovery_timeout(&self, py: Python<'_>) -> PyResult<f64> {
        guard(py, || Ok(self.inner.recovery_timeout.as_secs_f64()))
    }

    #[getter]
    fn half_open_max_calls(&self, py: Python<'_>) -> PyResult<u32> {
        guard(py, || Ok(self.inner.half_open_max_calls))
    }

    #[getter]
    fn failures(&self, py: Python<'_>) -> PyResult<u32> {
        guard(py, || Ok(self.inner.failures()))
    }

    /// `closed` | `open` | `half_open` (reading it may move OPEN to HALF_OPEN).
    #[getter]
    fn state(&self, py: Python<'_>) -> PyResult<&'static str> {
        guard(py, || Ok(self.inner.state().as_str()))
    }

    fn record_success(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.inner.record_success();
            Ok(())
        })
    }

    fn record_failure(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.inner.record_failure();
            Ok(())
        })
    }

    fn allow_request(&self, py: Python<'_>) -> PyResult<bool> {
        guard(py, || Ok(self.inner.allow_request()))
    }

    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.inner.reset();
            Ok(())
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<ascend._native.CircuitBreaker state={:?} failures={}>",
            self.inner.state().as_str(),
            self.inner.failures()
        )
    }
}
