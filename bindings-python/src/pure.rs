//! Pure functions: decision normalisation, canonical JSON, pre-scoring, CVSS, webhook verify/sign, the replay
//! cache. No network, no waiting, so they keep the GIL (each is microseconds; a pre-score with `rules_path`
//! also reads and validates that file).

use crate::blocking::{awaitable, run_blocking};
use crate::errors::{guard, to_pyerr, validation, IntoPyResult};
use ascend_core::model::AuthorizationDecision;
use ascend_core::webhook::{SecretInput, VerifyOptions, WebhookSecret};
use ascend_core::Error;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};
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

/// Raw server payload (JSON object) -> what `invoke` returns for a decision (an `AuthorizationDecision` once
/// `set_decision_types` ran, else the projection dict); for tests of that conversion.
#[pyfunction]
pub fn _decision_object<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        let payload = parse_json("json", json).py_err(py)?;
        crate::convert::decision_to_object(py, &AuthorizationDecision::from_json(&payload))
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
    use ascend_core::prescore;
    use ascend_core::webhook::{self, Scheme, VerifyOptions, WebhookSecret};
    use ascend_core::Error;
    use serde_json::Value;

    pub fn not_bytes(kind: &str) -> Error {
        webhook::refuse_non_bytes(kind)
    }

    pub fn cvss_score(vector: &str) -> Result<Value, Error> {
        Ok(prescore::cvss::score(vector)?.to_json())
    }

    pub fn webhook_verify(
        body: &[u8],
        headers: &[(String, String)],
        secrets: &[WebhookSecret],
        opts: &VerifyOptions,
    ) -> Result<Value, Error> {
        Ok(webhook::verify(body, headers, secrets, opts)?.to_json())
    }

    pub fn webhook_verify_signature(
        body: &[u8],
        headers: &[(String, String)],
        secrets: &[WebhookSecret],
        opts: &VerifyOptions,
    ) -> Result<Value, Error> {
        let m = webhook::verify_signature(body, headers, secrets, opts)?;
        Ok(serde_json::json!({"scheme": m.scheme.as_str(), "msg_id": m.msg_id, "timestamp_unix": m.timestamp_unix}))
    }

    pub fn webhook_sign(
        body: &[u8],
        secrets: &[WebhookSecret],
        scheme: &str,
        msg_id: Option<&str>,
        timestamp: Option<i64>,
    ) -> Result<Vec<(String, String)>, Error> {
        webhook::sign_rotated(body, secrets, Scheme::from_arg(scheme)?, msg_id, timestamp)
    }
}

fn optional_json(field: &str, text: Option<&str>) -> Result<Option<Value>, Error> {
    text.map(|t| parse_json(field, t)).transpose()
}

/// `{action_type, resource, context?, risk_indicators?, ...}` -> the core's pre-score projection, with optional
/// thresholds (`{"auto_approve_below", "deny_at"}` as JSON) and a rules file.
#[pyfunction]
#[pyo3(signature = (json, thresholds_json = None, rules_path = None))]
pub fn prescore(
    py: Python<'_>,
    json: &str,
    thresholds_json: Option<&str>,
    rules_path: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        let input = parse_json("json", json).py_err(py)?;
        let thresholds = optional_json("thresholds", thresholds_json).py_err(py)?;
        Ok(ascend_core::prescore::json::prescore(&input, thresholds.as_ref(), rules_path).py_err(py)?.to_string())
    })
}

/// A JSON list of actions -> a JSON list of pre-score projections (input order), one scorer for all.
#[pyfunction]
#[pyo3(signature = (json, thresholds_json = None, rules_path = None))]
pub fn prescore_batch(
    py: Python<'_>,
    json: &str,
    thresholds_json: Option<&str>,
    rules_path: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        let inputs = parse_json("actions", json).py_err(py)?;
        let thresholds = optional_json("thresholds", thresholds_json).py_err(py)?;
        Ok(ascend_core::prescore::json::prescore_batch(&inputs, thresholds.as_ref(), rules_path)
            .py_err(py)?
            .to_string())
    })
}

/// CVSS v3.1 vector -> `{base_score, temporal_score, environmental_score, severity, vector}`.
#[pyfunction]
pub fn cvss_score(py: Python<'_>, vector: &str) -> PyResult<String> {
    guard(py, || Ok(imp::cvss_score(vector).py_err(py)?.to_string()))
}

/// A Python `secret` argument as the core's [`SecretInput`]: `str` is text, `bytes`/`bytearray` bytes, `list`/
/// `tuple` a list, anything else its type name. The core applies the type rule of D25.
fn secret_input(v: &Bound<'_, PyAny>) -> SecretInput {
    let items = |it: &mut dyn Iterator<Item = Bound<'_, PyAny>>| SecretInput::List(it.map(|i| scalar(&i)).collect());
    if let Ok(l) = v.cast::<PyList>() {
        items(&mut l.iter())
    } else if let Ok(t) = v.cast::<PyTuple>() {
        items(&mut t.iter())
    } else {
        scalar(v)
    }
}

/// One value (a list item is never descended into: a nested list is refused by its type name).
fn scalar(v: &Bound<'_, PyAny>) -> SecretInput {
    if let Ok(s) = v.cast::<PyString>() {
        SecretInput::Text(s.to_string())
    } else if let Ok(b) = v.cast::<PyBytes>() {
        SecretInput::Bytes(b.as_bytes().to_vec())
    } else if let Ok(b) = v.cast::<PyByteArray>() {
        SecretInput::Bytes(b.to_vec())
    } else {
        SecretInput::Other(v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into()))
    }
}

