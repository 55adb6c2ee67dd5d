//! Fixed-response HTTP/1.1 keep-alive server for `bench/python` (std only; `run.sh` builds it with `rustc -O`).
//!
//! `fixed_server serve`: listens on 127.0.0.1:0, prints `fixed-server listening on http://127.0.0.1:PORT` and
//! answers every request (any method, any path) with the same small JSON decision, one blocking thread per
//! connection (the lowest-latency design for a handful of keep-alive clients: no event loop, no allocation per
//! request beyond the header buffer). With `FIXED_SERVER_DUMP=<dir>` the first request of connection `n` is written
//! to `<dir>/<n>.http` (the benchmark replays ours' exact request bytes as the floor).
//!
//! `fixed_server raw <host:port> <request file>`: a raw-socket client worker (one connection, the request bytes
//! written as-is, the response read by `Content-Length`); the round trip of the server plus the kernel's loopback,
//! i.e. the cost no HTTP client can go below. Speaks the worker protocol of `bench_evaluate.py`: prints `ready`,
//! then for each stdin line `N` runs N calls and prints one JSON line `[ns, ns, ...]`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const BODY: &str = r#"{"id": 1, "status": "approved", "risk_score": 35.0, "risk_level": "low"}"#;

fn response() -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        BODY.len(),
        BODY
    )
    .into_bytes()
}

/// Reads one request head (up to and including the blank line) into `head`; `false` at EOF.
fn read_head<R: BufRead>(r: &mut R, head: &mut Vec<u8>) -> std::io::Result<bool> {
    head.clear();
    loop {
        let n = r.read_until(b'\n', head)?;
        if n == 0 {
            return Ok(false);
        }
        if head.ends_with(b"\r\n\r\n") || head == b"\r\n" || head.ends_with(b"\n\n") {
            return Ok(true);
        }
    }
}

fn header_value<'a>(head: &'a [u8], name: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn serve_conn(stream: TcpStream, n: usize, resp: &[u8], dump: Option<&str>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::with_capacity(64 * 1024, stream);
    let mut head = Vec::with_capacity(2048);
    let mut body = Vec::with_capacity(2048);
    let mut first = true;
    while read_head(&mut r, &mut head)? {
        let len: usize = header_value(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        body.resize(len, 0);
        r.read_exact(&mut body)?;
        w.write_all(resp)?;
        if first {
            first = false;
            if let Some(dir) = dump {
                let mut raw = head.clone();
                raw.extend_from_slice(&body);
                std::fs::write(format!("{dir}/{n}.http"), raw)?;
            }
        }
        if header_value(&head, "connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            break;
        }
    }
    Ok(())
}

fn serve() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let dump: Option<&'static str> = std::env::var("FIXED_SERVER_DUMP").ok().map(|s| &*Box::leak(s.into_boxed_str()));
    let resp: &'static [u8] = Box::leak(response().into_boxed_slice());
    let conns = AtomicUsize::new(0);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "fixed-server listening on http://{addr}")?;
        out.flush()?;
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let n = conns.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            let _ = serve_conn(stream, n, resp, dump);
        });
    }
    Ok(())
}

fn raw(addr: &str, request_file: &str) -> std::io::Result<()> {
    let request = std::fs::read(request_file)?;
    let stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    let mut w = stream.try_clone()?;
    let mut r = BufReader::with_capacity(64 * 1024, stream);
    let mut head = Vec::with_capacity(1024);
    let mut body = Vec::with_capacity(1024);
    let mut one = || -> std::io::Result<()> {
        w.write_all(&request)?;
        if !read_head(&mut r, &mut head)? {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "server closed"));
        }
        let len: usize = header_value(&head, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        body.resize(len, 0);
        r.read_exact(&mut body)
    };
    one()?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for line in stdin.lock().lines() {
        let line = line?;
        let Ok(n) = line.trim().parse::<usize>() else { break };
        let mut samples = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            one()?;
            samples.push(t.elapsed().as_nanos() as u64);
        }
        let text: Vec<String> = samples.iter().map(u64::to_string).collect();
        writeln!(out, "[{}]", text.join(","))?;
        out.flush()?;
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("serve") => serve(),
        Some("raw") if args.len() == 4 => raw(&args[2], &args[3]),
        _ => {
            eprintln!("usage: fixed_server serve | fixed_server raw <host:port> <request file>");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("fixed_server: {e}");
        std::process::exit(1);
    }
}
