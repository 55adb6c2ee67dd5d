#!/usr/bin/env bash
# Drives the review page of ascend-dev in headless Chromium (Debian's `chromium`, installed with apt-get if
# missing; `playwright-core` from npm into <repo>/.venv-web): submits a pending action, signs in, checks what
# the page shows a reviewer (and that it cannot be framed and refreshes by itself), approves from the action's
# detail view, and checks through the API that the action became approved.
# SCREENSHOTS=DIR also saves review-page.png and review-detail.png there (docs/ holds the README's copy).
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
curl -sf -X POST "$URL/api/registry/agents" -H "X-Admin-Token: $ADMIN" -H 'Content-Type: application/json' \
  -d '{"agent_id": "web-test", "display_name": "Payments Agent", "auto_approve_below": 60}' >/dev/null
curl -sf -X POST "$URL/api/v1/actions/submit" -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
  -d '{"agent_id": "support-bot", "action_type": "data_access", "resource": "customer_profiles",
       "description": "Export the contact details of 40 customers for the renewal campaign",
       "action_details": {"fields": ["name", "email"], "limit": 40}, "context": {"data_sensitivity": "pii"}}' >/dev/null
ID="$(curl -sf -X POST "$URL/api/v1/actions/submit" -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
  -d '{"agent_id": "web-test", "agent_name": "Payments Agent", "action_type": "transaction", "resource": "ledger",
       "description": "Wire 1,250 EUR to supplier ACME", "tool_name": "payments_api",
       "action_details": {"amount": 1250, "currency": "EUR", "payee": "<b>ACME</b> GmbH"},
       "context": {"environment": "production", "invoice": "INV-2291"}}' | json_field id)"
STATUS="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field status)"
[[ "$STATUS" == "pending_approval" ]] || { echo "expected a pending action, got $STATUS" >&2; exit 1; }

node "$WEB/web_approve.mjs" "$URL" "$ADMIN" "$API_KEY" "$ID" ${SCREENSHOTS:+"$SCREENSHOTS"}

STATUS="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field status)"
REVIEWER="$(curl -sf "$URL/api/v1/actions/$ID/status" -H "X-API-Key: $API_KEY" | json_field reviewed_by)"
if [[ "$STATUS" == "approved" && "$REVIEWER" == "web" ]]; then
  echo "web_approve: action $ID approved by a click on its detail page"
else
  echo "web_approve: action $ID is $STATUS (reviewed_by $REVIEWER), expected approved by web" >&2
  exit 1
fi
