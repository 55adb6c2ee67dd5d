//! Runner for the `webhooks` suite (pure cases: `input` -> `expected` / `expected_error`).
//!
//! `input.op`:
//! * `verify`: `body` (UTF-8 text) or `body_b64`; `body_as` (`bytes` default, `text` or `parsed`: the binding
//!   must refuse those with `WEBHOOK_BODY_NOT_BYTES`; Rust cannot express them: skipped); `headers` (object, or array of `[name, value]` pairs
//!   for repeated names); `secrets`; `now_unix`; `tolerance_seconds` (default 300); `scheme` (pins the
//!   scheme); `replay` (ids already in the replay cache); `deliveries` (verify this many times through one
//!   replay cache, the last outcome is checked). Result: the event projection (`WebhookEvent::to_json`).
//! * `verify_signature`: the same inputs (no `replay`/`deliveries`); checks signature and timestamp only.
//!   Result: `{"scheme", "msg_id", "timestamp_unix"}`.
//! * `sign`: `body`/`body_b64`, `secrets` (or `secret`), `scheme`, `msg_id`, `timestamp_unix`. Result:
//!   `{"headers": {name: value}}`.
//! * `secret_arg` (in `verify`/`verify_signature` inputs and in a `sign` spec) replaces `secrets`/`secret` with one
//!   `secret` argument given as a host value (D25): a string is text, `{"$bytes_utf8": s}` / `{"$bytes_hex": h}`
//!   bytes, an array a list, `{"$tuple": [...]}` a tuple, anything else that JSON value itself (a number, a
//!   boolean, null, an object), which the binding must refuse with `VALIDATION_ERROR` naming `secret`.
//! * `sign_verify`: `sign` with `input.sign` (`secrets`, `scheme`, `msg_id`, `timestamp_unix`) then `verify`
//!   with the rest of `input`. Result: `{"headers": ..., "event": ...}`.

use crate::common::check_pure;
use ascend_core::webhook::{self, ReplayCache, Scheme, SecretInput, VerifyOptions, WebhookSecret};
use ascend_core::Error;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// Runs one case of the suite.
pub fn run(case: &Value) -> Result<(), String> {
    let input = case.get("input").ok_or("no input")?;
    let outcome = match input["op"].as_str().ok_or("input.op missing")? {
        "verify" => verify(input)?,
        "verify_signature" => verify_signature(input)?,
        "sign" => sign(input, input)?.map(|h| json!({ "headers": h })),
        "sign_verify" => {
            let spec = input.get("sign").ok_or("input.sign missing")?;
            match sign(spec, input)? {
                Err(e) => Err(e),
                Ok(headers) => {
                    let mut verify_input = input.clone();
                    verify_input["headers"] = headers.clone();
                    verify(&verify_input)?.map(|event| json!({ "headers": headers, "event": event }))
                }
            }
        }
        other => return Err(format!("unknown op {other}")),
    };
    check_pure(case, outcome)
}

fn body(input: &Value) -> Result<Vec<u8>, String> {
    match (input.get("body"), input.get("body_b64")) {
        (Some(Value::String(s)), None) => Ok(s.as_bytes().to_vec()),
        (None, Some(Value::String(b))) => {
            base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| format!("body_b64: {e}"))
        }
        (None, None) => Ok(Vec::new()),
        _ => Err("give one of body (string) or body_b64 (string)".into()),
    }
}

fn headers(input: &Value) -> Result<Vec<(String, String)>, String> {
    let pair =
        |k: &str, v: &Value| v.as_str().map(|v| (k.to_string(), v.to_string())).ok_or("header values are strings");
    match input.get("headers") {
        None => Ok(Vec::new()),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| pair(k, v).map_err(String::from)).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([Value::String(k), v]) => pair(k, v).map_err(String::from),
                _ => Err(format!("header pair {p} is not [name, value]")),
            })
            .collect(),
        Some(other) => Err(format!("headers must be an object or a list of pairs, got {other}")),
    }
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => {
            a.iter().map(|s| s.as_str().map(str::to_string).ok_or("strings expected".into())).collect()
        }
        Some(other) => Err(format!("expected a string or a list of strings, got {other}")),
    }
}

/// `secret_arg` as the core's [`SecretInput`] (see the module documentation).
fn secret_input(v: &Value) -> Result<SecretInput, String> {
    let list = |a: &[Value]| a.iter().map(scalar).collect::<Result<Vec<_>, _>>().map(SecretInput::List);
    match v {
        Value::Array(a) => list(a),
        Value::Object(m) if m.contains_key("$tuple") => list(m["$tuple"].as_array().ok_or("$tuple is an array")?),
        other => scalar(other),
    }
}

