#!/usr/bin/env bash
# `make python`: a virtualenv at the repository root (.venv) with the release wheel of ascend-sdk-rs installed,
# plus the dev tools (maturin, pytest, mypy, ruff); the wheel is also left in <target>/wheels/. Works on a fresh
# clone; one build of each extension module per run, in the `wheel` Cargo profile (root Cargo.toml).
#
#   bindings-python/build.sh            build + install
#   PYTHON=python3.12 bindings-python/build.sh
#
# The wheel holds two extension modules: the client, `ascend._native` (crate `ascend-python`), and the in-process dev
# server of `ascend.testing`, `ascend._devserver` (crate `ascend-python-devserver`, bindings-python/devserver-ext),
# kept apart so that `import ascend` never loads the server. maturin builds the dev server module first; its
# library is put in python/ascend/ (git-ignored), where the second maturin run (the package) includes it.
#
# Cargo's target dir is shared with the workspace (CARGO_TARGET_DIR, default <repo>/target).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE=wheel
# A private output folder per run (several checkouts may share one CARGO_TARGET_DIR); the final wheel is copied to
# $CARGO_TARGET_DIR/wheels at the end.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
echo "==> installing build and test tools into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" "pytest>=7" "mypy>=1.8" "ruff>=0.4" \
    "opentelemetry-api>=1.20" "opentelemetry-sdk>=1.20"  # the optional spans (tests/test_request_options_and_otel.py)
echo "==> installing the agent frameworks ascend.integrations is tested with (pinned, test-only)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$ROOT/bindings-python/requirements-integrations.txt"

echo "==> building the dev server module ascend._devserver (maturin, profile $PROFILE)"
"$VENV/bin/maturin" build --profile "$PROFILE" -m "$ROOT/bindings-python/devserver-ext/Cargo.toml" \
    --interpreter "$VENV/bin/python" --out "$WORK/devserver"
"$VENV/bin/python" - "$WORK/devserver" "$ROOT/bindings-python/python/ascend" <<'PY'
"""Takes the one `_devserver.*` library out of the wheel just built and puts it into the package source."""
import pathlib
import sys
import zipfile

out, package = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wheels = sorted(out.glob("*.whl"))
assert len(wheels) == 1, f"expected one wheel in {out}, found {wheels}"
with zipfile.ZipFile(wheels[0]) as z:
    names = [n for n in z.namelist()
             if pathlib.PurePosixPath(n).name.startswith("_devserver.") and n.endswith(".so")]
    assert len(names) == 1, f"expected one _devserver library in {wheels[0].name}, found {names}"
    for old in package.glob("_devserver.*.so"):
        old.unlink()
    target = package / pathlib.PurePosixPath(names[0]).name
    target.write_bytes(z.read(names[0]))
    target.chmod(0o755)
    print(f"    {target.relative_to(package.parent.parent)} ({target.stat().st_size} bytes)")
PY

echo "==> building the wheel: ascend._native + the package (maturin, profile $PROFILE, abi3 cp39+)"
"$VENV/bin/maturin" build --profile "$PROFILE" -m "$ROOT/bindings-python/Cargo.toml" \
    --interpreter "$VENV/bin/python" --out "$WORK/wheel"

wheel="$(ls "$WORK"/wheel/ascend_sdk_rs-*.whl | head -n 1)"
"$VENV/bin/python" - "$wheel" <<'PY'
"""The wheel must carry both extension modules."""
import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
for module in ("ascend/_native.", "ascend/_devserver."):
    assert any(n.startswith(module) and n.endswith(".so") for n in names), f"{module}*.so missing from the wheel"
PY
echo "==> installing $(basename "$wheel")"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
mkdir -p "$CARGO_TARGET_DIR/wheels"
cp "$wheel" "$CARGO_TARGET_DIR/wheels/"
echo "==> wheel: $CARGO_TARGET_DIR/wheels/$(basename "$wheel")"

"$VENV/bin/python" -c "from ascend import AscendClient; import ascend._native as n; from ascend.testing import load_devserver; load_devserver(); print('ascend', n.SDK_VERSION, 'ready:', AscendClient.__name__, '+ ascend._devserver')"
