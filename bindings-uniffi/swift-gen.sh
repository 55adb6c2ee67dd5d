#!/usr/bin/env bash
# Generates the Swift package of the SDK (not compiled here: there is no Swift toolchain on our machines).
#
#   swift-gen.sh UNIFFI_BINDGEN LIBASCEND_UNIFFI_A OUT_DIR
#
# OUT_DIR/Package.swift            the package: library "Ascend" = target Ascend (Swift) over AscendFFI (binary)
# OUT_DIR/Sources/Ascend/*.swift   the UniFFI-generated Swift of both components (the core's records + the client)
#                                  and the hand-written extensions of swift-template/Sources/
# OUT_DIR/AscendFFI.artifactbundle the static library with the C headers and one module map (SE-0482 layout)
set -euo pipefail
BINDGEN="$1"; STATIC_LIB="$2"; OUT="$3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHARED_LIB="${STATIC_LIB%.a}.so"   # library mode reads the metadata of the same build from the shared library

rm -rf "$OUT"
GEN="$OUT/.gen"
mkdir -p "$GEN" "$OUT/Sources/Ascend" "$OUT/AscendFFI.artifactbundle/AscendFFI/include"
"$BINDGEN" generate --library "$SHARED_LIB" --language swift --out-dir "$GEN" >/dev/null
mv "$GEN"/*.swift "$OUT/Sources/Ascend/"
mv "$GEN"/*.h "$OUT/AscendFFI.artifactbundle/AscendFFI/include/"
# One module map declaring both FFI modules (the generated per-component maps, concatenated in a stable order).
for map in $(ls "$GEN"/*.modulemap | LC_ALL=C sort); do cat "$map"; echo; done \
    > "$OUT/AscendFFI.artifactbundle/AscendFFI/include/module.modulemap"
rm -rf "$GEN"
# A hard link when possible: the debug archive is hundreds of MB.
ln -f "$STATIC_LIB" "$OUT/AscendFFI.artifactbundle/AscendFFI/libascend_uniffi.a" 2>/dev/null ||
    cp "$STATIC_LIB" "$OUT/AscendFFI.artifactbundle/AscendFFI/libascend_uniffi.a"
cp "$HERE/swift-template/Package.swift" "$HERE/swift-template/info.json" "$OUT/"
# Hand-written Swift over the generated API (the decision's derived fields).
cp "$HERE"/swift-template/Sources/*.swift "$OUT/Sources/Ascend/"
mv "$OUT/info.json" "$OUT/AscendFFI.artifactbundle/info.json"
