"""The asyncio side of ``_native.CompletionQueue`` (see ``bindings-python/src/completion.rs``).

One queue per event loop, watched with ``loop.add_reader``: a call is submitted with a token and a loop future; the
calls submitted in one loop iteration go to the core's async lane together (``flush``, scheduled with
``call_soon`` by the first of them: one wake-up of the lane per batch); when the loop wakes, the queue resolves the
future of every finished call at once (``drain``). No runtime thread takes the GIL, and one wake-up serves many
completions. Loops without ``add_reader`` (Windows' proactor loop) use the
extension's ``invoke_async`` instead.

Per call this costs one coroutine (:func:`acall`, awaited directly by the client method), one loop future and one
dict entry: the hot path avoids further coroutine layers, per-call callbacks and the ``WeakKeyDictionary`` lookup
(the last loop's queue is remembered).
"""

from __future__ import annotations

import asyncio
import weakref
from asyncio import CancelledError, get_running_loop
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar, Union

from ._native_loader import load_native, translate, translate_errors

__all__ = ["acall", "ainvoke"]

T = TypeVar("T")


class _Port:
    """The completion queue of one event loop and the futures waiting on it."""

    __slots__ = ("__weakref__", "pending", "queue", "token")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.queue: Any = load_native().CompletionQueue()
        self.pending: Dict[int, asyncio.Future[Any]] = {}
        self.token = 0
        loop.add_reader(self.queue.fileno(), self.ready)

    def ready(self) -> None:
        """Resolve the futures of every finished call (runs on the loop thread): results are set by the queue
        itself, failures here (translated to the SDK's exceptions)."""
        for future, exc in self.queue.drain(self.pending):
            if not future.done():
                error = translate(exc)
                future.set_exception(error if error is not None else exc)


#: ``False``: the loop cannot watch a descriptor (use ``invoke_async``).
_PORTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Union[_Port, bool]] = weakref.WeakKeyDictionary()


def _no_loop() -> None:
    return None


#: ``(weak reference to a loop, its port)`` of the last lookup: one tuple, so that a reader in another thread never
#: pairs one loop with another loop's port.
_LAST: Tuple[Callable[[], Any], Optional[_Port]] = (_no_loop, None)


def _port(loop: asyncio.AbstractEventLoop) -> Optional[_Port]:
    """The port of ``loop`` (created on its first call; ``None`` when the loop cannot watch a descriptor),
    remembered as the last one used."""
    global _LAST
    port = _PORTS.get(loop)
    if port is None:
        try:
            port = _Port(loop)
        except NotImplementedError:
            port = False
        _PORTS[loop] = port
    found = port if isinstance(port, _Port) else None
    _LAST = (weakref.ref(loop), found)
    return found


def _identity(value: Any) -> Any:
    return value


async def acall(native: Any, method: str, args: Mapping[str, Any], convert: Callable[[Any], T]) -> T:
    """``convert(native.invoke(method, args))`` for asyncio: the converted result, or the translated SDK exception.

    A cancelled call is aborted in the core (no request or waiter is left behind).
    """
    loop = get_running_loop()
    last, port = _LAST
    if last() is not loop:
        port = _port(loop)
    if port is None:
        with translate_errors():
            return convert(await native.invoke_async(method, args))
    port.token = token = port.token + 1
    future = loop.create_future()
    pending = port.pending
    pending[token] = future
    try:
        if native.submit(method, args, port.queue, token):
            loop.call_soon(port.queue.flush)  # first call of this iteration: hand the batch to the lane after it
    except Exception as exc:
        del pending[token]
        error = translate(exc)
        if error is None:
            raise
        raise error from None
    try:
        return convert(await future)
    except CancelledError:
        if pending.pop(token, None) is not None:
            port.queue.cancel(token)  # drop the call's future in the core: no request or waiter left behind
        raise


def ainvoke(native: Any, method: str, args: Mapping[str, Any]) -> Any:
    """``native.invoke(method, args)`` for asyncio (an awaitable): the result, or the translated SDK exception."""
    return acall(native, method, args, _identity)
