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
# shellcheck source=devserver/tests/serve_lib.sh
source "$ROOT/devserver/tests/serve_lib.sh"
cleanup() { stop_ascend_dev; rm -rf "$LOG"; }
trap cleanup EXIT
start_ascend_dev "$BIN" "$LOG" --db :memory: --api-key "$API_KEY" --admin-token "$ADMIN"
URL="$ASCEND_DEV_LISTEN_URL"

ASCEND_DEV_URL="$URL" ASCEND_API_KEY="$API_KEY" ASCEND_DEV_ADMIN_TOKEN="$ADMIN" ASCEND_DEV_BIN="$BIN" \
  env -u ASCEND_API_URL -u OWKAI_API_KEY -u ASCEND_AGENT_ID \
  "$ROOT/.venv-peer/bin/python" "$ROOT/devserver/tests/peer_seed_calls.py"
