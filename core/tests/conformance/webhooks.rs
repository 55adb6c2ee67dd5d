//! Runner for the `webhooks` suite (pure cases: `input` -> `expected` / `expected_error`).
//!
//! Every case runs through the core's JSON door (`webhook::json`, what a dynamically typed host calls), and every
//! case whose arguments Rust's typed API can express (`body_as` bytes) runs through that API too; both must pass.
//!
//! `input.op`:
//! * `verify`: `body` (UTF-8 text) or `body_b64`; `body_as` (`bytes` default, `text` or `parsed`: the binding
//!   must refuse those with `WEBHOOK_BODY_NOT_BYTES`; only the JSON door can be given them); `headers` (object, or
//!   array of `[name, value]` pairs for repeated names); `secrets`; `now_unix`; `tolerance_seconds` (default 300);
//!   `scheme` (pins the scheme); `replay` (ids already in the replay cache); `deliveries` (verify this many times
//!   through one replay cache, the last outcome is checked). Result: the event projection (`WebhookEvent::to_json`).
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
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// The API a case runs through.
#[derive(Clone, Copy, PartialEq)]
enum Api {
    /// Rust's typed functions (`webhook::verify(&[u8], ..)`, secrets as the core's `SecretInput`).
    Typed,
    /// The JSON door (`webhook::json`), with the arguments as a dynamically typed host gives them.
    Json,
}

/// Runs one case of the suite: through the JSON door, and through the typed API when it can express the case.
pub fn run(case: &Value) -> Result<(), String> {
    let input = case.get("input").ok_or("no input")?;
    if body_as(input) == "bytes" {
        check_pure(case, outcome(input, Api::Typed)?).map_err(|e| format!("typed API: {e}"))?;
    }
    check_pure(case, outcome(input, Api::Json)?).map_err(|e| format!("JSON door (webhook::json): {e}"))
}

fn outcome(input: &Value, api: Api) -> Result<Result<Value, Error>, String> {
    Ok(match input["op"].as_str().ok_or("input.op missing")? {
        "verify" => verify(input, api)?,
        "verify_signature" => verify_signature(input, api)?,
        "sign" => sign(input, input, api)?.map(|h| json!({ "headers": h })),
        "sign_verify" => {
            let spec = input.get("sign").ok_or("input.sign missing")?;
            match sign(spec, input, api)? {
                Err(e) => Err(e),
                Ok(headers) => {
                    let mut verify_input = input.clone();
                    verify_input["headers"] = headers.clone();
                    verify(&verify_input, api)?.map(|event| json!({ "headers": headers, "event": event }))
                }
            }
        }
        other => return Err(format!("unknown op {other}")),
    })
}

fn body_as(input: &Value) -> &str {
    input.get("body_as").and_then(Value::as_str).unwrap_or("bytes")
}

