#!/usr/bin/env python3
"""Every seed-level call of PROTOCOL §11.8 through the unmodified public peer SDK (ascend-ai-sdk 2.7.1)
against a running ascend-dev.

Environment: ASCEND_DEV_URL, ASCEND_API_KEY, ASCEND_DEV_ADMIN_TOKEN; optional ASCEND_DEV_BIN (the ascend-dev
binary, used for the scripted human approval through the CLI). Exit status 0 only if every check passed.
"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import requests  # installed with the peer

import ascend
from ascend import AscendClient, Decision, FailMode
from ascend.exceptions import (  # noqa: F401  (the seed's import line must work)
    AuthenticationError,
    ConnectionError,
    RateLimitError,
    TimeoutError,
    ValidationError,
)
from ascend.models import AgentAction

URL = os.environ["ASCEND_DEV_URL"]
KEY = os.environ["ASCEND_API_KEY"]
ADMIN = os.environ["ASCEND_DEV_ADMIN_TOKEN"]
BIN = os.environ.get("ASCEND_DEV_BIN")

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def admin(method, path, body=None):
    req = urllib.request.Request(URL + path, method=method, headers={"X-Admin-Token": ADMIN, "Content-Type": "application/json"},
                                 data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def approve(action_id, comment=None):
    if BIN:
        args = [BIN, "approve", str(action_id), "--url", URL, "--admin-token", ADMIN]
        if comment:
            args += ["--comment", comment]
        subprocess.run(args, check=True, capture_output=True)
    else:
        admin("POST", f"/api/admin/actions/{action_id}/approve", {"comment": comment})


def deny(action_id, reason):
    if BIN:
        subprocess.run([BIN, "deny", str(action_id), "--reason", reason, "--url", URL, "--admin-token", ADMIN], check=True, capture_output=True)
    else:
        admin("POST", f"/api/admin/actions/{action_id}/deny", {"reason": reason})


check(ascend.__version__ == "2.7.1", f"peer version is 2.7.1 ({ascend.__version__}) from {ascend.__file__}")

# Guide 1, step 1: construction and a governed action (the seed's example, high risk).
client = AscendClient(api_key=KEY, api_url=URL, agent_id="finance-bot", agent_name="Finance Bot", fail_mode=FailMode.CLOSED)
result = client.evaluate_action(
    action_type="database_write",
    resource="customer_financial_records",
    resource_id="acct-12345",
    context={"environment": "production", "data_sensitivity": "high_sensitivity",
             "business_justification": "Customer requested account update"},
    wait_for_decision=False,
)
print(f"  Decision: {result.decision}  Risk Score: {result.risk_score}/100  CVSS Score: {result.cvss_score}  "
      f"MITRE Tactic: {result.mitre_tactic}  NIST Control: {result.nist_control}  Action ID: {result.action_id}")
check(result.decision == Decision.PENDING, "database_write is PENDING by default")
check(isinstance(result.risk_score, float) and result.risk_score >= 70, "risk_score >= 70")
check(result.cvss_score is not None, "cvss_score present")
check(hasattr(result, "mitre_tactic") and hasattr(result, "nist_control"), "mitre_tactic / nist_control attributes")
check(result.action_id.isdigit(), "action_id is the server's id")

# Low risk → ALLOWED, with a reason.
low = client.evaluate_action(action_type="query", resource="customer_profiles", wait_for_decision=False)
check(low.decision == Decision.ALLOWED, "query is ALLOWED")
check(low.execution_allowed is True, "execution_allowed on ALLOWED")
check(bool(low.reason), "ALLOWED carries a reason")

# Step 3: PENDING → human approval (CLI) → wait_for_decision (the guide's poll_interval=5.0).
threading.Timer(1.0, approve, args=(result.action_id, "verified by the account owner")).start()
final = client.wait_for_decision(action_id=result.action_id, timeout=300, poll_interval=5.0)
check(final.decision == Decision.ALLOWED, "wait_for_decision → ALLOWED after approval")
check(final.reason == "verified by the account owner", f"approval comment is the reason ({final.reason!r})")

# A denial: the peer reads `decision: denied` (its normalisation maps `rejected` alone to PENDING, Q7).
risky = client.evaluate_action(action_type="system_operation", resource="prod-cluster", wait_for_decision=False)
check(risky.decision == Decision.PENDING, "system_operation is PENDING")
deny(risky.action_id, "change freeze")
denied = client.wait_for_decision(action_id=risky.action_id, timeout=30, poll_interval=1.0)
check(denied.decision == Decision.DENIED, "wait_for_decision → DENIED after denial")
check(denied.reason == "change freeze", f"denial reason ({denied.reason!r})")

# Step 4: status.
status = client.get_action_status(action_id=result.action_id)
check(status.decision == Decision.ALLOWED, "get_action_status(...).decision")

# Step 5: MCP governance. Unregistered → HTTP 403 → DENIED (the detail mentions "governance violation").
mcp = client.evaluate_action(action_type="tool_call", resource="market_data", mcp_server_name="bloomberg-mcp", wait_for_decision=False)
check(mcp.decision == Decision.DENIED, "unregistered MCP server → DENIED")
check("governance" in (mcp.reason or "").lower(), f"denial reason mentions governance ({mcp.reason!r})")
reg = client.register_mcp_server("bloomberg-mcp", display_name="Bloomberg")
check(reg.get("success") is True, "register_mcp_server")
mcp = client.evaluate_action(action_type="tool_call", resource="market_data", mcp_server_name="bloomberg-mcp", wait_for_decision=False)
check(mcp.mcp_governance is not None and mcp.mcp_governance["server_registered"] is True, "mcp_governance['server_registered']")
client.deactivate_mcp_server("bloomberg-mcp", reason="rotating credentials")
mcp = client.evaluate_action(action_type="tool_call", resource="market_data", mcp_server_name="bloomberg-mcp", wait_for_decision=False)
check(mcp.decision == Decision.DENIED, "deactivated MCP server → DENIED")

# Step 6: model registry.
m = client.evaluate_action(action_type="model_inference", resource="underwriting_pipeline", model_id="llama-3-fine-tuned", wait_for_decision=False)
check(m.model_governance["compliance_status"] == "denied", "unregistered model → compliance_status denied")
admin("POST", "/api/admin/models", {"model_id": "llama-3-fine-tuned", "compliance_status": "approved"})
m = client.evaluate_action(action_type="model_inference", resource="underwriting_pipeline", model_id="llama-3-fine-tuned", wait_for_decision=False)
governance = m.model_governance
check(governance["compliance_status"] == "approved" and governance["registry_checked"] is True, "model_governance approved")

# Step 7: error handling — a wrong key is AuthenticationError.
try:
    AscendClient(api_key="wrong", api_url=URL, agent_id="x", max_retries=0).evaluate_action(action_type="query", resource="db", wait_for_decision=False)
    check(False, "wrong key raises AuthenticationError")
except AuthenticationError:
    check(True, "wrong key raises AuthenticationError")

# Step 8: webhooks. The peer requires https and rejects agent.blocked (Q18) and returns a dict (§12 #1).
webhook = client.configure_webhook(url="https://127.0.0.1:9/ascend/events",
                                   events=["action.pending", "action.approved", "action.denied"], secret="your_webhook_secret")
check(str(webhook["webhook_id"]).startswith("wh_"), f"configure_webhook → webhook_id ({webhook['webhook_id']})")
check(any(w.webhook_id == webhook["webhook_id"] for w in client.list_webhooks()), "list_webhooks")

# Guide 2: the raw API and the reference client's dict-style fields.
headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
resp = requests.post(f"{URL}/api/v1/actions/submit", headers=headers, json={
    "agent_id": "customer-service-agent-001", "agent_name": "Customer Service AI", "action_type": "query",
    "description": "Retrieve customer profile for support ticket #4521", "tool_name": "customer_database",
    "resource": "customer_profiles"})
raw = resp.json()
check(resp.status_code == 200 and isinstance(raw["id"], int), "raw submit → integer id")
check(raw["status"] == "approved" and raw["risk_score"] == 35.0 and raw["requires_approval"] is False, "raw submit fields")
check("Risk: 35.0" in raw["message"], "raw submit message")
resp = requests.post(f"{URL}/api/v1/actions/submit", headers=headers, json={
    "agent_id": "customer-service-agent-001", "action_type": "transaction", "description": "Refund", "tool_name": "payments"})
pend = resp.json()
check(pend["status"] == "pending_approval", "raw pending_approval")
deny(pend["id"], "refund limit exceeded")
st = requests.get(f"{URL}/api/v1/actions/{pend['id']}/status", headers={"Authorization": f"Bearer {KEY}"}).json()
check(st["status"] in ["approved", "rejected", "executed"] and st["status"] == "rejected", "raw status is final 'rejected'")
check(st.get("reason") == "refund limit exceeded" and st.get("decision_at"), "raw status reason and decision_at")

action = AgentAction(agent_id="customer-service-agent-001", agent_name="Customer Service AI", action_type="query",
                     resource="customer_profiles", action_details={"operation": "read", "fields": ["name", "email"]},
                     context={"ticket_id": "4521", "purpose": "support_ticket_resolution"})
sub = client.submit_action(action)
check(sub.decision == Decision.ALLOWED, "submit_action(AgentAction) → ALLOWED")

# Beyond §11.8 but in the guides: registry, heartbeat, kill switch.
check(client.register().get("success") is True, "register()")
client.heartbeat(response_time_ms=12.0)
check(client.get_agent_status().status == "healthy", "heartbeat → healthy")
client.trigger_kill_switch(1, "incident INC-1 containment")
client.start_kill_switch_polling(interval_seconds=60)
try:
    client.evaluate_action(action_type="query", resource="db", wait_for_decision=False)
    check(False, "kill switch blocks evaluate_action")
except ascend.KillSwitchError:
    check(True, "kill switch blocks evaluate_action")
# Releasing relaxes governance: the agent's API key gets 403 (issue 11 item 9); the admin token releases.
try:
    client.release_kill_switch(1, "incident INC-1 resolved")
    refused = ""
except Exception as e:  # the peer maps the 403 to one of its own exception classes
    refused = type(e).__name__
check(bool(refused), f"release_kill_switch with the API key is refused ({refused or 'it was not'})")
ks = requests.get(f"{URL}/api/sdk/kill-switch/status", headers=headers).json()
check(ks["blocked"] is True, "the refused release left the kill switch active")
rel = requests.post(f"{URL}/api/billing/kill-switch/1/release", headers={"X-Admin-Token": ADMIN},
                    json={"reason": "incident INC-1 resolved"})
check(rel.status_code == 200, f"admin releases the kill switch ({rel.status_code})")
client.start_kill_switch_polling(interval_seconds=60)  # first poll is synchronous: clears the flag
check(not client.is_blocked(), "release → the next poll unblocks")
client.stop_kill_switch_polling()

# Decision propagation: a human approves → the peer's wait_for_decision(poll_interval=2.0) returns.
lat = []
for offset in (0.5, 3.0, 5.5):
    p = client.evaluate_action(action_type="transaction", resource="ledger", wait_for_decision=False)
    done = {}

    def waiter(aid=p.action_id):
        d = client.wait_for_decision(action_id=aid, timeout=60, poll_interval=2.0)
        done["t"], done["d"] = time.monotonic(), d

    th = threading.Thread(target=waiter)
    th.start()
    time.sleep(offset)
    t0 = time.monotonic()
    approve(p.action_id)
    th.join()
    lat.append((offset, (done["t"] - t0) * 1000))
    check(done["d"].decision == Decision.ALLOWED, f"latency run at +{offset}s → ALLOWED")
for offset, ms in lat:
    print(f"peer: approved {offset:.1f}s into wait_for_decision(poll_interval=2.0) -> returned after {ms:.0f} ms")

client.close()
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
