"""``evaluate_action`` round trip and ``import ascend`` time: ours (ascend-sdk-rs wheel) against the pure-Python peer
``ascend-ai-sdk`` 2.7.1, with bare keep-alive HTTP requests as the floor. Driven by ``bench/python/run.sh``.

Every contestant is a separate long-lived worker process (``bench_worker.py``, or a Rust binary speaking the same
stdin protocol) holding one keep-alive connection to the same fixed-response server. After a warm-up, the rounds are
interleaved (each round runs every contestant once, in a rotated order) so that noise from other processes on the
machine hits all of them alike. Reported per contestant: median and p90 of all timed calls, the range of the
per-round medians (spread), and CPU time per call of the worker process (all its threads; less sensitive to
contention than wall time). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

TICK = os.sysconf("SC_CLK_TCK")
# Targets of issue 14 item 8 (same run): sequential evaluate_action >= 6x faster than the peer and <= 1.5x the bare
# keep-alive floor (http.client replaying our request); `import ascend` <= 50 ms above the interpreter's start.
TARGET_PEER_OVER_OURS = 6.0
TARGET_OURS_OVER_FLOOR = 1.5
TARGET_IMPORT_MS = 50.0
SUBMIT_LINE = b"POST /api/v1/actions/submit "


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def percentile(sorted_values: List[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


@dataclass
class Contestant:
    key: str
    label: str
    argv: List[str]
    proc: Optional[subprocess.Popen] = None
    samples_us: List[float] = field(default_factory=list)
    round_medians: List[float] = field(default_factory=list)
    cpu_s: float = 0.0
    calls: int = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"{self.label}: worker failed to start ({line!r}); argv {self.argv}")

    def run(self, n: int) -> List[float]:
        assert self.proc is not None
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.label}: worker died")
        return [ns / 1000.0 for ns in json.loads(line)]

    def measured_round(self, n: int) -> None:
        before = cpu_seconds(self.proc.pid)
        samples = self.run(n)
        self.cpu_s += cpu_seconds(self.proc.pid) - before
        self.calls += n
        self.samples_us.extend(samples)
        self.round_medians.append(statistics.median(samples))

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def summary(self) -> Dict[str, float]:
        s = sorted(self.samples_us)
        return {"median_us": statistics.median(s), "p90_us": percentile(s, 0.9),
                "round_median_min_us": min(self.round_medians), "round_median_max_us": max(self.round_medians),
                "cpu_us_per_call": 1e6 * self.cpu_s / self.calls, "calls": self.calls}


def new_dump(dump_dir: str, seen: set) -> str:
    """The request file of the connection opened since the last look (a POST to the submit endpoint)."""
    for _ in range(100):
        for name in sorted(os.listdir(dump_dir), key=lambda n: int(n.split(".")[0])):
            path = os.path.join(dump_dir, name)
            if path not in seen:
                with open(path, "rb") as f:
                    if f.read(len(SUBMIT_LINE)) == SUBMIT_LINE:
                        seen.add(path)
                        return path
        time.sleep(0.05)
    raise SystemExit("no request captured from the contestant")


def time_process(argv: List[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def importtime_us(python: str, module: str) -> float:
    """Cumulative µs of ``module`` from ``python -X importtime``."""
    err = subprocess.run([python, "-X", "importtime", "-c", f"import {module}"], check=True,
                         capture_output=True, text=True).stderr
    for line in err.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return float(parts[1])
    return float("nan")


def import_bench(ours_py: str, peer_py: str, runs: int, url: str) -> Dict[str, Dict[str, float]]:
    make_client = ("from ascend import AscendClient; "
                   f"AscendClient(api_key='owkai_bench_0123456789', api_url='{url}', agent_id='bench-agent')")
    cases = {
        "python -c pass (interpreter start)": [ours_py, "-c", "pass"],
        "ours: import ascend": [ours_py, "-c", "import ascend"],
        "peer: import ascend": [peer_py, "-c", "import ascend"],
        "ours: import ascend + ascend._native": [ours_py, "-c", "import ascend, ascend._native"],
        "ours: import + AscendClient(...)": [ours_py, "-c", make_client],
        "peer: import + AscendClient(...)": [peer_py, "-c", make_client],
    }
    walls: Dict[str, List[float]] = {k: [] for k in cases}
    imptime: Dict[str, List[float]] = {"ours": [], "peer": []}
    for argv in cases.values():  # warm the page cache and .pyc files
        time_process(argv)
    for i in range(runs):
        keys = list(cases)
        keys = keys[i % len(keys):] + keys[:i % len(keys)]
        for k in keys:
            walls[k].append(time_process(cases[k]) * 1e3)
        imptime["ours"].append(importtime_us(ours_py, "ascend") / 1e3)
        imptime["peer"].append(importtime_us(peer_py, "ascend") / 1e3)
    out = {k: {"median_ms": statistics.median(v), "min_ms": min(v), "max_ms": max(v)} for k, v in walls.items()}
    for who, v in imptime.items():
        out[f"{who}: -X importtime cumulative 'ascend'"] = {"median_ms": statistics.median(v), "min_ms": min(v),
                                                           "max_ms": max(v)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--server", required=True, help="fixed_server binary")
    ap.add_argument("--floor", help="http_floor example binary (Rust floors); optional")
    ap.add_argument("--ours-python", required=True)
    ap.add_argument("--peer-python", required=True)
    ap.add_argument("--calls", type=int, default=1000, help="timed calls per contestant per round")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--warmup", type=int, default=500)
    ap.add_argument("--import-runs", type=int, default=20)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--compare-python", help="another venv's python with an ascend wheel (e.g. a baseline build), "
                    "run as one more contestant for before/after comparisons")
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    worker = os.path.join(here, "bench_worker.py")

    dump_dir = tempfile.mkdtemp(prefix="ascend-bench-")
    server = subprocess.Popen([args.server, "serve"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "FIXED_SERVER_DUMP": dump_dir})
    contestants: List[Contestant] = []
    try:
        line = server.stdout.readline().strip()
        url = line.rsplit(" ", 1)[-1]
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"fixed server did not start: {line!r}")
        hostport = url[len("http://"):]
        seen: set = set()

        ours = Contestant("ours", "ours (ascend-sdk-rs wheel)", [args.ours_python, worker, "sdk", url])
        ours.start()
        request_file = new_dump(dump_dir, seen)
        peer = Contestant("peer", "peer (ascend-ai-sdk 2.7.1)", [args.peer_python, worker, "sdk", url])
        peer.start()
        peer_request = new_dump(dump_dir, seen)
        contestants = [
            ours,
            peer,
            Contestant("floor_py", "floor: http.client keep-alive (Python)",
                       [args.ours_python, worker, "httpclient", url, request_file]),
        ]
        contestants.append(Contestant("native", "ref: ours, _native.invoke alone",
                                      [args.ours_python, worker, "native", url]))
        if args.floor:
            contestants += [
                Contestant("floor_rs", "floor: reqwest keep-alive (Rust)", [args.floor, "reqwest", url, request_file]),
                Contestant("core_rs", "ref: ascend-core evaluate_action (Rust)", [args.floor, "core", url]),
            ]
        if args.compare_python:
            contestants.append(Contestant("compare", "ours, --compare-python build",
                                          [args.compare_python, worker, "sdk", url]))
        contestants.append(Contestant("raw", "ref: raw socket (server + loopback)",
                                      [args.server, "raw", hostport, request_file]))
        for c in contestants[2:]:
            c.start()

        for c in contestants:
            c.run(args.warmup)
        server_cpu0 = cpu_seconds(server.pid)
        t0 = time.perf_counter()
        for r in range(args.rounds):
            order = contestants[r % len(contestants):] + contestants[:r % len(contestants)]
            for c in order:
                c.measured_round(args.calls)
        elapsed = time.perf_counter() - t0
        server_cpu = cpu_seconds(server.pid) - server_cpu0
        total_calls = sum(c.calls for c in contestants)
        for c in contestants:
            c.stop()

        results = {c.key: {"label": c.label, **c.summary()} for c in contestants}
        sizes = {k: os.path.getsize(p) for k, p in (("ours", request_file), ("peer", peer_request))}
        imports = import_bench(args.ours_python, args.peer_python, args.import_runs, url)
    finally:
        for c in contestants:
            if c.proc is not None and c.proc.poll() is None:
                c.proc.kill()
        server.kill()
        server.wait()

    o, p, fpy = results["ours"]["median_us"], results["peer"]["median_us"], results["floor_py"]["median_us"]
    ratios = {"peer_over_ours": p / o, "ours_over_floor_py": o / fpy}
    if "floor_rs" in results:
        ratios["ours_over_floor_rs"] = o / results["floor_rs"]["median_us"]
    server_us = 1e6 * server_cpu / total_calls

    print(f"\nevaluate_action round trip ({args.rounds} interleaved rounds x {args.calls} calls per contestant, "
          f"after {args.warmup} warm-up calls; {os.cpu_count()} CPUs, load avg {os.getloadavg()[0]:.2f}; "
          f"Python {platform.python_version()})")
    print(f"{'contestant':42} {'median µs':>10} {'p90 µs':>9} {'round medians µs':>18} {'CPU µs/call':>12}")
    for c in contestants:
        s = results[c.key]
        spread = f"{s['round_median_min_us']:.1f}-{s['round_median_max_us']:.1f}"
        print(f"{c.label:42} {s['median_us']:10.1f} {s['p90_us']:9.1f} {spread:>18} {s['cpu_us_per_call']:12.1f}")
    print(f"fixed server: {server_us:.1f} µs CPU per request ({total_calls} requests in {elapsed:.1f} s)")
    print(f"request bytes: ours {sizes['ours']}, peer {sizes['peer']}")
    print(f"ours vs peer:  {ratios['peer_over_ours']:.1f}x faster per call   (target >= {TARGET_PEER_OVER_OURS:g}x)")
    print(f"ours / floor (http.client, Python): {ratios['ours_over_floor_py']:.2f}   "
          f"(target <= {TARGET_OURS_OVER_FLOOR:g})")
    if "ours_over_floor_rs" in ratios:
        print(f"ours / floor (reqwest, Rust):       {ratios['ours_over_floor_rs']:.2f}")
    print(f"\nimport time (fresh process wall time, median of {args.import_runs}, interleaved)")
    print(f"{'':42} {'median ms':>10} {'min-max ms':>14}")
    for k, v in imports.items():
        print(f"{k:42} {v['median_ms']:10.1f} {v['min_ms']:6.1f}-{v['max_ms']:<7.1f}")
    import_ms = imports["ours: import ascend"]["median_ms"] - imports["python -c pass (interpreter start)"]["median_ms"]
    ratios["import_ascend_ms"] = import_ms
    print(f"import ascend (wall time above interpreter start): {import_ms:.1f} ms   "
          f"(target <= {TARGET_IMPORT_MS:g} ms)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"evaluate_action": results, "ratios": ratios, "server_cpu_us_per_request": server_us,
                       "request_bytes": sizes, "imports": imports, "rounds": args.rounds, "calls": args.calls,
                       "warmup": args.warmup, "loadavg": os.getloadavg()}, f, indent=2)
    targets_met = (ratios["peer_over_ours"] >= TARGET_PEER_OVER_OURS
                   and ratios["ours_over_floor_py"] <= TARGET_OURS_OVER_FLOOR and import_ms <= TARGET_IMPORT_MS)
    print("\ntargets:", "met" if targets_met else "NOT met")


if __name__ == "__main__":
    main()
