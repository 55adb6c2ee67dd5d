"""Constants of the peer SDK (PROTOCOL §1.4). The Rust core owns the behaviour; these are documentary."""

from __future__ import annotations

from typing import Dict

from ._deprecation import lazy_aliases
from ._version import PEER_SDK_VERSION

__all__ = [
    "SDK_VERSION",
    "USER_AGENT",
    "DEFAULT_API_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_DECISION_TIMEOUT",
    "DEFAULT_KILL_SWITCH_INTERVAL",
    "DEFAULT_HEARTBEAT_INTERVAL",
    "MAX_BULK_ACTIONS",
    "DEFAULT_BULK_CONCURRENCY",
    "API_ENDPOINTS",
]

SDK_VERSION = PEER_SDK_VERSION
USER_AGENT = f"ascend-sdk/{SDK_VERSION} Python"
DEFAULT_API_URL = "https://pilot.owkai.app"
DEFAULT_TIMEOUT = 5
DEFAULT_MAX_RETRIES = 3
DEFAULT_POLL_INTERVAL = 2.0
DEFAULT_DECISION_TIMEOUT = 60
DEFAULT_KILL_SWITCH_INTERVAL = 5
DEFAULT_HEARTBEAT_INTERVAL = 60
MAX_BULK_ACTIONS = 50
DEFAULT_BULK_CONCURRENCY = 5

#: Named endpoint paths, appended to ``api_url`` (5 keys are not used by any client method).
API_ENDPOINTS: Dict[str, str] = {
    "health": "/health",
    "deployment_info": "/api/deployment-info",
    "submit_action": "/api/v1/actions/submit",
    "action_status": "/api/v1/actions/{action_id}/status",
    "action_details": "/api/v1/actions/{action_id}",
    "action_complete": "/api/agent-action/{action_id}/complete",
    "action_fail": "/api/agent-action/{action_id}/fail",
    "list_actions": "/api/agent-activity",
    "register_agent": "/api/registry/agents",
    "deregister_agent": "/api/registry/agents/{agent_id}",
    "heartbeat": "/api/agents/health/heartbeat",
    "agent_status": "/api/agents/health/{agent_id}",
    "kill_switch_status": "/api/sdk/kill-switch/status",
    "evaluate_policy": "/api/governance/policies/evaluate-realtime",
    "resource_classifications": "/api/v1/resource-classifications",
    "audit_logs": "/audit/logs",
    "check_approval": "/api/sdk/approval/{approval_request_id}",
    "webhooks_list": "/api/webhooks",
    "webhooks_configure": "/api/webhooks/configure",
    "webhooks_update": "/api/webhooks/{webhook_id}",
    "webhooks_delete": "/api/webhooks/{webhook_id}",
    "webhooks_test": "/api/webhooks/{webhook_id}/test",
    "supply_chain_components": "/api/v1/supply-chain/components",
    "agent_update": "/api/registry/agents/{agent_id}",
    "agent_commands": "/api/registry/agents/{agent_id}/commands",
    "agent_command_ack": "/api/registry/agents/{agent_id}/commands/{command_id}/ack",
    "mcp_servers": "/api/registry/mcp-servers",
    "mcp_server_detail": "/api/registry/mcp-servers/{server_name}",
    "mcp_server_activate": "/api/registry/mcp-servers/{server_name}/activate",
    "mcp_server_deactivate": "/api/registry/mcp-servers/{server_name}/deactivate",
    "mcp_scan": "/api/discovery/mcp/scan",
    "mcp_scan_results": "/api/discovery/mcp/results",
    "mcp_scan_network": "/api/authorization/mcp-discovery/scan-network",
    "mcp_health_monitor": "/api/authorization/mcp-discovery/health-monitor",
    "mcp_server_status": "/api/authorization/mcp-discovery/server-status",
    "kill_switch_trigger": "/api/billing/kill-switch/{organization_id}/trigger",
    "kill_switch_release": "/api/billing/kill-switch/{organization_id}/release",
    "topology_register": "/api/v1/orchestration/topology",
    "topology_mcp_register": "/api/v1/orchestration/topology/mcp",
    "cascade_kill": "/api/v1/orchestration/cascade-kill/{orchestrator_id}",
    "orchestration_session": "/api/v1/orchestration/sessions/{session_id}",
    "orchestration_session_risk": "/api/v1/orchestration/sessions/{session_id}/risk",
    "orchestration_stats": "/api/v1/orchestration/stats",
    "output_filter_config": "/api/v1/output-filter/config",
    "output_filter_findings": "/api/v1/output-filter/findings",
    "output_filter_findings_for_action": "/api/v1/output-filter/findings/{action_id}",
    "output_filter_scan": "/api/v1/output-filter/scan",
    "supply_chain_components_list": "/api/v1/supply-chain/components",
    "supply_chain_component": "/api/v1/supply-chain/components/{component_pk}",
    "supply_chain_agent_dependencies": "/api/v1/supply-chain/agents/{agent_pk}/dependencies",
    "supply_chain_impact": "/api/v1/supply-chain/impact/{component_pk}",
    "supply_chain_stats": "/api/v1/supply-chain/stats",
    "supply_chain_cve_sync_status": "/api/v1/supply-chain/sync/status",
    "alerts_list": "/api/alerts",
}


def _action_type() -> object:
    from .models import ActionType

    return ActionType


__getattr__ = lazy_aliases(__name__, {"ActionType": _action_type})
