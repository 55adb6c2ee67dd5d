//! Fuzzes webhook header parsing and verification.
//!
//! Properties checked on every input (besides "never panics"):
//! 1. Arbitrary headers: `verify` returns an event or one of the documented error codes, and no error message
//!    or detail contains the secret or the signature that would have been valid.
//! 2. `sign` then `verify_signature` (the secrets that signed, clock within the tolerance) always succeeds.
//! 3. A one-byte change of the body makes that verification fail (Standard Webhooks and Stripe-style, which
//!    sign the raw bytes).
//! 4. A verified event delivered twice through one replay cache is refused the second time.
#![no_main]

use ascend_core::webhook::{self, ReplayCache, Scheme, VerifyOptions};
use ascend_core::ErrorCode;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use std::time::Duration;

const NAMES: [&str; 8] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "X-Signature",
    "X-Request-Timestamp",
    "X-Ascend-Signature",
    "WEBHOOK-SIGNATURE",
    "content-type",
];

/// Marks the secret so that an echo of it cannot be confused with ordinary message text.
const MARK: &str = "\u{1F511}";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    mode: u8,
    headers: Vec<(u8, &'a str)>,
    free_header: Option<(&'a str, &'a str)>,
    body: &'a [u8],
    secret: &'a str,
    other_secret: &'a str,
    now: i64,
    tolerance: u16,
    id: Option<&'a str>,
    ts: u32,
    flip: u16,
}

const VERIFY_CODES: [ErrorCode; 8] = [
    ErrorCode::WebhookMissingHeader,
    ErrorCode::WebhookMalformedHeader,
    ErrorCode::WebhookNoMatchingSignature,
    ErrorCode::WebhookTimestampTooOld,
    ErrorCode::WebhookTimestampInFuture,
    ErrorCode::WebhookReplayed,
    ErrorCode::WebhookMalformedPayload,
    ErrorCode::ConfigurationError,
];

fn text_of(e: &ascend_core::Error) -> String {
    format!("{e} {:?}", e.details)
}

fn scheme_of(b: u8) -> Scheme {
    Scheme::ALL[usize::from(b) % 3]
}

fuzz_target!(|inp: Input<'_>| {
    let secret = format!("{MARK}{}", inp.secret);
    let secrets = vec![secret.clone(), inp.other_secret.to_string()];
    let cache = Arc::new(ReplayCache::new(4));
    let opts = VerifyOptions {
        tolerance: Duration::from_secs(u64::from(inp.tolerance)),
        now_unix: Some(inp.now),
        replay_cache: Some(cache.clone()),
        scheme: if inp.mode & 4 == 0 { None } else { Some(scheme_of(inp.mode >> 3)) },
    };

    // 1. Arbitrary headers.
    let mut headers: Vec<(String, String)> =
        inp.headers.iter().map(|(n, v)| (NAMES[usize::from(*n) % NAMES.len()].to_string(), v.to_string())).collect();
    if let Some((n, v)) = inp.free_header {
        headers.push((n.to_string(), v.to_string()));
    }
    match webhook::verify(inp.body, &headers, &secrets, &opts) {
        Ok(event) => {
            let _ = event.to_json();
            let _ = (event.action_id(), event.decision_status());
        }
        Err(e) => {
            assert!(VERIFY_CODES.contains(&e.code), "unexpected code {e}");
            if e.code != ErrorCode::WebhookReplayed {
                assert!(!text_of(&e).contains(MARK), "secret echoed: {e}");
            }
            // The signature that would have been valid for these headers is never echoed either.
            if let Ok(good) = webhook::sign(inp.body, &secret, Scheme::StandardWebhooks, Some("msg_x"), Some(0)) {
                let sig = &good[2].1[3..];
                assert!(!text_of(&e).contains(sig));
            }
        }
    }

    // 2.-4. Round trip through `sign`.
    let scheme = scheme_of(inp.mode);
    let id = if scheme == Scheme::StandardWebhooks { inp.id } else { None };
    let ts = i64::from(inp.ts);
    // ascend_v1 carries one signature, so it signs with the first secret only.
    let signing: &[String] = if scheme == Scheme::AscendV1 { &secrets[..1] } else { &secrets };
    let Ok(signed) = webhook::sign_rotated(inp.body, signing, scheme, id, Some(ts)) else {
        return; // an invalid id, or a `whsec_` secret that is not base64
    };
    let within = VerifyOptions {
        tolerance: Duration::from_secs(u64::from(inp.tolerance)),
        now_unix: Some(ts + i64::from(inp.tolerance) * i64::from(inp.mode & 1) - i64::from(inp.tolerance) / 2),
        replay_cache: Some(Arc::new(ReplayCache::new(8))),
        scheme: Some(scheme),
    };
    if let Err(e) = webhook::verify_signature(inp.body, &signed, signing, &within) {
        panic!("round trip failed for {scheme}: {e}");
    }
    if scheme != Scheme::AscendV1 && !inp.body.is_empty() {
        let mut tampered = inp.body.to_vec();
        let i = usize::from(inp.flip) % tampered.len();
        tampered[i] ^= 1 | (inp.flip >> 8) as u8;
        let e = webhook::verify_signature(&tampered, &signed, signing, &within).expect_err("tampered body verified");
        assert_eq!(e.code, ErrorCode::WebhookNoMatchingSignature);
    }
    if webhook::verify(inp.body, &signed, signing, &within).is_ok() {
        let e = webhook::verify(inp.body, &signed, signing, &within).expect_err("replay accepted");
        assert_eq!(e.code, ErrorCode::WebhookReplayed);
    }
});
