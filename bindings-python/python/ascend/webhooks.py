"""Webhook verification and signing (Standard Webhooks v1 / ASCEND v1) by the Rust core.

Verify the *raw request body bytes*, before any JSON parsing: a re-serialised body does not verify.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._native_loader import native_call
from .exceptions import WebhookVerificationError

__all__ = ["sign", "verify"]

Headers = Union[Mapping[str, str], Iterable[Tuple[str, str]]]


def _payload_bytes(payload: Any) -> bytes:
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload)
    raise WebhookVerificationError(
        f"Webhook payload must be the raw request body as bytes, got {type(payload).__name__}",
        code="WEBHOOK_BODY_NOT_BYTES", details={"payload_type": type(payload).__name__})


def _header_pairs(headers: Headers) -> List[Tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items]


def verify(payload: bytes, headers: Headers, secret: Union[str, Sequence[str]], tolerance_seconds: float = 300,
           *, now_unix: Optional[int] = None) -> Dict[str, Any]:
    """Verify a delivery and return the event; :class:`WebhookVerificationError` (``.code``) when it does not verify.

    ``secret`` may be a list to support rotation (any one matching signature suffices). ``now_unix`` pins the clock
    (tests only).
    """
    body = _payload_bytes(payload)
    secrets = [secret] if isinstance(secret, str) else list(secret)
    pairs = _header_pairs(headers)
    text: str = native_call(lambda n: n.webhook_verify(body, pairs, secrets, float(tolerance_seconds), now_unix))
    event: Dict[str, Any] = json.loads(text)
    return event


def sign(payload: bytes, secret: str, msg_id: Optional[str] = None, timestamp: Optional[int] = None) -> Dict[str, str]:
    """Signature headers for ``payload`` (for senders and tests): ``{"webhook-id", "webhook-timestamp", ...}``."""
    body = _payload_bytes(payload)
    pairs: List[Tuple[str, str]] = native_call(lambda n: n.webhook_sign(body, secret, msg_id, timestamp))
    return dict(pairs)
