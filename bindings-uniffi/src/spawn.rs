//! Cancel-safe async: the work runs on the core's runtime under a [`CancelToken`]; dropping the awaiting future (a
//! cancelled Kotlin coroutine or Swift task) cancels the token, which ends the core's work with `CANCELLED` and
//! drops it, so no waiter registration or poll is left behind.

use ascend_core::api::records::AscendError;
use ascend_core::{CancelToken, Error, ErrorCode};
use std::future::Future;

/// Cancels the call's token when dropped (after completion this is a no-op); aborting the task is the backstop.
struct CancelOnDrop {
    token: CancelToken,
    task: tokio::task::AbortHandle,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.token.cancel();
        self.task.abort();
    }
}

/// Runs `fut` on the core's runtime and awaits it; a panic becomes `INTERNAL` (D20).
pub async fn run<T, F>(fut: F) -> Result<T, AscendError>
where
    T: Send + 'static,
    F: Future<Output = ascend_core::Result<T>> + Send + 'static,
{
    let token = CancelToken::new();
    let inner = token.clone();
    let handle = ascend_core::runtime::runtime().spawn(async move { inner.run(fut).await });
    let _cancel = CancelOnDrop { token, task: handle.abort_handle() };
    match handle.await {
        Ok(result) => result.map_err(AscendError::from),
        Err(e) if e.is_panic() => Err(Error::internal("the SDK panicked; this is a bug").into()),
        Err(_) => Err(Error::new(ErrorCode::Cancelled, "the call was cancelled").into()),
    }
}

/// Runs a synchronous core call, turning a panic into `INTERNAL` (D20).
pub fn guard<T>(f: impl FnOnce() -> ascend_core::Result<T>) -> Result<T, AscendError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(AscendError::from),
        Err(_) => Err(Error::internal("the SDK panicked; this is a bug").into()),
    }
}
