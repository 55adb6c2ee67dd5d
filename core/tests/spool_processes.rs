//! Real processes sharing one spool (D26): two writers, one killed with SIGKILL mid-way, then replays, one of
//! them killed mid-way too. The child processes are this test binary itself with its job in an environment
//! variable: `main` runs the job instead of the tests (a custom harness, so no test is ignored or skipped).

use ascend_core::spool::{Spool, SpoolEntry};
use libtest_mimic::{Arguments, Trial};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const JOB_VAR: &str = "ASCEND_SPOOL_CHILD_JOB";
/// Prefix of the lines a child reports on stdout (the test harness prints its own lines too).
const REPORT: &str = "SPOOL-REPORT ";

fn main() {
    if let Ok(job) = std::env::var(JOB_VAR) {
        return spool_child(&job);
    }
    let trials = vec![
        Trial::test("two_writers_one_killed_lose_nothing_and_duplicate_nothing", || {
            two_writers_one_killed_lose_nothing_and_duplicate_nothing();
            Ok(())
        }),
        Trial::test("a_replayer_killed_mid_way_resends_at_most_the_entry_in_flight", || {
            a_replayer_killed_mid_way_resends_at_most_the_entry_in_flight();
            Ok(())
        }),
    ];
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}

/// The child side: `append <path> <worker> <count>` appends and reports `<worker> <i> <seq>` after each append
/// returns; `replay <path> <pause ms>` replays, reporting `<seq> <idempotency key>` for each delivery before it
/// is acknowledged. (A failed assertion is a panic, which `libtest_mimic` reports as the test's failure.)
fn spool_child(job: &str) {
    let args: Vec<&str> = job.split('\t').collect();
    let spool = Spool::new(args[1]);
    let mut out = std::io::stdout();
    match args[0] {
        "append" => {
            let (worker, count): (u32, u32) = (args[2].parse().unwrap(), args[3].parse().unwrap());
            for i in 0..count {
                let e = spool.append("decision", "POST", "/x", json!({"worker": worker, "i": i}), "t").unwrap();
                writeln!(out, "{REPORT}{worker} {i} {}", e.seq).unwrap();
                out.flush().unwrap();
            }
        }
        "replay" => {
            let pause = Duration::from_millis(args[2].parse().unwrap());
            let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            rt.block_on(spool.replay(|e| {
                writeln!(out, "{REPORT}{} {}", e.seq, e.idempotency_key).unwrap();
                out.flush().unwrap();
                async move {
                    tokio::time::sleep(pause).await;
                    Ok(())
                }
            }))
            .unwrap();
        }
        other => panic!("unknown job {other}"),
    }
}

