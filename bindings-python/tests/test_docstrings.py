"""Every public method of the public classes has a docstring with an ``Args:`` section (when it takes arguments), a
``Returns:`` section and a ``Raises:`` section (issue 14 item 4), found by inspection rather than from a list, so a
new method or class cannot slip through."""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Iterator, List, Tuple

import pytest

from conftest import requires_native

#: The modules a user imports public classes from (``ascend`` itself re-exports them). ``AscendLogger`` lives in the
#: private ``ascend._logging`` and is public as ``ascend.AscendLogger``; ``with_options`` is ``ascend._base``'s.
MODULES = (
    "ascend.client", "ascend.aio", "ascend.agent", "ascend.mcp", "ascend.models", "ascend.exceptions",
    "ascend.webhooks", "ascend.prescoring", "ascend.testing", "ascend.cvss", "ascend.constants", "ascend._logging",
    "ascend._base", "ascend.wrappers.subprocess", "ascend.wrappers.dynamic_code", "ascend.wrappers.ast_analyzer",
    "ascend.integrations.mcp", "ascend.integrations.langchain", "ascend.integrations.openai_agents",
)


def public_classes() -> Iterator[Tuple[str, type]]:
    seen = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not inspect.isclass(obj) or obj.__module__ != module_name or obj in seen:
                continue
            seen.add(obj)
            yield f"{module_name}.{name}", obj


def public_methods(cls: type) -> Iterator[Tuple[str, Any]]:
    """Methods defined on ``cls`` itself (inherited ones are checked on their own class)."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
        if inspect.isfunction(func):
            yield name, func


def missing_sections(func: Any) -> List[str]:
    doc = inspect.getdoc(func) or ""
    lines = {line.strip() for line in doc.splitlines()}
    takes_args = any(name not in ("self", "cls") for name in inspect.signature(func).parameters)
    required = (["Args:"] if takes_args else []) + ["Returns:", "Raises:"]
    return [section for section in required if section not in lines]


@requires_native
def test_every_public_method_documents_args_returns_and_raises() -> None:
    problems = []
    checked = 0
    for class_name, cls in public_classes():
        for name, func in public_methods(cls):
            checked += 1
            missing = missing_sections(func)
            if missing:
                problems.append(f"{class_name}.{name}: no {', '.join(missing)}")
    assert checked > 150, f"only {checked} methods found: the discovery is broken"
    assert not problems, "\n".join(problems)


@requires_native
@pytest.mark.parametrize("name", ["evaluate_action", "wait_for_decision", "close", "iter_actions"])
def test_the_async_client_documents_its_own_methods(name: str) -> None:
    from ascend import AsyncAscendClient

    assert missing_sections(getattr(AsyncAscendClient, name)) == []


def test_a_method_without_sections_is_reported() -> None:
    def undocumented(self: Any, value: int) -> int:
        """Only a summary."""
        return value

    def documented(self: Any) -> None:
        """Summary.

        Returns:
            Nothing.

        Raises:
            Nothing: Local.
        """

    assert missing_sections(undocumented) == ["Args:", "Returns:", "Raises:"]
    assert missing_sections(documented) == []
