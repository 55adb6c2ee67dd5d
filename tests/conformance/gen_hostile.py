#!/usr/bin/env python3
"""Generates the hostile-server suite, tests/conformance/cases/hostile/*.json (DECISIONS D23, D4).

Every endpoint that yields a decision meets every hostile reply in fail modes CLOSED, OPEN and LOCAL. The rule
under test: a reply yields ALLOWED only when it is a clear, well-typed approval for the action asked about. A 2xx
reply with no usable verdict is a SERVER_ERROR (a server answer, so no fail mode turns it into an allow); verdict
fields that disagree give DENIED; an unknown status is never ALLOWED; a status reply about another action is a
SERVER_ERROR. Transport faults (reset, truncated connection, no reply within the timeout) are unreachability:
CLOSED raises, OPEN and LOCAL decide explicitly and say so (`metadata.fail_mode`, D4/D17) on a submit, and a
decision wait raises in every mode. Two controls (a clear approval, a slow but complete approval) show the same
paths still allow.

Usage: python3 tests/conformance/gen_hostile.py [--check]
--check exits 1 when the committed cases differ from what this script generates (build_index.py --check runs it).
"""
import json
import pathlib
import sys
from typing import Any, Dict, List, Optional, Tuple

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT / "cases" / "hostile"

SUBMIT = "/api/v1/actions/submit"
MCP = "/api/v1/mcp/actions/submit"
STATUS = "/api/v1/actions/5/status"
PENDING = {"id": 5, "status": "pending_approval", "risk_score": 80.0}

MALFORMED = {"code": "SERVER_ERROR", "class": "ServerError", "details": {"malformed_response": True}}

# (name, what it is, respond) for replies with no usable verdict: SERVER_ERROR everywhere, status code kept.
NO_VERDICT: List[Tuple[str, str, Dict[str, Any]]] = [
    ("empty-body", "an empty 200 body", {"status": 200, "body_raw": ""}),
    ("status-204", "a 204 with no body", {"status": 204}),
    ("empty-object", "an empty object", {"status": 200, "body": {}}),
    ("null", "JSON null", {"status": 200, "body": None}),
    ("array", "an empty array", {"status": 200, "body": []}),
    ("array-of-approval", "an array holding an approval", {"status": 200, "body": [{"id": 5, "status": "approved"}]}),
    ("true", "JSON true", {"status": 200, "body": True}),
    ("bare-string", "a bare JSON string", {"status": 200, "body": "approved"}),
    ("number", "a bare number", {"status": 200, "body": 1}),
    ("error-object", "an {\"error\": ...} object", {"status": 200, "body": {"error": "internal failure"}}),
    ("error-next-to-approval", "an error next to an approval",
     {"status": 200, "body": {"id": 5, "status": "approved", "error": "partial failure"}}),
    ("decision-number", "a numeric decision", {"status": 200, "body": {"id": 5, "decision": 1}}),
    ("decision-bool", "a boolean decision", {"status": 200, "body": {"id": 5, "decision": True}}),
    ("status-list", "a status wrapped in a list", {"status": 200, "body": {"id": 5, "status": ["approved"]}}),
    ("status-object", "a status wrapped in an object",
     {"status": 200, "body": {"id": 5, "status": {"value": "approved"}}}),
    ("wrong-type-next-to-approval", "a numeric decision next to an approved status",
     {"status": 200, "body": {"id": 5, "decision": 1, "status": "approved"}}),
    ("all-null", "every field null",
     {"status": 200, "body": {"id": None, "decision": None, "status": None, "risk_score": None}}),
    ("blank-strings", "empty and blank verdict strings", {"status": 200, "body": {"id": 5, "decision": "", "status": "  "}}),
    ("success-only", "only success: true (the peer's MCP reading allows this)",
     {"status": 200, "body": {"success": True, "requires_approval": False}}),
    ("execution-allowed-only", "only execution_allowed: true",
     {"status": 200, "body": {"id": 5, "execution_allowed": True, "risk_score": 1.0}}),
    ("not-json", "an HTML body", {"status": 200, "body_raw": "<html>approved</html>"}),
    ("truncated-json", "a complete response whose JSON is cut short",
     {"status": 200, "body_raw": "{\"id\": 5, \"status\": \"appro"}),
    ("huge-no-verdict", "a 256 KiB object with no verdict", {"status": 200, "fault": "huge_body", "huge_body_bytes": 262144}),
]

