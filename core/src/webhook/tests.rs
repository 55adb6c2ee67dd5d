//! Unit tests of the public API (the conformance suite `tests/conformance/cases/webhooks/` has the rest).

use super::*;
use serde_json::json;

const KAT_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KAT_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const KAT_TS: i64 = 1614265330;
const KAT_BODY: &[u8] = br#"{"test": 2432232314}"#;
const KAT_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn hs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn secrets(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

fn at(now: i64) -> VerifyOptions {
    VerifyOptions { now_unix: Some(now), ..VerifyOptions::default() }
}

fn kat_headers(sig: &str) -> Vec<(String, String)> {
    hs(&[("webhook-id", KAT_ID), ("webhook-timestamp", &KAT_TS.to_string()), ("webhook-signature", sig)])
}

#[test]
fn standard_webhooks_known_answer_verifies_signature() {
    let msg = verify_signature(KAT_BODY, &kat_headers(KAT_SIG), &secrets(&[KAT_SECRET]), &at(KAT_TS)).unwrap();
    assert_eq!(msg.scheme, Scheme::StandardWebhooks);
    assert_eq!(msg.msg_id.as_deref(), Some(KAT_ID));
    assert_eq!(msg.timestamp_unix, KAT_TS);
    // The body has no `type`, so the full verify stops at the payload.
    let e = verify(KAT_BODY, &kat_headers(KAT_SIG), &secrets(&[KAT_SECRET]), &at(KAT_TS)).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookMalformedPayload);
}

#[test]
fn rotation_and_several_signatures() {
    let two = format!("v1,bm9wZQ== v1a,abc {KAT_SIG}");
    let s = secrets(&["whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", KAT_SECRET]);
    assert!(verify_signature(KAT_BODY, &kat_headers(&two), &s, &at(KAT_TS)).is_ok());
    let e = verify_signature(KAT_BODY, &kat_headers("v1,bm9wZQ=="), &s, &at(KAT_TS)).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookNoMatchingSignature);
    assert_eq!(e.details["signatures"], 1);
    assert_eq!(e.details["secrets"], 2);
    let body = br#"{"type":"action.denied","data":{"action_id":"a1"}}"#;
    let h = sign_rotated(body, &["old-secret", "new-secret"], Scheme::StandardWebhooks, Some("m1"), Some(100)).unwrap();
    assert_eq!(h[2].1.split(' ').count(), 2);
    assert!(verify(body, &h, &secrets(&["new-secret"]), &at(100)).is_ok());
    assert!(verify(body, &h, &secrets(&["old-secret"]), &at(100)).is_ok());
    let h = sign_rotated(body, &["old-secret", "new-secret"], Scheme::AscendStripeStyle, None, Some(100)).unwrap();
    assert!(verify(body, &h, &secrets(&["new-secret"]), &at(100)).is_ok());
}

#[test]
fn tolerance_is_inclusive_in_both_directions() {
    let s = secrets(&[KAT_SECRET]);
    let h = kat_headers(KAT_SIG);
    assert!(verify_signature(KAT_BODY, &h, &s, &at(KAT_TS + 300)).is_ok());
    assert!(verify_signature(KAT_BODY, &h, &s, &at(KAT_TS - 300)).is_ok());
    let e = verify_signature(KAT_BODY, &h, &s, &at(KAT_TS + 301)).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookTimestampTooOld);
    assert_eq!(e.details["tolerance_seconds"], 300.0);
    let e = verify_signature(KAT_BODY, &h, &s, &at(KAT_TS - 301)).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookTimestampInFuture);
    let opts = VerifyOptions { tolerance: Duration::from_secs(10), ..at(KAT_TS + 11) };
    assert_eq!(verify_signature(KAT_BODY, &h, &s, &opts).unwrap_err().code, ErrorCode::WebhookTimestampTooOld);
    let opts = VerifyOptions { tolerance: Duration::ZERO, ..at(KAT_TS) };
    assert!(verify_signature(KAT_BODY, &h, &s, &opts).is_ok());
}

#[test]
fn a_forged_message_never_reaches_the_timestamp_check() {
    let e = verify_signature(KAT_BODY, &kat_headers("v1,bm9wZQ=="), &secrets(&[KAT_SECRET]), &at(0)).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookNoMatchingSignature);
}

