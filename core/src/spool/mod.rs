//! Durable spool (DECISIONS D18, D26): decisions made without the server and completion records that could not be
//! delivered are appended, fsync'd, to a JSON-lines log before the call returns, and replayed in order.
//!
//! Files, next to the log `<path>`:
//! - `<path>`: one entry per line, append-only; emptied (truncated in place) once everything is delivered.
//! - `<path>.lock`: the append lock. Every append takes it, reads the log's last entry backwards from the end
//!   (one record's worth of bytes) for the next sequence number, writes one line and fsyncs: O(1) in the size of
//!   the spool, and sequence numbers are unique and increasing in file order across processes.
//! - `<path>.replay.lock`: held for a whole replay, so one process (and one task) replays at a time; another
//!   replay attempt meanwhile returns 0 at once.
//! - `<path>.ack`: the replay watermark `"<acked seq> <offset>"`, one line appended per delivered entry (the last
//!   complete line holds), so a replay reads the log once, from where the last one stopped (linear).
//!
//! Crashes (kill -9 at any point): an append whose call returned is a complete, fsync'd line. A writer that dies
//! mid-write leaves a torn last line, which readers ignore and the next append (under the lock) cuts off; its
//! call never returned. A replayer that dies loses at most the acknowledgement of the entry in flight, which the
//! next replay re-sends with the same idempotency key (the server answers it as a replay, D2).
//!
//! The first spool format (JSON map lines, `.ack` holding only a sequence number) reads unchanged: its lines
//! decode, and a bare sequence number (no newline) is a watermark with offset 0 (replay starts at the top and skips what is
//! acknowledged). Nothing needs migrating.

mod entry;
mod lock;
mod log;
mod replay;
mod watermark;

pub use entry::SpoolEntry;

use crate::error::{Error, ErrorCode, Result};
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The spool at one path. Thread-safe, and safe to share between processes.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    /// Serialises this process's access to the append lock; see [`State`].
    state: Mutex<State>,
    /// One replay at a time within this process (the replay lock file excludes other processes).
    replaying: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    /// When [`Spool::pending`] last found the log empty (or absent), cleared by every append. Every successful
    /// governed call asks for pending entries: within [`EMPTY_RECHECK`] of finding the log empty, with no append
    /// since, the answer is known without a `stat`.
    known_empty: Option<Instant>,
    /// The open append-lock file and the process that opened it. A lock belongs to an open file description,
    /// which a forked child shares with its parent, so a child opens its own.
    lock_file: Option<(u32, File)>,
}

/// How long an empty log is trusted without looking again (entries appended by another process that shares the
/// path are picked up after at most this long).
pub const EMPTY_RECHECK: Duration = Duration::from_secs(1);

fn io_err(what: &str, path: &Path, e: io::Error) -> Error {
    Error::new(ErrorCode::Internal, format!("spool: cannot {what} {}: {e}", path.display()))
}

impl Spool {
    /// A spool at `path` (created lazily).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Spool { path: path.into(), state: Mutex::new(State::default()), replaying: tokio::sync::Mutex::new(()) }
    }

    /// The log path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn side_path(&self, suffix: &str) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(suffix);
        PathBuf::from(p)
    }

    fn ack_path(&self) -> PathBuf {
        self.side_path(".ack")
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The append-lock file, opened (and its directory created) on first use.
    fn lock_file<'s>(&self, state: &'s mut State) -> Result<&'s File> {
        let pid = std::process::id();
        if state.lock_file.as_ref().is_none_or(|(owner, _)| *owner != pid) {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| io_err("create", dir, e))?;
            }
            let path = self.side_path(".lock");
            state.lock_file = Some((pid, lock::open(&path).map_err(|e| io_err("open", &path, e))?));
        }
        Ok(&state.lock_file.as_ref().expect("opened above").1)
    }

    /// Opens the log for reading and writing (not `O_APPEND`: the lock orders writers, and a torn tail must be
    /// cut off, which needs plain write access on Windows); `true` when this call created it.
    fn open_log(&self) -> io::Result<(File, bool)> {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true);
        match opts.open(&self.path) {
            Ok(f) => Ok((f, false)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((opts.create(true).open(&self.path)?, true)),
            Err(e) => Err(e),
        }
    }

    /// Appends an entry and fsyncs before returning.
    pub fn append(&self, kind: &str, method: &str, path: &str, body: Value, created_at: &str) -> Result<SpoolEntry> {
        let mut state = self.state();
        state.known_empty = None;
        let lock_file = self.lock_file(&mut state)?;
        let _held = lock::exclusive(lock_file).map_err(|e| io_err("lock", &self.path, e))?;
        let err = |e| io_err("append to", &self.path, e);
        let (mut log, created) = self.open_log().map_err(err)?;
        let mut tail = log::tail(&log).map_err(err)?;
        log::cut_debris(&log, &mut tail).map_err(err)?;
        let acked = watermark::read(&self.ack_path()).acked;
        let entry = SpoolEntry {
            seq: tail.last_seq.unwrap_or(0).max(acked) + 1,
            kind: kind.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            body,
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            created_at: created_at.to_string(),
        };
        let written = log.seek(SeekFrom::Start(tail.len)).and_then(|_| log.write_all(&entry.encode()));
        if let Err(e) = written.and_then(|()| log.sync_data()) {
            // The call fails, so the entry must not be replayed: take it back (best effort; a torn rest is cut
            // off by the next append anyway).
            let _ = log.set_len(tail.len);
            return Err(err(e));
        }
        if created {
            watermark::sync_dir(&self.path).map_err(|e| io_err("fsync the directory of", &self.path, e))?;
        }
        Ok(entry)
    }

    /// Where undelivered lines start: the watermark's offset when it is a line start of the log, else the top.
    fn start_offset(&self, mark: watermark::Watermark) -> Result<u64> {
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_err("read", &self.path, e)),
        };
        let ok = log::is_line_start(&f, mark.offset).map_err(|e| io_err("read", &self.path, e))?;
        Ok(if ok { mark.offset } else { 0 })
    }

    /// `true` when the log is known or found empty (no lines, nothing to read).
    fn empty_now(&self) -> bool {
        let mut state = self.state();
        if state.known_empty.is_some_and(|at| at.elapsed() < EMPTY_RECHECK) {
            return true;
        }
        let empty = match std::fs::metadata(&self.path) {
            Ok(m) => m.len() == 0,
            Err(e) => e.kind() == io::ErrorKind::NotFound,
        };
        if empty {
            state.known_empty = Some(Instant::now());
        }
        empty
    }

    /// Entries not yet delivered, in order (reads the undelivered part of the log).
    pub fn pending(&self) -> Result<Vec<SpoolEntry>> {
        if self.empty_now() {
            return Ok(Vec::new());
        }
        let mark = watermark::read(&self.ack_path());
        let Some(mut lines) =
            log::Lines::open(&self.path, self.start_offset(mark)?).map_err(|e| io_err("read", &self.path, e))?
        else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().map_err(|e| io_err("read", &self.path, e))? {
            out.extend(line.filter(|e| e.seq > mark.acked));
        }
        Ok(out)
    }

    /// Whether anything awaits delivery: compares the log's last entry with the watermark (O(1)).
    pub fn has_pending(&self) -> Result<bool> {
        if self.empty_now() {
            return Ok(false);
        }
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_err("read", &self.path, e)),
        };
        let last = log::tail(&f).map_err(|e| io_err("read", &self.path, e))?.last_seq;
        Ok(last.is_some_and(|seq| seq > watermark::read(&self.ack_path()).acked))
    }
}

#[cfg(test)]
mod tests;
