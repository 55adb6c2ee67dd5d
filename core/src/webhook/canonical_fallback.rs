//! Private, minimal Python-compatible canonical JSON (PROTOCOL §2.5), used only as the fallback of ASCEND
//! `X-Signature` verification when the raw body does not match: `json.dumps(body, sort_keys=True)` —
//! keys sorted by code point at every level, `", "` / `": "` separators, ASCII-only output with `\uXXXX`
//! escapes (surrogate pairs outside the BMP), Python float `repr`.
//!
//! To be replaced by the shared `crate::canonical` module at merge. Known gap: integers outside the
//! i64/u64 range are parsed by serde_json as floats, where Python keeps them exact.

use serde_json::{Number, Value};
use std::fmt::Write;

/// The canonical form of `body` if it is JSON, else `None`.
pub(crate) fn canonicalize(body: &[u8]) -> Option<Vec<u8>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let mut out = String::with_capacity(body.len() + 16);
    write_value(&mut out, &value);
    Some(out.into_bytes())
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // UTF-8 byte order is code point order, which is how Python sorts `str` keys.
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, k);
                out.push_str(": ");
                write_value(out, val);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else if let Some(f) = n.as_f64() {
        out.push_str(&python_float_repr(f));
    }
}

/// Python's `repr(float)`: shortest round-trip digits; scientific notation when the decimal exponent is
/// below -4 or at least 16 (`1e-05`, `1e+16`), else positional with at least one fractional digit (`35.0`).
pub(crate) fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "1.2345e-7", "1e16", "-0e0".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let decpt = exp + 1; // value = 0.DIGITS x 10^decpt
    let n = digits.len() as i32;
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.abs())
    } else if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt < n {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{sign}{int}.{frac}")
    } else {
        format!("{sign}{digits}{}.0", "0".repeat((decpt - n) as usize))
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Python's ensure_ascii escapes everything outside printable ASCII (space..=tilde), DEL included.
            c if !(' '..='~').contains(&c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        String::from_utf8(canonicalize(s.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn protocol_vectors() {
        assert_eq!(
            canon(
                r#"{"b": 1, "a": "é", "n": {"z": 1.0, "y": [true, null]}, "big": 1e16, "small": 1e-05, "emoji": "😀"}"#
            ),
            r#"{"a": "\u00e9", "b": 1, "big": 1e+16, "emoji": "\ud83d\ude00", "n": {"y": [true, null], "z": 1.0}, "small": 1e-05}"#
        );
        assert_eq!(
            canon(r#"{"agent_id":"a1","agent_name":"A","action_type":"query","resource":"db"}"#),
            r#"{"action_type": "query", "agent_id": "a1", "agent_name": "A", "resource": "db"}"#
        );
    }

    #[test]
    fn floats_like_python() {
        let cases = [
            (35.0, "35.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (1.5e300, "1.5e+300"),
            (123.456, "123.456"),
            (-2.5e-7, "-2.5e-07"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (12345678901234567.0, "1.2345678901234568e+16"),
        ];
        for (f, want) in cases {
            assert_eq!(python_float_repr(f), want, "{f:e}");
        }
    }

    #[test]
    fn strings_escape_like_python() {
        assert_eq!(canon(r#"["a/b\"\\\n\r\t\b\f\u0001\u007f"]"#), r#"["a/b\"\\\n\r\t\b\f\u0001\u007f"]"#);
        assert_eq!(canon(r#"{}"#), "{}");
        assert_eq!(canon(r#"[]"#), "[]");
        assert_eq!(canon(r#"{"é": 1, "z": 2, "a": 3}"#), r#"{"a": 3, "z": 2, "\u00e9": 1}"#);
        assert!(canonicalize(b"not json").is_none());
    }
}
