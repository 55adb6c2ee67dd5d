"""``python -m ascend [methods|errors|version]``: print the core's method descriptor (the default), its error-code
table, or the versions, as JSON."""

from __future__ import annotations

import json
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    what = args[0] if args else "methods"
    from . import PEER_SDK_VERSION, __version__, _native

    if what == "methods":
        sys.stdout.write(_native.method_descriptor())
    elif what == "errors":
        print(json.dumps(json.loads(_native.error_codes()), indent=2))
    elif what == "version":
        versions = {"ascend_sdk_rs": __version__, "peer_compatible": PEER_SDK_VERSION, "core": _native.SDK_VERSION}
        print(json.dumps(versions))
    else:
        print("usage: python -m ascend [methods|errors|version]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
