"""The asyncio side of ``_native.CompletionQueue`` (see ``bindings-python/src/completion.rs``).

One queue per event loop, watched with ``loop.add_reader``: a call is submitted with a token and a loop future;
when the loop wakes, every finished call is drained at once and its future resolved. No runtime thread takes the
GIL, and one wake-up serves many completions. Loops without ``add_reader`` (Windows' proactor loop) use the
extension's ``invoke_async`` instead.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Dict, Mapping, Union

from ._native_loader import load_native, translate, translate_errors

__all__ = ["ainvoke"]


class _Port:
    """The completion queue of one event loop and the futures waiting on it."""

    __slots__ = ("__weakref__", "pending", "queue", "token")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.queue: Any = load_native().CompletionQueue()
        self.pending: Dict[int, asyncio.Future[Any]] = {}
        self.token = 0
        loop.add_reader(self.queue.fileno(), self.ready)

    def ready(self) -> None:
        """Resolve the futures of every finished call (runs on the loop thread)."""
        pending = self.pending
        for token, ok, value in self.queue.drain():
            future = pending.pop(token, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                error = translate(value)
                future.set_exception(error if error is not None else value)


#: ``False``: the loop cannot watch a descriptor (use ``invoke_async``).
_PORTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Union[_Port, bool]] = weakref.WeakKeyDictionary()


def _new_port(loop: asyncio.AbstractEventLoop) -> Union[_Port, bool]:
    port: Union[_Port, bool]
    try:
        port = _Port(loop)
    except NotImplementedError:
        port = False
    _PORTS[loop] = port
    return port


async def ainvoke(native: Any, method: str, args: Mapping[str, Any]) -> Any:
    """``native.invoke(method, args)`` for asyncio: the result, or the translated SDK exception."""
    loop = asyncio.get_running_loop()
    port = _PORTS.get(loop)
    if port is None:
        port = _new_port(loop)
    if not isinstance(port, _Port):
        with translate_errors():
            return await native.invoke_async(method, args)
    port.token = token = port.token + 1
    future = loop.create_future()
    port.pending[token] = future
    try:
        native.submit(method, args, port.queue, token)
    except Exception as exc:
        del port.pending[token]
        error = translate(exc)
        if error is None:
            raise
        raise error from None
    try:
        return await future
    except asyncio.CancelledError:
        if port.pending.pop(token, None) is not None:
            port.queue.cancel(token)  # drop the call's future in the core: no request or waiter left behind
        raise
