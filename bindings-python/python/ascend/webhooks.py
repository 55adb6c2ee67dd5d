"""Webhook verification and signing (Standard Webhooks v1 / ASCEND v1 / ASCEND Stripe-style) by the Rust core.

Verify the *raw request body bytes*, before any JSON parsing: a re-serialised body does not verify. A ``str`` or a
parsed body (dict, list, ...) is refused with ``WebhookVerificationError(code="WEBHOOK_BODY_NOT_BYTES")`` before the
core is called.

* :func:`verify` checks the signature (any of several secrets, for rotation), the timestamp window, parses the event
  and, with a :class:`ReplayCache`, refuses a second delivery of the same id (``WEBHOOK_REPLAYED``).
* :func:`verify_signature` checks the signature and the timestamp window only (for payloads that are not ASCEND
  events) and returns a :class:`VerifiedMessage`.
* :func:`sign` returns the headers a sender adds, for any scheme, with one or several secrets.

Schemes (``scheme=``): ``"standard_webhooks"``, ``"ascend_v1"``, ``"ascend_stripe_style"`` (case-insensitive, ``-``
or ``_``; ``"standard"`` and ``"stripe"`` are short forms). :func:`verify` detects the scheme from the headers unless
one is pinned; pinning is recommended when you know what your sender uses.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._native_loader import native_call
from .exceptions import ValidationValueError, WebhookVerificationError

__all__ = ["DEFAULT_REPLAY_CAPACITY", "ReplayCache", "VerifiedMessage", "sign", "verify", "verify_signature"]

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]
#: One secret (``str``, or ``bytes`` that are one key, D25) or a list/tuple of them (rotation).
Secrets = Union[str, bytes, bytearray, List[Union[str, bytes, bytearray]], Tuple[Union[str, bytes, bytearray], ...]]
#: A point in time: unix seconds (``int``/``float``, rounded down) or a ``datetime`` (naive means UTC).
Instant = Union[int, float, datetime]

#: Default capacity of :class:`ReplayCache` (the core's ``DEFAULT_REPLAY_CAPACITY``).
DEFAULT_REPLAY_CAPACITY = 10_000


@dataclass(frozen=True)
class VerifiedMessage:
    """An authentic delivery within the tolerance window (result of :func:`verify_signature`)."""

    #: The scheme that verified it: ``standard_webhooks`` | ``ascend_v1`` | ``ascend_stripe_style``.
    scheme: str
    #: The ``webhook-id`` header (Standard Webhooks only, else ``None``).
    msg_id: Optional[str]
    #: The signed timestamp, unix seconds (rounded down).
    timestamp_unix: int


class ReplayCache:
    """Replay protection for :func:`verify`: the ids of verified events, kept until their tolerance window has
    passed, so a second delivery of an id is refused with ``WEBHOOK_REPLAYED``.

    Backed by the core's thread-safe ``ReplayCache`` (one shared instance; check-and-insert is atomic, so two
    concurrent deliveries of one id cannot both pass). Bounded: when ``capacity`` live ids are held, a new id evicts
    the one closest to expiry; size it for the deliveries you receive per tolerance window. Only fully verified
    events are recorded: if your handler fails and you want the sender's retry accepted, call :meth:`forget`.
    """

    def __init__(self, capacity: int = DEFAULT_REPLAY_CAPACITY) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise ValidationValueError(f"capacity must be an int, got {type(capacity).__name__}",
                                       field_errors={"capacity": "Must be an integer >= 1"})
        self._native: Any = native_call(lambda n: n.ReplayCache(capacity))

    @property
    def capacity(self) -> int:
        """The maximum number of ids held."""
        value: int = self._native.capacity
        return value

    def __len__(self) -> int:
        """Number of ids held (including expired ones not yet purged)."""
        return len(self._native)

    def __bool__(self) -> bool:
        return True  # an empty cache is still a cache (``if cache:`` must not depend on its size)

    def __repr__(self) -> str:
        return f"ReplayCache(capacity={self.capacity}, len={len(self)})"

    def clear(self) -> None:
        """Forget every id.

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        self._native.clear()

    def forget(self, msg_id: str) -> bool:
        """Remove ``msg_id`` so its next delivery is accepted.

        Args:
            msg_id: The event's ``webhook-id``.

        Returns:
            Whether it was recorded.

        Raises:
            TypeError: ``msg_id`` is not a string.
        """
        forgotten: bool = self._native.forget(msg_id)
        return forgotten

    def __contains__(self, msg_id: object) -> bool:
        return isinstance(msg_id, str) and self.contains(msg_id)

    def contains(self, msg_id: str, now: Optional[Instant] = None) -> bool:
        """Whether ``msg_id`` is recorded and not expired at ``now``.

        Args:
            msg_id: The event's ``webhook-id``.
            now: Unix seconds or a datetime (default: the system clock).

        Returns:
            ``True`` while the id is live.

        Raises:
            ValidationError: ``now`` is not unix seconds or a datetime.
            TypeError: ``msg_id`` is not a string.
        """
        found: bool = self._native.contains(msg_id, _unix(now, "now") if now is not None else int(time.time()))
        return found

    def remember(self, msg_id: str, expires_at: Instant, *, now: Optional[Instant] = None) -> bool:
        """Record ``msg_id`` until ``expires_at`` (inclusive) unless it is already live (as :func:`verify` does for a
        verified event, e.g. to share ids seen by another process).

        Args:
            msg_id: The event's ``webhook-id``.
            expires_at: When the id stops being live: unix seconds or a datetime (naive = UTC).
            now: The current time (default: the system clock).

        Returns:
            ``True`` when the id was new, ``False`` when it is a replay.

        Raises:
            ValidationError: ``expires_at`` or ``now`` is not unix seconds or a datetime.
            TypeError: ``msg_id`` is not a string.
        """
        current = _unix(now, "now") if now is not None else int(time.time())
        new: bool = self._native.check_and_insert(msg_id, current, _unix(expires_at, "expires_at"))
        return new


