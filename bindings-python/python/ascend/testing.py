"""Test helpers: :class:`DevServer`, the local ASCEND dev server (``ascend-dev``) running inside this process.

Use it in your own tests to run real governed actions end to end, with no account and no network::

    from ascend import Decision
    from ascend.testing import DevServer

    def test_refund_waits_for_a_human():
        with DevServer() as server:
            client = server.client(agent_id="refund-bot")
            result = client.evaluate_action("transaction", "payments", wait_for_decision=False)
            assert result.decision == Decision.PENDING
            server.approve(result.action_id, comment="ok")
            assert client.get_action_status(result.action_id).decision == Decision.ALLOWED

The server is the same Rust code as the ``ascend-dev`` binary (SQLite, ``:memory:`` by default), started on a free
loopback port; several can run at once. It lives in a separate extension module, ``ascend._devserver``, imported on
the first :meth:`DevServer.start` (``import ascend`` never loads it, so the client carries no server code). It
scores with the same pre-scorer as the client (``ascend.prescore``): ``query`` (35) is allowed,
``transaction``/``data_modification``/``system_operation`` wait for a human unless you move the thresholds.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import urllib.request
from types import ModuleType
from typing import Any, Callable, Dict, Optional, TypeVar, Union

from ._native_loader import _forward_log, load_native, translate_errors
from .client import AscendClient

__all__ = ["DevServer"]

DEVSERVER_MODULE = "ascend._devserver"

ActionId = Union[str, int]
T = TypeVar("T")

_lock = threading.Lock()
_loaded: Optional[ModuleType] = None


def load_devserver() -> ModuleType:
    """Import the dev server extension once (after the client extension, whose ``NativeError`` it raises), with its
    log records going where the client's go; ``ImportError`` with a hint when it is missing."""
    global _loaded
    if _loaded is not None:
        return _loaded
    load_native()
    with _lock:
        if _loaded is None:
            try:
                module = importlib.import_module(DEVSERVER_MODULE)
            except ImportError as exc:
                raise ImportError(
                    "ascend._devserver (the in-process dev server of ascend.testing) is not available; build the "
                    "wheel with `make python` (bindings-python/build.sh), which packs it next to ascend._native"
                ) from exc
            module.set_log_handler(_forward_log)
            _loaded = module
    return _loaded


def _call(fn: Callable[[ModuleType], T]) -> T:
    """``fn(dev server extension module)`` with its errors translated to SDK exceptions."""
    with translate_errors():
        return fn(load_devserver())


