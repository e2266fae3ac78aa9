#!/usr/bin/env bash
# The benchmark, in one command: installs the in-toto reference implementation (the peer
# comparison) from PyPI, builds Assay in release mode, and runs assay-bench.
# Usage: bash tools/bench/run.sh [assay-bench options]   e.g. --quick, --sizes 10000,100000,1000000,
#   --service (only the service section: a real `assay serve` under load), --no-service,
#   --postgres-only (SQLite and PostgreSQL side by side), --no-postgres
set -euo pipefail
cd "$(dirname "$0")/../.."
# /usr/bin/time measures the peak memory of `assay verify` (Debian's time package).
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null 2>&1 || echo "note: install the time package (apt-get install time)" >&2; }
python3 -m pip install --quiet --disable-pip-version-check in-toto >/dev/null 2>&1 || \
  echo "note: could not install in-toto from PyPI; the peer comparison will be skipped" >&2
# The PostgreSQL section compares both backends on a local throwaway cluster (as root on Debian).
if [ -z "${ASSAY_TEST_POSTGRES_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  eval "$(bash tools/ci/postgres.sh)" || echo "note: could not start PostgreSQL; the PostgreSQL section will be skipped" >&2
fi
swift build -c release --product assay && swift build -c release --product assay-bench
exec .build/release/assay-bench "$@"
