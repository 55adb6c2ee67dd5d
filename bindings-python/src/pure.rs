//! Pure functions: decision normalisation, canonical JSON, pre-scoring, CVSS, webhook verify/sign. No I/O, no
//! waiting, so they keep the GIL (each is microseconds).

use crate::blocking::{awaitable, run_blocking};
use crate::errors::{guard, to_pyerr, validation, IntoPyResult};
use ascend_core::model::AuthorizationDecision;
use ascend_core::Error;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde_json::Value;

fn parse_json(field: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text)
        .map_err(|e| validation(field, "Must be JSON text", format!("{field} is not valid JSON: {e}")))
}

/// Raw server payload (JSON object) -> `AuthorizationDecision` projection (D5/D6/D8/D12).
#[pyfunction]
pub fn normalise_decision(py: Python<'_>, json: &str) -> PyResult<String> {
    guard(py, || {
        let payload = parse_json("json", json).py_err(py)?;
        Ok(AuthorizationDecision::from_json(&payload).to_json().to_string())
    })
}

/// Python-compatible canonical JSON of PROTOCOL §2.5.
#[pyfunction]
pub fn canonical_json(py: Python<'_>, json_text: &str) -> PyResult<String> {
    guard(py, || ascend_core::canonical::canonicalize_text(json_text).py_err(py))
}

/// Request signature of a body (PROTOCOL §2.5) as the transport computes it; `None` when the body is not signed.
/// Private: used by the conformance runner's `canonical` suite.
#[pyfunction]
pub fn _sign_request(py: Python<'_>, secret: &str, timestamp: &str, json_text: &str) -> PyResult<Option<String>> {
    guard(py, || {
        let canon = ascend_core::canonical::canonicalize_text(json_text).py_err(py)?;
        let parsed: Value = serde_json::from_str(json_text).unwrap_or(Value::Null);
        Ok(ascend_core::canonical::is_signable(Some(&parsed))
            .then(|| ascend_core::canonical::sign(secret, timestamp, &canon)))
    })
}

fn payload_bytes(payload: &Bound<'_, PyAny>) -> Result<Vec<u8>, Error> {
    match payload.cast::<PyBytes>() {
        Ok(b) => Ok(b.as_bytes().to_vec()),
        Err(_) => {
            let kind = payload.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
            Err(imp::not_bytes(&kind))
        }
    }
}

mod imp {
    //! Glue to the core's pre-scorer, CVSS scorer and webhook verifier/signer.
    use ascend_core::prescore::{self, ActionInput};
    use ascend_core::webhook::{self, Scheme, VerifyOptions};
    use ascend_core::Error;
    use serde_json::Value;

    pub fn not_bytes(kind: &str) -> Error {
        webhook::refuse_non_bytes(kind)
    }

    pub fn prescore(input: &Value) -> Result<Value, Error> {
        let input = ActionInput::from_json(input)?;
        Ok(prescore::prescore(&input).to_json())
    }

    pub fn cvss_score(vector: &str) -> Result<Value, Error> {
        Ok(prescore::cvss::score(vector)?.to_json())
    }

    pub fn webhook_verify(
        body: &[u8],
        headers: &[(String, String)],
        secrets: &[String],
        tolerance: std::time::Duration,
        now_unix: Option<i64>,
    ) -> Result<Value, Error> {
        let opts = VerifyOptions { tolerance, now_unix, replay_cache: None, ..VerifyOptions::default() };
        Ok(webhook::verify(body, headers, secrets, &opts)?.to_json())
    }

    pub fn webhook_sign(
        body: &[u8],
        secret: &str,
        msg_id: Option<&str>,
        timestamp: Option<i64>,
    ) -> Result<Vec<(String, String)>, Error> {
        webhook::sign(body, secret, Scheme::StandardWebhooks, msg_id, timestamp)
    }
}

/// `{action_type, resource, context?, risk_indicators?, ...}` -> the core's pre-score projection.
#[pyfunction]
pub fn prescore(py: Python<'_>, json: &str) -> PyResult<String> {
    guard(py, || {
        let input = parse_json("json", json).py_err(py)?;
        Ok(imp::prescore(&input).py_err(py)?.to_string())
    })
}

/// CVSS v3.1 vector -> `{base_score, temporal_score, environmental_score, severity, vector}`.
#[pyfunction]
pub fn cvss_score(py: Python<'_>, vector: &str) -> PyResult<String> {
    guard(py, || Ok(imp::cvss_score(vector).py_err(py)?.to_string()))
}

/// Verify a webhook delivery; returns the verified event as JSON.
#[pyfunction]
#[pyo3(signature = (payload, headers, secrets, tolerance_seconds, now_unix))]
pub fn webhook_verify(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: Vec<(String, String)>,
    secrets: Vec<String>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
) -> PyResult<String> {
    guard(py, || {
        let body = payload_bytes(payload).py_err(py)?;
        if !tolerance_seconds.is_finite() || tolerance_seconds < 0.0 {
            return Err(to_pyerr(
                py,
                validation("tolerance_seconds", "Must be >= 0", "tolerance_seconds must be a non-negative number"),
            ));
        }
        let tolerance = std::time::Duration::from_secs_f64(tolerance_seconds);
        Ok(imp::webhook_verify(&body, &headers, &secrets, tolerance, now_unix).py_err(py)?.to_string())
    })
}

/// Signature headers for a payload (Standard Webhooks v1).
#[pyfunction]
#[pyo3(signature = (payload, secret, msg_id, timestamp))]
pub fn webhook_sign(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    secret: &str,
    msg_id: Option<String>,
    timestamp: Option<i64>,
) -> PyResult<Vec<(String, String)>> {
    guard(py, || {
        let body = payload_bytes(payload).py_err(py)?;
        imp::webhook_sign(&body, secret, msg_id.as_deref(), timestamp).py_err(py)
    })
}

/// Private test hook: panics inside the extension (D20). `where`: `"sync"` (in the entry point), `"runtime"` (in a
/// future on the core runtime, blocking call) or `"async"` (returns an awaitable whose future panics).
#[pyfunction]
#[pyo3(signature = (r#where = "sync"))]
pub fn _panic_for_tests<'py>(py: Python<'py>, r#where: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || match r#where {
        "runtime" => {
            run_blocking::<(), _>(py, async { panic!("deliberate panic for tests (runtime)") }, None)?;
            Ok(py.None().into_bound(py))
        }
        "async" => awaitable(py, async { panic!("deliberate panic for tests (async)") }),
        _ => panic!("deliberate panic for tests (sync)"),
    })
}
