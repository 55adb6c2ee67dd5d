#!/usr/bin/env bash
# Runs every seed-level call of PROTOCOL §11.8 through the unmodified public peer SDK (ascend-ai-sdk 2.7.1,
# from PyPI, in its own venv at <repo>/.venv-peer) against a fresh in-memory ascend-dev.
# Usage: devserver/tests/peer_compat.sh   (builds ascend-dev if needed; CARGO_TARGET_DIR is honoured)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${ASCEND_DEV_BIN:-$TARGET/debug/ascend-dev}"
PY="${PYTHON:-python3}"

if [[ -z "${ASCEND_DEV_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build -q -p ascend-devserver)
fi
if [[ ! -x "$ROOT/.venv-peer/bin/python" ]]; then
  "$PY" -m venv "$ROOT/.venv-peer"
fi
if ! "$ROOT/.venv-peer/bin/python" -c 'import ascend, sys; sys.exit(ascend.__version__ != "2.7.1")' 2>/dev/null; then
  "$ROOT/.venv-peer/bin/pip" install -q "ascend-ai-sdk==2.7.1"
fi

LOG="$(mktemp -d)"
API_KEY="owkai_peer_$RANDOM$RANDOM"
ADMIN="adm_peer_$RANDOM$RANDOM"
"$BIN" serve --addr 127.0.0.1:0 --db :memory: --api-key "$API_KEY" --admin-token "$ADMIN" >"$LOG/out" 2>"$LOG/err" &
PID=$!
cleanup() { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$LOG"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  grep -q '^ascend-dev listening on ' "$LOG/out" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG/err" >&2; exit 1; }
  sleep 0.1
done
URL="$(sed -n 's/^ascend-dev listening on //p' "$LOG/out")"
[[ -n "$URL" ]] || { echo "ascend-dev did not start" >&2; cat "$LOG/err" >&2; exit 1; }

ASCEND_DEV_URL="$URL" ASCEND_API_KEY="$API_KEY" ASCEND_DEV_ADMIN_TOKEN="$ADMIN" ASCEND_DEV_BIN="$BIN" \
  env -u ASCEND_API_URL -u OWKAI_API_KEY -u ASCEND_AGENT_ID \
  "$ROOT/.venv-peer/bin/python" "$ROOT/devserver/tests/peer_seed_calls.py"
