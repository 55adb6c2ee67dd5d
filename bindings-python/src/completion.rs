//! `_native.CompletionQueue`: how asyncio calls get their results without a runtime thread ever taking the GIL.
//!
//! `Client.submit(method, args, queue, token)` spawns the call on the core runtime; when it ends, the worker pushes
//! `(token, outcome)` onto the queue and, only when the queue was empty, writes one byte to a socket pair whose
//! read end the event loop watches (`loop.add_reader(queue.fileno(), …)`). The loop thread then `drain()`s every
//! finished call at once, converting the results to Python objects with the GIL it already holds. One wake-up serves
//! many completions, and no worker waits for the GIL (which a busy loop thread holds for up to the 5 ms switch
//! interval); `pyo3-async-runtimes` needs a GIL acquisition and a `call_soon_threadsafe` per call instead.
//!
//! The calls run on the core's async lane (`ascend_core::lane::task`): a thread with a current-thread runtime and
//! its own connection pool, so a call crosses threads once each way (loop → lane, lane → loop), never through the
//! shared runtime's scheduler.

use crate::convert::output_to_py;
use crate::errors::{guard, panic_error, to_pyerr};
use ascend_core::dispatch::Output;
use ascend_core::Error;
use futures_util::future::{AbortHandle, Abortable};
use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::collections::HashMap;
use std::future::Future;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

struct State {
    done: Vec<(u64, Result<Output, Error>)>,
    /// A wake-up byte is in the socket and not yet drained.
    signalled: bool,
    /// Calls in flight, so a cancelled asyncio future can abort its task.
    running: HashMap<u64, AbortHandle>,
}

struct Inner {
    state: Mutex<State>,
    reader: UnixStream,
    writer: UnixStream,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn complete(&self, token: u64, outcome: Result<Output, Error>) {
        let mut s = self.lock();
        s.running.remove(&token);
        s.done.push((token, outcome));
        if !s.signalled {
            s.signalled = true;
            // Non-blocking; a full socket buffer already holds a wake-up byte, so a failed write loses nothing.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// Finished asyncio calls of one event loop, and the file descriptor that wakes the loop when there are some.
#[pyclass(module = "ascend._native", name = "CompletionQueue", frozen)]
pub struct CompletionQueue {
    inner: Arc<Inner>,
}

impl CompletionQueue {
    /// Runs `fut` on the core's async lane; its outcome is queued under `token`.
    pub fn spawn<F>(&self, token: u64, fut: F)
    where
        F: Future<Output = Result<Output, Error>> + Send + 'static,
    {
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
        // Registered before the job can finish, so `complete` always finds it.
        self.inner.lock().running.insert(token, abort);
        ascend_core::lane::spawn_detached(job);
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
            let state = State { done: Vec::new(), signalled: false, running: HashMap::new() };
            let inner = Inner { state: Mutex::new(state), reader, writer };
            Ok(CompletionQueue { inner: Arc::new(inner) })
        })
    }

    /// The descriptor to watch for readability (`loop.add_reader`).
    fn fileno(&self) -> i32 {
        self.inner.reader.as_raw_fd()
    }

    /// Every finished call as `(token, ok, value)`: the result, or the `NativeError` to raise.
    fn drain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
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
            let out = PyList::empty(py);
            for (token, outcome) in done {
                let item = match outcome {
                    Ok(output) => match output_to_py(py, &output) {
                        Ok(v) => (token, true, v),
                        Err(e) => (token, false, e.into_value(py).into_bound(py).into_any()),
                    },
                    Err(e) => (token, false, to_pyerr(py, e).into_value(py).into_bound(py).into_any()),
                };
                out.append(item.into_pyobject(py)?)?;
            }
            Ok(out)
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
