//! Core log records to JavaScript through the core's one log sink (`ascend_core::log`: level-filtered before
//! formatting, secrets masked). Records go as `[level, target, line]` to every registered JavaScript sink
//! (`setLogSink`, one per environment: the main thread and each worker); the facade sets the level
//! (`setLogLevel`; 0 = off, its default). Sinks are weak (unref'd) threadsafe functions, so logging never keeps a
//! process alive.

use ascend_core::log::{self, LogLevel, LogRecord};
use napi::bindgen_prelude::{Function, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use std::sync::{Arc, Mutex, Once};

/// `[level, target, line]`: level 1 error, 2 warn, 3 info, 4 debug, 5 trace.
type Sink = ThreadsafeFunction<(u32, String, String), Unknown<'static>, (u32, String, String), Status, false, true>;

static SINKS: Mutex<Vec<Sink>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

fn deliver(record: LogRecord) {
    let level = record.level as u32;
    let line = record.line();
    let mut sinks = SINKS.lock().unwrap_or_else(|p| p.into_inner());
    // A sink whose environment ended (a terminated worker) answers `Closing`; it is dropped here.
    sinks.retain(|sink| {
        sink.call((level, record.target.clone(), line.clone()), ThreadsafeFunctionCallMode::NonBlocking)
            != Status::Closing
    });
}

/// Registers `sink([level, target, line])` for this JavaScript environment (weak: never keeps it alive).
#[napi(ts_args_type = "sink: (record: [level: number, target: string, message: string]) => void")]
pub fn set_log_sink(sink: Function<(u32, String, String), Unknown<'static>>) -> napi::Result<()> {
    let tsfn: Sink = sink.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
    SINKS.lock().unwrap_or_else(|p| p.into_inner()).push(tsfn);
    INSTALL.call_once(|| log::set_sink(Arc::new(deliver)));
    Ok(())
}

/// The most verbose level delivered (0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace); the facade sets the
/// maximum over its clients' loggers. Records above it are never formatted.
#[napi]
pub fn set_log_level(level: u32) {
    log::set_max_level(match level {
        0 => None,
        1 => Some(LogLevel::Error),
        2 => Some(LogLevel::Warn),
        3 => Some(LogLevel::Info),
        4 => Some(LogLevel::Debug),
        _ => Some(LogLevel::Trace),
    });
}
