//! The JSON entry point every binding uses (docs/BINDING_CONTRACT.md): a method name, keyword arguments as a
//! JSON object, the result as its JSON projection. Type errors name the parameter, before any network I/O.

pub use crate::api::args::Args;
use crate::api::args::{prepare, type_error};
use crate::api::{self, Returns};
use crate::call_options::{CallOptions, REQUEST_OPTIONS_ARG};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::*;
use serde_json::{json, Map, Value};

/// Builds an `ActionRequest` from `evaluate_action` keyword arguments.
pub fn action_request(a: &Args<'_>) -> Result<ActionRequest> {
    let mut r = ActionRequest::new(a.required_text("action_type")?, a.required_text("resource")?);
    r.parameters = a.opt_object("parameters")?;
    r.context = a.opt_object("context")?;
    r.resource_id = a.opt_id("resource_id")?;
    r.risk_indicators = a.opt_object("risk_indicators")?;
    r.wait_for_decision = a.bool_or("wait_for_decision", true)?;
    r.timeout = a.opt_f64("timeout")?;
    r.orchestration_session_id = a.value("orchestration_session_id");
    r.parent_action_id = a.value("parent_action_id");
    r.orchestration_depth = a.value("orchestration_depth");
    for (field, slot) in
        [("mcp_server_name", &mut r.mcp_server_name), ("model_id", &mut r.model_id), ("tool_name", &mut r.tool_name)]
    {
        *slot = match a.get(field) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(Error::validation(field, "Must be a non-empty string", format!("{field} must be a string")))
            }
        };
    }
    for (field, slot) in
        [("description", &mut r.description), ("business_justification", &mut r.business_justification)]
    {
        *slot = match a.get(field) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(Error::validation(field, "Must be a string", format!("{field} must be a string"))),
        };
    }
    Ok(r)
}

fn bulk_items(actions: Vec<Value>) -> Result<Vec<ActionRequest>> {
    actions
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let m = item.as_object().ok_or_else(|| {
                Error::validation("actions", format!("item {i} must be an object"), "actions must be objects")
            })?;
            let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let mut r = ActionRequest::new(text("action_type"), text("resource"));
            r.resource_id = m.get("resource_id").and_then(Value::as_str).map(str::to_string);
            r.parameters = m.get("parameters").and_then(Value::as_object).cloned();
            r.context = m.get("context").and_then(Value::as_object).cloned();
            r.risk_indicators = m.get("risk_indicators").and_then(Value::as_object).cloned();
            r.wait_for_decision = false;
            Ok(r)
        })
        .collect()
}

fn unit() -> Value {
    Value::Null
}

/// What a call returns: a decision (kept typed, so a binding can build its native object without an intermediate
/// JSON tree) or any other result as its JSON projection.
#[derive(Debug)]
pub enum Output {
    /// A governance decision; its projection is [`AuthorizationDecision::to_json`] / [`AuthorizationDecision::project`].
    Decision(Box<AuthorizationDecision>),
    /// Any other result, already projected.
    Json(Value),
}

impl Output {
    /// The JSON projection of the result.
    pub fn into_json(self) -> Value {
        match self {
            Output::Decision(d) => d.to_json(),
            Output::Json(v) => v,
        }
    }
}

/// Whether a `null` argument of `method` means the same as leaving it out (the table's `null_is_absent`), so a
/// binding may drop `None` keyword arguments before the call.
pub fn null_args_are_absent(method: &str) -> bool {
    api::method(method).is_none_or(|m| m.null_is_absent)
}

fn args_object(args: Value) -> Result<Map<String, Value>> {
    match args {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        _ => Err(Error::validation("args", "Must be an object", "arguments must be a JSON object")),
    }
}

fn unknown_method(name: &str) -> Error {
    Error::validation("method", "Unknown method", format!("unknown client method: {name}"))
}

impl Client {
    /// Calls a public method by its Python name with JSON keyword arguments; returns the JSON projection.
    pub async fn invoke(&self, method: &str, args: Value) -> Result<Value> {
        self.invoke_output(method, args).await.map(Output::into_json)
    }

    /// [`invoke`](Self::invoke) that ends with `CANCELLED` as soon as `cancel` is cancelled (the call's future is
    /// dropped: no waiter registration or other state is left behind).
    pub async fn invoke_cancellable(
        &self,
        method: &str,
        args: Value,
        cancel: &crate::cancel::CancelToken,
    ) -> Result<Value> {
        cancel.run(self.invoke(method, args)).await
    }

