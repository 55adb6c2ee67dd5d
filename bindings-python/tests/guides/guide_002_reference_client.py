# "Your First Agent Action" (shared/guides/002_ebb23441a07c7aef.txt), "Using the Reference Client", as written.
# `owkai_client` is the guide's name for the reference client; tests/test_guides.py provides it as a two-line
# module re-exporting ascend.OWKAIClient and ascend.AgentAction. The key and URL come from OWKAI_API_KEY and
# OWKAI_API_URL, as the guide's own examples read them.
from owkai_client import OWKAIClient
client = OWKAIClient()
# Submit action using AgentAction data class
from owkai_client import AgentAction
action = AgentAction(
    agent_id="customer-service-agent-001",
    agent_name="Customer Service AI",
    action_type="query",
    resource="customer_profiles",
    action_details={
        "operation": "read",
        "fields": ["name", "email", "support_tier"]
    },
    context={
        "ticket_id": "4521",
        "purpose": "support_ticket_resolution"
    }
)
result = client.submit_action(action)
print(f"Action ID: {result['id']}")
print(f"Status: {result['status']}")
print(f"Risk Score: {result['risk_score']}")
