//! The registration entry points `ascend` calls once at import: the decision classes the extension builds
//! directly, and the log handler and level source. Kept apart from `convert` and `logging` so that those stay
//! leaf modules under `errors` (whose panic guard every entry point runs in).

use crate::errors::guard;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// `set_decision_types(cls, decision_enum, risk_level_enum)`: from now on the extension returns decisions as
/// instances of `cls` (a dataclass whose fields are the projection's keys), built in Rust instead of by
/// `_from_projection` in Python. The first registration wins.
#[pyfunction]
pub fn set_decision_types(
    py: Python<'_>,
    cls: Bound<'_, PyType>,
    decision_enum: Bound<'_, PyAny>,
    risk_level_enum: Bound<'_, PyAny>,
) -> PyResult<()> {
    guard(py, || crate::convert::register_decision_types(py, cls, decision_enum, risk_level_enum))
}

/// `set_log_level_source(fn)`: `fn()` returns the effective level of the logger the handler writes to (read at
/// every entry point). The first registration wins.
#[pyfunction]
pub fn set_log_level_source(py: Python<'_>, r#fn: Py<PyAny>) -> PyResult<()> {
    guard(py, || {
        crate::logging::set_level_source(py, r#fn);
        Ok(())
    })
}

/// `set_log_handler(fn)`: `fn(level, target, message, fields)` receives every core record from now on.
#[pyfunction]
pub fn set_log_handler(py: Python<'_>, r#fn: Py<PyAny>) -> PyResult<()> {
    guard(py, || {
        crate::logging::set_handler(r#fn);
        Ok(())
    })
}
