#!/usr/bin/env bash
# `make node`: builds the npm package ascend-sdk in place (bindings-node/), ready for
# `npm install <repo>/bindings-node` or `npm pack`. Works offline from anything but the npm registry and crates.io:
#   1. npm ci (devDependencies only: @napi-rs/cli, typescript, @types/node; package-lock.json committed)
#   2. the client addon with the napi CLI (cargo build of ascend-node; also writes src/native-addon.d.ts)
#   3. the dev-server addon (cargo build of ascend-node-testing), copied under its napi platform name
#   4. src/methods.generated.ts from the core's method descriptor, then tsc (CommonJS + .d.ts) and the ESM entries
#
#   NODE_PROFILE=release (default) | dev | <any cargo profile>
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PROFILE="${NODE_PROFILE:-release}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$HERE"

if [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/napi ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci (bindings-node devDependencies)"
    npm ci --no-audit --no-fund --loglevel=error
fi

case "$PROFILE" in
    dev|debug) PROFILE=dev; PROFILE_DIR=debug; NAPI_PROFILE=() ;;
    release) PROFILE_DIR=release; NAPI_PROFILE=(--release) ;;
    *) PROFILE_DIR="$PROFILE"; NAPI_PROFILE=(--profile "$PROFILE") ;;
esac
TAG="$(node -p 'const r = process.report.getReport().header; `${process.platform}-${process.arch}` + (process.platform === "linux" ? (r.glibcVersionRuntime ? "-gnu" : "-musl") : "")')"
mkdir -p native

echo "==> client addon ascend_node ($PROFILE profile)"
node_modules/.bin/napi build --platform --no-js "${NAPI_PROFILE[@]}" --output-dir native \
    --dts ../src/native-addon.d.ts -p ascend-node --manifest-path "$HERE/Cargo.toml"

echo "==> dev-server addon ascend_node_testing ($PROFILE profile)"
# The napi CLI builds with an explicit --target (so under target/<triple>/); the same here, so both addons share
# one set of compiled dependencies.
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --profile "$PROFILE" --target "$TRIPLE" -p ascend-node-testing
cp "$CARGO_TARGET_DIR/$TRIPLE/$PROFILE_DIR/libascend_node_testing.so" "native/ascend_node_testing.$TAG.node.tmp"
mv "native/ascend_node_testing.$TAG.node.tmp" "native/ascend_node_testing.$TAG.node"

echo "==> TypeScript facade"
node scripts/gen-methods.mjs "$ROOT/tests/conformance/methods.json"
rm -rf dist
node_modules/.bin/tsc -p tsconfig.json
cp src/native-addon.d.ts dist/cjs/native-addon.d.ts
node scripts/esm-wrappers.mjs

node -e 'const a = require("./"); console.log("ascend-sdk", a.SDK_VERSION, "ready:", typeof a.AscendClient)'
