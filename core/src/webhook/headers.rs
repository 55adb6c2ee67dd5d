//! Header lookup (case-insensitive names) and the parsers of every signature and timestamp header.
//!
//! Error messages name the header and say what is wrong with it; they never repeat signature values.

use super::crypto::{Tag, MAC_LEN};
use super::secret::B64;
use super::Scheme;
use crate::{Error, ErrorCode, Result};
use base64::Engine;

/// Standard Webhooks: the message id.
pub const WEBHOOK_ID: &str = "webhook-id";
/// Standard Webhooks: the unix timestamp (seconds) of the delivery attempt.
pub const WEBHOOK_TIMESTAMP: &str = "webhook-timestamp";
/// Standard Webhooks: space-separated `v1,<base64>` signatures.
pub const WEBHOOK_SIGNATURE: &str = "webhook-signature";
/// ASCEND v1: `v1=<hex>` over `{X-Request-Timestamp}.{body}`.
pub const X_SIGNATURE: &str = "X-Signature";
/// ASCEND v1: the ISO-8601 timestamp covered by `X-Signature`.
pub const X_REQUEST_TIMESTAMP: &str = "X-Request-Timestamp";
/// ASCEND Stripe-style: `t=<unix>,v1=<hex>[,v1=<hex>...]` over `{t}.{body}`.
pub const X_ASCEND_SIGNATURE: &str = "X-Ascend-Signature";

/// Longest accepted `webhook-id` (bytes).
const MAX_ID_LEN: usize = 256;

pub(crate) fn missing(names: &[&str]) -> Error {
    let list: Vec<serde_json::Value> = names.iter().map(|n| (*n).into()).collect();
    Error::new(ErrorCode::WebhookMissingHeader, format!("missing webhook header(s): {}", names.join(", ")))
        .with_detail("header", names.first().copied().unwrap_or_default().into())
        .with_detail("missing", list.into())
}

pub(crate) fn malformed(name: &str, why: &str) -> Error {
    Error::new(ErrorCode::WebhookMalformedHeader, format!("malformed {name} header: {why}"))
        .with_detail("header", name.into())
}

fn is(name: &str, wanted: &str) -> bool {
    name.trim().eq_ignore_ascii_case(wanted)
}

/// True when a header of that name (case-insensitive) is present.
pub(crate) fn has(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| is(k, name))
}

/// The trimmed value of a single-valued header. Repeats with the same value are tolerated; repeats with
/// different values are a malformed header (which one was signed would be ambiguous).
pub(crate) fn get<'a>(headers: &'a [(String, String)], name: &str) -> Result<Option<&'a str>> {
    let mut found: Option<&str> = None;
    for (k, v) in headers {
        if is(k, name) {
            let v = v.trim();
            match found {
                Some(prev) if prev != v => return Err(malformed(name, "repeated with different values")),
                _ => found = Some(v),
            }
        }
    }
    Ok(found)
}

/// Every value of a header, in order (used for the signature list, which may be split over repeats).
pub(crate) fn get_all<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers.iter().filter(move |(k, _)| is(k, name)).map(|(_, v)| v.as_str())
}

/// Looks up several required headers at once; reports every missing one in a single error.
pub(crate) fn require<'a, const N: usize>(headers: &'a [(String, String)], names: [&str; N]) -> Result<[&'a str; N]> {
    let mut out = [""; N];
    let mut absent = Vec::new();
    for (slot, name) in out.iter_mut().zip(names) {
        match get(headers, name)? {
            Some(v) => *slot = v,
            None => absent.push(name),
        }
    }
    if absent.is_empty() {
        Ok(out)
    } else {
        Err(missing(&absent))
    }
}

