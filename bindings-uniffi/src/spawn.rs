//! Cancel-safe async: the work runs on the core's runtime; dropping the awaiting future (a cancelled Kotlin
//! coroutine or Swift task) aborts it, so nothing is left behind.

use ascend_core::api::records::AscendError;
use ascend_core::{Error, ErrorCode};
use std::future::Future;

/// Aborts the spawned task when dropped (after completion this is a no-op).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `fut` on the core's runtime and awaits it; a panic becomes `INTERNAL` (D20).
pub async fn run<T, F>(fut: F) -> Result<T, AscendError>
where
    T: Send + 'static,
    F: Future<Output = ascend_core::Result<T>> + Send + 'static,
{
    let handle = ascend_core::runtime::runtime().spawn(fut);
    let _abort = AbortOnDrop(handle.abort_handle());
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
