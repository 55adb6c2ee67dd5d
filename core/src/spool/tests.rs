use super::*;
use serde_json::json;

fn spool() -> (tempfile::TempDir, Spool) {
    let dir = tempfile::tempdir().unwrap();
    let s = Spool::new(dir.path().join("sub").join("s.jsonl"));
    (dir, s)
}

fn seqs(entries: &[SpoolEntry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}

/// Replays into a vector; `fail_at` makes the delivery of that sequence number fail.
fn replay_into(s: &Spool, fail_at: Option<u64>) -> (Result<usize>, Vec<SpoolEntry>) {
    let mut got = Vec::new();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let r = rt.block_on(s.replay(|e| {
        let fail = Some(e.seq) == fail_at;
        if !fail {
            got.push(e);
        }
        async move {
            if fail {
                Err(Error::new(ErrorCode::ConnectionError, "down"))
            } else {
                Ok(())
            }
        }
    }));
    (r, got)
}

#[test]
fn an_empty_log_is_trusted_briefly_and_appends_are_seen_at_once() {
    let (_d, ours) = spool();
    assert!(ours.pending().unwrap().is_empty());
    ours.append("decision", "POST", "/x", json!({"a": 1}), "t").unwrap();
    assert_eq!(ours.pending().unwrap().len(), 1, "our own append is seen without waiting");
    assert_eq!(replay_into(&ours, None).0.unwrap(), 1);
    assert!(ours.pending().unwrap().is_empty());
    // Another process sharing the path: seen once the empty answer is older than EMPTY_RECHECK.
    Spool::new(ours.path()).append("decision", "POST", "/y", json!({"b": 2}), "t").unwrap();
    std::thread::sleep(EMPTY_RECHECK + Duration::from_millis(50));
    assert_eq!(ours.pending().unwrap().len(), 1);
}

#[test]
fn replay_delivers_in_order_stops_at_a_failure_and_resumes_there() {
    let (_d, s) = spool();
    for n in 1..=4 {
        assert_eq!(s.append("decision", "POST", &format!("/{n}"), json!({"n": n}), "t").unwrap().seq, n);
    }
    assert!(s.has_pending().unwrap());
    let (r, got) = replay_into(&s, Some(3));
    assert_eq!(r.unwrap_err().code, ErrorCode::ConnectionError);
    assert_eq!(seqs(&got), vec![1, 2]);
    assert_eq!(seqs(&s.pending().unwrap()), vec![3, 4]);
    assert!(s.has_pending().unwrap());
    let (r, got) = replay_into(&s, None);
    assert_eq!((r.unwrap(), seqs(&got)), (2, vec![3, 4]));
    assert!(!s.has_pending().unwrap());
    assert_eq!(std::fs::metadata(s.path()).unwrap().len(), 0, "a drained log is emptied");
    assert_eq!(s.append("failure", "POST", "/5", json!({}), "t").unwrap().seq, 5, "numbers keep increasing");
    let (r, got) = replay_into(&s, None);
    assert_eq!((r.unwrap(), seqs(&got)), (1, vec![5]));
    assert_eq!(replay_into(&s, None).0.unwrap(), 0);
}

#[test]
fn a_torn_last_line_is_ignored_then_cut_by_the_next_append() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({"n": 1}), "t").unwrap();
    s.append("completion", "POST", "/b", json!({"n": 2}), "t").unwrap();
    // A crash mid-append: a torn line at the end.
    let intact = std::fs::metadata(s.path()).unwrap().len();
    OpenOptions::new().append(true).open(s.path()).unwrap().write_all(b"{\"seq\":3,\"kind\":\"dec").unwrap();
    let s2 = Spool::new(s.path());
    assert_eq!(seqs(&s2.pending().unwrap()), vec![1, 2]);
    let e = s2.append("failure", "POST", "/c", json!({}), "t").unwrap();
    assert_eq!(e.seq, 3);
    let text = std::fs::read_to_string(s.path()).unwrap();
    assert_eq!(text.lines().count(), 3, "the torn bytes are gone: {text}");
    assert!(text.len() as u64 > intact);
    let (r, got) = replay_into(&s2, None);
    assert_eq!((r.unwrap(), seqs(&got)), (3, vec![1, 2, 3]));
}

