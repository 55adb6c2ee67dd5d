#!/usr/bin/env python3
"""Keeps the Rust threads that resume Kotlin coroutines attached to the JVM (run by `make uniffi` after generation).

UniFFI's Kotlin code resumes a suspended call from a JNA callback that Rust invokes on the thread that finished the
work (the core's async lane). JNA attaches such a native thread to the JVM for the callback and, by default,
detaches it again when the callback returns: every call then pays a thread attach and detach (a new
`java.lang.Thread` each time), which cost more than the whole loopback round trip (`make uniffi-bench`: 1.38x the
floor with it, 0.72x without). This script registers a JNA `CallbackThreadInitializer` on the generated
continuation callback: the thread stays attached (as a daemon named `ascend-lane`, so it never holds the JVM open)
until it exits. It edits exactly one anchor and fails loudly when the generated code no longer has it.

Usage: kotlin_lane_threads.py <generated kotlin dir>
"""

import pathlib
import sys

ANCHOR = "internal object uniffiRustFutureContinuationCallbackImpl: UniffiRustFutureContinuationCallback {\n"
INIT = (
    "    init {\n"
    "        // Added by bindings-uniffi/kotlin_lane_threads.py: keep callback threads attached (see there).\n"
    "        com.sun.jna.Native.setCallbackThreadInitializer(\n"
    '            this, com.sun.jna.CallbackThreadInitializer(true, false, "ascend-lane"),\n'
    "        )\n"
    "    }\n"
)


def main(root: str) -> int:
    hits = [p for p in sorted(pathlib.Path(root).rglob("*.kt")) if ANCHOR in p.read_text(encoding="utf-8")]
    if not hits:
        print(f"kotlin_lane_threads.py: no generated continuation callback under {root}", file=sys.stderr)
        return 1
    for path in hits:
        text = path.read_text(encoding="utf-8")
        if text.count(ANCHOR) != 1:
            print(f"kotlin_lane_threads.py: {path}: the anchor occurs {text.count(ANCHOR)} times", file=sys.stderr)
            return 1
        if INIT not in text:
            path.write_text(text.replace(ANCHOR, ANCHOR + INIT), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
