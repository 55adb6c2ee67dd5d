#!/usr/bin/env bash
# Drives the review page of ascend-dev in headless Chromium (Debian's `chromium`, installed with apt-get if
# missing; `playwright-core` from npm into <repo>/.venv-web): submits a pending action, clicks Approve on `/`,
# and checks through the API that the action became approved.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${ASCEND_DEV_BIN:-$TARGET/debug/ascend-dev}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$CHROMIUM" ]]; then
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
fi
WEB="$ROOT/.venv-web"
if [[ ! -d "$WEB/node_modules/playwright-core" ]]; then
  mkdir -p "$WEB"
  npm install --prefix "$WEB" --no-audit --no-fund --silent playwright-core@1 >/dev/null
fi
cp "$ROOT/devserver/tests/web_approve.mjs" "$WEB/web_approve.mjs"
if [[ -z "${ASCEND_DEV_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build -q -p ascend-devserver)
fi

LOG="$(mktemp -d)"
API_KEY="owkai_web_$RANDOM$RANDOM"
ADMIN="adm_web_$RANDOM$RANDOM"
# shellcheck source=devserver/tests/serve_lib.sh
source "$ROOT/devserver/tests/serve_lib.sh"
cleanup() { stop_ascend_dev; rm -rf "$LOG"; }
trap cleanup EXIT
start_ascend_dev "$BIN" "$LOG" --db :memory: --api-key "$API_KEY" --admin-token "$ADMIN"
URL="$ASCEND_DEV_LISTEN_URL"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
ID="$(curl -sf -X POST "$URL/api/v1/actions/submit" -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
  -d '{"agent_id": "web-test", "action_type": "transaction", "resource": "ledger"}' | json_field id)"
STATUS="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field status)"
[[ "$STATUS" == "pending_approval" ]] || { echo "expected a pending action, got $STATUS" >&2; exit 1; }

node "$WEB/web_approve.mjs" "$URL" "$ADMIN" "$ID"

STATUS="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field status)"
REVIEWER="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field reviewed_by)"
if [[ "$STATUS" == "approved" && "$REVIEWER" == "web" ]]; then
  echo "web_approve: action $ID approved by a click on the review page"
else
  echo "web_approve: action $ID is $STATUS (reviewed_by $REVIEWER), expected approved by web" >&2
  exit 1
fi
