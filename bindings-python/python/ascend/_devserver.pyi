"""``ascend._devserver``: the dev server (crate ``ascend-devserver``, binary ``ascend-dev``) as a separate extension
module, so that the client module ``ascend._native`` does not link it. ``ascend.testing.DevServer`` imports it on its
first ``start()``; ``import ascend`` never does. Errors are raised as ``ascend._native.NativeError``."""

from typing import Any, Callable, Dict, Optional, final

__all__ = ["DevServer", "set_log_handler"]

@final
class DevServer:
    """The dev server running in this process on the runtime of this module; ``ascend.testing.DevServer`` wraps
    it."""

    def __new__(cls, params: Dict[str, Any]) -> DevServer:
        """Start serving before returning (GIL released). ``params`` (all optional, ``None`` = default): ``db``
        (SQLite path, default ``":memory:"``), ``api_key`` / ``admin_token`` (generated when missing), ``deny_at`` and
        ``auto_approve_below`` (0-100), ``require_registration`` (bool), ``host`` (a loopback IP, default
        ``127.0.0.1``), ``port`` (default 0: a free port). Unknown key: ``VALIDATION_ERROR``; wrong type:
        ``CONFIGURATION_ERROR``; bind or database failure: ``CONFIGURATION_ERROR``."""
    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
    @property
    def api_key(self) -> str: ...
    @property
    def admin_token(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def approve(self, action_id: str, comment: Optional[str] = None) -> str:
        """Approve pending action ``action_id`` (reviewer ``in-process``); returns the action as JSON.
        ``NOT_FOUND`` / ``CONFLICT`` (not pending) / ``VALIDATION_ERROR`` (not an integer id); ``CONNECTION_ERROR``
        once stopped."""
    def deny(self, action_id: str, reason: str) -> str:
        """Deny pending action ``action_id`` with ``reason``; returns the action as JSON (errors as ``approve``)."""
    def stop(self) -> None:
        """Stop serving: long polls end, in-flight requests finish (GIL released). Idempotent."""

def set_log_handler(fn: Callable[[int, str, str, Dict[str, str]], None]) -> None:
    """``fn(level, target, message, fields)`` receives the dev server's log records (through the core's log sink:
    at or above the effective level of ``logging.getLogger("ascend")``, secrets masked), handed over at the end of
    each call into this module."""
