//! The accept loop: HTTP/1.1 connections with a header-read timeout, an idle timeout and a connection cap, so
//! slow or idle clients cannot starve the server of file descriptors (issue 11 item 10).
//!
//! * A request head must arrive within `header_read_timeout` (hyper closes the connection otherwise).
//! * A keep-alive connection with no request in flight is closed after `idle_timeout`.
//! * A request body must arrive within `body_timeout` (enforced by [`crate::routes`], answered with 408).
//! * At most `max_connections` are open. When a new one arrives at the cap, the oldest connection that has no
//!   request in flight (slow head, or idle keep-alive) is closed to make room; if every connection is busy the
//!   new one gets a JSON 503 and is closed. Accept errors (such as running out of file descriptors) also close
//!   the oldest idle connection. So a new client — `/health`, an admin, an agent — always gets through.

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Connection limits and timeouts of the server.
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// Most connections open at once (512).
    pub max_connections: usize,
    /// Time allowed to receive a complete request head (10 s).
    pub header_read_timeout: Duration,
    /// A keep-alive connection with no request in flight is closed after this (30 s).
    pub idle_timeout: Duration,
    /// Time allowed to receive a complete request body (30 s).
    pub body_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
        }
    }
}

/// The answer written to a connection refused at the cap while every open connection is busy.
const OVERLOADED: &str = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 65\r\n\
retry-after: 1\r\nconnection: close\r\n\r\n{\"detail\":\"Too many open connections; retry in a moment, please\"}";

/// One open connection as the registry sees it.
struct Entry {
    /// Requests in flight on it.
    busy: Arc<AtomicUsize>,
    /// Notified to close it.
    evict: Arc<Notify>,
}

/// Open connections, oldest first.
#[derive(Default)]
struct Registry {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, Entry>>,
}

/// A connection's handle on its registry entry.
struct Slot {
    id: u64,
    busy: Arc<AtomicUsize>,
    evict: Arc<Notify>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Entry>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Closes the oldest connection with no request in flight; false if there is none.
    fn evict_oldest_idle(open: &mut BTreeMap<u64, Entry>) -> bool {
        let Some(id) = open.iter().find(|(_, e)| e.busy.load(Ordering::SeqCst) == 0).map(|(id, _)| *id) else {
            return false;
        };
        if let Some(e) = open.remove(&id) {
            e.evict.notify_one();
        }
        true
    }

    /// Registers a new connection, making room at the cap; `None` when every open connection is busy.
    fn admit(&self, max: usize) -> Option<Slot> {
        let mut open = self.lock();
        while open.len() >= max.max(1) {
            if !Self::evict_oldest_idle(&mut open) {
                return None;
            }
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (busy, evict) = (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new()));
        open.insert(id, Entry { busy: busy.clone(), evict: evict.clone() });
        Some(Slot { id, busy, evict })
    }

    fn release(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Marks a request in flight on its connection; on drop, records the time the connection went idle.
struct InFlight {
    busy: Arc<AtomicUsize>,
    last: Arc<Mutex<Instant>>,
}

impl InFlight {
    fn new(busy: &Arc<AtomicUsize>, last: &Arc<Mutex<Instant>>) -> Self {
        busy.fetch_add(1, Ordering::SeqCst);
        InFlight { busy: busy.clone(), last: last.clone() }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` until `stop` becomes true, then lets open requests finish (at most 5 s).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry::default());
    let mut tasks = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stop.wait_for(|s| *s) => break,
        };
        while tasks.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Typically EMFILE: free a descriptor held by an idle connection and back off a little.
                tracing::warn!(error = %e, "accept failed");
                Registry::evict_oldest_idle(&mut registry.lock());
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let Some(slot) = registry.admit(limits.max_connections) else {
            let _ = stream.try_write(OVERLOADED.as_bytes());
            continue;
        };
        tasks.spawn(connection(stream, app.clone(), slot, limits.clone(), stop.clone(), registry.clone()));
    }
    drop(listener);
    let drain = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(5), drain).await.is_err() {
        tasks.abort_all();
    }
    Ok(())
}

async fn connection(
    stream: TcpStream,
    app: Router,
    slot: Slot,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
    registry: Arc<Registry>,
) {
    let _ = stream.set_nodelay(true);
    let last = Arc::new(Mutex::new(Instant::now()));
    let (busy, last_svc) = (slot.busy.clone(), last.clone());
    let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let guard = InFlight::new(&busy, &last_svc);
        let app = app.clone();
        async move {
            let resp = app.oneshot(req.map(Body::new)).await;
            drop(guard);
            resp
        }
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    let mut stopping = false;
    loop {
        let idle_for = last.lock().unwrap_or_else(|p| p.into_inner()).elapsed();
        let wake_in = limits.idle_timeout.saturating_sub(idle_for).max(Duration::from_millis(10));
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = slot.evict.notified() => break,
            _ = stop.wait_for(|s| *s), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep(wake_in) => {
                let idle = slot.busy.load(Ordering::SeqCst) == 0
                    && last.lock().unwrap_or_else(|p| p.into_inner()).elapsed() >= limits.idle_timeout;
                if idle {
                    break;
                }
            }
        }
    }
    registry.release(slot.id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canned_503_has_the_right_length() {
        let (_, body) = OVERLOADED.split_once("\r\n\r\n").unwrap();
        assert!(OVERLOADED.contains(&format!("content-length: {}\r\n", body.len())));
        assert!(serde_json::from_str::<serde_json::Value>(body).unwrap()["detail"].is_string());
    }

    #[test]
    fn admission_evicts_the_oldest_idle_connection_and_refuses_when_all_are_busy() {
        let r = Registry::default();
        let a = r.admit(2).unwrap();
        let b = r.admit(2).unwrap();
        a.busy.fetch_add(1, Ordering::SeqCst);
        let c = r.admit(2).unwrap();
        assert!(r.lock().contains_key(&a.id), "a is busy: kept");
        assert!(!r.lock().contains_key(&b.id), "b was the oldest idle one: evicted");
        c.busy.fetch_add(1, Ordering::SeqCst);
        assert!(r.admit(2).is_none(), "all busy: refused");
        r.release(a.id);
        assert!(r.admit(2).is_some());
    }
}
