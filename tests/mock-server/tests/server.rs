//! End-to-end tests with a raw `std::net::TcpStream` client.

use ascend_mock_server::{start_blocking, MockServer};
use serde_json::{json, Value};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

fn connect(s: &MockServer) -> TcpStream {
    let c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    c
}

/// Reads one response (Content-Length framed) from `c`, leaving following bytes unread.
fn read_resp(c: &mut TcpStream) -> Resp {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(c.read(&mut byte).unwrap(), 1, "EOF inside head: {:?}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    let text = String::from_utf8(head).unwrap();
    let mut lines = text.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(": ").unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    let len: usize =
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    c.read_exact(&mut body).unwrap();
    Resp { status, headers, body }
}

fn request(s: &MockServer, raw: &str) -> Resp {
    let mut c = connect(s);
    c.write_all(raw.as_bytes()).unwrap();
    read_resp(&mut c)
}

fn get(s: &MockServer, path: &str) -> Resp {
    request(s, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
}

fn post_json(s: &MockServer, path: &str, body: &Value) -> Resp {
    let b = body.to_string();
    request(
        s,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
            b.len()
        ),
    )
}

fn read_to_end(c: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut all = Vec::new();
    c.read_to_end(&mut all).map(|_| all)
}

#[test]
fn control_api_roundtrip() {
    let s = start_blocking().unwrap();
    assert!(s.url.starts_with("http://127.0.0.1:"));
    let h = get(&s, "/__mock/health");
    assert_eq!((h.status, h.json()), (200, json!({"status": "ok"})));
    assert!(h.header("date").is_some());

    let script = json!({"entries": [
        {"match": {"method": "get", "path": "/api/v1/x"}, "respond": {"status": 201, "body": {"a": 1}, "headers": {"X-Y": "z"}}}
    ]});
    let r = post_json(&s, "/__mock/script", &script);
    assert_eq!((r.status, r.json()), (200, json!({"loaded": 1, "entries": 1})));

    let r = get(&s, "/api/v1/x?b=2&c=%20d");
    assert_eq!((r.status, r.json()), (201, json!({"a": 1})));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-y"), Some("z"));

    let log = get(&s, "/__mock/requests").json();
    assert_eq!(log["unmatched"], 0);
    let reqs = log["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 1, "control requests are not recorded");
    let r0 = &reqs[0];
    assert_eq!(r0["method"], "GET");
    assert_eq!(r0["path"], "/api/v1/x");
    assert_eq!(r0["query"], json!({"b": "2", "c": " d"}));
    assert_eq!(r0["query_string"], "b=2&c=%20d");
    assert_eq!(r0["headers"]["host"], "x");
    assert_eq!(r0["body"], Value::Null);
    assert_eq!(r0["body_b64"], Value::Null);
    assert!(r0["received_at_ms"].as_u64().unwrap() > 1_600_000_000_000);

    // Exhausted: unmatched 599.
    let r = get(&s, "/api/v1/x");
    assert_eq!(r.status, 599);
    assert_eq!(r.json(), json!({"detail": "mock-server: no scripted response for GET /api/v1/x"}));
    assert_eq!(get(&s, "/__mock/requests").json()["unmatched"], 1);
    assert_eq!(s.unmatched(), 1);

    // Bad script loads nothing.
    let r = post_json(&s, "/__mock/script", &json!({"entries": [{"match": {}, "respond": {"nope": 1}}]}));
    assert_eq!(r.status, 400);
    assert!(r.json()["detail"].as_str().unwrap().contains("nope"));
    assert_eq!(get(&s, "/__mock/nothing").status, 404);
    assert_eq!(get(&s, "/__mock/reset").status, 405);

    let r = post_json(&s, "/__mock/reset", &json!(null));
    assert_eq!(r.status, 200);
    assert_eq!(get(&s, "/__mock/requests").json(), json!({"requests": [], "unmatched": 0}));
}

#[test]
fn ordering_times_repeat_and_lib_api() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([
        {"match": {"method": "POST", "path": "/a"}, "times": 2, "respond": {"status": 429, "headers": {"Retry-After": "1"}, "body": {}}},
        {"match": {"path_prefix": "/a"}, "repeat": true, "respond": {"body_raw": "plain"}},
        {"match": {"path": "/n"}, "respond": {"status": 204, "body": {"ignored": true}}}
    ]))
    .unwrap();
    assert!(s.load_json(&json!([{"match": {}, "respond": {"status": 99}}])).is_err());
    let p = |path: &str| post_json(&s, path, &json!({"k": "v"}));
    assert_eq!(p("/a").status, 429);
    let second = p("/a");
    assert_eq!((second.status, second.header("retry-after")), (429, Some("1")));
    let third = p("/a");
    assert_eq!((third.status, third.body.as_slice()), (200, &b"plain"[..]));
    assert_eq!(third.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(get(&s, "/abc").status, 200);
    let n = get(&s, "/n");
    assert_eq!((n.status, n.header("content-length"), n.body.len()), (204, None, 0));

    let reqs = s.requests();
    assert_eq!(reqs.len(), 5);
    assert_eq!(reqs[0].body_json(), Some(json!({"k": "v"})));
    assert_eq!(reqs[0].header("Content-Type"), Some("application/json"));
    assert_eq!(reqs[0].body_bytes(), br#"{"k":"v"}"#);
    assert_eq!(s.unmatched(), 0);
    s.reset();
    assert!(s.requests().is_empty());
    assert_eq!(get(&s, "/a").status, 599);
    s.shutdown();
}

#[test]
fn keep_alive_pipelining_chunked_and_expect() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([{"match": {}, "repeat": true, "respond": {"body": {"ok": true}}}])).unwrap();
    let mut c = connect(&s);
    // Two pipelined requests, then a chunked one with a trailer, then one with Expect.
    c.write_all(
        b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc\
          POST /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\n\xffpedia\r\n0\r\nX-T: 1\r\n\r\n",
    )
    .unwrap();
    for _ in 0..3 {
        let r = read_resp(&mut c);
        assert_eq!((r.status, r.header("connection")), (200, None));
    }
    c.write_all(b"PUT /4 HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n").unwrap();
    let cont = read_resp(&mut c);
    assert_eq!(cont.status, 100);
    c.write_all(b"hi").unwrap();
    let r = read_resp(&mut c);
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert_eq!(read_to_end(&mut c).unwrap(), b"", "closed after Connection: close");

    let reqs = s.requests();
    let paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/1", "/2", "/3", "/4"]);
    assert_eq!(reqs[0].body, None);
    assert_eq!(reqs[1].body.as_deref(), Some("abc"));
    assert_eq!(reqs[2].body, None, "not UTF-8");
    assert_eq!(reqs[2].body_bytes(), b"Wiki\xffpedia");
    assert_eq!(reqs[2].body_b64.as_deref(), Some("V2lraf9wZWRpYQ=="));
    assert_eq!(reqs[3].body.as_deref(), Some("hi"));
}

