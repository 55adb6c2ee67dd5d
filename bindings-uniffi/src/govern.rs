//! Host governance without a network: the command classifier, the verdict rule a host applies before it runs
//! anything (D24), and the rest of the core's pure governance functions (`ascend_core::govern::pure`) through one
//! JSON entry point. Also the text form of the fail mode, for hosts that read their configuration from strings.

use crate::spawn::guard;
use ascend_core::api::records::AscendError;
use ascend_core::govern::{self, Command};
use ascend_core::model::{AuthorizationDecision, FailMode, RiskLevel};

/// What the command classifier says about a command.
#[derive(uniffi::Record, Debug, Clone, PartialEq, Eq)]
pub struct CommandClassification {
    /// The command's risk level (`critical` for `rm -rf /`, `medium` for anything unknown).
    pub risk_level: RiskLevel,
    /// The program's name (`rm`, `docker` for `/usr/bin/docker`), empty for an empty command.
    pub command_name: String,
}

fn classification(command: &Command) -> CommandClassification {
    CommandClassification {
        risk_level: govern::classify_command(&command.line()),
        command_name: govern::command_name(command),
    }
}

/// Classifies a shell command line (`"rm -rf /tmp/x"`).
#[uniffi::export]
pub fn classify_command(command: String) -> CommandClassification {
    classification(&Command::Line(command))
}

/// Classifies an argument vector (`["rm", "-rf", "/tmp/x"]`), as a process runner receives it.
#[uniffi::export]
pub fn classify_argv(argv: Vec<String>) -> CommandClassification {
    classification(&Command::Argv(argv))
}

/// Whether a host may run the action of `decision` (D24): its verdict permits execution (ALLOWED, AUTO_APPROVED,
/// EXECUTED) and `execution_allowed` does not forbid it; `execution_allowed` never permits what the verdict does
/// not.
#[uniffi::export]
pub fn permits_execution(decision: &AuthorizationDecision) -> bool {
    decision.permits_execution()
}

/// Any pure governance function of the core by name (`classify_command`, `permits_execution`, `plan_command`,
/// `kill_switch`, `redact`, `tool_request`, `code_request`) on a snake_case JSON object; its JSON result.
#[uniffi::export]
pub fn govern_pure(function: String, input_json: String) -> Result<String, AscendError> {
    guard(|| govern::pure::call_json(&function, &input_json))
}

/// The fail mode given as text (`closed`, `open`, `local`, any case), e.g. from a configuration file; anything
/// else is `AscendException.Configuration` naming `fail_mode`.
#[uniffi::export]
pub fn parse_fail_mode(value: String) -> Result<FailMode, AscendError> {
    guard(|| ascend_core::config::parse_fail_mode(&value))
}
