//! Running core futures for Python (DESIGN.md "Runtime rules"):
//!
//! * blocking calls spawn the future on the core's process-global runtime and wait for it with the GIL released;
//!   the wait wakes at least every 100 ms to re-acquire the GIL and run `PyErr_CheckSignals`, so Ctrl-C raises
//!   `KeyboardInterrupt` promptly and the task is aborted (its future dropped, which cancels the HTTP request or the
//!   poll loop);
//! * awaitables come from `pyo3-async-runtimes` through a runtime adapter that spawns onto the same core runtime
//!   (looked up on every spawn, so a forked child uses its own fresh runtime).
//!
//! Futures are wrapped in `catch_unwind`: a panic in the core becomes `NativeError(code="INTERNAL")` (D20).

use crate::errors::{panic_error, to_pyerr};
use ascend_core::{Error, ErrorCode};
use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::types::PyString;
use pyo3_async_runtimes::{generic, TaskLocals};
use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::{AbortHandle, JoinError};

/// Longest time a blocking call waits without checking for signals.
pub const SIGNAL_SLICE: Duration = Duration::from_millis(100);

/// An `on_escalated` notification: `(action_id, decision projection as JSON text)`.
pub type Escalation = (String, String);

type Caught<T> = Result<Result<T, Error>, Box<dyn std::any::Any + Send>>;

enum Wake<T> {
    Done(Result<Caught<T>, JoinError>),
    Escalated(Escalation),
    Tick,
}

/// Aborts the spawned task when the wait is left early (Ctrl-C, a failing callback), dropping its future.
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn finish<T>(py: Python<'_>, joined: Result<Caught<T>, JoinError>) -> PyResult<T> {
    match joined {
        Ok(Ok(Ok(v))) => Ok(v),
        Ok(Ok(Err(e))) => Err(to_pyerr(py, e)),
        Ok(Err(payload)) => Err(to_pyerr(py, panic_error(payload.as_ref()))),
        Err(e) if e.is_panic() => Err(to_pyerr(py, panic_error(e.into_panic().as_ref()))),
        Err(_) => Err(to_pyerr(py, Error::new(ErrorCode::Cancelled, "the call was cancelled (runtime shut down)"))),
    }
}

fn call_escalated(py: Python<'_>, callback: &Bound<'_, PyAny>, (action_id, decision): Escalation) {
    if let Err(e) = callback.call1((action_id.as_str(), decision)) {
        let kind = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
        tracing::warn!(target: "ascend_python", action_id = %action_id, error = %kind, "on_escalated callback raised; ignored");
    }
}

/// Runs `fut` on the shared runtime and returns its result, waiting with the GIL released and checking for
/// signals every [`SIGNAL_SLICE`]. `escalations`, when given, delivers `on_escalated` notifications that are
/// passed to the Python callback on this thread (with the GIL), never on a runtime thread.
pub fn run_blocking<T, F>(
    py: Python<'_>,
    fut: F,
    mut escalations: Option<(UnboundedReceiver<Escalation>, Bound<'_, PyAny>)>,
) -> PyResult<T>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(to_pyerr(
            py,
            Error::internal("a blocking ASCEND call was made from inside the SDK runtime; use AsyncAscendClient"),
        ));
    }
    let rt = ascend_core::runtime::runtime();
    if escalations.is_none() {
        return run_blocking_plain(py, rt, fut);
    }
    let mut handle = rt.spawn(AssertUnwindSafe(fut).catch_unwind());
    let _abort = AbortOnDrop(handle.abort_handle());
    loop {
        let rx = escalations.as_mut().map(|(rx, _)| rx);
        let wake = py.detach(|| {
            rt.block_on(async {
                let escalated = async {
                    match rx {
                        Some(rx) => rx.recv().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    biased;
                    joined = &mut handle => Wake::Done(joined),
                    Some(ev) = escalated => Wake::Escalated(ev),
                    _ = tokio::time::sleep(SIGNAL_SLICE) => Wake::Tick,
                }
            })
        });
        match wake {
            Wake::Done(joined) => {
                if let Some((rx, callback)) = escalations.as_mut() {
                    while let Ok(ev) = rx.try_recv() {
                        call_escalated(py, callback, ev);
                    }
                }
                return finish(py, joined);
            }
            Wake::Escalated(ev) => {
                if let Some((_, callback)) = escalations.as_ref() {
                    call_escalated(py, callback, ev);
                }
            }
            Wake::Tick => {}
        }
        // Ctrl-C: KeyboardInterrupt propagates and `_abort` drops the task's future.
        py.check_signals()?;
    }
}

/// The common case (no callback to deliver): the task sends its result over a std channel and this thread waits
/// on it with the GIL released, in slices of [`SIGNAL_SLICE`]. A plain futex wait per call, without entering the
/// runtime or arming a timer, is measurably cheaper than `block_on` + `select!` on the hot path.
fn run_blocking_plain<T, F>(py: Python<'_>, rt: &'static tokio::runtime::Runtime, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel::<Caught<T>>(1);
    let handle = rt.spawn(async move {
        let caught = AssertUnwindSafe(fut).catch_unwind().await;
        let _ = tx.send(caught);
    });
    let _abort = AbortOnDrop(handle.abort_handle());
    let mut rx = Some(rx);
    loop {
        let receiver = rx.take().expect("the receiver is put back after every wait");
        let (got, receiver) = py.detach(move || (receiver.recv_timeout(SIGNAL_SLICE), receiver));
        rx = Some(receiver);
        match got {
            Ok(caught) => return finish(py, Ok(caught)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(to_pyerr(
                    py,
                    Error::new(ErrorCode::Cancelled, "the call was cancelled (runtime shut down)"),
                ));
            }
        }
        // Ctrl-C: KeyboardInterrupt propagates and `_abort` drops the task's future.
        py.check_signals()?;
    }
}

// ------------------------------------------------------------------------------------------------ asyncio

/// The `pyo3-async-runtimes` runtime adapter over `ascend_core::runtime::runtime()`.
pub struct CoreRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl generic::Runtime for CoreRuntime {
    type JoinError = JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        ascend_core::runtime::runtime().spawn(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        ascend_core::runtime::runtime().spawn_blocking(f)
    }
}

impl generic::ContextExt for CoreRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(|c| c.get().cloned()).unwrap_or_default()
    }
}

/// What an awaitable resolves to; converted with the GIL by `pyo3-async-runtimes` (an error becomes the
/// `NativeError` set on the asyncio future), so no runtime thread ever waits for the GIL to build an exception.
pub enum Outcome {
    /// JSON text of the result.
    Json(String),
    /// A core error (or a caught panic).
    Failed(Error),
}

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        match self {
            Outcome::Json(text) => Ok(PyString::new(py, &text).into_any()),
            Outcome::Failed(e) => Err(to_pyerr(py, e)),
        }
    }
}

/// An asyncio awaitable (bound to the running loop) for a core future returning JSON.
pub fn awaitable<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<serde_json::Value, Error>> + Send + 'static,
{
    let locals = generic::get_current_locals::<CoreRuntime>(py)?;
    generic::future_into_py_with_locals::<CoreRuntime, _, _>(py, locals, async move {
        Ok(match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(Ok(v)) => Outcome::Json(v.to_string()),
            Ok(Err(e)) => Outcome::Failed(e),
            Err(payload) => Outcome::Failed(panic_error(payload.as_ref())),
        })
    })
}