/// Picks the scheme from the headers present: any `webhook-*` header means Standard Webhooks, then
/// `X-Ascend-Signature` (Stripe-style), then `X-Signature` / `X-Request-Timestamp` (ASCEND v1).
pub(crate) fn detect(headers: &[(String, String)]) -> Result<Scheme> {
    if has(headers, WEBHOOK_SIGNATURE) || has(headers, WEBHOOK_ID) || has(headers, WEBHOOK_TIMESTAMP) {
        Ok(Scheme::StandardWebhooks)
    } else if has(headers, X_ASCEND_SIGNATURE) {
        Ok(Scheme::AscendStripeStyle)
    } else if has(headers, X_SIGNATURE) || has(headers, X_REQUEST_TIMESTAMP) {
        Ok(Scheme::AscendV1)
    } else {
        Err(Error::new(
            ErrorCode::WebhookMissingHeader,
            "no webhook signature header: expected webhook-signature (Standard Webhooks), \
             X-Ascend-Signature or X-Signature (ASCEND v1)",
        )
        .with_detail("header", WEBHOOK_SIGNATURE.into())
        .with_detail("missing", vec![WEBHOOK_SIGNATURE, X_ASCEND_SIGNATURE, X_SIGNATURE].into()))
    }
}

/// A `webhook-id`: non-empty, at most 256 bytes, no whitespace or control characters.
pub(crate) fn check_id(value: &str) -> Result<&str> {
    if value.is_empty() {
        return Err(malformed(WEBHOOK_ID, "empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(malformed(WEBHOOK_ID, "longer than 256 bytes"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed(WEBHOOK_ID, "contains whitespace or control characters"));
    }
    Ok(value)
}

/// Unix seconds written as plain decimal digits (no sign, no fraction, no exponent).
pub(crate) fn parse_unix_seconds(name: &str, value: &str) -> Result<i64> {
    if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(name, "expected a unix timestamp in whole seconds"));
    }
    value.parse::<i64>().map_err(|_| malformed(name, "expected a unix timestamp in whole seconds"))
}

/// An ISO-8601 / RFC 3339 date-time with an explicit offset (`2026-01-01T00:00:00.123456+00:00`, `...Z`),
/// as microseconds since the Unix epoch.
pub(crate) fn parse_iso8601_micros(name: &str, value: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|dt| dt.timestamp_micros())
        .map_err(|_| malformed(name, "expected an ISO-8601 date-time with offset, e.g. 2026-01-01T00:00:00+00:00"))
}

fn decode_b64_tag(s: &str) -> Option<Tag> {
    // A 32-byte tag is 43 or 44 base64 characters; anything longer cannot match, so skip decoding it.
    if s.len() > 44 {
        return None;
    }
    let mut buf = [0u8; 33];
    match B64.decode_slice(s, &mut buf) {
        Ok(MAC_LEN) => {
            let mut tag = [0u8; MAC_LEN];
            tag.copy_from_slice(&buf[..MAC_LEN]);
            Some(tag)
        }
        _ => None,
    }
}

fn decode_hex_tag(s: &str) -> Option<Tag> {
    let mut tag = [0u8; MAC_LEN];
    hex::decode_to_slice(s, &mut tag).ok().map(|_| tag)
}

/// The `v1` signatures of a Standard Webhooks signature header (all repeats of it).
///
/// The header is a whitespace-separated list of `<version>,<signature>` entries; an entry without a comma, an
/// empty version or an empty signature makes the header malformed. Other versions (`v1a`, ...) are skipped.
/// A `v1` value that is not base64 of a 32-byte tag is kept out of the list: it can never match.
/// Returns the decoded tags and the number of `v1` entries seen.
pub(crate) fn parse_standard_signatures<'a>(values: impl Iterator<Item = &'a str>) -> Result<(Vec<Tag>, usize)> {
    let mut tags = Vec::new();
    let (mut entries, mut v1) = (0usize, 0usize);
    for value in values {
        for entry in value.split_ascii_whitespace() {
            entries += 1;
            let Some((version, sig)) = entry.split_once(',') else {
                return Err(malformed(WEBHOOK_SIGNATURE, "each entry must be <version>,<base64 signature>"));
            };
            if version.is_empty() || sig.is_empty() {
                return Err(malformed(WEBHOOK_SIGNATURE, "each entry must be <version>,<base64 signature>"));
            }
            if version == "v1" {
                v1 += 1;
                if let Some(tag) = decode_b64_tag(sig) {
                    tags.push(tag);
                }
            }
        }
    }
    if entries == 0 {
        return Err(malformed(WEBHOOK_SIGNATURE, "empty"));
    }
    Ok((tags, v1))
}

