//! Client configuration: constructor parameters (PROTOCOL §1.1), environment fallbacks (§1.2), the TLS rule
//! (DECISIONS D13) and validation of every value before any network I/O.

use crate::error::{Error, Result};
use crate::model::FailMode;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Default platform URL.
pub const DEFAULT_API_URL: &str = "https://pilot.owkai.app";
/// Default per-attempt timeout in seconds.
pub const DEFAULT_TIMEOUT: f64 = 5.0;
/// Default retry count.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Default breaker threshold.
pub const DEFAULT_BREAKER_THRESHOLD: u32 = 5;
/// Default breaker recovery timeout in seconds.
pub const DEFAULT_BREAKER_TIMEOUT: f64 = 30.0;

/// A secret string whose `Debug`/`Display` never reveal it (DECISIONS D19).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself; call only where it goes on the wire or into a MAC.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// The language binding a client was built by, named in the User-Agent
/// (`ascend-sdk-rs/0.1.0 (python 3.11; rust core 0.1.0)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingInfo {
    /// Host language or binding (`python`, `node`, `kotlin`, `swift`).
    pub name: String,
    /// The host runtime's version (`3.11`, `20.20.2`).
    pub version: String,
}

/// Constructor parameters as a host language passes them; `None` means "not given". `Debug` masks the API key
/// and the signing secret (D19).
#[derive(Clone, Default)]
pub struct ClientParams {
    /// Organisation API key (env `ASCEND_API_KEY`, `OWKAI_API_KEY`).
    pub api_key: Option<String>,
    /// This agent's id (env `ASCEND_AGENT_ID`).
    pub agent_id: Option<String>,
    /// Display name (env `ASCEND_AGENT_NAME`, else the agent id).
    pub agent_name: Option<String>,
    /// Base URL (env `ASCEND_API_URL`, `OWKAI_API_URL`, else the pilot URL).
    pub api_url: Option<String>,
    /// Free-text environment, default `production`.
    pub environment: Option<String>,
    /// `closed` | `open` | `local`, case-insensitive.
    pub fail_mode: Option<String>,
    /// Per-attempt timeout in seconds (fractional allowed).
    pub timeout: Option<f64>,
    /// Retries after the first attempt.
    pub max_retries: Option<i64>,
    /// Whether a circuit breaker guards the client.
    pub enable_circuit_breaker: Option<bool>,
    /// Consecutive failed calls before the breaker opens.
    pub circuit_breaker_threshold: Option<i64>,
    /// Seconds after the last failure before a half-open trial.
    pub circuit_breaker_timeout: Option<f64>,
    /// HMAC request-signing secret (env `ASCEND_SIGNING_SECRET`).
    pub signing_secret: Option<String>,
    /// Debug logging.
    pub debug: Option<bool>,
    /// Where the durable spool lives (D18); default in the user cache dir.
    pub audit_spool_path: Option<PathBuf>,
    /// Optional pre-scoring rules file (JSON or TOML).
    pub prescore_rules_path: Option<PathBuf>,
    /// Fail mode LOCAL's auto-approve threshold (D17), 0–100, default 70; the agent registry's value, once
    /// `register()` has learned it, takes precedence.
    pub local_auto_approve_below: Option<f64>,
    /// Start kill-switch polling at construction, every this many seconds (D11); `None`: only when
    /// `start_kill_switch_polling` is called.
    pub kill_switch_interval: Option<f64>,
    /// Environment to resolve fallbacks from; `None` reads the process environment.
    pub env: Option<HashMap<String, String>>,
    /// The binding that builds this client (User-Agent); `None` for Rust users.
    pub binding: Option<BindingInfo>,
    /// The host application, appended to the User-Agent (`my-agent/1.2`).
    pub app_info: Option<String>,
}

