//! The replay watermark in `<log>.ack`: `"<acked> <offset>"`. Every entry with `seq <= acked` has been
//! delivered; `offset` is where the log's undelivered lines start (a hint checked before use; the first spool
//! format wrote only `"<acked>"`, read as offset 0). Written to a per-process temp file and renamed over the old
//! one, so a reader sees the old or the new watermark, never a mix.

use std::fs::File;
use std::io::{self, Write};
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

/// Reads the watermark; a missing or unreadable file means nothing was delivered.
pub(crate) fn read(path: &Path) -> Watermark {
    let Ok(text) = std::fs::read_to_string(path) else { return Watermark::default() };
    let mut parts = text.split_whitespace();
    let acked = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let offset = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    Watermark { acked, offset }
}

fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}.{}.tmp", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    PathBuf::from(name)
}

/// Replaces the watermark atomically. Not fsync'd (see [`sync`]): a process crash keeps it, only an OS crash can
/// roll it back, and then the entries delivered since the last sync are re-sent with their idempotency keys.
pub(crate) fn write(path: &Path, mark: Watermark) -> io::Result<()> {
    let tmp = temp_name(path);
    let result = File::create(&tmp)
        .and_then(|mut f| f.write_all(format!("{} {}\n", mark.acked, mark.offset).as_bytes()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes the last [`write`] durable (the file and, on Unix, the rename in its directory).
pub(crate) fn sync(path: &Path) -> io::Result<()> {
    match File::open(path) {
        Ok(f) => f.sync_all()?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(path)
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
    fn round_trips_and_reads_the_first_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ack");
        assert_eq!(read(&path), Watermark::default());
        write(&path, Watermark { acked: 12, offset: 3400 }).unwrap();
        sync(&path).unwrap();
        assert_eq!(read(&path), Watermark { acked: 12, offset: 3400 });
        std::fs::write(&path, "9").unwrap();
        assert_eq!(read(&path), Watermark { acked: 9, offset: 0 });
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("s.ack")], "no temp file left behind");
    }
}