#[test]
fn replay_cache_refuses_a_second_delivery() {
    let body = br#"{"type":"action.approved","data":{"action_id":7}}"#;
    let cache = Arc::new(ReplayCache::new(16));
    let h = sign(body, "s3cret", Scheme::StandardWebhooks, Some("msg_r"), Some(1000)).unwrap();
    let opts = VerifyOptions { replay_cache: Some(cache.clone()), ..at(1000) };
    assert!(verify(body, &h, &secrets(&["s3cret"]), &opts).is_ok());
    let e = verify(body, &h, &secrets(&["s3cret"]), &opts).unwrap_err();
    assert_eq!(e.code, ErrorCode::WebhookReplayed);
    assert_eq!(e.details["id"], "msg_r");
    // Still refused at the edge of the window, then the timestamp check takes over.
    let edge = VerifyOptions { replay_cache: Some(cache.clone()), ..at(1300) };
    assert_eq!(verify(body, &h, &secrets(&["s3cret"]), &edge).unwrap_err().code, ErrorCode::WebhookReplayed);
    let late = VerifyOptions { replay_cache: Some(cache.clone()), ..at(1301) };
    assert_eq!(verify(body, &h, &secrets(&["s3cret"]), &late).unwrap_err().code, ErrorCode::WebhookTimestampTooOld);
    // A forged delivery does not poison the cache.
    let forged = hs(&[("webhook-id", "msg_f"), ("webhook-timestamp", "1000"), ("webhook-signature", "v1,bm9wZQ==")]);
    assert!(verify(body, &forged, &secrets(&["s3cret"]), &opts).is_err());
    assert!(!cache.contains("msg_f", 1000));
    assert!(cache.forget("msg_r"));
    assert!(verify(body, &h, &secrets(&["s3cret"]), &opts).is_ok());
}

#[test]
fn ascend_v1_raw_body_and_canonical_fallback() {
    // PROTOCOL §2.5 vector 1: the transmitted body is not canonical; the signature covers the canonical form.
    let body = r#"{"b": 1, "a": "é", "n": {"z": 1.0, "y": [true, null]}, "big": 1e16, "small": 1e-05, "emoji": "😀", "type": "action.approved"}"#;
    let canonical = crate::canonical::canonicalize_bytes(body.as_bytes()).unwrap();
    let ts = "2026-01-01T00:00:00.123456+00:00";
    let sig = ascend::x_signature(super::SecretRef::Text("sek"), ts, &canonical);
    let h = hs(&[("x-request-timestamp", ts), ("x-signature", &sig)]);
    let now = 1_767_225_600;
    let e = verify(body.as_bytes(), &h, &secrets(&["sek"]), &at(now)).unwrap();
    assert_eq!((e.scheme, e.signed_at_unix), (Scheme::AscendV1, now));
    assert!(e.id.starts_with("sig_"));
    // A body that is sent canonical verifies on the raw bytes.
    let h = sign(&canonical, "sek", Scheme::AscendV1, None, Some(now)).unwrap();
    assert_eq!(h[0], ("X-Request-Timestamp".to_string(), "2026-01-01T00:00:00+00:00".to_string()));
    assert!(verify(&canonical, &h, &secrets(&["sek"]), &at(now)).is_ok());
    assert_eq!(
        verify(b"{}", &h, &secrets(&["sek"]), &at(now)).unwrap_err().code,
        ErrorCode::WebhookNoMatchingSignature
    );
}

#[test]
fn stripe_style_round_trip_and_pinned_scheme() {
    let body = br#"{"id":"evt_1","type":"agent.trust_changed","data":{"agent_id":"a","trust":"low"}}"#;
    let h = sign(body, "k", Scheme::AscendStripeStyle, None, Some(50)).unwrap();
    let e = verify(body, &h, &secrets(&["k"]), &at(60)).unwrap();
    assert_eq!((e.id.as_str(), e.kind, e.scheme), ("evt_1", EventKind::AgentTrustChanged, Scheme::AscendStripeStyle));
    let pinned = VerifyOptions { scheme: Some(Scheme::StandardWebhooks), ..at(60) };
    let err = verify(body, &h, &secrets(&["k"]), &pinned).unwrap_err();
    assert_eq!(err.code, ErrorCode::WebhookMissingHeader);
    assert_eq!(err.details["missing"], json!(["webhook-id", "webhook-timestamp", "webhook-signature"]));
}

#[test]
fn sign_validates_its_arguments() {
    let code = |r: Result<Vec<(String, String)>>| r.unwrap_err().code;
    assert_eq!(code(sign(b"", "", Scheme::StandardWebhooks, None, None)), ErrorCode::ConfigurationError);
    assert_eq!(code(sign(b"", "k", Scheme::StandardWebhooks, Some("a.b"), None)), ErrorCode::ValidationError);
    assert_eq!(code(sign(b"", "k", Scheme::StandardWebhooks, Some(""), None)), ErrorCode::ValidationError);
    assert_eq!(code(sign(b"", "k", Scheme::AscendV1, Some("m"), None)), ErrorCode::ValidationError);
    assert_eq!(code(sign(b"", "k", Scheme::AscendStripeStyle, None, Some(-1))), ErrorCode::ValidationError);
    assert_eq!(code(sign_rotated(b"", &["a", "b"], Scheme::AscendV1, None, None)), ErrorCode::ValidationError);
    assert_eq!(code(sign(b"", "whsec_!!", Scheme::StandardWebhooks, None, None)), ErrorCode::ConfigurationError);
    // Defaults: a fresh id and the current time, which verify accepts with the system clock.
    let body = br#"{"type":"action.pending","data":{"action_id":1}}"#;
    for scheme in Scheme::ALL {
        let h = sign(body, "k", scheme, None, None).unwrap();
        let e = verify(body, &h, &secrets(&["k"]), &VerifyOptions::default()).unwrap();
        assert_eq!(e.scheme, scheme);
        assert_eq!(e.decision_status().as_deref(), Some("pending_approval"));
    }
}

