//! Replay: one pass over the undelivered part of the log, in order, under the replay lock.

use super::watermark::{self, Journal, Watermark};
use super::{io_err, lock, log, Spool, SpoolEntry};
use crate::error::Result;
use std::fs::OpenOptions;
use std::future::Future;
use std::io;

impl Spool {
    /// Delivers pending entries in order through `deliver`, recording each success before the next send; stops
    /// at the first error and returns it (the entry stays pending). Returns how many were delivered, 0 at once
    /// when another process or task is replaying this spool. Entries appended meanwhile are delivered too, and
    /// the log is emptied once everything in it is delivered.
    pub async fn replay<F, Fut>(&self, mut deliver: F) -> Result<usize>
    where
        F: FnMut(SpoolEntry) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let Ok(_in_process) = self.replaying.try_lock() else {
            return Ok(0);
        };
        if std::fs::metadata(&self.path).map_or(true, |m| m.len() == 0) {
            return Ok(0); // no log, or an empty one: nothing to replay
        }
        let lock_path = self.side_path(".replay.lock");
        let lock_file = lock::open(&lock_path).map_err(|e| io_err("open", &lock_path, e))?;
        let Some(_held) = lock::try_exclusive(&lock_file).map_err(|e| io_err("lock", &lock_path, e))? else {
            tracing::info!("spool: another process is replaying this spool");
            return Ok(0);
        };
        let ack = self.ack_path();
        let mut mark = watermark::read(&ack);
        let read_err = |e: io::Error| io_err("read", &self.path, e);
        let Some(mut lines) = log::Lines::open(&self.path, self.start_offset(mark)?).map_err(read_err)? else {
            return Ok(0);
        };
        let mut journal = Journal::begin(&ack, mark).map_err(|e| io_err("write", &ack, e))?;
        let mut delivered = 0;
        let outcome = loop {
            match lines.next_line().map_err(read_err) {
                Err(e) => break Err(e),
                Ok(Some(Some(entry))) if entry.seq > mark.acked => {
                    let seq = entry.seq;
                    if let Err(e) = deliver(entry).await {
                        break Err(e);
                    }
                    mark = Watermark { acked: seq, offset: lines.offset() };
                    if let Err(e) = journal.record(mark) {
                        break Err(io_err("write", &ack, e));
                    }
                    delivered += 1;
                }
                Ok(Some(_)) => {} // delivered before, or crash debris
                Ok(None) => match self.compact_if_drained(&mut journal, mark, lines.offset()) {
                    Ok(true) => break Ok(delivered),
                    Ok(false) => {} // appended meanwhile: keep reading
                    Err(e) => break Err(e),
                },
            }
        };
        let synced = journal.sync().map_err(|e| io_err("fsync", &ack, e));
        outcome.and_then(|n| synced.map(|()| n))
    }

    /// Under the append lock: when the log ends at `offset` (everything read and delivered), records the
    /// watermark at offset 0 durably, then empties the log. `false` when entries were appended meanwhile.
    pub(super) fn compact_if_drained(&self, journal: &mut Journal, mark: Watermark, offset: u64) -> Result<bool> {
        let mut state = self.state();
        let lock_file = self.lock_file(&mut state)?;
        let _held = lock::exclusive(lock_file).map_err(|e| io_err("lock", &self.path, e))?;
        let err = |e: io::Error| io_err("compact", &self.path, e);
        let log = match OpenOptions::new().read(true).write(true).open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(err(e)),
        };
        let mut tail = log::tail(&log).map_err(err)?;
        log::cut_debris(&log, &mut tail).map_err(err)?;
        if tail.len > offset {
            return Ok(false);
        }
        if tail.len == 0 {
            return Ok(true);
        }
        // Watermark first: a crash between the two leaves offset 0 over acknowledged lines, which are skipped.
        let ack_err = |e: io::Error| io_err("write", &self.ack_path(), e);
        journal.record(Watermark { acked: mark.acked, offset: 0 }).map_err(ack_err)?;
        journal.sync().map_err(ack_err)?;
        log.set_len(0).map_err(err)?;
        log.sync_all().map_err(|e| io_err("fsync", &self.path, e))?;
        Ok(true)
    }
}
