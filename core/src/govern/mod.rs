//! Governance a host applies around its own code (DESIGN.md `govern/`): the governed-tool flow of MCP decorators,
//! the host wrappers' command classifier and plan, the verdict rule they obey (D24) and the MCP kill-switch
//! message consumer. Every binding calls these; none re-implements them.

pub mod classify;
pub mod code;
pub mod command;
pub mod kill_switch;
pub mod pure;
pub mod tool;
pub mod verdict;

pub use classify::{classify_command, command_name, Command};
pub use command::{CommandPlan, CommandPolicy, CommandSpec, Forced, WrapperVerdict};
pub use kill_switch::McpKillSwitch;
pub use tool::{ToolCall, ToolOutcome, ToolResult};
pub use verdict::permits_execution;
