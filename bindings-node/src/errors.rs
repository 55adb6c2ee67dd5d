//! The one translation point from `ascend_core::Error` to JavaScript, and the panic guard (DECISIONS D19/D20).
//!
//! An error crosses as a JavaScript `Error` whose message is the core's error projection (`Error::to_json`) as JSON
//! text (`{code, class, message, status_code, correlation_id, retryable, error_code, details, ...}`); the facade parses
//! it and throws the class named by `code`. The projection never holds a secret: the core builds messages from
//! status codes, server `detail` fields and error kinds only.

use ascend_core::Error;
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A core error as a napi error (rejects a promise or throws); the message is the projection's JSON text.
pub fn to_napi(e: &Error) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, e.to_json().to_string())
}

/// Same as [`to_napi`], consuming the error.
pub fn to_js(e: Error) -> napi::Error {
    to_napi(&e)
}

/// The `INTERNAL` error for a caught panic (D20). The message names the SDK, never user data.
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    let what = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    };
    Error::internal(format!("internal error in the ASCEND SDK (Rust panic: {what})"))
}

/// Runs a synchronous entry point: a core error or a panic becomes a thrown projection, never an abort.
pub fn guard<T>(body: impl FnOnce() -> Result<T, Error>) -> napi::Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_js(e)),
        Err(payload) => Err(to_js(panic_error(payload.as_ref()))),
    }
}

/// A `VALIDATION_ERROR` naming one argument.
pub fn validation(field: &str, field_message: &str, message: impl Into<String>) -> Error {
    Error::validation(field, field_message, message)
}

/// Parses JSON text handed over by the facade.
pub fn parse_json(field: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text)
        .map_err(|e| validation(field, "Must be JSON text", format!("{field} is not valid JSON: {e}")))
}
