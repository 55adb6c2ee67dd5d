//! `POST /__mock/verify`: the mock server judges a case's expectations about what it saw, so that every
//! language's runner only drives calls and reports the verdict.
//!
//! Request body (every key optional; unknown keys are a 400, so a typo never passes silently):
//!
//! ```json
//! {"expect_requests": [<request>...], "allow_unused": false,
//!  "expect_sleeps": [<duration>...], "expect_sleep_total": {"min": 1.0, "max": 60.0},
//!  "sleeps": [0.25, 0.9]}
//! ```
//!
//! `expect_requests`, `allow_unused`, `expect_sleeps` and `expect_sleep_total` are copied from the case as
//! they are; `sleeps` is what the runner observed on the case's virtual clock (seconds, in order, every client
//! of the case), required when the case has `expect_sleeps` or `expect_sleep_total`.
//!
//! Answer: `200 {"ok": bool, "mismatches": [string...], "recorded": n, "unmatched": n, "unused": [...]}`.
//! `ok` is true exactly when `mismatches` is empty. Mismatches are reported for:
//! - a request count different from `expect_requests` (when given), and each request that does not fit
//!   its expectation (compared in arrival order; see [`check_request`]);
//! - platform requests no scripted entry answered (`unmatched`);
//! - scripted entries with uses left over (`unused`: `{entry, match, used, left}`), unless `allow_unused`;
//! - sleeps that do not fit `expect_sleeps` (same count; a number within 1 ms, or `{min, max}` inclusive
//!   within 1 µs) or whose sum is outside `expect_sleep_total`.
//!
//! Verifying changes nothing: the script and the log stay as they are until `POST /__mock/reset`.

use crate::matcher::{exact_match, subset_match};
use crate::record::RecordedRequest;
use crate::script::Unused;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of `POST /__mock/verify`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The case's `expect_requests`; `None` checks no request shapes (count included).
    #[serde(default)]
    pub expect_requests: Option<Vec<Value>>,
    /// The case's `allow_unused`: scripted entries may be left over.
    #[serde(default)]
    pub allow_unused: bool,
    /// The case's `expect_sleeps`.
    #[serde(default)]
    pub expect_sleeps: Option<Vec<Value>>,
    /// The case's `expect_sleep_total` (`{"min", "max"}`, seconds).
    #[serde(default)]
    pub expect_sleep_total: Option<Value>,
    /// Sleeps the runner observed on the case's virtual clock, in seconds.
    #[serde(default)]
    pub sleeps: Option<Vec<f64>>,
}

/// The answer of `POST /__mock/verify`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// No mismatches.
    pub ok: bool,
    /// One human-readable line per problem.
    pub mismatches: Vec<String>,
    /// Number of platform requests recorded.
    pub recorded: usize,
    /// Platform requests no entry answered.
    pub unmatched: usize,
    /// Entries with uses left over (reported even when allowed).
    pub unused: Vec<Unused>,
}

