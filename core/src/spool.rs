//! Durable spool (DECISIONS D18): decisions made without the server and completion records that could not be
//! delivered are appended, fsync'd, to a JSON-lines file before the call returns, and replayed in order.
//!
//! Layout: `<path>` holds one JSON entry per line (append-only); `<path>.ack` holds the highest delivered
//! sequence number (written to a temp file, fsync'd and renamed). When everything is delivered both files are
//! truncated. A torn last line (crash mid-append) is ignored; every complete line survives a crash.

use crate::error::{Error, ErrorCode, Result};
use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One spooled record: the request to replay.
#[derive(Debug, Clone, PartialEq)]
pub struct SpoolEntry {
    /// Monotonic sequence number within the spool.
    pub seq: u64,
    /// `decision` | `completion` | `failure`.
    pub kind: String,
    /// HTTP method to replay with.
    pub method: String,
    /// Path to replay to.
    pub path: String,
    /// Body to send.
    pub body: Value,
    /// Idempotency key sent on replay (so a crash between send and ack cannot duplicate).
    pub idempotency_key: String,
    /// When it was spooled (ISO-8601).
    pub created_at: String,
}

impl SpoolEntry {
    fn to_json(&self) -> Value {
        json!({"seq": self.seq, "kind": self.kind, "method": self.method, "path": self.path, "body": self.body,
               "idempotency_key": self.idempotency_key, "created_at": self.created_at})
    }

    fn from_json(v: &Value) -> Option<SpoolEntry> {
        Some(SpoolEntry {
            seq: v.get("seq")?.as_u64()?,
            kind: v.get("kind")?.as_str()?.to_string(),
            method: v.get("method")?.as_str()?.to_string(),
            path: v.get("path")?.as_str()?.to_string(),
            body: v.get("body").cloned().unwrap_or(Value::Null),
            idempotency_key: v.get("idempotency_key")?.as_str()?.to_string(),
            created_at: v.get("created_at").and_then(Value::as_str).unwrap_or_default().to_string(),
        })
    }
}

/// The spool file pair. Thread-safe; one process at a time should own a path.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    /// Serialises file access; holds when [`pending`](Spool::pending) last found the log empty (or absent), cleared
    /// by every append. Every successful governed call asks for pending entries: within [`EMPTY_RECHECK`] of
    /// finding the log empty, with no append since, the answer is known without a `stat`.
    lock: Mutex<Option<Instant>>,
}

/// How long an empty log is trusted without looking again (entries appended by another process that shares the
/// path are picked up after at most this long).
pub const EMPTY_RECHECK: Duration = Duration::from_secs(1);

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorCode::Internal, format!("spool: cannot {what} {}: {e}", path.display()))
}

