"""The ``ascend-mock-server`` binary (tests/mock-server) as a Python test helper: spawn, script, inspect, stop.

Loopback only. Control API (same port): ``POST /__mock/reset``, ``POST /__mock/script {"entries": [...]}``,
``GET /__mock/requests -> {"requests": [...], "unmatched": n}``, ``POST /__mock/verify`` (the server judges a case's
``expect_requests``, leftover script entries and sleeps; see tests/mock-server/src/verify.rs).
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
BINARY_NAME = "ascend-mock-server"


def binary_path() -> Path:
    """``$ASCEND_MOCK_SERVER``, else ``$CARGO_TARGET_DIR/debug/ascend-mock-server`` (default ``<repo>/target``)."""
    explicit = os.environ.get("ASCEND_MOCK_SERVER")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    return target / "debug" / BINARY_NAME


def ensure_binary() -> Path:
    """The mock server binary, built with ``cargo build -p ascend-mock-server`` when it is missing."""
    path = binary_path()
    if not path.exists():
        subprocess.run(["cargo", "build", "-p", "ascend-mock-server"], cwd=REPO, check=True)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist after `cargo build -p ascend-mock-server`")
    return path


class MockServer:
    """One running ``ascend-mock-server`` process."""

    def __init__(self, binary: Optional[Path] = None) -> None:
        self.proc = subprocess.Popen([str(binary or ensure_binary())], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        prefix = "ascend-mock-server listening on "
        if not line.startswith(prefix):
            self.proc.kill()
            stderr = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"mock server did not start: {line!r} {stderr}")
        self.url = line[len(prefix):]

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        """Clear the script, the request log and the unmatched counter."""
        self._control("POST", "/__mock/reset", {})

    def script(self, entries: List[Dict[str, Any]]) -> None:
        """Append scripted responses (the ``server`` array of a conformance case)."""
        self._control("POST", "/__mock/script", {"entries": entries})

    def requests(self) -> Tuple[List[Dict[str, Any]], int]:
        """``(recorded platform requests, unmatched count)``."""
        out = self._control("GET", "/__mock/requests")
        return out["requests"], int(out["unmatched"])

    def verify(self, expectations: Dict[str, Any]) -> Dict[str, Any]:
        """The server's verdict ``{"ok", "mismatches", "recorded", "unmatched", "unused"}`` on ``expectations``
        (``expect_requests``, ``allow_unused``, ``expect_sleeps``, ``expect_sleep_total``, ``sleeps``)."""
        verdict: Dict[str, Any] = self._control("POST", "/__mock/verify", expectations)
        return verdict

    def close(self) -> None:
        """Stop the process."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
