//! Webhook verification and signing: Standard Webhooks v1 and the two ASCEND v1 forms, typed events,
//! replay protection.
//!
//! ```
//! use ascend_core::webhook::{sign, verify, Scheme, VerifyOptions};
//!
//! let body = br#"{"type": "action.approved", "data": {"action_id": 42}}"#;
//! let secrets = vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string()];
//! let headers = sign(body, &secrets[0], Scheme::StandardWebhooks, Some("msg_1"), Some(1_700_000_000)).unwrap();
//! let opts = VerifyOptions { now_unix: Some(1_700_000_010), ..VerifyOptions::default() };
//! let event = verify(body, &headers, &secrets, &opts).unwrap();
//! assert_eq!(event.action_id().as_deref(), Some("42"));
//! assert_eq!(event.decision_status().as_deref(), Some("approved"));
//! ```
//!
//! Verification order: the scheme is detected from the headers (or pinned by [`VerifyOptions::scheme`]),
//! the headers are parsed (`WEBHOOK_MISSING_HEADER`, `WEBHOOK_MALFORMED_HEADER`), the signature is checked
//! against every secret in constant time (`WEBHOOK_NO_MATCHING_SIGNATURE`), then the timestamp window
//! (`WEBHOOK_TIMESTAMP_TOO_OLD`, `WEBHOOK_TIMESTAMP_IN_FUTURE`), then the body is parsed into an event
//! (`WEBHOOK_MALFORMED_PAYLOAD`) and finally its id is checked against the replay cache (`WEBHOOK_REPLAYED`).
//! So only authentic messages ever reach the time, payload and replay checks, and only fully verified
//! events are recorded as seen. Secrets and expected signatures never appear in errors (DECISIONS D19).

mod ascend;
mod crypto;
mod event;
mod headers;
pub mod json;
mod replay;
mod secret;
mod standard;

pub use event::{EventKind, WebhookEvent};
pub use headers::{
    WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP, X_ASCEND_SIGNATURE, X_REQUEST_TIMESTAMP, X_SIGNATURE,
};
pub use replay::{ReplayCache, DEFAULT_REPLAY_CAPACITY};
pub use secret::{AsWebhookSecret, SecretInput, SecretRef, WebhookSecret, WHSEC_PREFIX};

use crate::clock::{iso_timestamp, Clock, SystemClock};
use crate::{Error, ErrorCode, Result};
use std::sync::Arc;
use std::time::Duration;

/// Default tolerance between the signed timestamp and now, in both directions: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Latest timestamp `sign` accepts (9999-12-31T23:59:59Z).
const MAX_SIGN_TIMESTAMP: i64 = 253_402_300_799;

