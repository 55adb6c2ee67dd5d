//! Shared state, the accept loop and the per-connection request loop.

use crate::control;
use crate::faults::{self, Next};
use crate::http::{Conn, Head, ReadError, Request};
use crate::record::RecordedRequest;
use crate::script::Script;
use crate::verify::{self, Verdict, VerifyRequest};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// Path prefix of the control API; requests under it are never recorded or scripted.
pub const CONTROL_PREFIX: &str = "/__mock/";

/// Everything the connections share.
#[derive(Debug, Default)]
pub struct State {
    /// The script being consumed.
    pub script: Script,
    /// Platform requests in arrival order.
    pub log: Vec<RecordedRequest>,
    /// Platform requests no entry could answer.
    pub unmatched: usize,
}

/// Handle to the shared state.
#[derive(Debug, Clone, Default)]
pub struct Shared(Arc<Mutex<State>>);

impl Shared {
    /// Locks the state; a panic elsewhere never makes the state unusable.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Judges a case's expectations against the log and the script (see [`crate::verify`]).
    pub fn verify(&self, req: &VerifyRequest) -> Verdict {
        let st = self.lock();
        verify::verify(req, &st.log, st.unmatched, st.script.unused())
    }
}

/// Accepts connections until the task is aborted; dropping the `JoinSet` aborts them all.
pub async fn accept_loop(listener: TcpListener, shared: Shared) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                conns.spawn(serve_conn(Conn::new(stream), shared.clone()));
            }
            // E.g. EMFILE: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// A complete JSON response (head + body bytes).
pub fn json_response(status: u16, body: &Value, req: Option<&Request>) -> Vec<u8> {
    let body = serde_json::to_vec(body).unwrap_or_default();
    let mut head = Head::new(status);
    head.set("Content-Type", "application/json");
    head.set("Content-Length", body.len().to_string());
    if req.is_none_or(|r| !r.keep_alive) {
        head.set("Connection", "close");
    }
    let mut out = head.to_bytes();
    if req.is_none_or(|r| !r.is_head()) {
        out.extend_from_slice(&body);
    }
    out
}

async fn serve_conn(mut conn: Conn, shared: Shared) {
    loop {
        let req = match conn.read_request().await {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, msg)) => {
                let body = json!({"detail": format!("mock-server: bad request: {msg}")});
                let _ = conn.stream.write_all(&json_response(status, &body, None)).await;
                let _ = conn.stream.shutdown().await;
                return;
            }
        };
        let next = if req.path.starts_with(CONTROL_PREFIX) {
            let (status, body) = control::handle(&shared, &req);
            match conn.stream.write_all(&json_response(status, &body, Some(&req))).await {
                Ok(()) if req.keep_alive => Next::KeepAlive,
                Ok(()) => Next::Close,
                Err(_) => Next::Abort,
            }
        } else {
            let scripted = {
                let mut st = shared.lock();
                st.log.push(RecordedRequest::from_request(&req));
                let r = st.script.take(&req.method, &req.path);
                if r.is_none() {
                    st.unmatched += 1;
                }
                r
            };
            match scripted {
                Some(r) => faults::send(&mut conn, &req, &r).await.unwrap_or(Next::Abort),
                None => {
                    let body =
                        json!({"detail": format!("mock-server: no scripted response for {} {}", req.method, req.path)});
                    match conn.stream.write_all(&json_response(599, &body, Some(&req))).await {
                        Ok(()) if req.keep_alive => Next::KeepAlive,
                        Ok(()) => Next::Close,
                        Err(_) => Next::Abort,
                    }
                }
            }
        };
        match next {
            Next::KeepAlive => continue,
            Next::Close => {
                let _ = conn.stream.shutdown().await;
                return;
            }
            Next::Abort => return,
        }
    }
}
