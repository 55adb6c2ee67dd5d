//! `ascend-mock-server`: a scripted fake ASCEND platform for the conformance suite.
//!
//! Every conformance runner talks to it: the Rust runner in-process through [`start`] /
//! [`start_blocking`], the Python, Node and Kotlin runners by spawning the
//! `ascend-mock-server` binary and using the HTTP control API under `/__mock/` (see
//! [`control`]).
//!
//! # Script semantics
//!
//! Entries (the `scripted` definition of `tests/conformance/schema/case.schema.json`) are kept
//! in load order. Each platform request is answered by the first entry that still has uses left
//! and whose `match` fits: `method` equal ignoring case, `path` equal to the raw path (query
//! excluded), `path_prefix` a prefix of it; absent fields fit anything. `times` (default 1) is
//! the number of uses, `repeat: true` makes them unlimited. A request no entry fits gets
//! `599 {"detail": "mock-server: no scripted response for METHOD PATH"}` and increments
//! [`MockServer::unmatched`]. Every platform request (matched or not) is recorded in arrival
//! order; control requests never are.
//!
//! # Verifying a case
//!
//! After the steps of a case, a runner asks the server to judge it: `POST /__mock/verify` (or
//! [`MockServer::verify`]) with the case's `expect_requests`, `allow_unused`, `expect_sleeps`,
//! `expect_sleep_total` and the sleeps it observed. The verdict lists every mismatch: requests that do
//! not fit (in arrival order, count included), requests no entry answered, scripted entries left over
//! (unless `allow_unused`), sleeps out of bounds. Runners report `mismatches` and fail when `ok` is false;
//! they never match requests themselves. See [`verify`] for the exact formats and [`matcher`] for the
//! subset matcher (`$any`, `$absent`, `$regex`, `$len`, `$approx`).
//!
//! # Responses and faults
//!
//! `status` defaults to 200. `body` (any JSON, `null` included) is sent as `application/json`;
//! `body_raw` verbatim with `text/plain; charset=utf-8` unless `headers` set a content type.
//! Normal responses carry `Date` and `Content-Length`, and the connection stays open for
//! keep-alive unless the client asked to close. Scripted headers override defaults of the same
//! name, except `Content-Length`/`Transfer-Encoding`, which the server always computes.
//! `delay_ms` sleeps before anything is sent, faults included. Faults:
//!
//! - `reset`: `SO_LINGER=0`, then drop: the client sees a TCP RST, no response bytes.
//! - `close`: the request is read, then the connection is shut down cleanly (FIN), no bytes.
//! - `truncate`: `Content-Length` of the full body, only the first half sent, then FIN. With no
//!   scripted body a placeholder JSON body is used.
//! - `slow_body`: correct headers at once, then the body in 4 chunks, each preceded by a pause
//!   of `slow_body_ms` (default 200), so the body takes about `4 * slow_body_ms`.
//! - `huge_body`: `Content-Length: huge_body_bytes` (default 16 MiB), body `{"pad":"xxx…"}`
//!   streamed in 64 KiB blocks (never allocated whole); the scripted body is ignored.
//!
//! # Why not axum
//!
//! The issue suggested axum. axum (via hyper) owns the socket and the HTTP framing; a handler
//! never sees the `TcpStream`. So it cannot set `SO_LINGER=0` to send an RST, and it cannot
//! close a connection without hyper writing a response first. `slow_body`, `huge_body` and
//! `truncate` could be approximated with streaming bodies, but what reaches the wire (and when
//! the connection is closed) would then be up to hyper. These faults are the point of this
//! server, so it uses a `tokio::net::TcpListener`
//! and a small HTTP/1.1 codec of its own ([`http`]): request line and headers, Content-Length and
//! chunked request bodies (capped at 16 MiB), `Expect: 100-continue`, keep-alive with several
//! requests per connection, `Connection: close`, and a 4xx-and-close on malformed input.
//!
//! # Network
//!
//! Loopback only: [`start`] refuses any non-loopback address.

