//! Shared helpers of the Rust conformance runner: loading cases and the subset matcher every runner
//! implements identically (see tests/conformance/README.md).

use serde_json::Value;
use std::path::PathBuf;

/// Root of `tests/conformance`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// Subset match of `expected` against `actual`; returns a path-qualified message on mismatch.
///
/// Objects: every expected key must match (extra actual keys are fine). Arrays: same length, element-wise.
/// Numbers: equal within 1e-9 (int vs float does not matter). Matchers: `{"$any": true}` (present),
/// `{"$absent": true}` (missing or null), `{"$regex": "..."}` (string matches), `{"$len": n}` (array/string/object length),
/// `{"$approx": x, "$tol": t}` (number within t).
pub fn subset_match(expected: &Value, actual: Option<&Value>, path: &str) -> Result<(), String> {
    if let Value::Object(m) = expected {
        if m.contains_key("$absent") {
            return match actual {
                None | Some(Value::Null) => Ok(()),
                Some(v) => Err(format!("{path}: expected absent, got {v}")),
            };
        }
        if m.contains_key("$any") {
            return actual.map(|_| ()).ok_or_else(|| format!("{path}: expected present"));
        }
        if let Some(Value::String(re)) = m.get("$regex") {
            let Some(Value::String(s)) = actual else {
                return Err(format!("{path}: expected string matching {re}, got {actual:?}"));
            };
            let rx = regex::Regex::new(re).map_err(|e| format!("{path}: bad regex {re}: {e}"))?;
            return if rx.is_match(s) { Ok(()) } else { Err(format!("{path}: {s:?} does not match {re}")) };
        }
        if let Some(n) = m.get("$len").and_then(Value::as_u64) {
            let len = match actual {
                Some(Value::Array(a)) => a.len(),
                Some(Value::String(s)) => s.chars().count(),
                Some(Value::Object(o)) => o.len(),
                other => return Err(format!("{path}: expected something with length {n}, got {other:?}")),
            };
            return if len as u64 == n { Ok(()) } else { Err(format!("{path}: length {len} != {n}")) };
        }
        if let Some(x) = m.get("$approx").and_then(Value::as_f64) {
            let tol = m.get("$tol").and_then(Value::as_f64).unwrap_or(1e-9);
            let Some(a) = actual.and_then(Value::as_f64) else {
                return Err(format!("{path}: expected number ~{x}, got {actual:?}"));
            };
            return if (a - x).abs() <= tol { Ok(()) } else { Err(format!("{path}: {a} not within {tol} of {x}")) };
        }
    }
    let Some(actual) = actual else {
        return Err(format!("{path}: missing (expected {expected})"));
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                subset_match(v, a.get(k), &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{path}: array length {} != expected {} (got {actual})", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset_match(ev, Some(av), &format!("{path}[{i}]"))?;
            }
            Ok(())
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

/// Checks an error against an `{"code", "class", "status_code", "details"}` expectation.
pub fn match_error(expected: &Value, err: &ascend_core::Error) -> Result<(), String> {
    let actual = serde_json::json!({
        "code": err.code.as_str(),
        "class": err.code.class_name(),
        "status_code": err.status_code,
        "details": Value::Object(err.details.clone()),
    });
    subset_match(expected, Some(&actual), "error").map_err(|e| format!("{e} (actual error: {err})"))
}

/// The outcome of a pure case against `expected` / `expected_error`.
pub fn check_pure(case: &Value, outcome: Result<Value, ascend_core::Error>) -> Result<(), String> {
    match (case.get("expected"), case.get("expected_error"), outcome) {
        (Some(exp), _, Ok(v)) => subset_match(exp, Some(&v), "result"),
        (Some(_), _, Err(e)) => Err(format!("expected a result, got error {e}")),
        (None, Some(exp), Err(e)) => match_error(exp, &e),
        (None, Some(_), Ok(v)) => Err(format!("expected an error, got {v}")),
        (None, None, _) => Err("case has neither expected nor expected_error".into()),
    }
}
