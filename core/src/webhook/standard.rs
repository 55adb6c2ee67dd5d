//! Standard Webhooks v1 (<https://www.standardwebhooks.com>, symmetric `v1` signatures):
//! HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, base64 in `webhook-signature: v1,<sig>`.

use super::crypto::{hmac_parts, matches_any};
use super::headers::{self, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP};
use super::secret::{standard_key, AsWebhookSecret, B64};
use super::{no_match, Scheme, VerifiedMessage};
use crate::Result;
use base64::Engine;

/// Verifies the signature headers of a Standard Webhooks delivery (not the timestamp window).
pub(crate) fn verify<S: AsWebhookSecret>(
    body: &[u8],
    headers: &[(String, String)],
    secrets: &[S],
) -> Result<VerifiedMessage> {
    let id = headers::get(headers, WEBHOOK_ID)?;
    let ts_raw = headers::get(headers, WEBHOOK_TIMESTAMP)?;
    let has_sig = headers::has(headers, WEBHOOK_SIGNATURE);
    let (Some(id), Some(ts_raw), true) = (id, ts_raw, has_sig) else {
        let mut absent = Vec::new();
        if id.is_none() {
            absent.push(WEBHOOK_ID);
        }
        if ts_raw.is_none() {
            absent.push(WEBHOOK_TIMESTAMP);
        }
        if !has_sig {
            absent.push(WEBHOOK_SIGNATURE);
        }
        return Err(headers::missing(&absent));
    };
    let id = headers::check_id(id)?;
    let ts = headers::parse_unix_seconds(WEBHOOK_TIMESTAMP, ts_raw)?;
    let (tags, v1_count) = headers::parse_standard_signatures(headers::get_all(headers, WEBHOOK_SIGNATURE))?;
    for (i, secret) in secrets.iter().enumerate() {
        let key = standard_key(secret.as_secret(), i)?;
        let tag = hmac_parts(&key, &[id.as_bytes(), b".", ts_raw.as_bytes(), b".", body]);
        if matches_any(&tag, &tags) {
            return Ok(VerifiedMessage {
                scheme: Scheme::StandardWebhooks,
                msg_id: Some(id.to_string()),
                timestamp_unix: ts,
                timestamp_micros: ts.saturating_mul(1_000_000),
                tag,
            });
        }
    }
    Err(no_match(Scheme::StandardWebhooks, v1_count, secrets.len()))
}

/// The `webhook-signature` value for `body`: one `v1,<base64>` entry per secret, space-separated.
pub(crate) fn signature_header<S: AsWebhookSecret>(secrets: &[S], id: &str, ts: i64, body: &[u8]) -> Result<String> {
    let ts = ts.to_string();
    let mut out = String::new();
    for (i, secret) in secrets.iter().enumerate() {
        let key = standard_key(secret.as_secret(), i)?;
        let tag = hmac_parts(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
        if i > 0 {
            out.push(' ');
        }
        out.push_str("v1,");
        B64.encode_string(tag, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_known_answer() {
        let sig = signature_header(
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
