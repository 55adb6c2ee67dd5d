//! Pure functions: decision normalisation, canonical JSON, pre-scoring, CVSS, webhook verify/sign, the replay
//! cache and the host-governance functions. No network and no waiting, so they run synchronously on the calling thread (microseconds each; a
//! pre-score with a rules file also reads and validates that file).

use crate::errors::{guard, parse_json, validation};
use ascend_core::model::AuthorizationDecision;
use ascend_core::prescore;
use ascend_core::webhook::{self, Scheme, VerifyOptions};
use ascend_core::Error;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::{json, Value};
use std::sync::Arc;

/// Raw server payload (JSON text) -> the `AuthorizationDecision` projection (D5/D6/D8/D12) as JSON text: the
/// core's snake_case projection, or with `camel` the facade's object as client calls return it
/// ([`crate::projection::decision_json`]; a test checks the two agree).
#[napi]
pub fn normalise_decision(json: String, camel: Option<bool>) -> napi::Result<String> {
    guard(|| {
        let d = AuthorizationDecision::from_json(&parse_json("json", &json)?);
        Ok(if camel == Some(true) { crate::projection::decision_json(&d) } else { d.to_json().to_string() })
    })
}

/// Python-compatible canonical JSON of PROTOCOL §2.5.
#[napi]
pub fn canonical_json(json_text: String) -> napi::Result<String> {
    guard(|| ascend_core::canonical::canonicalize_text(&json_text))
}

/// Request signature of a body (PROTOCOL §2.5) as the transport computes it; `null` when the body is not signed.
#[napi]
pub fn sign_request(secret: String, timestamp: String, json_text: String) -> napi::Result<Option<String>> {
    guard(|| {
        let canon = ascend_core::canonical::canonicalize_text(&json_text)?;
        let parsed: Value = serde_json::from_str(&json_text).unwrap_or(Value::Null);
        Ok(ascend_core::canonical::is_signable(Some(&parsed))
            .then(|| ascend_core::canonical::sign(&secret, &timestamp, &canon)))
    })
}

/// Optional JSON text (from the facade) as a value; `field` names it if it is not JSON.
fn opt_json(field: &str, text: Option<&str>) -> Result<Option<Value>, Error> {
    text.map(|t| parse_json(field, t)).transpose()
}

/// One action (snake_case JSON) -> the core's pre-score projection; optional thresholds JSON and rules file
/// (`ascend_core::prescore::json`: rules file, thresholds, then the action).
#[napi]
pub fn prescore(json: String, thresholds_json: Option<String>, rules_path: Option<String>) -> napi::Result<String> {
    guard(|| {
        let thresholds = opt_json("thresholds", thresholds_json.as_deref())?;
        let action = parse_json("action", &json)?;
        Ok(prescore::json::prescore(&action, thresholds.as_ref(), rules_path.as_deref())?.to_string())
    })
}

/// A JSON list of actions -> a JSON list of pre-score projections (input order), one scorer for all.
#[napi]
pub fn prescore_batch(
    json: String,
    thresholds_json: Option<String>,
    rules_path: Option<String>,
) -> napi::Result<String> {
    guard(|| {
        let thresholds = opt_json("thresholds", thresholds_json.as_deref())?;
        let actions = parse_json("actions", &json)?;
        Ok(prescore::json::prescore_batch(&actions, thresholds.as_ref(), rules_path.as_deref())?.to_string())
    })
}

/// CVSS v3.1 vector -> `{base_score, temporal_score, environmental_score, severity, vector, ...}` as JSON text.
#[napi]
pub fn cvss_score(vector: String) -> napi::Result<String> {
    guard(|| Ok(prescore::cvss::score(&vector)?.to_json().to_string()))
}

/// The core's thread-safe webhook replay cache.
#[napi]
pub struct ReplayCache {
    inner: Arc<webhook::ReplayCache>,
}

#[napi]
impl ReplayCache {
    #[napi(constructor)]
    pub fn new(capacity: Option<i64>) -> napi::Result<Self> {
        guard(|| {
            let capacity = usize::try_from(capacity.unwrap_or(10_000))
                .ok()
                .filter(|c| *c >= 1)
                .ok_or_else(|| validation("capacity", "Must be >= 1", "replay cache capacity must be at least 1"))?;
            Ok(ReplayCache { inner: Arc::new(webhook::ReplayCache::new(capacity)) })
        })
    }

