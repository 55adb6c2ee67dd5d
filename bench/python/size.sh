#!/usr/bin/env bash
# Sizes of the two extension modules of the Python wheel, as installed in .venv by `make python`: the client module
# `ascend._native` (what `import ascend` loads) and the dev server module `ascend._devserver` (loaded only by
# `ascend.testing.DevServer`). Prints the size on disk and the size after `strip --strip-all` of a copy (the wheel's
# modules are already stripped by the `wheel` Cargo profile, so the two normally agree). MB = 10^6 bytes.
#
#   bench/python/size.sh                 the modules installed in .venv (run `make python` first)
#   bench/python/size.sh --max-mb 4      also fail when the stripped client module is larger than 4 MB
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="$ROOT/.venv/bin/python"
MAX_MB=""
if [[ "${1:-}" == "--max-mb" ]]; then MAX_MB="${2:?--max-mb needs a number}"; fi

if ! "$PY" -c 'import importlib.util as u, sys; sys.exit(u.find_spec("ascend._native") is None)' 2>/dev/null; then
  echo "no ascend._native in $ROOT/.venv: run \`make python\` first" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for module in ascend._native ascend._devserver; do
  # find_spec locates the file without importing (and so without loading) the module.
  path="$("$PY" -c "import importlib.util as u, sys; s = u.find_spec('$module'); print(s.origin if s else '')")"
  if [[ -z "$path" ]]; then
    echo "$module: not installed" >&2
    status=1
    continue
  fi
  strip --strip-all -o "$tmp/m.so" "$path"
  disk=$(stat -c %s "$path")
  stripped=$(stat -c %s "$tmp/m.so")
  printf '%-18s %s  %s\n' "$module" \
    "$(awk -v s="$stripped" -v d="$disk" 'BEGIN { printf "%6.2f MB stripped (%d bytes; %.2f MB on disk)", s / 1e6, s, d / 1e6 }')" \
    "$path"
  if [[ "$module" == ascend._native && -n "$MAX_MB" ]] \
      && awk -v s="$stripped" -v m="$MAX_MB" 'BEGIN { exit !(s > m * 1e6) }'; then
    echo "ascend._native is larger than $MAX_MB MB stripped" >&2
    status=1
  fi
done
exit $status