impl fmt::Debug for ClientParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mask = |s: &Option<String>| s.as_ref().map(|_| "****");
        f.debug_struct("ClientParams")
            .field("api_key", &mask(&self.api_key))
            .field("agent_id", &self.agent_id)
            .field("agent_name", &self.agent_name)
            .field("api_url", &self.api_url)
            .field("environment", &self.environment)
            .field("fail_mode", &self.fail_mode)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("enable_circuit_breaker", &self.enable_circuit_breaker)
            .field("circuit_breaker_threshold", &self.circuit_breaker_threshold)
            .field("circuit_breaker_timeout", &self.circuit_breaker_timeout)
            .field("signing_secret", &mask(&self.signing_secret))
            .field("debug", &self.debug)
            .field("audit_spool_path", &self.audit_spool_path)
            .field("prescore_rules_path", &self.prescore_rules_path)
            .field("binding", &self.binding)
            .field("app_info", &self.app_info)
            .finish_non_exhaustive()
    }
}

impl ClientParams {
    /// Constructor parameters from a JSON object keyed by the Python parameter names (`api_key`, `api_url`,
    /// `agent_id`, `agent_name`, `environment`, `fail_mode`, `timeout`, `max_retries`,
    /// `enable_circuit_breaker`, `circuit_breaker_threshold`, `circuit_breaker_timeout`, `signing_secret`,
    /// `debug`, `audit_spool_path`, `prescore_rules_path`, `app_info`, `local_auto_approve_below`, `kill_switch_interval`); null means not given. An unknown key
    /// or a value of the wrong type is a `CONFIGURATION_ERROR` naming the parameter.
    pub fn from_json(v: &serde_json::Value) -> Result<ClientParams> {
        use serde_json::Value;
        let empty = serde_json::Map::new();
        let obj = match v {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => return Err(Error::config("params", "client parameters must be an object")),
        };
        let want = |k: &str, what: &str| Error::config(k, format!("{k} must be {what}"));
        let text = |k: &str| -> Result<Option<String>> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(want(k, "a string")),
            }
        };
        let num = |k: &str| -> Result<Option<f64>> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => Ok(n.as_f64()),
                Some(_) => Err(want(k, "a number")),
            }
        };
        let int = |k: &str| -> Result<Option<i64>> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
                Some(_) => Err(want(k, "an integer")),
            }
        };
        let flag = |k: &str| -> Result<Option<bool>> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(want(k, "a boolean")),
            }
        };
        if let Some(k) = obj.keys().find(|k| !PARAM_NAMES.contains(&k.as_str())) {
            return Err(Error::config(k, format!("unknown client parameter '{k}'")));
        }
        Ok(ClientParams {
            api_key: text("api_key")?,
            agent_id: text("agent_id")?,
            agent_name: text("agent_name")?,
            api_url: text("api_url")?,
            environment: text("environment")?,
            fail_mode: text("fail_mode")?,
            timeout: num("timeout")?,
            max_retries: int("max_retries")?,
            enable_circuit_breaker: flag("enable_circuit_breaker")?,
            circuit_breaker_threshold: int("circuit_breaker_threshold")?,
            circuit_breaker_timeout: num("circuit_breaker_timeout")?,
            signing_secret: text("signing_secret")?,
            debug: flag("debug")?,
            audit_spool_path: text("audit_spool_path")?.map(PathBuf::from),
            prescore_rules_path: text("prescore_rules_path")?.map(PathBuf::from),
            app_info: text("app_info")?,
            local_auto_approve_below: num("local_auto_approve_below")?,
            kill_switch_interval: num("kill_switch_interval")?,
            env: None,
            binding: None,
        })
    }
}

/// Every constructor parameter's name (the keys of [`ClientParams::from_json`]).
pub const PARAM_NAMES: &[&str] = &[
    "api_key",
    "agent_id",
    "agent_name",
    "api_url",
    "environment",
    "fail_mode",
    "timeout",
    "max_retries",
    "enable_circuit_breaker",
    "circuit_breaker_threshold",
    "circuit_breaker_timeout",
    "signing_secret",
    "debug",
    "audit_spool_path",
    "prescore_rules_path",
    "app_info",
    "local_auto_approve_below",
    "kill_switch_interval",
];