    /// Number of ids held (including expired ones not yet purged).
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Records `msg_id` until `expires_at_unix` unless it is live; `true` when it was new, `false` for a replay.
    #[napi]
    pub fn check_and_insert(&self, msg_id: String, now_unix: i64, expires_at_unix: i64) -> bool {
        self.inner.check_and_insert(&msg_id, now_unix, expires_at_unix)
    }

    /// Whether `msg_id` is recorded and not expired at `now_unix`.
    #[napi]
    pub fn has(&self, msg_id: String, now_unix: i64) -> bool {
        self.inner.contains(&msg_id, now_unix)
    }

    /// Removes `msg_id`; returns whether it was recorded.
    #[napi]
    pub fn forget(&self, msg_id: String) -> bool {
        self.inner.forget(&msg_id)
    }

    /// Forgets every id.
    #[napi]
    pub fn clear(&self) {
        self.inner.clear()
    }
}

/// Verifies a webhook delivery (raw body bytes, header pairs, the `secret` argument as the user gave it, D25); returns the event as JSON
/// text. `verify_only`: the signature and time window only (`{scheme, msg_id, timestamp_unix}`).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn webhook_verify(
    body: &[u8],
    headers: Vec<Vec<String>>,
    #[napi(ts_arg_type = "unknown")] secret: Unknown<'_>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
    scheme_name: Option<String>,
    replay_cache: Option<&ReplayCache>,
    signature_only: Option<bool>,
) -> napi::Result<String> {
    // D25 first: a secret of the wrong type is refused before any work.
    let secrets = crate::secret::webhook_secrets(secret, "secret")?;
    guard(|| {
        let headers: Vec<(String, String)> = headers
            .into_iter()
            .map(|mut pair| {
                if pair.len() != 2 {
                    return Err(validation("headers", "Must be name/value pairs", "headers must be name/value pairs"));
                }
                let value = pair.pop().unwrap_or_default();
                Ok((pair.pop().unwrap_or_default(), value))
            })
            .collect::<Result<_, _>>()?;
        let opts = VerifyOptions::from_args(
            tolerance_seconds,
            now_unix,
            scheme_name.as_deref(),
            replay_cache.map(|c| c.inner.clone()),
        )?;
        if signature_only.unwrap_or(false) {
            let m = webhook::verify_signature(body, &headers, &secrets, &opts)?;
            return Ok(json!({"scheme": m.scheme.as_str(), "msg_id": m.msg_id, "timestamp_unix": m.timestamp_unix})
                .to_string());
        }
        Ok(webhook::verify(body, &headers, &secrets, &opts)?.to_json().to_string())
    })
}

/// The refusal for a body that is not raw bytes (`kind` names what was passed), as a thrown projection.
#[napi]
pub fn webhook_refuse_body(kind: String) -> napi::Result<()> {
    guard(|| Err(webhook::refuse_non_bytes(&kind)))
}

/// Signature headers for a payload (name/value pairs), for `scheme` (default Standard Webhooks); `secret` as the
/// user gave it (D25).
#[napi]
pub fn webhook_sign(
    body: &[u8],
    #[napi(ts_arg_type = "unknown")] secret: Unknown<'_>,
    msg_id: Option<String>,
    timestamp: Option<i64>,
    scheme_name: Option<String>,
) -> napi::Result<Vec<Vec<String>>> {
    let secrets = crate::secret::webhook_secrets(secret, "secret")?;
    guard(|| {
        let scheme = Scheme::from_arg(scheme_name.as_deref().unwrap_or("standard_webhooks"))?;
        let pairs = webhook::sign_rotated(body, &secrets, scheme, msg_id.as_deref(), timestamp)?;
        Ok(pairs.into_iter().map(|(k, v)| vec![k, v]).collect())
    })
}

/// One pure host-governance function of the core (`ascend_core::govern::pure::FUNCTIONS`: the command classifier,
/// the verdict rule, the command plan, the MCP kill-switch consumer, redaction, the tool / code request shapes) on
/// a snake_case JSON object; the result as JSON text.
#[napi]
pub fn govern_call(name: String, input_json: String) -> napi::Result<String> {
    guard(|| ascend_core::govern::pure::call_json(&name, &input_json))
}
