"""What the sync and async clients share: construction, configuration, argument encoding and result converters.

Nothing here talks HTTP, retries, normalises or decides: every method call is ``invoke(<method>, <kwargs>)`` on the
Rust core (the kwargs cross as JSON values), whose result is converted to the model objects (decisions arrive
already built; docs/BINDING_CONTRACT.md).
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import json
import logging
import sys
from contextlib import contextmanager
from datetime import date, datetime
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    TypedDict,
    TypeVar,
    Union,
)

from . import _otel
from ._deprecation import warn_once
from ._native_loader import native_call, translate, translate_errors
from .exceptions import ValidationValueError
from .models import (
    ActionPage,
    AgentAction,
    AuthorizationDecision,
    BulkEvaluationResult,
    ConnectionStatus,
    ResourceClassification,
    Webhook,
    WireEnum,
)

if TYPE_CHECKING:
    from . import _native
    from .client import CircuitBreaker

__all__ = ["FailMode", "CircuitState", "RequestOptions"]


class RequestOptions(TypedDict, total=False):
    """Per-call options (``request_options=`` of the governed calls, or :meth:`AscendClient.with_options`).

    ``timeout``: per-attempt timeout in seconds instead of the client's; ``max_retries``: retries after the first
    attempt instead of the client's; ``headers``: extra request headers (never one the SDK sets itself).
    """

    timeout: float
    max_retries: int
    headers: Dict[str, str]


class FailMode(WireEnum):
    """What the client does when ASCEND is unreachable (PROTOCOL §4, DECISIONS D4/D17)."""

    CLOSED = "closed"
    OPEN = "open"
    LOCAL = "local"


class CircuitState(WireEnum):
    """Circuit-breaker state (PROTOCOL §3.6)."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


Args = Dict[str, Any]
Converter = Callable[[Any], Any]


def kwargs_of(local_vars: Mapping[str, Any]) -> Args:
    """The keyword arguments of a method from its ``locals()`` (``self`` removed)."""
    return {k: v for k, v in local_vars.items() if k != "self"}


