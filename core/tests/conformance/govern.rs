//! Runner for the pure cases of the `govern` and `classify` suites: `input.function` names the core function
//! (`ascend_core::govern::pure::FUNCTIONS`, default `classify_command`); the rest of `input` is its arguments.
//! Scripted `govern` cases go to the protocol runner.

use crate::common::check_pure;
use ascend_core::govern::pure;
use serde_json::Value;

/// Runs one pure case.
pub fn run(case: &Value) -> Result<(), String> {
    let input = case.get("input").and_then(Value::as_object).ok_or("pure case without an input object")?;
    let function = input.get("function").and_then(Value::as_str).unwrap_or("classify_command");
    check_pure(case, pure::call(function, input))
}
