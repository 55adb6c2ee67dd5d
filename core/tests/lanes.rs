//! Blocking calls on per-thread lanes (`ascend_core::lane`): connection reuse per thread, idle connections the
//! server closed, threads that exit, and async calls on the shared runtime beside lane calls on one client.
//!
//! The server here is a few lines of std TCP (not the mock server) because these tests count and time connections.

use ascend_core::model::{ActionRequest, Decision};
use ascend_core::Client;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BODY: &str = r#"{"id": 1, "status": "approved", "risk_score": 35.0, "risk_level": "low"}"#;

#[derive(Default)]
struct Counters {
    accepted: AtomicUsize,
    requests: AtomicUsize,
    closed_by_client: AtomicUsize,
}

/// Keep-alive HTTP/1.1 server on 127.0.0.1 answering every request with `BODY`. With `idle_close`, a connection
/// that stays idle that long after a response is closed by the server (as real servers and proxies do).
fn serve(idle_close: Option<Duration>) -> (String, Arc<Counters>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counters = Arc::new(Counters::default());
    let c = counters.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            c.accepted.fetch_add(1, Ordering::SeqCst);
            let c = c.clone();
            std::thread::spawn(move || connection(stream, idle_close, &c));
        }
    });
    (url, counters)
}

fn connection(stream: TcpStream, idle_close: Option<Duration>, c: &Counters) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        reader.get_ref().set_read_timeout(idle_close).unwrap();
        let mut length = 0usize;
        let mut first = true;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) if first => {
                    c.closed_by_client.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                Ok(0) => return,
                Ok(_) => {}
                Err(_) => return, // idle timeout: the server closes the connection
            }
            first = false;
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        c.requests.fetch_add(1, Ordering::SeqCst);
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
            BODY.len()
        );
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

mod support;

fn client(url: &str) -> Client {
    support::client(url, "owkai_lane_test", "lane-agent")
}

fn evaluate(c: &Client) -> Decision {
    let mut req = ActionRequest::new("query", "db");
    req.wait_for_decision = false;
    ascend_core::lane::block_on(c.evaluate_action(req)).expect("evaluate_action").decision
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_thread_reuses_its_own_connection() {
    let (url, counters) = serve(None);
    let c = client(&url);
    std::thread::spawn(move || {
        for _ in 0..20 {
            assert_eq!(evaluate(&c), Decision::Allowed);
        }
    })
    .join()
    .unwrap();
    assert_eq!(counters.requests.load(Ordering::SeqCst), 20);
    // The thread's first call runs on the shared runtime's pool, the other 19 on the thread's lane.
    assert_eq!(counters.accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn idle_connections_closed_by_the_server_are_not_reused() {
    let (url, counters) = serve(Some(Duration::from_millis(30)));
    let c = client(&url);
    std::thread::spawn(move || {
        for _ in 0..6 {
            // max_retries = 0: a stale pooled connection would surface as a ConnectionError here.
            assert_eq!(evaluate(&c), Decision::Allowed);
            std::thread::sleep(Duration::from_millis(120));
        }
    })
    .join()
    .unwrap();
    assert_eq!(counters.requests.load(Ordering::SeqCst), 6);
    assert_eq!(counters.accepted.load(Ordering::SeqCst), 6, "every call needed a fresh connection");
}

#[test]
fn an_exiting_thread_closes_its_lane_connections() {
    let (url, counters) = serve(None);
    let c = client(&url);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                for _ in 0..3 {
                    assert_eq!(evaluate(&c), Decision::Allowed);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(counters.requests.load(Ordering::SeqCst), 12);
    // Each thread opened one lane connection; all four are closed once the threads are gone (the shared pool's
    // connections stay open for the client's next calls).
    wait_until("the lane connections of exited threads to close", || {
        counters.closed_by_client.load(Ordering::SeqCst) >= 4
    });
    assert_eq!(evaluate(&c), Decision::Allowed, "the client still works from another thread");
}

#[test]
fn async_calls_on_the_shared_runtime_and_lane_calls_share_a_client() {
    let (url, counters) = serve(None);
    let c = client(&url);
    let background = {
        let c = c.clone();
        ascend_core::runtime::runtime().spawn(async move {
            for _ in 0..50 {
                let mut req = ActionRequest::new("query", "db");
                req.wait_for_decision = false;
                assert_eq!(c.evaluate_action(req).await.unwrap().decision, Decision::Allowed);
            }
        })
    };
    let lane = {
        let c = c.clone();
        std::thread::spawn(move || {
            for _ in 0..50 {
                assert_eq!(evaluate(&c), Decision::Allowed);
            }
        })
    };
    lane.join().unwrap();
    ascend_core::lane::block_on(background).unwrap();
    assert_eq!(counters.requests.load(Ordering::SeqCst), 100);
}
