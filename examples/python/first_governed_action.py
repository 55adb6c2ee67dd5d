#!/usr/bin/env python3
"""The first guide, "Your First Governed Action", end to end against the local dev server ``ascend-dev``.

Run it with ``make demo`` (which builds everything, starts the server and sets the environment), or by hand::

    ascend-dev serve --addr 127.0.0.1:0 --db :memory: --deny-at 98 --api-key owkai_demo --admin-token adm_demo
    ASCEND_API_URL=http://127.0.0.1:PORT ASCEND_API_KEY=owkai_demo \\
    ASCEND_DEV_BIN=ascend-dev ASCEND_DEV_URL=http://127.0.0.1:PORT ASCEND_DEV_ADMIN_TOKEN=adm_demo \\
        python examples/python/first_governed_action.py

The guide's code is used as written; only the URL and key come from the environment. Around it the demo adds what a
real deployment would have: a registered MCP server, a model in the registry, a human reviewer (the ``ascend-dev
approve`` command, run from a thread while the agent waits), a policy that denies critical actions (the server runs
with ``--deny-at 98``) and a webhook receiver that verifies every delivery. The exit status is 0 only if every
expected outcome happened.
"""

from __future__ import annotations

import http.server
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from ascend import AscendClient, Decision, FailMode, WebhookVerificationError, webhooks

# -- the environment ------------------------------------------------------------------------------------------------


def require_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"first_governed_action.py: ${name} is not set (run `make demo`, or see the docstring)")
    return value


API_URL = require_env("ASCEND_API_URL")
API_KEY = require_env("ASCEND_API_KEY")
DEV_BIN = require_env("ASCEND_DEV_BIN")  # the `ascend-dev` binary: the human reviewer's CLI
DEV_URL = os.environ.get("ASCEND_DEV_URL", API_URL)
require_env("ASCEND_DEV_ADMIN_TOKEN")  # read by `ascend-dev approve` / `models add` from the environment

# -- narrative and checks -------------------------------------------------------------------------------------------

FAILURES: List[str] = []


def section(title: str) -> None:
    print(f"\n== {title}")


def note(text: str) -> None:
    print(f"   {text}")


def expect(ok: bool, what: str) -> None:
    print(f"   [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        FAILURES.append(what)


# The helpers the guide leaves to the reader.
EXECUTED: List[str] = []
DENIALS: List[Tuple[str, Optional[str]]] = []


def execute_database_write() -> None:
    EXECUTED.append("database_write")
    note("-> executing the database write (the agent only gets here on ALLOWED)")


def log_denial(action_id: str, reason: Optional[str]) -> None:
    DENIALS.append((action_id, reason))
    note(f"-> denial of action {action_id} logged")


def log_timeout(action_id: Optional[str]) -> None:
    note(f"-> timeout of action {action_id} logged")


# -- the webhook receiver: a tiny HTTP server on a free loopback port ---------------------------------------------

WEBHOOK_SECRET = "your_webhook_secret"
DELIVERIES: queue.Queue[Tuple[bytes, Dict[str, str]]] = queue.Queue()


class WebhookReceiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        DELIVERIES.put((raw_body, dict(self.headers.items())))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep the narrative readable
        pass


receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebhookReceiver)
threading.Thread(target=receiver.serve_forever, name="webhook-receiver", daemon=True).start()
RECEIVER_URL = f"http://127.0.0.1:{receiver.server_address[1]}/ascend/events"


def ascend_dev(*args: str) -> str:
    """Run the reviewer CLI (`ascend-dev ...`) against the dev server; the admin token comes from the environment."""
    cmd = [DEV_BIN, *args, "--url", DEV_URL]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"`ascend-dev {' '.join(args)}` failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout.strip()


# ===================================================================================================================
print(f"ASCEND dev server: {API_URL}")

section("1. Submit an Action")
# --- guide ---
client = AscendClient(
    api_key=API_KEY,
    api_url=API_URL,
    agent_id="finance-bot",
    agent_name="Finance Bot",
    fail_mode=FailMode.CLOSED,
)

result = client.evaluate_action(
    action_type="database_write",
    resource="customer_financial_records",
    resource_id="acct-12345",
    context={
        "environment": "production",
        "data_sensitivity": "high_sensitivity",
        "business_justification": "Customer requested account update",
    },
    wait_for_decision=False,
)