# (name, body): verdict fields that disagree -> DENIED, with the conflict in metadata.
CONFLICTING: List[Tuple[str, Dict[str, Any]]] = [
    ("allowed-vs-rejected", {"id": 5, "decision": "allowed", "status": "rejected"}),
    ("denied-vs-approved", {"id": 5, "decision": "denied", "status": "approved"}),
    ("approved-vs-pending", {"id": 5, "decision": "approved", "status": "pending_approval"}),
    ("allowed-vs-unknown", {"id": 5, "decision": "allowed", "status": "ok"}),
]

# (name, status): never ALLOWED (D5: PENDING with raw_status kept).
UNKNOWN: List[Tuple[str, str]] = [
    ("ok", "ok"),
    ("granted", "granted"),
    ("allow", "allow"),
    ("yes", "yes"),
    ("cyrillic-a", "\u0430pproved"),
    ("greek-omicron", "appr\u03bfved"),
    ("zero-width-space-suffix", "approved\u200b"),
    ("zero-width-joiner-inside", "appro\u200dved"),
    ("bom-prefix", "\ufeffapproved"),
    ("fullwidth", "\uff41\uff50\uff50\uff52\uff4f\uff56\uff45\uff44"),
    ("soft-hyphen", "ap\u00adproved"),
]

# Replies about another action (status and wait calls only): SERVER_ERROR.
OTHER_ID: List[Tuple[str, Dict[str, Any]]] = [
    ("other-id", {"id": 6, "status": "approved"}),
    ("other-action-id-text", {"action_id": "6", "status": "approved"}),
    ("id-with-space", {"id": "5 ", "status": "approved"}),
    ("ids-disagree", {"id": 5, "action_id": 6, "status": "approved"}),
]

HUGE_CAPPED = {"status": 200, "fault": "huge_body", "huge_body_bytes": 9 * 1024 * 1024}

# Transport faults: unreachability (D4).
FAULTS: List[Tuple[str, str, Dict[str, Any]]] = [
    ("reset", "the connection is reset", {"fault": "reset"}),
    ("truncated-connection", "the connection closes mid-body",
     {"status": 200, "body": {"id": 5, "status": "approved"}, "fault": "truncate"}),
    ("slow-past-timeout", "no reply within the 0.5 s timeout",
     {"status": 200, "body": {"id": 5, "status": "approved"}, "delay_ms": 2500}),
]
FAULT_CODE = {"reset": "CONNECTION_ERROR", "truncated-connection": "CONNECTION_ERROR", "slow-past-timeout": "TIMEOUT"}
FAULT_CLASS = {"CONNECTION_ERROR": "ConnectionError", "TIMEOUT": "TimeoutError"}

APPROVAL = {"id": 5, "status": "approved", "risk_score": 10.0}
CONTROLS: List[Tuple[str, str, Dict[str, Any]]] = [
    ("control-clear-approval", "a clear approval (control: this path still allows)", {"status": 200, "body": APPROVAL}),
    ("control-padded-uppercase-approval", "an approval in capitals with surrounding spaces (D5: still clear)",
     {"status": 200, "body": {"id": 5, "status": " APPROVED ", "risk_score": 10.0}}),
    ("control-slow-complete-approval", "a clear approval whose body arrives slowly within the timeout",
     {"status": 200, "body": APPROVAL, "fault": "slow_body", "slow_body_ms": 20}),
]

MODES = ["closed", "open", "local"]