class DevServer:
    """The ASCEND dev server in-process, on ``127.0.0.1`` and a free port.

    ``DevServer(db=":memory:", api_key=None, admin_token=None, deny_at=None, auto_approve_below=70,
    require_registration=False, port=0)``: a missing ``api_key``/``admin_token`` is generated. ``deny_at`` denies
    every action scoring at or above it (by default nothing is denied by score); ``auto_approve_below`` approves
    scores below it; ``require_registration`` refuses unknown agents (403) instead of registering them on first use.

    A context manager (``with DevServer() as server:``), or call :meth:`start` and :meth:`stop` yourself.
    """

    def __init__(self, db: Union[str, os.PathLike[str]] = ":memory:", api_key: Optional[str] = None,
                 admin_token: Optional[str] = None,
                 deny_at: Optional[float] = None, auto_approve_below: Optional[float] = None,
                 require_registration: bool = False, port: int = 0) -> None:
        self._params: Dict[str, Any] = {
            "db": os.fspath(db), "api_key": api_key, "admin_token": admin_token, "deny_at": deny_at,
            "auto_approve_below": auto_approve_below, "require_registration": require_registration, "port": port,
        }
        self._native: Any = None

    # -- lifecycle ---------------------------------------------------------------------------------------------------

    def start(self) -> DevServer:
        """Start serving (binds the port, opens the database).

        Returns:
            ``self``.

        Raises:
            RuntimeError: It is already running.
            OWKAIError: The port cannot be bound or the database cannot be opened (subclass by cause).
        """
        if self._native is not None and self._native.running:
            raise RuntimeError("this DevServer is already running")
        params = dict(self._params)
        self._native = _call(lambda m: m.DevServer(params))
        return self

    def stop(self) -> None:
        """Stop serving: open long polls end at once, in-flight requests finish. Idempotent.

        Returns:
            Nothing.

        Raises:
            OWKAIError: The server failed while shutting down (subclass by cause).
        """
        if self._native is not None:
            native = self._native
            _call(lambda m: native.stop())

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._native is not None and bool(self._native.running)

    def _started(self) -> Any:
        if self._native is None:
            raise RuntimeError("the DevServer is not started; use `with DevServer() as server:` or .start()")
        return self._native

    # -- connection details ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123`` (pass it as ``api_url``)."""
        return str(self._started().url)

    @property
    def api_key(self) -> str:
        """The API key agents authenticate with."""
        return str(self._started().api_key)

    @property
    def admin_token(self) -> str:
        """The admin token (for ``ascend-dev approve --admin-token``, the review page, the admin API)."""
        return str(self._started().admin_token)

    def client(self, **kwargs: Any) -> AscendClient:
        """An :class:`AscendClient` for this server.

        Args:
            kwargs: :class:`AscendClient` arguments; ``api_key`` and ``api_url`` default to this server's,
                ``agent_id`` to ``"test-agent"``.

        Returns:
            A new client.

        Raises:
            RuntimeError: The server is not started.
            ValidationError: A client argument is invalid (as for :class:`AscendClient`).
        """
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("api_url", self.url)
        kwargs.setdefault("agent_id", "test-agent")
        return AscendClient(**kwargs)

    # -- the human reviewer ------------------------------------------------------------------------------------------

    def approve(self, action_id: ActionId, comment: Optional[str] = None) -> Dict[str, Any]:
        """Approve a pending action, as a human reviewer would.

        Args:
            action_id: The action (``result.action_id``).
            comment: Becomes the decision's ``reason``.

        Returns:
            The action record.

        Raises:
            RuntimeError: The server is not started.
            ConflictError: The action is not pending.
            NotFoundError: No such action.
        """
        native = self._started()
        text: str = _call(lambda m: native.approve(str(action_id), comment))
        result: Dict[str, Any] = json.loads(text)
        return result

    def deny(self, action_id: ActionId, reason: str) -> Dict[str, Any]:
        """Deny a pending action.

        Args:
            action_id: The action (``result.action_id``).
            reason: Becomes the decision's ``reason``.

        Returns:
            The action record.

        Raises:
            RuntimeError: The server is not started.
            ConflictError: The action is not pending.
            NotFoundError: No such action.
        """
        native = self._started()
        text: str = _call(lambda m: native.deny(str(action_id), reason))
        result: Dict[str, Any] = json.loads(text)
        return result

    def add_model(self, model_id: str, compliance_status: str = "approved",
                  name: Optional[str] = None) -> Dict[str, Any]:
        """Add (or update) a model in the server's model registry, like ``ascend-dev models add``.

        Args:
            model_id: The model's id (what agents send as ``model_id``).
            compliance_status: ``approved`` (default), ``partially_approved`` or ``denied``.
            name: Display name.

        Returns:
            The registry entry.

        Raises:
            RuntimeError: The server is not started.
            urllib.error.HTTPError: The server refused the entry (e.g. an unknown ``compliance_status``).
        """
        body = json.dumps({"model_id": model_id, "compliance_status": compliance_status, "name": name}).encode()
        request = urllib.request.Request(
            f"{self.url}/api/admin/models", data=body, method="POST",
            headers={"Content-Type": "application/json", "X-Admin-Token": self.admin_token})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
        with opener.open(request, timeout=10) as response:
            answer: Dict[str, Any] = json.loads(response.read())
        model: Dict[str, Any] = answer["model"]
        return model

    def __repr__(self) -> str:
        if self._native is None:
            return "<DevServer (not started)>"
        return f"<DevServer url={self._native.url!r} running={bool(self._native.running)}>"
