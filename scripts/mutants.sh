#!/usr/bin/env bash
# Mutation testing of the safety core (`make mutants`). Not part of `make test`: a full run takes hours on 2 cores.
#
#   scripts/mutants.sh                 all mutants in the files listed in .cargo/mutants.toml
#   scripts/mutants.sh --in-diff [REF] only mutants in lines changed against REF (default: origin/main, else main),
#                                      committed or not; run this before you stop
#   scripts/mutants.sh [--in-diff [REF]] -- ARGS...   extra cargo-mutants arguments, e.g.
#                                      -- -F core/src/failmode.rs --timeout 120 --in-place --baseline skip
#                                      (restrict files with -F REGEX: --file adds to the config globs)
#
# cargo-mutants is installed from crates.io into target/tools when missing. Results go to target/mutants/mutants.out.
# The run fails when a mutant is missed (survives the tests) and is not listed, with its reason, in
# tests/mutants/equivalent.txt; timeouts count as caught (the mutant hangs instead of passing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_MUTANTS_VERSION="27.0.0"
TOOLS="$ROOT/target/tools"
ALLOWLIST="$ROOT/tests/mutants/equivalent.txt"
OUT_DIR="$ROOT/target/mutants"

in_diff=""
base=""
extra=()
while (($#)); do
    case "$1" in
        --in-diff)
            in_diff=1
            if [[ $# -gt 1 && "$2" != --* ]]; then base="$2"; shift; fi
            ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "mutants.sh: unknown argument '$1' (cargo-mutants arguments go after --)" >&2; exit 2 ;;
    esac
    shift
done

if ! "$TOOLS/bin/cargo-mutants" mutants --version 2>/dev/null | grep -q "$CARGO_MUTANTS_VERSION"; then
    echo "mutants.sh: installing cargo-mutants $CARGO_MUTANTS_VERSION into $TOOLS" >&2
    CARGO_TARGET_DIR="$ROOT/target/tools-build" \
        cargo install --locked cargo-mutants --version "$CARGO_MUTANTS_VERSION" --root "$TOOLS"
    rm -rf "$ROOT/target/tools-build"
fi

args=(mutants --output "$OUT_DIR" --no-shuffle)
# One build at a time (2 shared cores); cargo-mutants refuses --jobs together with --in-place.
[[ " ${extra[*]-} " == *" --in-place "* ]] || args+=(--jobs 1)
if [[ -n "$in_diff" ]]; then
    if [[ -z "$base" ]]; then
        if git rev-parse --verify -q origin/main >/dev/null; then base=origin/main; else base=main; fi
    fi
    merge_base="$(git merge-base HEAD "$base")"
    mkdir -p "$OUT_DIR"
    diff_file="$OUT_DIR/in-diff.patch"
    # Working tree against the merge base: committed and uncommitted changes of this branch, Rust sources only.
    git diff "$merge_base" -- '*.rs' >"$diff_file"
    if [[ ! -s "$diff_file" ]]; then
        echo "mutants.sh: no Rust changes against $base ($merge_base); nothing to mutate"
        exit 0
    fi
    args+=(--in-diff "$diff_file")
fi

set +e
"$TOOLS/bin/cargo-mutants" "${args[@]}" "${extra[@]+"${extra[@]}"}"
rc=$?
set -e
# cargo-mutants: 0 all caught, 2 some missed, 3 some timed out; anything else (usage, baseline failure) is fatal.
case "$rc" in
    0|2|3) ;;
    *) echo "mutants.sh: cargo-mutants failed (exit $rc)" >&2; exit "$rc" ;;
esac

python3 "$ROOT/tests/mutants/check_missed.py" "$OUT_DIR/mutants.out" "$ALLOWLIST"
