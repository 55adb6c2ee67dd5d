//! The log file: reading its tail in O(record size), cutting crash debris off its end, and reading its complete
//! lines forward from an offset.
//!
//! A line is complete when it ends in `\n`. Appends are single writes made under the append lock, so bytes after
//! the last `\n` are either a write in progress (seen by a reader without the lock) or the debris of a writer that
//! died mid-write (seen under the lock, and cut off there: its call never returned).

use super::entry::SpoolEntry;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// First window read backwards from the end when looking for the last entry.
const TAIL_WINDOW: u64 = 8 * 1024;

/// The end of the log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Tail {
    /// File length.
    pub len: u64,
    /// Length up to and including the last `\n`.
    pub complete_len: u64,
    /// Sequence number of the last complete entry.
    pub last_seq: Option<u64>,
}

fn read_range(mut f: &File, start: u64, len: u64) -> io::Result<Vec<u8>> {
    let mut buf = vec![0; len as usize];
    f.seek(SeekFrom::Start(start))?;
    f.read_exact(&mut buf)?;
    Ok(buf)
}

/// Reads the end of the log backwards until the last complete entry (one record's worth of bytes in practice).
pub(crate) fn tail(f: &File) -> io::Result<Tail> {
    let len = f.metadata()?.len();
    let mut window = TAIL_WINDOW.min(len);
    loop {
        let start = len - window;
        let buf = read_range(f, start, window)?;
        let whole = start == 0;
        let Some(last_nl) = buf.iter().rposition(|b| *b == b'\n') else {
            if whole {
                return Ok(Tail { len, complete_len: 0, last_seq: None });
            }
            window = (window * 2).min(len);
            continue;
        };
        let complete_len = start + last_nl as u64 + 1;
        let mut end = last_nl;
        loop {
            let line_start = match buf[..end].iter().rposition(|b| *b == b'\n') {
                Some(p) => p + 1,
                None if whole => 0,
                None => break, // the line may begin before this window: widen it
            };
            if let Some(e) = SpoolEntry::decode(&buf[line_start..end]) {
                return Ok(Tail { len, complete_len, last_seq: Some(e.seq) });
            }
            if line_start == 0 {
                return Ok(Tail { len, complete_len, last_seq: None });
            }
            end = line_start - 1;
        }
        window = (window * 2).min(len);
    }
}

/// Cuts off bytes after the last complete line. Only under the append lock (no writer can be mid-write).
pub(crate) fn cut_debris(f: &File, tail: &mut Tail) -> io::Result<()> {
    if tail.complete_len < tail.len {
        tracing::warn!(bytes = tail.len - tail.complete_len, "spool: dropping a torn final line left by a crash");
        f.set_len(tail.complete_len)?;
        tail.len = tail.complete_len;
    }
    Ok(())
}

/// Complete lines of the log read forwards from an offset.
pub(crate) struct Lines {
    reader: BufReader<File>,
    offset: u64,
    line: Vec<u8>,
}

impl Lines {
    /// Lines from `offset`; `None` when there is no log.
    pub(crate) fn open(path: &Path, offset: u64) -> io::Result<Option<Lines>> {
        let mut f = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        f.seek(SeekFrom::Start(offset))?;
        Ok(Some(Lines { reader: BufReader::with_capacity(64 * 1024, f), offset, line: Vec::new() }))
    }

    /// Offset just after the last line returned.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// The next complete line, decoded (`Some(None)` for debris); `None` at the end or before an incomplete line.
    /// Calling again after the file grew continues from where it stopped.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Option<SpoolEntry>>> {
        self.line.clear();
        let n = self.reader.read_until(b'\n', &mut self.line)?;
        if n == 0 {
            return Ok(None);
        }
        if self.line.last() != Some(&b'\n') {
            // An append in progress (or debris): leave it; rewind so a later call rereads it whole.
            self.reader.seek(SeekFrom::Start(self.offset))?;
            return Ok(None);
        }
        self.offset += n as u64;
        Ok(Some(SpoolEntry::decode(&self.line[..n - 1])))
    }
}