    /// Same as [`invoke`](Self::invoke), with decisions kept typed ([`Output::Decision`]).
    ///
    /// Every method also takes the reserved argument `request_options` (`{"timeout", "max_retries", "headers"}`,
    /// see [`CallOptions::from_json`]): the call then runs on [`Client::with_options`] of them.
    pub async fn invoke_output(&self, method: &str, args: Value) -> Result<Output> {
        let spec = api::method(method).ok_or_else(|| unknown_method(method))?;
        let mut map = args_object(args)?;
        let view;
        let this = match map.remove(REQUEST_OPTIONS_ARG) {
            Some(v) if !v.is_null() => {
                view = self.with_options(CallOptions::from_json(&v)?);
                &view
            }
            _ => self,
        };
        prepare(spec, &mut map)?;
        let a = Args::new(&map);
        if spec.returns == Returns::Decision {
            return Ok(Output::Decision(Box::new(this.invoke_decision(method, &a).await?)));
        }
        this.invoke_json(method, &a).await.map(Output::Json)
    }

    async fn invoke_decision(&self, method: &str, a: &Args<'_>) -> Result<AuthorizationDecision> {
        match method {
            "evaluate_action" | "submit_action" => self.evaluate_action(action_request(a)?).await,
            "wait_for_decision" => {
                let (id, timeout, interval) = (a.id("action_id")?, a.f64("timeout")?, a.f64("poll_interval")?);
                self.wait_for_decision(&id, timeout, interval, None).await
            }
            "wait_for_approval" => {
                let id = a.id("action_id")?;
                let (timeout, timeout_seconds) = (a.opt_f64("timeout")?, a.opt_f64("timeout_seconds")?);
                self.wait_for_approval(&id, timeout, timeout_seconds, a.opt_f64("poll_interval")?).await
            }
            "get_action_status" => self.get_action_status(&a.id("action_id")?).await,
            "evaluate_mcp_action" => {
                self.evaluate_mcp_action(
                    &a.string("mcp_server")?,
                    &a.string("namespace")?,
                    &a.string("verb")?,
                    &a.string("resource")?,
                    a.opt_string("action_type")?,
                    a.opt_object("parameters")?,
                    a.opt_object("context")?,
                    a.opt_string("description")?,
                    &a.string("environment")?,
                    a.opt_string("tool_name")?,
                    a.bool("use_mcp_endpoint")?,
                )
                .await
            }
            other => Err(Error::internal(format!("{other} is not a decision method"))),
        }
    }

