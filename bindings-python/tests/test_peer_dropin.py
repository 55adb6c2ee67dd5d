"""Issue 14 item 6, a complete drop-in: every public name of every module of the installed peer package
(``ascend-ai-sdk`` 2.7.1 in ``<repo>/.venv-peer``, created here from PyPI when absent) imports from the same module of
ours, and a name that is a class or function of the peer's package is the same object as in ours when our package
has that home too (``ascend.client.ConnectionError`` is ``ascend.exceptions.ConnectionError``, not the builtin).

The list is derived from the installed peer by ``tools/peer_names.py`` (run with the peer's interpreter), never
written by hand; see that script for which names count as public.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from conftest import REPO

PEER_VENV = REPO / ".venv-peer"
PEER_VERSION = "2.7.1"
TOOL = Path(__file__).resolve().parent / "tools" / "peer_names.py"


def peer_python() -> Path:
    """``.venv-peer/bin/python`` with ``ascend-ai-sdk`` 2.7.1, made as ``devserver/tests/peer_compat.sh`` makes it."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True, timeout=300)
    check = f"import ascend, sys; sys.exit(ascend.__version__ != {PEER_VERSION!r})"
    if subprocess.run([str(python), "-c", check], capture_output=True, timeout=60).returncode != 0:
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", f"ascend-ai-sdk=={PEER_VERSION}"],
                       check=True, timeout=600)
    return python


@pytest.fixture(scope="module")
def peer_names() -> Dict[str, Dict[str, Optional[List[str]]]]:
    # Without PYTHONPATH: the peer's interpreter must import the peer's package, not ours.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    out = subprocess.run([str(peer_python()), str(TOOL)], check=True, capture_output=True, text=True, timeout=120,
                         env=env, cwd=str(PEER_VENV))
    names: Dict[str, Dict[str, Optional[List[str]]]] = json.loads(out.stdout)
    return names


def test_the_peer_list_is_not_empty(peer_names: Dict[str, Dict[str, Any]]) -> None:
    # Guards the derivation itself: the modules and re-exports the issue names must be in it.
    assert {"ascend", "ascend.client", "ascend.agent", "ascend.models", "ascend.mcp"} <= set(peer_names)
    assert {"AuthenticationError", "AgentAction"} <= set(peer_names["ascend.client"])
    assert "AuthorizationDecision" in peer_names["ascend.agent"]
    assert "ValidationError" in peer_names["ascend.models"]
    assert sum(map(len, peer_names.values())) > 150


def test_every_peer_name_imports_from_ours(peer_names: Dict[str, Dict[str, Optional[List[str]]]]) -> None:
    missing: List[str] = []
    different: List[Tuple[str, str]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated aliases still import, with a warning
        for module_name, names in peer_names.items():
            module = importlib.import_module(module_name)
            for name, home in names.items():
                try:
                    ours = getattr(module, name)
                except AttributeError:
                    missing.append(f"from {module_name} import {name}")
                    continue
                if home is None or home[0] not in peer_names or "." in home[1]:
                    continue
                home_module = importlib.import_module(home[0])
                expected = getattr(home_module, home[1], None)
                if expected is not None and ours is not expected:
                    different.append((f"{module_name}.{name}", f"{home[0]}.{home[1]}"))
    assert not missing, "not importable from ours:\n" + "\n".join(missing)
    assert not different, f"not the same object as in the peer's home module: {different}"