/// A webhook signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Standard Webhooks v1: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`.
    StandardWebhooks,
    /// ASCEND v1: `X-Signature: v1=<hex>` over `{X-Request-Timestamp}.{body}` (PROTOCOL §2.5, D9).
    AscendV1,
    /// ASCEND Stripe-style: `X-Ascend-Signature: t=<unix>,v1=<hex>` over `{t}.{body}`.
    AscendStripeStyle,
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 3] = [Scheme::StandardWebhooks, Scheme::AscendV1, Scheme::AscendStripeStyle];

    /// Stable name: `standard_webhooks`, `ascend_v1`, `ascend_stripe_style`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard_webhooks",
            Scheme::AscendV1 => "ascend_v1",
            Scheme::AscendStripeStyle => "ascend_stripe_style",
        }
    }

    /// Parses a stable name (case-insensitive; `-` and `_` are interchangeable; `standard` and `stripe`
    /// are accepted as short forms).
    pub fn parse(s: &str) -> Option<Scheme> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "standard_webhooks" | "standard" => Some(Scheme::StandardWebhooks),
            "ascend_v1" => Some(Scheme::AscendV1),
            "ascend_stripe_style" | "stripe" | "stripe_style" => Some(Scheme::AscendStripeStyle),
            _ => None,
        }
    }

    /// A binding's `scheme` argument: [`Scheme::parse`], or a `VALIDATION_ERROR` naming `scheme`.
    pub fn from_arg(name: &str) -> Result<Scheme> {
        Scheme::parse(name).ok_or_else(|| {
            let shown: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
            Error::validation(
                "scheme",
                "Must be standard_webhooks, ascend_v1 or ascend_stripe_style",
                format!("unknown webhook scheme {shown:?}"),
            )
        })
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of [`verify`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Largest accepted difference between the signed timestamp and now, in both directions (default 300 s).
    /// A timestamp exactly `tolerance` old or ahead is accepted.
    pub tolerance: Duration,
    /// "Now" as unix seconds; `None` reads the system clock. Tests and conformance cases inject it.
    pub now_unix: Option<i64>,
    /// Replay protection: ids of verified events are recorded here and a second delivery is refused.
    pub replay_cache: Option<Arc<ReplayCache>>,
    /// Accept only this scheme (`None`: detect it from the headers). Pinning is recommended when you know
    /// what your sender uses.
    pub scheme: Option<Scheme>,
}

impl VerifyOptions {
    /// The options from a binding's arguments: `tolerance_seconds` (finite, `0..=1e12`, else a
    /// `VALIDATION_ERROR` naming `tolerance_seconds`), an injected `now_unix`, a pinned `scheme` name
    /// ([`Scheme::from_arg`]; `None` detects it from the headers) and a replay cache. Every binding builds its
    /// options here, so the argument rules are one.
    pub fn from_args(
        tolerance_seconds: f64,
        now_unix: Option<i64>,
        scheme: Option<&str>,
        replay_cache: Option<Arc<ReplayCache>>,
    ) -> Result<VerifyOptions> {
        if !tolerance_seconds.is_finite() || !(0.0..=1e12).contains(&tolerance_seconds) {
            return Err(Error::validation(
                "tolerance_seconds",
                "Must be a finite number of seconds >= 0",
                "tolerance_seconds must be a non-negative number",
            ));
        }
        Ok(VerifyOptions {
            tolerance: Duration::from_secs_f64(tolerance_seconds),
            now_unix,
            replay_cache,
            scheme: scheme.map(Scheme::from_arg).transpose()?,
        })
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions { tolerance: DEFAULT_TOLERANCE, now_unix: None, replay_cache: None, scheme: None }
    }
}

/// The outcome of [`verify_signature`]: an authentic message within the tolerance window.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedMessage {
    /// The scheme that verified it.
    pub scheme: Scheme,
    /// The `webhook-id` (Standard Webhooks only).
    pub msg_id: Option<String>,
    /// The signed timestamp, unix seconds (rounded down).
    pub timestamp_unix: i64,
    pub(crate) timestamp_micros: i64,
    pub(crate) tag: crypto::Tag,
}

impl VerifiedMessage {
    /// The projection every binding returns: `{"scheme", "msg_id", "timestamp_unix"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"scheme": self.scheme.as_str(), "msg_id": self.msg_id, "timestamp_unix": self.timestamp_unix})
    }
}

pub(crate) fn no_match(scheme: Scheme, signatures: usize, secrets: usize) -> Error {
    Error::new(
        ErrorCode::WebhookNoMatchingSignature,
        format!(
            "no {} signature matched: {signatures} v1 signature(s) checked against {secrets} secret(s)",
            scheme.as_str()
        ),
    )
    .with_detail("scheme", scheme.as_str().into())
    .with_detail("signatures", signatures.into())
    .with_detail("secrets", secrets.into())
}

fn now_micros(opts: &VerifyOptions) -> i64 {
    match opts.now_unix {
        Some(s) => s.saturating_mul(1_000_000),
        None => SystemClock.now_unix_micros(),
    }
}

fn tolerance_micros(opts: &VerifyOptions) -> i64 {
    i64::try_from(opts.tolerance.as_micros()).unwrap_or(i64::MAX)
}

