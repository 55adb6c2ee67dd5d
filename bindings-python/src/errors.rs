//! `NativeError` and the panic guard every entry point runs in (DECISIONS D19/D20).
//!
//! `NativeError` is an ordinary Python exception class (`abi3` cannot subclass `Exception` with a Rust struct
//! before Python 3.12), so the fields of an `ascend_core::Error` are set as instance attributes when it is raised.
//! The class also carries defaults for every attribute, which is what `stubtest` and the `_native.pyi` contract see.

use crate::convert::json_to_py;
use ascend_core::{Error, ErrorCode};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::panic::{catch_unwind, AssertUnwindSafe};

pyo3::create_exception!(
    ascend._native,
    NativeError,
    pyo3::exceptions::PyException,
    "An `ascend_core::Error`: stable `code`, `message`, `status_code`, `correlation_id`, `details`; never a secret."
);

/// Gives the class the documented attributes (`code`, `message`, ...) with neutral defaults.
pub fn init_class(py: Python<'_>) -> PyResult<()> {
    let cls = py.get_type::<NativeError>();
    cls.setattr("code", ErrorCode::Internal.as_str())?;
    cls.setattr("message", "")?;
    cls.setattr("status_code", py.None())?;
    cls.setattr("correlation_id", py.None())?;
    cls.setattr("details", PyDict::new(py))?;
    Ok(())
}

/// The Python exception for a core error (the one Rust-side translation point; Python maps `code` to a class).
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    let err = NativeError::new_err(e.message.clone());
    if let Err(inner) = fill(py, &err, e) {
        return inner;
    }
    err
}

fn fill(py: Python<'_>, err: &PyErr, e: Error) -> PyResult<()> {
    let value = err.value(py);
    value.setattr("code", e.code.as_str())?;
    value.setattr("message", e.message)?;
    value.setattr("status_code", e.status_code)?;
    value.setattr("correlation_id", e.correlation_id)?;
    value.setattr("details", json_to_py(py, &serde_json::Value::Object(e.details))?)?;
    Ok(())
}

/// A `VALIDATION_ERROR` naming one argument, raised before anything reaches the core.
pub fn validation(field: &str, field_message: &str, message: impl Into<String>) -> Error {
    Error::validation(field, field_message, message)
}

/// The `INTERNAL` error for a caught panic (D20): `ascend_core::Error::from_panic`.
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    Error::from_panic(payload)
}

/// Runs one entry point: a panic becomes `NativeError(code="INTERNAL")` and never unwinds into Python, and the log
/// records the call produced are handed to the Python log handler before it returns.
pub fn guard<'py, T>(py: Python<'py>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    let entry = crate::logging::entry_point();
    let out = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => Err(to_pyerr(py, panic_error(payload.as_ref()))),
    };
    drop(entry);
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
