//! Runner for the pure cases of the `govern` and `classify` suites: `input.function` names the core function
//! (`classify_command`, `permits_execution`, `plan_command`, `kill_switch`, `redact`, `tool_request`,
//! `code_request`); the rest of `input` is its arguments. Scripted `govern` cases go to the protocol runner.

use crate::common::check_pure;
use ascend_core::dispatch::Args;
use ascend_core::govern::{self, classify, command, tool, Command, McpKillSwitch};
use ascend_core::model::AuthorizationDecision;
use ascend_core::Error;
use serde_json::{json, Map, Value};

/// Runs one pure case.
pub fn run(case: &Value) -> Result<(), String> {
    let input = case.get("input").and_then(Value::as_object).ok_or("pure case without an input object")?;
    check_pure(case, call(input))
}

fn call(input: &Map<String, Value>) -> Result<Value, Error> {
    let a = Args::new(input);
    let function = input.get("function").and_then(Value::as_str).unwrap_or("classify_command");
    match function {
        "classify_command" => {
            let command = match input.get("command") {
                Some(Value::Array(items)) => {
                    Command::Argv(items.iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect())
                }
                other => Command::Line(other.and_then(Value::as_str).unwrap_or_default().to_string()),
            };
            Ok(json!({"risk_level": classify::classify_command(&command.line()).as_str(),
                      "command_name": classify::command_name(&command)}))
        }
        "permits_execution" => Ok(json!({"permits": match input.get("response") {
            Some(response) => AuthorizationDecision::from_json(response).permits_execution(),
            None => govern::permits_execution(
                input.get("decision").and_then(Value::as_str).unwrap_or_default(),
                input.get("execution_allowed").unwrap_or(&Value::Null),
            ),
        }})),
        "plan_command" => {
            let (policy, spec) = command::from_args(&a)?;
            let (plan, name, risk) = command::plan(&policy, &spec);
            Ok(plan.to_json(&name, risk))
        }
        "kill_switch" => {
            let ks = McpKillSwitch::new();
            let list = |k: &str| input.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
            let changed: Vec<bool> = list("messages").iter().map(|m| ks.apply_message(m)).collect();
            let blocked: Vec<bool> = list("queries")
                .iter()
                .map(|q| {
                    ks.is_blocked(
                        q.get("mcp_server").and_then(Value::as_str),
                        q.get("config_id").and_then(Value::as_str),
                    )
                })
                .collect();
            Ok(json!({"changed": changed, "blocked": blocked, "blocked_servers": ks.blocked_servers()}))
        }
        "redact" => Ok(json!({"value": tool::redact(
            input.get("name").and_then(Value::as_str).unwrap_or_default(),
            input.get("value").unwrap_or(&Value::Null),
            input.get("truncate").and_then(Value::as_bool).unwrap_or(false),
        )})),
        "tool_request" => {
            let req = tool::ToolCall::from_args(&a)?.evaluate_request();
            Ok(json!({"action_type": req.action_type, "resource": req.resource, "parameters": req.parameters,
                      "context": req.context, "wait_for_decision": req.wait_for_decision}))
        }
        "code_request" => Ok(Value::Object(govern::code::request_from_args(&a)?)),
        other => Err(Error::validation("function", "Unknown function", format!("no govern function {other}"))),
    }
}