#[test]
fn errors_never_contain_secrets_or_expected_signatures() {
    let secret = "whsec_c3VwZXItc2VjcmV0LXZhbHVlLTEyMzQ1Njc4";
    let body = br#"{"type":"action.approved"}"#;
    let good = sign(body, secret, Scheme::StandardWebhooks, Some("m"), Some(10)).unwrap();
    let expected_sig = good[2].1.clone();
    let mut bad = good.clone();
    bad[2].1 = "v1,bm9wZQ==".into();
    let mut errors = vec![
        verify(body, &bad, &secrets(&[secret]), &at(10)).unwrap_err(),
        verify(body, &good, &secrets(&[secret]), &at(1000)).unwrap_err(),
        verify(body, &good, &secrets(&["whsec_%%%"]), &at(10)).unwrap_err(),
        refuse_non_bytes("str"),
    ];
    let h = sign(body, "plain-secret-value", Scheme::AscendV1, None, Some(10)).unwrap();
    errors.push(verify(b"{\"type\":\"x\"}", &h, &secrets(&["plain-secret-value"]), &at(10)).unwrap_err());
    for e in errors {
        let text = format!("{e} {:?} {}", e.details, serde_json::Value::Object(e.details.clone()));
        for needle in [secret, "c3VwZXItc2VjcmV0", "plain-secret-value", &expected_sig[3..], &h[1].1[3..]] {
            assert!(!text.contains(needle), "{text} contains {needle}");
        }
    }
}

#[test]
fn body_not_bytes_error() {
    let e = refuse_non_bytes("str");
    assert_eq!(e.code, ErrorCode::WebhookBodyNotBytes);
    assert_eq!(e.code.class_name(), "WebhookVerificationError");
    assert!(e.message.contains("raw request body"));
    assert_eq!(refuse_non_bytes("a\nb").details["got"], "ab");
}

#[test]
fn scheme_names() {
    for s in Scheme::ALL {
        assert_eq!(Scheme::parse(s.as_str()), Some(s));
    }
    assert_eq!(Scheme::parse("Standard-Webhooks"), Some(Scheme::StandardWebhooks));
    assert_eq!(Scheme::parse("stripe"), Some(Scheme::AscendStripeStyle));
    assert_eq!(Scheme::parse("hmac"), None);
}

#[test]
fn event_json_projection() {
    let body =
        br#"{"type":"action.approved","timestamp":"2026-01-01T00:00:00Z","data":{"action_id":42,"status":"approved"}}"#;
    let h = sign(body, "k", Scheme::StandardWebhooks, Some("msg_9"), Some(5)).unwrap();
    let e = verify(body, &h, &secrets(&["k"]), &at(5)).unwrap();
    assert_eq!(
        e.to_json(),
        json!({"id": "msg_9", "type": "action.approved", "kind": "action.approved",
               "timestamp": "2026-01-01T00:00:00Z", "data": {"action_id": 42, "status": "approved"},
               "scheme": "standard_webhooks", "signed_at_unix": 5, "action_id": "42", "decision_status": "approved"})
    );
}