fn body(input: &Value) -> Result<Vec<u8>, String> {
    match (input.get("body"), input.get("body_b64")) {
        (Some(Value::String(s)), None) => Ok(s.as_bytes().to_vec()),
        (None, Some(Value::String(b))) => B64.decode(b).map_err(|e| format!("body_b64: {e}")),
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

/// The JSON door's arguments (see `webhook::json`): `body` of `input` as the host value `body_as` describes, and
/// from `secret_from` the `secret` in the door's notation and the listed keys as they are.
fn door_args(input: &Value, secret_from: &Value, keys: &[&str]) -> Result<String, String> {
    let mut args = Map::new();
    args.insert("body".into(), door_body(input)?);
    args.insert("secret".into(), door_secret(secret_from)?);
    for key in keys {
        if let Some(v) = secret_from.get(*key) {
            args.insert((*key).into(), v.clone());
        }
    }
    Ok(Value::Object(args).to_string())
}

/// The body as the host value the case describes: bytes (`{"$bytes": base64}`), decoded text, or parsed JSON.
fn door_body(input: &Value) -> Result<Value, String> {
    let bytes = body(input)?;
    match body_as(input) {
        "bytes" => Ok(json!({ "$bytes": B64.encode(&bytes) })),
        "text" => String::from_utf8(bytes).map(Value::String).map_err(|e| format!("body_as text: {e}")),
        "parsed" => serde_json::from_slice(&bytes).map_err(|e| format!("body_as parsed: {e}")),
        other => Err(format!("unknown body_as {other}")),
    }
}

/// `secret_arg` in the door's notation (bytes as `{"$bytes"}`, a tuple as an array, any other value as it is), else
/// `secrets` (+ `secret`) as a list of text secrets.
fn door_secret(input: &Value) -> Result<Value, String> {
    if let Some(arg) = input.get("secret_arg") {
        return host_value(arg);
    }
    let mut all = strings(input.get("secrets"))?;
    all.extend(strings(input.get("secret"))?);
    Ok(json!(all))
}

fn host_value(v: &Value) -> Result<Value, String> {
    let items = |a: &[Value]| a.iter().map(host_value).collect::<Result<Vec<_>, _>>().map(Value::Array);
    Ok(match v {
        Value::Object(m) if m.contains_key("$bytes_utf8") => {
            json!({ "$bytes": B64.encode(m["$bytes_utf8"].as_str().ok_or("$bytes_utf8 is a string")?) })
        }
        Value::Object(m) if m.contains_key("$bytes_hex") => json!({ "$bytes": B64.encode(
            hex::decode(m["$bytes_hex"].as_str().ok_or("$bytes_hex is a string")?).map_err(|e| e.to_string())?
        ) }),
        Value::Object(m) if m.contains_key("$tuple") => items(m["$tuple"].as_array().ok_or("$tuple is an array")?)?,
        Value::Array(a) => items(a)?,
        other => other.clone(),
    })
}

fn parse_door(out: ascend_core::Result<String>) -> Result<Value, Error> {
    out.map(|text| serde_json::from_str(&text).expect("the JSON door returns JSON"))
}

/// Rust's typed API takes the body as `&[u8]`: a text or parsed body runs through the JSON door only.
fn typed_bytes_only(input: &Value) -> Result<(), String> {
    match body_as(input) {
        "bytes" => Ok(()),
        other => Err(format!("runner bug: body_as {other} reached the typed API")),
    }
}

const VERIFY_KEYS: &[&str] = &["headers", "tolerance_seconds", "now_unix", "scheme"];

fn verify_signature(input: &Value, api: Api) -> Result<Result<Value, Error>, String> {
    if api == Api::Json {
        return Ok(parse_door(webhook::json::verify_signature(&door_args(input, input, VERIFY_KEYS)?)));
    }
    typed_bytes_only(input)?;
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
    Ok(webhook::verify_signature(&body(input)?, &headers(input)?, &secrets, &opts).map(|m| m.to_json()))
}

/// The replay cache of a `verify` case: `replay` ids already in it, or an empty one for `deliveries` > 1.
fn replay_cache(input: &Value) -> Result<Option<Arc<ReplayCache>>, String> {
    let replay = strings(input.get("replay"))?;
    let tolerance = input.get("tolerance_seconds").and_then(Value::as_f64).unwrap_or(300.0);
    let now = input.get("now_unix").and_then(Value::as_i64).unwrap_or(0);
    Ok((input.get("replay").is_some() || deliveries(input) > 1).then(|| {
        let cache = Arc::new(ReplayCache::new(1000));
        for id in &replay {
            cache.check_and_insert(id, now, now + tolerance.ceil() as i64);
        }
        cache
    }))
}

fn deliveries(input: &Value) -> u64 {
    input.get("deliveries").and_then(Value::as_u64).unwrap_or(1).max(1)
}

fn verify(input: &Value, api: Api) -> Result<Result<Value, Error>, String> {
    let cache = replay_cache(input)?;
    let mut outcome = Err(Error::internal("not run"));
    if api == Api::Json {
        let args = door_args(input, input, VERIFY_KEYS)?;
        for _ in 0..deliveries(input) {
            outcome = parse_door(webhook::json::verify(&args, cache.clone()));
        }
        return Ok(outcome);
    }
    typed_bytes_only(input)?;
    let body = body(input)?;
    let headers = headers(input)?;
    let secrets = match secrets_of(input)? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let opts = VerifyOptions {
        tolerance: Duration::from_secs_f64(input.get("tolerance_seconds").and_then(Value::as_f64).unwrap_or(300.0)),
        now_unix: input.get("now_unix").and_then(Value::as_i64),
        replay_cache: cache,
        scheme: scheme(input.get("scheme"))?,
    };
    for _ in 0..deliveries(input) {
        outcome = webhook::verify(&body, &headers, &secrets, &opts).map(|e| e.to_json());
    }
    Ok(outcome)
}

fn sign(spec: &Value, input: &Value, api: Api) -> Result<Result<Value, Error>, String> {
    if api == Api::Json {
        // The body comes from `input`, the secret and the signing options from `spec`.
        let args = door_args(input, spec, &["scheme", "msg_id", "timestamp_unix"])?;
        return Ok(parse_door(webhook::json::sign(&args)).map(|pairs| {
            let pairs = pairs.as_array().cloned().unwrap_or_default();
            Value::Object(pairs.into_iter().filter_map(|p| Some((p[0].as_str()?.to_string(), p[1].clone()))).collect())
        }));
    }
    typed_bytes_only(input)?;
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