    async fn invoke_json(&self, method: &str, a: &Args<'_>) -> Result<Value> {
        match method {
            "evaluate_actions" => {
                let items = bulk_items(a.opt_list("actions")?.unwrap_or_default())?;
                Ok(self.evaluate_actions(items, a.i64("max_concurrent")?.max(1) as usize).await?.to_json())
            }
            "configure_webhook" => Ok(to_json(
                &self
                    .configure_webhook(
                        &a.string("url")?,
                        a.opt_strings("events")?.unwrap_or_default(),
                        a.opt_string("secret")?.as_deref(),
                    )
                    .await?,
            )),
            "list_webhooks" => Ok(Value::Array(self.list_webhooks().await?.iter().map(to_json).collect())),
            "update_webhook" => Ok(to_json(
                &self
                    .update_webhook(
                        &a.id("webhook_id")?,
                        a.opt_string("url")?.as_deref(),
                        a.opt_strings("events")?,
                        a.opt_string("secret")?.as_deref(),
                    )
                    .await?,
            )),
            "delete_webhook" => self.delete_webhook(&a.id("webhook_id")?).await.map(|_| unit()),
            "test_webhook" => Ok(to_json(&self.test_webhook(&a.id("webhook_id")?).await?)),
            "register" | "register_agent" => {
                let agent_type = a.string("agent_type")?;
                let (caps, res, meta) =
                    (a.opt_list("capabilities")?, a.opt_list("allowed_resources")?, a.opt_object("metadata")?);
                if method == "register" {
                    self.register(&agent_type, caps, res, meta).await
                } else {
                    self.register_agent(a.opt_string("agent_id")?.as_deref(), &agent_type, caps, res, meta).await
                }
            }
            "deregister" => self.deregister().await.map(|_| unit()),
            "get_agent_status" => Ok(to_json(&self.get_agent_status().await?)),
            "get_agent" => Ok(to_json(&self.get_agent(a.opt_string("agent_id")?.as_deref()).await?)),
            "log_action_completed" => {
                let id = a.value("action_id").unwrap_or(Value::Null);
                self.log_action_completed(&id, a.value("result"), a.value("duration_ms")).await
            }
            "log_action_failed" => {
                let id = a.value("action_id").unwrap_or(Value::Null);
                self.log_action_failed(&id, a.value("error").unwrap_or(Value::Null), a.value("duration_ms")).await
            }
            "check_approval" => self.check_approval(&a.id("approval_request_id")?).await,
            "heartbeat" | "send_heartbeat" => {
                let metrics = a.opt_object("metrics")?.unwrap_or_default();
                let pick = |k: &str| a.value(k).or_else(|| metrics.get(k).cloned().filter(|v| !v.is_null()));
                self.heartbeat(pick("response_time_ms"), pick("error_rate"), pick("requests_count")).await;
                Ok(unit())
            }
            "start_heartbeat" => self.start_heartbeat(a.opt_f64("interval_seconds")?).await.map(|_| unit()),
            "stop_heartbeat" => {
                self.stop_heartbeat();
                Ok(unit())
            }
            "start_kill_switch_polling" => self.start_kill_switch_polling(a.f64("interval_seconds")?).map(|_| unit()),
            "stop_kill_switch_polling" => {
                self.stop_kill_switch_polling();
                Ok(unit())
            }
            "poll_kill_switch" => Ok(to_json(&self.poll_kill_switch().await?)),
            "is_blocked" => Ok(Value::Bool(self.is_blocked())),
            "test_connection" => Ok(to_json(&self.test_connection().await)),
            "list_actions" => {
                self.list_actions(a.i64("limit")?, a.i64("offset")?, a.opt_string("status")?.as_deref()).await
            }
            "get_action_details" => Ok(to_json(&self.get_action_details(&a.id("action_id")?).await?)),
            "evaluate_policy" => Ok(to_json(
                &self
                    .evaluate_policy(
                        &a.required_text("action_type")?,
                        &a.required_text("resource")?,
                        a.opt_f64("risk_score")?,
                        a.opt_object("context")?,
                    )
                    .await?,
            )),
            "get_resource_classification" => Ok(self
                .get_resource_classification(&a.string("resource_type")?)
                .await?
                .map(|r| to_json(&r))
                .unwrap_or(Value::Null)),
            "query_audit_log" => Ok(to_json(&self.query_audit_log(a.i64("limit")?, a.i64("offset")?).await?)),
            "register_mcp_server" => {
                self.register_mcp_server(
                    &a.required_text("server_name")?,
                    a.value("display_name"),
                    a.value("description"),
                    a.value("server_url"),
                    &a.string("transport_type")?,
                    a.value("connection_config"),
                    a.bool("governance_enabled")?,
                    a.value("auto_approve_tools"),
                    a.value("blocked_tools"),
                    a.value("tool_risk_overrides"),
                )
                .await
            }
            "list_mcp_servers" => self.list_mcp_servers().await,
            "get_mcp_server" => self.get_mcp_server(&a.opt_string("server_name")?.unwrap_or_default()).await,
            "activate_mcp_server" => self.activate_mcp_server(&a.opt_string("server_name")?.unwrap_or_default()).await,
            "deactivate_mcp_server" => {
                self.deactivate_mcp_server(
                    &a.opt_string("server_name")?.unwrap_or_default(),
                    a.opt_string("reason")?.as_deref(),
                )
                .await
            }
            "delete_mcp_server" => self.delete_mcp_server(&a.opt_string("server_name")?.unwrap_or_default()).await,
            "scan_mcp_network" => self.scan_mcp_network().await,
            "get_mcp_health" => self.get_mcp_health().await,
            "trigger_kill_switch" | "release_kill_switch" => {
                let org = a.value("organization_id").unwrap_or(Value::Null);
                let reason = a.value("reason").unwrap_or(Value::Null);
                if method == "trigger_kill_switch" {
                    self.trigger_kill_switch(&org, &reason).await
                } else {
                    self.release_kill_switch(&org, &reason).await
                }
            }
            "link_model_to_agent" => {
                self.link_model_to_agent(
                    &a.opt_string("agent_id")?.unwrap_or_default(),
                    &a.value("model_id").unwrap_or(Value::Null),
                )
                .await
            }
            "register_topology" => {
                self.register_topology(
                    &a.opt_string("orchestrator_agent_id")?.unwrap_or_default(),
                    a.opt_list("worker_agent_ids")?.unwrap_or_default(),
                )
                .await
            }
            "register_mcp_topology" => {
                self.register_mcp_topology(
                    &a.opt_string("orchestrator_agent_id")?.unwrap_or_default(),
                    a.opt_list("mcp_server_ids")?.unwrap_or_default(),
                )
                .await
            }
            "cascade_kill" => {
                self.cascade_kill(
                    &a.opt_string("orchestrator_id")?.unwrap_or_default(),
                    &a.opt_string("reason")?.unwrap_or_default(),
                    a.bool("dry_run")?,
                )
                .await
            }
            "get_orchestration_session" => {
                self.get_orchestration_session(&a.opt_string("session_id")?.unwrap_or_default()).await
            }
            "get_orchestration_session_risk" => {
                self.get_orchestration_session_risk(&a.opt_string("session_id")?.unwrap_or_default()).await
            }
            "get_orchestration_stats" => self.get_orchestration_stats().await,
            "get_output_filter_config" => self.get_output_filter_config().await,
            "get_output_findings" => {
                self.get_output_findings(
                    a.i64("limit")?,
                    a.i64("offset")?,
                    a.opt_string("category")?.as_deref(),
                    a.opt_string("severity")?.as_deref(),
                )
                .await
            }
            "get_output_findings_for_action" => {
                self.get_output_findings_for_action(&a.value("action_id").unwrap_or(Value::Null)).await
            }
            "scan_output" => {
                self.scan_output(
                    &a.string("content")?,
                    &a.opt_string("agent_id")?.unwrap_or_default(),
                    a.value("action_id").as_ref(),
                )
                .await
            }
            "register_supply_chain_component" => self.register_supply_chain_component(a.map().clone()).await,
            "list_supply_chain_components" => {
                let hv = match a.value("has_vulnerabilities") {
                    None => None,
                    Some(Value::Bool(b)) => Some(b),
                    Some(_) => return Err(type_error("has_vulnerabilities", "a boolean")),
                };
                self.list_supply_chain_components(
                    a.opt_string("component_type")?.as_deref(),
                    a.opt_string("risk_level")?.as_deref(),
                    hv,
                    a.bool("active_only")?,
                    a.i64("limit")?,
                    a.i64("offset")?,
                )
                .await
            }
            "get_supply_chain_stats" => self.get_supply_chain_stats().await,
            "get_supply_chain_impact" => {
                self.get_supply_chain_impact(&a.value("component_id").unwrap_or(Value::Null)).await
            }
            "get_cve_sync_status" => self.get_cve_sync_status().await,
            "get_supply_chain_alerts" => self.get_supply_chain_alerts(a.i64("limit")?, a.bool("acknowledged")?).await,
            "get_pending_commands" => self.get_pending_commands(a.opt_string("agent_id")?.as_deref()).await,
            "ack_command" => {
                Ok(Value::Bool(self.ack_command(&a.id("command_id")?, a.opt_string("agent_id")?.as_deref()).await?))
            }
            "govern_tool_call" | "evaluate_tool_call" => {
                let call = crate::govern::ToolCall::from_args(a)?;
                let outcome = if method == "govern_tool_call" {
                    self.govern_tool_call(&call).await?
                } else {
                    self.evaluate_tool_call(&call).await?
                };
                Ok(outcome.to_json(&call))
            }
            "await_tool_approval" => {
                let call = crate::govern::ToolCall::new("", "", a.opt_string("tool_name")?.unwrap_or_default());
                let outcome = self
                    .await_tool_approval(
                        &a.opt_id("action_id")?.unwrap_or_default(),
                        a.opt_id("approval_request_id")?.as_deref(),
                        a.f64_or("timeout", crate::govern::tool::DEFAULT_APPROVAL_TIMEOUT)?,
                        a.f64_or("poll_interval", crate::govern::tool::DEFAULT_APPROVAL_POLL_INTERVAL)?,
                    )
                    .await?;
                Ok(outcome.to_json(&call))
            }
            "finish_tool_call" => {
                let result = match a.opt_string("error")? {
                    Some(error) => crate::govern::ToolResult::Failed { error },
                    None => crate::govern::ToolResult::Completed { has_result: a.bool_or("has_result", false)? },
                };
                let duration = a.opt_f64("duration_ms")?.filter(|d| d.is_finite() && *d >= 0.0).map(|d| d as u64);
                Ok(self.finish_tool_call(&a.opt_id("action_id")?.unwrap_or_default(), &result, duration).await)
            }
            "govern_command" => {
                let (policy, spec) = crate::govern::command::from_args(a)?;
                self.govern_command(&policy, &spec).await
            }
            "govern_code" => self.govern_code(&crate::govern::code::request_from_args(a)?).await,
            "replay_spool" => Ok(json!(self.replay_spool().await?)),
            "spool_pending" => Ok(json!(self.spool().pending()?.len())),
            "deliver_webhook_event" => {
                // Either a verified event's projection ({"event": {...}}) or {"action_id", "status"}.
                let (id, status) = match a.opt_object("event")? {
                    Some(ev) => {
                        let ev = Args::new(&ev);
                        (ev.opt_id("action_id")?, ev.opt_string("decision_status")?)
                    }
                    None => (a.opt_id("action_id")?, a.opt_string("status")?),
                };
                match id {
                    Some(id) => {
                        self.notify_decision(&id, &status.unwrap_or_default());
                        Ok(Value::Bool(true))
                    }
                    None => Ok(Value::Bool(false)),
                }
            }
            "close" => {
                self.close();
                Ok(unit())
            }
            other => Err(unknown_method(other)),
        }
    }
}
