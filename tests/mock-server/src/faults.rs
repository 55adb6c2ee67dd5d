//! Sending a scripted `respond`: normal responses and the transport faults.

use crate::http::{bodiless, Conn, Head, Request};
use crate::script::{Fault, Respond};
use std::io;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// What the connection loop does after a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Read the next request on this connection.
    KeepAlive,
    /// Shut down the write side (FIN) and drop the connection.
    Close,
    /// Drop the connection immediately (after `reset` it goes out with an RST).
    Abort,
}

/// Default pause before each `slow_body` chunk.
pub const DEFAULT_SLOW_BODY_MS: u64 = 200;
/// Default `huge_body` size.
pub const DEFAULT_HUGE_BODY_BYTES: u64 = 16 * 1024 * 1024;
/// Number of chunks a `slow_body` body is split into.
pub const SLOW_BODY_CHUNKS: usize = 4;
/// Body used by `truncate` when the script gives none (truncating nothing is not a fault).
const TRUNCATE_PLACEHOLDER: &[u8] = br#"{"detail": "mock-server: this body is truncated on purpose"}"#;

/// The body bytes and default content type of a `respond`.
fn body_of(r: &Respond) -> (Vec<u8>, Option<&'static str>) {
    if let Some(v) = &r.body {
        (serde_json::to_vec(v).unwrap_or_default(), Some("application/json"))
    } else if let Some(raw) = &r.body_raw {
        (raw.clone().into_bytes(), Some("text/plain; charset=utf-8"))
    } else {
        (Vec::new(), None)
    }
}

/// The response head for `respond`, with `Content-Length: declared_len` (omitted for 204/304).
fn head_of(r: &Respond, req: &Request, content_type: Option<&str>, declared_len: u64) -> Head {
    let status = r.status.unwrap_or(200);
    let mut head = Head::new(status);
    if let Some(ct) = content_type {
        head.set("Content-Type", ct);
    }
    if !bodiless(status) {
        head.set("Content-Length", declared_len.to_string());
    }
    if !req.keep_alive {
        head.set("Connection", "close");
    } else if req.minor == 0 {
        head.set("Connection", "keep-alive");
    }
    for (n, v) in &r.headers {
        if !n.eq_ignore_ascii_case("content-length") && !n.eq_ignore_ascii_case("transfer-encoding") {
            head.set(n, v.clone());
        }
    }
    head
}

fn after(req: &Request) -> Next {
    if req.keep_alive {
        Next::KeepAlive
    } else {
        Next::Close
    }
}

/// Answers `req` as scripted by `r`.
pub async fn send(conn: &mut Conn, req: &Request, r: &Respond) -> io::Result<Next> {
    if let Some(ms) = r.delay_ms.filter(|&ms| ms > 0) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let status = r.status.unwrap_or(200);
    let no_body = req.is_head() || bodiless(status);
    let (body, ct) = body_of(r);
    match r.fault {
        None => {
            let mut out = head_of(r, req, ct, body.len() as u64).to_bytes();
            if !no_body {
                out.extend_from_slice(&body);
            }
            conn.stream.write_all(&out).await?;
            Ok(after(req))
        }
        Some(Fault::Reset) => {
            // SO_LINGER = 0: closing the socket sends RST instead of FIN and discards unsent data.
            conn.stream.set_zero_linger()?;
            Ok(Next::Abort)
        }
        Some(Fault::Close) => Ok(Next::Close),
        Some(Fault::Truncate) => {
            let (body, ct) =
                if body.is_empty() { (TRUNCATE_PLACEHOLDER.to_vec(), Some("application/json")) } else { (body, ct) };
            let mut head = head_of(r, req, ct, body.len() as u64);
            head.set("Content-Length", body.len().to_string()); // even for 204/304
            let mut out = head.to_bytes();
            out.extend_from_slice(&body[..body.len() / 2]);
            conn.stream.write_all(&out).await?;
            Ok(Next::Close)
        }
        Some(Fault::SlowBody) => {
            let pause = Duration::from_millis(r.slow_body_ms.unwrap_or(DEFAULT_SLOW_BODY_MS));
            conn.stream.write_all(&head_of(r, req, ct, body.len() as u64).to_bytes()).await?;
            if !no_body && !body.is_empty() {
                let chunk = body.len().div_ceil(SLOW_BODY_CHUNKS);
                for piece in body.chunks(chunk) {
                    tokio::time::sleep(pause).await;
                    conn.stream.write_all(piece).await?;
                }
            }
            Ok(after(req))
        }
        Some(Fault::HugeBody) => {
            let n = r.huge_body_bytes.unwrap_or(DEFAULT_HUGE_BODY_BYTES);
            conn.stream.write_all(&head_of(r, req, Some("application/json"), n).to_bytes()).await?;
            if !no_body {
                write_huge(conn, n).await?;
            }
            Ok(after(req))
        }
    }
}

/// Streams `n` bytes of JSON-looking text (`{"pad":"xxx…"}`) without allocating it all.
async fn write_huge(conn: &mut Conn, n: u64) -> io::Result<()> {
    const PREFIX: &[u8] = br#"{"pad":""#;
    const SUFFIX: &[u8] = br#""}"#;
    let framing = (PREFIX.len() + SUFFIX.len()) as u64;
    if n < framing {
        // Too small for the padded object: `{}` followed by spaces (still valid JSON when n >= 2).
        let small: Vec<u8> = b"{}".iter().copied().chain(std::iter::repeat(b' ')).take(n as usize).collect();
        return conn.stream.write_all(&small).await;
    }
    let block = vec![b'x'; 64 * 1024];
    conn.stream.write_all(PREFIX).await?;
    let mut left = n - framing;
    while left > 0 {
        let k = left.min(block.len() as u64) as usize;
        conn.stream.write_all(&block[..k]).await?;
        left -= k as u64;
    }
    conn.stream.write_all(SUFFIX).await
}