/// A parsed `X-Ascend-Signature` header.
pub(crate) struct StripeStyle<'a> {
    /// The `t` value exactly as sent (it is what was signed).
    pub t_raw: &'a str,
    /// `t` as unix seconds.
    pub t: i64,
    /// Decoded `v1` tags (values that are not 64 hex digits are left out: they can never match).
    pub tags: Vec<Tag>,
    /// Number of `v1` entries seen.
    pub v1_count: usize,
}

/// Parses `t=<unix>,v1=<hex>[,v1=<hex>...]`. Items are `key=value` separated by commas (spaces around items
/// are ignored); exactly one `t` is required; unknown keys (`v0`, ...) are ignored.
pub(crate) fn parse_stripe_style(value: &str) -> Result<StripeStyle<'_>> {
    let mut t_raw: Option<&str> = None;
    let mut tags = Vec::new();
    let mut v1_count = 0usize;
    for item in value.split(',') {
        let item = item.trim();
        let Some((k, v)) = item.split_once('=') else {
            return Err(malformed(X_ASCEND_SIGNATURE, "expected t=<unix seconds>,v1=<hex>"));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() {
            return Err(malformed(X_ASCEND_SIGNATURE, "expected t=<unix seconds>,v1=<hex>"));
        }
        match k {
            "t" => {
                if t_raw.is_some() {
                    return Err(malformed(X_ASCEND_SIGNATURE, "more than one t= item"));
                }
                t_raw = Some(v);
            }
            "v1" => {
                v1_count += 1;
                if let Some(tag) = decode_hex_tag(v) {
                    tags.push(tag);
                }
            }
            _ => {}
        }
    }
    let t_raw = t_raw.ok_or_else(|| malformed(X_ASCEND_SIGNATURE, "no t=<unix seconds> item"))?;
    let t = parse_unix_seconds(X_ASCEND_SIGNATURE, t_raw)?;
    Ok(StripeStyle { t_raw, t, tags, v1_count })
}

