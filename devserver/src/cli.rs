//! The `ascend-dev` command line: `serve`, and the admin commands that talk to a running server over HTTP
//! with the admin token (`approve`, `deny`, `list`, `models add|list`, `audit verify`, and the changes an
//! agent's API key may not make: `agents update`, `mcp add|activate`, `kill-switch release`).

use crate::state::ServerConfig;
use crate::DevServer;
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};
use std::io::Write;
use std::net::SocketAddr;

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(name = "ascend-dev", version, about = "Local ASCEND-compatible dev server on SQLite")]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Sub-commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Approve a pending action.
    Approve {
        /// Action id.
        id: String,
        /// Reviewer comment (becomes the decision's reason).
        #[arg(long)]
        comment: Option<String>,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
    /// Deny a pending action.
    Deny {
        /// Action id.
        id: String,
        /// Why (required).
        #[arg(long)]
        reason: String,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
    /// List actions.
    List {
        /// `pending`, `approved`, `rejected` or `all`.
        #[arg(long)]
        status: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
    /// Model registry.
    Models {
        /// What to do.
        #[command(subcommand)]
        cmd: ModelsCmd,
    },
    /// Audit log.
    Audit {
        /// What to do.
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Agent registry changes an agent's own API key may not make (raise thresholds, unblock).
    Agents {
        /// What to do.
        #[command(subcommand)]
        cmd: AgentsCmd,
    },
    /// MCP server registry (as the admin: auto-approved tools, re-activation).
    Mcp {
        /// What to do.
        #[command(subcommand)]
        cmd: McpCmd,
    },
    /// The organisation kill switch.
    KillSwitch {
        /// What to do.
        #[command(subcommand)]
        cmd: KillSwitchCmd,
    },
}

/// `ascend-dev agents ...`
#[derive(Debug, Subcommand)]
pub enum AgentsCmd {
    /// Set an agent's thresholds or status.
    Update {
        /// Agent id.
        id: String,
        /// Auto-approve scores below this (`default` resets to the server's).
        #[arg(long = "auto-approve-below")]
        auto_approve_below: Option<String>,
        /// Deny at or above this (`default` resets to the server's).
        #[arg(long = "deny-at")]
        deny_at: Option<String>,
        /// `active`, `suspended` or `blocked`.
        #[arg(long)]
        status: Option<String>,
        /// Why (with --status).
        #[arg(long)]
        reason: Option<String>,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
}

/// `ascend-dev mcp ...`
#[derive(Debug, Subcommand)]
pub enum McpCmd {
    /// Register an MCP server.
    Add {
        /// Server name.
        name: String,
        /// A tool that needs no human (repeatable).
        #[arg(long = "auto-approve")]
        auto_approve: Vec<String>,
        /// A tool that is always denied (repeatable).
        #[arg(long = "block")]
        block: Vec<String>,
        /// Display name.
        #[arg(long = "display-name")]
        display_name: Option<String>,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
    /// Re-activate a deactivated server.
    Activate {
        /// Server name.
        name: String,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
}

/// `ascend-dev kill-switch ...`
#[derive(Debug, Subcommand)]
pub enum KillSwitchCmd {
    /// Release the organisation kill switch.
    Release {
        /// Why (at least 10 characters).
        #[arg(long)]
        reason: String,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
}

fn threshold_arg(name: &str, v: &str) -> Result<Value, String> {
    if v.eq_ignore_ascii_case("default") {
        return Ok(Value::Null);
    }
    v.parse::<f64>().map(|n| json!(n)).map_err(|_| format!("{name} must be a number or `default`"))
}

/// `ascend-dev models ...`
#[derive(Debug, Subcommand)]
pub enum ModelsCmd {
    /// Add (or update) a model with its compliance status.
    Add {
        /// Model id, e.g. `llama-3-fine-tuned`.
        id: String,
        /// `approved`, `partially_approved` or `denied`.
        #[arg(long)]
        status: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
    /// List models.
    List {
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
}

/// `ascend-dev audit ...`
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Recompute the audit hash chain; exit status 1 if it is broken.
    Verify {
        /// Server connection.
        #[command(flatten)]
        conn: Conn,
    },
}

/// How review commands reach the server: `--url`, else `$ASCEND_DEV_URL`, else `$ASCEND_API_URL`, else
/// `http://127.0.0.1:8787`; `--token`/`--admin-token`, else `$ASCEND_DEV_ADMIN_TOKEN` (the lines
/// `ascend-dev serve` prints set both).
#[derive(Debug, Clone, Args)]
pub struct Conn {
    /// Server URL [default: $ASCEND_DEV_URL, else $ASCEND_API_URL, else http://127.0.0.1:8787].
    #[arg(long)]
    pub url: Option<String>,
    /// Admin token [default: $ASCEND_DEV_ADMIN_TOKEN].
    #[arg(long = "admin-token", visible_alias = "token", env = "ASCEND_DEV_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: String,
}

/// Port `ascend-dev serve` listens on when `--addr` is not given.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8787";

impl Conn {
    /// The server URL: the flag, else `ASCEND_DEV_URL`, else `ASCEND_API_URL`, else [`DEFAULT_URL`].
    pub fn base_url(&self) -> String {
        let env = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        self.url
            .clone()
            .or_else(|| env("ASCEND_DEV_URL"))
            .or_else(|| env("ASCEND_API_URL"))
            .unwrap_or_else(|| DEFAULT_URL.to_string())
    }
}

/// `ascend-dev serve` options.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Listen address; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// SQLite file, or `:memory:`.
    #[arg(long, default_value = "ascend-dev.db")]
    pub db: String,
    /// API key agents must send (generated and printed when absent).
    #[arg(long = "api-key", env = "ASCEND_DEV_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Admin token for reviews (generated and printed when absent).
    #[arg(long = "admin-token", env = "ASCEND_DEV_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Default auto-approve threshold: scores below it are approved.
    #[arg(long = "auto-approve-below", default_value_t = 70.0)]
    pub auto_approve_below: f64,
    /// Deny automatically at or above this score (default: never by score).
    #[arg(long = "deny-at")]
    pub deny_at: Option<f64>,
    /// Refuse unknown agents (403) instead of registering them on first use.
    #[arg(long = "require-registration")]
    pub require_registration: bool,
    /// Most connections open at once; at the cap the oldest idle one makes room for a new client.
    #[arg(long = "max-connections", default_value_t = 512)]
    pub max_connections: usize,
    /// Seconds allowed to receive a request head.
    #[arg(long = "header-read-timeout", default_value_t = 10.0)]
    pub header_read_timeout: f64,
    /// Seconds a keep-alive connection may stay idle.
    #[arg(long = "idle-timeout", default_value_t = 30.0)]
    pub idle_timeout: f64,
    /// Seconds allowed to receive a request body.
    #[arg(long = "body-timeout", default_value_t = 30.0)]
    pub body_timeout: f64,
}

fn seconds(name: &str, v: f64) -> Result<std::time::Duration, String> {
    if v.is_finite() && (0.1..=3600.0).contains(&v) {
        Ok(std::time::Duration::from_secs_f64(v))
    } else {
        Err(format!("{name} must be between 0.1 and 3600 seconds"))
    }
}

/// Quotes a value for a POSIX shell when it has anything but `[A-Za-z0-9_.:/@%+=,-]`.
fn sh_quote(v: &str) -> String {
    if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || "_.:/@%+=,-".contains(c)) {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "'\\''"))
    }
}

/// What `serve` prints on stdout once it accepts connections: the `listening` line (scripts wait for it), the
/// review page, and one ready-to-paste `export` line for agents (`ASCEND_API_URL`, `ASCEND_API_KEY`) and the
/// review CLI (`ASCEND_DEV_URL`, `ASCEND_DEV_ADMIN_TOKEN`).
pub fn ready_banner(url: &str, api_key: &str, admin_token: &str) -> String {
    format!(
        "ascend-dev listening on {url}\n\
         review page: {url}/  (sign in with the admin token)\n\
         # paste into the shell of your agent and of `ascend-dev approve|deny|list`:\n\
         export ASCEND_API_URL={u} ASCEND_API_KEY={k} ASCEND_DEV_URL={u} ASCEND_DEV_ADMIN_TOKEN={t}\n",
        u = sh_quote(url),
        k = sh_quote(api_key),
        t = sh_quote(admin_token),
    )
}

fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// Runs `serve` until SIGINT or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<(), String> {
    for (name, v) in [("--auto-approve-below", Some(args.auto_approve_below)), ("--deny-at", args.deny_at)] {
        if v.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
            return Err(format!("{name} must be between 0 and 100"));
        }
    }
    let api_key = match args.api_key.filter(|k| !k.is_empty()) {
        Some(k) => k,
        None => {
            let k = random_token("owkai_dev_");
            eprintln!("ascend-dev: generated API key: {k}");
            k
        }
    };
    let admin_token = match args.admin_token.filter(|k| !k.is_empty()) {
        Some(k) => k,
        None => {
            let k = random_token("adm_");
            eprintln!("ascend-dev: generated admin token: {k}");
            k
        }
    };
    if crate::auth::same(&api_key, &admin_token) {
        return Err("--api-key and --admin-token must differ (the admin token may relax governance)".into());
    }
    if !args.addr.ip().is_loopback() {
        eprintln!("ascend-dev: WARNING: listening on non-loopback address {}; this is a development server", args.addr);
    }
    let mut cfg = ServerConfig::new(api_key, admin_token);
    cfg.addr = args.addr;
    cfg.db = args.db;
    cfg.auto_approve_below = args.auto_approve_below;
    cfg.deny_at = args.deny_at;
    cfg.require_registration = args.require_registration;
    if args.max_connections == 0 {
        return Err("--max-connections must be at least 1".into());
    }
    cfg.limits.max_connections = args.max_connections;
    cfg.limits.header_read_timeout = seconds("--header-read-timeout", args.header_read_timeout)?;
    cfg.limits.idle_timeout = seconds("--idle-timeout", args.idle_timeout)?;
    cfg.limits.body_timeout = seconds("--body-timeout", args.body_timeout)?;
    // Install the signal handlers before announcing readiness, so a SIGTERM/SIGINT sent right after the
    // "listening" line always means a clean shutdown.
    let shutdown = ShutdownSignals::install();
    let server = DevServer::start(cfg).await.map_err(|e| e.to_string())?;
    let addr = server.addr();
    let host = if addr.is_ipv6() { format!("[{}]", addr.ip()) } else { addr.ip().to_string() };
    {
        let url = format!("http://{host}:{}", addr.port());
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{}", ready_banner(&url, server.api_key(), server.admin_token()));
        let _ = out.flush();
    }
    shutdown.wait().await;
    eprintln!("ascend-dev: shutting down");
    server.shutdown().await;
    Ok(())
}

/// SIGINT and SIGTERM, registered up front.
struct ShutdownSignals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl ShutdownSignals {
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
                (Ok(i), Ok(t)) => Some((i, t)),
                _ => None,
            };
            ShutdownSignals { streams }
        }
        #[cfg(not(unix))]
        {
            ShutdownSignals {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            if let Some((mut int, mut term)) = self.streams {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                return;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Calls an admin endpoint; a non-2xx answer becomes `Err(detail)`.
async fn call(conn: &Conn, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
    let client = reqwest::Client::builder().build().map_err(|e| e.to_string())?;
    let base = conn.base_url();
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let mut req = client.request(method, &url).header("x-admin-token", &conn.admin_token);
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let resp = req.send().await.map_err(|e| format!("cannot reach {base}: {e}"))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if status.is_success() {
        Ok(v)
    } else {
        let detail = v
            .get("detail")
            .map(|d| d.as_str().map(str::to_string).unwrap_or_else(|| d.to_string()))
            .unwrap_or_else(|| v.to_string());
        Err(format!("HTTP {}: {detail}", status.as_u16()))
    }
}

/// Percent-encodes a path segment (ids are user-chosen).
fn path_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// Runs a review command; returns the process exit code.
pub async fn run_client(cmd: Command) -> Result<i32, String> {
    use reqwest::Method;
    match cmd {
        Command::Serve(_) => unreachable!("serve is handled by main"),
        Command::Approve { id, comment, conn } => {
            let a = call(
                &conn,
                Method::POST,
                &format!("/api/admin/actions/{id}/approve"),
                Some(json!({"comment": comment, "reviewer": "cli"})),
            )
            .await?;
            println!("action {} {} ({})", cell(&a["id"]), cell(&a["status"]), cell(&a["reason"]));
        }
        Command::Deny { id, reason, conn } => {
            let a = call(
                &conn,
                Method::POST,
                &format!("/api/admin/actions/{id}/deny"),
                Some(json!({"reason": reason, "reviewer": "cli"})),
            )
            .await?;
            println!("action {} {} ({})", cell(&a["id"]), cell(&a["status"]), cell(&a["reason"]));
        }
        Command::List { status, json, conn } => {
            let q = status.map(|s| format!("?status={s}")).unwrap_or_default();
            let v = call(&conn, Method::GET, &format!("/api/admin/actions{q}"), None).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v["actions"]).unwrap_or_default());
            } else {
                println!(
                    "{:<6} {:<17} {:<8} {:<6} {:<10} {:<24} {:<20} RESOURCE",
                    "ID", "STATUS", "DECISION", "RISK", "AGE", "AGENT", "ACTION"
                );
                for a in v["actions"].as_array().into_iter().flatten() {
                    let age = a["age_seconds"].as_i64().map(crate::review::age_text).unwrap_or_else(|| "-".into());
                    println!(
                        "{:<6} {:<17} {:<8} {:<6} {:<10} {:<24} {:<20} {}",
                        cell(&a["id"]),
                        cell(&a["status"]),
                        cell(&a["decision"]),
                        cell(&a["risk_score"]),
                        age,
                        cell(&a["agent_id"]),
                        cell(&a["action_type"]),
                        cell(&a["resource"])
                    );
                }
            }
        }
        Command::Models { cmd: ModelsCmd::Add { id, status, name, conn } } => {
            let v = call(
                &conn,
                Method::POST,
                "/api/admin/models",
                Some(json!({"model_id": id, "compliance_status": status, "name": name})),
            )
            .await?;
            println!(
                "model {} (#{}) {}",
                cell(&v["model"]["model_id"]),
                cell(&v["model"]["id"]),
                cell(&v["model"]["compliance_status"])
            );
        }
        Command::Models { cmd: ModelsCmd::List { conn } } => {
            let v = call(&conn, Method::GET, "/api/admin/models", None).await?;
            for m in v["models"].as_array().into_iter().flatten() {
                println!("{:<4} {:<32} {}", cell(&m["id"]), cell(&m["model_id"]), cell(&m["compliance_status"]));
            }
        }
        Command::Agents { cmd: AgentsCmd::Update { id, auto_approve_below, deny_at, status, reason, conn } } => {
            let mut body = serde_json::Map::new();
            if let Some(v) = auto_approve_below {
                body.insert("auto_approve_below".into(), threshold_arg("--auto-approve-below", &v)?);
            }
            if let Some(v) = deny_at {
                body.insert("deny_at".into(), threshold_arg("--deny-at", &v)?);
            }
            if let Some(v) = status {
                body.insert("status".into(), v.into());
            }
            if let Some(v) = reason {
                body.insert("reason".into(), v.into());
            }
            let path = format!("/api/registry/agents/{}", path_segment(&id));
            let v = call(&conn, Method::PUT, &path, Some(Value::Object(body))).await?;
            let a = &v["agent"];
            println!(
                "agent {} {} (auto-approve below {}, deny at {})",
                cell(&a["agent_id"]),
                cell(&a["status"]),
                cell(&a["thresholds"]["auto_approve_below"]),
                cell(&a["thresholds"]["deny_at"])
            );
        }
        Command::Mcp { cmd: McpCmd::Add { name, auto_approve, block, display_name, conn } } => {
            let body = json!({"server_name": name, "display_name": display_name, "auto_approve_tools": auto_approve,
                              "blocked_tools": block});
            let v = call(&conn, Method::POST, "/api/registry/mcp-servers", Some(body)).await?;
            println!("{}", cell(&v["message"]));
        }
        Command::Mcp { cmd: McpCmd::Activate { name, conn } } => {
            let path = format!("/api/registry/mcp-servers/{}/activate", path_segment(&name));
            let v = call(&conn, Method::POST, &path, Some(json!({}))).await?;
            println!("{}", cell(&v["message"]));
        }
        Command::KillSwitch { cmd: KillSwitchCmd::Release { reason, conn } } => {
            let v = call(&conn, Method::POST, "/api/billing/kill-switch/1/release", Some(json!({"reason": reason})))
                .await?;
            println!("kill switch released: blocked = {}", cell(&v["blocked"]));
        }
        Command::Audit { cmd: AuditCmd::Verify { conn } } => {
            let v = call(&conn, Method::GET, "/api/admin/audit/verify", None).await?;
            if v["ok"] == Value::Bool(true) {
                println!("audit log OK: {} entries, head {}", cell(&v["entries"]), cell(&v["head"]));
            } else {
                println!("audit log BROKEN at entry {}: {}", cell(&v["broken_at"]), cell(&v["error"]));
                return Ok(1);
            }
        }
    }
    Ok(0)
}