#[test]
fn a_whole_entry_missing_only_its_newline_does_not_duplicate_a_number() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    // A writer died after writing all of entry 2 but its newline: the entry never returned; it is cut off.
    let mut line = SpoolEntry::decode(std::fs::read_to_string(s.path()).unwrap().trim_end().as_bytes()).unwrap();
    line.seq = 2;
    let bytes = line.encode();
    OpenOptions::new().append(true).open(s.path()).unwrap().write_all(&bytes[..bytes.len() - 1]).unwrap();
    assert_eq!(s.append("decision", "POST", "/b", json!({}), "t").unwrap().seq, 2);
    let (r, got) = replay_into(&s, None);
    assert_eq!((r.unwrap(), got.iter().map(|e| e.path.as_str()).collect::<Vec<_>>()), (2, vec!["/a", "/b"]));
}

#[test]
fn a_spool_of_the_first_format_replays_unchanged() {
    let (dir, s) = spool();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let old = |seq: u64| {
        json!({"seq": seq, "kind": "decision", "method": "POST", "path": format!("/{seq}"), "body": {"n": seq},
               "idempotency_key": format!("k{seq}"), "created_at": "t"})
        .to_string()
    };
    std::fs::write(s.path(), format!("{}\n{}\n{}\n", old(1), old(2), old(3))).unwrap();
    std::fs::write(s.ack_path(), "1").unwrap();
    assert_eq!(seqs(&s.pending().unwrap()), vec![2, 3]);
    assert_eq!(s.append("decision", "POST", "/4", json!({}), "t").unwrap().seq, 4);
    let (r, got) = replay_into(&s, None);
    assert_eq!((r.unwrap(), seqs(&got)), (3, vec![2, 3, 4]));
    assert_eq!(got[0].idempotency_key, "k2");
}

#[test]
fn a_stale_watermark_offset_falls_back_to_the_top() {
    let (_d, s) = spool();
    for _ in 0..3 {
        s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    }
    // An offset that is not a line start (the log was replaced behind our back): read from the top by seq.
    std::fs::write(s.ack_path(), "1 5\n").unwrap();
    assert_eq!(seqs(&s.pending().unwrap()), vec![2, 3]);
    std::fs::write(s.ack_path(), "1 999999\n").unwrap();
    assert_eq!(seqs(&s.pending().unwrap()), vec![2, 3]);
}

#[test]
fn one_replayer_at_a_time_across_handles() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    // Another handle on the same path (as another process would have) holds the replay lock.
    let other = lock::open(&s.side_path(".replay.lock")).unwrap();
    let held = lock::try_exclusive(&other).unwrap().unwrap();
    let (r, got) = replay_into(&s, None);
    assert_eq!((r.unwrap(), got.len()), (0, 0));
    assert_eq!(s.pending().unwrap().len(), 1, "nothing acknowledged by the refused replay");
    drop(held);
    assert_eq!(replay_into(&s, None).0.unwrap(), 1);
}

#[test]
fn entries_appended_during_a_replay_are_delivered_by_it() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    let writer = Spool::new(s.path());
    let mut got = Vec::new();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let n = rt
        .block_on(s.replay(|e| {
            if e.seq < 3 {
                writer.append("decision", "POST", "/more", json!({}), "t").unwrap();
            }
            got.push(e.seq);
            async { Ok(()) }
        }))
        .unwrap();
    assert_eq!((n, got), (3, vec![1, 2, 3]));
    assert!(s.pending().unwrap().is_empty());
}

#[test]
fn threads_sharing_one_spool_get_unique_numbers() {
    let (_d, s) = spool();
    let s = std::sync::Arc::new(s);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                (0..25)
                    .map(|i| s.append("decision", "POST", "/t", json!({"t": t, "i": i}), "t").unwrap().seq)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<u64> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    all.sort_unstable();
    assert_eq!(all, (1..=100).collect::<Vec<_>>());
    assert_eq!(seqs(&s.pending().unwrap()), all, "file order is number order");
}

/// A path under a regular file: every open fails with "not a directory", not "not found".
fn spool_under_a_file() -> (tempfile::TempDir, Spool) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let s = Spool::new(dir.path().join("file").join("s.jsonl"));
    (dir, s)
}

#[test]
fn an_unreadable_spool_is_an_error_never_nothing_pending() {
    let (_d, s) = spool_under_a_file();
    assert_eq!(s.pending().unwrap_err().code, ErrorCode::Internal);
    assert_eq!(s.has_pending().unwrap_err().code, ErrorCode::Internal);
    assert!(s.start_offset(watermark::Watermark { acked: 1, offset: 5 }).is_err());
    // No log at all is nothing pending, read from the top.
    let (_d, s) = spool();
    assert_eq!(s.start_offset(watermark::Watermark { acked: 1, offset: 5 }).unwrap(), 0);
    assert!(s.pending().unwrap().is_empty());
    assert!(!s.has_pending().unwrap());
}

