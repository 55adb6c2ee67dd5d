//! One log sink for every binding: the core's `tracing` events, filtered by level before anything is
//! formatted, with secrets masked (D19), handed to the sink a binding registers ([`set_sink`]), which forwards
//! them to the host's logging (Python `logging`, a Node logger, SLF4J, …).
//!
//! Records carry structured fields (`fields`), never Rust `Debug` formatting of options: `Some("x")` is
//! recorded as `x`, `None` fields are left out.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// Severity of a record, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Something failed.
    Error = 1,
    /// Something is wrong but the call went on.
    Warn = 2,
    /// Normal operation.
    Info = 3,
    /// Detail for debugging (one line per request).
    Debug = 4,
    /// Very verbose.
    Trace = 5,
}

impl LogLevel {
    /// `error`, `warn`, `info`, `debug`, `trace`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// Parses a level name (case-insensitive; `warning` accepted).
    pub fn parse(s: &str) -> Option<LogLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" | "warning" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        }
    }

    fn of(level: &tracing::Level) -> LogLevel {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// One log record, secrets already masked.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// The emitting module (`ascend_core::transport`, …).
    pub target: String,
    /// The message.
    pub message: String,
    /// Structured fields in emission order.
    pub fields: Vec<(String, String)>,
}

impl LogRecord {
    /// `message k=v k=v`, for hosts that log plain text.
    pub fn line(&self) -> String {
        let mut s = self.message.clone();
        for (k, v) in &self.fields {
            let _ = write!(s, " {k}={v}");
        }
        s
    }
}

/// Receives every record that passes the level filter. Called on whatever thread logged (a runtime worker, a
/// caller's thread), so it must not block for long.
pub trait LogSink: Send + Sync {
    /// Handles one record.
    fn record(&self, record: LogRecord);
}

impl<F: Fn(LogRecord) + Send + Sync> LogSink for F {
    fn record(&self, record: LogRecord) {
        self(record)
    }
}

static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
/// The most verbose level delivered (0 = nothing).
static MAX_LEVEL: AtomicU8 = AtomicU8::new(LogLevel::Info as u8);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Registers the sink (replacing any previous one) and installs the core's `tracing` subscriber once (a no-op
/// if the host process already installed a global subscriber of its own). A valid `ASCEND_LOG` sets the
/// initial level ([`env_level`]); a binding that mirrors its host logger's level may change it later.
pub fn set_sink(sink: Arc<dyn LogSink>) {
    if let Some(level) = env_level() {
        set_max_level(Some(level));
    }
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    install();
}

/// Delivers records up to `level` (inclusive); `None` delivers nothing. Records above it are never formatted.
pub fn set_max_level(level: Option<LogLevel>) {
    MAX_LEVEL.store(level.map_or(0, |l| l as u8), Ordering::Relaxed);
}

/// The current maximum level.
pub fn max_level() -> Option<LogLevel> {
    match MAX_LEVEL.load(Ordering::Relaxed) {
        1 => Some(LogLevel::Error),
        2 => Some(LogLevel::Warn),
        3 => Some(LogLevel::Info),
        4 => Some(LogLevel::Debug),
        5 => Some(LogLevel::Trace),
        _ => None,
    }
}

/// The level asked for by `ASCEND_LOG` (`debug`, `info`, …), if set and valid.
pub fn env_level() -> Option<LogLevel> {
    std::env::var("ASCEND_LOG").ok().and_then(|v| LogLevel::parse(&v))
}

/// Whether a record at `level` would be delivered.
pub fn enabled(level: LogLevel) -> bool {
    (level as u8) <= MAX_LEVEL.load(Ordering::Relaxed)
}

fn install() {
    INSTALLED.get_or_init(|| tracing_subscriber::registry().with(CoreLayer).try_init().is_ok());
}

// ---------------------------------------------------------------- masking (D19)

/// Keys whose values are always replaced by `****` (case-insensitive).
pub const SENSITIVE_KEYS: &[&str] =
    &["api_key", "apikey", "authorization", "x-api-key", "password", "secret", "signing_secret"];

/// The mask that replaces a secret.
pub const MASK: &str = "****";

