//! Running core futures for Python (DESIGN.md "Runtime rules"):
//!
//! * blocking calls run the future on the calling thread (its lane: `ascend_core::lane`, so the caller does its own
//!   socket I/O without thread hand-offs) with the GIL released; the call returns to the interpreter at least every
//!   100 ms to run `PyErr_CheckSignals`, so Ctrl-C raises `KeyboardInterrupt` promptly and the future is dropped,
//!   which cancels the HTTP request or the poll loop;
//! * awaitables come from `pyo3-async-runtimes` through a runtime adapter that spawns onto the same core runtime
//!   (looked up on every spawn, so a forked child uses its own fresh runtime).
//!
//! Futures are wrapped in `catch_unwind`: a panic in the core becomes `NativeError(code="INTERNAL")` (D20).

use crate::errors::{panic_error, to_pyerr};
use ascend_core::dispatch::Output;
use ascend_core::{lane, Error};
use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3_async_runtimes::{generic, TaskLocals};
use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinError;

/// Longest time a blocking call waits without checking for signals.
pub const SIGNAL_SLICE: Duration = Duration::from_millis(100);

/// An `on_escalated` notification: `(action_id, decision projection as JSON text)`.
pub type Escalation = (String, String);

type Caught<T> = Result<Result<T, Error>, Box<dyn std::any::Any + Send>>;

enum Wake<T> {
    Done(Caught<T>),
    Escalated(Escalation),
    Tick,
}

fn finish<T>(py: Python<'_>, caught: Caught<T>) -> PyResult<T> {
    match caught {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_pyerr(py, e)),
        Err(payload) => Err(to_pyerr(py, panic_error(payload.as_ref()))),
    }
}

fn call_escalated(py: Python<'_>, callback: &Bound<'_, PyAny>, (action_id, decision): Escalation) {
    if let Err(e) = callback.call1((action_id.as_str(), decision)) {
        let kind = e.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
        tracing::warn!(target: "ascend_python", action_id = %action_id, error = %kind, "on_escalated callback raised; ignored");
    }
}

/// Runs `fut` to completion on this thread (its lane, see `ascend_core::lane`) with the GIL released, returning to
/// the interpreter at least every [`SIGNAL_SLICE`] to check for signals. `escalations`, when given, delivers
/// `on_escalated` notifications that are passed to the Python callback on this thread (with the GIL) between
/// slices, never from inside the runtime (so the callback may itself make blocking calls).
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
    let mode = lane::begin_call();
    let mut fut = Box::pin(AssertUnwindSafe(fut).catch_unwind());
    loop {
        let rx = escalations.as_mut().map(|(rx, _)| rx);
        let fut = &mut fut;
        let wake = py.detach(move || {
            lane::block_on_in(mode, async move {
                let escalated = async {
                    match rx {
                        Some(rx) => rx.recv().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    biased;
                    caught = fut => Wake::Done(caught),
                    Some(ev) = escalated => Wake::Escalated(ev),
                    _ = tokio::time::sleep(SIGNAL_SLICE) => Wake::Tick,
                }
            })
        });
        match wake {
            Wake::Done(caught) => {
                if let Some((rx, callback)) = escalations.as_mut() {
                    while let Ok(ev) = rx.try_recv() {
                        call_escalated(py, callback, ev);
                    }
                }
                return finish(py, caught);
            }
            Wake::Escalated(ev) => {
                if let Some((_, callback)) = escalations.as_ref() {
                    call_escalated(py, callback, ev);
                }
            }
            Wake::Tick => {}
        }
        // Ctrl-C: KeyboardInterrupt propagates and the call's future is dropped, which cancels the HTTP request or
        // the poll loop.
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
    /// The result, converted to Python objects with the GIL.
    Json(Output),
    /// A core error (or a caught panic).
    Failed(Error),
}

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        match self {
            Outcome::Json(v) => crate::convert::output_to_py(py, &v),
            Outcome::Failed(e) => Err(to_pyerr(py, e)),
        }
    }
}

/// An asyncio awaitable (bound to the running loop) for a core future returning JSON.
pub fn awaitable<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<Output, Error>> + Send + 'static,
{
    let locals = generic::get_current_locals::<CoreRuntime>(py)?;
    generic::future_into_py_with_locals::<CoreRuntime, _, _>(py, locals, async move {
        Ok(match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(Ok(v)) => Outcome::Json(v),
            Ok(Err(e)) => Outcome::Failed(e),
            Err(payload) => Outcome::Failed(panic_error(payload.as_ref())),
        })
    })
}
