//! `CancelHandle`: one per call; the facade wires an `AbortSignal` to `cancel()`, which ends the call's task on
//! the core runtime (its future is dropped, so nothing keeps running) and rejects with code `CANCELLED`.

use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Default)]
pub struct CancelState {
    cancelled: AtomicBool,
    notify: Notify,
}

impl CancelState {
    /// Resolves once `cancel()` was called (immediately if it already was).
    pub async fn cancelled(&self) {
        loop {
            // A `Notified` receives `notify_waiters` from the moment it is created, so no wake-up is lost
            // between the check and the await.
            let notified = self.notify.notified();
            if self.cancelled.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

/// A cancel handle for one call.
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    pub(crate) state: Arc<CancelState>,
}

#[napi]
impl CancelHandle {
    #[napi(constructor)]
    pub fn new() -> Self {
        CancelHandle::default()
    }

    /// Cancels the call (idempotent; a finished call is unaffected).
    #[napi]
    pub fn cancel(&self) {
        self.state.cancelled.store(true, Ordering::Release);
        self.state.notify.notify_waiters();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.state.cancelled.load(Ordering::Acquire)
    }
}
