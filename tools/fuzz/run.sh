#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every decoder, for a bounded time:
# envelope, statement, note, proof, bundle, policy, epcis. The sources of AssayCrypto,
# AssayModel, AssayLog and AssayVerify are compiled as one module with the entry point in
# tools/fuzz/AllFuzzer.swift (their cross-module imports are dropped in a scratch copy).
# The property-based fuzz suite (DecoderFuzzTests, tools/fuzz.sh) runs in the normal build.
# Usage: bash tools/fuzz/run.sh [target] [seconds]     e.g. bash tools/fuzz/run.sh bundle 60
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:-statement}"; secs="${2:-60}"
out=.build-fuzz; src="$out/src"; rm -rf "$src"; mkdir -p "$src" "$out/corpus-$target"
for m in AssayCrypto AssayModel AssayLog AssayVerify; do
  find "Sources/$m" -name '*.swift' | while read -r f; do
    sed -E '/^(public |internal )?import Assay(Crypto|Model|Log|Verify)$/d' "$f" > "$src/$m-$(basename "$f")"
  done
done
case "$target" in
  statement|epcis) cp Schemas/examples/valid/*.json "$out/corpus-$target/" ;;
  *) : ;;
esac
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AssayFuzz \
  -I Sources/CAssaySodium -lsodium "$src"/*.swift tools/fuzz/AllFuzzer.swift -o "$out/fuzz-all"
ASSAY_FUZZ_TARGET="$target" "$out/fuzz-all" -max_total_time="$secs" -max_len=262144 "$out/corpus-$target"