impl Spool {
    /// A spool at `path` (created lazily).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Spool { path: path.into(), lock: Mutex::new(None) }
    }

    /// The log path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn ack_path(&self) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(".ack");
        PathBuf::from(p)
    }

    fn read_ack(&self) -> u64 {
        std::fs::read_to_string(self.ack_path()).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0)
    }

    fn read_all(&self) -> Result<Vec<SpoolEntry>> {
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err("read", &self.path, e)),
        };
        let mut out = Vec::new();
        for line in BufReader::new(f).split(b'\n') {
            let line = line.map_err(|e| io_err("read", &self.path, e))?;
            // A torn (partial) line from a crash mid-append does not parse and is skipped.
            if let Ok(v) = serde_json::from_slice::<Value>(&line) {
                if let Some(e) = SpoolEntry::from_json(&v) {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// Appends an entry and fsyncs before returning.
    pub fn append(&self, kind: &str, method: &str, path: &str, body: Value, created_at: &str) -> Result<SpoolEntry> {
        let mut known_empty = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        *known_empty = None;
        if let Some(dir) = self.path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| io_err("create", dir, e))?;
            }
        }
        let existing = self.read_all()?;
        let seq = existing.last().map(|e| e.seq).unwrap_or(0).max(self.read_ack()) + 1;
        let entry = SpoolEntry {
            seq,
            kind: kind.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            body,
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            created_at: created_at.to_string(),
        };
        let mut f =
            OpenOptions::new().create(true).append(true).open(&self.path).map_err(|e| io_err("open", &self.path, e))?;
        // Start on a fresh line if a previous append was torn.
        let needs_newline = std::fs::read(&self.path).map(|b| !b.is_empty() && !b.ends_with(b"\n")).unwrap_or(false);
        let mut line = String::new();
        if needs_newline {
            line.push('\n');
        }
        line.push_str(&entry.to_json().to_string());
        line.push('\n');
        f.write_all(line.as_bytes()).map_err(|e| io_err("write", &self.path, e))?;
        f.sync_all().map_err(|e| io_err("fsync", &self.path, e))?;
        Ok(entry)
    }

    /// Entries not yet delivered, in order.
    pub fn pending(&self) -> Result<Vec<SpoolEntry>> {
        let mut known_empty = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if known_empty.is_some_and(|at| at.elapsed() < EMPTY_RECHECK) {
            return Ok(Vec::new());
        }
        // Fast path (every successful governed call asks): no log or an empty one has no entries whatever the ack
        // says; one `stat` instead of opening the ack file and the log.
        let empty = match std::fs::metadata(&self.path) {
            Ok(m) => m.len() == 0,
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        if empty {
            *known_empty = Some(Instant::now());
            return Ok(Vec::new());
        }
        let acked = self.read_ack();
        Ok(self.read_all()?.into_iter().filter(|e| e.seq > acked).collect())
    }

    /// Marks everything up to `seq` delivered; compacts when nothing is left.
    pub fn ack(&self, seq: u64) -> Result<()> {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let all = self.read_all()?;
        if all.iter().all(|e| e.seq <= seq) {
            // Everything delivered: truncate the log, keep the ack so sequence numbers stay increasing.
            let f = File::create(&self.path).map_err(|e| io_err("truncate", &self.path, e))?;
            f.sync_all().map_err(|e| io_err("fsync", &self.path, e))?;
        }
        let ack = self.ack_path();
        let tmp = ack.with_extension("ack.tmp");
        {
            let mut f = File::create(&tmp).map_err(|e| io_err("write", &tmp, e))?;
            f.write_all(seq.to_string().as_bytes()).map_err(|e| io_err("write", &tmp, e))?;
            f.sync_all().map_err(|e| io_err("fsync", &tmp, e))?;
        }
        std::fs::rename(&tmp, &ack).map_err(|e| io_err("rename", &ack, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_log_is_trusted_briefly_and_appends_are_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let ours = Spool::new(&path);
        assert!(ours.pending().unwrap().is_empty());
        ours.append("decision", "POST", "/x", json!({"a": 1}), "t").unwrap();
        assert_eq!(ours.pending().unwrap().len(), 1, "our own append is seen without waiting");
        ours.ack(1).unwrap();
        assert!(ours.pending().unwrap().is_empty());
        // Another process sharing the path: seen once the empty answer is older than EMPTY_RECHECK.
        Spool::new(&path).append("decision", "POST", "/y", json!({"b": 2}), "t").unwrap();
        std::thread::sleep(EMPTY_RECHECK + Duration::from_millis(50));
        assert_eq!(ours.pending().unwrap().len(), 1);
    }

    #[test]
    fn append_ack_and_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let s = Spool::new(&path);
        s.append("decision", "POST", "/a", json!({"n": 1}), "t").unwrap();
        s.append("completion", "POST", "/b", json!({"n": 2}), "t").unwrap();
        // Simulate a crash mid-append: a torn line at the end.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\": 3, \"kind\": \"dec").unwrap();
        drop(f);
        let s2 = Spool::new(&path);
        let p = s2.pending().unwrap();
        assert_eq!(p.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
        s2.ack(1).unwrap();
        assert_eq!(s2.pending().unwrap().len(), 1);
        let e = s2.append("failure", "POST", "/c", json!({}), "t").unwrap();
        assert_eq!(e.seq, 3);
        assert_eq!(s2.pending().unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
        s2.ack(3).unwrap();
        assert!(s2.pending().unwrap().is_empty());
        assert_eq!(s2.append("decision", "POST", "/d", json!({}), "t").unwrap().seq, 4);
    }
}
