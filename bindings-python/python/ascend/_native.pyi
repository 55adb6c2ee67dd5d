"""Typed contract of ``ascend._native``, the pyo3 extension over ``ascend-core``.

The pure-Python package codes against exactly this surface (and nothing else). Conventions:

* Every ``*_json`` argument / ``str`` result is UTF-8 JSON text. Results are the projections of
  docs/BINDING_CONTRACT.md; arguments are objects keyed by the Python parameter names.
* Every failure is raised as :class:`NativeError`; the package translates it in one place
  (``ascend._native_loader.translate_errors`` -> ``ascend.exceptions.from_native``). Panics are caught and raised as
  ``NativeError(code="INTERNAL")`` (DECISIONS D20).
* Blocking methods release the GIL; long waits wake at least every 100 ms to run ``PyErr_CheckSignals`` so Ctrl-C
  works (then they raise ``KeyboardInterrupt``, not ``NativeError``).
"""

from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple, Union, final

__all__ = [
    "NativeError",
    "Client",
    "CircuitBreaker",
    "CompletionQueue",
    "ReplayCache",
    "McpKillSwitch",
    "permits_execution",
    "classify_command",
    "command_patterns",
    "plan_command",
    "code_request",
    "govern_call",
    "connection_failure",
    "normalise_decision",
    "parse_record",
    "_decision_object",
    "set_decision_types",
    "set_log_level_source",
    "canonical_json",
    "prescore",
    "prescore_batch",
    "cvss_score",
    "webhook_verify",
    "webhook_verify_signature",
    "webhook_sign",
    "set_log_handler",
    "method_descriptor",
    "error_codes",
    "mask_text",
    "SENSITIVE_KEYS",
    "SDK_VERSION",
]

SDK_VERSION: str
SENSITIVE_KEYS: List[str]

def method_descriptor() -> str:
    """The core's method table as JSON text (``ascend_core::api::descriptor``)."""

def error_codes() -> str:
    """The core's error-code table as JSON text: ``[{"code", "class", "error_code", "retryable", "extras"}]``."""

def mask_text(text: str) -> str:
    """``text`` with API-key-like tokens and bearer tokens masked (the core's rule, D19)."""

class NativeError(Exception):
    """An ``ascend_core::Error``: stable ``code`` (``ErrorCode::as_str``), never a secret in any field."""

    code: str
    message: str
    status_code: Optional[int]
    correlation_id: Optional[str]
    details: Dict[str, Any]

