//! ASCEND v1 webhook signatures, two forms:
//!
//! * `X-Signature: v1=<hex>` with `X-Request-Timestamp: <ISO-8601>`, HMAC-SHA256 over
//!   `{X-Request-Timestamp}.{body}` where the body is the canonical JSON of PROTOCOL §2.5 (by DECISIONS D9 the
//!   body sent *is* canonical, so the raw bytes are tried first; a sender that transmits a non-canonical body
//!   and signs its canonical form — the peer SDK does — is still verified through the canonical fallback).
//! * Stripe-style `X-Ascend-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 over `{t}.{body}` (raw
//!   body bytes only).
//!
//! The key is the UTF-8 bytes of the secret in both forms (no `whsec_` decoding).

use super::crypto::{hmac_parts, matches_any, Tag};
use super::headers::{self, X_ASCEND_SIGNATURE, X_REQUEST_TIMESTAMP, X_SIGNATURE};
use super::secret::{ascend_key, AsWebhookSecret, SecretRef};
use super::{no_match, Scheme, VerifiedMessage};
use crate::Result;

fn verified(scheme: Scheme, timestamp_micros: i64, tag: Tag) -> VerifiedMessage {
    VerifiedMessage {
        scheme,
        msg_id: None,
        timestamp_unix: timestamp_micros.div_euclid(1_000_000),
        timestamp_micros,
        tag,
    }
}

/// Verifies `X-Signature` / `X-Request-Timestamp` (not the timestamp window).
pub(crate) fn verify_x_signature<S: AsWebhookSecret>(
    body: &[u8],
    headers: &[(String, String)],
    secrets: &[S],
) -> Result<VerifiedMessage> {
    let [ts_raw, sig_raw] = headers::require(headers, [X_REQUEST_TIMESTAMP, X_SIGNATURE])?;
    let micros = headers::parse_iso8601_micros(X_REQUEST_TIMESTAMP, ts_raw)?;
    let expected = [headers::parse_x_signature(sig_raw)?];
    for secret in secrets {
        let tag = hmac_parts(ascend_key(secret.as_secret()), &[ts_raw.as_bytes(), b".", body]);
        if matches_any(&tag, &expected) {
            return Ok(verified(Scheme::AscendV1, micros, tag));
        }
    }
    if let Some(canonical) = crate::canonical::canonicalize_bytes(body).filter(|c| c.as_slice() != body) {
        for secret in secrets {
            let tag = hmac_parts(ascend_key(secret.as_secret()), &[ts_raw.as_bytes(), b".", &canonical]);
            if matches_any(&tag, &expected) {
                return Ok(verified(Scheme::AscendV1, micros, tag));
            }
        }
    }
    Err(no_match(Scheme::AscendV1, 1, secrets.len()))
}

/// Verifies `X-Ascend-Signature: t=...,v1=...` (not the timestamp window).
pub(crate) fn verify_stripe_style<S: AsWebhookSecret>(
    body: &[u8],
    headers: &[(String, String)],
    secrets: &[S],
) -> Result<VerifiedMessage> {
    let [raw] = headers::require(headers, [X_ASCEND_SIGNATURE])?;
    let parsed = headers::parse_stripe_style(raw)?;
    for secret in secrets {
        let tag = hmac_parts(ascend_key(secret.as_secret()), &[parsed.t_raw.as_bytes(), b".", body]);
        if matches_any(&tag, &parsed.tags) {
            return Ok(verified(Scheme::AscendStripeStyle, parsed.t.saturating_mul(1_000_000), tag));
        }
    }
    Err(no_match(Scheme::AscendStripeStyle, parsed.v1_count, secrets.len()))
}

/// The `X-Signature` value (`v1=<hex>`) for `body` signed at the ISO timestamp `ts_iso`.
pub(crate) fn x_signature(secret: SecretRef<'_>, ts_iso: &str, body: &[u8]) -> String {
    format!("v1={}", hex::encode(hmac_parts(ascend_key(secret), &[ts_iso.as_bytes(), b".", body])))
}

/// The `X-Ascend-Signature` value: `t=<unix>` then one `v1=<hex>` per secret.
pub(crate) fn stripe_style_header<S: AsWebhookSecret>(secrets: &[S], t: i64, body: &[u8]) -> String {
    let t = t.to_string();
    let mut out = format!("t={t}");
    for secret in secrets {
        out.push_str(",v1=");
        out.push_str(&hex::encode(hmac_parts(ascend_key(secret.as_secret()), &[t.as_bytes(), b".", body])));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_section_2_5_vectors() {
        let canonical = br#"{"action_type": "query", "agent_id": "a1", "agent_name": "A", "resource": "db"}"#;
        assert_eq!(
            x_signature(SecretRef::Text("test_secret"), "2026-01-01T00:00:00+00:00", canonical),
            "v1=4c0fa970004abc39a826acfb37387d235c4b9c052600553af615023ea6c24e0c"
        );
    }
}
