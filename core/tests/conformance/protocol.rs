//! Runner for scripted cases: a fresh mock server per case, a client configured from `client`/`env`, the
//! steps in order (through `Client::invoke`, the same entry point every binding uses), then the recorded
//! verdict of the mock server (`/__mock/verify`: requests, unused script entries, sleeps).
//!
//! Clock: one virtual clock per case (schema description), shared by every client the case makes.

use crate::common::{match_error, subset_match};
use ascend_core::clock::{ManualClock, SharedClock, SystemClock};
use ascend_core::{Client, ClientParams};
use ascend_mock_server::VerifyRequest;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Default start of the injected clock: 2026-01-01T00:00:00Z.
const DEFAULT_START_MICROS: i64 = 1_767_225_600_000_000;

struct Ctx {
    url: String,
    clock: SharedClock,
    manual: Option<Arc<ManualClock>>,
    spool_dir: Option<tempfile::TempDir>,
    rules_dir: Option<tempfile::TempDir>,
}

fn params(case: &Value, ctx: &mut Ctx, overrides: Option<&Map<String, Value>>) -> Result<ClientParams, String> {
    let mut c = case.get("client").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(o) = overrides {
        for (k, v) in o {
            c.insert(k.clone(), v.clone());
        }
    }
    let s = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
    let mut p = ClientParams {
        api_key: if c.contains_key("api_key") { s("api_key") } else { Some("test-api-key-0001".into()) },
        agent_id: if c.contains_key("agent_id") { s("agent_id") } else { Some("test-agent".into()) },
        agent_name: s("agent_name"),
        api_url: if c.contains_key("api_url") { s("api_url") } else { Some(ctx.url.clone()) },
        environment: s("environment"),
        fail_mode: s("fail_mode"),
        timeout: c.get("timeout").and_then(Value::as_f64),
        max_retries: c.get("max_retries").and_then(Value::as_i64),
        enable_circuit_breaker: c.get("enable_circuit_breaker").and_then(Value::as_bool),
        circuit_breaker_threshold: c.get("circuit_breaker_threshold").and_then(Value::as_i64),
        circuit_breaker_timeout: c.get("circuit_breaker_timeout").and_then(Value::as_f64),
        signing_secret: s("signing_secret"),
        debug: None,
        audit_spool_path: None,
        prescore_rules_path: None,
        local_auto_approve_below: c.get("local_auto_approve_below").and_then(Value::as_f64),
        env: Some(
            case.get("env")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
                .unwrap_or_default(),
        ),
        ..Default::default()
    };
    if c.get("use_spool").and_then(Value::as_bool).unwrap_or(false) {
        let dir = match &ctx.spool_dir {
            Some(d) => d.path().to_path_buf(),
            None => {
                let d = tempfile::tempdir().map_err(|e| e.to_string())?;
                let path = d.path().to_path_buf();
                ctx.spool_dir = Some(d);
                path
            }
        };
        p.audit_spool_path = Some(dir.join("spool.jsonl"));
    } else {
        // Never touch the user's cache dir from tests.
        let d = tempfile::tempdir().map_err(|e| e.to_string())?;
        p.audit_spool_path = Some(d.path().join("spool.jsonl"));
        ctx.spool_dir.get_or_insert(d);
    }
    if let Some(rules) = c.get("prescore_rules") {
        let d = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = d.path().join("rules.json");
        std::fs::write(&path, rules.to_string()).map_err(|e| e.to_string())?;
        p.prescore_rules_path = Some(path);
        ctx.rules_dir = Some(d);
    }
    Ok(p)
}

fn config_projection(client: &Client) -> Value {
    let c = client.config();
    json!({
        "api_url": c.api_url, "agent_id": c.agent_id, "agent_name": c.agent_name, "environment": c.environment,
        "fail_mode": c.fail_mode.as_str(), "timeout": c.timeout.as_secs_f64(), "max_retries": c.max_retries,
        "enable_circuit_breaker": c.enable_circuit_breaker, "circuit_breaker_threshold": c.circuit_breaker_threshold,
        "circuit_breaker_timeout": c.circuit_breaker_timeout.as_secs_f64(),
        "has_signing_secret": c.signing_secret.is_some(), "api_key_set": !c.api_key.expose().is_empty(),
    })
}

/// `invoke` with a `CancelToken` cancelled `ms` real milliseconds after the call starts; afterwards no waiter
/// registration may be left behind.
async fn invoke_cancelled_after(c: &Client, call: &str, args: Value, ms: u64) -> Result<Value, ascend_core::Error> {
    let token = ascend_core::CancelToken::new();
    let canceller = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        canceller.cancel();
    });
    let out = c.invoke_cancellable(call, args, &token).await;
    if c.waiting_actions() != 0 {
        return Err(ascend_core::Error::internal("a cancelled call left a waiter registration behind"));
    }
    out
}

