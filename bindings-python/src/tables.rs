//! The core's tables and rules that the Python package reads instead of keeping copies: the method descriptor,
//! the error-code table, the masking rule and its sensitive keys.

use crate::errors::guard;
use pyo3::prelude::*;

/// The method table as JSON text (`ascend_core::api::descriptor`).
#[pyfunction]
pub fn method_descriptor(py: Python<'_>) -> PyResult<String> {
    guard(py, || Ok(ascend_core::api::descriptor_text()))
}

/// The error-code table as JSON text: `[{"code", "class", "error_code", "retryable", "extras"}]`.
#[pyfunction]
pub fn error_codes(py: Python<'_>) -> PyResult<String> {
    guard(py, || Ok(ascend_core::ErrorCode::table().to_string()))
}

/// `text` with API-key-like tokens and bearer tokens masked (D19; the core's rule for its own records).
#[pyfunction]
pub fn mask_text(py: Python<'_>, text: &str) -> PyResult<String> {
    guard(py, || Ok(ascend_core::log::mask_text(text)))
}

/// Registers the functions and constants of this file on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(method_descriptor, m)?)?;
    m.add_function(wrap_pyfunction!(error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(mask_text, m)?)?;
    m.add("SENSITIVE_KEYS", ascend_core::log::SENSITIVE_KEYS.to_vec())?;
    Ok(())
}