# endpoint -> call, args, the path the hostile reply answers, replies before it (`before`), whether it submits
# (fail mode applies), reads a status (`status`), waits (`wait`, with the clock's expected `sleeps`), or is a bulk item.
ENDPOINTS: Dict[str, Dict[str, Any]] = {
    "evaluate-action": {"call": "evaluate_action", "path": SUBMIT, "submit": True,
                        "args": {"action_type": "query", "resource": "db", "wait_for_decision": False}},
    "submit-action": {"call": "submit_action", "path": SUBMIT, "submit": True,
                      "args": {"action_type": "query", "resource": "db", "wait_for_decision": False}},
    "evaluate-actions-item": {"call": "evaluate_actions", "path": SUBMIT, "submit": True, "bulk": True,
                              "args": {"actions": [{"action_type": "query", "resource": "db"}]}},
    "evaluate-mcp-action": {"call": "evaluate_mcp_action", "path": MCP, "submit": True,
                            "args": {"mcp_server": "fs", "namespace": "files", "verb": "read", "resource": "/tmp/x"}},
    "get-action-status": {"call": "get_action_status", "path": STATUS, "status": True,
                          "args": {"action_id": "5"}},
    "wait-for-decision": {"call": "wait_for_decision", "path": STATUS, "status": True, "wait": True,
                          "args": {"action_id": "5", "timeout": 3, "poll_interval": 1.0}, "sleeps": [1.0, 1.0, 1.0]},
    "evaluate-action-wait": {"call": "evaluate_action", "path": STATUS, "status": True, "wait": True,
                             "before": [("POST", SUBMIT, {"status": 200, "body": PENDING})],
                             "args": {"action_type": "query", "resource": "db", "wait_for_decision": True,
                                      "timeout": 3},
                             # evaluate_action waits with the peer's 2 s poll interval.
                             "sleeps": [2.0, 1.0]},
}


def method_of(path: str) -> str:
    return "GET" if path == STATUS else "POST"


def wrap(ep: Dict[str, Any], expect: Dict[str, Any]) -> Dict[str, Any]:
    """The step expectation; a bulk item carries it inside the per-item result (D15)."""
    if not ep.get("bulk"):
        return expect
    if "error" in expect:
        item = {"succeeded": False, "decision": None, "error": expect["error"]}
        return {"result": {"total": 1, "succeeded": 0, "failed": 1, "results": [item]}}
    return {"result": {"total": 1, "succeeded": 1, "failed": 0,
                       "results": [{"succeeded": True, "error": None, "decision": expect["result"]}]}}


def case(ep_name: str, mode: str, reply: str, description: str, respond: Dict[str, Any], expect: Dict[str, Any],
         *, tags: List[str], repeat: bool = False, sleeps: Optional[List[float]] = None) -> Dict[str, Any]:
    ep = ENDPOINTS[ep_name]
    # A short attempt timeout only where the case is about it: elsewhere a loaded machine must not turn a reply
    # into a transport timeout.
    client: Dict[str, Any] = {"fail_mode": mode, "max_retries": 0, "enable_circuit_breaker": False,
                              "timeout": 0.5 if reply == "slow-past-timeout" else 5}
    server = [{"match": {"method": m, "path": p}, "respond": r} for (m, p, r) in ep.get("before", [])]
    hostile: Dict[str, Any] = {"match": {"method": method_of(ep["path"]), "path": ep["path"]}, "respond": respond}
    if repeat:
        hostile["repeat"] = True
    server.append(hostile)
    c: Dict[str, Any] = {
        "id": f"hostile-{ep_name}-{mode}-{reply}",
        "description": f"{ep['call']} ({ep_name}) in fail mode {mode.upper()}: {description}.",
        "tags": ["hostile", "decision:D23", *tags],
        "client": client,
        "server": server,
        "steps": [{"call": ep["call"], "args": ep["args"], "expect": wrap(ep, expect)}],
    }
    if sleeps is not None:
        c["expect_sleeps"] = sleeps
    return c