def _payload_bytes(payload: Any) -> bytes:
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    kind = type(payload).__name__
    raise WebhookVerificationError(
        f"Webhook payload must be the raw request body as bytes, got {kind}: pass the body exactly as received "
        "(e.g. `await request.body()` in FastAPI/Starlette, `request.get_data()` in Flask), not decoded text or "
        "parsed JSON", code="WEBHOOK_BODY_NOT_BYTES", details={"got": kind, "payload_type": kind})


def _header_pairs(headers: Headers) -> List[Tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items]


def _unix(value: Instant, name: str) -> int:
    """Unix seconds (rounded down) of an int, float or datetime (naive = UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return int(aware.timestamp() // 1)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (
            float("inf"), float("-inf")):
        raise ValidationValueError(f"{name} must be unix seconds (int/float) or a datetime, got {value!r}",
                                   field_errors={name: "Must be unix seconds or a datetime"})
    return int(value // 1)


def _now(now: Optional[Instant], now_unix: Optional[int]) -> Optional[int]:
    if now is not None and now_unix is not None:
        raise ValidationValueError("give one of now and now_unix", field_errors={"now": "Give now or now_unix"})
    value = now if now is not None else now_unix
    return None if value is None else _unix(value, "now")


def verify(payload: bytes, headers: Headers, secret: Secrets, tolerance_seconds: float = 300, *,
           scheme: Optional[str] = None, replay_cache: Optional[ReplayCache] = None, now: Optional[Instant] = None,
           now_unix: Optional[int] = None) -> Dict[str, Any]:
    """Verify a delivery and return the event; :class:`WebhookVerificationError` (``.code``) when it does not verify.

    ``secret`` is a ``str`` or ``bytes`` (one key, used verbatim), or a list/tuple of them to support rotation (any
    one matching signature suffices); anything else is a ``ValidationError`` naming ``secret`` (D25).
    ``tolerance_seconds``: the largest accepted difference between the signed timestamp and now, both directions.
    ``scheme`` pins the scheme (default: detected from the headers). ``replay_cache`` records the ids of verified
    events and refuses a second delivery (``WEBHOOK_REPLAYED``). ``now`` (unix seconds or a datetime; ``now_unix``
    is the older spelling) pins the clock, for tests. An unknown scheme or a negative tolerance
    is a ``ValidationError``.
    """
    body = _payload_bytes(payload)
    pairs = _header_pairs(headers)
    pinned_now = _now(now, now_unix)
    cache = None if replay_cache is None else replay_cache._native
    text: str = native_call(lambda n: n.webhook_verify(body, pairs, secret, float(tolerance_seconds), pinned_now,
                                                       scheme, cache))
    event: Dict[str, Any] = json.loads(text)
    return event


def verify_signature(payload: bytes, headers: Headers, secret: Secrets, tolerance_seconds: float = 300, *,
                     scheme: Optional[str] = None, now: Optional[Instant] = None,
                     now_unix: Optional[int] = None) -> VerifiedMessage:
    """Check the signature and the timestamp window only: the body is not parsed and no replay cache is consulted
    (for payloads that are not ASCEND events). Same arguments and errors as :func:`verify`."""
    body = _payload_bytes(payload)
    pairs = _header_pairs(headers)
    pinned_now = _now(now, now_unix)
    text: str = native_call(lambda n: n.webhook_verify_signature(body, pairs, secret, float(tolerance_seconds),
                                                                 pinned_now, scheme))
    data = json.loads(text)
    return VerifiedMessage(scheme=data["scheme"], msg_id=data.get("msg_id"), timestamp_unix=data["timestamp_unix"])


def sign(payload: bytes, secret: Secrets, msg_id: Optional[str] = None, timestamp: Optional[Instant] = None, *,
         scheme: str = "standard_webhooks") -> Dict[str, str]:
    """Signature headers for ``payload`` (for senders and tests), in the order to send them.

    * ``standard_webhooks``: ``webhook-id`` (``msg_id``, default ``msg_`` + a random UUID), ``webhook-timestamp``,
      ``webhook-signature`` (one ``v1,`` entry per secret when several are given, during a rotation);
    * ``ascend_v1``: ``X-Request-Timestamp`` and ``X-Signature`` (exactly one secret; no ``msg_id``);
    * ``ascend_stripe_style``: ``X-Ascend-Signature: t=...,v1=...`` (one ``v1=`` item per secret; no ``msg_id``).

    ``timestamp``: unix seconds or a datetime (default now). Bad arguments are ``ValidationError``\\ s naming them.
    """
    body = _payload_bytes(payload)
    ts = None if timestamp is None else _unix(timestamp, "timestamp")
    pairs: List[Tuple[str, str]] = native_call(lambda n: n.webhook_sign(body, secret, msg_id, ts, scheme))
    return dict(pairs)
