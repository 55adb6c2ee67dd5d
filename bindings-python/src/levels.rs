//! Python `logging` levels ↔ core log levels. Shared by both extension modules of the wheel (`ascend._native`
//! includes it as a module; `ascend._devserver` includes this same file with `#[path]`), so they map alike.

use ascend_core::log::LogLevel;

/// Python `logging` level of a core level.
pub fn py_level(level: LogLevel) -> i32 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace => 5,
    }
}

/// The most verbose core level a Python logger at `level` still shows (`None`: nothing).
pub fn core_level(level: i32) -> Option<LogLevel> {
    match level {
        i32::MIN..=5 => Some(LogLevel::Trace),
        6..=10 => Some(LogLevel::Debug),
        11..=20 => Some(LogLevel::Info),
        21..=30 => Some(LogLevel::Warn),
        31..=40 => Some(LogLevel::Error),
        _ => None,
    }
}
