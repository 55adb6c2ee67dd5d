#!/usr/bin/env bash
# Python benchmark (part of `make bench`): evaluate_action round trip of ours (the ascend-sdk-rs wheel in .venv)
# against the pure-Python peer ascend-ai-sdk 2.7.1 (PyPI, in .venv-peer) and bare keep-alive HTTP floors, all
# against one fixed-response server on 127.0.0.1; then `import ascend` time; then decision propagation against the
# dev server (bench_propagation.py). Prints the stripped sizes of the two extension modules first (size.sh), and
# the concurrent throughput of AsyncAscendClient at 64 in flight against 8 threads on the sync client
# (bench_concurrency.py). About 3 minutes.
#
#   bench/python/run.sh                        defaults (9 rounds x 1000 calls, 20 import runs)
#   bench/python/run.sh --rounds 15 --json out.json
#
# Rebuilds the wheel (`make python`) only when it is missing or older than its sources. CARGO_TARGET_DIR is honoured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PY="${PYTHON:-python3}"
OUT="$CARGO_TARGET_DIR/bench-python"
mkdir -p "$OUT"

native="$("$ROOT/.venv/bin/python" -c 'import ascend._native as n; print(n.__file__)' 2>/dev/null || true)"
if [[ -z "$native" ]] || [[ -n "$(find "$ROOT/core/src" "$ROOT/bindings-python/src" "$ROOT/bindings-python/python" \
        -newer "$native" -type f -print -quit)" ]]; then
  echo "==> ascend wheel missing or stale: make python"
  make -C "$ROOT" python
fi

if ! "$ROOT/.venv-peer/bin/python" -c 'import ascend, sys; sys.exit(ascend.__version__ != "2.7.1")' 2>/dev/null; then
  echo "==> installing the peer ascend-ai-sdk==2.7.1 into .venv-peer"
  [[ -x "$ROOT/.venv-peer/bin/python" ]] || "$PY" -m venv "$ROOT/.venv-peer"
  "$ROOT/.venv-peer/bin/pip" install -q --disable-pip-version-check "ascend-ai-sdk==2.7.1"
fi

if [[ ! -x "$OUT/fixed_server" || "$ROOT/bench/python/fixed_server.rs" -nt "$OUT/fixed_server" ]]; then
  echo "==> building the fixed-response server (rustc -O, std only)"
  rustc --edition 2021 -C opt-level=3 "$ROOT/bench/python/fixed_server.rs" -o "$OUT/fixed_server"
fi
echo "==> building the Rust floor (cargo --release --example http_floor)"
(cd "$ROOT" && cargo build -q --release -p ascend-core --example http_floor)

echo "==> extension module sizes (bench/python/size.sh)"
bash "$ROOT/bench/python/size.sh"

"$ROOT/.venv/bin/python" "$ROOT/bench/python/bench_evaluate.py" \
  --server "$OUT/fixed_server" --floor "$CARGO_TARGET_DIR/release/examples/http_floor" \
  --ours-python "$ROOT/.venv/bin/python" --peer-python "$ROOT/.venv-peer/bin/python" "$@"

echo "==> concurrent throughput: AsyncAscendClient (64 in flight) vs AscendClient (8 threads)"
"$ROOT/.venv/bin/python" "$ROOT/bench/python/bench_concurrency.py" \
  --server "$OUT/fixed_server" --ours-python "$ROOT/.venv/bin/python"

echo "==> decision propagation against the dev server (ours vs the peer)"
"$ROOT/.venv/bin/python" "$ROOT/bench/python/bench_propagation.py" \
  --ours-python "$ROOT/.venv/bin/python" --peer-python "$ROOT/.venv-peer/bin/python"