def _json_default(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


#: ``json.dumps(..., default=_json_default, allow_nan=False)`` without building an encoder per call.
_ENCODER = json.JSONEncoder(default=_json_default, allow_nan=False)


def encode_args(args: Mapping[str, Any]) -> str:
    """JSON text of the keyword arguments; an argument that JSON cannot carry is a local validation error."""
    try:
        return _ENCODER.encode(args)
    except (TypeError, ValueError) as exc:
        for key, value in args.items():
            try:
                json.dumps(value, default=_json_default, allow_nan=False)
            except (TypeError, ValueError) as item_exc:
                raise ValidationValueError(f"Argument '{key}' cannot be sent: {item_exc}",
                                           field_errors={key: "Must be JSON-serialisable"}) from None
        raise ValidationValueError(f"Arguments cannot be sent: {exc}") from None


# -- result converters (JSON projection -> Python objects) ---------------------------------------------------------

def to_decision(data: Any) -> AuthorizationDecision:
    """Decision projection -> :class:`AuthorizationDecision` (``invoke`` results already are instances: the loader
    registers the class with the extension)."""
    if type(data) is AuthorizationDecision:
        return data
    return AuthorizationDecision._from_projection(data)


def to_raw(data: Any) -> Dict[str, Any]:
    """Raw-dict methods: the server's JSON unchanged (it may be a list for a few endpoints)."""
    result: Dict[str, Any] = data
    return result


def to_none(_data: Any) -> None:
    """Methods that return ``None``."""
    return None


def to_bool(data: Any) -> bool:
    """Methods that return a bool."""
    return bool(data)


def to_list(data: Any) -> List[Dict[str, Any]]:
    """Methods that return a list of dicts."""
    return list(data or [])


def to_webhook(data: Any) -> Webhook:
    """Webhook projection (or raw server object) -> :class:`Webhook`."""
    return Webhook._from_projection(data)


def to_webhooks(data: Any) -> List[Webhook]:
    """A bare list or ``{"webhooks": [...]}`` -> list of :class:`Webhook`."""
    items = data.get("webhooks", []) if isinstance(data, dict) else data
    return [Webhook._from_projection(item) for item in items or []]


def to_classification(data: Any) -> Optional[ResourceClassification]:
    """``null`` or a classification projection."""
    return None if data is None else ResourceClassification._from_projection(data)


def to_bulk(data: Any) -> BulkEvaluationResult:
    """Bulk projection -> :class:`BulkEvaluationResult` (input order, typed errors, D15)."""
    return BulkEvaluationResult._from_projection(data)


def to_connection_result(data: Mapping[str, Any]) -> ConnectionStatus:
    """``test_connection`` projection -> :class:`ConnectionStatus`, the peer's ``SimpleNamespace`` typed
    (``latency`` mirrors ``latency_ms``)."""
    values = dict(data)
    values["latency"] = values.get("latency_ms")
    return ConnectionStatus(**values)


def to_action_page(data: Any) -> ActionPage:
    """``list_actions`` reply -> :class:`ActionPage` (the server's object; a bare list becomes
    ``{"actions": [...]}``)."""
    if isinstance(data, list):
        return ActionPage(actions=data)
    return ActionPage(data or {})


def connection_failure(error: BaseException, agent_id: Optional[str], fail_mode: str) -> ConnectionStatus:
    """``test_connection`` result when the call itself failed: the core's failure result (same attributes as a
    success, Q28 fixed)."""
    text = str(error)
    return to_connection_result(native_call(lambda n: n.connection_failure(text, agent_id, fail_mode)))


# -- deprecated shims: argument translation shared by both clients (PROTOCOL §5.d) ---------------------------------

def deprecated(old: str, new: str, tag: str) -> None:
    """One DeprecationWarning per process for ``AscendClient.<old>()``."""
    warn_once(f"AscendClient.{old}",
              f"AscendClient.{old}() is deprecated [{tag}]; use AscendClient.{new}() instead. "
              "It will be removed in ascend-ai-sdk 3.0.0.", stacklevel=4)


_ACTION_KEYS = ("resource_id", "risk_indicators", "orchestration_session_id", "parent_action_id",
                "orchestration_depth", "mcp_server_name", "model_id")


def submit_action_args(client_agent_id: Optional[str], first: Any, resource: Any, parameters: Any, context: Any,
                       kwargs: Dict[str, Any]) -> Args:
    """``evaluate_action`` keyword arguments for the legacy ``submit_action`` forms.

    Unlike the peer (Q17), ``mcp_server_name``/``model_id`` of an :class:`AgentAction` or dict are kept and extra
    keyword arguments are forwarded for every form. The client's identity is used on the wire; a differing
    ``AgentAction.agent_id`` is logged.
    """
    if isinstance(first, (AgentAction, dict)) and resource is None:
        source: Mapping[str, Any] = first if isinstance(first, dict) else {
            f.name: getattr(first, f.name) for f in dataclasses.fields(first)}
        agent_id = source.get("agent_id")
        if agent_id and client_agent_id and agent_id != client_agent_id:
            logging.getLogger("ascend").warning(
                "submit_action: action agent_id %r differs from the client's %r; the client's identity is used",
                agent_id, client_agent_id)
        params = source.get("action_details")
        if params is None:
            params = source.get("parameters")
        args: Args = {"action_type": source.get("action_type"), "resource": source.get("resource"),
                      "parameters": params, "context": source.get("context")}
        args.update({k: source[k] for k in _ACTION_KEYS if source.get(k) is not None})
        args.update(kwargs)
        return args
    args = dict(kwargs)
    if first is not None:
        if "action_type" in args:
            raise TypeError("submit_action() got multiple values for argument 'action_type'")
        args["action_type"] = first
    if resource is not None:
        if "resource" in args:
            raise TypeError("submit_action() got multiple values for argument 'resource'")
        args["resource"] = resource
    if parameters is not None:
        args["parameters"] = parameters
    if context is not None:
        args["context"] = context
    return args








_PRIVATE_PARAMS: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar(
    "ascend_private_native_params", default=None)


@contextmanager
def private_native_params(**params: Any) -> Iterator[None]:
    """Tests only: extra ``_native.Client`` constructor keys for the clients created in this block.

    ``_clock="manual:<start_unix>"`` injects the core's manual clock (sleeps return at once and are recorded),
    ``_env={...}`` replaces ``os.environ`` for the constructor's env fallbacks. The public signature of
    ``AscendClient`` stays exactly the peer's.
    """
    token = _PRIVATE_PARAMS.set({**(_PRIVATE_PARAMS.get() or {}), **params})
    try:
        yield
    finally:
        _PRIVATE_PARAMS.reset(token)


#: Constructor parameters with an environment fallback, and the peer's default of each.
_ENV_BACKED_DEFAULTS = (("timeout", 5), ("max_retries", 3), ("fail_mode", "closed"))


#: ``sys.modules``, read on every governed call: OpenTelemetry spans are made only once it holds ``_otel.MODULE``.
_MODULES = sys.modules
_GOVERNED = _otel.GOVERNED_METHODS
_OTEL = _otel.MODULE

ClientT = TypeVar("ClientT", bound="ClientBase")

#: ``ascend._completion.ainvoke``, imported on the first asyncio call (it needs asyncio, which ``import ascend``
#: does not load).
_AINVOKE: Optional[Callable[[Any, str, Mapping[str, Any]], Awaitable[Any]]] = None


def _load_ainvoke() -> Callable[[Any, str, Mapping[str, Any]], Awaitable[Any]]:
    global _AINVOKE
    from ._completion import ainvoke

    _AINVOKE = ainvoke
    return ainvoke


class ClientBase:
    """Construction and configuration shared by :class:`AscendClient` and :class:`AsyncAscendClient`."""

    _native: _native.Client
    _config: Dict[str, Any]
    #: True on a :meth:`with_options` view (whose ``close()`` leaves the shared client open).
    _view: bool = False

    def __init__(
        self,
        api_key: Optional[str] = None,
        agent_id: Optional[str] = None,
        agent_name: Optional[str] = None,
        api_url: Optional[str] = None,
        environment: str = "production",
        fail_mode: Union[str, FailMode] = "closed",
        timeout: float = 5,
        max_retries: int = 3,
        enable_circuit_breaker: bool = True,
        circuit_breaker_threshold: int = 5,
        circuit_breaker_timeout: float = 30,
        signing_secret: Optional[str] = None,
        debug: bool = False,
        *,
        audit_spool_path: Optional[str] = None,
        prescore_rules_path: Optional[str] = None,
        local_auto_approve_below: Optional[float] = None,
        app_info: Optional[str] = None,
        kill_switch_interval: Optional[float] = None,
    ):
        params = kwargs_of(locals())
        # The peer's defaults, exactly as given (same value and type), count as "not given", so the core applies
        # PROTOCOL §1.2: argument, then ASCEND_TIMEOUT / ASCEND_MAX_RETRIES / ASCEND_FAIL_MODE, then the default.
        for name, default in _ENV_BACKED_DEFAULTS:
            if type(params[name]) is type(default) and params[name] == default:
                del params[name]
        if isinstance(fail_mode, FailMode):
            params["fail_mode"] = fail_mode.value
        params.update(_PRIVATE_PARAMS.get() or {})
        if debug:
            logging.basicConfig(level=logging.DEBUG, format="%(message)s")
            for name in ("ascend", "ascend_sdk"):
                logging.getLogger(name).setLevel(logging.DEBUG)
        native: _native.Client = native_call(lambda n: n.Client(params))
        self._native = native
        self._config = dict(native_call(lambda _n: native.config()))

    # Public attributes of the peer, read from the core's resolved configuration.
    @property
    def api_url(self) -> str:
        """Normalised base URL."""
        return str(self._config.get("api_url"))

    @property
    def api_key(self) -> Optional[str]:
        """The organisation API key (never shown by ``repr``)."""
        value: Optional[str] = self._config.get("api_key")
        return value

    @property
    def agent_id(self) -> Optional[str]:
        """This agent's id (may be ``None``)."""
        value: Optional[str] = self._config.get("agent_id")
        return value

    @property
    def agent_name(self) -> Optional[str]:
        """This agent's display name (may be ``None``)."""
        value: Optional[str] = self._config.get("agent_name")
        return value

    @property
    def environment(self) -> str:
        """Free-text environment sent as ``X-Environment``."""
        return str(self._config.get("environment", "production"))

    @property
    def fail_mode(self) -> FailMode:
        """The :class:`FailMode` member in effect."""
        return FailMode(self._config.get("fail_mode", "closed"))

    @property
    def timeout(self) -> float:
        """Per-attempt timeout in seconds."""
        value: float = self._config.get("timeout", 5)
        return value

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
        value: int = self._config.get("max_retries", 3)
        return value

    @property
    def signing_secret(self) -> Optional[str]:
        """HMAC request-signing secret (never shown by ``repr``)."""
        value: Optional[str] = self._config.get("signing_secret")
        return value

    @property
    def _circuit_breaker(self) -> Optional[CircuitBreaker]:
        """The client's breaker (the core's own object, so its state is live), ``None`` when disabled."""
        from .client import CircuitBreaker

        native = self._native
        inner = native_call(lambda _n: native.circuit_breaker())
        return None if inner is None else CircuitBreaker._wrap(inner)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(api_url={self.api_url!r}, agent_id={self.agent_id!r}, "
                f"environment={self.environment!r}, fail_mode={self.fail_mode.value!r})")

    def with_options(self: ClientT, *, timeout: Optional[float] = None, max_retries: Optional[int] = None,
                     headers: Optional[Mapping[str, str]] = None) -> ClientT:
        """A view of this client whose calls use other request settings.

        The view shares this client's connection pool, circuit breaker, kill switch, spool and background tasks;
        only the requests its calls send differ. Closing the view leaves this client open.

        Args:
            timeout: Per-attempt timeout in seconds instead of this client's.
            max_retries: Retries after the first attempt instead of this client's.
            headers: Extra request headers (never one the SDK sets itself, such as ``X-API-Key``).

        Returns:
            A client of the same class.

        Raises:
            ValidationError: An option has the wrong type or range, or a header is reserved (no network I/O).
        """
        options: Dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = timeout
        if max_retries is not None:
            options["max_retries"] = max_retries
        if headers is not None:
            options["headers"] = dict(headers)
        base = self._native
        view = copy.copy(self)
        view._native = native_call(lambda _n: base.with_options(options))
        view._config = {**self._config, **{k: options[k] for k in ("timeout", "max_retries") if k in options}}
        view._view = True
        return view

    def _invoke(self, method: str, args: Mapping[str, Any]) -> Any:
        """``invoke`` on the core (arguments converted natively, or by :func:`encode_args` when they are not plain
        JSON types), errors translated; a governed call is an OpenTelemetry span once OpenTelemetry is in use."""
        if method in _GOVERNED and _OTEL in _MODULES:
            return _otel.traced(method, args, self._invoke_native)
        try:  # translate_errors() inlined: a context manager costs more than the rest of this method
            return self._native.invoke(method, args)
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            raise error from None

    def _invoke_native(self, method: str, args: Mapping[str, Any]) -> Any:
        """``invoke`` on the core, errors translated (no span)."""
        try:
            return self._native.invoke(method, args)
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            raise error from None

    async def _ainvoke(self, method: str, args: Mapping[str, Any]) -> Any:
        """The core call for asyncio (``ascend._completion``), errors translated; governed calls are spans as in
        :meth:`_invoke`."""
        if method in _GOVERNED and _OTEL in _MODULES:
            return await _otel.atraced(method, args, self._ainvoke_native)
        return await (_AINVOKE or _load_ainvoke())(self._native, method, args)

    async def _ainvoke_native(self, method: str, args: Mapping[str, Any]) -> Any:
        """The core call of :meth:`_ainvoke` (no span): submitted to the loop's completion queue."""
        return await (_AINVOKE or _load_ainvoke())(self._native, method, args)

    def _wait_with_callback(self, action_id: Any, timeout: float, poll_interval: float,
                            on_escalated: Callable[[str, AuthorizationDecision], Any]) -> AuthorizationDecision:
        """``wait_for_decision`` with a Python ``on_escalated`` callback (the only non-JSON argument)."""

        def escalated(escalated_id: str, decision_json: str) -> None:
            on_escalated(escalated_id, to_decision(json.loads(decision_json)))

        with translate_errors():
            text = self._native.wait_for_decision(str(action_id), float(timeout), float(poll_interval), escalated)
        return to_decision(json.loads(text))
