//! Calls handed to the async lane in batches: a binding queues the calls that its host starts in one turn of the
//! host's event loop and flushes them once at the end of that turn, so the lane is woken once per batch rather than
//! once per call (Python's asyncio queue flushes from a `call_soon` callback scheduled by the turn's first call).

use super::task::spawn_detached;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Calls queued for the async lane, started together by [`Batch::flush`].
#[derive(Default)]
pub struct Batch {
    inbox: Mutex<Vec<Job>>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch").field("queued", &self.len()).finish()
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    fn inbox(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        self.inbox.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `fut`; it starts at the next [`Batch::flush`]. The future reports its own outcome (a panic inside it
    /// is caught and dropped, as with [`spawn_detached`]). Returns `true` when it is the first call queued since
    /// the last flush: the caller then schedules one flush for the end of the host's turn.
    pub fn push<F>(&self, fut: F) -> bool
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut inbox = self.inbox();
        inbox.push(Box::pin(fut));
        inbox.len() == 1
    }

    /// Starts every queued call on the async lane with one hand-off. Nothing happens when the batch is empty.
    pub fn flush(&self) {
        let jobs = std::mem::take(&mut *self.inbox());
        if jobs.is_empty() {
            return;
        }
        spawn_detached(async move {
            for job in jobs {
                // A panicking job ends only its own task: tokio's task harness catches it.
                tokio::spawn(job);
            }
        });
    }

    /// Calls queued and not yet flushed.
    pub fn len(&self) -> usize {
        self.inbox().len()
    }

    /// No call is waiting for a flush.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn calls_wait_for_the_flush_and_then_all_run_on_the_lane() {
        let batch = Batch::new();
        let (tx, rx) = mpsc::channel();
        let firsts: Vec<bool> = (0..5)
            .map(|i| {
                let tx = tx.clone();
                batch.push(async move {
                    let _ = tx.send((i, std::thread::current().name().map(str::to_owned)));
                })
            })
            .collect();
        assert_eq!(firsts, [true, false, false, false, false], "only the first call asks for a flush");
        assert_eq!(batch.len(), 5);
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "nothing starts before the flush");
        batch.flush();
        assert!(batch.is_empty());
        let mut seen: Vec<_> =
            (0..5).map(|_| rx.recv_timeout(Duration::from_secs(5)).expect("every call ran")).collect();
        seen.sort();
        assert_eq!(seen.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert!(seen.iter().all(|(_, name)| name.as_deref() == Some("ascend-lane")), "{seen:?}");
        assert!(batch.push(async {}), "the first call after a flush asks for the next one");
    }

    #[test]
    fn a_panicking_call_does_not_stop_the_rest_of_its_batch() {
        let batch = Batch::new();
        let (tx, rx) = mpsc::channel();
        batch.push(async { panic!("boom") });
        batch.push(async move {
            let _ = tx.send(());
        });
        batch.flush();
        rx.recv_timeout(Duration::from_secs(5)).expect("the second call ran");
    }

    #[test]
    fn flushing_an_empty_batch_does_nothing() {
        Batch::new().flush();
    }
}
