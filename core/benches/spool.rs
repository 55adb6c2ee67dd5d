//! Spool cost (issue 11 item 7, D18/D26): the cost of one append with 1,000 and with 10,000 entries already in
//! the spool, against a bare append + fsync of the same bytes to a plain file measured in the same run, and the
//! replay rate of 10,000 entries to a local mock server through `Client::replay_spool`.
//!
//! `cargo bench -p ascend-core --bench spool` (part of `make bench`). Prints the numbers and the ratios; the
//! spool is flat when `append@10k / append@1k` stays near 1.

use ascend_core::spool::Spool;
use ascend_core::{Client, ClientParams};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// Appends timed at each size.
const SAMPLE: u32 = 300;
/// Spool sizes at which an append is timed.
const SIZES: [u32; 2] = [1_000, 10_000];

/// A decision record as the client spools it (~600 bytes).
fn record(i: u32) -> Value {
    json!({
        "agent_id": "bench-agent", "agent_name": "Bench Agent", "action_type": "database.query",
        "resource": format!("customers/{i}"), "environment": "production", "description": "nightly export",
        "context": {"tool": "sql", "rows": 1200, "offline_decision": {"action_id": format!("local-{i}"),
            "decision": "allowed", "risk_score": 35.0, "fail_mode": "open", "decided_at": "2026-01-01T00:00:00Z",
            "error_code": "CONNECTION_ERROR"}},
        "metadata": {"pipeline": "etl", "owner": "data-team", "ticket": "OPS-1234", "padding": "x".repeat(160)}
    })
}

fn append(spool: &Spool, i: u32) {
    spool.append("decision", "POST", "/api/v1/actions/submit", record(i), "2026-01-01T00:00:00Z").unwrap();
}

/// Mean time of `SAMPLE` appends of the same bytes to a plain file, each followed by an fsync (the floor).
fn bare_append(dir: &std::path::Path) -> Duration {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("bare.jsonl")).unwrap();
    let line = format!("{}\n", record(0));
    let started = Instant::now();
    for _ in 0..SAMPLE {
        f.write_all(line.as_bytes()).unwrap();
        f.sync_data().unwrap();
    }
    started.elapsed() / SAMPLE
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.spool");
    let spool = Spool::new(&path);
    let floor = bare_append(dir.path());
    let mut written = 0;
    let mut per_append = Vec::new();
    for size in SIZES {
        while written < size {
            append(&spool, written);
            written += 1;
        }
        let started = Instant::now();
        for _ in 0..SAMPLE {
            append(&spool, written);
            written += 1;
        }
        per_append.push((size, started.elapsed() / SAMPLE));
    }
    println!("spool append (fsync'd), mean of {SAMPLE}:");
    println!("  bare append + fsync of the same bytes: {:>8.1} us", floor.as_secs_f64() * 1e6);
    for (size, cost) in &per_append {
        println!(
            "  at {size:>6} entries: {:>8.1} us  ({:.2}x the bare append)",
            cost.as_secs_f64() * 1e6,
            cost.as_secs_f64() / floor.as_secs_f64()
        );
    }
    let flatness = per_append[1].1.as_secs_f64() / per_append[0].1.as_secs_f64();
    println!("  append@10k / append@1k: {flatness:.2} (flat = 1.0)");

    let server = ascend_mock_server::start_blocking().unwrap();
    server
        .load_json(&json!([{"match": {"method": "POST", "path": "/api/v1/actions/submit"}, "repeat": true,
                             "respond": {"status": 200, "body": {"id": 1, "status": "approved"}}}]))
        .unwrap();
    let client = Client::new(ClientParams {
        api_key: Some("bench-key".into()),
        agent_id: Some("bench-agent".into()),
        api_url: Some(server.url.clone()),
        fail_mode: Some("open".into()),
        max_retries: Some(0),
        audit_spool_path: Some(path.clone()),
        env: Some(HashMap::new()),
        ..Default::default()
    })
    .unwrap();
    let pending = spool.pending().unwrap().len();
    let started = Instant::now();
    let delivered = ascend_core::lane::block_on(client.replay_spool()).unwrap();
    let took = started.elapsed();
    assert_eq!((delivered, pending), (written as usize, written as usize));
    assert_eq!(server.requests().len(), delivered, "one request per entry");
    assert!(spool.pending().unwrap().is_empty());
    println!(
        "spool replay to a local mock server: {delivered} entries in {:.2} s = {:.0} records/s (target >= 1000)",
        took.as_secs_f64(),
        delivered as f64 / took.as_secs_f64()
    );
}
