"""Parses every .swift file under the given directories with tree-sitter-swift; fails on any syntax error.

The Swift package is generated here but not compiled (no Swift toolchain on our machines); this check proves the
generated and example sources are at least syntactically valid Swift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterator, List, Tuple

import tree_sitter_swift
from tree_sitter import Language, Node, Parser


# UniFFI wraps attributes in `#if swift(>=5.8) ... #endif` blocks that hold only the attribute. That is valid Swift,
# but tree-sitter-swift 0.7 cannot parse an attribute-only conditional block. Such a block is replaced by its
# attribute (same line count, so reported positions stay right); everything else is parsed as written.
ATTRIBUTE_ONLY_IF = re.compile(rb"#if swift\(>=5\.8\)\n([ \t]*@_documentation\(visibility: private\))\n[ \t]*#endif\n")


def normalise(source: bytes) -> Tuple[bytes, int]:
    """``source`` with attribute-only ``#if swift(>=5.8)`` blocks unwrapped, and how many there were."""
    return ATTRIBUTE_ONLY_IF.subn(lambda m: b"\n" + m.group(1) + b"\n\n", source)


def errors(node: Node) -> Iterator[Node]:
    """Every ERROR or MISSING node under ``node``."""
    if node.type == "ERROR" or node.is_missing:
        yield node
    if node.has_error:
        for child in node.children:
            yield from errors(child)


def main(dirs: List[str]) -> int:
    parser = Parser(Language(tree_sitter_swift.language()))
    files = sorted(p for d in dirs for p in Path(d).rglob("*.swift"))
    if not files:
        print("swift_parse_check: no .swift files found", file=sys.stderr)
        return 1
    bad = 0
    unwrapped = 0
    for path in files:
        source, n = normalise(path.read_bytes())
        unwrapped += n
        tree = parser.parse(source)
        found = list(errors(tree.root_node))
        for node in found[:5]:
            row, col = node.start_point
            print(f"{path}:{row + 1}:{col + 1}: syntax error near {node.text[:60]!r}", file=sys.stderr)
        bad += bool(found)
    print(f"({unwrapped} attribute-only `#if swift(>=5.8)` blocks unwrapped before parsing)")
    print(f"swift_parse_check: {len(files) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
