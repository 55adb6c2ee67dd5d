//! `ascend._native`: the pyo3 extension over `ascend-core` (contract: `python/ascend/_native.pyi`).
//!
//! Thin and mechanical (DESIGN.md): arguments become owned Rust values, the core runs with the GIL released on its
//! process-global runtime, results come back as JSON text, errors as `NativeError` (translated to the SDK's
//! exception classes in exactly one place on the Python side). Every entry point catches panics (D20).

mod blocking;
mod client;
mod completion;
mod convert;
mod errors;
mod govern;
mod hooks;
mod levels;
mod logging;
mod pure;
mod tables;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `os.register_at_fork(after_in_child=...)` hook: the child builds a fresh runtime on first use.
#[pyfunction]
fn _after_fork_in_child() {
    ascend_core::runtime::reset_after_fork();
}

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    errors::init_class(py)?;
    m.add("NativeError", py.get_type::<errors::NativeError>())?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::CircuitBreaker>()?;
    m.add_class::<completion::CompletionQueue>()?;
    m.add_class::<pure::ReplayCache>()?;
    m.add_class::<govern::McpKillSwitch>()?;
    m.add_function(wrap_pyfunction!(govern::permits_execution, m)?)?;
    m.add_function(wrap_pyfunction!(govern::classify_command, m)?)?;
    m.add_function(wrap_pyfunction!(govern::command_patterns, m)?)?;
    m.add_function(wrap_pyfunction!(govern::plan_command, m)?)?;
    m.add_function(wrap_pyfunction!(govern::code_request, m)?)?;
    m.add_function(wrap_pyfunction!(govern::govern_call, m)?)?;
    m.add_function(wrap_pyfunction!(govern::connection_failure, m)?)?;
    m.add_function(wrap_pyfunction!(pure::normalise_decision, m)?)?;
    m.add_function(wrap_pyfunction!(pure::parse_record, m)?)?;
    m.add_function(wrap_pyfunction!(pure::canonical_json, m)?)?;
    m.add_function(wrap_pyfunction!(pure::prescore, m)?)?;
    m.add_function(wrap_pyfunction!(pure::prescore_batch, m)?)?;
    m.add_function(wrap_pyfunction!(pure::cvss_score, m)?)?;
    m.add_function(wrap_pyfunction!(pure::webhook_verify, m)?)?;
    m.add_function(wrap_pyfunction!(pure::webhook_verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(pure::webhook_sign, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::set_log_handler, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::set_log_level_source, m)?)?;
    m.add_function(wrap_pyfunction!(hooks::set_decision_types, m)?)?;
    m.add_function(wrap_pyfunction!(pure::_decision_object, m)?)?;
    m.add("SDK_VERSION", ascend_core::SDK_VERSION)?;
    tables::register(m)?;
    // Private helpers: attributes, but not in `__all__` (and not in the `_native.pyi` contract).
    m.setattr("_sign_request", wrap_pyfunction!(pure::_sign_request, m)?)?;
    m.setattr("_panic_for_tests", wrap_pyfunction!(pure::_panic_for_tests, m)?)?;
    m.setattr("_stop_log_forwarding", wrap_pyfunction!(logging::_stop_log_forwarding, m)?)?;
    m.setattr("_after_fork_in_child", wrap_pyfunction!(_after_fork_in_child, m)?)?;

    logging::install(py, m)?;
    let os = py.import("os")?;
    if os.hasattr("register_at_fork")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("after_in_child", m.getattr("_after_fork_in_child")?)?;
        os.call_method("register_at_fork", (), Some(&kwargs))?;
    }
    Ok(())
}
