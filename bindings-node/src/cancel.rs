//! `CancelHandle`: one per call, holding the core's `CancelToken`; the facade wires an `AbortSignal` to `cancel()`,
//! which ends the call on the core runtime at once (its future is dropped, nothing keeps running) with code
//! `CANCELLED`.

use ascend_core::cancel::CancelToken;
use napi_derive::napi;

/// A cancel handle for one call.
#[napi]
#[derive(Default)]
pub struct CancelHandle {
    pub(crate) token: CancelToken,
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
        self.token.cancel();
    }

    /// Whether `cancel()` was called.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}
