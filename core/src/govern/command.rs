//! The subprocess wrapper's plan for one command (PROTOCOL §8.6 with DECISIONS D24): refuse it locally, run it
//! without asking (a low-risk command under `auto_approve_safe`, or no client configured), or ask ASCEND with
//! `evaluate_action` and run only when the client's decision permits execution.
//!
//! Asking goes through the client, so the client's fail mode applies (with spool records, D18) and a decision
//! wait that runs out is an error, never a run (D4). The wrapper has no fail mode of its own.

use super::classify::{classify_command, command_name, Command};
use crate::client::Client;
use crate::dispatch::{action_request, Args};
use crate::error::{Error, Result};
use crate::model::{AuthorizationDecision, RiskLevel};
use serde_json::{json, Map, Value};

/// Longest command line sent to ASCEND (characters).
pub const MAX_SENT_COMMAND_CHARS: usize = 1000;

/// The wrapper's local configuration.
#[derive(Debug, Clone, Default)]
pub struct CommandPolicy {
    /// Whether `shell=True` is allowed.
    pub allow_shell: bool,
    /// Whether low-risk commands run without asking (not when forced to ask).
    pub auto_approve_safe: bool,
    /// Program names that are always refused.
    pub blocked_commands: Vec<String>,
    /// Whether a client is configured to ask.
    pub has_client: bool,
    /// Without a client: `true` runs every command that is not refused (explicit opt-in); `false` refuses critical
    /// and high ones. Ignored when a client is configured: the client's fail mode applies then.
    pub run_unasked_without_client: bool,
    /// Decision wait bound passed to `evaluate_action`, in seconds.
    pub timeout: f64,
}

/// One command to run.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// The command.
    pub command: Command,
    /// Whether it runs through a shell.
    pub shell: bool,
    /// Working directory, as given.
    pub cwd: Option<String>,
    /// Set inside `govern_subprocess`/`governed_run` (`always_ask`, `min_risk_level`, `require_approval`): always
    /// ask, treat the command as at least this level, and flag `requires_approval` when asked to.
    pub forced: Option<Forced>,
}

/// What `govern_subprocess`/`governed_run` force.
#[derive(Debug, Clone, Default)]
pub struct Forced {
    /// Minimum risk level.
    pub risk_level: Option<RiskLevel>,
    /// Flag the request as requiring approval.
    pub require_approval: bool,
}

/// What the wrapper does with the command.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandPlan {
    /// Refuse it; `kind` is `shell_not_allowed`, `blocked` or `no_client`.
    Refuse {
        /// Why, as a stable word.
        kind: &'static str,
        /// The message for the host's exception.
        message: String,
    },
    /// Run it without asking; `reason` is `low_risk` or `no_client`.
    Run {
        /// Why no question was asked.
        reason: &'static str,
    },
    /// Ask ASCEND with these `evaluate_action` keyword arguments, then run only if the decision permits it.
    Ask {
        /// `evaluate_action` arguments.
        request: Map<String, Value>,
    },
}

impl CommandPlan {
    /// JSON projection: `{"plan": "refuse"|"run"|"ask", ...}`.
    pub fn to_json(&self, name: &str, risk: RiskLevel) -> Value {
        let mut v = match self {
            CommandPlan::Refuse { kind, message } => json!({"plan": "refuse", "kind": kind, "message": message}),
            CommandPlan::Run { reason } => json!({"plan": "run", "reason": reason}),
            CommandPlan::Ask { request } => json!({"plan": "ask", "request": request}),
        };
        v["command_name"] = json!(name);
        v["risk_level"] = json!(risk.as_str());
        v
    }
}

fn severity(level: RiskLevel) -> u8 {
    match level {
        RiskLevel::Low => 0,
        RiskLevel::Medium => 1,
        RiskLevel::High => 2,
        RiskLevel::Critical => 3,
    }
}

