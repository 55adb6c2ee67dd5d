# "Your First Governed Action" (shared/guides/000_7f55efa9b7f7bbae.txt): every code block, in order, as written.
# tests/test_guides.py runs this file with one change: https://pilot.owkai.app -> the mock server's URL.
# The helpers the guide leaves to the reader (execute_database_write, log_denial, log_timeout) are defined here.


def execute_database_write():
    print("HELPER execute_database_write")


def log_denial(action_id, reason):
    print(f"HELPER log_denial {action_id} {reason}")


def log_timeout(action_id):
    print(f"HELPER log_timeout {action_id}")


# 1. Submit an Action
from ascend import AscendClient, FailMode, Decision
client = AscendClient(
    api_key="owkai_your_key_here",
    api_url="https://pilot.owkai.app",
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

# 3. Handle Each Decision
from ascend import Decision
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

# 4. Check Action Status
status = client.get_action_status(
    action_id=result.action_id,
)
print(f"Current decision: {status.decision}")

# 5. MCP Server Governance
result = client.evaluate_action(
    action_type="tool_call",
    resource="market_data",
    mcp_server_name="bloomberg-mcp",
    wait_for_decision=False,
)
print(result.mcp_governance["server_registered"])

# 6. Model Registry Enforcement
result = client.evaluate_action(
    action_type="model_inference",
    resource="underwriting_pipeline",
    model_id="llama-3-fine-tuned",
    wait_for_decision=False,
)
governance = result.model_governance
print(governance["compliance_status"])
# approved | partially_approved | denied

# 7. Error Handling
import time
from ascend.exceptions import (
    AuthenticationError,
    ConnectionError,
    RateLimitError,
    ValidationError,
    TimeoutError,
)
try:
    result = client.evaluate_action(
        action_type="database_write",
        resource="customer_db",
    )
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

# 8. Webhook Configuration
webhook = client.configure_webhook(
    url="https://your-system.com/ascend/events",
    events=["action.pending", "action.approved", "action.denied", "agent.blocked"],
    secret="your_webhook_secret",
)
print(f"Webhook ID: {webhook.webhook_id}")