pub mod control;
pub mod faults;
pub mod http;
pub mod matcher;
pub mod record;
pub mod script;
mod server;
pub mod verify;

pub use record::RecordedRequest;
pub use script::{Fault, Match, Respond, Scripted, Unused};
pub use verify::{Verdict, VerifyRequest};

use serde_json::Value;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

/// A running mock server. Dropping it (or [`MockServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct MockServer {
    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash; `[::1]` for IPv6).
    pub url: String,
    /// The bound address.
    pub addr: SocketAddr,
    shared: server::Shared,
    task: AbortHandle,
    own_runtime: Option<OwnRuntime>,
}

/// The thread running a [`start_blocking`] server's runtime.
#[derive(Debug)]
struct OwnRuntime {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// Starts a server on `addr` (default `127.0.0.1:0`, an ephemeral port) on the current tokio
/// runtime. Fails with `InvalidInput` for a non-loopback address.
pub async fn start(addr: Option<SocketAddr>) -> io::Result<MockServer> {
    let addr = addr.unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    if !addr.ip().to_canonical().is_loopback() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing non-loopback address {addr}")));
    }
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let shared = server::Shared::default();
    let task = tokio::spawn(server::accept_loop(listener, shared.clone())).abort_handle();
    Ok(MockServer { url: format!("http://{addr}"), addr, shared, task, own_runtime: None })
}

/// [`start`] on a dedicated thread with its own single-threaded runtime, for synchronous code.
pub fn start_blocking() -> io::Result<MockServer> {
    start_blocking_on(None)
}

/// [`start_blocking`] on a given (loopback) address.
pub fn start_blocking_on(addr: Option<SocketAddr>) -> io::Result<MockServer> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new().name("ascend-mock-server".into()).spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return drop(tx.send(Err(e))),
        };
        rt.block_on(async move {
            let started = start(addr).await;
            let ok = started.is_ok();
            let _ = tx.send(started);
            if ok {
                let _ = stopped.await;
            }
        });
    })?;
    let mut server = rx.recv().map_err(|_| io::Error::other("mock-server thread died before starting"))??;
    server.own_runtime = Some(OwnRuntime { stop, thread });
    Ok(server)
}

impl MockServer {
    /// Appends entries to the script. Fails (loading nothing) if one is invalid
    /// (status outside 200..=999, `times: 0`, both `body` and `body_raw`, bad header).
    /// Returns the number of entries loaded.
    pub fn load(&self, entries: Vec<Scripted>) -> Result<usize, String> {
        for (i, e) in entries.iter().enumerate() {
            e.validate().map_err(|m| format!("entry {i}: {m}"))?;
        }
        let n = entries.len();
        self.shared.lock().script.extend(entries);
        Ok(n)
    }

    /// Appends entries given as JSON: a case's `server` array or `{"entries": [...]}`.
    pub fn load_json(&self, v: &Value) -> Result<usize, String> {
        let entries = script::parse_entries(v)?;
        self.load(entries)
    }

    /// Platform requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// Clears script, request log and unmatched count.
    pub fn reset(&self) {
        let mut st = self.shared.lock();
        st.script.clear();
        st.log.clear();
        st.unmatched = 0;
    }

    /// Number of platform requests no entry could answer (answered with 599).
    pub fn unmatched(&self) -> usize {
        self.shared.lock().unmatched
    }

    /// Judges a case's expectations (`expect_requests`, unused entries, sleeps) against what the server saw;
    /// the same verdict as `POST /__mock/verify`.
    pub fn verify(&self, req: &VerifyRequest) -> Verdict {
        self.shared.verify(req)
    }

    /// Stops accepting and aborts open connections (same as dropping the server).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(rt) = self.own_runtime.take() {
            let _ = rt.stop.send(());
            let _ = rt.thread.join();
        }
    }
}
