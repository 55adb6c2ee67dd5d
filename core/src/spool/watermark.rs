//! The replay watermark, journaled in `<log>.ack` as lines `"<acked> <offset>\n"`; the last complete line holds.
//! Every entry with `seq <= acked` has been delivered; `offset` is where the log's undelivered lines start (a hint
//! checked before use). Acknowledging an entry appends one short line (no rename, no fsync: a process crash keeps
//! it; only an OS crash can lose the lines since the last sync, and then those entries are re-sent with their
//! idempotency keys). Each replay starts the journal afresh with one line, written to a per-process temp file
//! and renamed over the old one, so the file stays small.
//!
//! The first spool format wrote only `"<acked>"` (no newline), read as offset 0.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Delivered-up-to mark.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Watermark {
    /// Highest delivered sequence number.
    pub acked: u64,
    /// Log offset where undelivered lines start.
    pub offset: u64,
}

impl Watermark {
    fn line(self) -> String {
        format!("{} {}\n", self.acked, self.offset)
    }

    fn parse(line: &[u8]) -> Option<Watermark> {
        let text = std::str::from_utf8(line).ok()?;
        let mut parts = text.split(' ');
        let acked = parts.next()?.parse().ok()?;
        let offset = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some(Watermark { acked, offset })
    }
}

/// Bytes read from the end of the journal: many lines' worth.
const TAIL: u64 = 4096;

/// Reads the watermark: the last complete line. A missing file means nothing was delivered.
pub(crate) fn read(path: &Path) -> Watermark {
    let Ok(mut f) = File::open(path) else { return Watermark::default() };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(TAIL);
    let mut buf = Vec::new();
    if f.seek(SeekFrom::Start(start)).and_then(|_| f.read_to_end(&mut buf)).is_err() {
        return Watermark::default();
    }
    let Some(last_nl) = buf.iter().rposition(|b| *b == b'\n') else {
        // The first format: one number, no newline.
        let acked = std::str::from_utf8(&buf).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
        return Watermark { acked, offset: 0 };
    };
    // Complete lines, newest first (a line cut by the window's start is left out).
    let first = if start == 0 { 0 } else { buf.iter().position(|b| *b == b'\n').map_or(last_nl, |p| p + 1) };
    let found = buf[first.min(last_nl)..last_nl].rsplit(|b| *b == b'\n').find_map(Watermark::parse);
    if found.is_none() {
        tracing::warn!("spool: unreadable replay watermark; replaying from the top (idempotency keys dedupe)");
    }
    found.unwrap_or_default()
}

fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    PathBuf::from(name)
}

/// The journal of one replay, open for appending.
#[derive(Debug)]
pub(crate) struct Journal {
    file: File,
}

impl Journal {
    /// Starts the journal afresh with one line holding `mark` (durably: temp file fsync'd, renamed, directory
    /// fsync'd), which also converts a journal of the first format.
    pub(crate) fn begin(path: &Path, mark: Watermark) -> io::Result<Journal> {
        let tmp = temp_name(path);
        let written = File::create(&tmp)
            .and_then(|mut f| f.write_all(mark.line().as_bytes()).and_then(|()| f.sync_data()))
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written?;
        sync_dir(path)?;
        Ok(Journal { file: OpenOptions::new().append(true).open(path)? })
    }

    /// Appends `mark` (one write; see the module notes on durability).
    pub(crate) fn record(&mut self, mark: Watermark) -> io::Result<()> {
        self.file.write_all(mark.line().as_bytes())
    }

    /// Makes every recorded mark durable.
    pub(crate) fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}

/// fsyncs the directory holding `path` (so a created or renamed entry survives an OS crash). No-op off Unix.
pub(crate) fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_complete_line_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ack");
        assert_eq!(read(&path), Watermark::default());
        let mut j = Journal::begin(&path, Watermark { acked: 3, offset: 10 }).unwrap();
        assert_eq!(read(&path), Watermark { acked: 3, offset: 10 });
        for n in 4..2000 {
            j.record(Watermark { acked: n, offset: n * 600 }).unwrap();
        }
        j.sync().unwrap();
        assert_eq!(read(&path), Watermark { acked: 1999, offset: 1999 * 600 });
        // A torn last line (crash mid-write) is ignored.
        OpenOptions::new().append(true).open(&path).unwrap().write_all(b"2000 12").unwrap();
        assert_eq!(read(&path), Watermark { acked: 1999, offset: 1999 * 600 });
        // A new replay starts the journal afresh.
        drop(Journal::begin(&path, Watermark { acked: 1999, offset: 0 }).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1999 0\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("s.ack")], "no temp file left behind");
    }

    #[test]
    fn reads_and_converts_the_first_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ack");
        std::fs::write(&path, "9").unwrap();
        assert_eq!(read(&path), Watermark { acked: 9, offset: 0 });
        let mut j = Journal::begin(&path, read(&path)).unwrap();
        j.record(Watermark { acked: 10, offset: 50 }).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "9 0\n10 50\n");
        assert_eq!(read(&path), Watermark { acked: 10, offset: 50 });
    }

    #[test]
    fn a_line_cut_by_the_window_is_never_read_as_a_watermark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ack");
        // The window (the last TAIL bytes) starts two bytes into "123456 7": its fragment "3456 7" looks like a
        // watermark, and every complete line after it is unreadable.
        let garbage = format!("xx\n{}", "x\n".repeat(2043));
        let text = format!("1 0\n123456 7\n{garbage}");
        assert_eq!(text.len() as u64 - TAIL, 4 + 2);
        std::fs::write(&path, text).unwrap();
        assert_eq!(read(&path), Watermark::default(), "replayed from the top, never past unsent entries");
    }

    #[test]
    fn a_bare_file_name_has_no_directory_to_sync() {
        let dir = tempfile::tempdir().unwrap();
        assert!(sync_dir(Path::new("s.ack")).is_ok());
        assert!(sync_dir(&dir.path().join("s.ack")).is_ok());
    }
}
