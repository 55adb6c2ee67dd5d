//! The one lazy process-global tokio runtime (2 worker threads), stamped with the PID: after `fork()` the
//! child builds a fresh runtime and leaks the parent's (its threads do not exist in the child).
//!
//! The slot is a lock-free atomic pointer, so a fork that happens while another thread is inside
//! [`runtime()`] can never leave the child waiting on a lock held by a thread that no longer exists.

use std::sync::atomic::{AtomicPtr, Ordering};
use tokio::runtime::Runtime;

struct Stamped {
    pid: u32,
    rt: Runtime,
}

static RUNTIME: AtomicPtr<Stamped> = AtomicPtr::new(std::ptr::null_mut());

fn current() -> Option<&'static Stamped> {
    let p = RUNTIME.load(Ordering::Acquire);
    (!p.is_null()).then(|| leaked(p))
}

/// The one unsafe line of the crate: dereferencing a pointer that came from `Box::leak`.
#[allow(unsafe_code)]
fn leaked(p: *mut Stamped) -> &'static Stamped {
    // SAFETY: pointers in RUNTIME are leaked boxes (never deallocated), so they are valid for 'static.
    unsafe { &*p }
}

/// The shared runtime for this process (rebuilt once in a forked child).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    loop {
        let seen = RUNTIME.load(Ordering::Acquire);
        if let Some(s) = current().filter(|s| s.pid == pid) {
            return &s.rt;
        }
        // First use, or we are a forked child: build a new runtime. The old one is leaked, never dropped.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ascend-rt")
            .enable_all()
            .build()
            .expect("cannot start the ascend runtime");
        let fresh: &'static mut Stamped = Box::leak(Box::new(Stamped { pid, rt }));
        let fresh_ptr: *mut Stamped = fresh;
        if RUNTIME.compare_exchange(seen, fresh_ptr, Ordering::AcqRel, Ordering::Acquire).is_ok() {
            return &leaked(fresh_ptr).rt;
        }
        // Another thread installed a runtime first; ours stays leaked (rare, at most once per thread) and we
        // use the winner on the next iteration.
    }
}

/// Forgets the runtime so the next call builds a new one (call in a forked child). Lock-free.
pub fn reset_after_fork() {
    RUNTIME.store(std::ptr::null_mut(), Ordering::Release);
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_runtime_for_the_same_process_and_fresh_after_reset() {
        let a = super::runtime() as *const _;
        assert_eq!(a, super::runtime() as *const _);
        super::reset_after_fork();
        let b = super::runtime() as *const _;
        assert_ne!(a, b, "a reset (as in a forked child) builds a new runtime");
        assert_eq!(super::runtime().block_on(async { 7 }), 7);
    }
}