/// Parses `X-Signature: v1=<64 hex digits>` (hex case-insensitive).
pub(crate) fn parse_x_signature(value: &str) -> Result<Tag> {
    let hex = value.strip_prefix("v1=").ok_or_else(|| malformed(X_SIGNATURE, "expected v1=<64 hex digits>"))?;
    decode_hex_tag(hex.trim()).ok_or_else(|| malformed(X_SIGNATURE, "expected v1=<64 hex digits>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn lookup_is_case_insensitive_and_repeats_must_agree() {
        let hs = h(&[("Webhook-ID", " msg_1 "), ("webhook-id", "msg_1")]);
        assert_eq!(get(&hs, WEBHOOK_ID).unwrap(), Some("msg_1"));
        let hs = h(&[("Webhook-ID", "a"), ("webhook-id", "b")]);
        assert_eq!(get(&hs, WEBHOOK_ID).unwrap_err().code, ErrorCode::WebhookMalformedHeader);
        let err = require(&h(&[]), [WEBHOOK_ID, WEBHOOK_TIMESTAMP]).unwrap_err();
        assert_eq!(err.details["missing"], serde_json::json!(["webhook-id", "webhook-timestamp"]));
    }

    #[test]
    fn detection_order() {
        assert_eq!(detect(&h(&[("WEBHOOK-SIGNATURE", "x")])).unwrap(), Scheme::StandardWebhooks);
        assert_eq!(
            detect(&h(&[("x-ascend-signature", "x"), ("x-signature", "y")])).unwrap(),
            Scheme::AscendStripeStyle
        );
        assert_eq!(detect(&h(&[("x-request-timestamp", "x")])).unwrap(), Scheme::AscendV1);
        assert_eq!(detect(&h(&[("content-type", "x")])).unwrap_err().code, ErrorCode::WebhookMissingHeader);
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_unix_seconds("t", "1614265330").unwrap(), 1614265330);
        for bad in ["", "-1", "+1", "1.5", "1e9", " 1", "9999999999999999999"] {
            assert!(parse_unix_seconds("t", bad).is_err(), "{bad}");
        }
        assert_eq!(parse_iso8601_micros("t", "2026-01-01T00:00:00+00:00").unwrap(), 1_767_225_600_000_000);
        assert_eq!(parse_iso8601_micros("t", "2026-01-01T00:00:00.123456+00:00").unwrap(), 1_767_225_600_123_456);
        assert_eq!(parse_iso8601_micros("t", "2026-01-01T01:00:00+01:00").unwrap(), 1_767_225_600_000_000);
        assert_eq!(parse_iso8601_micros("t", "2026-01-01T00:00:00Z").unwrap(), 1_767_225_600_000_000);
        assert!(parse_iso8601_micros("t", "2026-01-01T00:00:00").is_err());
        assert!(parse_iso8601_micros("t", "1767225600").is_err());
    }

    #[test]
    fn standard_signature_lists() {
        let good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let (tags, n) =
            parse_standard_signatures([format!("v1,bm9wZQ== v1a,xyz  v1,{good}").as_str()].into_iter()).unwrap();
        assert_eq!((tags.len(), n), (1, 2));
        let (tags, _) = parse_standard_signatures(
            [good.trim_end_matches('=')].map(|g| format!("v1,{g}")).iter().map(String::as_str),
        )
        .unwrap();
        assert_eq!(tags.len(), 1, "unpadded base64 is accepted");
        for bad in ["", "   ", "v1", "v1,", ",abc", "v1,abc junk"] {
            assert_eq!(
                parse_standard_signatures([bad].into_iter()).unwrap_err().code,
                ErrorCode::WebhookMalformedHeader,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn stripe_style_and_x_signature() {
        let hexsig = "a955b8bb78717e4502699aee49f2ab91eeba649ba1845c57ab06ec950410a8af";
        let header = format!("t=12, v1={hexsig},v0=zz,v1=nothex");
        let s = parse_stripe_style(&header).unwrap();
        assert_eq!((s.t, s.t_raw, s.tags.len(), s.v1_count), (12, "12", 1, 2));
        for bad in ["", "v1=ab", "t=1,t=2", "t=x,v1=ab", "t=1,junk", "=1,t=1"] {
            assert_eq!(
                parse_stripe_style(bad).map(|_| ()).unwrap_err().code,
                ErrorCode::WebhookMalformedHeader,
                "{bad:?}"
            );
        }
        assert!(parse_x_signature(&format!("v1={hexsig}")).is_ok());
        assert!(parse_x_signature(&format!("v1={}", hexsig.to_uppercase())).is_ok());
        for bad in ["", hexsig, "v1=abc", "sha256=00", "v2=00"] {
            assert_eq!(parse_x_signature(bad).unwrap_err().code, ErrorCode::WebhookMalformedHeader, "{bad:?}");
        }
    }

    #[test]
    fn any_standard_webhooks_header_alone_selects_that_scheme() {
        for name in [WEBHOOK_ID, WEBHOOK_TIMESTAMP, WEBHOOK_SIGNATURE] {
            assert_eq!(detect(&h(&[(name, "x")])).unwrap(), Scheme::StandardWebhooks, "{name}");
        }
    }

    #[test]
    fn webhook_ids_are_at_most_256_bytes_without_whitespace_or_control_characters() {
        let longest = "a".repeat(256);
        assert_eq!(check_id(&longest).unwrap(), longest);
        for bad in ["a".repeat(257), "".into(), "a b".into(), "a\u{1}b".into(), "a\tb".into()] {
            assert_eq!(check_id(&bad).unwrap_err().code, ErrorCode::WebhookMalformedHeader, "{bad:?}");
        }
    }

    #[test]
    fn unix_seconds_have_at_most_18_digits() {
        assert_eq!(parse_unix_seconds("t", "999999999999999999").unwrap(), 999_999_999_999_999_999);
        // 19 digits would still fit an i64, but are refused.
        assert!(parse_unix_seconds("t", "1000000000000000000").is_err());
    }
}
