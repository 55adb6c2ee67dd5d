"""Lazy access to the ``ascend._native`` extension and the ONE place where native errors become SDK exceptions.

The package imports without the extension; the first call that needs the Rust core loads it. Every call into the
extension runs inside :func:`translate_errors`, which turns ``_native.NativeError`` into the class chosen by
:func:`ascend.exceptions.from_native`.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Callable, Dict, Iterator, Optional, TypeVar

from ._logging import mask_text
from .exceptions import OWKAIError, from_native

__all__ = ["NATIVE_MODULE", "load_native", "native_available", "native_call", "translate_errors", "translate"]

NATIVE_MODULE = "ascend._native"
T = TypeVar("T")

_lock = threading.Lock()
_loaded: Optional[ModuleType] = None
_native_log = logging.getLogger("ascend")


#: ``LogRecord`` attribute names a core field may not overwrite (it is then only in ``ascend_fields``).
_RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def _forward_log(level: int, target: str, message: str, fields: Optional[Dict[str, str]] = None) -> None:
    """Log handler given to the core (records arrive level-filtered and masked by the core): ``(python logging
    level, rust target, message, fields)`` -> logger ``ascend``. The text is ``message k=v …``; the fields are also
    in ``extra`` (``record.<field>`` and ``record.ascend_fields``)."""
    if _native_log.isEnabledFor(level):
        fields = fields or {}
        extra: Dict[str, Any] = {k: v for k, v in fields.items() if k not in _RESERVED}
        extra["ascend_target"] = target
        extra["ascend_fields"] = dict(fields)
        # The core already masked the record; masking again is cheap insurance for records built elsewhere.
        text = mask_text(" ".join([message, *(f"{k}={v}" for k, v in fields.items())]))
        _native_log.log(level, "%s", text, extra=extra)


def load_native() -> ModuleType:
    """Import the extension once (installing the log forwarder and the decision types it builds); ``ImportError``
    with a hint when it is missing."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is None:
            try:
                module = importlib.import_module(NATIVE_MODULE)
            except ImportError as exc:
                raise ImportError(
                    "ascend._native (the Rust core of the ASCEND SDK) is not available; install the "
                    "ascend-sdk-rs wheel or build it with `maturin develop` in bindings-python/"
                ) from exc
            module.set_log_handler(_forward_log)
            module.set_log_level_source(_native_log.getEffectiveLevel)
            from .models import AuthorizationDecision, Decision, RiskLevel  # models import this module

            module.set_decision_types(AuthorizationDecision, Decision, RiskLevel)
            _loaded = module
    return _loaded


def native_available() -> bool:
    """Whether the extension can be imported."""
    try:
        load_native()
    except ImportError:
        return False
    return True


def translate(exc: BaseException) -> Optional[OWKAIError]:
    """The SDK exception for a ``NativeError`` (``None`` for anything else)."""
    module = sys.modules.get(NATIVE_MODULE)
    native_error = getattr(module, "NativeError", None)
    if native_error is None or not isinstance(exc, native_error):
        return None
    details = getattr(exc, "details", None)
    return from_native(str(getattr(exc, "code", "INTERNAL")), str(getattr(exc, "message", exc)),
                       getattr(exc, "status_code", None), getattr(exc, "correlation_id", None),
                       dict(details) if isinstance(details, dict) else None)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise any ``NativeError`` escaping the block as the matching :class:`~ascend.exceptions.OWKAIError`."""
    try:
        yield
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        raise error from None


def native_call(fn: Callable[[Any], T]) -> T:
    """``fn(extension_module)`` with errors translated."""
    with translate_errors():
        return fn(load_native())