/// Runs one scripted case.
pub fn run(case: &Value) -> Result<(), String> {
    ascend_core::runtime::runtime().block_on(run_async(case))
}

async fn run_async(case: &Value) -> Result<(), String> {
    let server = ascend_mock_server::start(None).await.map_err(|e| format!("mock server: {e}"))?;
    if let Some(script) = case.get("server") {
        server.load_json(script).map_err(|e| format!("bad server script: {e}"))?;
    }
    let real = case.pointer("/clock/real").and_then(Value::as_bool).unwrap_or(false);
    let start = case
        .pointer("/clock/start_unix")
        .and_then(Value::as_f64)
        .map(|s| (s * 1e6) as i64)
        .unwrap_or(DEFAULT_START_MICROS);
    let manual = (!real).then(|| ManualClock::new(start));
    let clock: SharedClock = match &manual {
        Some(m) => m.clone(),
        None => Arc::new(SystemClock),
    };
    let mut ctx = Ctx { url: server.url.clone(), clock, manual, spool_dir: None, rules_dir: None };
    let mut client: Option<Client> = None;

    let steps = case.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, step) in steps.iter().enumerate() {
        if let Some(secs) = step.get("advance_clock").and_then(Value::as_f64) {
            match &ctx.manual {
                Some(m) => m.advance(Duration::from_secs_f64(secs)),
                None => tokio::time::sleep(Duration::from_secs_f64(secs)).await,
            }
        }
        let call = step["call"].as_str().unwrap_or("");
        let args = step.get("args").cloned().unwrap_or_else(|| json!({}));
        let outcome: Result<Value, ascend_core::Error> = match call {
            "new_client" | "restart_client" => {
                let p = params(case, &mut ctx, args.as_object())?;
                match Client::with_clock(p, ctx.clock.clone()) {
                    Ok(c) => {
                        let proj = config_projection(&c);
                        if let Some(old) = client.replace(c) {
                            old.close();
                        }
                        Ok(proj)
                    }
                    Err(e) => Err(e),
                }
            }
            _ => {
                if client.is_none() {
                    let p = params(case, &mut ctx, None)?;
                    client = Some(Client::with_clock(p, ctx.clock.clone()).map_err(|e| format!("client: {e}"))?);
                }
                let c = client.as_ref().unwrap();
                match call {
                    "breaker_state" => Ok(match c.circuit_breaker() {
                        Some(b) => json!({"state": b.state().as_str(), "failures": b.failures()}),
                        None => json!({"state": null, "failures": null}),
                    }),
                    "clock_sleeps" => Ok(json!(ctx.manual.as_ref().map(|m| m.sleeps().len()).unwrap_or(0))),
                    _ => match step.get("cancel_after_ms").and_then(Value::as_u64) {
                        Some(ms) => invoke_cancelled_after(c, call, args, ms).await,
                        None => c.invoke(call, args).await,
                    },
                }
            }
        };
        let expect = step.get("expect");
        let res = match (expect.and_then(|e| e.get("result")), expect.and_then(|e| e.get("error")), &outcome) {
            (Some(want), _, Ok(v)) => subset_match(want, Some(v), "result"),
            (Some(_), _, Err(e)) => Err(format!("expected a result, got error {e} {:?}", e.details)),
            (None, Some(want), Err(e)) => match_error(want, e),
            (None, Some(_), Ok(v)) => Err(format!("expected an error, got {v}")),
            (None, None, Ok(_)) => Ok(()),
            (None, None, Err(e)) => Err(format!("a step without expect failed: {e} {:?}", e.details)),
        };
        res.map_err(|e| format!("step {i} ({call}): {e}"))?;
    }
    if let Some(c) = &client {
        c.close();
    }

    // The mock server judges requests, leftover script entries and sleeps: the same JSON body every runner sends
    // to `POST /__mock/verify` (the case's keys as they are, plus the observed sleeps).
    let mut body: Map<String, Value> = ["expect_requests", "allow_unused", "expect_sleeps", "expect_sleep_total"]
        .iter()
        .filter_map(|k| case.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    let sleeps = ctx.manual.as_ref().map(|m| m.sleeps()).unwrap_or_default();
    body.insert("sleeps".into(), json!(sleeps.iter().map(Duration::as_secs_f64).collect::<Vec<_>>()));
    let verify: VerifyRequest = serde_json::from_value(Value::Object(body)).map_err(|e| format!("verify body: {e}"))?;
    let verdict = server.verify(&verify);
    if !verdict.ok {
        return Err(verdict.mismatches.join("; "));
    }
    let _ = &ctx.rules_dir;
    Ok(())
}
