"""``AscendLogger``: a stdlib logger wrapper that masks credentials (PROTOCOL §8.3, DECISIONS D19/D22)."""

from __future__ import annotations

import contextvars
import functools
import json
import logging
from datetime import datetime, timezone
from typing import Any, Dict, FrozenSet, Optional, Union

__all__ = ["SENSITIVE_KEYS", "AscendLogger", "mask_text", "mask_value"]  # noqa: F822 (SENSITIVE_KEYS: __getattr__)

_MASK = "****"


@functools.cache
def _sensitive_keys() -> FrozenSet[str]:
    from . import _native

    return frozenset(_native.SENSITIVE_KEYS)


def __getattr__(name: str) -> Any:
    if name == "SENSITIVE_KEYS":  # keys whose values are always masked: the core's list (D19)
        return _sensitive_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def mask_text(text: str) -> str:
    """Mask ``owkai_…``/``ascend_…``/``sk_…``/``whsec_…`` tokens and ``Bearer <token>`` in ``text`` (the core's
    rule, ``ascend_core::log::mask_text``)."""
    from . import _native

    return _native.mask_text(text)


def mask_value(value: Any, key: Optional[str] = None) -> Any:
    """Mask ``value`` recursively: sensitive keys become ``****``, strings are token-masked."""
    if key is not None and key.lower() in _sensitive_keys():
        return _MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v) for v in value]
    return value


class AscendLogger:
    """Structured, credential-masking logger (text ``[LEVEL] message k=v`` or JSON lines).

    The correlation id is per thread/task (a ``ContextVar``), not process-global (D22).
    """

    def __init__(self, name: str = "ascend_sdk", level: Union[int, str] = logging.INFO, json_format: bool = False):
        self.name = name
        self.logger = logging.getLogger(name)
        self.logger.setLevel(level.upper() if isinstance(level, str) else level)
        self.json_format = json_format
        self._correlation_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
            f"ascend_correlation_id_{id(self)}", default=None)

    def set_correlation_id(self, correlation_id: Optional[str]) -> None:
        """Attach ``correlation_id`` to the following records of the current thread/task.

        Args:
            correlation_id: The id, or ``None`` to stop attaching one.

        Returns:
            Nothing.

        Raises:
            Nothing: Local state only.
        """
        self._correlation_id.set(correlation_id)

    def format(self, level: str, message: str, **kwargs: Any) -> str:
        """The masked text (or JSON) line for one record.

        Args:
            level: The level name written into the line.
            message: The message (secrets in it are masked).
            kwargs: Structured fields (values of sensitive names are masked).

        Returns:
            ``[LEVEL] message k=v ...``, or one JSON object when ``json_format`` is set.

        Raises:
            Nothing: Values JSON cannot carry are written as their ``str``.
        """
        fields: Dict[str, Any] = {str(k): mask_value(v, str(k)) for k, v in kwargs.items()}
        text = mask_text(str(message))
        correlation_id = self._correlation_id.get()
        if self.json_format:
            record: Dict[str, Any] = {"timestamp": datetime.now(timezone.utc).isoformat(), "level": level,
                                      "logger": self.name, "message": text}
            if correlation_id:
                record["correlation_id"] = correlation_id
            record.update(fields)
            return json.dumps(record, default=str)
        parts = [f"[{level}] {text}"]
        if correlation_id:
            parts.append(f"correlation_id={correlation_id}")
        parts.extend(f"{k}={v}" for k, v in fields.items())
        return " ".join(parts)

    def _log(self, level: int, message: str, kwargs: Dict[str, Any]) -> None:
        if self.logger.isEnabledFor(level):
            self.logger.log(level, "%s", self.format(logging.getLevelName(level), message, **kwargs))

    def debug(self, message: str, **kwargs: Any) -> None:
        """Log at DEBUG (masked, see :meth:`format`).

        Args:
            message: The message.
            kwargs: Structured fields.

        Returns:
            Nothing.

        Raises:
            Nothing: Logging errors are handled by :mod:`logging`.
        """
        self._log(logging.DEBUG, message, kwargs)

    def info(self, message: str, **kwargs: Any) -> None:
        """Log at INFO (masked, see :meth:`format`).

        Args:
            message: The message.
            kwargs: Structured fields.

        Returns:
            Nothing.

        Raises:
            Nothing: Logging errors are handled by :mod:`logging`.
        """
        self._log(logging.INFO, message, kwargs)

    def warning(self, message: str, **kwargs: Any) -> None:
        """Log at WARNING (masked, see :meth:`format`).

        Args:
            message: The message.
            kwargs: Structured fields.

        Returns:
            Nothing.

        Raises:
            Nothing: Logging errors are handled by :mod:`logging`.
        """
        self._log(logging.WARNING, message, kwargs)

    def error(self, message: str, **kwargs: Any) -> None:
        """Log at ERROR (masked, see :meth:`format`).

        Args:
            message: The message.
            kwargs: Structured fields.

        Returns:
            Nothing.

        Raises:
            Nothing: Logging errors are handled by :mod:`logging`.
        """
        self._log(logging.ERROR, message, kwargs)
