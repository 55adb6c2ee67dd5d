"""``AsyncAscendClient`` over ``_native.CompletionQueue`` (issue 14 item 8): many calls in flight each get their own
result, errors arrive as SDK exceptions, a cancelled call is aborted in the core, and every event loop gets its own
queue."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, List

import pytest

from conftest import requires_native

pytestmark = requires_native


def make(mock: Any, tmp_path: Path, **kwargs: Any) -> Any:
    from ascend import AsyncAscendClient

    return AsyncAscendClient(api_key="test-api-key-0001", agent_id="aio-agent", api_url=mock.url, max_retries=0,
                             audit_spool_path=str(tmp_path / "s.jsonl"), **kwargs)


def test_sixty_four_calls_in_flight_each_get_their_own_result(mock: Any, tmp_path: Path) -> None:
    n = 64
    mock.script([{"match": {"method": "GET", "path": f"/api/v1/actions/{i}/status"},
                  "respond": {"status": 200, "body": {"id": i, "status": "approved" if i % 2 else "denied"},
                              "delay_ms": (i * 7) % 40}} for i in range(1, n + 1)])

    async def main() -> List[Any]:
        client = make(mock, tmp_path)
        results = await asyncio.gather(*(client.get_action_status(str(i)) for i in range(1, n + 1)))
        await client.close()
        return results

    results = asyncio.run(main())
    assert [r.action_id for r in results] == [str(i) for i in range(1, n + 1)]
    assert [r.decision.value for r in results] == ["allowed" if i % 2 else "denied" for i in range(1, n + 1)]


def test_errors_arrive_as_sdk_exceptions(mock: Any, tmp_path: Path) -> None:
    from ascend import NotFoundError, ValidationError

    mock.script([{"match": {"method": "GET", "path": "/api/v1/actions/9/status"},
                  "respond": {"status": 404, "body": {"detail": "no such action"}}}])

    async def main() -> None:
        client = make(mock, tmp_path)
        with pytest.raises(NotFoundError):
            await client.get_action_status("9")
        with pytest.raises(ValidationError) as info:
            await client.evaluate_action(action_type=5, resource="db")  # type: ignore[arg-type]
        assert "action_type must be a string" in str(info.value)
        await client.close()

    asyncio.run(main())


def test_a_cancelled_call_is_aborted_in_the_core(mock: Any, tmp_path: Path) -> None:
    from ascend import _completion

    mock.script([{"match": {"method": "GET", "path": "/api/v1/actions/5/status"},
                  "respond": {"status": 200, "body": {"id": 5, "status": "approved"}, "delay_ms": 3000}}])

    async def main() -> int:
        client = make(mock, tmp_path, timeout=10)
        task = asyncio.ensure_future(client.get_action_status("5"))
        await asyncio.sleep(0.2)
        port = _completion._PORTS[asyncio.get_running_loop()]
        assert isinstance(port, _completion._Port) and len(port.queue) == 1 and len(port.pending) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        in_flight = len(port.queue) + len(port.pending)
        await client.close()
        return in_flight

    assert asyncio.run(main()) == 0


def test_the_calls_of_one_loop_iteration_go_to_the_lane_together_after_it(mock: Any, tmp_path: Path) -> None:
    from ascend import _completion

    mock.script([{"match": {"method": "GET", "path": f"/api/v1/actions/{i}/status"},
                  "respond": {"status": 200, "body": {"id": i, "status": "approved"}}} for i in (1, 2, 3)])

    async def main() -> List[str]:
        client = make(mock, tmp_path)
        await client.get_action_status("1")  # the loop's queue exists
        port = _completion._PORTS[asyncio.get_running_loop()]
        assert isinstance(port, _completion._Port)
        tasks = [asyncio.ensure_future(client.get_action_status(i)) for i in ("2", "3")]
        await asyncio.sleep(0)  # both tasks ran their first step: their calls are submitted, not yet flushed
        assert len(port.queue) == 2 and len(port.pending) == 2
        sent_before_flush = [r["path"] for r in mock.requests()[0]]  # blocks the loop: the flush cannot run
        decisions = await asyncio.gather(*tasks)
        assert len(port.queue) + len(port.pending) == 0
        await client.close()
        assert sent_before_flush == ["/api/v1/actions/1/status"]
        return [str(d.action_id) for d in decisions]

    assert asyncio.run(main()) == ["2", "3"]


def test_each_event_loop_gets_its_own_queue(mock: Any, tmp_path: Path) -> None:
    from ascend import _completion

    mock.script([{"match": {"method": "GET", "path": "/api/v1/actions/3/status"},
                  "respond": {"status": 200, "body": {"id": 3, "status": "approved"}}, "times": 2}])
    client = make(mock, tmp_path)
    seen = []

    async def once() -> str:
        seen.append(_completion._PORTS.get(asyncio.get_running_loop()))
        d = await client.get_action_status("3")
        seen.append(_completion._PORTS.get(asyncio.get_running_loop()))
        return str(d.action_id)

    assert asyncio.run(once()) == "3" and asyncio.run(once()) == "3"
    assert seen[0] is None and seen[2] is None and seen[1] is not seen[3]
    asyncio.run(client.close())