/// The plan for `spec` under `policy`, with the command's name and (possibly forced) risk level.
pub fn plan(policy: &CommandPolicy, spec: &CommandSpec) -> (CommandPlan, String, RiskLevel) {
    let name = command_name(&spec.command);
    let line = spec.command.line();
    let mut risk = classify_command(&line);
    if let Some(min) = spec.forced.as_ref().and_then(|f| f.risk_level) {
        if severity(min) > severity(risk) {
            risk = min;
        }
    }
    let plan = if spec.shell && !policy.allow_shell {
        CommandPlan::Refuse {
            kind: "shell_not_allowed",
            message:
                "shell=True is not allowed (set ASCEND_SUBPROCESS_ALLOW_SHELL=true or configure(allow_shell=True))"
                    .into(),
        }
    } else if policy.blocked_commands.contains(&name) {
        CommandPlan::Refuse { kind: "blocked", message: format!("Command '{name}' is blocked by local policy") }
    } else if risk == RiskLevel::Low && policy.auto_approve_safe && spec.forced.is_none() {
        CommandPlan::Run { reason: "low_risk" }
    } else if !policy.has_client {
        if !policy.run_unasked_without_client && matches!(risk, RiskLevel::Critical | RiskLevel::High) {
            CommandPlan::Refuse {
                kind: "no_client",
                message: format!("Command '{name}' is {} risk and no ASCEND client is configured", risk.as_str()),
            }
        } else {
            CommandPlan::Run { reason: "no_client" }
        }
    } else {
        let mut indicators = Map::new();
        indicators.insert("subprocess_execution".into(), json!(true));
        indicators.insert("shell_mode".into(), json!(spec.shell));
        indicators.insert("local_risk_level".into(), json!(risk.as_str()));
        if spec.forced.as_ref().is_some_and(|f| f.require_approval) {
            indicators.insert("requires_approval".into(), json!(true));
        }
        let mut request = Map::new();
        request.insert("action_type".into(), json!("system.subprocess"));
        request.insert("resource".into(), json!(name));
        request.insert(
            "parameters".into(),
            json!({"command": line.chars().take(MAX_SENT_COMMAND_CHARS).collect::<String>(),
                   "shell": spec.shell, "cwd": spec.cwd}),
        );
        request.insert("risk_indicators".into(), Value::Object(indicators));
        request.insert("timeout".into(), json!(policy.timeout));
        CommandPlan::Ask { request }
    };
    (plan, name, risk)
}

/// The end of a governed command or code check: whether the host may run it, and why not.
#[derive(Debug, Clone)]
pub struct WrapperVerdict {
    /// Whether the host may run it.
    pub run: bool,
    /// The client's decision, when ASCEND was asked and answered (or the client's fail mode decided).
    pub decision: Option<AuthorizationDecision>,
    /// The error that stopped the check (kill switch, unreachable in CLOSED mode, decision wait ran out, ...).
    pub error: Option<Error>,
}

impl WrapperVerdict {
    /// JSON projection: `run`, `decision`, and `error_code` / `error_class` / `message` when an error stopped it.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"run": self.run, "decision": self.decision.as_ref().map(AuthorizationDecision::to_json)});
        if let Some(e) = &self.error {
            v["error_code"] = json!(e.code.as_str());
            v["error_class"] = json!(e.code.class_name());
            v["message"] = json!(e.display_with_code());
        } else if let Some(d) = self.decision.as_ref().filter(|_| !self.run) {
            v["message"] =
                json!(format!("not allowed ({}): {}", d.decision.as_str(), d.reason.as_deref().unwrap_or("no reason")));
        }
        v
    }
}

impl Client {
    /// Asks ASCEND with a wrapper's `evaluate_action` arguments and applies D24: run only when the client's decision
    /// permits execution. Errors (a kill switch, unreachability the client's fail mode raised, a decision wait that
    /// ran out, a malformed reply) never run anything; they come back in the verdict.
    pub async fn ask_for_wrapper(&self, request: &Map<String, Value>) -> Result<WrapperVerdict> {
        let req = action_request(&Args::new(request))?;
        Ok(match self.evaluate_action(req).await {
            Ok(d) => WrapperVerdict { run: d.permits_execution(), decision: Some(d), error: None },
            Err(e) => WrapperVerdict { run: false, decision: None, error: Some(e) },
        })
    }

