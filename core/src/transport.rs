//! HTTP transport: one reqwest client per SDK client, the headers of PROTOCOL §2.2, canonical bodies and
//! signing (§2.5, D9), the single retry layer (D1), idempotency keys (D2), the circuit breaker (D3) and the
//! status mapping of §3 with D7, D8 and D10.

use crate::breaker::CircuitBreaker;
use crate::call_options::CallOptions;
use crate::canonical;
use crate::clock::{iso_timestamp, SharedClock};
use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};
use crate::lane::LaneTag;
use rand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Largest response body we read (a hostile server cannot exhaust memory).
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Backoff base (D1).
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Backoff cap (D1).
pub const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Cap on a server's `Retry-After` (D1).
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(30);

/// One logical request.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path (already percent-encoded), starting with `/`.
    pub path: String,
    /// Query pairs in wire order.
    pub query: Vec<(String, String)>,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// Send an `Idempotency-Key` (governed submits, D2).
    pub idempotency_key: Option<String>,
    /// Override of the per-attempt timeout (long polls).
    pub attempt_timeout: Option<Duration>,
}

impl Request {
    /// A request without body or query.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotency_key: None,
            attempt_timeout: None,
        }
    }
    /// With a JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    /// With a query parameter.
    pub fn query(mut self, k: &str, v: impl Into<String>) -> Self {
        self.query.push((k.to_string(), v.into()));
        self
    }
    /// With a fresh idempotency key (UUIDv4, identical across the retries of this call).
    pub fn idempotent(mut self) -> Self {
        self.idempotency_key = Some(random_uuid().to_string());
        self
    }
}

/// A successful (or governance-denied) reply.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Parsed body; `{}` for an empty 2xx body (D10).
    pub body: Value,
    /// True when the reply is the synthetic governance denial of a 403 (§3.3, D8).
    pub governance_denial: bool,
    /// Correlation id of the final attempt.
    pub correlation_id: String,
    /// `X-Ascend-Long-Poll: max=<seconds>` when the server advertised long polling.
    pub long_poll_max: Option<f64>,
}

/// Why one attempt failed.
struct AttemptFailure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
    breaker_failure: bool,
}

/// The HTTP layer of one client.
pub struct Transport {
    /// Connection pool of the shared runtime (background work, each thread's first blocking call, async calls when
    /// lanes are off).
    http: reqwest::Client,
    /// One connection pool per live lane that used this transport (see [`crate::lane`]): a pooled connection is
    /// driven by the runtime that opened it, so pools are never shared between runtimes.
    lane_http: Mutex<Vec<(Weak<LaneTag>, reqwest::Client)>>,
    /// `api_url`, parsed once.
    base_url: url::Url,
    cfg: Arc<Config>,
    clock: SharedClock,
    breaker: Option<Arc<CircuitBreaker>>,
    static_headers: HeaderMap,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("api_url", &self.cfg.api_url).finish()
    }
}

/// A random (version 4) UUID from the thread's user-space CSPRNG (`rand::thread_rng`, ChaCha reseeded from the
/// OS, and after `fork()`), so a call does not pay a `getrandom` system call per identifier.
pub fn random_uuid() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

/// `asc_` + 16 lowercase hex digits (PROTOCOL §2.3).
pub fn new_correlation_id() -> String {
    let u = random_uuid().simple().to_string();
    format!("asc_{}", &u[..16])
}

impl Transport {
    /// Builds the transport: the shared HTTP client (rustls, keep-alive pool, TCP_NODELAY) and the static headers.
    pub fn new(cfg: Arc<Config>, clock: SharedClock, breaker: Option<Arc<CircuitBreaker>>) -> Result<Self> {
        let base_url = url::Url::parse(&cfg.api_url).map_err(|e| Error::config("api_url", e.to_string()))?;
        let http = build_http(&cfg, &base_url)?;
        let mut h = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| -> Result<()> {
            let v = HeaderValue::from_str(value).map_err(|_| {
                Error::config(name, format!("{name} contains characters not allowed in an HTTP header"))
            })?;
            h.insert(HeaderName::from_static(name), v);
            Ok(())
        };
        put("content-type", "application/json")?;
        put("accept", "application/json")?;
        put("user-agent", &cfg.user_agent)?;
        put("x-sdk-version", crate::SDK_VERSION)?;
        put("x-environment", &cfg.environment)?;
        let mut key = HeaderValue::from_str(cfg.api_key.expose())
            .map_err(|_| Error::config("api_key", "api_key contains characters not allowed in an HTTP header"))?;
        key.set_sensitive(true);
        h.insert(HeaderName::from_static("x-api-key"), key);
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", cfg.api_key.expose()))
            .map_err(|_| Error::config("api_key", "api_key contains characters not allowed in an HTTP header"))?;
        bearer.set_sensitive(true);
        h.insert(reqwest::header::AUTHORIZATION, bearer);

        Ok(Transport { http, lane_http: Mutex::new(Vec::new()), base_url, cfg, clock, breaker, static_headers: h })
    }