/// The tolerance window, in both directions, inclusive.
fn check_window(msg: &VerifiedMessage, now: i64, tolerance: i64, tolerance_secs: f64) -> Result<()> {
    let ts = msg.timestamp_micros;
    let details = |e: Error| {
        e.with_detail("timestamp_unix", msg.timestamp_unix.into())
            .with_detail("now_unix", now.div_euclid(1_000_000).into())
            .with_detail("tolerance_seconds", tolerance_secs.into())
    };
    if i128::from(ts) < i128::from(now) - i128::from(tolerance) {
        let age = (i128::from(now) - i128::from(ts)) as f64 / 1e6;
        return Err(details(Error::new(
            ErrorCode::WebhookTimestampTooOld,
            format!("webhook timestamp is {age:.0} s old, more than the {tolerance_secs} s tolerance"),
        )));
    }
    if i128::from(ts) > i128::from(now) + i128::from(tolerance) {
        let ahead = (i128::from(ts) - i128::from(now)) as f64 / 1e6;
        return Err(details(Error::new(
            ErrorCode::WebhookTimestampInFuture,
            format!("webhook timestamp is {ahead:.0} s in the future, more than the {tolerance_secs} s tolerance"),
        )));
    }
    Ok(())
}

/// Verifies the signature and the timestamp window of a webhook delivery without parsing the body or
/// consulting the replay cache (for payloads that are not ASCEND events).
///
/// `body` must be the raw request body, byte for byte. `headers` are (name, value) pairs, names
/// case-insensitive. `secrets` are tried in order (several for rotation).
pub fn verify_signature<S: AsWebhookSecret>(
    body: &[u8],
    headers: &[(String, String)],
    secrets: &[S],
    opts: &VerifyOptions,
) -> Result<VerifiedMessage> {
    secret::check_secrets(secrets)?;
    let scheme = match opts.scheme {
        Some(s) => s,
        None => headers::detect(headers)?,
    };
    let msg = match scheme {
        Scheme::StandardWebhooks => standard::verify(body, headers, secrets)?,
        Scheme::AscendV1 => ascend::verify_x_signature(body, headers, secrets)?,
        Scheme::AscendStripeStyle => ascend::verify_stripe_style(body, headers, secrets)?,
    };
    check_window(&msg, now_micros(opts), tolerance_micros(opts), opts.tolerance.as_secs_f64())?;
    Ok(msg)
}

/// Verifies a webhook delivery and returns its typed event.
///
/// `body` must be the raw request body, byte for byte (bindings refuse text or parsed JSON with
/// [`refuse_non_bytes`]; [`json::verify`] is the same call with JSON arguments, for hosts whose values may have any
/// type). `headers` are (name, value) pairs, names case-insensitive. `secrets` are tried in
/// order (several for rotation). See the module documentation for the order of the checks and the error
/// codes.
pub fn verify<S: AsWebhookSecret>(
    body: &[u8],
    headers: &[(String, String)],
    secrets: &[S],
    opts: &VerifyOptions,
) -> Result<WebhookEvent> {
    let msg = verify_signature(body, headers, secrets, opts)?;
    let event = event::parse(body, &msg)?;
    if let Some(cache) = &opts.replay_cache {
        let now = now_micros(opts).div_euclid(1_000_000);
        // Keep the id as long as the original message would still pass the timestamp check.
        let tolerance = opts.tolerance.as_secs() + u64::from(opts.tolerance.subsec_nanos() > 0);
        let expires = msg.timestamp_unix.saturating_add(i64::try_from(tolerance).unwrap_or(i64::MAX));
        if !cache.check_and_insert(&event.id, now, expires) {
            return Err(Error::new(
                ErrorCode::WebhookReplayed,
                format!("webhook {} was already delivered within the tolerance window", event.id),
            )
            .with_detail("id", event.id.clone().into()));
        }
    }
    Ok(event)
}

/// The error every binding raises when given a body that is not raw bytes (`kind` names what it got:
/// `"str"`, `"dict"`, `"string"`, ...). Verification needs the exact bytes that were signed.
pub fn refuse_non_bytes(kind: &str) -> Error {
    let kind: String = kind.chars().filter(|c| !c.is_control()).take(40).collect();
    Error::new(
        ErrorCode::WebhookBodyNotBytes,
        format!(
            "webhook verification needs the raw request body as bytes, got {kind}: pass the body exactly as \
             received (e.g. `await request.body()` in FastAPI/Starlette, `request.get_data()` in Flask, \
             `express.raw({{type: '*/*'}})` in Express), not decoded text or parsed JSON"
        ),
    )
    .with_detail("got", kind.into())
}

