//! Per-thread lanes for blocking calls: the calling thread does its own socket I/O.
//!
//! A blocking call run on the shared multi-thread runtime crosses threads twice (caller → worker to start, worker
//! → caller to finish) and the connection task may run on a third; on a virtual machine each of those wake-ups can
//! cost more than the HTTP round trip itself. A *lane* is a current-thread runtime owned by one OS thread, with its
//! own connection pool in every [`crate::transport::Transport`] it uses, so a blocking call on a lane is driven
//! entirely by the caller: no hand-offs at all.
//!
//! Rules:
//! * A thread's first blocking call runs on the shared runtime; from its second call on the thread has a lane (a
//!   thread that calls once never pays for a runtime and a connection of its own). `ASCEND_BLOCKING_LANES=0`
//!   turns lanes off (every blocking call on the shared runtime, one connection pool per client).
//! * Background work (kill-switch polling, heartbeats) always runs on the shared runtime; the async bindings'
//!   calls run on the process's async lane ([`task`]).
//! * A lane belongs to the process that built it: after `fork()` the child leaks the parent's lane (never drops
//!   it: its epoll instance is shared with the parent) and builds its own.
//! * When a thread exits, its lane is shut down on a short-lived helper thread (tokio's thread-locals may already
//!   be gone in a thread-local destructor).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

pub mod batch;
pub mod task;
pub use batch::Batch;
pub use task::{spawn, spawn_detached, LaneTask};

/// Identity of one lane; transports keep one connection pool per live tag.
#[derive(Debug)]
pub struct LaneTag {
    _private: (),
}

/// Where one blocking call runs; chosen once per call by [`begin_call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// On the shared runtime (`block_on` from the calling thread).
    Shared,
    /// On this thread's lane.
    Lane,
}

struct Lane {
    pid: u32,
    rt: Option<Runtime>,
    tag: Arc<LaneTag>,
}

impl Drop for Lane {
    fn drop(&mut self) {
        let Some(rt) = self.rt.take() else { return };
        if self.pid != std::process::id() {
            std::mem::forget(rt);
            return;
        }
        // Dropping a runtime needs tokio's own thread-locals, which may already be destroyed when this runs as a
        // thread-local destructor: shut it down on a fresh thread instead (or leak it if none can be started).
        let cell = Arc::new(std::sync::Mutex::new(Some(rt)));
        let theirs = cell.clone();
        let spawned = std::thread::Builder::new()
            .name("ascend-lane-drop".into())
            .spawn(move || drop(theirs.lock().map(|mut rt| rt.take())));
        if spawned.is_err() {
            if let Ok(mut rt) = cell.lock() {
                std::mem::forget(rt.take());
            }
        }
    }
}

thread_local! {
    static LANE: RefCell<Option<Rc<Lane>>> = const { RefCell::new(None) };
    static CALLS: Cell<u64> = const { Cell::new(0) };
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// When this thread's last lane call ended.
    static LAST_END: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// A lane idle for less than this is not settled before a call (see [`settle`]).
const SETTLE_AFTER_IDLE: Duration = Duration::from_millis(1);

/// Environment variable that turns lanes off for the process (`0`, `false`, `off` or `no`): every blocking call
/// then runs on the shared runtime. Read once.
pub const LANES_ENV: &str = "ASCEND_BLOCKING_LANES";

fn lanes_enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| {
        let v = std::env::var(LANES_ENV).unwrap_or_default();
        !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "off" | "no")
    })
}

/// Counts a blocking call on this thread and says where it runs: the first on the shared runtime, later ones on
/// the thread's lane (unless [`LANES_ENV`] turned lanes off).
pub fn begin_call() -> Mode {
    if !lanes_enabled() {
        return Mode::Shared;
    }
    CALLS.with(|c| {
        let n = c.get();
        c.set(n.saturating_add(1));
        if n == 0 {
            Mode::Shared
        } else {
            Mode::Lane
        }
    })
}