#[test]
fn reading_starts_at_the_watermark_offset() {
    let (dir, s) = spool();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let line = |seq: u64| {
        SpoolEntry {
            seq,
            kind: "decision".into(),
            method: "POST".into(),
            path: format!("/{seq}"),
            body: json!({}),
            idempotency_key: format!("k{seq}"),
            created_at: "t".into(),
        }
        .encode()
    };
    // The line before the offset is never read, whatever it holds.
    let first = line(9);
    std::fs::write(s.path(), [first.clone(), line(2), line(3)].concat()).unwrap();
    std::fs::write(s.ack_path(), format!("1 {}\n", first.len())).unwrap();
    assert_eq!(seqs(&s.pending().unwrap()), vec![2, 3]);
    assert_eq!(s.start_offset(watermark::read(&s.ack_path())).unwrap(), first.len() as u64);
}

#[test]
fn a_known_empty_log_is_trusted_until_the_recheck() {
    let (_d, ours) = spool();
    assert!(ours.pending().unwrap().is_empty());
    Spool::new(ours.path()).append("decision", "POST", "/y", json!({}), "t").unwrap();
    // Found empty "now" (an instant ahead of the clock, so no scheduling delay can age it): trusted, no stat.
    ours.state().known_empty = Some(Instant::now() + Duration::from_secs(3600));
    assert!(ours.pending().unwrap().is_empty());
    assert!(!ours.has_pending().unwrap());
    // Found empty longer ago than the recheck: looked at again.
    ours.state().known_empty = Instant::now().checked_sub(EMPTY_RECHECK + Duration::from_millis(1));
    assert_eq!(ours.pending().unwrap().len(), 1);
}

#[cfg(unix)]
#[test]
fn the_append_lock_file_is_opened_once_per_process() {
    use std::os::fd::AsRawFd;
    let (_d, s) = spool();
    let handle = |s: &Spool| s.state().lock_file.as_ref().map(|(pid, f)| (*pid, f.as_raw_fd()));
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    let first = handle(&s);
    s.append("decision", "POST", "/b", json!({}), "t").unwrap();
    assert_eq!(handle(&s), first, "kept while this process owns it");
    // As in a forked child: a handle that another process opened is replaced by one of this process.
    s.state().lock_file.as_mut().unwrap().0 = std::process::id().wrapping_add(1);
    s.append("decision", "POST", "/c", json!({}), "t").unwrap();
    assert_eq!(handle(&s).map(|(pid, _)| pid), Some(std::process::id()));
    assert_eq!(seqs(&s.pending().unwrap()), vec![1, 2, 3]);
}

#[test]
fn a_log_acknowledged_to_its_last_entry_has_nothing_pending() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    s.append("decision", "POST", "/b", json!({}), "t").unwrap();
    // A replayer died after acknowledging the last entry, before emptying the log.
    let len = std::fs::metadata(s.path()).unwrap().len();
    std::fs::write(s.ack_path(), format!("2 {len}\n")).unwrap();
    assert!(!s.has_pending().unwrap());
    assert!(s.pending().unwrap().is_empty());
    std::fs::write(s.ack_path(), "1 0\n").unwrap();
    assert!(s.has_pending().unwrap());
}

#[test]
fn compaction_empties_only_a_log_read_to_its_end() {
    let (_d, s) = spool();
    s.append("decision", "POST", "/a", json!({}), "t").unwrap();
    let first = std::fs::metadata(s.path()).unwrap().len();
    s.append("decision", "POST", "/b", json!({}), "t").unwrap();
    let len = std::fs::metadata(s.path()).unwrap().len();
    let mark = watermark::Watermark { acked: 1, offset: first };
    let mut journal = watermark::Journal::begin(&s.ack_path(), mark).unwrap();
    // Entry 2 was appended after the replay read up to `first`: not drained, nothing cut.
    assert!(!s.compact_if_drained(&mut journal, mark, first).unwrap());
    assert_eq!(std::fs::metadata(s.path()).unwrap().len(), len);
    assert!(s.compact_if_drained(&mut journal, watermark::Watermark { acked: 2, offset: len }, len).unwrap());
    assert_eq!(std::fs::metadata(s.path()).unwrap().len(), 0);
    // No log is drained; a log that cannot be opened is an error.
    std::fs::remove_file(s.path()).unwrap();
    assert!(s.compact_if_drained(&mut journal, mark, 0).unwrap());
    std::fs::create_dir(s.path()).unwrap();
    assert!(s.compact_if_drained(&mut journal, mark, 0).is_err());
}
