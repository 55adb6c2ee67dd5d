#!/usr/bin/env bash
# `make demo`: the first guide end to end against a local dev server.
#
#  1. builds `ascend-dev` (debug) and, when .venv has no working `ascend._native`, the wheel (bindings-python/build.sh);
#  2. starts `ascend-dev serve --addr 127.0.0.1:0 --db :memory: --deny-at 98` with a fresh API key and admin token
#     (passed through the environment, so they do not show in `ps`) and waits for its one stdout line
#     `ascend-dev listening on http://...`;
#  3. runs examples/python/first_governed_action.py with ASCEND_API_URL/ASCEND_API_KEY (the agent) and
#     ASCEND_DEV_BIN/ASCEND_DEV_URL/ASCEND_DEV_ADMIN_TOKEN (the human reviewer's CLI);
#  4. stops the server by its PID (also on Ctrl-C or failure) and exits with the example's status.
#
#   examples/run_demo.sh              # what `make demo` runs
#   DEMO_QUIET=1 examples/run_demo.sh # print the narrative only on failure (make test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CARGO="${CARGO:-cargo}"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

echo "==> building ascend-dev (cargo build -p ascend-devserver)"
"$CARGO" build --quiet -p ascend-devserver --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/debug/ascend-dev"
[ -x "$BIN" ] || { echo "run_demo.sh: $BIN was not built" >&2; exit 1; }

if [ ! -x "$PY" ] || ! "$PY" -c "import ascend._native" 2>/dev/null; then
    echo "==> .venv has no ascend._native: building the wheel (bindings-python/build.sh)"
    "$ROOT/bindings-python/build.sh"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ascend-demo.XXXXXX")"
# shellcheck source=devserver/tests/serve_lib.sh
source "$ROOT/devserver/tests/serve_lib.sh"
cleanup() {
    stop_ascend_dev
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

token() { "$PY" -c "import secrets, sys; print(sys.argv[1] + secrets.token_hex(16))" "$1"; }
export ASCEND_DEV_API_KEY ASCEND_DEV_ADMIN_TOKEN
ASCEND_DEV_API_KEY="$(token owkai_demo_)"
ASCEND_DEV_ADMIN_TOKEN="$(token adm_demo_)"

echo "==> starting: ascend-dev serve --addr 127.0.0.1:0 --db :memory: --deny-at 98"
start_ascend_dev "$BIN" "$WORK" --db :memory: --deny-at 98 || { echo "run_demo.sh: ascend-dev did not start" >&2; exit 1; }
URL="$ASCEND_DEV_LISTEN_URL"
echo "==> ascend-dev (pid $ASCEND_DEV_PID) listening on $URL"

export ASCEND_API_URL="$URL" ASCEND_API_KEY="$ASCEND_DEV_API_KEY"
export ASCEND_DEV_BIN="$BIN" ASCEND_DEV_URL="$URL" PYTHONUNBUFFERED=1
# The example's client must not pick up a developer's own agent settings.
unset ASCEND_AGENT_ID ASCEND_AGENT_NAME ASCEND_SIGNING_SECRET OWKAI_API_KEY OWKAI_API_URL || true

echo "==> running examples/python/first_governed_action.py"
rc=0
if [ -n "${DEMO_QUIET:-}" ]; then
    "$PY" "$ROOT/examples/python/first_governed_action.py" >"$WORK/demo.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then cat "$WORK/demo.log"; else tail -n 1 "$WORK/demo.log"; fi
else
    "$PY" "$ROOT/examples/python/first_governed_action.py" || rc=$?
fi

echo "==> stopping ascend-dev (pid $ASCEND_DEV_PID)"
kill -TERM "$ASCEND_DEV_PID" 2>/dev/null || true
server_rc=0
wait "$ASCEND_DEV_PID" 2>/dev/null || server_rc=$?
ASCEND_DEV_PID=""
if [ "$server_rc" -ne 0 ]; then
    echo "run_demo.sh: ascend-dev exited with status $server_rc; its stderr:" >&2
    cat "$WORK/ascend-dev.err" >&2
    [ "$rc" -ne 0 ] || rc=1
fi
if [ "$rc" -eq 0 ]; then echo "==> demo passed"; else echo "==> demo FAILED (exit $rc)" >&2; fi
exit "$rc"
