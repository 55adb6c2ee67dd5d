//! The async lane: one thread per process, with a current-thread runtime and its own connection pools, that runs
//! the async bindings' calls (Node promises, Kotlin coroutines and Swift tasks, Python's asyncio queue).
//!
//! On the shared multi-thread runtime an async call crosses threads several times (host → worker to start, the
//! connection task on another worker, worker → host to finish); on a virtual machine each cross-CPU wake-up can
//! cost more than the loopback round trip. On the async lane the request, its connection task and the response
//! all run on one thread, so a call crosses threads once each way (host → lane, lane → host).
//!
//! The lane is started by the first [`spawn`] of a process (again in a forked child, whose copy of the parent's
//! thread does not exist). When [`super::LANES_ENV`] turns lanes off, or no thread can be started, work runs on the
//! shared runtime instead. Background work (kill-switch polling, heartbeats) always stays on the shared runtime.

use crate::{Error, ErrorCode};
use futures_util::future::{AbortHandle, Abortable};
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::oneshot;

/// A unit of work for the lane thread.
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// `(pid, sender)` of this process's lane thread.
static LANE: Mutex<Option<(u32, UnboundedSender<Job>)>> = Mutex::new(None);

/// Starts a lane thread that spawns every job it receives onto its own lane runtime.
fn start() -> Option<UnboundedSender<Job>> {
    let (tx, mut rx) = unbounded_channel::<Job>();
    std::thread::Builder::new()
        .name("ascend-lane".into())
        .spawn(move || {
            super::block_on_in(super::Mode::Lane, async move {
                while let Some(job) = rx.recv().await {
                    tokio::spawn(job);
                }
            })
        })
        .ok()?;
    Some(tx)
}

/// The sender of this process's lane, started on first use; `None` when lanes are off or no thread can start.
fn sender() -> Option<UnboundedSender<Job>> {
    if !super::lanes_enabled() {
        return None;
    }
    let pid = std::process::id();
    let mut lane = LANE.lock().unwrap_or_else(|p| p.into_inner());
    match lane.as_ref() {
        Some((owner, tx)) if *owner == pid && !tx.is_closed() => Some(tx.clone()),
        _ => {
            let tx = start()?;
            *lane = Some((pid, tx.clone()));
            Some(tx)
        }
    }
}

/// Runs `fut` on the async lane (or the shared runtime, see the module docs) and forgets it. The future must
/// report its own outcome (a completion queue, a threadsafe function); a panic inside it is caught and dropped, so
/// report panics from inside when they matter (see [`spawn`], which does).
pub fn spawn_detached<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let job: Job = Box::pin(async move {
        let _ = AssertUnwindSafe(fut).catch_unwind().await;
    });
    let job = match sender() {
        Some(tx) => match tx.send(job) {
            Ok(()) => return,
            Err(returned) => returned.0,
        },
        None => job,
    };
    crate::runtime::runtime().spawn(job);
}

/// A call running on the async lane: await it for the outcome; dropping it aborts the call (its future is dropped
/// on the lane at its next poll, which ends any wait, poll loop or request in flight).
#[must_use = "dropping a LaneTask aborts its call"]
pub struct LaneTask<T> {
    rx: oneshot::Receiver<std::thread::Result<T>>,
    abort: AbortHandle,
}

impl<T> Future for LaneTask<T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(match std::task::ready!(Pin::new(&mut self.rx).poll(cx)) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(payload)) => Err(Error::from_panic(payload.as_ref())),
            // The sender is gone without an answer: the call was aborted (or its lane shut down with it).
            Err(_) => Err(Error::new(ErrorCode::Cancelled, "the call was cancelled")),
        })
    }
}

impl<T> Drop for LaneTask<T> {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// Runs `fut` on the async lane (or the shared runtime, see the module docs); a panic becomes `INTERNAL` (D20).
pub fn spawn<T, F>(fut: F) -> LaneTask<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let (abort, registration) = AbortHandle::new_pair();
    spawn_detached(async move {
        if let Ok(outcome) = Abortable::new(AssertUnwindSafe(fut).catch_unwind(), registration).await {
            let _ = tx.send(outcome);
        }
    });
    LaneTask { rx, abort }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_task_runs_on_the_lane_thread_with_the_lane_tag() {
        let (name, tagged) = crate::runtime::runtime()
            .block_on(spawn(async {
                (std::thread::current().name().map(str::to_owned), super::super::current().is_some())
            }))
            .unwrap();
        assert_eq!(name.as_deref(), Some("ascend-lane"));
        assert!(tagged, "the lane's transports pick its own connection pool");
    }

    #[test]
    fn a_panic_is_internal_and_the_lane_survives_it() {
        let rt = crate::runtime::runtime();
        let err = rt.block_on(spawn::<(), _>(async { panic!("boom") })).unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
        assert_eq!(rt.block_on(spawn(async { 7 })).unwrap(), 7);
    }

    #[test]
    fn dropping_the_task_drops_its_future() {
        struct Flag(Arc<std::sync::atomic::AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Flag(dropped.clone());
        let task = spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await
        });
        drop(task);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !dropped.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(std::time::Instant::now() < deadline, "the aborted future was never dropped");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}