impl Verdict {
    /// The JSON answer.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Judges `req` against what the server saw.
pub fn verify(req: &VerifyRequest, log: &[RecordedRequest], unmatched: usize, unused: Vec<Unused>) -> Verdict {
    let mut mismatches = Vec::new();
    if let Some(expected) = &req.expect_requests {
        if expected.len() != log.len() {
            let got: Vec<String> = log.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
            mismatches.push(format!("expected {} requests, recorded {}: {got:?}", expected.len(), log.len()));
        }
        for (i, (want, got)) in expected.iter().zip(log).enumerate() {
            if let Err(e) = check_request(want, got, log) {
                mismatches.push(format!("request {i} ({} {}): {e}", got.method, got.path));
            }
        }
    }
    if unmatched > 0 {
        mismatches.push(format!("{unmatched} request(s) had no scripted response"));
    }
    if !req.allow_unused {
        for u in &unused {
            let m = serde_json::to_string(&u.matcher).unwrap_or_default();
            let left = u.left.map_or("a repeat entry never used".to_string(), |n| format!("{n} use(s) left"));
            mismatches.push(format!("scripted entry {} {m} answered {} request(s), {left}", u.entry, u.used));
        }
    }
    check_sleeps(req, &mut mismatches);
    Verdict { ok: mismatches.is_empty(), mismatches, recorded: log.len(), unmatched, unused }
}

fn check_sleeps(req: &VerifyRequest, mismatches: &mut Vec<String>) {
    if req.expect_sleeps.is_none() && req.expect_sleep_total.is_none() {
        return;
    }
    let Some(sleeps) = &req.sleeps else {
        mismatches.push("the case expects sleeps but the runner reported none (\"sleeps\" missing)".into());
        return;
    };
    if let Some(expected) = &req.expect_sleeps {
        if expected.len() != sleeps.len() {
            mismatches.push(format!("expected {} sleeps, got {sleeps:?}", expected.len()));
        }
        for (i, (want, &got)) in expected.iter().zip(sleeps).enumerate() {
            if !fits(want, got, 1e-3) {
                mismatches.push(format!("sleep {i}: {got}s does not match {want}"));
            }
        }
    }
    if let Some(total) = &req.expect_sleep_total {
        let sum: f64 = sleeps.iter().sum();
        if !fits(total, sum, 1e-3) {
            mismatches.push(format!("sleeps {sleeps:?} total {sum}s, outside {total}"));
        }
    }
}

/// A number within `tol` of `want`, or `{min, max}` inclusive (within 1 µs).
fn fits(want: &Value, got: f64, tol: f64) -> bool {
    match want {
        Value::Number(n) => n.as_f64().is_some_and(|w| (w - got).abs() < tol),
        Value::Object(m) => {
            let lo = m.get("min").and_then(Value::as_f64).unwrap_or(0.0);
            let hi = m.get("max").and_then(Value::as_f64).unwrap_or(f64::MAX);
            got >= lo - 1e-6 && got <= hi + 1e-6
        }
        _ => false,
    }
}

/// Checks one recorded request against one `request` expectation of `case.schema.json`.
///
/// `method` ignoring case; `path` exactly; `query` exactly (decoded parameters, `null` = no query string);
/// `headers` a subset match with names ignoring case; `headers_present` / `headers_absent` by name;
/// `same_header_as` `{name: n}` equal to the same header of request `n`; `body_subset` a subset match of the
/// JSON body; `body_exact` type-strict equality of the JSON body; `body_raw` the exact text;
/// `body_absent` no body bytes.
pub fn check_request(want: &Value, got: &RecordedRequest, all: &[RecordedRequest]) -> Result<(), String> {
    let wm = want.get("method").and_then(Value::as_str).unwrap_or("");
    if !wm.eq_ignore_ascii_case(&got.method) {
        return Err(format!("method {} != {wm}", got.method));
    }
    let wp = want.get("path").and_then(Value::as_str).unwrap_or("");
    if wp != got.path {
        return Err(format!("path {} != {wp}", got.path));
    }
    if let Some(q) = want.get("query") {
        let actual = got.query.clone().map(Value::Object).unwrap_or(Value::Null);
        exact_match(q, Some(&actual), "query")?;
    }
    let headers: Map<String, Value> = got.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    if let Some(Value::Object(h)) = want.get("headers") {
        let lowered: Map<String, Value> = h.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect();
        subset_match(&Value::Object(lowered), Some(&Value::Object(headers.clone())), "headers")?;
    }
    for name in want.get("headers_present").and_then(Value::as_array).into_iter().flatten() {
        let n = name.as_str().unwrap_or("").to_ascii_lowercase();
        if !headers.contains_key(&n) {
            return Err(format!("header {n} missing"));
        }
    }
    for name in want.get("headers_absent").and_then(Value::as_array).into_iter().flatten() {
        let n = name.as_str().unwrap_or("").to_ascii_lowercase();
        if let Some(v) = headers.get(&n) {
            return Err(format!("header {n} present: {v}"));
        }
    }
    if let Some(Value::Object(same)) = want.get("same_header_as") {
        for (name, idx) in same {
            let n = name.to_ascii_lowercase();
            let i = idx.as_u64().unwrap_or(u64::MAX) as usize;
            let other = all.get(i).ok_or_else(|| format!("same_header_as: no request {idx}"))?;
            let (a, b) = (got.headers.get(&n), other.headers.get(&n));
            if a.is_none() || a != b {
                return Err(format!("header {n}: {a:?} differs from request {idx}: {b:?}"));
            }
        }
    }
    let body_json = got.body_json();
    if let Some(sub) = want.get("body_subset") {
        subset_match(sub, body_json.as_ref(), "body")?;
    }
    if let Some(exact) = want.get("body_exact") {
        exact_match(exact, body_json.as_ref(), "body")?;
    }
    if let Some(raw) = want.get("body_raw").and_then(Value::as_str) {
        if got.body.as_deref() != Some(raw) {
            return Err(format!("raw body {:?} != {raw:?}", got.body));
        }
    }
    if want.get("body_absent").and_then(Value::as_bool) == Some(true) && got.body_b64.is_some() {
        return Err(format!("expected no body, got {:?}", got.body));
    }
    Ok(())
}