#[test]
fn garbage_and_limits() {
    let s = start_blocking().unwrap();
    for junk in [&b"\x00\x01\x02 garbage\r\n\r\n"[..], b"GET / HTTP/1.1\r\nno colon\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"]
    {
        let mut c = connect(&s);
        c.write_all(junk).unwrap();
        let r = read_resp(&mut c);
        assert!(r.status == 400 || r.status == 505, "{}", r.status);
        assert_eq!(read_to_end(&mut c).unwrap(), b"");
    }
    let r = request(&s, "POST /x HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n");
    assert_eq!(r.status, 413);
    let r = request(&s, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    assert_eq!(r.status, 400);
    // Half a request then EOF: no panic, server still fine.
    let mut c = connect(&s);
    c.write_all(b"POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nab").unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut c).unwrap(), b"");
    assert_eq!(get(&s, "/__mock/health").status, 200);
    assert!(s.requests().is_empty(), "malformed requests are not recorded");
}

#[test]
fn fault_reset() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([{"match": {}, "respond": {"fault": "reset"}}])).unwrap();
    let mut c = connect(&s);
    c.write_all(b"GET /r HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let err = read_to_end(&mut c).expect_err("reset must surface as an error");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    assert_eq!(s.requests().len(), 1);
}

#[test]
fn fault_close() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([{"match": {}, "respond": {"fault": "close"}}])).unwrap();
    let mut c = connect(&s);
    c.write_all(b"POST /c HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").unwrap();
    assert_eq!(read_to_end(&mut c).unwrap(), b"", "clean EOF, no bytes");
    assert_eq!(s.requests()[0].body.as_deref(), Some("{}"));
}