/// Resolved, validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base URL without trailing slashes.
    pub api_url: String,
    /// API key.
    pub api_key: Secret,
    /// Agent id, if any.
    pub agent_id: Option<String>,
    /// Agent name, if any.
    pub agent_name: Option<String>,
    /// Environment label.
    pub environment: String,
    /// Fail mode.
    pub fail_mode: FailMode,
    /// Per-attempt timeout.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Breaker enabled.
    pub enable_circuit_breaker: bool,
    /// Breaker threshold.
    pub circuit_breaker_threshold: u32,
    /// Breaker recovery timeout.
    pub circuit_breaker_timeout: Duration,
    /// Signing secret.
    pub signing_secret: Option<Secret>,
    /// Debug logging requested.
    pub debug: bool,
    /// Spool path.
    pub audit_spool_path: PathBuf,
    /// Pre-scoring rules file.
    pub prescore_rules_path: Option<PathBuf>,
    /// Fail mode LOCAL's auto-approve threshold given to the constructor (D17).
    pub local_auto_approve_below: f64,
    /// Kill-switch polling interval started at construction, if any.
    pub kill_switch_interval: Option<Duration>,
    /// The User-Agent header value.
    pub user_agent: String,
}

/// `ascend-sdk-rs/<sdk> (<binding> <version>; rust core <sdk>) <os>/<arch>[ <app_info>]`.
pub fn user_agent(binding: Option<&BindingInfo>, app_info: Option<&str>) -> String {
    let v = crate::SDK_VERSION;
    let host = match binding {
        Some(b) => format!("{} {}", b.name, b.version),
        None => "rust".to_string(),
    };
    let mut ua =
        format!("ascend-sdk-rs/{v} ({host}; rust core {v}) {}/{}", std::env::consts::OS, std::env::consts::ARCH);
    if let Some(app) = app_info.map(str::trim).filter(|a| !a.is_empty()) {
        ua.push(' ');
        ua.push_str(app);
    }
    ua
}

