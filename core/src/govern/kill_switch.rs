//! The MCP kill-switch message consumer: an in-memory blocklist of MCP servers fed by the host's command stream
//! (SQS/SNS messages with `target_type`, `command_type`, `target_mcp_server_config_id` and `parameters.mcp_server`
//! or `mcp_server`). No network I/O; thread-safe.

use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Mutex;

#[derive(Debug, Default)]
struct Lists {
    names: BTreeSet<String>,
    config_ids: BTreeSet<String>,
}

/// Blocked MCP servers, by name and by configuration id.
#[derive(Debug, Default)]
pub struct McpKillSwitch {
    lists: Mutex<Lists>,
}

/// A message field as text: strings as they are, numbers and booleans printed, anything else (null, lists,
/// objects) absent.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some("True".into()),
        Value::Bool(false) => Some("False".into()),
        _ => None,
    }
}

impl McpKillSwitch {
    /// An empty blocklist.
    pub fn new() -> Self {
        Self::default()
    }

    fn lists(&self) -> std::sync::MutexGuard<'_, Lists> {
        self.lists.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies a BLOCK or UNBLOCK command that targets an MCP server (`target_type` `mcp_server`, both
    /// case-insensitive); returns whether the blocklist changed. Anything else (other targets, other commands, a
    /// message naming no server, a message that is not an object) is ignored.
    pub fn apply_message(&self, message: &Value) -> bool {
        let Some(m) = message.as_object() else { return false };
        if !text(m.get("target_type")).is_some_and(|t| t.eq_ignore_ascii_case("mcp_server")) {
            return false;
        }
        let block = match text(m.get("command_type")).map(|c| c.to_ascii_uppercase()).as_deref() {
            Some("BLOCK") => true,
            Some("UNBLOCK") => false,
            _ => return false,
        };
        let name = text(m.get("parameters").and_then(|p| p.get("mcp_server")))
            .filter(|n| !n.is_empty())
            .or_else(|| text(m.get("mcp_server")))
            .filter(|n| !n.is_empty());
        let config_id = text(m.get("target_mcp_server_config_id")).filter(|c| !c.is_empty());
        if name.is_none() && config_id.is_none() {
            return false;
        }
        let mut guard = self.lists();
        let lists = &mut *guard;
        let mut changed = false;
        for (key, set) in [(name, &mut lists.names), (config_id, &mut lists.config_ids)] {
            if let Some(key) = key {
                changed |= if block { set.insert(key) } else { set.remove(&key) };
            }
        }
        changed
    }

    /// Whether the server is blocked, by name or by configuration id (compared as text).
    pub fn is_blocked(&self, mcp_server: Option<&str>, config_id: Option<&str>) -> bool {
        let lists = self.lists();
        mcp_server.is_some_and(|n| lists.names.contains(n)) || config_id.is_some_and(|c| lists.config_ids.contains(c))
    }

    /// Unblocks everything.
    pub fn reset(&self) {
        let mut lists = self.lists();
        lists.names.clear();
        lists.config_ids.clear();
    }

    /// Blocked server names, sorted.
    pub fn blocked_servers(&self) -> Vec<String> {
        self.lists().names.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_and_unblock() {
        let ks = McpKillSwitch::new();
        let block = json!({"target_type": "mcp_server", "command_type": "block", "target_mcp_server_config_id": 12,
                           "parameters": {"mcp_server": "bloomberg-mcp"}});
        assert!(ks.apply_message(&block));
        assert!(!ks.apply_message(&block), "a repeated block changes nothing");
        assert!(ks.is_blocked(Some("bloomberg-mcp"), None) && ks.is_blocked(None, Some("12")));
        assert!(!ks.apply_message(&json!({"target_type": "agent", "command_type": "BLOCK", "mcp_server": "z"})));
        assert!(!ks.apply_message(&json!({"target_type": "mcp_server", "command_type": "PAUSE", "mcp_server": "z"})));
        assert!(!ks.apply_message(&json!({"target_type": "mcp_server", "command_type": "BLOCK"})));
        assert!(!ks.apply_message(&json!("garbage")) && !ks.apply_message(&Value::Null));
        assert!(ks.apply_message(&json!({"target_type": "MCP_SERVER", "command_type": "unblock",
                                          "target_mcp_server_config_id": 12, "mcp_server": "bloomberg-mcp"})));
        assert!(ks.blocked_servers().is_empty() && !ks.is_blocked(None, Some("12")));
    }

    #[test]
    fn numbers_and_booleans_are_read_as_text_like_the_peer() {
        let ks = McpKillSwitch::new();
        let block = |id: Value| {
            ks.apply_message(&json!({"target_type": "mcp_server", "command_type": "BLOCK",
                                     "target_mcp_server_config_id": id}))
        };
        // The peer prints a field with str(): 7 -> "7", true -> "True", false -> "False".
        for (id, text) in [(json!(7), "7"), (json!(true), "True"), (json!(false), "False")] {
            assert!(block(id), "{text}");
            assert!(ks.is_blocked(None, Some(text)), "{text}");
        }
        assert!(!ks.is_blocked(None, Some("true")) && !ks.is_blocked(None, Some("false")));
        // Null, lists, objects and empty strings name nothing.
        for id in [Value::Null, json!([1]), json!({"a": 1}), json!("")] {
            assert!(!block(id.clone()), "{id}");
        }
    }

    #[test]
    fn reset_unblocks_names_and_config_ids() {
        let ks = McpKillSwitch::new();
        assert!(ks.apply_message(&json!({"target_type": "mcp_server", "command_type": "BLOCK",
                                          "target_mcp_server_config_id": "9", "mcp_server": "a"})));
        assert_eq!(ks.blocked_servers(), ["a"]);
        ks.reset();
        assert!(ks.blocked_servers().is_empty());
        assert!(!ks.is_blocked(Some("a"), None) && !ks.is_blocked(None, Some("9")));
    }
}