/// The `secret` argument (D25) as the core's secrets, or a `VALIDATION_ERROR` naming `secret`.
fn webhook_secrets(obj: &Bound<'_, PyAny>) -> Result<Vec<WebhookSecret>, Error> {
    secret_input(obj).into_secrets("secret")
}

/// Verify a webhook delivery; returns the verified event as JSON.
#[pyfunction]
#[pyo3(signature = (payload, headers, secrets, tolerance_seconds, now_unix, scheme = None, replay_cache = None))]
#[allow(clippy::too_many_arguments)]
pub fn webhook_verify(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: Vec<(String, String)>,
    secrets: &Bound<'_, PyAny>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
    scheme: Option<&str>,
    replay_cache: Option<Bound<'_, ReplayCache>>,
) -> PyResult<String> {
    guard(py, || {
        let body = payload_bytes(payload).py_err(py)?;
        let secrets = webhook_secrets(secrets).py_err(py)?;
        let cache = replay_cache.map(|c| c.get().inner.clone());
        let opts = VerifyOptions::from_args(tolerance_seconds, now_unix, scheme, cache).py_err(py)?;
        Ok(imp::webhook_verify(&body, &headers, &secrets, &opts).py_err(py)?.to_string())
    })
}

/// Signature and time window only (no body parsing, no replay cache): `{scheme, msg_id, timestamp_unix}` as JSON.
#[pyfunction]
#[pyo3(signature = (payload, headers, secrets, tolerance_seconds, now_unix, scheme = None))]
pub fn webhook_verify_signature(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    headers: Vec<(String, String)>,
    secrets: &Bound<'_, PyAny>,
    tolerance_seconds: f64,
    now_unix: Option<i64>,
    scheme: Option<&str>,
) -> PyResult<String> {
    guard(py, || {
        let body = payload_bytes(payload).py_err(py)?;
        let secrets = webhook_secrets(secrets).py_err(py)?;
        let opts = VerifyOptions::from_args(tolerance_seconds, now_unix, scheme, None).py_err(py)?;
        Ok(imp::webhook_verify_signature(&body, &headers, &secrets, &opts).py_err(py)?.to_string())
    })
}

/// Signature headers for a payload, for `scheme` (default Standard Webhooks), with one or several secrets.
#[pyfunction]
#[pyo3(signature = (payload, secrets, msg_id, timestamp, scheme = "standard_webhooks"))]
pub fn webhook_sign(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
    msg_id: Option<String>,
    timestamp: Option<i64>,
    scheme: &str,
) -> PyResult<Vec<(String, String)>> {
    guard(py, || {
        let body = payload_bytes(payload).py_err(py)?;
        let secrets = webhook_secrets(secrets).py_err(py)?;
        imp::webhook_sign(&body, &secrets, scheme, msg_id.as_deref(), timestamp).py_err(py)
    })
}

/// The core's thread-safe replay cache (`Arc<ascend_core::webhook::ReplayCache>`), shared by every
/// `webhook_verify` call it is passed to.
#[pyclass(frozen, module = "ascend._native")]
pub struct ReplayCache {
    inner: std::sync::Arc<ascend_core::webhook::ReplayCache>,
}

#[pymethods]
impl ReplayCache {
    #[new]
    #[pyo3(signature = (capacity = 10000))]
    fn new(py: Python<'_>, capacity: i64) -> PyResult<Self> {
        guard(py, || {
            let capacity = usize::try_from(capacity).ok().filter(|c| *c >= 1).ok_or_else(|| {
                to_pyerr(py, validation("capacity", "Must be >= 1", "replay cache capacity must be at least 1"))
            })?;
            Ok(ReplayCache { inner: std::sync::Arc::new(ascend_core::webhook::ReplayCache::new(capacity)) })
        })
    }

    /// The maximum number of ids held.
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Number of ids held (including expired ones not yet purged).
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Forgets every id.
    fn clear(&self) {
        self.inner.clear()
    }

    /// Removes `msg_id` so its next delivery is accepted; returns whether it was recorded.
    fn forget(&self, msg_id: &str) -> bool {
        self.inner.forget(msg_id)
    }

    /// Whether `msg_id` is recorded and not expired at `now_unix`.
    fn contains(&self, msg_id: &str, now_unix: i64) -> bool {
        self.inner.contains(msg_id, now_unix)
    }

    /// Records `msg_id` until `expires_at_unix` unless it is live; `True` when it was new, `False` for a replay.
    fn check_and_insert(&self, msg_id: &str, now_unix: i64, expires_at_unix: i64) -> bool {
        self.inner.check_and_insert(msg_id, now_unix, expires_at_unix)
    }

    fn __repr__(&self) -> String {
        format!("ReplayCache(capacity={}, len={})", self.inner.capacity(), self.inner.len())
    }
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

/// Raw server payload (JSON text) -> the projection of the record `kind` (`ascend_core::model::parse_record`), as
/// JSON text: the models' `from_dict` defaults and fallbacks, kept in the core.
#[pyfunction]
pub fn parse_record(py: Python<'_>, kind: &str, json: &str) -> PyResult<String> {
    guard(py, || {
        let payload = parse_json("json", json).py_err(py)?;
        Ok(ascend_core::model::parse_record(kind, &payload).py_err(py)?.to_string())
    })
}
