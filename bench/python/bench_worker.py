"""One contestant of bench_evaluate.py, in its own process (and its own venv for the peer).

    python bench_worker.py sdk <url>                 AscendClient(...).evaluate_action("query", "db", ...)
    python bench_worker.py native <url>              the extension's invoke() alone (ours only; no Python wrapper)
    python bench_worker.py httpclient <url> <file>   bare keep-alive http.client POST replaying the request in <file>

Protocol: makes one call, prints ``ready``; then for each stdin line ``N`` makes N calls and prints one JSON line of
per-call nanoseconds; exits at EOF. Standard library only (runs under both venvs).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Callable, List


def sdk_call(url: str) -> Callable[[], None]:
    from ascend import AscendClient

    client = AscendClient(api_key="owkai_bench_0123456789", api_url=url, agent_id="bench-agent", max_retries=0)
    evaluate = client.evaluate_action

    def call() -> None:
        decision = evaluate("query", "db", wait_for_decision=False)
        if decision.risk_score != 35.0:  # cheap sanity check: the answer really was parsed
            raise SystemExit(f"unexpected decision {decision!r}")

    return call


def native_call(url: str) -> Callable[[], None]:
    """The extension alone: ``_native.Client.invoke`` with the same arguments, no Python wrapper or result object."""
    from ascend import AscendClient

    client = AscendClient(api_key="owkai_bench_0123456789", api_url=url, agent_id="bench-agent", max_retries=0)
    invoke = client._native.invoke  # type: ignore[attr-defined]
    args = {"action_type": "query", "resource": "db", "wait_for_decision": False}

    def call() -> None:
        if invoke("evaluate_action", args)["risk_score"] != 35.0:
            raise SystemExit("unexpected projection")

    return call


def httpclient_call(url: str, request_file: str) -> Callable[[], None]:
    import http.client
    from urllib.parse import urlsplit

    with open(request_file, "rb") as f:
        raw = f.read()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
    headers = [(k, v) for k, v in headers if k.lower() not in ("host", "content-length")]
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)
    host = f"{parts.hostname}:{parts.port}"
    length = str(len(body))

    def call() -> None:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        for k, v in headers:
            conn.putheader(k, v)
        conn.putheader("Content-Length", length)
        conn.endheaders(body)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit(f"status {resp.status}")

    return call


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "sdk":
        call = sdk_call(url)
    elif mode == "native":
        call = native_call(url)
    else:
        call = httpclient_call(url, sys.argv[3])
    call()
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    clock = time.perf_counter_ns
    for line in sys.stdin:
        n = int(line)
        samples: List[int] = [0] * n
        for i in range(n):
            t = clock()
            call()
            samples[i] = clock() - t
        out.write(json.dumps(samples) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