#[test]
fn fault_truncate() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([
        {"match": {"path": "/t"}, "respond": {"fault": "truncate", "body": {"id": 7, "status": "approved"}}},
        {"match": {"path": "/e"}, "respond": {"fault": "truncate"}}
    ]))
    .unwrap();
    for path in ["/t", "/e"] {
        let mut c = connect(&s);
        c.write_all(format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes()).unwrap();
        let all = read_to_end(&mut c).unwrap();
        let text = String::from_utf8(all).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let cl: usize = head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).unwrap().parse().unwrap();
        assert!(!body.is_empty() && body.len() < cl, "{path}: sent {} of {cl}", body.len());
    }
}

#[test]
fn fault_slow_body_and_delay() {
    let s = start_blocking().unwrap();
    s.load_json(&json!([
        {"match": {"path": "/slow"}, "respond": {"fault": "slow_body", "slow_body_ms": 60, "body": {"x": "0123456789"}}},
        {"match": {"path": "/delay"}, "respond": {"delay_ms": 400, "body": {}}},
        {"match": {"path": "/after"}, "respond": {"status": 202}}
    ]))
    .unwrap();
    let mut c = connect(&s);
    c.write_all(b"GET /slow HTTP/1.1\r\n\r\n").unwrap();
    let t = Instant::now();
    let r = read_resp(&mut c);
    assert!(t.elapsed() >= Duration::from_millis(4 * 60 - 20), "{:?}", t.elapsed());
    assert_eq!(r.json(), json!({"x": "0123456789"}));

    // Client read timeout fires during delay_ms; same connection then still works afterwards.
    c.write_all(b"GET /delay HTTP/1.1\r\n\r\n").unwrap();
    c.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let mut b = [0u8; 1];
    let e = c.read(&mut b).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{e:?}");
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(read_resp(&mut c).status, 200);
    c.write_all(b"GET /after HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_resp(&mut c).status, 202);
}

#[test]
fn fault_huge_body() {
    let s = start_blocking().unwrap();
    let n = 3 * 1024 * 1024 + 5;
    s.load_json(&json!([
        {"match": {"path": "/h"}, "respond": {"fault": "huge_body", "huge_body_bytes": n}},
        {"match": {"path": "/s"}, "respond": {"fault": "huge_body", "huge_body_bytes": 4}}
    ]))
    .unwrap();
    let mut c = connect(&s);
    c.write_all(b"GET /h HTTP/1.1\r\n\r\n").unwrap();
    let r = read_resp(&mut c);
    assert_eq!(r.body.len(), n);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v: Value = serde_json::from_slice(&r.body).expect("valid JSON");
    assert_eq!(v["pad"].as_str().unwrap().len(), n - 10);
    c.write_all(b"GET /s HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_resp(&mut c).body, b"{}  ");
}

#[tokio::test]
async fn async_start_and_refuses_non_loopback() {
    let bad = ascend_mock_server::start(Some("0.0.0.0:0".parse().unwrap())).await.unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    let s = ascend_mock_server::start(None).await.unwrap();
    s.load(vec![serde_json::from_value(json!({"match": {}, "respond": {"status": 503}})).unwrap()]).unwrap();
    let addr = s.addr;
    let status = tokio::task::spawn_blocking(move || {
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(b"DELETE /z HTTP/1.0\r\n\r\n").unwrap();
        let all = read_to_end(&mut c).unwrap();
        String::from_utf8(all).unwrap()
    })
    .await
    .unwrap();
    assert!(status.starts_with("HTTP/1.1 503 "), "{status}");
    assert!(status.contains("Connection: close"));
    assert_eq!(s.requests()[0].method, "DELETE");
}

#[test]
fn binary_prints_url_and_serves() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let exe = env!("CARGO_BIN_EXE_ascend-mock-server");
    let out = Command::new(exe).args(["--addr", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    let mut child = Command::new(exe).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let result = std::panic::catch_unwind(|| {
        let port = line.trim_end().strip_prefix("ascend-mock-server listening on http://127.0.0.1:").expect(&line);
        let mut c = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        c.write_all(b"GET /__mock/health HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(read_resp(&mut c).status, 200);
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}

#[test]
fn verify_judges_requests_unused_entries_and_sleeps() {
    let s = start_blocking().unwrap();
    let script = json!([
        {"match": {"method": "POST", "path": "/a"}, "respond": {"status": 201}},
        {"match": {"path": "/never"}, "respond": {}}
    ]);
    assert_eq!(post_json(&s, "/__mock/script", &script).status, 200);
    assert_eq!(post_json(&s, "/a?x=1", &json!({"n": 1, "flag": true})).status, 201);

    // Everything fits, but entry 1 was never used: a mismatch unless allowed.
    let want = json!([{"method": "post", "path": "/a", "query": {"x": "1"}, "body_exact": {"n": 1, "flag": true}}]);
    let v = post_json(&s, "/__mock/verify", &json!({"expect_requests": want})).json();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["mismatches"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["unused"], json!([{"entry": 1, "match": {"path": "/never"}, "used": 0, "left": 1}]));
    let v = post_json(&s, "/__mock/verify", &json!({"expect_requests": want, "allow_unused": true})).json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!((v["recorded"].as_u64(), v["unmatched"].as_u64()), (Some(1), Some(0)));

    // body_exact is type-strict: 1 is neither true nor 1.0.
    for exact in [json!({"n": true, "flag": true}), json!({"n": 1.0, "flag": true})] {
        let want = json!([{"method": "POST", "path": "/a", "body_exact": exact}]);
        let v = post_json(&s, "/__mock/verify", &json!({"expect_requests": want, "allow_unused": true})).json();
        assert_eq!(v["ok"], false, "{exact} accepted: {v}");
    }
    // $any refuses null; count and path mismatches are reported.
    let want = json!([{"method": "POST", "path": "/a", "body_subset": {"missing": {"$any": true}}}, {"method": "GET", "path": "/b"}]);
    let v = post_json(&s, "/__mock/verify", &json!({"expect_requests": want, "allow_unused": true})).json();
    assert_eq!(v["mismatches"].as_array().unwrap().len(), 2, "{v}");

    // An unanswered request is a mismatch even without expectations.
    assert_eq!(get(&s, "/nothing").status, 599);
    let v = post_json(&s, "/__mock/verify", &json!({"allow_unused": true})).json();
    assert_eq!((v["ok"].as_bool(), v["unmatched"].as_u64()), (Some(false), Some(1)), "{v}");

    // Sleeps: per-sleep bounds, a total, and a runner that forgot to report them.
    let sleeps =
        json!({"expect_sleeps": [0.5, {"min": 0.1, "max": 1.0}], "expect_sleep_total": {"min": 1.0, "max": 2.0}});
    let judge = |observed: Value| {
        let mut body = sleeps.clone();
        body["allow_unused"] = json!(true);
        if !observed.is_null() {
            body["sleeps"] = observed;
        }
        s.verify(&serde_json::from_value(body).unwrap()).mismatches.len()
    };
    assert_eq!(judge(json!([0.5, 0.6])), 1); // only the unmatched request
    assert_eq!(judge(json!([0.5, 0.2])), 2); // total 0.7 < 1.0
    assert_eq!(judge(json!([0.0, 1.5])), 3); // both sleeps out of bounds (total 1.5 fits), plus unmatched
    assert_eq!(judge(Value::Null), 2);

    // A typo in the body is refused rather than ignored.
    assert_eq!(post_json(&s, "/__mock/verify", &json!({"expect_request": []})).status, 400);
    assert_eq!(get(&s, "/__mock/verify").status, 405);
}