/// Runs one blocking call ([`begin_call`] + [`block_on_in`]). Must not be called from inside an async context.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    block_on_in(begin_call(), fut)
}

/// Runs `fut` to completion where `mode` says. A call may be driven in several slices (the Python binding
/// returns to the interpreter between slices to check for Ctrl-C); every slice of one call must use the same mode.
pub fn block_on_in<F: Future>(mode: Mode, fut: F) -> F::Output {
    match mode {
        Mode::Shared => crate::runtime::runtime().block_on(fut),
        Mode::Lane => {
            let lane = this_thread_lane();
            let _active = ActiveGuard(ACTIVE.with(|a| a.replace(true)));
            let idle = LAST_END.with(Cell::get).is_none_or(|end| end.elapsed() >= SETTLE_AFTER_IDLE);
            let out = lane.rt.as_ref().expect("a live lane has a runtime").block_on(async {
                if idle {
                    settle().await;
                }
                fut.await
            });
            LAST_END.with(|e| e.set(Some(Instant::now())));
            out
        }
    }
}

/// Lets the lane catch up with what happened while nobody drove it, before the call starts: nothing runs on a
/// lane between calls, so a pooled connection the server closed in the meantime still looks idle and reusable.
/// The first yield polls the I/O driver (without waiting), which wakes the connection tasks that have events; the
/// second lets them run (they see the EOF and leave the pool), so the call never picks a dead connection. Skipped
/// when the lane was busy less than [`SETTLE_AFTER_IDLE`] ago (back-to-back calls): a close in that instant is the
/// race every HTTP client has, which the retry layer covers.
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// The tag of the lane this thread is driving right now, if any (transports pick their connection pool by it).
pub fn current() -> Option<Arc<LaneTag>> {
    if !ACTIVE.with(Cell::get) {
        return None;
    }
    LANE.with(|l| l.borrow().as_ref().map(|lane| lane.tag.clone()))
}

struct ActiveGuard(bool);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        let previous = self.0;
        ACTIVE.with(|a| a.set(previous));
    }
}

fn this_thread_lane() -> Rc<Lane> {
    let pid = std::process::id();
    LANE.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some(lane) = slot.as_ref().filter(|l| l.pid == pid) {
            return lane.clone();
        }
        if let Some(stale) = slot.take() {
            // A forked child: the parent's lane shares its epoll instance with the parent; never touch it.
            std::mem::forget(stale);
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("cannot start the ascend lane runtime");
        let lane = Rc::new(Lane { pid, rt: Some(rt), tag: Arc::new(LaneTag { _private: () }) });
        *slot = Some(lane.clone());
        lane
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_call_of_a_thread_is_shared_then_lane() {
        std::thread::spawn(|| {
            assert_eq!(begin_call(), Mode::Shared);
            assert_eq!(begin_call(), Mode::Lane);
            assert_eq!(begin_call(), Mode::Lane);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn current_is_set_only_inside_a_lane() {
        std::thread::spawn(|| {
            assert!(current().is_none());
            let inside_shared = block_on_in(Mode::Shared, async { current().is_some() });
            assert!(!inside_shared);
            let a = block_on_in(Mode::Lane, async { current().expect("inside the lane") });
            let b = block_on_in(Mode::Lane, async { current().expect("inside the lane") });
            assert!(Arc::ptr_eq(&a, &b), "one lane per thread");
            assert!(current().is_none(), "cleared after the call");
            let other = std::thread::spawn(|| block_on_in(Mode::Lane, async { current().unwrap() })).join().unwrap();
            assert!(!Arc::ptr_eq(&a, &other), "threads have their own lanes");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn threads_with_lanes_exit_cleanly() {
        let tags: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    block_on(async {});
                    let tag = block_on(async { current().unwrap() });
                    Arc::downgrade(&tag)
                })
                .join()
                .unwrap()
            })
            .collect();
        assert!(tags.iter().all(|t| t.strong_count() == 0), "an exited thread's lane is gone");
    }
}
