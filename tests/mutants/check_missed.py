#!/usr/bin/env python3
"""Compares a cargo-mutants run with the allowlist of equivalent mutants and prints the score.

Usage: check_missed.py MUTANTS_OUT_DIR ALLOWLIST. Exits 1 when a missed mutant is not in the allowlist.
A missed.txt line reads `core/src/x.rs:12:5: replace a with b in f`; the allowlist keys drop `:12:5` so that
edits elsewhere in a file do not invalidate them. An entry excuses exactly one missed mutant: cargo-mutants can print
the same text for two mutants of one function (e.g. a field deleted from two struct expressions), and only the one
the entry's reason is about is equivalent. List an entry once per equivalent mutant with that text.
"""

from collections import Counter

import re
import sys
from pathlib import Path

LOCATION = re.compile(r"^(?P<file>[^:]+):\d+:\d+: (?P<mutant>.*)$")


def key(line: str) -> str:
    """`file: mutant` without line and column."""
    m = LOCATION.match(line.strip())
    return f"{m['file']}: {m['mutant']}" if m else line.strip()


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def main() -> int:
    out, allowlist_path = Path(sys.argv[1]), Path(sys.argv[2])
    allowed: Counter[str] = Counter()
    for line in read_lines(allowlist_path):
        if line.lstrip().startswith("#"):
            continue
        mutant, sep, reason = line.partition(" # ")
        if not sep or not reason.strip():
            print(f"check_missed: allowlist entry without a reason: {line}", file=sys.stderr)
            return 1
        allowed[mutant.strip()] += 1

    counts = {name: len(read_lines(out / f"{name}.txt")) for name in ("caught", "missed", "timeout", "unviable")}
    missed = [key(line) for line in read_lines(out / "missed.txt")]
    unexplained = []
    for m in missed:
        if allowed[m] > 0:
            allowed[m] -= 1
        else:
            unexplained.append(m)
    equivalent = len(missed) - len(unexplained)
    viable = counts["caught"] + counts["missed"] + counts["timeout"]
    killed = counts["caught"] + counts["timeout"]
    score = 100.0 * killed / (viable - equivalent) if viable - equivalent else 100.0
    print(
        f"mutants: {viable} viable ({counts['unviable']} unviable), {counts['caught']} caught, "
        f"{counts['timeout']} timeout, {counts['missed']} missed ({equivalent} listed as equivalent); "
        f"score {score:.1f}% of non-equivalent mutants killed"
    )
    for m in unexplained:
        print(f"UNEXPLAINED SURVIVOR: {m}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
