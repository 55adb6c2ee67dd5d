"""``ascend.aio.AsyncAscendClient`` cannot drift from ``ascend.client.AscendClient``: the same public methods with the
same signatures (parameter names, kinds, defaults and annotations), network methods as coroutines."""

from __future__ import annotations

import inspect
import json

from conftest import requires_native

#: Local, non-blocking methods (the table's ``kind: local``) stay plain methods on the async client; so do the two
#: methods that are not core calls: ``with_options`` (a view) and ``iter_actions`` (an async generator).
NOT_COROUTINES = {"with_options": inspect.isfunction, "iter_actions": inspect.isasyncgenfunction}


@requires_native
def test_async_client_mirrors_the_sync_client() -> None:
    from ascend import _native
    from ascend.aio import AsyncAscendClient
    from ascend.client import AscendClient

    local = {m["name"] for m in json.loads(_native.method_descriptor())["methods"] if m["kind"] == "local"}
    public = [n for n, f in inspect.getmembers(AscendClient, inspect.isfunction) if not n.startswith("_")]
    problems = []
    for name in public:
        sync_fn = getattr(AscendClient, name)
        async_fn = getattr(AsyncAscendClient, name, None)
        if async_fn is None:
            problems.append(f"{name}: missing on AsyncAscendClient")
            continue
        s, a = inspect.signature(sync_fn), inspect.signature(async_fn)
        s_params = [(p.name, p.kind, p.default) for p in s.parameters.values()]
        a_params = [(p.name, p.kind, p.default) for p in a.parameters.values()]
        if s_params != a_params:
            problems.append(f"{name}: {s_params} != {a_params}")
        if name in NOT_COROUTINES:
            if not NOT_COROUTINES[name](async_fn):
                problems.append(f"{name}: not {NOT_COROUTINES[name].__name__} on AsyncAscendClient")
            continue
        if name not in local and name != "close" and not inspect.iscoroutinefunction(async_fn):
            problems.append(f"{name}: not a coroutine on AsyncAscendClient")
    assert not problems, "\n".join(problems)
