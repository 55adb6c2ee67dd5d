//! Cancellation of long calls: a [`CancelToken`] that a binding hands to `Client::invoke_cancellable` and
//! cancels from any thread (an `AbortSignal`, a cancelled coroutine or Swift task, Ctrl-C). The call ends at
//! once with code `CANCELLED`; its future is dropped, so every registration it made (a decision waiter, a
//! connection slot) is released.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, Default)]
struct Shared {
    cancelled: AtomicBool,
    notify: Notify,
}

/// A shareable cancellation flag with an awaitable [`cancelled`](CancelToken::cancelled). Cheap to clone; all
/// clones share one state. Cancelling is idempotent and cannot be undone.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    shared: Arc<Shared>,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        CancelToken::default()
    }

    /// Cancels every call holding this token (or a clone of it).
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::SeqCst);
        self.shared.notify.notify_waiters();
    }

    /// Whether [`cancel`](CancelToken::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::SeqCst)
    }

    /// Completes when the token is cancelled (at once if it already is).
    pub async fn cancelled(&self) {
        loop {
            let notified = self.shared.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }

    /// Runs `fut` unless the token is cancelled first, in which case `fut` is dropped and the result is a
    /// `CANCELLED` error.
    pub async fn run<T>(&self, fut: impl std::future::Future<Output = crate::Result<T>>) -> crate::Result<T> {
        if self.is_cancelled() {
            return Err(crate::Error::cancelled());
        }
        tokio::select! {
            biased;
            _ = self.cancelled() => Err(crate::Error::cancelled()),
            r = fut => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_cancelled_future_ends_with_cancelled_and_is_dropped() {
        crate::lane::block_on(async {
            let token = CancelToken::new();
            let t2 = token.clone();
            let dropped = Arc::new(AtomicBool::new(false));
            struct Flag(Arc<AtomicBool>);
            impl Drop for Flag {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let flag = Flag(dropped.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                t2.cancel();
            });
            let start = Instant::now();
            let r: crate::Result<()> = token
                .run(async move {
                    let _f = flag;
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(())
                })
                .await;
            assert_eq!(r.unwrap_err().code, crate::ErrorCode::Cancelled);
            assert!(start.elapsed() < Duration::from_secs(5));
            assert!(dropped.load(Ordering::SeqCst));
            // Already cancelled: the future never starts.
            let r: crate::Result<u8> = token.run(async { Ok(1) }).await;
            assert_eq!(r.unwrap_err().code, crate::ErrorCode::Cancelled);
        });
    }
}