    /// The HTTP client for the runtime driving the current call: this thread's lane pool, or the shared one.
    fn http(&self) -> std::result::Result<reqwest::Client, Error> {
        let Some(tag) = crate::lane::current() else { return Ok(self.http.clone()) };
        let mut lanes = self.lane_http.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, client)) = lanes.iter().find(|(w, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&tag))) {
            return Ok(client.clone());
        }
        lanes.retain(|(w, _)| w.strong_count() > 0);
        let client = build_http(&self.cfg, &self.base_url)?;
        lanes.push((Arc::downgrade(&tag), client.clone()));
        Ok(client)
    }

    /// The absolute URL of `path` (already percent-encoded, starting with `/`) under `api_url`: the parsed base
    /// with its path replaced, which skips re-parsing (and IDNA-processing) the host on every request.
    fn url_for(&self, path: &str) -> url::Url {
        let mut url = self.base_url.clone();
        let prefix = self.base_url.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{path}"));
        url.set_query(None);
        url.set_fragment(None);
        url
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The breaker, when enabled.
    pub fn breaker(&self) -> Option<&Arc<CircuitBreaker>> {
        self.breaker.as_ref()
    }

    fn circuit_open(&self) -> Error {
        let recovery = self.cfg.circuit_breaker_timeout.as_secs_f64();
        Error::new(ErrorCode::CircuitOpen, "Circuit breaker is open - ASCEND service appears to be down")
            .with_detail("recovery_time_seconds", json!(recovery))
    }

    /// Sends a request with retries, breaker and status mapping. Governance 403s come back as `Ok` with
    /// `governance_denial = true`; every other non-2xx is an `Err`.
    pub async fn send(&self, req: &Request) -> Result<Reply> {
        self.send_with(req, None).await
    }

    /// [`send`](Self::send) with per-call options: their `timeout` and `max_retries` replace the client's (a long
    /// poll's own `attempt_timeout` still wins), and their headers are added to every attempt.
    pub async fn send_with(&self, req: &Request, opts: Option<&CallOptions>) -> Result<Reply> {
        if let Some(b) = &self.breaker {
            if !b.allow_request() {
                return Err(self.circuit_open());
            }
        }
        let max_retries = opts.and_then(|o| o.max_retries).unwrap_or(self.cfg.max_retries);
        let per_attempt = req.attempt_timeout.or(opts.and_then(|o| o.timeout)).unwrap_or(self.cfg.timeout);
        let extra_headers = opts.map(|o| o.headers.as_slice()).unwrap_or(&[]);
        let budget = per_attempt.mul_f64(f64::from(max_retries + 1));
        let hard_cap = budget * 2;
        let start = self.clock.monotonic();
        let body_text = match &req.body {
            Some(b) => Some(canonical::to_canonical(b)?),
            None => None,
        };
        let mut attempt: u32 = 0;
        loop {
            let correlation_id = new_correlation_id();
            let elapsed = self.clock.monotonic().saturating_sub(start);
            let timeout = per_attempt.min(hard_cap.saturating_sub(elapsed).max(Duration::from_millis(1)));
            let sent_at = self.clock.monotonic();
            let outcome = self.attempt(req, body_text.as_deref(), &correlation_id, timeout, extra_headers).await;
            log_attempt(req, &outcome, self.clock.monotonic().saturating_sub(sent_at), attempt, &correlation_id);
            match outcome {
                Ok(reply) => {
                    if let Some(b) = &self.breaker {
                        b.record_success();
                    }
                    return Ok(reply);
                }
                Err(f) => {
                    if f.retryable && attempt < max_retries {
                        let delay = match f.retry_after {
                            Some(d) => d.min(RETRY_AFTER_CAP),
                            None => full_jitter(attempt),
                        };
                        let elapsed = self.clock.monotonic().saturating_sub(start);
                        if elapsed + delay < hard_cap {
                            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, code = %f.error.code, "retrying");
                            self.clock.sleep(delay).await;
                            attempt += 1;
                            if let Some(b) = &self.breaker {
                                if !b.allow_request() {
                                    return Err(self.circuit_open());
                                }
                            }
                            continue;
                        }
                    }
                    if let Some(b) = &self.breaker {
                        if f.breaker_failure {
                            b.record_failure();
                        } else {
                            b.record_success();
                        }
                    }
                    return Err(f.error.with_correlation_id(Some(correlation_id)));
                }
            }
        }
    }

    async fn attempt(
        &self,
        req: &Request,
        body: Option<&str>,
        correlation_id: &str,
        timeout: Duration,
        extra_headers: &[(HeaderName, HeaderValue)],
    ) -> std::result::Result<Reply, AttemptFailure> {
        let url = self.url_for(&req.path);
        let timestamp = iso_timestamp(self.clock.now_unix_micros());
        let mut headers = self.static_headers.clone();
        // Before the SDK's own per-request headers, which the extra headers can never replace (CallOptions refuses
        // their names anyway).
        for (name, value) in extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        let hv = |s: &str| HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
        headers.insert(HeaderName::from_static("x-correlation-id"), hv(correlation_id));
        headers.insert(HeaderName::from_static("x-request-timestamp"), hv(&timestamp));
        if let Some(k) = &req.idempotency_key {
            headers.insert(HeaderName::from_static("idempotency-key"), hv(k));
        }
        if let (Some(secret), Some(text)) = (&self.cfg.signing_secret, body) {
            if canonical::is_signable(req.body.as_ref()) {
                let sig = canonical::sign(secret.expose(), &timestamp, text);
                headers.insert(HeaderName::from_static("x-signature"), hv(&sig));
            }
        }
        let http = self.http().map_err(|error| AttemptFailure {
            error,
            retryable: false,
            retry_after: None,
            breaker_failure: false,
        })?;
        let mut rb = http.request(req.method.clone(), url).headers(headers);
        if !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        rb = match body {
            Some(text) => rb.body(text.to_string()),
            None if req.method != Method::GET => rb.body(""),
            None => rb,
        };

        let exchange = async {
            let resp = rb.send().await?;
            let status = resp.status().as_u16();
            let long_poll =
                resp.headers().get("x-ascend-long-poll").and_then(|v| v.to_str().ok()).and_then(parse_long_poll);
            let retry_after = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
            let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
            let bytes = read_capped(resp).await?;
            Ok::<_, reqwest::Error>((status, long_poll, retry_after, request_id, bytes))
        };
        let outcome = match tokio::time::timeout(timeout, exchange).await {
            Err(_) => {
                return Err(self.transport_failure(ErrorCode::Timeout, timeout, "read timeout", correlation_id));
            }
            Ok(Err(e)) => {
                let code = if e.is_timeout() { ErrorCode::Timeout } else { ErrorCode::ConnectionError };
                return Err(self.transport_failure(code, timeout, &describe(&e), correlation_id));
            }
            Ok(Ok(o)) => o,
        };
        let (status, long_poll_max, retry_after, request_id, bytes) = outcome;
        let bytes = match bytes {
            Some(b) => b,
            None => {
                return Err(AttemptFailure {
                    error: Error::new(
                        ErrorCode::ServerError,
                        format!("Response body exceeds {} bytes", MAX_RESPONSE_BYTES),
                    )
                    .with_status(status),
                    retryable: false,
                    retry_after: None,
                    breaker_failure: false,
                })
            }
        };
        map_status(
            status,
            &bytes,
            retry_after.as_deref(),
            request_id,
            correlation_id,
            long_poll_max,
            self.clock.now_unix_micros(),
        )
    }

    fn transport_failure(&self, code: ErrorCode, timeout: Duration, original: &str, cid: &str) -> AttemptFailure {
        let error = match code {
            ErrorCode::Timeout => Error::new(code, format!("Request timed out after {}s", fmt_secs(timeout)))
                .with_detail("timeout_seconds", json!(timeout.as_secs_f64())),
            _ => Error::new(code, format!("Failed to connect to {}", self.cfg.api_url))
                .with_detail("original_error", Value::String(original.to_string())),
        };
        AttemptFailure {
            error: error.with_correlation_id(Some(cid.to_string())),
            retryable: true,
            retry_after: None,
            breaker_failure: true,
        }
    }
}