/// Whether `offset` is a line start of the log (0, or just after a `\n`, and not past the end).
pub(crate) fn is_line_start(f: &File, offset: u64) -> io::Result<bool> {
    if offset == 0 {
        return Ok(true);
    }
    if offset > f.metadata()?.len() {
        return Ok(false);
    }
    Ok(read_range(f, offset - 1, 1)? == b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Write;

    fn line(seq: u64, pad: usize) -> Vec<u8> {
        SpoolEntry {
            seq,
            kind: "decision".into(),
            method: "POST".into(),
            path: "/p".into(),
            body: json!({"pad": "x".repeat(pad)}),
            idempotency_key: format!("k{seq}"),
            created_at: "t".into(),
        }
        .encode()
    }

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf, File) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
        let f = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        (dir, path, f)
    }

    #[test]
    fn tail_finds_the_last_entry_past_debris_and_across_windows() {
        let mut bytes = [line(1, 10), line(2, 20_000)].concat();
        let complete = bytes.len() as u64;
        bytes.extend_from_slice(b"{\"seq\":3,\"ki");
        let (_d, _p, f) = file_with(&bytes);
        let mut t = tail(&f).unwrap();
        assert_eq!(t, Tail { len: bytes.len() as u64, complete_len: complete, last_seq: Some(2) });
        cut_debris(&f, &mut t).unwrap();
        assert_eq!(f.metadata().unwrap().len(), complete);
        assert_eq!(tail(&f).unwrap().last_seq, Some(2));
    }

    #[test]
    fn tail_of_empty_and_debris_only_logs() {
        let (_d, _p, f) = file_with(b"");
        assert_eq!(tail(&f).unwrap(), Tail { len: 0, complete_len: 0, last_seq: None });
        let (_d, _p, f) = file_with(b"garbage\n{\"seq\":");
        assert_eq!(tail(&f).unwrap(), Tail { len: 15, complete_len: 8, last_seq: None });
    }

    #[test]
    fn lines_stop_before_an_incomplete_line_and_resume_when_it_completes() {
        let l2 = line(2, 0);
        let bytes = [line(1, 0), b"junk\n".to_vec(), l2[..5].to_vec()].concat();
        let (_d, path, _f) = file_with(&bytes);
        let mut lines = Lines::open(&path, 0).unwrap().unwrap();
        assert_eq!(lines.next_line().unwrap().unwrap().unwrap().seq, 1);
        assert_eq!(lines.next_line().unwrap(), Some(None), "debris is a line that decodes to nothing");
        let before = lines.offset();
        assert_eq!(lines.next_line().unwrap(), None);
        assert_eq!(lines.offset(), before);
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(&l2[5..]).unwrap();
        assert_eq!(lines.next_line().unwrap().unwrap().unwrap().seq, 2);
        assert_eq!(lines.offset(), bytes.len() as u64 + l2.len() as u64 - 5);
        let f = File::open(&path).unwrap();
        assert!(is_line_start(&f, before).unwrap());
        assert!(!is_line_start(&f, before + 1).unwrap());
        assert!(!is_line_start(&f, lines.offset() + 1).unwrap());
    }

    #[test]
    fn tail_steps_back_over_complete_lines_that_are_not_entries() {
        let first = line(1, 0);
        let bytes = [first.clone(), line(2, 0), b"junk\n".to_vec(), b"{\"seq\": 9}\n".to_vec()].concat();
        let (_d, _p, f) = file_with(&bytes);
        assert_eq!(
            tail(&f).unwrap(),
            Tail { len: bytes.len() as u64, complete_len: bytes.len() as u64, last_seq: Some(2) }
        );
        let bytes = [first.clone(), b"junk\n".to_vec()].concat();
        let (_d, _p, f) = file_with(&bytes);
        assert_eq!(tail(&f).unwrap().last_seq, Some(1));
    }

    #[test]
    fn tail_widens_past_debris_longer_than_the_first_window() {
        let first = line(1, 0);
        let debris = vec![b'x'; 3 * TAIL_WINDOW as usize];
        let bytes = [first.clone(), debris].concat();
        let (_d, _p, f) = file_with(&bytes);
        assert_eq!(
            tail(&f).unwrap(),
            Tail { len: bytes.len() as u64, complete_len: first.len() as u64, last_seq: Some(1) }
        );
    }

    #[test]
    fn no_log_has_no_lines_and_an_unreadable_log_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Lines::open(&dir.path().join("absent"), 0).unwrap().is_none());
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        assert!(Lines::open(&dir.path().join("file").join("log"), 0).is_err());
    }

    #[test]
    fn only_a_torn_tail_is_cut_and_reported() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        use tracing_subscriber::layer::SubscriberExt;
        struct Count(Arc<AtomicUsize>);
        impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
            fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let events = Arc::new(AtomicUsize::new(0));
        let bytes = line(1, 0);
        let (_d, path, f) = file_with(&bytes);
        tracing::subscriber::with_default(tracing_subscriber::registry().with(Count(events.clone())), || {
            let mut t = tail(&f).unwrap();
            cut_debris(&f, &mut t).unwrap();
            assert_eq!(events.load(Ordering::SeqCst), 0, "a log that ends in a complete line is left alone, silently");
            std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"seq\":").unwrap();
            let mut t = tail(&f).unwrap();
            cut_debris(&f, &mut t).unwrap();
            assert_eq!(events.load(Ordering::SeqCst), 1, "the torn tail is reported");
        });
        assert_eq!(f.metadata().unwrap().len(), bytes.len() as u64);
    }

    #[test]
    fn the_end_of_a_log_that_ends_in_a_newline_is_a_line_start() {
        let bytes = [line(1, 0), line(2, 0)].concat();
        let (_d, _p, f) = file_with(&bytes);
        assert!(is_line_start(&f, bytes.len() as u64).unwrap());
        assert!(!is_line_start(&f, bytes.len() as u64 + 1).unwrap());
    }
}