@final
class Client:
    """One SDK client (one HTTP pool, breaker, kill-switch state, spool)."""

    def __new__(cls, params: Dict[str, Any]) -> Client:
        """``params``: every ``AscendClient`` constructor argument by name (``None`` = not given, so the core applies
        env fallbacks and defaults), plus ``audit_spool_path`` and ``prescore_rules_path``. ``fail_mode`` is a
        string (``closed`` | ``open`` | ``local``, any case). No network I/O. Private keys: ``_clock``
        (``"system"`` | ``"manual"`` | ``"manual:<start_unix>"``, the core's injectable clock) and ``_env`` (a
        ``Dict[str, str]`` used instead of ``os.environ`` for the env fallbacks). Any other key is a
        ``VALIDATION_ERROR`` naming it; a value of the wrong type a ``CONFIGURATION_ERROR`` naming the field.
        A client used in a forked child rebuilds its core client (new HTTP pool) on first use."""
    def with_options(self, options: Mapping[str, Any]) -> Client:
        """A view of this client whose calls use ``options`` (``timeout`` seconds, ``max_retries``, ``headers``: a
        ``Dict[str, str]`` of extra request headers; merged over this view's own, the later winning). It shares the
        connection pool, breaker, kill switch and spool. A bad option is a ``VALIDATION_ERROR`` naming
        ``request_options.<key>``."""
    def invoke(self, method: str, args: Union[Mapping[str, Any], str]) -> Any:
        """Call client method ``method`` (Python name) with its keyword arguments (a mapping, or JSON text); returns
        the JSON result as Python objects. Arguments that are not plain JSON types go through
        ``ascend._base.encode_args`` (``to_dict()``, dataclasses, dates, sets; else ``ValidationValueError``). The
        reserved argument ``request_options`` (as for :meth:`with_options`) applies to this call only."""
    def submit(self, method: str, args: Union[Mapping[str, Any], str], queue: CompletionQueue, token: int) -> bool:
        """Same as :meth:`invoke`, run on the core's async lane from ``queue``'s next :meth:`CompletionQueue.flush`;
        the outcome is queued on ``queue`` under ``token`` (no runtime thread takes the GIL). Arguments that cannot
        be converted raise here. Returns ``True`` for the first call since the last flush (schedule one)."""
    def invoke_async(self, method: str, args: Union[Mapping[str, Any], str]) -> Awaitable[Any]:
        """Same as :meth:`invoke`, as an awaitable bound to the running asyncio loop (pyo3-async-runtimes)."""
    def config(self) -> Dict[str, Any]:
        """Resolved configuration: ``api_url``, ``api_key``, ``agent_id``, ``agent_name``, ``environment``,
        ``fail_mode`` (``"closed"|"open"|"local"``), ``timeout``, ``max_retries``, ``signing_secret``,
        ``enable_circuit_breaker``, ``circuit_breaker_threshold``, ``circuit_breaker_timeout``, ``debug``,
        ``audit_spool_path``, ``prescore_rules_path``."""
    def wait_for_decision(
        self,
        action_id: str,
        timeout: float,
        poll_interval: float,
        on_escalated: Optional[Callable[[str, str], None]],
    ) -> str:
        """Poll until a final decision; returns the decision projection. ``on_escalated(action_id, decision_json)``
        is called (with the GIL) at most once per call; exceptions it raises are logged and swallowed."""
    def circuit_breaker(self) -> Optional[CircuitBreaker]:
        """This client's breaker (the same object the core uses; ``AscendClient._circuit_breaker``), or ``None``."""
    def clock_sleeps(self) -> List[float]:
        """Seconds of every sleep requested from the manual clock (``params["_clock"] = "manual[:<start_unix>]"``);
        empty with the system clock. Tests only."""
    def advance_clock(self, seconds: float) -> None:
        """Move the manual clock forward without recording a sleep. Tests only."""
    def close(self) -> None:
        """Stop kill-switch polling and the heartbeat scheduler. Idempotent."""

@final
class CompletionQueue:
    """Finished asyncio calls of one event loop (``Client.submit``) and the descriptor that wakes the loop when there
    are some (``loop.add_reader(queue.fileno(), ...)``)."""

    def __new__(cls) -> CompletionQueue: ...
    def fileno(self) -> int:
        """The descriptor to watch for readability."""
    def flush(self) -> None:
        """Hand every call submitted since the last flush to the core's async lane at once (one wake-up per batch)."""
    def drain(self, pending: Dict[int, Any]) -> List[Tuple[Any, BaseException]]:
        """Resolve the futures of every finished call: ``pending`` maps tokens to asyncio futures; each finished
        call's future is popped and given its result (``set_result``; a future already done is skipped). Returns
        the failed calls as ``(future, NativeError)``, for the caller to translate and set."""
    def cancel(self, token: int) -> None:
        """Abort call ``token`` (its asyncio future was cancelled); nothing is queued for it."""
    def __len__(self) -> int:
        """Calls in flight."""

@final
class CircuitBreaker:
    """The core's thread-safe breaker (PROTOCOL §3.6, DECISIONS D3), standalone."""

    def __new__(
        cls, failure_threshold: int = 5, recovery_timeout: float = 30.0, half_open_max_calls: int = 3
    ) -> CircuitBreaker: ...
    @property
    def failure_threshold(self) -> int: ...
    @property
    def recovery_timeout(self) -> float: ...
    @property
    def half_open_max_calls(self) -> int: ...
    @property
    def failures(self) -> int: ...
    @property
    def state(self) -> str:
        """``closed`` | ``open`` | ``half_open`` (reading it may move OPEN to HALF_OPEN)."""
    def record_success(self) -> None: ...
    def record_failure(self) -> None: ...
    def allow_request(self) -> bool: ...
    def reset(self) -> None: ...