print(f"Decision: {result.decision}")
print(f"Risk Score: {result.risk_score}/100")
print(f"CVSS Score: {result.cvss_score}")
print(f"MITRE Tactic: {result.mitre_tactic}")
print(f"NIST Control: {result.nist_control}")
# --- end guide ---
expect(result.decision == Decision.PENDING, "a high-risk database write waits for a human (PENDING)")
expect(result.risk_score is not None and result.cvss_score is not None and result.mitre_tactic is not None
       and result.nist_control is not None, "scored with CVSS v3.1, MITRE ATT&CK and NIST")


section("2-3. Handle Each Decision (a human reviews the pending action)")
REVIEWER_OUTPUT: List[str] = []


def human_reviewer(action_id: str) -> None:
    """A scripted human: looks at the queue, then approves with `ascend-dev approve ID --comment ...`."""
    time.sleep(1.0)
    try:
        REVIEWER_OUTPUT.append(ascend_dev("list", "--status", "pending"))
        REVIEWER_OUTPUT.append(ascend_dev("approve", action_id, "--comment", "Verified with the customer by phone"))
    except Exception as exc:  # reported by the main thread
        REVIEWER_OUTPUT.append(f"reviewer failed: {exc}")


reviewer = None
if result.decision == Decision.PENDING and result.action_id:
    reviewer = threading.Thread(target=human_reviewer, args=(result.action_id,), name="human-reviewer")
    reviewer.start()
    note(f"a human reviewer will run `ascend-dev approve {result.action_id} --comment ...` in a moment")

started = time.monotonic()
final = None
# --- guide ---
if result.decision == Decision.ALLOWED:
    # Proceed immediately
    execute_database_write()
elif result.decision == Decision.PENDING:
    # Wait for human approval
    print(f"Queued for review. Action ID: {result.action_id}")
    final = client.wait_for_decision(
        action_id=result.action_id,
        timeout=300,
        poll_interval=5.0,
    )
    if final.decision == Decision.ALLOWED:
        execute_database_write()
    else:
        print(f"Not approved: {final.reason}")
elif result.decision == Decision.DENIED:
    # Blocked — do not proceed
    print(f"Action denied: {result.reason}")
    log_denial(result.action_id, result.reason)
# --- end guide ---
if reviewer is not None:
    reviewer.join(timeout=60)
for out in REVIEWER_OUTPUT:
    for line in out.splitlines():
        note(f"[reviewer] {line}")
if final is not None:
    note(f"wait_for_decision returned after {time.monotonic() - started:.1f} s: {final.decision} ({final.reason})")
expect(final is not None and final.decision == Decision.ALLOWED, "approved by the human through the CLI -> ALLOWED")
expect(EXECUTED == ["database_write"], "the database write ran once, after the approval")


section("4. Check Action Status")
# --- guide ---
status = client.get_action_status(
    action_id=result.action_id,
)
print(f"Current decision: {status.decision}")
# --- end guide ---
expect(status.decision == Decision.ALLOWED, "the status endpoint agrees: ALLOWED")


section("5. MCP Server Governance")
# Auto-approved tools skip the thresholds, so only the admin may register them (an agent's API key gets 403):
# the operator does it with the admin CLI. The read-only market-data tool needs no human.
registered = ascend_dev("mcp", "add", "bloomberg-mcp", "--display-name", "Bloomberg market data",
                        "--auto-approve", "market_data")
note(f"registered MCP server bloomberg-mcp (extra demo step, by the operator): {registered}")
# --- guide ---
result = client.evaluate_action(
    action_type="tool_call",
    resource="market_data",
    mcp_server_name="bloomberg-mcp",
    wait_for_decision=False,
)
print(result.mcp_governance["server_registered"])
# --- end guide ---
note(f"decision: {result.decision}, risk {result.risk_score}")
expect((result.mcp_governance or {}).get("server_registered") is True, "a registered MCP server passes Layer 13")
expect(result.decision == Decision.ALLOWED, "the market-data tool call is ALLOWED (an auto-approved tool)")

# "Unregistered or deactivated MCP servers are denied with HTTP 403."
shadow = client.evaluate_action(
    action_type="tool_call",
    resource="market_data",
    mcp_server_name="shadow-mcp",
    wait_for_decision=False,
)
note(f"unregistered shadow-mcp: {shadow.decision} ({shadow.reason})")
expect(shadow.decision == Decision.DENIED, "an unregistered MCP server is refused (HTTP 403 -> DENIED)")


section("6. Model Registry Enforcement")
note(ascend_dev("models", "add", "llama-3-fine-tuned", "--status", "approved", "--name", "Llama 3 (fine-tuned)"))
# --- guide ---
result = client.evaluate_action(
    action_type="model_inference",
    resource="underwriting_pipeline",
    model_id="llama-3-fine-tuned",
    wait_for_decision=False,
)
governance = result.model_governance
print(governance["compliance_status"])
# approved | partially_approved | denied
# --- end guide ---
note(f"decision: {result.decision}, risk {result.risk_score}")
expect((governance or {}).get("compliance_status") == "approved", "the registered model is compliant")


