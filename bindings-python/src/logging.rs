//! Core log records (`ascend_core::log`, already level-filtered and secret-masked) to the Python log handler
//! (`set_log_handler`), which forwards them to `logging.getLogger("ascend")` with the record's fields in `extra`.
//!
//! A record can fire on any thread, also while the core holds one of its own locks, so the layer never
//! waits for the GIL: it queues the record. The queue is drained (a) at the end of every entry point, on the
//! calling thread, which already holds the GIL, so records of a call reach Python before the call returns, and
//! (b) by a small forwarder thread for records of background work (kill-switch polling, heartbeats, runtime
//! threads). Records made on a thread inside an entry point do not wake the forwarder (the entry point drains
//! them). The forwarder is restarted lazily after `fork()`.

use crate::levels::{core_level, py_level};
use ascend_core::log::LogRecord;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, TryLockError};
use std::time::Duration;

/// Records kept while nobody drains them; the oldest are dropped beyond this.
const MAX_QUEUED: usize = 10_000;

struct Record {
    level: i32,
    target: String,
    message: String,
    fields: Vec<(String, String)>,
}

struct Queue {
    records: Mutex<VecDeque<Record>>,
    ready: Condvar,
}

static QUEUE: Queue = Queue { records: Mutex::new(VecDeque::new()), ready: Condvar::new() };
static HANDLER: Mutex<Option<Py<PyAny>>> = Mutex::new(None);
/// PID of the process whose forwarder thread is running (0: none).
static FORWARDER_PID: AtomicU32 = AtomicU32::new(0);
/// Set by an `atexit` hook: the forwarder stops attaching to a finalizing interpreter.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// The Python logger's effective level source: records below it are neither formatted nor queued (the core
/// filters before formatting).
static LEVEL_SOURCE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Re-reads the Python logger's effective level (at the start of every client call, with the GIL), so a level
/// change applies from the next call on; background threads use the level read by the latest call.
pub fn refresh_level(py: Python<'_>) {
    if let Some(source) = LEVEL_SOURCE.get(py) {
        if let Ok(level) = source.call0(py).and_then(|l| l.extract::<i32>(py)) {
            ascend_core::log::set_max_level(core_level(level));
        }
    }
}

/// Registers `fn()`, which returns the effective level of the logger the handler writes to (read at every entry
/// point). The first registration wins.
pub fn set_level_source(py: Python<'_>, r#fn: Py<PyAny>) {
    let _ = LEVEL_SOURCE.set(py, r#fn);
}

/// The queue, or `None` when it stays locked: after `fork()` a lock held by a thread of the parent is never
/// released in the child, and logging must not deadlock it (the record is dropped instead).
fn lock_queue() -> Option<MutexGuard<'static, VecDeque<Record>>> {
    for _ in 0..10_000 {
        match QUEUE.records.try_lock() {
            Ok(q) => return Some(q),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => std::thread::yield_now(),
        }
    }
    None
}

thread_local! {
    /// Set while this thread runs an entry point ([`crate::errors::guard`]), which drains the queue on this thread
    /// before returning: its records need no forwarder, so the forwarder thread is not woken for them.
    static IN_ENTRY_POINT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this thread as running an entry point until the returned guard is dropped.
pub fn entry_point() -> impl Drop {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0;
            IN_ENTRY_POINT.with(|f| f.set(previous));
        }
    }
    Reset(IN_ENTRY_POINT.with(|f| f.replace(true)))
}

fn push(record: Record) {
    {
        let Some(mut q) = lock_queue() else { return };
        if q.len() >= MAX_QUEUED {
            q.pop_front();
        }
        q.push_back(record);
    }
    if IN_ENTRY_POINT.with(std::cell::Cell::get) {
        return;
    }
    QUEUE.ready.notify_one();
    ensure_forwarder();
}

fn ensure_forwarder() {
    let pid = std::process::id();
    let running = FORWARDER_PID.load(Ordering::SeqCst);
    if running == pid || FORWARDER_PID.compare_exchange(running, pid, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        return;
    }
    let spawned = std::thread::Builder::new().name("ascend-log".into()).spawn(move || loop {
        {
            let q = QUEUE.records.lock().unwrap_or_else(|p| p.into_inner());
            let (q, _) = QUEUE
                .ready
                .wait_timeout_while(q, Duration::from_millis(500), |q| q.is_empty())
                .unwrap_or_else(|p| p.into_inner());
            if q.is_empty() {
                continue;
            }
        }
        // Let the calling thread drain the records of its own call first (it does so before returning).
        std::thread::sleep(Duration::from_millis(20));
        if SHUTTING_DOWN.load(Ordering::SeqCst) || std::process::id() != pid {
            return;
        }
        if Python::try_attach(flush).is_none() {
            return;
        }
    });
    if spawned.is_err() {
        FORWARDER_PID.store(0, Ordering::SeqCst);
    }
}

/// Hands every queued record to the Python handler (records are dropped when no handler is set).
pub fn flush(py: Python<'_>) {
    let handler = match HANDLER.lock() {
        Ok(h) => h.as_ref().map(|h| h.clone_ref(py)),
        Err(_) => None,
    };
    loop {
        let batch: Vec<Record> = {
            let Some(mut q) = lock_queue() else { return };
            if q.is_empty() {
                return;
            }
            q.drain(..).collect()
        };
        let Some(handler) = &handler else { continue };
        for r in batch {
            let fields = pyo3::types::PyDict::new(py);
            for (k, v) in &r.fields {
                let _ = fields.set_item(k, v);
            }
            if let Err(e) = handler.call1(py, (r.level, r.target, r.message, fields)) {
                e.write_unraisable(py, Some(handler.bind(py)));
            }
        }
    }
}

/// Registers `fn(level, target, message, fields)`, which receives every core record from now on.
pub fn set_handler(r#fn: Py<PyAny>) {
    *HANDLER.lock().unwrap_or_else(|p| p.into_inner()) = Some(r#fn);
}

/// `atexit` hook: stop forwarding from the background thread.
#[pyfunction]
pub fn _stop_log_forwarding() {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
}

/// Registers the queue as the core's log sink (the core installs its `tracing` subscriber).
pub fn install(py: Python<'_>, module: &Bound<'_, PyModule>) -> PyResult<()> {
    ascend_core::log::set_sink(Arc::new(|r: LogRecord| {
        push(Record { level: py_level(r.level), target: r.target, message: r.message, fields: r.fields })
    }));
    let stop = module.getattr("_stop_log_forwarding")?;
    py.import("atexit")?.call_method1("register", (stop,))?;
    Ok(())
}
