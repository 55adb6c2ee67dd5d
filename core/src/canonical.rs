//! Python-compatible canonical JSON (PROTOCOL §2.5) and the request signature built on it.
//!
//! The canonical form is what Python's `json.dumps(obj, sort_keys=True)` prints: keys sorted by code point at
//! every level, `", "` and `": "` separators, ASCII-only output with `\uXXXX` escapes (surrogate pairs above the
//! BMP), Python's shortest float repr (`35.0`, `1e+16`, `1e-05`). By DECISIONS D9 the body we send *is* this
//! form, so the signed bytes and the sent bytes are identical.

use crate::error::{Error, ErrorCode, Result};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::fmt::Write;

/// Serialises `value` to canonical JSON. NaN and infinities are refused (PROTOCOL §2.6).
pub fn to_canonical(value: &Value) -> Result<String> {
    let mut out = String::with_capacity(128);
    write_value(&mut out, value)?;
    Ok(out)
}

/// Parses JSON text and returns its canonical form (used by conformance runners and bindings).
pub fn canonicalize_text(text: &str) -> Result<String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| Error::validation("json", format!("not valid JSON: {e}"), "Invalid JSON text"))?;
    to_canonical(&v)
}

fn write_value(out: &mut String, value: &Value) -> Result<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                out.push_str(&python_float_repr(f)?);
            }
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sort explicitly: serde_json's map order depends on crate features.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(out, k);
                out.push_str(": ");
                write_value(out, v)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Writes a JSON string literal with Python's `ensure_ascii=True` escaping.
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ => {
                let mut buf = [0u16; 2];
                for unit in ch.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: shortest round-trip digits; scientific notation when the decimal exponent is
/// below -4 or at least 16, with a signed two-digit minimum exponent; otherwise fixed with at least `.0`.
pub fn python_float_repr(f: f64) -> Result<String> {
    if !f.is_finite() {
        return Err(Error::new(ErrorCode::ValidationError, "Out of range float values are not JSON compliant")
            .with_detail("value", Value::String(format!("{f}"))));
    }
    let sci = format!("{f:e}"); // shortest digits, e.g. "-1.5e-5", "1e16", "0e0"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(24);
    if neg {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            out.push_str(".0");
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&digits);
    }
    Ok(out)
}

/// `v1=<hex>` HMAC-SHA256 over `"{timestamp}.{canonical}"` with the UTF-8 bytes of `secret` as key.
pub fn sign(secret: &str, timestamp: &str, canonical: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(canonical.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether a body is eligible for signing: a non-empty JSON object (PROTOCOL §2.5).
pub fn is_signable(body: Option<&Value>) -> bool {
    matches!(body, Some(Value::Object(m)) if !m.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (35.0, "35.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (0.1, "0.1"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.5e-7, "1.5e-07"),
            (123456789.125, "123456789.125"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-2.5, "-2.5"),
            (1234567890123456.7, "1234567890123456.8"),
            (12345678901234567.0, "1.2345678901234568e+16"),
        ];
        for (f, want) in cases {
            assert_eq!(python_float_repr(f).unwrap(), want, "{f}");
        }
        assert!(python_float_repr(f64::NAN).is_err());
        assert!(python_float_repr(f64::INFINITY).is_err());
    }

    #[test]
    fn protocol_vector_one() {
        let body =
            r#"{"b": 1, "a": "é", "n": {"z": 1.0, "y": [true, null]}, "big": 1e16, "small": 1e-05, "emoji": "😀"}"#;
        let canon = canonicalize_text(body).unwrap();
        assert_eq!(
            canon,
            r#"{"a": "\u00e9", "b": 1, "big": 1e+16, "emoji": "\ud83d\ude00", "n": {"y": [true, null], "z": 1.0}, "small": 1e-05}"#
        );
        assert_eq!(
            sign("sek", "2026-01-01T00:00:00.123456+00:00", &canon),
            "v1=a955b8bb78717e4502699aee49f2ab91eeba649ba1845c57ab06ec950410a8af"
        );
    }

    #[test]
    fn protocol_vector_two() {
        let body = r#"{"agent_id": "a1", "agent_name": "A", "action_type": "query", "resource": "db"}"#;
        let canon = canonicalize_text(body).unwrap();
        assert_eq!(canon, r#"{"action_type": "query", "agent_id": "a1", "agent_name": "A", "resource": "db"}"#);
        assert_eq!(
            sign("test_secret", "2026-01-01T00:00:00+00:00", &canon),
            "v1=4c0fa970004abc39a826acfb37387d235c4b9c052600553af615023ea6c24e0c"
        );
    }

    #[test]
    fn escapes_like_python() {
        let v = serde_json::json!({"s": "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{7f}/é"});
        assert_eq!(to_canonical(&v).unwrap(), r#"{"s": "a\"b\\c\n\r\t\b\f\u0001\u007f/\u00e9"}"#);
        assert_eq!(to_canonical(&serde_json::json!({})).unwrap(), "{}");
        assert_eq!(to_canonical(&serde_json::json!([])).unwrap(), "[]");
    }
}