@final
class ReplayCache:
    """The core's thread-safe replay cache (``Arc<ascend_core::webhook::ReplayCache>``); pass it to
    :func:`webhook_verify`, which records the ids of verified events and refuses a second delivery."""

    def __new__(cls, capacity: int = 10000) -> ReplayCache:
        """``capacity`` >= 1 (else ``NativeError`` ``VALIDATION_ERROR`` naming it)."""
    @property
    def capacity(self) -> int: ...
    def __len__(self) -> int: ...
    def clear(self) -> None: ...
    def forget(self, msg_id: str) -> bool:
        """Removes ``msg_id``; returns whether it was recorded."""
    def contains(self, msg_id: str, now_unix: int) -> bool:
        """Whether ``msg_id`` is recorded and not expired at ``now_unix``."""
    def check_and_insert(self, msg_id: str, now_unix: int, expires_at_unix: int) -> bool:
        """Records ``msg_id`` until ``expires_at_unix`` (inclusive) unless it is live; ``False`` for a replay."""

def set_log_level_source(fn: Callable[[], int]) -> None:
    """``fn()`` gives the effective level of the logger core records go to; records below it are not produced."""
def set_decision_types(cls: type, decision_enum: type, risk_level_enum: type) -> None:
    """From now on ``invoke`` returns decisions as ``cls`` instances built natively (first registration wins)."""
def _decision_object(json: str) -> Any:
    """Raw payload JSON -> what ``invoke`` returns for a decision (instance once types are registered)."""

def parse_record(kind: str, json: str) -> str:
    """A raw server payload (JSON text) parsed as the record ``kind`` (``ActionDetails``, ``KillSwitchStatus``, ...;
    ``model::parse_record``); returns its projection as JSON text."""

def normalise_decision(json: str) -> str:
    """Raw server payload (JSON object) -> ``AuthorizationDecision`` projection (D5/D6/D8/D12)."""

def canonical_json(json_text: str) -> str:
    """Python-compatible canonical JSON of PROTOCOL §2.5 (sorted keys, ``", "``/``": "``, ASCII escapes)."""

def prescore(json: str, thresholds_json: Optional[str] = None, rules_path: Optional[str] = None) -> str:
    """``{action_type, resource, context?, risk_indicators?, ...}`` -> the core's ``PreScore::to_json()``
    (``risk_score``, ``risk_level``, ``cvss_*``, ``mitre_*``, ``nist_*``, ``factors``, ``decision``, ...).
    ``thresholds_json``: ``{"auto_approve_below", "deny_at"}`` (``Thresholds::from_json``; default thresholds when
    ``None``). ``rules_path``: a JSON/TOML rules file (``Prescorer::from_rules_file``, read on every call; unreadable
    -> ``CONFIGURATION_ERROR``, invalid -> ``VALIDATION_ERROR`` with ``details.line`` or ``details.field``)."""

def prescore_batch(json: str, thresholds_json: Optional[str] = None, rules_path: Optional[str] = None) -> str:
    """A JSON list of actions -> a JSON list of pre-score projections, in input order (``score_batch``). An invalid
    action is a ``VALIDATION_ERROR`` with ``details.index``."""

def cvss_score(vector: str) -> str:
    """CVSS v3.1 vector -> ``{base_score, temporal_score, environmental_score, severity, vector}``."""

def webhook_verify(
    payload: bytes,
    headers: List[Tuple[str, str]],
    secrets: Union[str, bytes, bytearray, List[Union[str, bytes, bytearray]], Tuple[Union[str, bytes, bytearray], ...]],
    tolerance_seconds: float,
    now_unix: Optional[int],
    scheme: Optional[str] = None,
    replay_cache: Optional[ReplayCache] = None,
) -> str:
    """Verify a delivery (Standard Webhooks v1 / ASCEND v1 / Stripe-style); returns the verified event as JSON.
    ``now_unix=None`` uses the system clock; ``scheme`` (``Scheme::parse`` names) pins the scheme, ``None`` detects
    it. Failures: ``NativeError`` with a ``WEBHOOK_*`` code (``VALIDATION_ERROR`` for an unknown scheme or a negative
    tolerance)."""