fn spawn(job: &[&str]) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .env(JOB_VAR, job.join("\t"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Reads a child's reports; after `kill_after` of them (if given) kills it with SIGKILL and reads the rest.
fn reports(child: &mut Child, kill_after: Option<usize>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let Some(report) = line.unwrap().strip_prefix(REPORT).map(str::to_string) else { continue };
        out.push(report.split(' ').map(str::to_string).collect());
        if Some(out.len()) == kill_after {
            child.kill().unwrap(); // SIGKILL on Unix
        }
    }
    child.wait().unwrap();
    out
}

fn replay_here(path: &Path) -> Vec<SpoolEntry> {
    let mut got = Vec::new();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(Spool::new(path).replay(|e| {
        got.push(e);
        async { Ok(()) }
    }))
    .unwrap();
    got
}

fn record_of(e: &SpoolEntry) -> (u64, u64) {
    (e.body["worker"].as_u64().unwrap(), e.body["i"].as_u64().unwrap())
}

fn two_writers_one_killed_lose_nothing_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.spool");
    let p = path.to_str().unwrap();
    let (count, kill_after) = (300, 60);
    let mut a = spawn(&["append", p, "1", &count.to_string()]);
    let mut b = spawn(&["append", p, "2", &count.to_string()]);
    let b_reader = std::thread::spawn(move || reports(&mut b, None));
    let a_reports = reports(&mut a, Some(kill_after));
    let b_reports = b_reader.join().unwrap();
    assert_eq!(b_reports.len(), count, "the surviving writer finished");
    assert!(a_reports.len() >= kill_after && a_reports.len() < count, "killed mid-way: {}", a_reports.len());

    // Every append that returned, with the sequence number it returned.
    let returned: HashMap<(u64, u64), u64> = a_reports
        .iter()
        .chain(&b_reports)
        .map(|r| ((r[0].parse().unwrap(), r[1].parse().unwrap()), r[2].parse().unwrap()))
        .collect();
    assert_eq!(returned.len(), a_reports.len() + b_reports.len());
    assert_eq!(returned.values().collect::<HashSet<_>>().len(), returned.len(), "sequence numbers are unique");

    let delivered = replay_here(&path);
    let mut seen = HashMap::new();
    for e in &delivered {
        assert!(seen.insert(record_of(e), e.seq).is_none(), "delivered twice: {:?}", record_of(e));
    }
    assert!(delivered.windows(2).all(|w| w[0].seq < w[1].seq), "replayed in sequence order");
    for (record, seq) in &returned {
        assert_eq!(seen.get(record), Some(seq), "returned record {record:?} replayed with its number");
    }
    // Beyond what returned, only the killed writer's append in flight may be there.
    let extra: Vec<_> = seen.keys().filter(|r| !returned.contains_key(r)).collect();
    assert!(extra.len() <= 1 && extra.iter().all(|r| r.0 == 1), "unexpected records {extra:?}");
    assert!(replay_here(&path).is_empty(), "nothing replays twice");
    assert!(Spool::new(&path).pending().unwrap().is_empty());
}

fn a_replayer_killed_mid_way_resends_at_most_the_entry_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.spool");
    let spool = Spool::new(&path);
    let keys: Vec<String> = (0..200)
        .map(|i| spool.append("completion", "POST", "/c", json!({"i": i}), "t").unwrap().idempotency_key)
        .collect();
    let p = path.to_str().unwrap();

    // Two replayers at once: one replays, the other finds the lock taken (or nothing left); none twice.
    let mut r1 = spawn(&["replay", p, "0"]);
    let mut r2 = spawn(&["replay", p, "0"]);
    let r2_reader = std::thread::spawn(move || reports(&mut r2, None));
    let mut together = reports(&mut r1, None);
    together.extend(r2_reader.join().unwrap());
    let mut sent: Vec<&str> = together.iter().map(|r| r[1].as_str()).collect();
    sent.sort_unstable();
    let mut want: Vec<&str> = keys.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(sent, want, "two concurrent replayers deliver each entry exactly once");

    // Refill, then kill a replayer mid-way and let another finish.
    let keys: Vec<String> = (0..100)
        .map(|i| spool.append("completion", "POST", "/c", json!({"i": i}), "t").unwrap().idempotency_key)
        .collect();
    let started = Instant::now();
    let mut killed = spawn(&["replay", p, "2"]);
    let first = reports(&mut killed, Some(30));
    assert!(first.len() >= 30 && first.len() < keys.len(), "killed mid-way: {}", first.len());
    let rest: Vec<String> = replay_here(&path).into_iter().map(|e| e.idempotency_key).collect();
    let mut all: Vec<String> = first.iter().map(|r| r[1].clone()).chain(rest.iter().cloned()).collect();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    let mut want = keys.clone();
    want.sort_unstable();
    assert_eq!(all, want, "every entry delivered");
    assert!(total - all.len() <= 1, "at most the entry in flight is re-sent, {} were", total - all.len());
    if total > all.len() {
        assert_eq!(first.last().unwrap()[1], rest[0], "the re-sent entry is the one in flight, same idempotency key");
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}
