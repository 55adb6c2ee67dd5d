"""Issue 14 item 3: per-call options (``with_options``, ``request_options=``), kill-switch polling from the
constructor, and the optional OpenTelemetry spans (checked with the SDK's in-memory exporter; ``make python``
installs ``opentelemetry-api`` and ``opentelemetry-sdk`` into the test venv)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from conftest import requires_native

pytestmark = requires_native

KEY = "test-api-key-0001"
SUBMIT = {"method": "POST", "path": "/api/v1/actions/submit"}
KILL = {"method": "GET", "path": "/api/sdk/kill-switch/status"}
APPROVED = {"status": 200, "body": {"id": 41, "status": "approved", "risk_score": 35.0, "risk_level": "low"}}


def make(mock: Any, tmp_path: Path, cls: Any = None, **kwargs: Any) -> Any:
    from ascend import AscendClient

    args: Dict[str, Any] = {"api_key": KEY, "agent_id": "opts-agent", "api_url": mock.url,
                            "audit_spool_path": str(tmp_path / "spool.jsonl"), **kwargs}
    return (cls or AscendClient)(**args)


def closed_port() -> int:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


# -- per-call options -----------------------------------------------------------------------------------------------

def test_with_options_timeout_applies_to_the_view_only(mock: Any, tmp_path: Path) -> None:
    from ascend import TimeoutError

    mock.script([{"match": SUBMIT, "respond": {**APPROVED, "delay_ms": 700}, "times": 2}])
    client = make(mock, tmp_path, timeout=5, max_retries=0)
    fast = client.with_options(timeout=0.2)
    assert (fast.timeout, client.timeout) == (0.2, 5)
    assert type(fast) is type(client) and fast.agent_id == client.agent_id
    with pytest.raises(TimeoutError) as info:
        fast.evaluate_action(action_type="query", resource="db", wait_for_decision=False)
    assert info.value.details["timeout_seconds"] == pytest.approx(0.2)
    assert client.evaluate_action(action_type="query", resource="db", wait_for_decision=False).action_id == "41"
    # One breaker for both: the view's failure is the client's.
    assert client._circuit_breaker is not None and fast._circuit_breaker is not None
    assert fast._circuit_breaker._inner is client._circuit_breaker._inner or \
        fast._circuit_breaker.failures == client._circuit_breaker.failures
    fast.close()  # a view's close leaves the shared client open
    assert not client.is_blocked()
    mock.script([{"match": SUBMIT, "respond": APPROVED}])
    assert client.evaluate_action(action_type="query", resource="db", wait_for_decision=False).action_id == "41"
    client.close()


def test_request_options_max_retries_for_one_call(mock: Any, tmp_path: Path) -> None:
    from ascend import ServerError

    mock.script([{"match": SUBMIT, "respond": {"status": 503, "body": {}}, "times": 2}, {"match": SUBMIT,
                                                                                         "respond": APPROVED}])
    client = make(mock, tmp_path, max_retries=2, enable_circuit_breaker=False)
    with pytest.raises(ServerError):
        client.evaluate_action(action_type="query", resource="db", wait_for_decision=False,
                               request_options={"max_retries": 0})
    assert len(mock.requests()[0]) == 1
    # Without options the same client retries as configured (503, then approved).
    assert client.evaluate_action(action_type="query", resource="db", wait_for_decision=False).action_id == "41"
    assert len(mock.requests()[0]) == 3
    client.close()


def test_extra_headers_go_on_the_request_and_reserved_ones_are_refused(mock: Any, tmp_path: Path) -> None:
    from ascend import ValidationError

    mock.script([{"match": {"method": "GET", "path": "/api/v1/actions/41/status"}, "respond": APPROVED}])
    client = make(mock, tmp_path)
    client.with_options(headers={"X-Tenant": "blue"}).get_action_status("41")
    headers = mock.requests()[0][0]["headers"]
    assert headers["x-tenant"] == "blue" and headers["x-api-key"] == KEY
    for bad in ({"headers": {"X-API-Key": "other"}}, {"max_retries": -1}, {"timeout": 0}, {"timeout": "5"}):
        with pytest.raises(ValidationError) as info:
            client.with_options(**bad)  # type: ignore[arg-type]
        assert any(f.startswith("request_options.") for f in info.value.details["field_errors"]), info.value.details
        assert "other" not in str(info.value)
    assert len(mock.requests()[0]) == 1
    client.close()


def test_async_client_views_and_request_options(mock: Any, tmp_path: Path) -> None:
    from ascend import AsyncAscendClient, TimeoutError

    mock.script([{"match": SUBMIT, "respond": {**APPROVED, "delay_ms": 700}, "times": 2}])

    async def main() -> Tuple[str, str]:
        client = make(mock, tmp_path, cls=AsyncAscendClient, timeout=5, max_retries=0)
        with pytest.raises(TimeoutError):
            await client.with_options(timeout=0.2).evaluate_action(action_type="q", resource="db",
                                                                    wait_for_decision=False)
        d = await client.evaluate_action(action_type="q", resource="db", wait_for_decision=False,
                                         request_options={"headers": {"x-tenant": "green"}})
        await client.close()
        return d.action_id, mock.requests()[0][1]["headers"].get("x-tenant", "")

    assert asyncio.run(main()) == ("41", "green")


# -- kill-switch polling from the constructor -----------------------------------------------------------------------

def test_kill_switch_interval_starts_polling_at_construction(mock: Any, tmp_path: Path) -> None:
    from ascend import ConfigurationError, KillSwitchError

    mock.script([{"match": KILL, "respond": {"status": 200, "body": {"blocked": True, "reason": "incident"}},
                  "repeat": True}])
    quiet = make(mock, tmp_path)
    client = make(mock, tmp_path, kill_switch_interval=0.05)
    deadline = time.monotonic() + 5
    while not client.is_blocked() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.is_blocked()
    with pytest.raises(KillSwitchError):
        client.evaluate_action(action_type="query", resource="db")
    client.close()
    # A client without the option never polls on its own.
    assert not quiet.is_blocked()
    quiet.close()
    with pytest.raises(ConfigurationError):
        make(mock, tmp_path, kill_switch_interval=0)


# -- OpenTelemetry --------------------------------------------------------------------------------------------------

def test_import_ascend_and_a_governed_call_do_not_import_opentelemetry(tmp_path: Path) -> None:
    pytest.importorskip("opentelemetry.trace", reason="the point is that it is installed but not imported")
    script = (
        "import sys\n"
        "import ascend\n"
        "from ascend import AscendClient, FailMode\n"
        f"c = AscendClient(api_key='k-0001', agent_id='a', api_url='http://127.0.0.1:{closed_port()}', "
        f"fail_mode=FailMode.OPEN, max_retries=0, audit_spool_path={str(tmp_path / 's.jsonl')!r})\n"
        "d = c.evaluate_action(action_type='query', resource='db')\n"
        "assert d.metadata.get('fail_mode') == 'open', d.metadata\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASCEND_", "OWKAI_", "OTEL_"))}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


PROVIDER: List[Any] = []


@pytest.fixture(scope="module")
def spans() -> Iterator[Any]:
    """An in-memory exporter behind a tracer provider that the SDK's tracer uses for this module's tests. (Not the
    global provider, which can be set only once per process: later tests must not get spans or headers.)"""
    pytest.importorskip("opentelemetry.sdk.trace", reason="opentelemetry-sdk is a test dependency (make python)")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from ascend import _otel

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    PROVIDER[:] = [provider]
    _otel._tracer = provider.get_tracer("ascend")
    yield exporter
    _otel._tracer = None
    PROVIDER.clear()


def finished(exporter: Any, name: str) -> List[Any]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def traceparent_of(span: Any) -> str:
    ctx = span.get_span_context()
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def test_a_governed_call_is_a_span_and_its_traceparent_goes_on_the_request(spans: Any, mock: Any,
                                                                          tmp_path: Path) -> None:
    from opentelemetry.trace import SpanKind, StatusCode

    spans.clear()
    mock.script([{"match": SUBMIT, "respond": APPROVED}])
    client = make(mock, tmp_path)
    with PROVIDER[0].get_tracer("agent").start_as_current_span("agent-step") as parent:
        d = client.evaluate_action(action_type="database_write", resource="customer_db", wait_for_decision=False)
    client.close()
    (span,) = finished(spans, "ascend.evaluate_action")
    assert span.kind is SpanKind.CLIENT and span.status.status_code is not StatusCode.ERROR
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id
    assert dict(span.attributes) == {"ascend.action.type": "database_write", "ascend.decision": "allowed",
                                     "ascend.risk_score": 35.0, "ascend.action.id": "41",
                                     "ascend.fail_mode.outcome": "server"}
    assert d.action_id == "41"
    (request,) = mock.requests()[0]
    assert request["headers"]["traceparent"] == traceparent_of(span)


def test_fail_mode_outcomes_and_errors_on_spans(spans: Any, tmp_path: Path) -> None:
    from opentelemetry.trace import StatusCode

    from ascend import AscendClient, ConnectionError, FailMode

    spans.clear()
    url = f"http://127.0.0.1:{closed_port()}"
    common: Dict[str, Any] = {"api_key": KEY, "agent_id": "a", "api_url": url, "max_retries": 0,
                              "enable_circuit_breaker": False, "audit_spool_path": str(tmp_path / "s.jsonl")}
    opened = AscendClient(fail_mode=FailMode.OPEN, **common)
    assert opened.evaluate_action(action_type="query", resource="db").metadata["fail_mode"] == "open"
    closed = AscendClient(fail_mode=FailMode.CLOSED, **common)
    with pytest.raises(ConnectionError):
        closed.evaluate_mcp_action(mcp_server="fs", namespace="files", verb="read", resource="/etc/hosts")
    ok, failed = finished(spans, "ascend.evaluate_action"), finished(spans, "ascend.evaluate_mcp_action")
    assert ok[0].attributes["ascend.fail_mode.outcome"] == "open"
    assert ok[0].attributes["ascend.decision"] == "allowed"
    assert failed[0].status.status_code is StatusCode.ERROR
    assert failed[0].attributes["ascend.fail_mode.outcome"] == "raised"
    assert failed[0].attributes["ascend.error.code"] == "CONNECTION_ERROR"
    assert failed[0].attributes["ascend.action.type"] == "read"
    opened.close()
    closed.close()


def test_async_governed_calls_are_spans_too(spans: Any, mock: Any, tmp_path: Path) -> None:
    from ascend import AsyncAscendClient

    spans.clear()
    mock.script([{"match": SUBMIT, "respond": APPROVED}])

    async def main() -> None:
        client = make(mock, tmp_path, cls=AsyncAscendClient)
        await client.evaluate_action(action_type="query", resource="db", wait_for_decision=False,
                                     request_options={"headers": {"x-tenant": "t"}})
        await client.close()

    asyncio.run(main())
    (span,) = finished(spans, "ascend.evaluate_action")
    assert span.attributes["ascend.action.id"] == "41"
    headers = mock.requests()[0][0]["headers"]
    assert headers["traceparent"] == traceparent_of(span) and headers["x-tenant"] == "t"


def test_ungoverned_calls_are_not_spans(spans: Any, mock: Any, tmp_path: Path) -> None:
    spans.clear()
    mock.script([{"match": KILL, "respond": {"status": 200, "body": {"blocked": False}}}])
    client = make(mock, tmp_path)
    client._poll_kill_switch()
    client.close()
    assert spans.get_finished_spans() == ()
    assert "traceparent" not in mock.requests()[0][0]["headers"]
