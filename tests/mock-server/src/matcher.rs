//! The subset matcher every conformance check uses (results in the runners, requests in `/__mock/verify`).
//!
//! Objects: every expected key must match (extra actual keys are fine). Arrays: same length, element-wise.
//! Numbers: equal within `1e-9 · max(|expected|, 1)` (int vs float does not matter here; `body_exact` is
//! type-strict instead). Anything else: equal, with the same JSON type (`1` never matches `true`).
//! Matchers (an object holding one of these keys):
//! - `{"$any": true}`: present and not `null`;
//! - `{"$absent": true}`: missing or `null`;
//! - `{"$regex": "..."}`: a string the regex finds a match in;
//! - `{"$len": n}`: an array, string (in chars) or object of length `n`;
//! - `{"$approx": x, "$tol": t}`: a number within `t` (default `1e-9`) of `x`.

use serde_json::Value;

/// Subset match of `expected` against `actual` (`None` = missing); a path-qualified message on mismatch.
pub fn subset_match(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    if let Value::Object(m) = expected {
        if m.contains_key("$absent") {
            return match actual {
                None | Some(Value::Null) => Ok(()),
                Some(v) => Err(format!("{path}: expected absent, got {v}")),
            };
        }
        if m.contains_key("$any") {
            return match actual {
                None => Err(format!("{path}: expected present, missing")),
                Some(Value::Null) => Err(format!("{path}: expected present and not null, got null")),
                Some(_) => Ok(()),
            };
        }
        if let Some(Value::String(re)) = m.get("$regex") {
            let Some(Value::String(s)) = actual else {
                return Err(format!("{path}: expected a string matching {re}, got {}", show(actual)));
            };
            let rx = regex::Regex::new(re).map_err(|e| format!("{path}: bad regex {re}: {e}"))?;
            return if rx.is_match(s) { Ok(()) } else { Err(format!("{path}: {s:?} does not match {re}")) };
        }
        if let Some(n) = m.get("$len").and_then(Value::as_u64) {
            let len = match actual {
                Some(Value::Array(a)) => a.len(),
                Some(Value::String(s)) => s.chars().count(),
                Some(Value::Object(o)) => o.len(),
                other => return Err(format!("{path}: expected something of length {n}, got {}", show(other))),
            };
            return if len as u64 == n { Ok(()) } else { Err(format!("{path}: length {len} != {n}")) };
        }
        if let Some(x) = m.get("$approx").and_then(Value::as_f64) {
            let tol = m.get("$tol").and_then(Value::as_f64).unwrap_or(1e-9);
            let Some(a) = actual.and_then(Value::as_f64) else {
                return Err(format!("{path}: expected a number near {x}, got {}", show(actual)));
            };
            return if (a - x).abs() <= tol { Ok(()) } else { Err(format!("{path}: {a} not within {tol} of {x}")) };
        }
    }
    let Some(actual) = actual else {
        return Err(format!("{path}: missing (expected {expected})"));
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            e.iter().try_for_each(|(k, v)| subset_match(v, a.get(k), &format!("{path}.{k}")))
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{path}: array length {} != expected {} (got {actual})", a.len(), e.len()));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .try_for_each(|(i, (ev, av))| subset_match(ev, Some(av), &format!("{path}[{i}]")))
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap_or(f64::NAN), a.as_f64().unwrap_or(f64::NAN));
            if (e - a).abs() <= 1e-9 * e.abs().max(1.0) {
                Ok(())
            } else {
                Err(format!("{path}: {a} != expected {e}"))
            }
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: got {a}, expected {e}")),
    }
}

/// Type-strict deep equality: `1` and `1.0` differ, as do `1` and `true` (serde_json keeps the distinction).
pub fn exact_match(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    match actual {
        Some(a) if a == expected => Ok(()),
        Some(a) => Err(format!("{path}: {a} is not exactly {expected}")),
        None => Err(format!("{path}: missing or not JSON (expected exactly {expected})")),
    }
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "nothing".to_string(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_needs_a_non_null_value() {
        let any = json!({"$any": true});
        assert!(subset_match(&any, Some(&json!(0)), "x").is_ok());
        assert!(subset_match(&any, Some(&Value::Null), "x").is_err());
        assert!(subset_match(&any, None, "x").is_err());
    }

    #[test]
    fn types_never_mix() {
        assert!(subset_match(&json!(1), Some(&json!(true)), "x").is_err());
        assert!(subset_match(&json!(1), Some(&json!(1.0)), "x").is_ok());
        assert!(exact_match(&json!({"a": 1}), Some(&json!({"a": 1.0})), "x").is_err());
        assert!(exact_match(&json!({"a": 1}), Some(&json!({"a": true})), "x").is_err());
        assert!(exact_match(&json!({"a": [1, "b"]}), Some(&json!({"a": [1, "b"]})), "x").is_ok());
    }

    #[test]
    fn matchers() {
        assert!(subset_match(&json!({"$absent": true}), Some(&Value::Null), "x").is_ok());
        assert!(subset_match(&json!({"$absent": true}), Some(&json!(0)), "x").is_err());
        assert!(subset_match(&json!({"$regex": "^a+$"}), Some(&json!("aaa")), "x").is_ok());
        assert!(subset_match(&json!({"$len": 2}), Some(&json!("hé")), "x").is_ok());
        assert!(subset_match(&json!({"$approx": 1.0, "$tol": 0.1}), Some(&json!(1.05)), "x").is_ok());
        assert!(subset_match(&json!({"a": 1}), Some(&json!({"a": 1, "b": 2})), "x").is_ok());
        assert!(subset_match(&json!([1]), Some(&json!([1, 2])), "x").is_err());
    }
}
