//! Cancel-safe async: the work runs on the core's async lane under a [`CancelToken`]; dropping the awaiting future (a
//! cancelled Kotlin coroutine or Swift task) cancels the token, which ends the core's work with `CANCELLED` and
//! drops it, so no waiter registration or poll is left behind.

use ascend_core::api::records::AscendError;
use ascend_core::{CancelToken, Error};
use std::future::Future;

/// Cancels the call's token when dropped (after completion this is a no-op); the task's own drop aborts the
/// future as the backstop.
struct CancelOnDrop(CancelToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Runs `fut` on the core's async lane (`ascend_core::lane::task`) and awaits it; a panic becomes `INTERNAL` (D20).
pub async fn run<T, F>(fut: F) -> Result<T, AscendError>
where
    T: Send + 'static,
    F: Future<Output = ascend_core::Result<T>> + Send + 'static,
{
    let token = CancelToken::new();
    let inner = token.clone();
    let _cancel = CancelOnDrop(token);
    match ascend_core::lane::spawn(async move { inner.run(fut).await }).await {
        Ok(result) => result.map_err(AscendError::from),
        Err(e) => Err(e.into()),
    }
}

/// Runs a synchronous core call, turning a panic into `INTERNAL` (D20).
pub fn guard<T>(f: impl FnOnce() -> ascend_core::Result<T>) -> Result<T, AscendError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(AscendError::from),
        Err(_) => Err(Error::internal("the SDK panicked; this is a bug").into()),
    }
}
