//! The one lazy process-global tokio runtime (2 worker threads), stamped with the PID: after `fork()` the
//! child builds a fresh runtime and leaks the parent's (its threads do not exist in the child).

use std::sync::Mutex;
use tokio::runtime::Runtime;

struct Stamped {
    pid: u32,
    rt: &'static Runtime,
}

static RUNTIME: Mutex<Option<Stamped>> = Mutex::new(None);

/// The shared runtime for this process (rebuilt once in a forked child).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = slot.as_ref() {
        if s.pid == pid {
            return s.rt;
        }
    }
    // First use, or we are a forked child: build a new runtime and leak it (never drop a runtime whose
    // threads belong to another process).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ascend-rt")
        .enable_all()
        .build()
        .expect("cannot start the ascend runtime");
    let rt: &'static Runtime = Box::leak(Box::new(rt));
    *slot = Some(Stamped { pid, rt });
    rt
}

/// Runs a future to completion on the shared runtime (the blocking facade). Must not be called from
/// inside an async context.
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    runtime().block_on(fut)
}

/// Forgets the runtime so the next call builds a new one (call in a forked child).
pub fn reset_after_fork() {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    *slot = None;
}
