#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer of the pure decoders in AssayModel (statements,
# EPCIS documents, strict JSON), for a bounded time. The property-based fuzz suite
# (Tests/AssayVerifyTests/DecoderFuzzTests.swift, tools/fuzz.sh) covers every decoder in the
# normal build; this script adds libFuzzer's coverage guidance where the toolchain allows it.
# Usage: bash tools/fuzz/run.sh [statement|epcis|json] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:-statement}"; secs="${2:-60}"
out=.build-fuzz; mkdir -p "$out/corpus-$target"
cp Schemas/examples/valid/*.json "$out/corpus-$target/" 2>/dev/null || true
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AssayModelFuzz \
  $(find Sources/AssayModel -name '*.swift') tools/fuzz/StatementFuzzer.swift -o "$out/fuzz-model"
ASSAY_FUZZ_TARGET="$target" "$out/fuzz-model" -max_total_time="$secs" -max_len=65536 "$out/corpus-$target"