fn validate_timestamp(ts: i64) -> Result<i64> {
    if (0..=MAX_SIGN_TIMESTAMP).contains(&ts) {
        Ok(ts)
    } else {
        Err(Error::validation(
            "timestamp",
            "must be unix seconds between 0 and 253402300799",
            "webhook timestamp out of range",
        ))
    }
}

fn validate_msg_id(id: &str) -> Result<()> {
    let ok = !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_graphic() && b != b'.');
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            "msg_id",
            "must be 1-256 printable ASCII characters without spaces or '.'",
            "invalid webhook message id",
        ))
    }
}

/// Signs `body` with one secret and returns the headers to send, for `scheme`:
///
/// * Standard Webhooks: `webhook-id` (`msg_id`, default `msg_` + a random UUID), `webhook-timestamp`
///   (`timestamp_unix`, default now), `webhook-signature: v1,<base64>`.
/// * ASCEND v1: `X-Request-Timestamp` (ISO-8601 like Python `isoformat()`; from `timestamp_unix`, or now with
///   microseconds) and `X-Signature: v1=<hex>` over the body as given (send a canonical body, D9).
/// * Stripe-style: `X-Ascend-Signature: t=<unix>,v1=<hex>`.
///
/// `msg_id` is only meaningful for Standard Webhooks; passing one for an ASCEND scheme is a
/// `VALIDATION_ERROR`.
pub fn sign(
    body: &[u8],
    secret: &str,
    scheme: Scheme,
    msg_id: Option<&str>,
    timestamp_unix: Option<i64>,
) -> Result<Vec<(String, String)>> {
    sign_rotated(body, &[secret], scheme, msg_id, timestamp_unix)
}

/// Like [`sign`] with several secrets (during a rotation): Standard Webhooks sends one `v1,` entry per secret
/// and Stripe-style one `v1=` item per secret. ASCEND v1 (`X-Signature`) carries one signature only, so it
/// takes exactly one secret.
pub fn sign_rotated<S: AsWebhookSecret>(
    body: &[u8],
    secrets: &[S],
    scheme: Scheme,
    msg_id: Option<&str>,
    timestamp_unix: Option<i64>,
) -> Result<Vec<(String, String)>> {
    secret::check_secrets(secrets)?;
    let ts = timestamp_unix.map(validate_timestamp).transpose()?;
    if scheme != Scheme::StandardWebhooks && msg_id.is_some() {
        return Err(Error::validation(
            "msg_id",
            "only Standard Webhooks carries a message id",
            "msg_id is only used by the standard_webhooks scheme",
        ));
    }
    let now_secs = || SystemClock.now_unix_micros().div_euclid(1_000_000);
    match scheme {
        Scheme::StandardWebhooks => {
            let id = match msg_id {
                Some(id) => {
                    validate_msg_id(id)?;
                    id.to_string()
                }
                None => format!("msg_{}", uuid::Uuid::new_v4().simple()),
            };
            let ts = ts.unwrap_or_else(now_secs);
            let sig = standard::signature_header(secrets, &id, ts, body)?;
            Ok(vec![
                (headers::WEBHOOK_ID.into(), id),
                (headers::WEBHOOK_TIMESTAMP.into(), ts.to_string()),
                (headers::WEBHOOK_SIGNATURE.into(), sig),
            ])
        }
        Scheme::AscendV1 => {
            let [secret] = secrets else {
                return Err(Error::validation(
                    "secrets",
                    "X-Signature carries one signature: give exactly one secret",
                    "ascend_v1 signs with exactly one secret",
                ));
            };
            let ts_iso = match ts {
                Some(s) => iso_timestamp(s * 1_000_000),
                None => iso_timestamp(SystemClock.now_unix_micros()),
            };
            let sig = ascend::x_signature(secret.as_secret(), &ts_iso, body);
            Ok(vec![(headers::X_REQUEST_TIMESTAMP.into(), ts_iso), (headers::X_SIGNATURE.into(), sig)])
        }
        Scheme::AscendStripeStyle => {
            let t = ts.unwrap_or_else(now_secs);
            Ok(vec![(headers::X_ASCEND_SIGNATURE.into(), ascend::stripe_style_header(secrets, t, body))])
        }
    }
}

#[cfg(test)]
mod tests;
