#!/usr/bin/env python3
"""Injects the one-line safety bugs of issue 16 into the core, one at a time, and checks that each named test fails.

Usage: python3 tests/mutants/injected_bugs.py [BUG_ID ...]   (from the repository root; default: every bug)

For each bug: replace one snippet in one core file (the snippet must occur exactly once), run each named test
(`cargo test -p ascend-core ...`, exact name), expect every one of them to FAIL, then restore the file (also on
Ctrl-C or error). Exits 1 when a named test passes with its bug in place, or a snippet is not found. Before the
bugs, the named tests are run once on the unmodified tree and must pass (otherwise a failure would prove nothing).
Slow (one incremental build per bug); not part of `make test`.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (id, file, original snippet, injected snippet, [(cargo test target args, exact test name), ...])
BUGS = [
    (
        "local-threshold-le",
        "core/src/failmode.rs",
        "score.risk_score < threshold",
        "score.risk_score <= threshold",
        [
            (["--test", "conformance"], "failmode::local-at-threshold-denies"),
            (["--test", "safety_core"], "local_threshold_is_exclusive"),
        ],
    ),
    (
        "exhausted-500-not-unreachable",
        "core/src/error.rs",
        "self.status_code.is_some_and(|s| s >= 500)",
        "self.status_code.is_some_and(|s| s > 500)",
        [
            (["--test", "conformance"], "failmode::open-exhausted-500-allows"),
            (["--test", "safety_core"], "every_5xx_is_unreachability_and_4xx_is_an_answer"),
        ],
    ),
    (
        "status-without-trim",
        "core/src/model/decision.rs",
        "let t = s.trim().to_ascii_lowercase();",
        "let t = s.to_ascii_lowercase();",
        [
            (["--test", "conformance"], "normalise::status-whitespace-trimmed"),
            (["--test", "conformance"], "normalise::status-whitespace-denied"),
        ],
    ),
    (
        "non-boolean-execution-allowed-true",
        "core/src/model/decision.rs",
        "Some(_) => false,\n            None => normalised.decision == Decision::Allowed,",
        "Some(_) => true,\n            None => normalised.decision == Decision::Allowed,",
        [
            (["--test", "conformance"], "normalise::execution-allowed-string-is-false"),
            (["--test", "conformance"], "normalise::execution-allowed-number-is-false"),
        ],
    ),
    (
        "verdict-non-boolean-execution-allowed-true",
        "core/src/govern/verdict.rs",
        "matches!(execution_allowed, Value::Bool(true) | Value::Null)",
        "!matches!(execution_allowed, Value::Bool(false))",
        [
            (["--test", "conformance"], "govern::permits-execution-allowed-with-string-execution-allowed"),
            (["--test", "conformance"], "govern::permits-execution-allowed-with-numeric-execution-allowed"),
        ],
    ),
    (
        "backoff-always-zero",
        "core/src/transport.rs",
        "    Duration::from_millis(ms)\n}",
        "    Duration::from_millis(ms * 0)\n}",
        [
            (["--test", "conformance"], "transport::backoff-has-a-floor"),
            (["--lib"], "transport::tests::jitter_is_spread_over_its_whole_range"),
        ],
    ),
    (
        "resource-classification-404-arm-removed",
        "core/src/client/queries.rs",
        "            Err(e) if e.code == ErrorCode::NotFound => return Ok(None),\n"
        "            Err(e) => return Err(e),\n"
        "        };\n"
        "        let items",
        "            Err(e) => return Err(e),\n        };\n        let items",
        [
            (["--test", "conformance"], "endpoints::get-resource-classification-404-none"),
        ],
    ),
]


def run_test(target: list[str], name: str) -> bool:
    """True when the test passed; a test that is not found counts as an error."""
    cmd = ["cargo", "test", "-q", "-p", "ascend-core", *target, "--", "--exact", name]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    if "error[E" in out or "could not compile" in out:
        raise RuntimeError(f"build failed for {name}:\n{out[-2000:]}")
    if " 0 passed; 0 failed" in out or "running 0 tests" in out:
        raise RuntimeError(f"no test named {name} in {' '.join(target)}")
    return proc.returncode == 0


def main() -> int:
    wanted = set(sys.argv[1:])
    bugs = [b for b in BUGS if not wanted or b[0] in wanted]
    if wanted - {b[0] for b in bugs}:
        print(f"unknown bug ids: {sorted(wanted - {b[0] for b in BUGS})}", file=sys.stderr)
        return 2
    ok = True
    for _, _, _, _, tests in bugs:
        for target, name in tests:
            if not run_test(target, name):
                print(f"BASELINE FAILS: {name} fails on the unmodified tree")
                ok = False
    if not ok:
        return 1
    for bug_id, rel, old, new, tests in bugs:
        path = ROOT / rel
        original = path.read_text()
        if original.count(old) != 1:
            print(f"{bug_id}: snippet found {original.count(old)} times in {rel}, expected once")
            ok = False
            continue
        try:
            path.write_text(original.replace(old, new))
            for target, name in tests:
                passed = run_test(target, name)
                print(f"{bug_id}: {name} {'PASSED (bug not caught)' if passed else 'failed (caught)'}")
                ok = ok and not passed
        finally:
            path.write_text(original)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
