"""Once-per-process deprecation warnings and lazy deprecated module attributes."""

from __future__ import annotations

import threading
import warnings
from typing import Any, Callable, Dict, Set

__all__ = ["lazy_aliases", "warn_once"]

_seen: Set[str] = set()
_lock = threading.Lock()


def warn_once(key: str, message: str, stacklevel: int = 3) -> None:
    """Emit ``DeprecationWarning(message)`` the first time ``key`` is seen in this process."""
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)


def lazy_aliases(module: str, targets: Dict[str, Callable[[], Any]]) -> Callable[[str], Any]:
    """Build a module ``__getattr__`` resolving deprecated names lazily (one warning per name per process)."""

    def __getattr__(name: str) -> Any:
        resolve = targets.get(name)
        if resolve is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = resolve()
        canonical = getattr(value, "__qualname__", repr(value))
        warn_once(
            f"{module}.{name}",
            f"{module}.{name} is deprecated; use {getattr(value, '__module__', module)}.{canonical} instead.",
        )
        return value

    return __getattr__
