//! Core `tracing` records to JavaScript: a layer formats records at or above the level the facade set
//! (`setLogLevel`; 0 = off, the default) and hands them as `[level, target, message]` to every registered sink (`setLogSink`, one per
//! JavaScript environment: the main thread and each worker). Sinks are weak (unref'd) threadsafe functions, so
//! logging never keeps a process alive. Messages come from the core, which never logs a secret (D19).

use napi::bindgen_prelude::{Function, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, Once};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// `(level, target, message)`: level 1 error, 2 warn, 3 info, 4 debug, 5 trace.
type Sink = ThreadsafeFunction<(u32, String, String), Unknown<'static>, (u32, String, String), Status, false, true>;

static SINKS: Mutex<Vec<Sink>> = Mutex::new(Vec::new());
/// The most verbose level any environment wants (0: nothing is formatted).
static MAX_LEVEL: AtomicU32 = AtomicU32::new(0);
static INSTALL: Once = Once::new();

fn level_number(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
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

struct NodeLayer;

impl<S: Subscriber> Layer<S> for NodeLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        if meta.target().starts_with("ascend") {
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        level_number(meta.level()) <= MAX_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut text = Text::default();
        event.record(&mut text);
        let message = format!("{}{}", text.message, text.fields);
        let level = level_number(meta.level());
        let mut sinks = SINKS.lock().unwrap_or_else(|p| p.into_inner());
        // A sink whose environment ended (a terminated worker) answers `Closing`; it is dropped here.
        sinks.retain(|sink| {
            sink.call((level, meta.target().to_string(), message.clone()), ThreadsafeFunctionCallMode::NonBlocking)
                != Status::Closing
        });
    }
}

fn install() {
    INSTALL.call_once(|| {
        // Another subscriber already installed by the host process wins; ours is then silent.
        let _ = tracing_subscriber::registry().with(NodeLayer).try_init();
    });
}

/// Registers `sink([level, target, message])` for this JavaScript environment. It is weak: it never keeps the
/// process (or worker) alive.
#[napi(ts_args_type = "sink: (record: [level: number, target: string, message: string]) => void")]
pub fn set_log_sink(sink: Function<(u32, String, String), Unknown<'static>>) -> napi::Result<()> {
    install();
    let tsfn: Sink = sink.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
    SINKS.lock().unwrap_or_else(|p| p.into_inner()).push(tsfn);
    Ok(())
}

/// The most verbose level wanted (0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace). The facade sets the maximum
/// over its clients' loggers; records above it are never formatted.
#[napi]
pub fn set_log_level(level: u32) {
    install();
    MAX_LEVEL.store(level.min(5), Ordering::Relaxed);
    tracing::callsite::rebuild_interest_cache();
}
