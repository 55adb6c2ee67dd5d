//! Webhook verification and signing behind JSON arguments: the door a dynamically typed host takes, where a value
//! may arrive with any type. Typed APIs (Rust's `&[u8]`, Kotlin's `ByteArray` and `List<WebhookSecret>`) cannot
//! even express a text body or an `Int` secret; through this door every binding can hand such values to the core
//! and gets the core's refusal, so the rules stay in one place.
//!
//! Arguments are one JSON object. A byte string is written `{"$bytes": "<standard base64>"}` (padding optional):
//!
//! * `body`: the raw request body as bytes. Anything else is what a host would have been given instead (a JSON
//!   string is decoded text, an object or array parsed JSON, ...) and is refused with `WEBHOOK_BODY_NOT_BYTES`
//!   ([`refuse_non_bytes`]); a missing body is a `VALIDATION_ERROR` naming `body`.
//! * `secret`: the `secret` argument as the host gave it (DECISIONS D25): a string is text, a bytes value one key,
//!   an array a list of those (rotation); any other value (a number, a boolean, null, an object, an array inside the
//!   array) is the core's `VALIDATION_ERROR` naming `secret` ([`SecretInput::into_secrets`]).
//! * `headers` (verify): an object `{name: value}` or an array of `[name, value]` pairs (repeated names).
//! * `tolerance_seconds`, `now_unix`, `scheme` (verify): as [`VerifyOptions::from_args`] takes them.
//! * `scheme` (default `standard_webhooks`), `msg_id`, `timestamp_unix` (sign): as [`sign_rotated`] takes them.
//!
//! An unknown key is a `VALIDATION_ERROR` naming it. Checks run in the order body, secret, options, then the
//! verification itself.

use super::{refuse_non_bytes, secret::B64, sign_rotated, ReplayCache, Scheme, SecretInput, VerifyOptions};
use crate::api::args::{type_error, Args};
use crate::model::decision::json_kind;
use crate::{Error, Result};
use base64::Engine;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The key of a bytes value: `{"$bytes": "<base64>"}`.
pub const BYTES_KEY: &str = "$bytes";

const BYTES_FORM: &str = r#"{"$bytes": "<base64>"}"#;
const VERIFY_KEYS: &[&str] = &["body", "headers", "secret", "tolerance_seconds", "now_unix", "scheme"];
const SIGN_KEYS: &[&str] = &["body", "secret", "scheme", "msg_id", "timestamp_unix"];

/// Verifies a delivery given as JSON arguments (see the module documentation) and returns the event's JSON
/// projection ([`super::WebhookEvent::to_json`]). Ids of verified events are recorded in `replay_cache`.
pub fn verify(args_json: &str, replay_cache: Option<Arc<ReplayCache>>) -> Result<String> {
    let args = object(args_json, VERIFY_KEYS)?;
    let (body, headers, secrets, opts) = verify_args(&args, replay_cache)?;
    Ok(super::verify(&body, &headers, &secrets, &opts)?.to_json().to_string())
}

/// [`super::verify_signature`] with JSON arguments: `{"scheme", "msg_id", "timestamp_unix"}` as JSON.
pub fn verify_signature(args_json: &str) -> Result<String> {
    let args = object(args_json, VERIFY_KEYS)?;
    let (body, headers, secrets, opts) = verify_args(&args, None)?;
    Ok(super::verify_signature(&body, &headers, &secrets, &opts)?.to_json().to_string())
}

/// [`sign_rotated`] with JSON arguments: the headers to send as an array of `[name, value]` pairs.
pub fn sign(args_json: &str) -> Result<String> {
    let args = object(args_json, SIGN_KEYS)?;
    let body = body(&args)?;
    let secrets = secret(&args).into_secrets("secret")?;
    let a = Args::new(&args);
    let scheme = Scheme::from_arg(a.opt_string("scheme")?.as_deref().unwrap_or(Scheme::StandardWebhooks.as_str()))?;
    let msg_id = a.opt_string("msg_id")?;
    let headers = sign_rotated(&body, &secrets, scheme, msg_id.as_deref(), opt_i64(&a, "timestamp_unix")?)?;
    Ok(Value::Array(headers.into_iter().map(|(k, v)| Value::Array(vec![k.into(), v.into()])).collect()).to_string())
}

type VerifyArgs = (Vec<u8>, Vec<(String, String)>, Vec<super::WebhookSecret>, VerifyOptions);

