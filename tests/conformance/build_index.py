#!/usr/bin/env python3
"""Regenerates tests/conformance/index.json from the case files on disk (sorted, one entry per file).

Usage: python3 tests/conformance/build_index.py [--check]
--check exits 1 when index.json is out of date (make test runs it), or when the generated hostile suite
(gen_hostile.py) differs from the committed cases.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent


def build() -> dict:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "cases").rglob("*.json"))
    suites: dict[str, int] = {}
    for f in files:
        suite = f.split("/")[1]
        suites[suite] = suites.get(suite, 0) + 1
    return {"schema": "schema/case.schema.json", "suites": suites, "cases": files}


def main() -> int:
    text = json.dumps(build(), indent=2) + "\n"
    index = ROOT / "index.json"
    if "--check" in sys.argv[1:]:
        if not index.exists() or index.read_text() != text:
            print("tests/conformance/index.json is stale: run python3 tests/conformance/build_index.py")
            return 1
        sys.path.insert(0, str(ROOT))
        import gen_hostile

        return gen_hostile.main()
    index.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