def cases() -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for ep_name, ep in ENDPOINTS.items():
        for mode in MODES:
            for name, what, respond in NO_VERDICT:
                error = json.loads(json.dumps(MALFORMED))
                error["status_code"] = respond["status"]
                out.append(case(ep_name, mode, name, f"{what} is no verdict: SERVER_ERROR, never an allow", respond,
                                {"error": error}, tags=["malformed"]))
            out.append(case(ep_name, mode, "huge-capped", "a 9 MiB body (over the 8 MiB cap) is a SERVER_ERROR",
                            HUGE_CAPPED, {"error": {"code": "SERVER_ERROR", "class": "ServerError",
                                                    "status_code": 200}}, tags=["huge"]))
            for name, body in CONFLICTING:
                result = {"decision": "denied", "execution_allowed": False,
                          "metadata": {"verdict_conflict": {"$any": True}}}
                out.append(case(ep_name, mode, f"conflict-{name}", "conflicting verdict fields resolve to DENIED",
                                {"status": 200, "body": body}, {"result": result}, tags=["conflict"]))
            for name, status in UNKNOWN:
                body = {"id": 5, "status": status, "risk_score": 10.0}
                desc = f"the unknown status {json.dumps(status)} is never ALLOWED"
                if ep.get("wait"):
                    # Still undecided: the wait ends in TIMEOUT (D4), never in an allow.
                    out.append(case(ep_name, mode, f"unknown-{name}", desc + " (the wait times out)",
                                    {"status": 200, "body": body},
                                    {"error": {"code": "TIMEOUT", "class": "TimeoutError"}}, tags=["unknown-status"],
                                    repeat=True, sleeps=ep["sleeps"]))
                else:
                    expect = {"result": {"decision": "pending", "execution_allowed": False, "raw_status": status}}
                    out.append(case(ep_name, mode, f"unknown-{name}", desc, {"status": 200, "body": body}, expect,
                                    tags=["unknown-status"]))
            if ep.get("status"):
                for name, body in OTHER_ID:
                    error = dict(MALFORMED, status_code=200)
                    out.append(case(ep_name, mode, name, "a status reply about another action is a SERVER_ERROR",
                                    {"status": 200, "body": body}, {"error": error}, tags=["other-action-id"]))
            for name, what, respond in FAULTS:
                code = FAULT_CODE[name]
                raised = {"error": {"code": code, "class": FAULT_CLASS[code]}}
                if ep.get("status") or mode == "closed":
                    expect = raised
                    desc = f"{what}: unreachability raises" + (" (a decision wait never fails open, D4)"
                                                                if ep.get("status") else "")
                else:
                    cond = "fail_open_mode" if mode == "open" else "fail_local_mode"
                    expect = {"result": {"conditions": [cond], "metadata": {"fail_mode": mode, "error_code": code}}}
                    desc = f"{what}: unreachability, decided explicitly by fail mode {mode.upper()} (D4/D17)"
                out.append(case(ep_name, mode, name, desc, respond, expect, tags=["transport-fault"]))
            out.append(case(ep_name, mode, "approval-with-non-boolean-execution-allowed",
                            "an approval whose execution_allowed is a string: ALLOWED, but execution_allowed false",
                            {"status": 200, "body": {"id": 5, "status": "approved", "execution_allowed": "yes"}},
                            {"result": {"decision": "allowed", "execution_allowed": False}}, tags=["wrong-type"]))
            for name, what, respond in CONTROLS:
                out.append(case(ep_name, mode, name, what, respond,
                                {"result": {"decision": "allowed", "action_id": "5"}}, tags=["control"]))
    return out


def render(c: Dict[str, Any]) -> str:
    return json.dumps(c, indent=2, ensure_ascii=False) + "\n"


def expected_files() -> Dict[str, str]:
    return {f"{c['id'][len('hostile-'):]}.json": render(c) for c in cases()}


def main() -> int:
    want = expected_files()
    have = {p.name: p.read_text() for p in OUT.glob("*.json")} if OUT.exists() else {}
    if "--check" in sys.argv[1:]:
        if want != have:
            stale = sorted(set(want) ^ set(have) | {k for k in want if k in have and want[k] != have[k]})
            print(f"tests/conformance/cases/hostile is stale ({len(stale)} files): run "
                  "python3 tests/conformance/gen_hostile.py")
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in set(have) - set(want):
        (OUT / name).unlink()
    for name, text in want.items():
        if have.get(name) != text:
            (OUT / name).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
