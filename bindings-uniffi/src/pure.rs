//! Pure functions (no network): webhook verification and signing, pre-scoring, CVSS, canonical JSON and
//! decision normalisation. Each crossing is one coarse call; batches have their own entry point.

use crate::spawn::guard;
use ascend_core::api::records::AscendError;
use ascend_core::model::AuthorizationDecision;
use ascend_core::prescore;
use ascend_core::webhook::{self, ReplayCache, Scheme, VerifyOptions, WebhookSecret};
use ascend_core::Error;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

fn parse_json(field: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::validation(field, "Must be JSON text", format!("{field}: {e}")))
}

fn optional_json(field: &str, text: Option<&str>) -> Result<Option<Value>, Error> {
    text.map(|t| parse_json(field, t)).transpose()
}

/// A verified webhook event.
#[derive(uniffi::Record)]
pub struct WebhookEvent {
    /// Event id (stable across retries).
    pub id: String,
    /// The event type as sent (`action.denied`, ...).
    pub event_type: String,
    /// When the event happened, as sent.
    pub timestamp: Option<String>,
    /// The event data, JSON.
    pub data: String,
    /// The scheme that verified it (`standard_webhooks`, `ascend_v1`, ...).
    pub scheme: String,
    /// The signed delivery time (unix seconds).
    pub signed_at_unix: i64,
    /// The whole event projection, JSON (what `deliver_webhook_event` takes as `{"event": ...}`).
    pub json: String,
}

impl From<&webhook::WebhookEvent> for WebhookEvent {
    fn from(e: &webhook::WebhookEvent) -> Self {
        WebhookEvent {
            id: e.id.clone(),
            event_type: e.event_type.clone(),
            timestamp: e.timestamp.clone(),
            data: e.data.to_string(),
            scheme: e.scheme.as_str().to_string(),
            signed_at_unix: e.signed_at_unix,
            json: e.to_json().to_string(),
        }
    }
}

/// Replay protection shared between verifications: a second delivery of one event id is refused.
#[derive(uniffi::Object)]
pub struct WebhookReplayCache {
    inner: Arc<ReplayCache>,
}

#[uniffi::export]
impl WebhookReplayCache {
    /// A cache holding at most `capacity` ids.
    #[uniffi::constructor]
    pub fn new(capacity: u32) -> Arc<Self> {
        Arc::new(WebhookReplayCache { inner: Arc::new(ReplayCache::new(capacity as usize)) })
    }

    /// Records `msg_id` as seen until `expires_at_unix`; false if it was already there.
    pub fn check_and_insert(&self, msg_id: String, now_unix: i64, expires_at_unix: i64) -> bool {
        self.inner.check_and_insert(&msg_id, now_unix, expires_at_unix)
    }
}

/// One HTTP header (a delivery may repeat a name, so headers are a list of these where order matters).
#[derive(uniffi::Record, Clone)]
pub struct HeaderPair {
    /// Header name (any case).
    pub name: String,
    /// Header value.
    pub value: String,
}

fn pairs(headers: Vec<HeaderPair>) -> Vec<(String, String)> {
    headers.into_iter().map(|h| (h.name, h.value)).collect()
}

/// Verifies a webhook delivery (the raw body bytes, its headers, the accepted secrets) and returns the event.
/// A secret is text or bytes; bytes are one key, never a sequence of keys (D25).
#[uniffi::export(default(tolerance_seconds = 300))]
pub fn verify_webhook(
    body: Vec<u8>,
    headers: HashMap<String, String>,
    secrets: Vec<WebhookSecret>,
    tolerance_seconds: i64,
) -> Result<WebhookEvent, AscendError> {
    verify_webhook_with(
        body,
        headers.into_iter().map(|(name, value)| HeaderPair { name, value }).collect(),
        secrets,
        tolerance_seconds as f64,
        None,
        None,
        None,
    )
}

/// [`verify_webhook`] with every option: headers as pairs (repeated names allowed), a pinned `scheme`, an
/// injected `now_unix` and a replay cache.
#[uniffi::export(default(tolerance_seconds = 300.0, now_unix = None, scheme = None, replay_cache = None))]
pub fn verify_webhook_with(
    body: Vec<u8>,
    headers: Vec<HeaderPair>,
    secrets: Vec<WebhookSecret>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
    scheme: Option<String>,
    replay_cache: Option<Arc<WebhookReplayCache>>,
) -> Result<WebhookEvent, AscendError> {
    guard(|| {
        let cache = replay_cache.map(|c| c.inner.clone());
        let opts = VerifyOptions::from_args(tolerance_seconds, now_unix, scheme.as_deref(), cache)?;
        webhook::verify(&body, &pairs(headers), &secrets, &opts).map(|e| WebhookEvent::from(&e))
    })
}

/// Checks only the signature and timestamp; returns `{"scheme", "msg_id", "timestamp_unix"}` as JSON.
#[uniffi::export(default(tolerance_seconds = 300.0, now_unix = None, scheme = None))]
pub fn verify_webhook_signature(
    body: Vec<u8>,
    headers: Vec<HeaderPair>,
    secrets: Vec<WebhookSecret>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
    scheme: Option<String>,
) -> Result<String, AscendError> {
    guard(|| {
        let opts = VerifyOptions::from_args(tolerance_seconds, now_unix, scheme.as_deref(), None)?;
        Ok(webhook::verify_signature(&body, &pairs(headers), &secrets, &opts)?.to_json().to_string())
    })
}

