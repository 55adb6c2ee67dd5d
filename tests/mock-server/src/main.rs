//! `ascend-mock-server [--addr 127.0.0.1:PORT]`: runs the scripted fake platform until killed.
//!
//! When ready it prints exactly one line to stdout,
//! `ascend-mock-server listening on http://127.0.0.1:PORT`, and flushes it. Scripts are loaded
//! and requests inspected through the control API under `/__mock/` (see the library docs).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "usage: ascend-mock-server [--addr 127.0.0.1:PORT]  (loopback only; default 127.0.0.1:0)";

fn parse_args() -> Result<Option<SocketAddr>, String> {
    let mut addr = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = match a.as_str() {
            "--addr" => args.next().ok_or("--addr needs a value")?,
            s if s.starts_with("--addr=") => s["--addr=".len()..].to_string(),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        };
        let parsed: SocketAddr = value.parse().map_err(|_| format!("--addr {value:?} is not IP:PORT"))?;
        if !parsed.ip().to_canonical().is_loopback() {
            return Err(format!("--addr {parsed} is not a loopback address"));
        }
        addr = Some(parsed);
    }
    Ok(addr)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let addr = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ascend-mock-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match ascend_mock_server::start(addr).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ascend-mock-server: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "ascend-mock-server listening on {}", server.url).and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    drop(out);
    std::future::pending::<()>().await;
    drop(server);
    ExitCode::SUCCESS
}
