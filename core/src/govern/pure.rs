//! The pure host-governance functions behind one JSON entry point, `call(function, input)`: the command
//! classifier, the verdict rule (D24), the wrappers' command plan, the MCP kill-switch consumer, context redaction
//! and the tool / code request shapes. No network and no clock. Bindings expose it as one function so that every
//! conformance runner runs the pure `govern/` and `classify/` cases through the same code, and hosts that want
//! these rules (a framework adapter, a shell wrapper) call the core instead of re-implementing them.

use super::{classify, code, command, tool, Command, McpKillSwitch};
use crate::api::args::Args;
use crate::error::{Error, Result};
use crate::model::AuthorizationDecision;
use serde_json::{json, Map, Value};

/// The names `call` accepts.
pub const FUNCTIONS: &[&str] =
    &["classify_command", "permits_execution", "plan_command", "kill_switch", "redact", "tool_request", "code_request"];

/// Runs the pure function `function` on the snake_case JSON object `input` and returns its JSON result.
///
/// - `classify_command {command: str | [str]}` → `{risk_level, command_name}`
/// - `permits_execution {response: object}` (a raw reply, read strictly as in D23) or
///   `{decision: str, execution_allowed: any}` → `{permits: bool}`
/// - `plan_command {command, ...policy}` → the wrapper's plan
/// - `kill_switch {messages: [..], queries: [{mcp_server?, config_id?}]}` → `{changed, blocked, blocked_servers}`
/// - `redact {name, value, truncate}` → `{value}`
/// - `tool_request {...tool call}` → the `evaluate_action` request of the governed-tool flow
/// - `code_request {code, mode, ...}` → the dynamic-code wrapper's request
///
/// An unknown function or a malformed argument is a `ValidationError` naming the field.
pub fn call(function: &str, input: &Map<String, Value>) -> Result<Value> {
    let a = Args::new(input);
    match function {
        "classify_command" => {
            let command = match input.get("command") {
                Some(Value::Array(items)) => Command::Argv(
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| must_be("command", "a list of strings")))
                        .collect::<Result<_>>()?,
                ),
                Some(Value::String(line)) => Command::Line(line.clone()),
                None | Some(Value::Null) => Command::Line(String::new()),
                Some(_) => return Err(must_be("command", "a string or a list of strings")),
            };
            Ok(json!({"risk_level": classify::classify_command(&command.line()).as_str(),
                      "command_name": classify::command_name(&command)}))
        }
        "permits_execution" => Ok(json!({"permits": match input.get("response") {
            // A raw reply is read strictly (D23): no usable verdict never permits, conflicting fields are DENIED.
            Some(response) => AuthorizationDecision::from_reply(response).is_ok_and(|d| d.permits_execution()),
            None => super::permits_execution(
                a.opt_string("decision")?.as_deref().unwrap_or_default(),
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
            a.opt_string("name")?.as_deref().unwrap_or_default(),
            input.get("value").unwrap_or(&Value::Null),
            input.get("truncate").and_then(Value::as_bool).unwrap_or(false),
        )})),
        "tool_request" => {
            let req = tool::ToolCall::from_args(&a)?.evaluate_request();
            Ok(json!({"action_type": req.action_type, "resource": req.resource, "parameters": req.parameters,
                      "context": req.context, "wait_for_decision": req.wait_for_decision,
                      "mcp_server_name": req.mcp_server_name, "tool_name": req.tool_name,
                      "description": req.description}))
        }
        "code_request" => Ok(Value::Object(code::request_from_args(&a)?)),
        other => Err(Error::validation(
            "function",
            "Unknown function",
            format!("no pure governance function '{other}' (one of: {})", FUNCTIONS.join(", ")),
        )),
    }
}

/// `call` with the input as JSON text (what bindings pass across the boundary); the result as JSON text.
pub fn call_json(function: &str, input_json: &str) -> Result<String> {
    let input: Value = serde_json::from_str(input_json)
        .map_err(|e| Error::validation("input", "Invalid JSON", format!("input is not valid JSON: {e}")))?;
    let Value::Object(map) = input else {
        return Err(must_be("input", "a JSON object"));
    };
    call(function, &map).map(|v| v.to_string())
}

fn must_be(field: &str, what: &str) -> Error {
    crate::api::args::type_error(field, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_function_names_the_field() {
        let err = call("nope", &Map::new()).unwrap_err();
        assert_eq!(err.to_json()["field"], "function");
    }

    #[test]
    fn call_json_refuses_non_objects() {
        assert_eq!(call_json("redact", "[1]").unwrap_err().to_json()["field"], "input");
        assert_eq!(call_json("redact", "{").unwrap_err().to_json()["field"], "input");
    }

    #[test]
    fn a_raw_reply_permits_only_with_a_clear_approval() {
        let permits = |response: Value| {
            call("permits_execution", json!({ "response": response }).as_object().unwrap()).unwrap()["permits"].clone()
        };
        assert_eq!(permits(json!({"id": 1, "status": "approved"})), json!(true));
        for reply in [
            json!({"id": 1, "decision": "allowed", "status": "rejected"}),
            json!({"id": 1, "status": ["approved"]}),
            json!({"id": 1}),
            json!({"status": "approved", "error": "boom"}),
            json!(null),
            json!("approved"),
        ] {
            assert_eq!(permits(reply.clone()), json!(false), "{reply}");
        }
    }

    #[test]
    fn classify_rejects_non_string_argv() {
        let input = json!({"command": ["ls", 1]});
        assert_eq!(call("classify_command", input.as_object().unwrap()).unwrap_err().to_json()["field"], "command");
    }
}