    /// The subprocess wrapper's whole check for one command with this client: the [`plan`], then, when it asks,
    /// [`ask_for_wrapper`](Self::ask_for_wrapper). Returns the plan's projection plus `run` (and the verdict).
    pub async fn govern_command(&self, policy: &CommandPolicy, spec: &CommandSpec) -> Result<Value> {
        let policy = CommandPolicy { has_client: true, ..policy.clone() };
        let (plan, name, risk) = plan(&policy, spec);
        let mut out = plan.to_json(&name, risk);
        match &plan {
            CommandPlan::Refuse { .. } => out["run"] = json!(false),
            CommandPlan::Run { .. } => out["run"] = json!(true),
            CommandPlan::Ask { request } => {
                let verdict = self.ask_for_wrapper(request).await?;
                if let (Value::Object(o), Value::Object(v)) = (&mut out, verdict.to_json()) {
                    o.extend(v);
                }
            }
        }
        Ok(out)
    }
}

/// `govern_command` keyword arguments -> (policy, command). `command` is a string or a list of strings;
/// `always_ask`, `min_risk_level` and `require_approval` (any of them) force a question, as `govern_subprocess` does.
pub fn from_args(a: &Args<'_>) -> Result<(CommandPolicy, CommandSpec)> {
    let command = match a.value("command") {
        Some(Value::String(s)) => Command::Line(s),
        Some(Value::Array(items)) => Command::Argv(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(Error::validation(
                        "command",
                        "Must be a string or a list of strings",
                        "command items must be strings",
                    )),
                })
                .collect::<Result<_>>()?,
        ),
        _ => {
            return Err(Error::validation(
                "command",
                "Must be a string or a list of strings",
                "command is required (a string or a list of strings)",
            ))
        }
    };
    let min_risk_level = match a.opt_string("min_risk_level")? {
        None => None,
        Some(s) => Some(RiskLevel::parse(&s).ok_or_else(|| {
            Error::validation("min_risk_level", "Must be low, medium, high or critical", "unknown min_risk_level")
        })?),
    };
    let require_approval = a.bool_or("require_approval", false)?;
    let forced = (a.bool_or("always_ask", false)? || min_risk_level.is_some() || require_approval)
        .then_some(Forced { risk_level: min_risk_level, require_approval });
    let policy = CommandPolicy {
        allow_shell: a.bool_or("allow_shell", false)?,
        auto_approve_safe: a.bool_or("auto_approve_safe", true)?,
        blocked_commands: a.opt_strings("blocked_commands")?.unwrap_or_default(),
        has_client: a.bool_or("has_client", true)?,
        run_unasked_without_client: a.bool_or("run_unasked_without_client", false)?,
        timeout: a.f64_or("timeout", 5.0)?,
    };
    let spec = CommandSpec { command, shell: a.bool_or("shell", false)?, cwd: a.opt_string("cwd")?, forced };
    Ok((policy, spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(argv: &[&str]) -> CommandSpec {
        CommandSpec {
            command: Command::Argv(argv.iter().map(|s| s.to_string()).collect()),
            shell: false,
            cwd: None,
            forced: None,
        }
    }

    #[test]
    fn plans() {
        let mut policy = CommandPolicy { auto_approve_safe: true, timeout: 5.0, ..Default::default() };
        assert_eq!(plan(&policy, &spec(&["echo", "x"])).0, CommandPlan::Run { reason: "low_risk" });
        assert!(matches!(plan(&policy, &spec(&["rm", "x"])).0, CommandPlan::Refuse { kind: "no_client", .. }));
        assert_eq!(plan(&policy, &spec(&["cp", "a", "b"])).0, CommandPlan::Run { reason: "no_client" });
        policy.has_client = true;
        let (p, name, risk) = plan(&policy, &spec(&["rm", "x"]));
        assert_eq!((name.as_str(), risk), ("rm", RiskLevel::High));
        let CommandPlan::Ask { request } = p else { panic!("expected ask") };
        assert_eq!(request["parameters"], json!({"command": "rm x", "shell": false, "cwd": null}));
        let mut forced = spec(&["echo", "x"]);
        forced.forced = Some(Forced { risk_level: Some(RiskLevel::High), require_approval: true });
        let (p, _, risk) = plan(&policy, &forced);
        assert_eq!(risk, RiskLevel::High);
        let CommandPlan::Ask { request } = p else { panic!("expected ask") };
        assert_eq!(request["risk_indicators"]["requires_approval"], json!(true));
        policy.blocked_commands = vec!["echo".into()];
        assert!(matches!(plan(&policy, &spec(&["echo"])).0, CommandPlan::Refuse { kind: "blocked", .. }));
        let mut shell = spec(&["ls"]);
        shell.shell = true;
        assert!(matches!(plan(&policy, &shell).0, CommandPlan::Refuse { kind: "shell_not_allowed", .. }));
    }

    fn plan_of(input: Value) -> CommandPlan {
        let (policy, spec) = from_args(&Args::new(input.as_object().unwrap())).unwrap();
        plan(&policy, &spec).0
    }

    #[test]
    fn each_forcing_argument_alone_forces_a_question() {
        // `ls` is low risk: auto-approved unless something forces a question.
        assert_eq!(plan_of(json!({"command": ["ls"]})), CommandPlan::Run { reason: "low_risk" });
        for (input, flagged) in [
            (json!({"command": ["ls"], "always_ask": true}), None),
            (json!({"command": ["ls"], "min_risk_level": "low"}), None),
            (json!({"command": ["ls"], "require_approval": true}), Some(&json!(true))),
        ] {
            let CommandPlan::Ask { request } = plan_of(input.clone()) else { panic!("expected ask for {input}") };
            assert_eq!(request["risk_indicators"].get("requires_approval"), flagged, "{input}");
        }
    }

    #[test]
    fn only_a_verdict_that_stops_the_command_carries_a_message() {
        let denied = AuthorizationDecision {
            decision: crate::model::Decision::Denied,
            reason: Some("too risky".into()),
            ..Default::default()
        };
        let v = WrapperVerdict { run: false, decision: Some(denied), error: None }.to_json();
        assert_eq!(v["message"], "not allowed (denied): too risky");
        let allowed = AuthorizationDecision {
            decision: crate::model::Decision::Allowed,
            execution_allowed: true,
            ..Default::default()
        };
        let v = WrapperVerdict { run: true, decision: Some(allowed), error: None }.to_json();
        assert_eq!(v.get("message"), None, "{v}");
        assert_eq!(v["run"], true);
    }

    #[test]
    fn a_client_asks_even_under_a_policy_that_says_there_is_none() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server
            .load_json(&json!([{"match": {"method": "POST", "path": "/api/v1/actions/submit"},
                                "respond": {"status": 200, "body": {"id": 61, "status": "approved"}}}]))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (c, _) = crate::test_support::manual_client(&server.url, &dir);
        // `has_client: false` would refuse a high-risk `rm` without asking; govern_command has a client.
        let policy = CommandPolicy { has_client: false, timeout: 5.0, ..Default::default() };
        let out = crate::lane::block_on(c.govern_command(&policy, &spec(&["rm", "old.log"]))).unwrap();
        assert_eq!((out["plan"].clone(), out["run"].clone()), (json!("ask"), json!(true)), "{out}");
        assert_eq!(server.requests().iter().filter(|r| r.path == "/api/v1/actions/submit").count(), 1);
    }
}
