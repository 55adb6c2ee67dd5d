"""Run with the peer's interpreter (``.venv-peer/bin/python``): prints, as JSON, every public name a user can import
from each module of the installed ``ascend-ai-sdk`` package with the home of its object (``[module, qualname]``
of a class or function, ``null`` for data): ``{"ascend.client": {"AgentAction": ["ascend.models",
"AgentAction"], "SDK_VERSION": null, ...}, ...}``.

A name counts when it does not start with ``_`` and its object comes from the peer package (a class or function
whose ``__module__`` is ``ascend`` or ``ascend.*``, which includes what a module re-exports from its siblings) or is
plain data (a constant: str, int, float, bool, tuple, list, dict, set, frozenset, None); names listed in a module's
``__all__`` always count. Standard-library and third-party objects a module happens to import (``logging``,
``Optional``, ``requests``, ``dataclass``) are not the SDK's API and are left out; so are submodules.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import types

DATA = (str, int, float, bool, tuple, list, dict, set, frozenset, type(None))


def home(value: object) -> object:
    origin, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    return [origin, qualname] if isinstance(origin, str) and isinstance(qualname, str) else None


def public_names(module: types.ModuleType) -> dict:
    names = set(getattr(module, "__all__", ()))
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        origin = getattr(value, "__module__", None)
        ours = isinstance(origin, str) and (origin == "ascend" or origin.startswith("ascend."))
        if isinstance(value, DATA) or ours:
            names.add(name)
    return {name: home(getattr(module, name)) for name in sorted(names)}


def main() -> None:
    import ascend

    modules = ["ascend", *sorted(m.name for m in pkgutil.walk_packages(ascend.__path__, "ascend."))]
    print(json.dumps({name: public_names(importlib.import_module(name)) for name in modules}, indent=1))


if __name__ == "__main__":
    main()
