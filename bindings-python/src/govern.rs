//! Glue to `ascend_core::govern`: the verdict rule of D24, the command classifier and the subprocess wrapper's plan,
//! the dynamic-code wrapper's request and the MCP kill-switch consumer; and `test_connection`'s failure result. Pure and quick, so they keep the GIL. (The
//! governed-tool flow itself is a client method: `Client.invoke("govern_tool_call", ...)`.)

use crate::convert::{json_to_py, py_to_json};
use crate::errors::{guard, validation, IntoPyResult};
use ascend_core::dispatch::Args;
use ascend_core::govern::{self, classify, command, Command, McpKillSwitch as CoreKillSwitch};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

fn object_arg(name: &str, v: &Bound<'_, PyAny>) -> Result<serde_json::Map<String, Value>, ascend_core::Error> {
    match py_to_json(v) {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(validation(name, "Must be a dict of JSON values", format!("{name} must be a dict of JSON values"))),
    }
}

fn command_arg(v: &Bound<'_, PyAny>) -> Result<Command, ascend_core::Error> {
    let bad = || validation("command", "Must be a str or a list of str", "command must be a str or a list of str");
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Command::Line(s.to_cow().map_err(|_| bad())?.into_owned()));
    }
    let list = v.cast::<PyList>().map_err(|_| bad())?;
    list.iter().map(|item| item.extract::<String>().map_err(|_| bad())).collect::<Result<_, _>>().map(Command::Argv)
}

/// D24: whether a decision (its wire value, e.g. `"allowed"`) and its `execution_allowed` value permit execution.
#[pyfunction]
#[pyo3(signature = (decision, execution_allowed))]
pub fn permits_execution(
    py: Python<'_>,
    decision: Option<&str>,
    execution_allowed: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    guard(py, || {
        // A value JSON cannot carry is not a clear yes: it forbids, like any non-boolean.
        let flag = py_to_json(execution_allowed).unwrap_or_else(|| Value::String(String::new()));
        Ok(govern::permits_execution(decision.unwrap_or_default(), &flag))
    })
}

/// The command classifier: `(risk_level, command_name)` of a command line or argument list.
#[pyfunction]
pub fn classify_command(py: Python<'_>, command: &Bound<'_, PyAny>) -> PyResult<(String, String)> {
    guard(py, || {
        let command = command_arg(command).py_err(py)?;
        Ok((classify::classify_command(&command.line()).as_str().to_string(), classify::command_name(&command)))
    })
}

/// The classifier's patterns (`govern::classify::COMMAND_PATTERNS`): risk level -> regular expressions, most severe
/// level first.
#[pyfunction]
pub fn command_patterns(py: Python<'_>) -> PyResult<Vec<(String, Vec<String>)>> {
    guard(py, || {
        Ok(classify::COMMAND_PATTERNS
            .iter()
            .map(|(level, patterns)| (level.as_str().to_string(), patterns.iter().map(|p| p.to_string()).collect()))
            .collect())
    })
}

/// The subprocess wrapper's plan (`govern::command::plan`): `options` holds the policy and the command's keyword
/// arguments (`allow_shell`, `auto_approve_safe`, `blocked_commands`, `has_client`, `run_unasked_without_client`,
/// `timeout`, `shell`, `cwd`, `forced`); returns `{"plan": "refuse"|"run"|"ask", ...}`.
#[pyfunction]
pub fn plan_command<'py>(
    py: Python<'py>,
    command: &Bound<'py, PyAny>,
    options: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let mut args = object_arg("options", options.as_any()).py_err(py)?;
        let parsed = command_arg(command).py_err(py)?;
        args.insert(
            "command".into(),
            match &parsed {
                Command::Line(s) => Value::String(s.clone()),
                Command::Argv(parts) => Value::Array(parts.iter().cloned().map(Value::String).collect()),
            },
        );
        let (policy, spec) = command::from_args(&Args::new(&args)).py_err(py)?;
        let (plan, name, risk) = command::plan(&policy, &spec);
        json_to_py(py, &plan.to_json(&name, risk))
    })
}

/// The dynamic-code wrapper's `evaluate_action` keyword arguments (`govern::code::evaluation_request`).
#[pyfunction]
#[pyo3(signature = (code, mode, risk_level, max_severity, finding_count))]
pub fn code_request<'py>(
    py: Python<'py>,
    code: &str,
    mode: &str,
    risk_level: Option<&str>,
    max_severity: Option<&str>,
    finding_count: usize,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let request = govern::code::evaluation_request(code, mode, risk_level, max_severity, finding_count);
        json_to_py(py, &Value::Object(request))
    })
}

/// `test_connection`'s result when the call itself failed (`ConnectionTest::failure`), as a dict.
#[pyfunction]
#[pyo3(signature = (error, agent_id, fail_mode))]
pub fn connection_failure<'py>(
    py: Python<'py>,
    error: &str,
    agent_id: Option<String>,
    fail_mode: &str,
) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let result = ascend_core::model::ConnectionTest::failure(agent_id, fail_mode, error);
        json_to_py(py, &ascend_core::model::to_json(&result))
    })
}

/// The core's MCP kill-switch consumer (thread-safe blocklist of MCP servers).
#[pyclass(frozen, module = "ascend._native", name = "McpKillSwitch")]
pub struct McpKillSwitch {
    inner: CoreKillSwitch,
}

#[pymethods]
impl McpKillSwitch {
    #[new]
    fn new() -> Self {
        McpKillSwitch { inner: CoreKillSwitch::new() }
    }

    /// Applies a BLOCK/UNBLOCK message (a dict of JSON values); returns whether the blocklist changed.
    fn apply_message(&self, py: Python<'_>, message: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(py, || Ok(py_to_json(message).is_some_and(|m| self.inner.apply_message(&m))))
    }

    /// Whether the server is blocked by name or by configuration id (text).
    #[pyo3(signature = (mcp_server = None, config_id = None))]
    fn is_blocked(&self, py: Python<'_>, mcp_server: Option<&str>, config_id: Option<&str>) -> PyResult<bool> {
        guard(py, || Ok(self.inner.is_blocked(mcp_server, config_id)))
    }

    /// Unblocks everything.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.inner.reset();
            Ok(())
        })
    }

    /// Blocked server names, sorted.
    fn blocked_servers(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        guard(py, || Ok(self.inner.blocked_servers()))
    }
}

/// Any pure host-governance function of the core by name (`ascend_core::govern::pure::call`): `function` is one of
/// `govern::pure::FUNCTIONS`, `input` a dict of its snake_case arguments; returns its JSON result as Python values.
#[pyfunction]
pub fn govern_call<'py>(py: Python<'py>, function: &str, input: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let args = object_arg("input", input).py_err(py)?;
        let result = govern::pure::call(function, &args).py_err(py)?;
        json_to_py(py, &result)
    })
}
