#!/usr/bin/env bash
# `make python`: a virtualenv at the repository root (.venv) with the release wheel of ascend-sdk-rs installed,
# plus the dev tools (maturin, pytest, mypy, ruff). Works on a fresh clone; one release build per run.
#
#   bindings-python/build.sh            build + install
#   PYTHON=python3.12 bindings-python/build.sh
#
# Cargo's target dir is shared with the workspace (CARGO_TARGET_DIR, default <repo>/target).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# A private output folder per run: several checkouts may share one CARGO_TARGET_DIR.
WHEELS="$(mktemp -d)"
trap 'rm -rf "$WHEELS"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
echo "==> installing build and test tools into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "pytest>=7" "mypy>=1.8" "ruff>=0.4"

echo "==> building the release wheel (maturin, abi3 cp39+)"
"$VENV/bin/maturin" build --release -m "$ROOT/bindings-python/Cargo.toml" \
    --interpreter "$VENV/bin/python" --out "$WHEELS"

wheel="$(ls "$WHEELS"/ascend_sdk_rs-*.whl | head -n 1)"
echo "==> installing $(basename "$wheel")"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

"$VENV/bin/python" -c "from ascend import AscendClient; import ascend._native as n; print('ascend', n.SDK_VERSION, 'ready:', AscendClient.__name__)"
