#!/usr/bin/env bash
# make bench (Node part): installs the bench's baseline dependency (undici, npm) and the built package, then runs
# bench.mjs. Build the package first (make node; the release profile for meaningful numbers).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
[ -f ../../bindings-node/dist/cjs/index.js ] || { echo "bench/node/run.sh: build the package first (make node)" >&2; exit 1; }
npm install --no-audit --no-fund --loglevel=error >/dev/null
node bench.mjs
