//! Rust reference points for `bench/python` (`make bench`): a worker speaking the benchmark's stdin protocol
//! (prints `ready`, then for each stdin line `N` runs N calls and prints one JSON line of per-call nanoseconds).
//!
//! * `http_floor reqwest <url> <request file>`: a bare keep-alive POST with reqwest (same builder options as the
//!   core's transport) replaying the headers and body of a captured request, awaited in a loop on a
//!   current-thread runtime: the cheapest honest Rust HTTP client round trip.
//! * `http_floor reqwest-shared <url> <request file>`: the same on the core's shared multi-thread runtime
//!   (`block_on` from the calling thread), to separate the runtime's thread hand-offs from the core's own work.
//! * `http_floor core <url>`: `ascend_core::Client::evaluate_action` through the blocking facade
//!   (`lane::block_on`): the core without any Python.

use ascend_core::model::ActionRequest;
use ascend_core::{Client, ClientParams};
use std::io::{BufRead, Write};
use std::time::Instant;

fn worker(mut call: impl FnMut()) {
    call();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        let Ok(n) = line.unwrap_or_default().trim().parse::<usize>() else { break };
        let mut samples = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            call();
            samples.push(t.elapsed().as_nanos().to_string());
        }
        writeln!(out, "[{}]", samples.join(",")).unwrap();
        out.flush().unwrap();
    }
}

fn reqwest_floor(url: &str, request_file: &str, shared_runtime: bool) {
    let raw = std::fs::read(request_file).expect("request file");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("request head");
    let head = std::str::from_utf8(&raw[..split]).expect("utf-8 head");
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let path = lines.next().and_then(|l| l.split(' ').nth(1)).expect("request line").to_string();
    let mut headers = reqwest::header::HeaderMap::new();
    for line in lines {
        let (k, v) = line.split_once(':').expect("header line");
        let k = k.trim().to_ascii_lowercase();
        if k == "host" || k == "content-length" {
            continue;
        }
        headers.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            reqwest::header::HeaderValue::from_str(v.trim()).unwrap(),
        );
    }
    let own;
    let rt = if shared_runtime {
        ascend_core::runtime::runtime()
    } else {
        own = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        &own
    };
    let http = reqwest::Client::builder().tcp_nodelay(true).no_proxy().build().unwrap();
    let target = format!("{}{}", url.trim_end_matches('/'), path);
    worker(|| {
        rt.block_on(async {
            let resp = http.post(&target).headers(headers.clone()).body(body.clone()).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            resp.bytes().await.unwrap();
        })
    });
}

fn core_floor(url: &str) {
    let client = Client::new(ClientParams {
        api_key: Some("owkai_bench_0123456789".into()),
        api_url: Some(url.into()),
        agent_id: Some("bench-agent".into()),
        max_retries: Some(0),
        ..Default::default()
    })
    .expect("client");
    worker(|| {
        let mut req = ActionRequest::new("query", "db");
        req.wait_for_decision = false;
        let d = ascend_core::lane::block_on(client.evaluate_action(req)).expect("evaluate_action");
        assert_eq!(d.action_id, "1");
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.len()) {
        (Some("reqwest"), 4) => reqwest_floor(&args[2], &args[3], false),
        (Some("reqwest-shared"), 4) => reqwest_floor(&args[2], &args[3], true),
        (Some("core"), 3) => core_floor(&args[2]),
        _ => {
            eprintln!("usage: http_floor reqwest|reqwest-shared <url> <request file> | http_floor core <url>");
            std::process::exit(2);
        }
    }
}
