#!/usr/bin/env bash
# The first guide in JavaScript (examples/node/first_governed_action.mjs) against a fresh `ascend-dev`:
# builds ascend-dev (debug), installs the built package (`npm install` of bindings-node, a local link: run
# `make node` first), starts the server on a free loopback port with --deny-at 98, runs the example, stops the server.
#   DEMO_QUIET=1 examples/node/run_demo.sh   # the narrative only on failure (make node-test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/examples/node"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
"${CARGO:-cargo}" build --quiet -p ascend-devserver --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/debug/ascend-dev"
[ -f "$ROOT/bindings-node/dist/cjs/index.js" ] || { echo "run_demo.sh: build the package first (make node)" >&2; exit 1; }
(cd "$HERE" && npm install --no-audit --no-fund --loglevel=error >/dev/null)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ascend-node-demo.XXXXXX")"
# shellcheck source=devserver/tests/serve_lib.sh
source "$ROOT/devserver/tests/serve_lib.sh"
cleanup() { stop_ascend_dev; rm -rf "$WORK"; }
trap cleanup EXIT

rand() { node -e 'console.log(process.argv[1] + require("crypto").randomBytes(16).toString("hex"))' "$1"; }
export ASCEND_DEV_API_KEY ASCEND_DEV_ADMIN_TOKEN
ASCEND_DEV_API_KEY="$(rand owkai_demo_)"
ASCEND_DEV_ADMIN_TOKEN="$(rand adm_demo_)"
start_ascend_dev "$BIN" "$WORK" --db :memory: --deny-at 98 || exit 1
export ASCEND_API_URL="$ASCEND_DEV_LISTEN_URL" ASCEND_API_KEY="$ASCEND_DEV_API_KEY"
export ASCEND_DEV_BIN="$BIN" ASCEND_DEV_URL="$ASCEND_DEV_LISTEN_URL"
unset ASCEND_AGENT_ID ASCEND_AGENT_NAME ASCEND_SIGNING_SECRET OWKAI_API_KEY OWKAI_API_URL || true

rc=0
if [ -n "${DEMO_QUIET:-}" ]; then
    node "$HERE/first_governed_action.mjs" >"$WORK/demo.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then cat "$WORK/demo.log"; else tail -n 1 "$WORK/demo.log"; fi
else
    node "$HERE/first_governed_action.mjs" || rc=$?
fi
exit "$rc"