/// D25: a bytes secret is one key. Signing with it and verifying with the same bytes (or the same text) works in
/// every scheme, and none of the 256 one-byte keys an attacker could try forges a signature it accepts.
#[test]
fn d25_bytes_secret_is_one_key_and_one_byte_keys_forge_nothing() {
    let genuine: &[u8] = b"my-long-secret";
    let body = br#"{"type": "action.approved", "id": "evt_1", "data": {"action_id": 5}}"#;
    for scheme in [Scheme::StandardWebhooks, Scheme::AscendV1, Scheme::AscendStripeStyle] {
        let opts = VerifyOptions { now_unix: Some(KAT_TS), scheme: Some(scheme), ..VerifyOptions::default() };
        let id = (scheme == Scheme::StandardWebhooks).then_some("msg_1");
        let headers = sign_rotated(body, &[genuine], scheme, id, Some(KAT_TS)).unwrap();
        assert!(verify_signature(body, &headers, &[genuine], &opts).is_ok(), "{scheme:?}: genuine bytes");
        // The same key as text verifies too (a plain text secret is its UTF-8 bytes).
        assert!(verify_signature(body, &headers, &["my-long-secret"], &opts).is_ok(), "{scheme:?}: as text");
        for b in 0..=255u8 {
            for forged_key in [vec![b], b.to_string().into_bytes()] {
                let forged = sign_rotated(body, &[forged_key.as_slice()], scheme, id, Some(KAT_TS)).unwrap();
                let e = verify_signature(body, &forged, &[genuine], &opts).unwrap_err();
                assert_eq!(e.code, ErrorCode::WebhookNoMatchingSignature, "{scheme:?}: key {forged_key:?} forged");
            }
        }
    }
    // Bytes are never decoded as `whsec_` base64: the bytes of "whsec_AAEC" are not the key [0, 1, 2].
    let opts = VerifyOptions { now_unix: Some(KAT_TS), ..VerifyOptions::default() };
    let h = sign(body, "whsec_AAEC", Scheme::StandardWebhooks, Some("msg_1"), Some(KAT_TS)).unwrap();
    assert!(verify_signature(body, &h, &[b"whsec_AAEC".as_slice()], &opts).is_err());
    assert!(verify_signature(body, &h, &[[0u8, 1, 2].as_slice()], &opts).is_ok());
    assert!(verify_signature(body, &h, &[WebhookSecret::Bytes(vec![0, 1, 2])], &opts).is_ok());
}

#[test]
fn options_from_binding_arguments_name_the_field() {
    let o = VerifyOptions::from_args(2.5, Some(7), Some("Stripe"), None).unwrap();
    assert_eq!(
        (o.tolerance, o.now_unix, o.scheme),
        (Duration::from_millis(2500), Some(7), Some(Scheme::AscendStripeStyle))
    );
    assert_eq!(VerifyOptions::from_args(0.0, None, None, None).unwrap().scheme, None);
    for bad in [-1.0, f64::NAN, f64::INFINITY, 1e13] {
        let e = VerifyOptions::from_args(bad, None, None, None).unwrap_err();
        assert!(e.field_errors().unwrap().contains_key("tolerance_seconds"), "{bad}");
    }
    let e = VerifyOptions::from_args(300.0, None, Some("hmac\n"), None).unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.field_errors().unwrap().contains_key("scheme"));
    assert!(!e.message.contains('\n'));
    assert_eq!(Scheme::from_arg("ascend-v1").unwrap(), Scheme::AscendV1);
}

#[test]
fn scheme_display_and_unknown_names_shown_without_control_characters() {
    for s in Scheme::ALL {
        assert_eq!(s.to_string(), s.as_str());
    }
    let e = Scheme::from_arg("hm\nac").unwrap_err();
    assert!(e.message.contains("\"hmac\""), "{}", e.message);
}

#[test]
fn window_errors_say_how_far_out_the_timestamp_is() {
    let s = secrets(&[KAT_SECRET]);
    let h = kat_headers(KAT_SIG);
    let e = verify_signature(KAT_BODY, &h, &s, &at(KAT_TS + 301)).unwrap_err();
    assert_eq!(e.message, "webhook timestamp is 301 s old, more than the 300 s tolerance");
    assert_eq!(
        (e.details["timestamp_unix"].as_i64(), e.details["now_unix"].as_i64()),
        (Some(KAT_TS), Some(KAT_TS + 301))
    );
    let e = verify_signature(KAT_BODY, &h, &s, &at(KAT_TS - 301)).unwrap_err();
    assert_eq!(e.message, "webhook timestamp is 301 s in the future, more than the 300 s tolerance");
}

#[test]
fn replay_ids_are_kept_exactly_as_long_as_the_window_rounded_up() {
    let body = br#"{"type":"action.approved","data":{"action_id":7}}"#;
    let h = sign(body, "k", Scheme::StandardWebhooks, Some("msg_w"), Some(1000)).unwrap();
    // Whole seconds: until the signed timestamp + tolerance, inclusive.
    let cache = Arc::new(ReplayCache::new(16));
    verify(body, &h, &secrets(&["k"]), &VerifyOptions { replay_cache: Some(cache.clone()), ..at(1000) }).unwrap();
    assert!(cache.contains("msg_w", 1300));
    assert!(!cache.contains("msg_w", 1301));
    // A fractional tolerance is rounded up to the next second: 2.5 s keeps the id until timestamp + 3.
    let cache = Arc::new(ReplayCache::new(16));
    let opts = VerifyOptions { tolerance: Duration::from_millis(2500), replay_cache: Some(cache.clone()), ..at(1000) };
    verify(body, &h, &secrets(&["k"]), &opts).unwrap();
    assert!(cache.contains("msg_w", 1003));
    assert!(!cache.contains("msg_w", 1004));
}
