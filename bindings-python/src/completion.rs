//! `_native.CompletionQueue`: how asyncio calls get their results without a runtime thread ever taking the GIL.
//!
//! `Client.submit(method, args, queue, token)` queues the call; the loop's `flush()` (scheduled once per loop
//! iteration that submitted calls) hands the whole batch to the core's async lane (`ascend_core::lane::Batch`), so
//! the lane is woken once per batch rather than once per call. When a call ends, the lane pushes `(token, outcome)`
//! onto the queue and, only when the queue was empty, writes one byte to a socket pair whose read end the event
//! loop watches (`loop.add_reader(queue.fileno(), …)`). The loop thread then `drain()`s every finished call at
//! once, converting the results to Python objects and resolving their futures with the GIL it already holds. One
//! wake-up serves many completions, and no worker waits for the GIL (which a busy loop thread holds for up to the
//! 5 ms switch interval); `pyo3-async-runtimes` needs a GIL acquisition and a `call_soon_threadsafe` per call instead.
//!
//! The calls run on the core's async lane (`ascend_core::lane::task`): a thread with a current-thread runtime and
//! its own connection pool, so a call crosses threads once each way (loop → lane, lane → loop), never through the
//! shared runtime's scheduler. Converted outcomes go back to the lane to be freed there (see `Inner::complete`).

use crate::convert::output_to_py;
use crate::errors::{guard, panic_error, to_pyerr};
use ascend_core::dispatch::Output;
use ascend_core::lane::Batch;
use ascend_core::Error;
use futures_util::future::{AbortHandle, Abortable};
use futures_util::FutureExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::collections::HashMap;
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

type Done = Vec<(u64, Result<Output, Error>)>;

struct State {
    done: Done,
    /// A wake-up byte is in the socket and not yet drained.
    signalled: bool,
    /// Calls in flight, so a cancelled asyncio future can abort its task.
    running: HashMap<u64, AbortHandle>,
    /// Outcomes the loop has converted, dropped by the lane (see `complete`).
    garbage: Vec<Done>,
}

struct Inner {
    state: Mutex<State>,
    /// Calls submitted since the last `flush`, not yet handed to the lane.
    batch: Batch,
    reader: UnixStream,
    writer: UnixStream,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn complete(&self, token: u64, outcome: Result<Output, Error>) {
        let (abort, garbage) = {
            let mut s = self.lock();
            let abort = s.running.remove(&token);
            s.done.push((token, outcome));
            if !s.signalled {
                s.signalled = true;
                // Non-blocking; a full socket buffer already holds a wake-up byte, so a failed write loses nothing.
                let _ = (&self.writer).write(&[1]);
            }
            (abort, std::mem::take(&mut s.garbage))
        };
        // Freed here, on the lane that allocated them: memory allocated on one thread and freed on another makes
        // the two threads contend for the allocator's arena lock (measured on the loop thread as futex waits).
        drop(garbage);
        drop(abort);
    }
}

/// Finished asyncio calls of one event loop, and the file descriptor that wakes the loop when there are some.
#[pyclass(module = "ascend._native", name = "CompletionQueue", frozen)]
pub struct CompletionQueue {
    inner: Arc<Inner>,
}

impl CompletionQueue {
    /// Queues `fut` for the core's async lane (it starts at the next [`CompletionQueue::flush`]); its outcome is
    /// queued under `token`. Returns `true` when it is the first call since the last flush (the caller schedules
    /// one).
    pub fn spawn<F>(&self, token: u64, fut: F) -> bool
    where
        F: Future<Output = Result<Output, Error>> + Send + 'static,
    {
        // Boxed once, here: the wrappers below then move a pointer, not the whole future.
        let fut = Box::pin(fut);
        let inner = self.inner.clone();
        let (abort, registration) = AbortHandle::new_pair();
        let job = async move {
            let run = Abortable::new(AssertUnwindSafe(fut).catch_unwind(), registration);
            let outcome = match run.await {
                Ok(Ok(r)) => r,
                Ok(Err(payload)) => Err(panic_error(payload.as_ref())),
                Err(_aborted) => return,
            };
            inner.complete(token, outcome);
        };
        // Registered before the job can start, so `complete` always finds it.
        self.inner.lock().running.insert(token, abort);
        self.inner.batch.push(job)
    }
}

#[pymethods]
impl CompletionQueue {
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        guard(py, || {
            let (reader, writer) = UnixStream::pair()?;
            reader.set_nonblocking(true)?;
            writer.set_nonblocking(true)?;
            let state = State { done: Vec::new(), signalled: false, running: HashMap::new(), garbage: Vec::new() };
            let inner = Inner { state: Mutex::new(state), batch: Batch::new(), reader, writer };
            Ok(CompletionQueue { inner: Arc::new(inner) })
        })
    }

    /// The descriptor to watch for readability (`loop.add_reader`).
    fn fileno(&self) -> i32 {
        self.inner.reader.as_raw_fd()
    }

    /// Hands every call submitted since the last flush to the core's async lane at once: one wake-up of the lane
    /// per batch (the loop calls it once per loop iteration that submitted calls) instead of one per call.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.inner.batch.flush();
            Ok(())
        })
    }

    /// Resolves the futures of every finished call: `pending` maps tokens to their asyncio futures; each finished
    /// call's future is popped and given its result with `set_result` (a future that is already done, i.e.
    /// cancelled, is skipped). Returns the failed calls as `(future, NativeError)` for the caller to translate into
    /// the SDK's exceptions and set.
    fn drain<'py>(&self, py: Python<'py>, pending: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let mut buf = [0u8; 64];
            loop {
                match (&self.inner.reader).read(&mut buf) {
                    Ok(0) => break,
                    Ok(_) => continue,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(_) => break, // WouldBlock: nothing left
                }
            }
            let done = {
                let mut s = self.inner.lock();
                s.signalled = false;
                std::mem::take(&mut s.done)
            };
            let failed = PyList::empty(py);
            let set_result = intern!(py, "set_result");
            for (token, outcome) in &done {
                let Some(future) = pending.get_item(*token)? else { continue };
                pending.del_item(*token)?;
                let error = match outcome {
                    Ok(output) => match output_to_py(py, output) {
                        Ok(value) => {
                            // Fails only when the future is already done (cancelled while its result was queued).
                            let _ = future.call_method1(set_result, (value,));
                            continue;
                        }
                        Err(e) => e.into_value(py).into_bound(py).into_any(),
                    },
                    Err(e) => to_pyerr(py, e.clone()).into_value(py).into_bound(py).into_any(),
                };
                failed.append((future, error))?;
            }
            // The outcomes go back to the lane to be freed (see `Inner::complete`).
            self.inner.lock().garbage.push(done);
            Ok(failed)
        })
    }

    /// Aborts the call `token` (its asyncio future was cancelled); nothing is queued for it.
    fn cancel(&self, py: Python<'_>, token: u64) -> PyResult<()> {
        guard(py, || {
            if let Some(h) = self.inner.lock().running.remove(&token) {
                h.abort();
            }
            Ok(())
        })
    }

    /// Calls in flight.
    fn __len__(&self) -> usize {
        self.inner.lock().running.len()
    }
}
