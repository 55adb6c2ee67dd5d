//! Connection limits (issue 11 item 10): header-read, idle and body timeouts, and a connection cap that
//! always leaves room for a new client. In-process, on loopback, with short timeouts; every wait is bounded.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(server: &ascend_devserver::DevServer) -> TcpStream {
    TcpStream::connect(server.addr()).await.expect("connect")
}

/// Reads until the peer closes (Ok(0) or a reset) and returns how long that took, or None after `max`.
async fn closed_within(s: &mut TcpStream, max: Duration) -> Option<Duration> {
    let t = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(max.saturating_sub(t.elapsed()), s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(t.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

/// Reads one HTTP response (head + Content-Length body) from a kept-alive connection.
async fn read_response(s: &mut TcpStream) -> (u16, String) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n =
            tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.expect("response in time").unwrap();
        assert!(n > 0, "closed before a full response: {}", String::from_utf8_lossy(&data));
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= len {
                let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
                return (status, head.to_string() + "\r\n\r\n" + body);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_completes_is_cut_off() {
    let server = start_with(|c| {
        c.limits.header_read_timeout = Duration::from_millis(500);
        c.limits.idle_timeout = Duration::from_secs(30);
    })
    .await;
    let mut s = connect(&server).await;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    let took = closed_within(&mut s, Duration::from_secs(5)).await.expect("closed by the header-read timeout");
    assert!(took >= Duration::from_millis(400), "not before the timeout: {took:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start_with(|c| {
        c.limits.header_read_timeout = Duration::from_secs(30);
        c.limits.idle_timeout = Duration::from_millis(500);
    })
    .await;
    let mut s = connect(&server).await;
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let (status, _) = read_response(&mut s).await;
    assert_eq!(status, 200);
    let took = closed_within(&mut s, Duration::from_secs(5)).await.expect("closed by the idle timeout");
    assert!(took >= Duration::from_millis(400), "{took:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_poll_is_not_idle() {
    let server = start_with(|c| c.limits.idle_timeout = Duration::from_millis(300)).await;
    let (_, a) = agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "a", "action_type": "transaction", "resource": "ledger"}),
    )
    .await;
    let t = Instant::now();
    let (s, v) = send(
        http().get(format!("{}/api/v1/actions/{}/status?wait=1", server.url(), a["id"])).header("X-API-Key", API_KEY),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert!(t.elapsed() >= Duration::from_millis(900), "the wait ran to its end: {:?}", t.elapsed());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_trickles_in_too_slowly_is_a_json_408() {
    let server = start_with(|c| c.limits.body_timeout = Duration::from_millis(500)).await;
    let mut s = connect(&server).await;
    let head = format!(
        "POST /api/v1/actions/submit HTTP/1.1\r\nHost: x\r\nX-API-Key: {API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"agent_id\""
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let t = Instant::now();
    let (status, text) = read_response(&mut s).await;
    assert_eq!(status, 408, "{text}");
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert!(text.to_ascii_lowercase().contains("content-type: application/json"), "{text}");
    let body: Value = serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert!(body["detail"].as_str().unwrap().contains("not received within"), "{body}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_a_new_client_displaces_the_oldest_idle_connection() {
    let server = start_with(|c| c.limits.max_connections = 8).await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = connect(&server).await;
        s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    // Every new client gets through at once, agent API and admin API alike.
    for _ in 0..3 {
        let t = Instant::now();
        let (s, _) = send(http().get(format!("{}/health", server.url())).timeout(Duration::from_secs(5))).await;
        assert_eq!(s, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(admin_get(&server, "/api/admin/actions").await.0, 200);
    }
    // The oldest slow connections were closed to make room.
    let mut closed = 0;
    for s in slow.iter_mut().take(12) {
        if closed_within(s, Duration::from_millis(500)).await.is_some() {
            closed += 1;
        }
    }
    assert_eq!(closed, 12, "the 12 oldest of 20 slow connections were evicted at a cap of 8");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_cap_with_every_connection_busy_a_new_one_gets_a_json_503() {
    let server = start_with(|c| c.limits.max_connections = 2).await;
    let (_, a) = agent_post(
        &server,
        "/api/v1/actions/submit",
        json!({"agent_id": "a", "action_type": "transaction", "resource": "ledger"}),
    )
    .await;
    // Two long polls keep both connections busy for up to 3 s.
    let mut polls = Vec::new();
    for _ in 0..2 {
        let mut s = connect(&server).await;
        let req = format!(
            "GET /api/v1/actions/{}/status?wait=3 HTTP/1.1\r\nHost: x\r\nX-API-Key: {API_KEY}\r\n\r\n",
            a["id"]
        );
        s.write_all(req.as_bytes()).await.unwrap();
        polls.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut s = connect(&server).await;
    let (status, text) = read_response(&mut s).await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("\"detail\""), "{text}");
    // The long polls themselves complete normally.
    server.approve(a["id"].as_i64().unwrap(), None).unwrap();
    for s in polls.iter_mut() {
        assert_eq!(read_response(s).await.0, 200);
    }
    server.shutdown().await;
}