const TOKEN_PREFIXES: &[&str] = &["owkai_", "ascend_", "sk_", "whsec_"];

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Masks API-key-like tokens (`owkai_…`, `ascend_…`, `sk_…`, `whsec_…`: the prefix is kept) and
/// `Bearer <token>` in `text`.
pub fn mask_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let at_word_start = i == 0 || !is_token_char(text[..i].chars().next_back().unwrap_or(' '));
        if at_word_start {
            let rest = &text[i..];
            if let Some(p) = TOKEN_PREFIXES.iter().find(|p| rest.starts_with(**p)) {
                let tail = rest[p.len()..].find(|c: char| !is_token_char(c)).unwrap_or(rest.len() - p.len());
                if tail > 0 {
                    out.push_str(p);
                    out.push_str(MASK);
                    i += p.len() + tail;
                    continue;
                }
            }
            if rest.starts_with("Bearer") && rest[6..].starts_with(char::is_whitespace) {
                let after_ws = rest[6..].trim_start();
                if !after_ws.is_empty() {
                    let token_len = after_ws.find(char::is_whitespace).unwrap_or(after_ws.len());
                    out.push_str("Bearer ");
                    out.push_str(MASK);
                    i += rest.len() - after_ws.len() + token_len;
                    continue;
                }
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
        let _ = bytes;
    }
    out
}

/// A field value as logged: `****` for a sensitive key, else the token-masked text.
pub fn mask_field(key: &str, value: &str) -> String {
    if SENSITIVE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
        MASK.to_string()
    } else {
        mask_text(value)
    }
}

// ---------------------------------------------------------------- the tracing layer

#[derive(Default)]
struct Fields {
    message: String,
    fields: Vec<(String, String)>,
}

/// `Some(x)` → `x`; `None` → left out (fields recorded with `?` formatting of an `Option`).
fn unwrap_option_debug(text: &str) -> Option<&str> {
    if text == "None" {
        return None;
    }
    let inner = text.strip_prefix("Some(").and_then(|t| t.strip_suffix(')')).unwrap_or(text);
    Some(inner.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(inner))
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else if let Some(v) = unwrap_option_debug(&text) {
            self.fields.push((field.name().to_string(), mask_field(field.name(), v)));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields.push((field.name().to_string(), mask_field(field.name(), value)));
        }
    }
}

struct CoreLayer;

fn wanted(meta: &Metadata<'_>) -> bool {
    meta.target().starts_with("ascend")
}

impl<S: Subscriber> Layer<S> for CoreLayer {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // "Sometimes": the level can change at any time, so `enabled` decides per event.
        if wanted(meta) {
            tracing::subscriber::Interest::sometimes()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        wanted(meta) && enabled(LogLevel::of(meta.level()))
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let level = LogLevel::of(meta.level());
        if !wanted(meta) || !enabled(level) {
            return;
        }
        let Some(sink) = SINK.read().ok().and_then(|s| s.clone()) else { return };
        let mut f = Fields::default();
        event.record(&mut f);
        sink.record(LogRecord {
            level,
            target: meta.target().to_string(),
            message: mask_text(&f.message),
            fields: f.fields,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn tokens_and_bearer_are_masked() {
        assert_eq!(mask_text("key owkai_abc123 used"), "key owkai_**** used");
        assert_eq!(mask_text("Authorization: Bearer abc.def rest"), "Authorization: Bearer **** rest");
        assert_eq!(mask_text("whsec_Zm9v and sk_live_x"), "whsec_**** and sk_****");
        assert_eq!(mask_text("no_owkai_here"), "no_owkai_here");
        assert_eq!(mask_text("ünïcode owkai_k ok"), "ünïcode owkai_**** ok");
        assert_eq!(mask_field("API_KEY", "anything"), "****");
        assert_eq!(mask_field("agent_id", "a1"), "a1");
    }

    #[test]
    fn records_are_filtered_masked_and_structured() {
        let got: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
        let g = got.clone();
        set_sink(Arc::new(move |r: LogRecord| g.lock().unwrap().push(r)));
        set_max_level(Some(LogLevel::Info));
        tracing::debug!(target: "ascend_core::test_log", "hidden");
        let id: Option<&str> = Some("a-1");
        let none: Option<&str> = None;
        tracing::info!(target: "ascend_core::test_log", agent_id = ?id, other = ?none, api_key = "owkai_x",
            "using owkai_secret123");
        let records: Vec<LogRecord> =
            got.lock().unwrap().iter().filter(|r| r.target == "ascend_core::test_log").cloned().collect();
        assert_eq!(records.len(), 1, "{records:?}");
        let r = &records[0];
        assert_eq!(r.message, "using owkai_****");
        assert_eq!(r.fields, vec![("agent_id".to_string(), "a-1".to_string()), ("api_key".into(), "****".into())]);
        assert_eq!(r.line(), "using owkai_**** agent_id=a-1 api_key=****");
    }
}
