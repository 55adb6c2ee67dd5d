"""Concurrent ``evaluate_action`` throughput: ``AsyncAscendClient`` with 64 calls in flight against the sync
``AscendClient`` shared by 8 threads, both ours, against the fixed-response server. Driven by ``bench/python/run.sh``.

Each mode runs in its own fresh worker process (``--worker``) per round, rounds alternate between the modes, and
each round times ``--calls`` calls after a warm-up. Target (issue 14 item 8): async at 64 in flight reaches at least
the throughput of 8 threads. Standard library only.

    python bench_concurrency.py --server <fixed_server> --ours-python .venv/bin/python [--calls 4000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Dict, List

TARGET_ASYNC_OVER_THREADS = 1.0
KEY = "owkai_bench_0123456789"


def cpu_seconds() -> float:
    """CPU time of this process, all threads (user + system)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def worker(mode: str, url: str, calls: int, width: int) -> None:
    """Runs ``calls`` governed calls with ``width`` in flight; prints ``{"seconds": s, "cpu": s}``."""
    if mode == "async":
        import asyncio

        from ascend import AsyncAscendClient

        async def run(n: int) -> float:
            client = AsyncAscendClient(api_key=KEY, api_url=url, agent_id="bench-agent", max_retries=0)
            remaining = [n]

            async def lane() -> None:
                while remaining[0] > 0:
                    remaining[0] -= 1
                    d = await client.evaluate_action("query", "db", wait_for_decision=False)
                    if d.risk_score != 35.0:
                        raise SystemExit(f"unexpected decision {d!r}")

            await asyncio.gather(*(lane() for _ in range(width)))  # warm-up: connections opened
            remaining[0] = n
            cpu[0] = cpu_seconds()
            t = time.perf_counter()
            await asyncio.gather(*(lane() for _ in range(width)))
            elapsed = time.perf_counter() - t
            cpu[0] = cpu_seconds() - cpu[0]
            await client.close()
            return elapsed

        cpu = [0.0]
        seconds = asyncio.run(run(calls))
    else:
        import threading

        from ascend import AscendClient

        client = AscendClient(api_key=KEY, api_url=url, agent_id="bench-agent", max_retries=0)
        lock = threading.Lock()
        remaining = [0]

        def lane() -> None:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                d = client.evaluate_action("query", "db", wait_for_decision=False)
                if d.risk_score != 35.0:
                    raise SystemExit(f"unexpected decision {d!r}")

        def run(n: int) -> float:
            remaining[0] = n
            threads = [threading.Thread(target=lane) for _ in range(width)]
            cpu[0] = cpu_seconds()
            t = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            elapsed = time.perf_counter() - t
            cpu[0] = cpu_seconds() - cpu[0]
            return elapsed

        cpu = [0.0]
        run(max(width * 20, calls // 10))  # warm-up: every thread's lane and connection
        seconds = run(calls)
        client.close()
    print(json.dumps({"seconds": seconds, "cpu": cpu[0]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--server", help="fixed_server binary")
    ap.add_argument("--ours-python", default=sys.executable)
    ap.add_argument("--calls", type=int, default=4000, help="timed calls per round and mode")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--async-width", type=int, default=64)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--worker", nargs=4, metavar=("MODE", "URL", "CALLS", "WIDTH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        mode, url, calls, width = args.worker
        worker(mode, url, int(calls), int(width))
        return
    if not args.server:
        ap.error("--server is required")

    server = subprocess.Popen([args.server, "serve"], stdout=subprocess.PIPE, text=True)
    rates: Dict[str, List[float]] = {"async": [], "threads": []}
    cpu_us: Dict[str, List[float]] = {"async": [], "threads": []}
    try:
        line = server.stdout.readline().strip() if server.stdout else ""
        url = line.rsplit(" ", 1)[-1]
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"fixed server did not start: {line!r}")
        modes = [("async", args.async_width), ("threads", args.threads)]
        for r in range(args.rounds):
            for mode, width in (modes if r % 2 == 0 else modes[::-1]):
                out = subprocess.run([args.ours_python, os.path.abspath(__file__), "--worker", mode, url,
                                      str(args.calls), str(width)], check=True, capture_output=True, text=True,
                                     timeout=600)
                result = json.loads(out.stdout)
                rates[mode].append(args.calls / result["seconds"])
                cpu_us[mode].append(1e6 * result["cpu"] / args.calls)
    finally:
        server.kill()
        server.wait()

    a, t = statistics.median(rates["async"]), statistics.median(rates["threads"])
    print(f"\nconcurrent evaluate_action throughput ({args.rounds} alternating rounds x {args.calls} calls, "
          f"{os.cpu_count()} CPUs, load avg {os.getloadavg()[0]:.2f})")
    print(f"  AsyncAscendClient, {args.async_width} in flight: median {a:8.0f} calls/s   "
          f"(rounds {min(rates['async']):.0f}-{max(rates['async']):.0f}), "
          f"CPU {statistics.median(cpu_us['async']):.1f} µs/call")
    print(f"  AscendClient, {args.threads} threads:          median {t:8.0f} calls/s   "
          f"(rounds {min(rates['threads']):.0f}-{max(rates['threads']):.0f}), "
          f"CPU {statistics.median(cpu_us['threads']):.1f} µs/call")
    ratio = a / t
    print(f"async / threads: {ratio:.2f}   (target >= {TARGET_ASYNC_OVER_THREADS:g})")
    print("target:", "met" if ratio >= TARGET_ASYNC_OVER_THREADS else "NOT met")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"async_calls_per_s": rates["async"], "threads_calls_per_s": rates["threads"],
                       "async_cpu_us_per_call": cpu_us["async"], "threads_cpu_us_per_call": cpu_us["threads"],
                       "ratio": ratio}, f, indent=2)


if __name__ == "__main__":
    main()
