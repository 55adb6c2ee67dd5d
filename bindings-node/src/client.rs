//! `NativeClient`: one `ascend_core::Client` (one HTTP pool, breaker, kill-switch state, spool) with one async,
//! cancellable, generic `invoke`. Every call runs on the core's async lane (`ascend_core::lane::task`: one thread,
//! its own connection pool, one hand-off each way); the JavaScript thread only starts the call and is woken when it
//! settles, so the event loop never blocks.

use crate::cancel::CancelHandle;
use crate::errors::{guard, panic_error, parse_json, to_napi, validation};
use crate::projection::decision_json;
use ascend_core::cancel::CancelToken;
use ascend_core::clock::{ManualClock, SharedClock};
use ascend_core::dispatch::Output;
use ascend_core::{Client as CoreClient, Error};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Env, Function, Object, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

/// Where a client's finished calls go: `[id, ok, payload]` (payload: the result's JSON text, or the error
/// projection's). Weak (unref'd): the facade keeps the event loop alive while calls are pending.
type Completions = ThreadsafeFunction<(u32, bool, String), Unknown<'static>, (u32, bool, String), Status, false, true>;

/// One SDK client.
#[napi]
pub struct NativeClient {
    client: CoreClient,
    manual: Option<Arc<ManualClock>>,
    /// One threadsafe function per client for every call's completion (a per-call deferred would register one
    /// libuv async handle per pending call, and libuv scans all of them on every wake-up).
    completions: Option<Arc<Completions>>,
}

fn build(parsed: crate::params::Parsed) -> Result<(CoreClient, Option<Arc<ManualClock>>), Error> {
    // Inside the runtime context, so nothing in construction can miss a reactor; no network I/O happens here.
    let _rt = ascend_core::runtime::runtime().enter();
    let clock: SharedClock = parsed.clock;
    Ok((CoreClient::with_clock(parsed.params, clock)?, parsed.manual))
}

/// Runs `method` on the runtime: the result as JSON text (a decision already as the facade's camelCase object,
/// [`decision_json`]; anything else the core's projection), or the error; a panic becomes `INTERNAL` (D20) and a
/// cancel drops the call's future at once.
async fn run(
    client: CoreClient,
    method: String,
    args_json: String,
    cancel: Option<CancelToken>,
) -> Result<String, Error> {
    // Parsed here, on the lane, so the argument tree is allocated and freed by the same thread (a tree built on the
    // JavaScript thread and dropped on the lane made the two threads contend for the allocator's arena lock).
    let args = parse_json("args", &args_json)?;
    drop(args_json);
    let outcome = AssertUnwindSafe(async move {
        match cancel {
            None => client.invoke_output(&method, args).await,
            Some(token) => token.run(client.invoke_output(&method, args)).await,
        }
    })
    .catch_unwind()
    .await;
    match outcome {
        Ok(Ok(Output::Decision(d))) => Ok(decision_json(&d)),
        Ok(Ok(Output::Json(v))) => Ok(v.to_string()),
        Ok(Err(e)) => Err(e),
        Err(payload) => Err(panic_error(payload.as_ref())),
    }
}

#[napi]
impl NativeClient {
    /// Builds a client from snake_case parameters (JSON text). Validates everything; no network I/O.
    #[napi(constructor)]
    pub fn new(params_json: String) -> napi::Result<Self> {
        guard(|| {
            let map = match parse_json("params", &params_json)? {
                Value::Object(m) => m,
                Value::Null => Default::default(),
                _ => return Err(validation("params", "Must be an object", "client parameters must be an object")),
            };
            let (client, manual) = build(crate::params::parse(&map)?)?;
            Ok(NativeClient { client, manual, completions: None })
        })
    }