impl Config {
    /// Resolves and validates parameters in the order of PROTOCOL §1.1 (URL, TLS rule, identity, fail mode, key).
    pub fn resolve(p: &ClientParams) -> Result<Config> {
        let env = |name: &str| -> Option<String> {
            let v = match &p.env {
                Some(m) => m.get(name).cloned(),
                None => std::env::var(name).ok(),
            };
            v.filter(|s| !s.is_empty())
        };
        let first = |arg: &Option<String>, names: &[&str]| -> Option<String> {
            arg.clone().filter(|s| !s.is_empty()).or_else(|| names.iter().find_map(|n| env(n)))
        };

        let raw_url =
            first(&p.api_url, &["ASCEND_API_URL", "OWKAI_API_URL"]).unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let api_url = raw_url.trim().trim_end_matches('/').to_string();
        check_url(&api_url)?;

        let api_key = first(&p.api_key, &["ASCEND_API_KEY", "OWKAI_API_KEY"]);
        let agent_id = first(&p.agent_id, &["ASCEND_AGENT_ID"]);
        let agent_name = first(&p.agent_name, &["ASCEND_AGENT_NAME"]).or_else(|| agent_id.clone());
        if agent_id.is_none() {
            warn_missing_agent_id();
        }
        let fail_mode = match (&p.fail_mode, env("ASCEND_FAIL_MODE")) {
            (Some(s), _) => parse_fail_mode(s)?,
            (None, Some(s)) => FailMode::parse(&s).ok_or_else(|| {
                Error::config(
                    "ASCEND_FAIL_MODE",
                    format!("ASCEND_FAIL_MODE='{s}' is not a valid FailMode (expected closed, open or local)"),
                )
            })?,
            (None, None) => FailMode::Closed,
        };
        let signing_secret = first(&p.signing_secret, &["ASCEND_SIGNING_SECRET"]).map(Secret::new);
        let api_key = match api_key {
            Some(k) if !k.trim().is_empty() => Secret::new(k),
            _ => {
                return Err(Error::config(
                    "api_key",
                    "API key is required. Pass api_key= or set ASCEND_API_KEY (or OWKAI_API_KEY).",
                ))
            }
        };

        let timeout = match (p.timeout, env("ASCEND_TIMEOUT")) {
            (Some(t), _) => positive_seconds("timeout", t)?,
            (None, Some(s)) => {
                s.trim().parse::<f64>().ok().and_then(|t| positive_seconds("ASCEND_TIMEOUT", t).ok()).ok_or_else(
                    || {
                        Error::config(
                            "ASCEND_TIMEOUT",
                            format!("ASCEND_TIMEOUT must be a positive number of seconds, got '{s}'"),
                        )
                    },
                )?
            }
            (None, None) => positive_seconds("timeout", DEFAULT_TIMEOUT)?,
        };
        let max_retries = match (p.max_retries, env("ASCEND_MAX_RETRIES")) {
            (Some(n), _) if (0..=100).contains(&n) => n as u32,
            (Some(n), _) => return Err(Error::config("max_retries", format!("max_retries must be 0..=100, got {n}"))),
            (None, Some(s)) => match s.trim().parse::<u32>() {
                Ok(n) if n <= 100 => n,
                _ => {
                    return Err(Error::config(
                        "ASCEND_MAX_RETRIES",
                        format!("ASCEND_MAX_RETRIES must be an integer 0..=100, got '{s}'"),
                    ))
                }
            },
            (None, None) => DEFAULT_MAX_RETRIES,
        };
        let circuit_breaker_threshold = match p.circuit_breaker_threshold {
            None => DEFAULT_BREAKER_THRESHOLD,
            Some(n) if n >= 1 && n <= u32::MAX as i64 => n as u32,
            Some(n) => {
                return Err(Error::config(
                    "circuit_breaker_threshold",
                    format!("circuit_breaker_threshold must be at least 1, got {n}"),
                ))
            }
        };
        let circuit_breaker_timeout = non_negative_seconds(
            "circuit_breaker_timeout",
            p.circuit_breaker_timeout.unwrap_or(DEFAULT_BREAKER_TIMEOUT),
        )?;
        let audit_spool_path = p.audit_spool_path.clone().unwrap_or_else(|| default_spool_path(agent_id.as_deref()));
        let local_auto_approve_below = match p.local_auto_approve_below {
            None => crate::failmode::LOCAL_AUTO_APPROVE_BELOW,
            Some(t) if crate::failmode::valid_threshold(t) => t,
            Some(t) => {
                return Err(Error::config(
                    "local_auto_approve_below",
                    format!("local_auto_approve_below must be a number in 0..=100, got {t}"),
                ))
            }
        };
        let kill_switch_interval =
            p.kill_switch_interval.map(|s| positive_seconds("kill_switch_interval", s)).transpose()?;

        Ok(Config {
            api_url,
            api_key,
            agent_id,
            agent_name,
            environment: p.environment.clone().unwrap_or_else(|| "production".to_string()),
            fail_mode,
            timeout,
            max_retries,
            enable_circuit_breaker: p.enable_circuit_breaker.unwrap_or(true),
            circuit_breaker_threshold,
            circuit_breaker_timeout,
            signing_secret,
            debug: p.debug.unwrap_or(false),
            audit_spool_path,
            prescore_rules_path: p.prescore_rules_path.clone(),
            local_auto_approve_below,
            kill_switch_interval,
            user_agent: user_agent(p.binding.as_ref(), p.app_info.as_deref()),
        })
    }
}

/// Logs once per process that a client has no agent id (its actions are attributed to `unknown`).
/// The `fail_mode` parameter given as text (a constructor argument, a configuration file): `closed`, `open` or
/// `local`, case-insensitive; anything else is a `CONFIGURATION_ERROR` naming `fail_mode` (PROTOCOL §1.1).
pub fn parse_fail_mode(value: &str) -> Result<FailMode> {
    FailMode::parse(value).ok_or_else(|| {
        let shown: String = value.chars().filter(|c| !c.is_control()).take(40).collect();
        Error::config("fail_mode", format!("'{shown}' is not a valid FailMode (expected closed, open or local)"))
    })
}