fn verify_args(args: &Map<String, Value>, cache: Option<Arc<ReplayCache>>) -> Result<VerifyArgs> {
    let body = body(args)?;
    let secrets = secret(args).into_secrets("secret")?;
    let a = Args::new(args);
    let tolerance = a.f64_or("tolerance_seconds", super::DEFAULT_TOLERANCE.as_secs_f64())?;
    let scheme = a.opt_string("scheme")?;
    let opts = VerifyOptions::from_args(tolerance, opt_i64(&a, "now_unix")?, scheme.as_deref(), cache)?;
    Ok((body, headers(args)?, secrets, opts))
}

/// The argument object, refusing keys the function does not take.
fn object(args_json: &str, keys: &[&str]) -> Result<Map<String, Value>> {
    let value: Value = serde_json::from_str(args_json)
        .map_err(|e| Error::validation("args", "Invalid JSON", format!("args is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(type_error("args", "a JSON object"));
    };
    if let Some(unknown) = map.keys().find(|k| !keys.contains(&k.as_str())) {
        let shown: String = unknown.chars().filter(|c| !c.is_control()).take(40).collect();
        return Err(Error::validation(
            &shown,
            "Unexpected argument",
            format!("unexpected argument '{shown}' (expected one of: {})", keys.join(", ")),
        ));
    }
    Ok(map)
}

/// A bytes value's decoded bytes; `None` when `v` is not `{"$bytes": ...}`. Errors never echo the value.
fn bytes_value(field: &str, v: &Value) -> Result<Option<Vec<u8>>> {
    let tagged = match v {
        Value::Object(m) if m.len() == 1 => m.get(BYTES_KEY),
        _ => None,
    };
    match tagged {
        None => Ok(None),
        Some(Value::String(b64)) => {
            B64.decode(b64).map(Some).map_err(|_| type_error(field, &format!("{BYTES_FORM} with valid base64")))
        }
        Some(_) => Err(type_error(field, &format!("{BYTES_FORM} with base64 text"))),
    }
}

/// The body bytes, or the core's refusal of what was given instead.
fn body(args: &Map<String, Value>) -> Result<Vec<u8>> {
    let Some(v) = args.get("body") else {
        return Err(Error::validation(
            "body",
            "Required field is missing",
            format!("body is required: the raw request body as {BYTES_FORM}"),
        ));
    };
    if let Some(bytes) = bytes_value("body", v)? {
        return Ok(bytes);
    }
    Err(refuse_non_bytes(match v {
        Value::String(_) => "text (a JSON string)",
        Value::Object(_) => "parsed JSON (an object)",
        Value::Array(_) => "parsed JSON (an array)",
        other => json_kind(other),
    }))
}

/// The `secret` argument as the core's [`SecretInput`]: an array is a list of scalars, anything else one scalar.
/// A malformed bytes value is a scalar of its own kind, so it is refused by D25 like any other wrong type.
fn secret(args: &Map<String, Value>) -> SecretInput {
    match args.get("secret") {
        None => SecretInput::Other("nothing".into()),
        Some(Value::Array(items)) => SecretInput::List(items.iter().map(secret_scalar).collect()),
        Some(other) => secret_scalar(other),
    }
}

fn secret_scalar(v: &Value) -> SecretInput {
    match (v, bytes_value("secret", v)) {
        (Value::String(s), _) => SecretInput::Text(s.clone()),
        (_, Ok(Some(bytes))) => SecretInput::Bytes(bytes),
        (_, Err(_)) => SecretInput::Other(format!("{BYTES_FORM} with invalid base64")),
        (other, Ok(None)) => SecretInput::Other(json_kind(other).into()),
    }
}

fn headers(args: &Map<String, Value>) -> Result<Vec<(String, String)>> {
    let want = || type_error("headers", "an object of string values or a list of [name, value] string pairs");
    match args.get("headers") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => {
            m.iter().map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())).ok_or_else(want)).collect()
        }
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
                _ => Err(want()),
            })
            .collect(),
        Some(_) => Err(want()),
    }
}