fn scalar(v: &Value) -> Result<SecretInput, String> {
    Ok(match v {
        Value::String(s) => SecretInput::Text(s.clone()),
        Value::Object(m) if m.contains_key("$bytes_utf8") => {
            SecretInput::Bytes(m["$bytes_utf8"].as_str().ok_or("$bytes_utf8 is a string")?.as_bytes().to_vec())
        }
        Value::Object(m) if m.contains_key("$bytes_hex") => SecretInput::Bytes(
            hex::decode(m["$bytes_hex"].as_str().ok_or("$bytes_hex is a string")?).map_err(|e| e.to_string())?,
        ),
        Value::Object(m) if m.contains_key("$tuple") => SecretInput::Other("tuple".into()),
        Value::Array(_) => SecretInput::Other("list".into()),
        Value::Object(_) => SecretInput::Other("dict".into()),
        Value::Null => SecretInput::Other("NoneType".into()),
        Value::Bool(_) => SecretInput::Other("bool".into()),
        Value::Number(n) if n.is_f64() => SecretInput::Other("float".into()),
        Value::Number(_) => SecretInput::Other("int".into()),
    })
}

/// The secrets of `input`: `secret_arg` through the core's D25 rule when present, else `secrets` (+ `secret`).
fn secrets_of(input: &Value) -> Result<Result<Vec<WebhookSecret>, Error>, String> {
    if let Some(arg) = input.get("secret_arg") {
        return Ok(secret_input(arg)?.into_secrets("secret"));
    }
    let mut all = strings(input.get("secrets"))?;
    all.extend(strings(input.get("secret"))?);
    Ok(Ok(all.into_iter().map(WebhookSecret::Text).collect()))
}

fn scheme(v: Option<&Value>) -> Result<Option<Scheme>, String> {
    v.and_then(Value::as_str).map(|s| Scheme::parse(s).ok_or(format!("unknown scheme {s}"))).transpose()
}

/// Rust takes the body as `&[u8]` only: a text or parsed body cannot be written, so such cases are in the
/// runner's skip list (main.rs) and reaching one here is a runner bug.
fn bytes_only(input: &Value) -> Result<(), String> {
    match input.get("body_as").and_then(Value::as_str).unwrap_or("bytes") {
        "bytes" => Ok(()),
        other => Err(format!("body_as {other} cannot be expressed in Rust (add the case to SKIP)")),
    }
}

fn verify_signature(input: &Value) -> Result<Result<Value, Error>, String> {
    bytes_only(input)?;
    let opts = VerifyOptions {
        tolerance: Duration::from_secs_f64(input.get("tolerance_seconds").and_then(Value::as_f64).unwrap_or(300.0)),
        now_unix: input.get("now_unix").and_then(Value::as_i64),
        replay_cache: None,
        scheme: scheme(input.get("scheme"))?,
    };
    let secrets = match secrets_of(input)? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    Ok(webhook::verify_signature(&body(input)?, &headers(input)?, &secrets, &opts)
        .map(|m| json!({"scheme": m.scheme.as_str(), "msg_id": m.msg_id, "timestamp_unix": m.timestamp_unix})))
}

fn verify(input: &Value) -> Result<Result<Value, Error>, String> {
    bytes_only(input)?;
    let body = body(input)?;
    let headers = headers(input)?;
    let secrets = match secrets_of(input)? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let tolerance = input.get("tolerance_seconds").and_then(Value::as_f64).unwrap_or(300.0);
    let now = input.get("now_unix").and_then(Value::as_i64);
    let replay = strings(input.get("replay"))?;
    let deliveries = input.get("deliveries").and_then(Value::as_u64).unwrap_or(1).max(1);
    let cache = (!replay.is_empty() || deliveries > 1 || input.get("replay").is_some()).then(|| {
        let cache = Arc::new(ReplayCache::new(1000));
        let now = now.unwrap_or(0);
        for id in &replay {
            cache.check_and_insert(id, now, now + tolerance.ceil() as i64);
        }
        cache
    });
    let opts = VerifyOptions {
        tolerance: Duration::from_secs_f64(tolerance),
        now_unix: now,
        replay_cache: cache,
        scheme: scheme(input.get("scheme"))?,
    };
    let mut outcome = Err(Error::internal("not run"));
    for _ in 0..deliveries {
        outcome = webhook::verify(&body, &headers, &secrets, &opts).map(|e| e.to_json());
    }
    Ok(outcome)
}

fn sign(spec: &Value, input: &Value) -> Result<Result<Value, Error>, String> {
    let body = body(input)?;
    let secrets = match secrets_of(spec)? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let scheme = scheme(spec.get("scheme"))?.ok_or("sign needs a scheme")?;
    let msg_id = spec.get("msg_id").and_then(Value::as_str);
    let ts = spec.get("timestamp_unix").and_then(Value::as_i64);
    Ok(webhook::sign_rotated(&body, &secrets, scheme, msg_id, ts)
        .map(|headers| Value::Object(headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<Map<_, _>>())))
}