    /// Calls client method `method` (the core's snake_case name) with snake_case JSON arguments; resolves to the
    /// JSON result text, or rejects with the error projection (see `errors.rs`).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn invoke<'env>(
        &self,
        env: &'env Env,
        method: String,
        args_json: String,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred()?;
        let client = self.client.clone();
        let cancel = cancel.map(|c| c.token.clone());
        ascend_core::lane::spawn_detached(async move {
            match run(client, method, args_json, cancel).await {
                Ok(text) => deferred.resolve(move |_| Ok(text)),
                Err(e) => deferred.reject(to_napi(&e)),
            }
        });
        Ok(promise)
    }

    /// Sets the completion handler `([id, ok, payload]) => void` that [`submit`](Self::submit) reports to.
    #[napi(ts_args_type = "handler: (completion: [id: number, ok: boolean, payload: string]) => void")]
    pub fn set_completion_handler(
        &mut self,
        handler: Function<(u32, bool, String), Unknown<'static>>,
    ) -> napi::Result<()> {
        let tsfn: Completions = handler.build_threadsafe_function().callee_handled::<false>().weak::<true>().build()?;
        self.completions = Some(Arc::new(tsfn));
        Ok(())
    }

    /// Starts call `id`: client method `method` (snake_case) with snake_case JSON arguments, on the core runtime;
    /// its outcome goes to the completion handler as `[id, true, resultJson]` or `[id, false, errorProjectionJson]`.
    /// Throws (synchronously) only when no handler is set; arguments that are not JSON complete as a validation error.
    #[napi]
    pub fn submit(
        &self,
        id: u32,
        method: String,
        args_json: String,
        cancel: Option<&CancelHandle>,
    ) -> napi::Result<()> {
        let done =
            self.completions.clone().ok_or_else(|| to_napi(&Error::internal("submit before setCompletionHandler")))?;
        let client = self.client.clone();
        let cancel = cancel.map(|c| c.token.clone());
        ascend_core::lane::spawn_detached(async move {
            let completion = match run(client, method, args_json, cancel).await {
                Ok(text) => (id, true, text),
                Err(e) => (id, false, e.to_json().to_string()),
            };
            // `Closing`: the JavaScript environment ended (a terminated worker); nobody waits for the result.
            let _ = done.call(completion, ThreadsafeFunctionCallMode::NonBlocking);
        });
        Ok(())
    }

    /// Resolved configuration without secrets: `api_key_set` and `has_signing_secret` say whether they are set.
    #[napi]
    pub fn config(&self) -> napi::Result<String> {
        guard(|| {
            let c = self.client.config();
            Ok(json!({
                "api_url": c.api_url,
                "agent_id": c.agent_id,
                "agent_name": c.agent_name,
                "environment": c.environment,
                "fail_mode": c.fail_mode.as_str(),
                "timeout": c.timeout.as_secs_f64(),
                "max_retries": c.max_retries,
                "enable_circuit_breaker": c.enable_circuit_breaker,
                "circuit_breaker_threshold": c.circuit_breaker_threshold,
                "circuit_breaker_timeout": c.circuit_breaker_timeout.as_secs_f64(),
                "has_signing_secret": c.signing_secret.is_some(),
                "api_key_set": !c.api_key.expose().is_empty(),
                "debug": c.debug,
                "audit_spool_path": c.audit_spool_path.to_string_lossy(),
            })
            .to_string())
        })
    }

    /// `{"state": "closed"|"open"|"half_open"|null, "failures": n|null}` of the client's breaker.
    #[napi]
    pub fn breaker_state(&self) -> napi::Result<String> {
        guard(|| {
            Ok(match self.client.circuit_breaker() {
                Some(b) => json!({"state": b.state().as_str(), "failures": b.failures()}),
                None => json!({"state": null, "failures": null}),
            }
            .to_string())
        })
    }

    /// Sleeps requested from the manual clock so far, in seconds (private `_clock: "manual…"` only; else empty).
    #[napi]
    pub fn clock_sleeps(&self) -> Vec<f64> {
        self.manual.as_ref().map(|m| m.sleeps().iter().map(Duration::as_secs_f64).collect()).unwrap_or_default()
    }

    /// Moves the manual clock forward without recording a sleep (private `_clock: "manual…"` only).
    #[napi]
    pub fn advance_clock(&self, seconds: f64) -> napi::Result<()> {
        guard(|| {
            let Some(m) = &self.manual else {
                return Err(validation("_clock", "No manual clock", "this client uses the system clock"));
            };
            if !seconds.is_finite() || seconds < 0.0 {
                return Err(validation("seconds", "Must be >= 0", "seconds must be a non-negative number"));
            }
            m.advance(Duration::from_secs_f64(seconds));
            Ok(())
        })
    }

    /// Stops kill-switch polling and the heartbeat scheduler. Idempotent.
    #[napi]
    pub fn close(&self) -> napi::Result<()> {
        guard(|| {
            self.client.close();
            Ok(())
        })
    }
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        // Garbage-collected without close(): background tasks must not outlive the object.
        self.client.close();
    }
}
