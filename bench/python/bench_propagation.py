"""Decision propagation (issue 14 item 5): how long after a human approves does a waiting agent see it?

One dev server (``ascend.testing.DevServer``, in this process, loopback, every action pending). For each trial a
worker process (ours: ``.venv/bin/python``; the peer ascend-ai-sdk 2.7.1: ``.venv-peer/bin/python``) submits an
action, prints ``ready``, then calls ``wait_for_decision(id, timeout=30, poll_interval=2.0)``; this script approves it
at a random point of the first poll interval (the same offsets for both SDKs) and the delay is the worker's
wall-clock time of return minus the time the approval was made. Target: ours <= 150 ms and >= 5x sooner than the peer.

    .venv/bin/python bench/python/bench_propagation.py --ours-python .venv/bin/python \
        --peer-python .venv-peer/bin/python [--trials 8] [--seed 14]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional

WORKER = r"""
import sys, time
from ascend import AscendClient
url, key, spool = sys.argv[1:4]
extra = {"audit_spool_path": spool} if spool else {}
client = AscendClient(api_key=key, agent_id="bench-agent", agent_name="bench", api_url=url, **extra)
pending = client.evaluate_action(action_type="data_access", resource="bench", wait_for_decision=False)
print("ready", pending.action_id, flush=True)
final = client.wait_for_decision(pending.action_id, timeout=30, poll_interval=2.0)
print("done", repr(time.time()), getattr(final.decision, "value", final.decision), flush=True)
"""

POLL_INTERVAL = 2.0


def one_trial(python: str, url: str, key: str, spool: Optional[str], offset: float, server: object) -> float:
    """Seconds from the approval to the worker's return (``offset`` seconds after the worker said ready)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASCEND_", "OWKAI_", "PYTHONPATH"))}
    proc = subprocess.Popen([python, "-c", WORKER, url, key, spool or ""], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tempfile.gettempdir())
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "ready":
            raise RuntimeError(f"worker did not start: {ready} {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(offset)
        approved_at = time.time()
        server.approve(ready[1], comment="bench")  # type: ignore[attr-defined]
        done = proc.stdout.readline().split()
        if len(done) != 3 or done[0] != "done" or done[2] != "allowed":
            raise RuntimeError(f"worker did not see the approval: {done} {proc.stderr.read() if proc.stderr else ''}")
        return float(done[1]) - approved_at
    finally:
        proc.wait(timeout=60)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ours-python", required=True)
    ap.add_argument("--peer-python", required=True)
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    args.ours_python, args.peer_python = os.path.abspath(args.ours_python), os.path.abspath(args.peer_python)
    if not 1 <= args.trials <= 100:
        ap.error("--trials must be 1..100")

    from ascend.testing import DevServer

    rng = random.Random(args.seed)
    offsets = [rng.uniform(0.05, POLL_INTERVAL - 0.05) for _ in range(args.trials)]
    results: Dict[str, List[float]] = {"ours": [], "peer": []}
    with DevServer(auto_approve_below=0, deny_at=100) as server, tempfile.TemporaryDirectory() as spool_dir:
        print(f"decision propagation: approve at a random point of the first {POLL_INTERVAL:g} s poll interval "
              f"(seed {args.seed}, {args.trials} trials each)")
        for i, offset in enumerate(offsets):
            for name, python in (("ours", args.ours_python), ("peer", args.peer_python)):
                spool = os.path.join(spool_dir, f"{name}-{i}.jsonl") if name == "ours" else None
                delay = one_trial(python, server.url, server.api_key, spool, offset, server)
                results[name].append(delay)
            print(f"  approve at +{offset * 1000:6.0f} ms   ours {results['ours'][-1] * 1000:7.1f} ms   "
                  f"peer {results['peer'][-1] * 1000:7.1f} ms")
    ours, peer = results["ours"], results["peer"]
    print(f"  median   ours {statistics.median(ours) * 1000:7.1f} ms   peer {statistics.median(peer) * 1000:7.1f} ms"
          f"   ratio peer/ours {statistics.median(peer) / max(statistics.median(ours), 1e-6):.1f}x")
    print(f"  max      ours {max(ours) * 1000:7.1f} ms   peer {max(peer) * 1000:7.1f} ms"
          f"   (target: ours <= 150 ms, >= 5x sooner than the peer)")


if __name__ == "__main__":
    sys.exit(main())