/// Signs a webhook body (for senders and tests): the headers to send, one signature per secret (text or bytes;
/// bytes are one key, D25).
#[uniffi::export(default(scheme = "standard_webhooks", msg_id = None, timestamp_unix = None))]
pub fn sign_webhook(
    body: Vec<u8>,
    secrets: Vec<WebhookSecret>,
    scheme: String,
    msg_id: Option<String>,
    timestamp_unix: Option<i64>,
) -> Result<Vec<HeaderPair>, AscendError> {
    guard(|| {
        let scheme = Scheme::from_arg(&scheme)?;
        Ok(webhook::sign_rotated(&body, &secrets, scheme, msg_id.as_deref(), timestamp_unix)?
            .into_iter()
            .map(|(name, value)| HeaderPair { name, value })
            .collect())
    })
}

/// [`verify_webhook_with`] with JSON arguments, for values whose type is only known at run time (the core's
/// `webhook::json`): `{"body": {"$bytes": "<base64>"}, "headers", "secret", "tolerance_seconds", "now_unix",
/// "scheme"}`. A body that is not bytes (text, parsed JSON) is refused with `WEBHOOK_BODY_NOT_BYTES`; a secret of
/// any other type than text, bytes or a list of them with a `Validation` error naming `secret` (D25). Returns the
/// event's JSON projection.
#[uniffi::export(default(replay_cache = None))]
pub fn verify_webhook_json(
    args_json: String,
    replay_cache: Option<Arc<WebhookReplayCache>>,
) -> Result<String, AscendError> {
    guard(|| webhook::json::verify(&args_json, replay_cache.map(|c| c.inner.clone())))
}

/// [`verify_webhook_signature`] with JSON arguments (as [`verify_webhook_json`] takes them).
#[uniffi::export]
pub fn verify_webhook_signature_json(args_json: String) -> Result<String, AscendError> {
    guard(|| webhook::json::verify_signature(&args_json))
}

/// [`sign_webhook`] with JSON arguments (`{"body", "secret", "scheme", "msg_id", "timestamp_unix"}`, the core's
/// `webhook::json`); the headers as a JSON array of `[name, value]` pairs.
#[uniffi::export]
pub fn sign_webhook_json(args_json: String) -> Result<String, AscendError> {
    guard(|| webhook::json::sign(&args_json))
}

/// Local pre-score of one action (`{"action_type", "resource", ...}` JSON) -> the score projection (JSON).
#[uniffi::export(default(thresholds_json = None, rules_path = None))]
pub fn prescore(
    action_json: String,
    thresholds_json: Option<String>,
    rules_path: Option<String>,
) -> Result<String, AscendError> {
    guard(|| {
        let input = parse_json("action_json", &action_json)?;
        let t = optional_json("thresholds", thresholds_json.as_deref())?;
        Ok(prescore::json::prescore(&input, t.as_ref(), rules_path.as_deref())?.to_string())
    })
}

/// Pre-scores a JSON list of actions in one crossing; a JSON list of projections in input order.
#[uniffi::export(default(thresholds_json = None, rules_path = None))]
pub fn prescore_batch(
    actions_json: String,
    thresholds_json: Option<String>,
    rules_path: Option<String>,
) -> Result<String, AscendError> {
    guard(|| {
        let inputs = parse_json("actions", &actions_json)?;
        let t = optional_json("thresholds", thresholds_json.as_deref())?;
        Ok(prescore::json::prescore_batch(&inputs, t.as_ref(), rules_path.as_deref())?.to_string())
    })
}

/// CVSS v3.1 vector -> `{base_score, temporal_score, environmental_score, severity, vector}` (JSON).
#[uniffi::export]
pub fn cvss_score(vector: String) -> Result<String, AscendError> {
    guard(|| Ok(prescore::cvss::score(&vector)?.to_json().to_string()))
}

/// Python-compatible canonical JSON (PROTOCOL §2.5), the bytes a signed request sends.
#[uniffi::export]
pub fn canonical_json(json_text: String) -> Result<String, AscendError> {
    guard(|| ascend_core::canonical::canonicalize_text(&json_text))
}

/// The request signature of a body as the transport computes it; `None` when such a body is not signed.
#[uniffi::export]
pub fn sign_request(secret: String, timestamp: String, json_text: String) -> Result<Option<String>, AscendError> {
    guard(|| {
        let canon = ascend_core::canonical::canonicalize_text(&json_text)?;
        let parsed: Value = serde_json::from_str(&json_text).unwrap_or(Value::Null);
        Ok(ascend_core::canonical::is_signable(Some(&parsed))
            .then(|| ascend_core::canonical::sign(&secret, &timestamp, &canon)))
    })
}

/// A raw server payload (JSON) as the typed decision (D5/D6/D12 normalisation).
#[uniffi::export]
pub fn normalise_decision(payload_json: String) -> Result<AuthorizationDecision, AscendError> {
    guard(|| Ok(AuthorizationDecision::from_json(&parse_json("payload_json", &payload_json)?)))
}

/// A raw server payload (JSON) -> the core's JSON projection of the decision (what conformance cases match).
#[uniffi::export]
pub fn decision_projection(payload_json: String) -> Result<String, AscendError> {
    guard(|| Ok(AuthorizationDecision::from_json(&parse_json("payload_json", &payload_json)?).to_json().to_string()))
}

/// The core's JSON projection of a typed decision (the keys every binding and conformance case share).
#[uniffi::export]
pub fn decision_to_json(decision: &AuthorizationDecision) -> String {
    decision.to_json().to_string()
}
