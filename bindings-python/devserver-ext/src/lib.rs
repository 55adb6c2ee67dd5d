//! `ascend._devserver`: the dev server (`ascend-devserver`) as a Python extension of its own, for
//! `ascend.testing.DevServer` (contract: `python/ascend/_devserver.pyi`).
//!
//! Kept out of the client module `ascend._native` so that the client links no HTTP server, SQLite or CLI parser;
//! `ascend.testing` imports this module on the first `DevServer.start()`, never `import ascend`. Errors are raised
//! as the client module's `NativeError`, so the SDK translates them in its one place (`_native_loader`). Every entry
//! point catches panics (D20).

mod errors;
#[path = "../../src/levels.rs"]
mod levels;
mod logging;
mod params;
mod server;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// `os.register_at_fork(after_in_child=...)` hook: this module's copy of the core runtime is rebuilt on first use.
#[pyfunction]
fn _after_fork_in_child() {
    ascend_core::runtime::reset_after_fork();
}

#[pymodule]
#[pyo3(name = "_devserver")]
fn devserver_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    errors::init(py)?;
    m.add_class::<server::DevServer>()?;
    m.add_function(wrap_pyfunction!(logging::set_log_handler, m)?)?;
    // Private: an attribute, not in `__all__` (nor in the `_devserver.pyi` contract).
    m.setattr("_after_fork_in_child", wrap_pyfunction!(_after_fork_in_child, m)?)?;
    logging::install();
    let os = py.import("os")?;
    if os.hasattr("register_at_fork")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("after_in_child", m.getattr("_after_fork_in_child")?)?;
        os.call_method("register_at_fork", (), Some(&kwargs))?;
    }
    Ok(())
}
