"""Python-side glue of ``ascend_core::govern``: the verdict rule (D24), JSON-safe tool arguments and command text.

The rules live in the core; this module only turns Python values into what the core takes.
"""

from __future__ import annotations

import math
import os
from enum import Enum
from typing import Any, List, Union

from ._native_loader import native_call

__all__ = ["permits_execution", "json_safe", "command_text"]


def permits_execution(decision: Any) -> bool:
    """Whether a decision lets the host run the action (DECISIONS D24, ``Decision::permits_execution``): its verdict
    must permit execution and its ``execution_allowed``, when present, must not forbid it."""
    value = getattr(decision, "decision", None)
    if isinstance(value, Enum):
        value = value.value
    text = None if value is None else str(value)
    flag = getattr(decision, "execution_allowed", None)
    return bool(native_call(lambda n: n.permits_execution(text, flag)))


def json_safe(value: Any) -> Any:
    """``value`` as JSON values: containers converted item by item, anything JSON cannot carry as ``"<TypeName>"``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else f"<{type(value).__name__}>"
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return f"<{type(value).__name__}>"


def command_text(command: Any) -> Union[str, List[str]]:
    """A subprocess command as the core takes it: one line (``str``, ``bytes``, path) or a list of ``str``."""
    if isinstance(command, (str, bytes, os.PathLike)):
        return command if isinstance(command, str) else os.fsdecode(command)
    return [os.fsdecode(part) if isinstance(part, (bytes, os.PathLike)) else str(part) for part in command]
