//! The dev server's log records to the Python log handler (`set_log_handler`; the SDK gives it the client module's
//! forwarder to `logging.getLogger("ascend")`), through the core's log sink (`ascend_core::log`: level-filtered
//! before formatting, secrets masked), as the client module does.
//!
//! This module is a library of its own, with its own copy of the core's sink. A record can be made on any runtime
//! thread, also while the server holds a lock, so the sink only queues it (bounded, never waiting for the GIL);
//! every entry point of this module hands the queue to the handler before it returns, `stop()` at the latest.

use crate::levels::{core_level, py_level};
use ascend_core::log::LogRecord;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

/// Records kept until the next entry point; the oldest are dropped beyond this.
const MAX_QUEUED: usize = 1_000;

static QUEUE: Mutex<VecDeque<LogRecord>> = Mutex::new(VecDeque::new());
static HANDLER: Mutex<Option<Py<PyAny>>> = Mutex::new(None);

/// Re-reads the effective level of `logging.getLogger("ascend")` (at every entry point, with the GIL).
pub fn refresh_level(py: Python<'_>) {
    let level = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("ascend",)))
        .and_then(|logger| logger.call_method0("getEffectiveLevel"))
        .and_then(|level| level.extract::<i32>());
    if let Ok(level) = level {
        ascend_core::log::set_max_level(core_level(level));
    }
}

/// The queue, or `None` when it stays locked (after `fork()` a lock held by a thread of the parent is never
/// released in the child; the record is dropped rather than deadlocking).
fn lock_queue() -> Option<MutexGuard<'static, VecDeque<LogRecord>>> {
    for _ in 0..1_000 {
        match QUEUE.try_lock() {
            Ok(q) => return Some(q),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => std::thread::yield_now(),
        }
    }
    None
}

/// Hands every queued record to the Python handler as `(level, target, message, fields)` (dropped when no
/// handler is set).
pub fn flush(py: Python<'_>) {
    let handler = match HANDLER.lock() {
        Ok(h) => h.as_ref().map(|h| h.clone_ref(py)),
        Err(_) => None,
    };
    let batch: Vec<LogRecord> = match lock_queue() {
        Some(mut q) => q.drain(..).collect(),
        None => return,
    };
    let Some(handler) = handler else { return };
    for r in batch {
        let fields = PyDict::new(py);
        for (k, v) in &r.fields {
            let _ = fields.set_item(k, v);
        }
        if let Err(e) = handler.call1(py, (py_level(r.level), r.target, r.message, fields)) {
            e.write_unraisable(py, Some(handler.bind(py)));
        }
    }
}

/// `set_log_handler(fn)`: `fn(level, target, message, fields)` receives this module's records from now on.
#[pyfunction]
pub fn set_log_handler(py: Python<'_>, r#fn: Py<PyAny>) -> PyResult<()> {
    crate::errors::guard(py, || {
        *HANDLER.lock().unwrap_or_else(|p| p.into_inner()) = Some(r#fn);
        Ok(())
    })
}

/// Registers the queue as this library's core log sink.
pub fn install() {
    ascend_core::log::set_sink(Arc::new(|r: LogRecord| {
        let Some(mut q) = lock_queue() else { return };
        if q.len() >= MAX_QUEUED {
            q.pop_front();
        }
        q.push_back(r);
    }));
}
