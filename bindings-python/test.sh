#!/usr/bin/env bash
# `make python-test`: pytest (including the conformance runner against the mock server), mypy --strict,
# stubtest of ascend._native and ascend._devserver, and ruff, all against the wheel installed by build.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import ascend._native, ascend._devserver" 2>/dev/null; then
    "$ROOT/bindings-python/build.sh"
fi

echo "==> building the mock server"
cargo build -p ascend-mock-server
export ASCEND_MOCK_SERVER="$CARGO_TARGET_DIR/debug/ascend-mock-server"

cd "$ROOT/bindings-python"
echo "==> pytest"
"$VENV/bin/python" -m pytest -q "$@"
echo "==> mypy --strict"
"$VENV/bin/python" -m mypy --strict
echo "==> stubtest ascend._native ascend._devserver"
"$VENV/bin/python" -m mypy.stubtest ascend._native ascend._devserver
echo "==> ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" check --config pyproject.toml ../examples/python ../bench/python