section("7. Error Handling")
# --- guide (imports as written; the governed call is a low-risk read, so it is decided at once) ---
from ascend.exceptions import (  # noqa: E402
    AuthenticationError,
    ConnectionError,
    RateLimitError,
    TimeoutError,
    ValidationError,
)

action_id = None
try:
    result = client.evaluate_action(
        action_type="query",
        resource="customer_db",
    )
    action_id = result.action_id
    print(f"Decision: {result.decision} (risk {result.risk_score})")
except AuthenticationError:
    # Invalid or expired API key
    raise
except ConnectionError:
    # ASCEND unreachable — fail_mode applies
    raise
except RateLimitError:
    # Back off and retry
    time.sleep(60)
except TimeoutError:
    # Decision not reached within timeout
    log_timeout(action_id)
except ValidationError as e:
    # Invalid request parameters
    print(f"Fix request: {e}")
# --- end guide ---
expect(result.decision == Decision.ALLOWED, "a low-risk query is ALLOWED at once")

wrong_key = AscendClient(api_key="owkai_not_a_real_key", api_url=API_URL, agent_id="finance-bot",
                         fail_mode=FailMode.CLOSED, max_retries=0)
try:
    wrong_key.evaluate_action(action_type="query", resource="customer_db", wait_for_decision=False)
    expect(False, "a wrong API key raises AuthenticationError")
except AuthenticationError as e:
    note(f"wrong API key -> AuthenticationError: {e}")
    expect(True, "a wrong API key raises AuthenticationError (never a silent allow)")
finally:
    wrong_key.close()


section("8. Webhook Configuration")
# --- guide (the receiver is this script's loopback server; http is allowed only for loopback) ---
webhook = client.configure_webhook(
    url=RECEIVER_URL,
    events=["action.pending", "action.approved", "action.denied", "agent.blocked"],
    secret=WEBHOOK_SECRET,
)
print(f"Webhook ID: {webhook.webhook_id}")
# --- end guide ---
expect(bool(webhook.webhook_id), "webhook configured")

note("a critical change during a SOX change freeze; the server denies scores >= 98 (--deny-at 98):")
result = client.evaluate_action(
    action_type="system_operation",
    resource="production_cluster",
    description="Restart the production payment cluster",
    context={"environment": "production"},
    risk_indicators={"compliance_flags": ["SOX change freeze"]},
    wait_for_decision=False,
)
# The guide's DENIED branch.
if result.decision == Decision.DENIED:
    # Blocked — do not proceed
    print(f"Action denied: {result.reason}")
    log_denial(result.action_id, result.reason)
note(f"risk {result.risk_score}")
expect(result.decision == Decision.DENIED and result.risk_score is not None and result.risk_score >= 98,
       "the critical system operation is DENIED by policy (score >= 98)")

note(f"waiting for the action.denied delivery at {RECEIVER_URL}")
verified: Optional[Dict[str, Any]] = None
deadline = time.monotonic() + 20
while verified is None and time.monotonic() < deadline:
    try:
        raw_body, headers = DELIVERIES.get(timeout=max(0.1, deadline - time.monotonic()))
    except queue.Empty:
        break
    event = webhooks.verify(raw_body, headers, WEBHOOK_SECRET)
    note(f"received {len(raw_body)} bytes, signature verified: event {event.get('type')} "
         f"(webhook-id {headers.get('webhook-id') or headers.get('Webhook-Id')})")
    data = event.get("data") or {}
    if event.get("type") == "action.denied" and str(data.get("id", data.get("action_id"))) == result.action_id:
        verified = event
expect(verified is not None, "the action.denied webhook arrived and its signature verified")
if verified is not None:
    try:
        webhooks.verify(raw_body + b" ", headers, WEBHOOK_SECRET)
        expect(False, "a tampered delivery is rejected")
    except WebhookVerificationError as e:
        expect(True, f"the same delivery with one byte added is rejected ({e.code})")

client.close()
receiver.shutdown()

print()
if FAILURES:
    print(f"DEMO FAILED: {len(FAILURES)} expected outcome(s) did not happen:")
    for f in FAILURES:
        print(f"  - {f}")
    sys.exit(1)
print("DEMO OK: ALLOWED, PENDING -> approved by a human, DENIED, MCP and model governance, verified webhook.")
