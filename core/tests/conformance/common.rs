//! Shared helpers of the Rust conformance runner: loading cases and the subset matcher every runner
//! implements identically (see the description of
//! tests/conformance/schema/case.schema.json).

use serde_json::Value;
use std::path::PathBuf;

/// Root of `tests/conformance`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// The subset matcher shared with the mock server's `/__mock/verify` (`$any` = present and not null, ...).
pub use ascend_mock_server::matcher::subset_match;

/// Checks an error against an `{"code", "class", "status_code", "details"}` expectation.
pub fn match_error(expected: &Value, err: &ascend_core::Error) -> Result<(), String> {
    let actual = serde_json::json!({
        "code": err.code.as_str(),
        "class": err.code.class_name(),
        "status_code": err.status_code,
        "details": Value::Object(err.details.clone()),
    });
    subset_match(expected, Some(&actual), "error").map_err(|e| format!("{e} (actual error: {err} {:?})", err.details))
}

/// The outcome of a pure case against `expected` / `expected_error`.
pub fn check_pure(case: &Value, outcome: Result<Value, ascend_core::Error>) -> Result<(), String> {
    match (case.get("expected"), case.get("expected_error"), outcome) {
        (Some(exp), _, Ok(v)) => subset_match(exp, Some(&v), "result"),
        (Some(_), _, Err(e)) => Err(format!("expected a result, got error {e}")),
        (None, Some(exp), Err(e)) => match_error(exp, &e),
        (None, Some(_), Ok(v)) => Err(format!("expected an error, got {v}")),
        (None, None, _) => Err("case has neither expected nor expected_error".into()),
    }
}
