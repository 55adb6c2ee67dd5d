//! The dev server's `tracing` records (targets `ascend*`) to the Python log handler (`set_log_handler`; the SDK
//! gives the client module's `logging.getLogger("ascend")` forwarder), as the client module does for the core.
//!
//! This module is a library of its own, so its `tracing` events need their own subscriber. A record can be made on
//! any runtime thread, also while the server holds a lock, so it is only queued (bounded, never waiting for the
//! GIL); every entry point of this module hands the queue to the handler before it returns, `stop()` at the latest.

use pyo3::prelude::*;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Records kept until the next entry point; the oldest are dropped beyond this.
const MAX_QUEUED: usize = 1_000;

struct Record {
    level: i32,
    target: String,
    message: String,
}

static QUEUE: Mutex<VecDeque<Record>> = Mutex::new(VecDeque::new());
static HANDLER: Mutex<Option<Py<PyAny>>> = Mutex::new(None);
/// The effective level of `logging.getLogger("ascend")` as read by the latest entry point (WARNING until then).
static MIN_LEVEL: AtomicI32 = AtomicI32::new(30);

fn py_level(level: &Level) -> i32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

fn wanted(meta: &Metadata<'_>) -> bool {
    meta.target().starts_with("ascend") && *meta.level() <= Level::DEBUG
}

/// Re-reads the effective level of the `ascend` logger (at every entry point, with the GIL).
pub fn refresh_level(py: Python<'_>) {
    let level = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("ascend",)))
        .and_then(|logger| logger.call_method0("getEffectiveLevel"))
        .and_then(|level| level.extract::<i32>());
    if let Ok(level) = level {
        MIN_LEVEL.store(level, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

/// The queue, or `None` when it stays locked (after `fork()` a lock held by a thread of the parent is never
/// released in the child; the record is dropped rather than deadlocking).
fn lock_queue() -> Option<MutexGuard<'static, VecDeque<Record>>> {
    for _ in 0..1_000 {
        match QUEUE.try_lock() {
            Ok(q) => return Some(q),
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => std::thread::yield_now(),
        }
    }
    None
}

/// The `tracing` layer that queues records for Python.
struct QueueLayer;

impl<S: Subscriber> Layer<S> for QueueLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        if wanted(meta) {
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        wanted(meta) && py_level(meta.level()) >= MIN_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        if !self.enabled(meta, ctx) {
            return;
        }
        let mut text = Text::default();
        event.record(&mut text);
        text.message.push_str(&text.fields);
        let Some(mut q) = lock_queue() else { return };
        if q.len() >= MAX_QUEUED {
            q.pop_front();
        }
        q.push_back(Record { level: py_level(meta.level()), target: meta.target().to_string(), message: text.message });
    }
}

/// Hands every queued record to the Python handler (dropped when no handler is set).
pub fn flush(py: Python<'_>) {
    let handler = match HANDLER.lock() {
        Ok(h) => h.as_ref().map(|h| h.clone_ref(py)),
        Err(_) => None,
    };
    let batch: Vec<Record> = match lock_queue() {
        Some(mut q) => q.drain(..).collect(),
        None => return,
    };
    let Some(handler) = handler else { return };
    for r in batch {
        if let Err(e) = handler.call1(py, (r.level, r.target, r.message)) {
            e.write_unraisable(py, Some(handler.bind(py)));
        }
    }
}

/// `set_log_handler(fn)`: `fn(level, target, message)` receives this module's records from now on.
#[pyfunction]
pub fn set_log_handler(py: Python<'_>, r#fn: Py<PyAny>) -> PyResult<()> {
    crate::errors::guard(py, || {
        *HANDLER.lock().unwrap_or_else(|p| p.into_inner()) = Some(r#fn);
        Ok(())
    })
}

/// Installs the layer as this library's `tracing` subscriber (a no-op if one is installed already).
pub fn install() {
    let _ = tracing_subscriber::registry().with(QueueLayer).try_init();
}