fn warn_missing_agent_id() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "no agent_id configured: pass agent_id= or set ASCEND_AGENT_ID; actions are attributed to agent 'unknown'"
        );
    });
}

fn positive_seconds(field: &str, v: f64) -> Result<Duration> {
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Error::config(field, format!("{field} must be a positive number of seconds (at most 86400), got {v}")))
    }
}

fn non_negative_seconds(field: &str, v: f64) -> Result<Duration> {
    if v.is_finite() && (0.0..=86_400.0).contains(&v) {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Error::config(field, format!("{field} must be 0..=86400 seconds, got {v}")))
    }
}

/// DECISIONS D13: `https` anywhere; plain `http` only for `localhost`, `127.0.0.0/8` and `::1`.
pub fn check_url(api_url: &str) -> Result<()> {
    let parsed = url::Url::parse(api_url)
        .map_err(|e| Error::config("api_url", format!("api_url is not a valid URL ({e}): {api_url}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(Error::config(
                "api_url",
                format!(
                    "HTTPS is required for non-local URLs: {api_url}. Use https:// or a loopback address \
                     (localhost, 127.0.0.1, ::1)."
                ),
            ))
        }
        other => {
            return Err(Error::config(
                "api_url",
                format!("Unsupported URL scheme '{other}' in {api_url}; use https://"),
            ))
        }
    }
    if parsed.host().is_none() {
        return Err(Error::config("api_url", format!("api_url has no host: {api_url}")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config("api_url", "api_url must not contain credentials"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config("api_url", "api_url must not contain a query or fragment"));
    }
    Ok(())
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn default_spool_path(agent_id: Option<&str>) -> PathBuf {
    let base = dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("ascend");
    let agent: String = agent_id
        .unwrap_or("default")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    base.join(format!("spool-{agent}.jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(url: &str) -> ClientParams {
        ClientParams {
            api_key: Some("k".into()),
            api_url: Some(url.into()),
            env: Some(HashMap::new()),
            ..Default::default()
        }
    }

    #[test]
    fn tls_rule() {
        for ok in
            ["https://x.example", "http://localhost:8080", "http://127.0.0.1", "http://127.9.9.9:1", "http://[::1]:80/"]
        {
            assert!(Config::resolve(&params(ok)).is_ok(), "{ok}");
        }
        for bad in ["http://localhost.evil.com", "http://example.com", "ftp://localhost", "localhost:8080", "not a url"]
        {
            let e = Config::resolve(&params(bad)).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ConfigurationError, "{bad}");
        }
    }

    #[test]
    fn trailing_slashes_and_env_precedence() {
        let mut env = HashMap::new();
        env.insert("OWKAI_API_KEY".to_string(), "from-owkai".to_string());
        env.insert("ASCEND_AGENT_ID".to_string(), "agent-7".to_string());
        let p = ClientParams {
            api_key: Some(String::new()),
            api_url: Some("https://h///".into()),
            env: Some(env),
            ..Default::default()
        };
        let c = Config::resolve(&p).unwrap();
        assert_eq!(c.api_url, "https://h");
        assert_eq!(c.api_key.expose(), "from-owkai");
        assert_eq!(c.agent_name.as_deref(), Some("agent-7"));
        assert!(!format!("{c:?}").contains("from-owkai"));
    }

    #[test]
    fn fail_mode_text_parses_or_names_the_field() {
        assert_eq!(parse_fail_mode(" LOCAL ").unwrap(), FailMode::Local);
        let e = parse_fail_mode("sideways").unwrap_err();
        assert_eq!((e.code, e.details["field"].as_str()), (crate::ErrorCode::ConfigurationError, Some("fail_mode")));
    }

    #[test]
    fn timeout_retries_and_fail_mode_fall_back_to_env() {
        let with_env = |pairs: &[(&str, &str)]| {
            let mut p = params("https://h");
            p.env = Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
            p
        };
        let vars = [("ASCEND_TIMEOUT", "2.5"), ("ASCEND_MAX_RETRIES", "7"), ("ASCEND_FAIL_MODE", "open")];
        let c = Config::resolve(&with_env(&vars)).unwrap();
        assert_eq!((c.timeout, c.max_retries, c.fail_mode), (Duration::from_millis(2500), 7, FailMode::Open));
        let mut p = with_env(&vars);
        (p.timeout, p.max_retries, p.fail_mode) = (Some(1.0), Some(0), Some("local".into()));
        let c = Config::resolve(&p).unwrap();
        assert_eq!((c.timeout, c.max_retries, c.fail_mode), (Duration::from_secs(1), 0, FailMode::Local));
        let c = Config::resolve(&with_env(&[])).unwrap();
        assert_eq!((c.timeout.as_secs_f64(), c.max_retries, c.fail_mode), (DEFAULT_TIMEOUT, 3, FailMode::Closed));
        for (var, bad) in [
            ("ASCEND_TIMEOUT", "soon"),
            ("ASCEND_TIMEOUT", "-1"),
            ("ASCEND_MAX_RETRIES", "many"),
            ("ASCEND_MAX_RETRIES", "101"),
            ("ASCEND_FAIL_MODE", "sideways"),
        ] {
            let e = Config::resolve(&with_env(&[(var, bad)])).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ConfigurationError, "{var}={bad}");
            assert_eq!(e.details["field"], var, "{var}={bad}");
            assert!(e.message.contains(var), "{}", e.message);
        }
    }

    #[test]
    fn bad_values_name_the_field() {
        let mut p = params("https://h");
        p.timeout = Some(f64::NAN);
        assert_eq!(Config::resolve(&p).unwrap_err().details["field"], "timeout");
        p.timeout = Some(0.0);
        assert_eq!(Config::resolve(&p).unwrap_err().details["field"], "timeout");
        p.timeout = Some(0.25);
        p.fail_mode = Some("sideways".into());
        assert_eq!(Config::resolve(&p).unwrap_err().details["field"], "fail_mode");
        p.fail_mode = Some("LOCAL".into());
        assert_eq!(Config::resolve(&p).unwrap().fail_mode, FailMode::Local);
        p.api_key = None;
        assert_eq!(Config::resolve(&p).unwrap_err().details["field"], "api_key");
    }

    #[test]
    fn local_auto_approve_below_is_validated() {
        assert_eq!(Config::resolve(&params("http://127.0.0.1:1")).unwrap().local_auto_approve_below, 70.0);
        let p = ClientParams { local_auto_approve_below: Some(30.0), ..params("http://127.0.0.1:1") };
        assert_eq!(Config::resolve(&p).unwrap().local_auto_approve_below, 30.0);
        for bad in [-0.1, 100.5, f64::NAN, f64::INFINITY] {
            let p = ClientParams { local_auto_approve_below: Some(bad), ..params("http://127.0.0.1:1") };
            let e = Config::resolve(&p).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::ConfigurationError);
            assert_eq!(e.details["field"], "local_auto_approve_below");
        }
    }

    #[test]
    fn kill_switch_interval_is_validated() {
        assert_eq!(Config::resolve(&params("http://127.0.0.1:1")).unwrap().kill_switch_interval, None);
        let p = ClientParams { kill_switch_interval: Some(2.5), ..params("http://127.0.0.1:1") };
        assert_eq!(Config::resolve(&p).unwrap().kill_switch_interval, Some(Duration::from_millis(2500)));
        for bad in [0.0, -1.0, f64::NAN] {
            let p = ClientParams { kill_switch_interval: Some(bad), ..params("http://127.0.0.1:1") };
            let e = Config::resolve(&p).unwrap_err();
            assert_eq!(e.details["field"], "kill_switch_interval");
        }
    }
}
