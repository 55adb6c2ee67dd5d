//! Errors as the client module's `ascend._native.NativeError` (one exception class for the whole SDK, translated
//! to SDK exceptions in `ascend._native_loader`), the panic guard of every entry point (D20), and the blocking wait
//! for a future on the runtime.

use ascend_core::{Error, ErrorCode};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Longest time a blocking call waits without checking for signals (as in the client module).
const SIGNAL_SLICE: Duration = Duration::from_millis(100);

static NATIVE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Looks up `ascend._native.NativeError` (importing the client module if needed).
pub fn init(py: Python<'_>) -> PyResult<()> {
    let cls = py.import("ascend._native")?.getattr("NativeError")?.cast_into::<PyType>()?;
    let _ = NATIVE_ERROR.set(py, cls.unbind());
    Ok(())
}

/// The `NativeError` for a core error, with the attributes the client module sets (`code`, `message`,
/// `status_code`, `correlation_id`, `details`).
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    build(py, e).unwrap_or_else(|inner| inner)
}

fn build(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    let cls = NATIVE_ERROR.get(py).ok_or_else(|| PyRuntimeError::new_err("ascend._devserver is not initialised"))?;
    let value = cls.bind(py).call1((e.message.as_str(),))?;
    value.setattr("code", e.code.as_str())?;
    value.setattr("status_code", e.status_code)?;
    value.setattr("correlation_id", e.correlation_id)?;
    let details = serde_json::Value::Object(e.details).to_string();
    value.setattr("details", py.import("json")?.call_method1("loads", (details,))?)?;
    value.setattr("message", e.message)?;
    Ok(PyErr::from_value(value))
}

/// Runs one entry point: a panic becomes `NativeError(code="INTERNAL")` and never unwinds into Python; the log
/// records queued so far are handed to the Python log handler before it returns.
pub fn guard<T>(py: Python<'_>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    crate::logging::refresh_level(py);
    let out = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => Err(to_pyerr(py, Error::from_panic(payload.as_ref()))),
    };
    crate::logging::flush(py);
    out
}

/// `Result<T, core::Error>` to `PyResult<T>`.
pub trait IntoPyResult<T> {
    /// Converts the error with [`to_pyerr`].
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}

/// Runs `fut` as a task of the runtime (what it spawns, e.g. the server's listener, lives there) and waits for it
/// with the GIL released, returning to the interpreter at least every [`SIGNAL_SLICE`] to check for signals
/// (Ctrl-C raises `KeyboardInterrupt`). A panic in the task becomes `INTERNAL`.
pub fn run_on_runtime<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(to_pyerr(py, Error::internal("a blocking dev server call was made from inside the SDK runtime")));
    }
    let rt = ascend_core::runtime::runtime();
    let mut task = rt.spawn(fut);
    loop {
        let slice = py.detach(|| rt.block_on(async { tokio::time::timeout(SIGNAL_SLICE, &mut task).await.ok() }));
        match slice {
            Some(Ok(result)) => return result.py_err(py),
            Some(Err(e)) if e.is_panic() => return Err(to_pyerr(py, Error::from_panic(e.into_panic().as_ref()))),
            Some(Err(_)) => {
                return Err(to_pyerr(
                    py,
                    Error::new(ErrorCode::Cancelled, "the call was cancelled (runtime shut down)"),
                ))
            }
            None => py.check_signals()?,
        }
    }
}