fn opt_i64(a: &Args<'_>, name: &str) -> Result<Option<i64>> {
    match a.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(_) => Err(type_error(name, "an integer")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use serde_json::json;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &str = r#"{"type": "action.approved", "data": {"action_id": 42}}"#;

    fn signed() -> Value {
        let headers = sign(
            &json!({"body": {"$bytes": B64.encode(BODY)}, "secret": SECRET, "msg_id": "msg_1",
                                   "timestamp_unix": 1_700_000_000})
            .to_string(),
        )
        .unwrap();
        json!({"body": {"$bytes": B64.encode(BODY)}, "headers": serde_json::from_str::<Value>(&headers).unwrap(),
               "secret": SECRET, "now_unix": 1_700_000_010})
    }

    fn err(args: &Value) -> Error {
        verify(&args.to_string(), None).unwrap_err()
    }

    #[test]
    fn signs_and_verifies_through_the_door() {
        let event: Value = serde_json::from_str(&verify(&signed().to_string(), None).unwrap()).unwrap();
        assert_eq!(event["id"], "msg_1");
        assert_eq!(event["type"], "action.approved");
        let m: Value = serde_json::from_str(&verify_signature(&signed().to_string()).unwrap()).unwrap();
        assert_eq!(m, json!({"scheme": "standard_webhooks", "msg_id": "msg_1", "timestamp_unix": 1_700_000_000}));
        // A replay cache given alongside the arguments refuses the second delivery.
        let cache = Arc::new(ReplayCache::new(10));
        verify(&signed().to_string(), Some(cache.clone())).unwrap();
        assert_eq!(verify(&signed().to_string(), Some(cache)).unwrap_err().code, ErrorCode::WebhookReplayed);
    }

    #[test]
    fn a_body_that_is_not_bytes_is_refused() {
        for body in [json!(BODY), serde_json::from_str::<Value>(BODY).unwrap(), json!([1, 2]), json!(null), json!(7)] {
            let mut args = signed();
            args["body"] = body;
            assert_eq!(err(&args).code, ErrorCode::WebhookBodyNotBytes, "{args}");
        }
        let mut args = signed();
        args.as_object_mut().unwrap().remove("body");
        assert_eq!(err(&args).to_json()["field"], "body");
        args["body"] = json!({"$bytes": "not base64!"});
        assert_eq!(err(&args).to_json()["field"], "body");
    }

    #[test]
    fn secrets_of_the_wrong_type_are_refused_by_d25_without_echo() {
        for secret in [json!(5), json!(true), json!(null), json!({"k": "s3cret"}), json!([1]), json!([["s3cret"]])] {
            let mut args = signed();
            args["secret"] = secret;
            let e = err(&args);
            assert!(e.field_errors().unwrap().contains_key("secret"), "{e}");
            assert!(!e.to_string().contains("s3cret"));
        }
        let mut args = signed();
        args["secret"] = json!({"$bytes": "***s3cret"});
        let e = err(&args);
        assert!(e.field_errors().unwrap().contains_key("secret") && !e.to_string().contains("s3cret"), "{e}");
        // Bytes are one key (D25): the bytes of the whsec_ text are not the decoded key.
        args["secret"] = json!([{"$bytes": B64.encode(SECRET)}]);
        assert_eq!(err(&args).code, ErrorCode::WebhookNoMatchingSignature);
        args["secret"] = json!(["old", SECRET]);
        assert!(verify(&args.to_string(), None).is_ok());
    }

    #[test]
    fn arguments_are_checked_and_named() {
        let field = |args: Value| err(&args).to_json()["field"].clone();
        let mut args = signed();
        args["secrets"] = json!([SECRET]);
        assert_eq!(field(args), "secrets");
        for (key, value) in [
            ("tolerance_seconds", json!("300")),
            ("tolerance_seconds", json!(-1)),
            ("now_unix", json!(1.5)),
            ("scheme", json!("nope")),
            ("headers", json!([["webhook-id"]])),
            ("headers", json!({"webhook-id": 1})),
        ] {
            let mut args = signed();
            args[key] = value;
            assert_eq!(field(args), key);
        }
        assert_eq!(verify("[]", None).unwrap_err().to_json()["field"], "args");
        assert_eq!(sign("{").unwrap_err().to_json()["field"], "args");
        assert_eq!(
            sign(&json!({"body": {"$bytes": ""}, "secret": "s", "scheme": "x"}).to_string()).unwrap_err().to_json()
                ["field"],
            "scheme"
        );
    }

    #[test]
    fn a_bytes_value_is_an_object_with_the_one_key() {
        let mut args = signed();
        args["body"] = json!({"$bytes": B64.encode(BODY), "extra": 1});
        assert_eq!(err(&args).code, ErrorCode::WebhookBodyNotBytes);
        let mut args = signed();
        args["secret"] = json!({"$bytes": B64.encode(SECRET), "extra": 1});
        assert!(err(&args).field_errors().unwrap().contains_key("secret"));
    }
}