def webhook_verify_signature(
    payload: bytes,
    headers: List[Tuple[str, str]],
    secrets: Union[str, bytes, bytearray, List[Union[str, bytes, bytearray]], Tuple[Union[str, bytes, bytearray], ...]],
    tolerance_seconds: float,
    now_unix: Optional[int],
    scheme: Optional[str] = None,
) -> str:
    """Signature and time window only (``webhook::verify_signature``): ``{scheme, msg_id, timestamp_unix}`` as JSON."""

def webhook_sign(
    payload: bytes,
    secrets: Union[str, bytes, bytearray, List[Union[str, bytes, bytearray]], Tuple[Union[str, bytes, bytearray], ...]],
    msg_id: Optional[str],
    timestamp: Optional[int],
    scheme: str = "standard_webhooks",
) -> List[Tuple[str, str]]:
    """Signature headers for ``payload`` (``webhook::sign_rotated``): Standard Webhooks ``webhook-id``,
    ``webhook-timestamp``, ``webhook-signature``; ASCEND v1 ``X-Request-Timestamp``, ``X-Signature``; Stripe-style
    ``X-Ascend-Signature``."""

def set_log_handler(fn: Callable[[int, str, str, Dict[str, str]], None]) -> None:
    """Route core log records to ``fn(level, target, message, fields)``; ``level`` is a Python ``logging`` level
    number, ``fields`` the record's structured fields (already masked)."""

@final
class McpKillSwitch:
    """The core's MCP kill-switch consumer (``govern::McpKillSwitch``): a thread-safe blocklist of MCP servers."""

    def __new__(cls) -> McpKillSwitch: ...
    def apply_message(self, message: Any) -> bool:
        """Apply a BLOCK/UNBLOCK message (a dict of JSON values); whether the blocklist changed."""
    def is_blocked(self, mcp_server: Optional[str] = None, config_id: Optional[str] = None) -> bool:
        """Whether the server is blocked, by name or by configuration id."""
    def reset(self) -> None:
        """Unblock everything."""
    def blocked_servers(self) -> List[str]:
        """Blocked server names, sorted."""

def permits_execution(decision: Optional[str], execution_allowed: Any) -> bool:
    """DECISIONS D24 (``govern::permits_execution``): the verdict permits execution and ``execution_allowed`` (a
    bool, or ``None`` for absent) does not forbid it."""

def classify_command(command: Union[str, List[str]]) -> Tuple[str, str]:
    """``(risk_level, command_name)`` of a command line or argument list (``govern::classify``)."""

def command_patterns() -> List[Tuple[str, List[str]]]:
    """The classifier's patterns (``govern::classify::COMMAND_PATTERNS``): ``(risk level, regexes)``, most severe
    first."""

def plan_command(command: Union[str, List[str]], options: Dict[str, Any]) -> Dict[str, Any]:
    """The subprocess wrapper's plan (``govern::command::plan``): ``{"plan": "refuse"|"run"|"ask", ...}``."""

def code_request(
    code: str, mode: str, risk_level: Optional[str], max_severity: Optional[str], finding_count: int
) -> Dict[str, Any]:
    """The dynamic-code wrapper's ``evaluate_action`` keyword arguments (``govern::code::evaluation_request``)."""

def govern_call(function: str, input: Dict[str, Any]) -> Any:
    """Any pure host-governance function of the core by name (``govern::pure::call``): ``classify_command``,
    ``permits_execution``, ``plan_command``, ``kill_switch``, ``redact``, ``tool_request``, ``code_request``."""

def connection_failure(error: str, agent_id: Optional[str], fail_mode: str) -> Dict[str, Any]:
    """``test_connection``'s result when the call itself failed (``ConnectionTest::failure``)."""
