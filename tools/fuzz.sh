#!/usr/bin/env bash
# Long fuzzing run of every decoder (envelope, statement, note, proof, bundle, policy):
# the property-based fuzz suite with many more iterations. Usage: bash tools/fuzz.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
ASSAY_FUZZ_ITERATIONS="${1:-200000}" swift test --filter DecoderFuzzTests 2>&1 | grep -E "FUZZ|passed|failed"
