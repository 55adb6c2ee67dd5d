"""Importing ``ascend`` (or ``ascend.integrations``) never imports an agent framework; each framework is imported only
by its own adapter module. Checked in fresh interpreters, so no other test's imports interfere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import requires_native

pytestmark = requires_native

FRAMEWORKS = ("langchain_core", "agents", "mcp", "openai", "pydantic")


def modules_after(statement: str) -> dict:
    code = (f"import sys\n{statement}\nimport json\n"
            f"print(json.dumps({{m: m in sys.modules for m in {FRAMEWORKS!r}}}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_import_ascend_imports_no_framework():
    loaded = modules_after("import ascend, ascend.integrations, ascend.mcp")
    assert loaded == dict.fromkeys(FRAMEWORKS, False)


# (adapter, its framework, frameworks it must not pull in). The Agents SDK imports ``mcp`` itself (its MCP support).
@pytest.mark.parametrize("module, framework, absent", [
    ("ascend.integrations.langchain", "langchain_core", ("agents", "mcp")),
    ("ascend.integrations.openai_agents", "agents", ("langchain_core",)),
    ("ascend.integrations.mcp", "mcp", ("langchain_core", "agents")),
])
def test_each_adapter_imports_only_its_framework(module, framework, absent):
    loaded = modules_after(f"import {module}")
    assert loaded[framework]
    assert not any(loaded[name] for name in absent), loaded