/// The one DEBUG line per request attempt (`ASCEND_LOG=debug`): method, path, status (0 when no response),
/// latency, attempt number (0-based) and correlation id, as structured fields; an error code when it failed.
fn log_attempt(
    req: &Request,
    outcome: &std::result::Result<Reply, AttemptFailure>,
    latency: Duration,
    attempt: u32,
    correlation_id: &str,
) {
    if !crate::log::enabled(crate::log::LogLevel::Debug) {
        return;
    }
    let latency_ms = (latency.as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    match outcome {
        Ok(reply) => tracing::debug!(
            method = %req.method, path = %req.path, status = reply.status, latency_ms, attempt, correlation_id,
            "request"
        ),
        Err(f) => tracing::debug!(
            method = %req.method, path = %req.path, status = f.error.status_code.unwrap_or(0), latency_ms, attempt,
            correlation_id, code = %f.error.code, "request"
        ),
    }
}

/// One HTTP client (connection pool) for `cfg` and its parsed `origin` (`api_url`): rustls, keep-alive,
/// TCP_NODELAY, same-origin redirects only (the API key never leaves the host), no proxy for loopback.
fn build_http(cfg: &Config, origin: &url::Url) -> Result<reqwest::Client> {
    let origin_host = origin.host_str().map(str::to_string);
    let origin_port = origin.port_or_known_default();
    let redirect = reqwest::redirect::Policy::custom(move |attempt| {
        let same = attempt.url().host_str().map(str::to_string) == origin_host
            && attempt.url().port_or_known_default() == origin_port;
        if attempt.previous().len() >= 5 || !same {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        // Above the 64 calls an asyncio program commonly keeps in flight: with 32, a steady 64 in flight closed and
        // reopened about one connection per 35 calls (bench/python/bench_concurrency.py).
        .pool_max_idle_per_host(128)
        .connect_timeout(cfg.timeout)
        .redirect(redirect)
        .https_only(false);
    let loopback = matches!(origin.host(), Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost"))
        || matches!(origin.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(origin.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    if loopback {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| Error::internal(format!("cannot build HTTP client: {e}")))
}

/// Renders a long-poll `wait` parameter (whole seconds).
pub fn fmt_wait(w: f64) -> String {
    format!("{}", w.max(0.0) as u64)
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", s as u64)
    } else {
        format!("{s}")
    }
}

/// Reads the body up to [`MAX_RESPONSE_BYTES`]; `None` when it is larger.
async fn read_capped(mut resp: reqwest::Response) -> std::result::Result<Option<Vec<u8>>, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n as usize > MAX_RESPONSE_BYTES) {
        return Ok(None);
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf))
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// Full-jitter exponential backoff for retry number `attempt` (0-based): uniform in `[0, min(cap, base·2^n)]`.
pub fn full_jitter(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16)).min(BACKOFF_CAP);
    let ms = rand::thread_rng().gen_range(0..=ceiling.as_millis() as u64);
    Duration::from_millis(ms)
}

/// Parses `Retry-After` as seconds or an HTTP-date (relative to `now_micros`); negative or past → 0.
pub fn parse_retry_after(value: &str, now_micros: i64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        // Beyond what a Duration holds (a hostile `1e20`) is the longest wait, which every caller caps; never a panic.
        return (secs.is_finite()).then(|| crate::clock::secs_saturating(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    let when_micros = when.duration_since(std::time::UNIX_EPOCH).ok()?.as_micros() as i64;
    Some(Duration::from_micros((when_micros - now_micros).max(0) as u64))
}

/// Parses `max=<seconds>` of `X-Ascend-Long-Poll`.
pub fn parse_long_poll(value: &str) -> Option<f64> {
    value
        .split([',', ';'])
        .filter_map(|part| part.trim().strip_prefix("max="))
        .find_map(|n| n.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite() && *n > 0.0)
}

fn detail_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// DECISIONS D8: a 403 is a governance denial iff `detail` is an object whose `error`/`code` contains
/// `governance` or `violation` or ends with `_DENY` (case-insensitive), or the body says `"decision": "denied"`.
pub fn is_governance_denial(body: &Value) -> bool {
    if body.get("decision").and_then(Value::as_str).is_some_and(|d| d.eq_ignore_ascii_case("denied")) {
        return true;
    }
    let Some(detail) = body.get("detail").and_then(Value::as_object) else {
        return false;
    };
    ["error", "code"].iter().any(|k| {
        detail.get(*k).and_then(detail_text).is_some_and(|s| {
            let l = s.to_ascii_lowercase();
            l.contains("governance") || l.contains("violation") || l.ends_with("_deny")
        })
    })
}

/// The synthetic DENIED payload of PROTOCOL §3.3 for a governance 403.
pub fn governance_denial_payload(body: &Value) -> Value {
    let empty = Map::new();
    let detail = body.get("detail").and_then(Value::as_object).unwrap_or(&empty);
    let get = |k: &str| detail.get(k).cloned().unwrap_or(Value::Null);
    let truthy = |k: &str| detail.get(k).and_then(detail_text);
    let reason = truthy("detail")
        .or_else(|| truthy("error"))
        .or_else(|| body.get("reason").and_then(detail_text))
        .unwrap_or_else(|| "Governance violation".into());
    let error = if detail.contains_key("error") { get("error") } else { get("code") };
    let mut metadata = Map::new();
    metadata.insert("governance_violation".into(), Value::Bool(true));
    metadata.insert("error".into(), error);
    metadata.insert("correlation_id".into(), get("correlation_id"));
    metadata.insert("raw_status".into(), Value::from("denied"));
    if let Some(c) = truthy("code") {
        metadata.insert("code".into(), Value::from(c));
    }
    for k in ["mcp_server_name", "model_id"] {
        if let Some(v) = truthy(k) {
            metadata.insert(k.into(), Value::from(v));
        }
    }
    json!({
        "decision": "denied",
        "status": "denied",
        "reason": reason,
        "action_id": body.get("action_id").or_else(|| body.get("id")).cloned().unwrap_or(Value::from("")),
        "correlation_id": get("correlation_id"),
        "execution_allowed": false,
        "metadata": Value::Object(metadata),
    })
}

fn map_status(
    status: u16,
    bytes: &[u8],
    retry_after: Option<&str>,
    request_id: Option<String>,
    correlation_id: &str,
    long_poll_max: Option<f64>,
    now_micros: i64,
) -> std::result::Result<Reply, AttemptFailure> {
    let text = String::from_utf8_lossy(bytes);
    let parsed: Option<Value> = if text.trim().is_empty() { None } else { serde_json::from_str(&text).ok() };
    let fail = |error: Error, retryable: bool, breaker_failure: bool| {
        let mut error = error.with_correlation_id(Some(correlation_id.to_string()));
        if let Some(rid) = &request_id {
            error.details.insert("request_id".into(), Value::from(rid.clone()));
        }
        AttemptFailure {
            error,
            retryable,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now_micros)),
            breaker_failure,
        }
    };
    let reply = |body: Value, governance_denial: bool| Reply {
        status,
        body,
        governance_denial,
        correlation_id: correlation_id.to_string(),
        long_poll_max,
    };
    let body_or_text = || parsed.clone().unwrap_or_else(|| json!({ "detail": text.to_string() }));
    let server_detail = |b: &Value| b.get("detail").and_then(detail_text);

    match status {
        200..=299 => {
            if text.trim().is_empty() {
                return Ok(reply(json!({}), false));
            }
            match parsed {
                Some(v) => Ok(reply(v, false)),
                None => Err(fail(
                    Error::new(ErrorCode::ServerError, "Malformed response: the server's success body is not JSON")
                        .with_status(status)
                        .with_detail("malformed_response", Value::Bool(true)),
                    false,
                    false,
                )),
            }
        }
        401 => Err(fail(Error::new(ErrorCode::AuthError, "Invalid or expired API key").with_status(401), false, false)),
        403 => {
            let body = body_or_text();
            if body.is_object() && is_governance_denial(&body) {
                return Ok(reply(governance_denial_payload(&body), true));
            }
            let message = match body.get("detail") {
                Some(Value::Object(d)) => d
                    .get("detail")
                    .and_then(detail_text)
                    .or_else(|| d.get("error").and_then(detail_text))
                    .unwrap_or_else(|| "Access denied".into()),
                Some(other) => detail_text(other).unwrap_or_else(|| "Access denied".into()),
                None => "Access denied".into(),
            };
            let mut e = Error::new(ErrorCode::AuthzDenied, message).with_status(403);
            if let Value::Object(m) = &body {
                for (k, v) in m {
                    e.details.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            let pv = body.get("policy_violations").cloned().unwrap_or_else(|| json!([]));
            e.details.insert("policy_violations".into(), pv);
            Err(fail(e, false, false))
        }
        400 | 422 => {
            let body = body_or_text();
            let message = server_detail(&body).unwrap_or_else(|| "Validation failed".into());
            let mut e = Error::new(ErrorCode::ValidationError, message).with_status(status);
            if let Some(d) = body.get("detail") {
                e.details.insert("detail".into(), d.clone());
            }
            let fe = body.get("errors").filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({}));
            e.details.insert("field_errors".into(), fe);
            Err(fail(e, false, false))
        }
        404 | 409 => {
            let body = body_or_text();
            let (code, default) = if status == 404 {
                (ErrorCode::NotFound, "Resource not found")
            } else {
                (ErrorCode::Conflict, "Resource conflict")
            };
            let mut e = Error::new(code, server_detail(&body).unwrap_or_else(|| default.into())).with_status(status);
            if let Some(d) = body.get("detail") {
                e.details.insert("detail".into(), d.clone());
            }
            Err(fail(e, false, false))
        }
        429 => {
            let after = retry_after.and_then(|v| parse_retry_after(v, now_micros));
            let mut e = Error::new(ErrorCode::RateLimited, "Rate limit exceeded").with_status(429);
            if let Some(a) = after {
                e.details.insert("retry_after_seconds".into(), json!(a.as_secs_f64()));
            }
            Err(fail(e, true, false))
        }
        500 | 502 | 503 | 504 => {
            let body = body_or_text();
            let mut e = Error::new(ErrorCode::ServerError, "Server error").with_status(status);
            if let Some(d) = server_detail(&body) {
                e.details.insert("detail".into(), Value::from(d));
            }
            Err(fail(e, true, true))
        }
        500..=599 => {
            let e = Error::new(ErrorCode::ServerError, "Server error").with_status(status);
            Err(fail(e, false, true))
        }
        _ => {
            let body = body_or_text();
            let message = server_detail(&body).unwrap_or_else(|| format!("HTTP {status}"));
            let mut e = Error::new(ErrorCode::HttpError, message).with_status(status);
            if let Some(d) = body.get("detail") {
                e.details.insert("detail".into(), d.clone());
            }
            Err(fail(e, false, false))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3", 0), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("-4", 0), Some(Duration::ZERO));
        let now = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
        assert_eq!(parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("Wed, 31 Dec 2025 00:00:05 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("1e20", now), Some(Duration::MAX));
        assert_eq!(parse_retry_after("1e400", now), None);
    }

    #[test]
    fn jitter_is_bounded() {
        for attempt in 0..10 {
            let d = full_jitter(attempt);
            assert!(d <= BACKOFF_CAP);
            assert!(d <= BACKOFF_BASE * (1 << attempt));
        }
    }

    #[test]
    fn jitter_is_spread_over_its_whole_range() {
        // Retry 3: uniform over [0, 4 s]. 1000 draws: the mean is 2 s with a standard error of ~37 ms, so the
        // bounds below are more than 10 standard errors away; a backoff stuck at 0 (or at the ceiling) fails.
        let ms: Vec<u128> = (0..1000).map(|_| full_jitter(3).as_millis()).collect();
        let mean = ms.iter().sum::<u128>() as f64 / ms.len() as f64;
        assert!((1600.0..=2400.0).contains(&mean), "mean {mean} ms");
        assert!(ms.iter().filter(|&&m| m < 1000).count() > 100, "too few short delays");
        assert!(ms.iter().filter(|&&m| m > 3000).count() > 100, "too few long delays");
    }

    #[test]
    fn governance_detection() {
        assert!(is_governance_denial(&json!({"detail": {"error": "MCP governance violation: x"}})));
        assert!(is_governance_denial(&json!({"detail": {"code": "MCP_SERVER_UNREGISTERED_DENY"}})));
        assert!(is_governance_denial(&json!({"decision": "DENIED"})));
        assert!(!is_governance_denial(&json!({"detail": "governance"})));
        assert!(!is_governance_denial(&json!({"detail": {"error": "forbidden"}})));
        assert_eq!(parse_long_poll("max=30"), Some(30.0));
        assert_eq!(parse_long_poll("foo"), None);
    }

    #[test]
    fn url_for_equals_parsing_the_joined_string() {
        let paths = [
            "/api/v1/actions/submit",
            "/api/v1/actions/a%2Fb%20c/status",
            "/api/v1/agents/%E2%9C%93/heartbeat",
            "/health",
            "/api/v1/actions/..%2F..%2Fadmin/details",
        ];
        for base in
            ["http://127.0.0.1:8080", "https://pilot.owkai.app", "http://[::1]:9000/prefix", "https://h.example/a/b"]
        {
            let cfg = crate::config::Config::resolve(&crate::config::ClientParams {
                api_key: Some("k".into()),
                api_url: Some(base.into()),
                env: Some(Default::default()),
                ..Default::default()
            })
            .unwrap();
            let t = Transport::new(Arc::new(cfg.clone()), Arc::new(crate::clock::SystemClock), None).unwrap();
            for path in paths {
                let want = url::Url::parse(&format!("{}{}", cfg.api_url, path)).unwrap();
                assert_eq!(t.url_for(path), want, "{base} + {path}");
            }
        }
    }

    /// A transport to `url` on a manual clock (sleeps return at once and are recorded), without a breaker.
    fn transport_with(
        url: &str,
        timeout: Option<f64>,
        max_retries: i64,
    ) -> (Transport, Arc<crate::clock::ManualClock>) {
        let cfg = crate::config::Config::resolve(&crate::config::ClientParams {
            api_key: Some("secret-key-1234".into()),
            api_url: Some(url.into()),
            timeout,
            max_retries: Some(max_retries),
            env: Some(Default::default()),
            ..Default::default()
        })
        .unwrap();
        let clock = crate::clock::ManualClock::new(1_767_225_600_000_000);
        (Transport::new(Arc::new(cfg), clock.clone(), None).unwrap(), clock)
    }

    fn transport_to(url: &str) -> Transport {
        transport_with(url, None, 0).0
    }

    #[test]
    fn a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_refused() {
        let server = ascend_mock_server::start_blocking().unwrap();
        let huge = |n: usize| {
            json!({"match": {"path": "/big"},
                   "respond": {"status": 200, "fault": "huge_body", "huge_body_bytes": n}})
        };
        // The documented cap, written out: a test built on the constant would move with it.
        const EIGHT_MIB: usize = 8 * 1024 * 1024;
        assert_eq!(MAX_RESPONSE_BYTES, EIGHT_MIB);
        server.load_json(&json!([huge(EIGHT_MIB), huge(EIGHT_MIB + 1)])).unwrap();
        let t = transport_to(&server.url);
        let send = || crate::lane::block_on(t.send(&Request::new(Method::GET, "/big")));
        // `{"pad":"x…"}`: 10 bytes of framing.
        let reply = send().unwrap();
        assert_eq!(reply.body["pad"].as_str().map(str::len), Some(EIGHT_MIB - 10));
        let e = send().unwrap_err();
        assert_eq!(e.code, ErrorCode::ServerError);
        assert!(e.message.contains("exceeds"), "{}", e.message);
    }

    #[test]
    fn debug_names_the_url_never_the_key() {
        let t = transport_to("http://127.0.0.1:9");
        let shown = format!("{t:?}");
        assert!(shown.contains("Transport") && shown.contains("http://127.0.0.1:9"), "{shown}");
        assert!(!shown.contains("secret-key-1234"), "{shown}");
    }

    #[test]
    fn timeout_seconds_are_printed_as_given() {
        assert_eq!(fmt_secs(Duration::from_secs(5)), "5");
        assert_eq!(fmt_secs(Duration::from_millis(2500)), "2.5");
        assert_eq!(fmt_secs(Duration::from_millis(250)), "0.25");
    }

    #[test]
    fn a_long_poll_maximum_must_be_positive() {
        assert_eq!(parse_long_poll("max=0"), None);
        assert_eq!(parse_long_poll("max=-5"), None);
        assert_eq!(parse_long_poll("max=0.5"), Some(0.5));
        assert_eq!(parse_long_poll("foo; max=20"), Some(20.0));
    }

    #[test]
    fn lane_pools_of_exited_threads_are_dropped_and_live_ones_kept() {
        let server = ascend_mock_server::start_blocking().unwrap();
        server
            .load_json(&json!([{"match": {"path": "/ok"}, "repeat": true, "respond": {"status": 200, "body": {}}}]))
            .unwrap();
        let t = Arc::new(transport_to(&server.url));
        let lanes = |t: &Transport| t.lane_http.lock().unwrap().len();
        // Two calls on a thread: the second runs on the thread's lane and gets a pool of its own.
        let two_calls = |t: &Transport| {
            for _ in 0..2 {
                crate::lane::block_on(t.send(&Request::new(Method::GET, "/ok"))).unwrap();
            }
        };
        let ta = t.clone();
        std::thread::spawn(move || two_calls(&ta)).join().unwrap();
        assert_eq!(lanes(&t), 1);
        // Thread B keeps its lane alive while thread C adds one: A's dead pool goes, B's live one stays.
        let (b_ready_tx, b_ready_rx) = std::sync::mpsc::channel();
        let (b_exit_tx, b_exit_rx) = std::sync::mpsc::channel::<()>();
        let tb = t.clone();
        let b = std::thread::spawn(move || {
            two_calls(&tb);
            b_ready_tx.send(()).unwrap();
            b_exit_rx.recv().unwrap();
        });
        b_ready_rx.recv().unwrap();
        let tc = t.clone();
        std::thread::spawn(move || two_calls(&tc)).join().unwrap();
        // B's pool (live) and C's (C has exited; pruned when the next lane comes).
        assert_eq!(lanes(&t), 2);
        let live = t.lane_http.lock().unwrap().iter().filter(|(w, _)| w.strong_count() > 0).count();
        assert_eq!(live, 1, "B's pool is kept");
        b_exit_tx.send(()).unwrap();
        b.join().unwrap();
    }

    #[test]
    fn a_retry_whose_delay_reaches_the_hard_cap_is_not_made() {
        // A 1 s timeout and one retry: a budget of 2 s and a hard cap of twice that, 4 s.
        let server = ascend_mock_server::start_blocking().unwrap();
        let limited = |after: &str| json!({"match": {"path": "/r"}, "respond": {"status": 429, "headers": {"Retry-After": after}, "body": {}}});
        let ok = json!({"match": {"path": "/r"}, "respond": {"status": 200, "body": {}}});
        server.load_json(&json!([limited("4"), limited("3.5"), ok])).unwrap();
        let (t, clock) = transport_with(&server.url, Some(1.0), 1);
        let send = || crate::lane::block_on(t.send(&Request::new(Method::GET, "/r")));
        assert_eq!(send().unwrap_err().code, ErrorCode::RateLimited);
        assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
        send().unwrap();
        assert_eq!(clock.sleeps(), [Duration::from_millis(3500)]);
    }

    #[test]
    fn a_redirect_to_another_port_of_the_same_host_is_not_followed() {
        // Same host, other port: another origin (another service), which must never see the API key.
        let elsewhere = ascend_mock_server::start_blocking().unwrap();
        elsewhere.load_json(&json!([{"match": {"path": "/x"}, "respond": {"status": 200, "body": {}}}])).unwrap();
        let server = ascend_mock_server::start_blocking().unwrap();
        let location = format!("{}/x", elsewhere.url);
        server
            .load_json(
                &json!([{"match": {"path": "/r"}, "respond": {"status": 302, "headers": {"Location": location}}}]),
            )
            .unwrap();
        let t = transport_to(&server.url);
        let e = crate::lane::block_on(t.send(&Request::new(Method::GET, "/r"))).unwrap_err();
        assert_eq!(e.status_code, Some(302), "{e:?}");
        assert!(elsewhere.requests().is_empty(), "followed to {location}");
    }
}
