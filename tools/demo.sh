#!/usr/bin/env bash
# A short end-to-end run of Assay: supplier → manufacturer → auditor, on an embedded SQLite ledger.
# Usage: bash tools/demo.sh [work-dir]   (builds the release binary if needed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ASSAY_BIN:-$root/.build/release/assay}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product assay >/dev/null)
work="${1:-$(mktemp -d /tmp/assay-demo.XXXXXX)}"
mkdir -p "$work" && cd "$work"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }

say "The ledger operator (the manufacturer) creates keys and a ledger"
run "$bin" key generate --name acme.example/operator --out operator.key
run "$bin" init --ledger acme.assay --key operator.key --origin acme.example/ledger --operator-name "ACME Devices GmbH"

say "A supplier and a witness (a certification body) make their own keys"
run "$bin" key generate --name chips.example/signing --out supplier.key
run "$bin" key generate --name certbody.example/witness --out witness.key --witness

say "The operator registers the supplier's public key with its role"
run "$bin" register --ledger acme.assay --key operator.key \
    --party-id https://id.gs1.org/417/4012345000009 --legal-name "Chips Ltd" --role supplier \
    --public-key supplier.key.pub --contact compliance@chips.example

say "The supplier signs a statement offline (no ledger needed) and hands it over"
cat > origin.json <<'JSON'
{"type":"GenericEvent","subject":"https://id.gs1.org/01/04012345000016/10/LOT-7","action":"commissioned",
 "data":{"partNumber":"MCU-32","countryOfOrigin":"DE"},
 "eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}
JSON
run "$bin" sign --key supplier.key origin.json --out origin.dsse.json

say "The manufacturer appends it; the ledger checks signature, registration and role"
run "$bin" append --ledger acme.assay origin.dsse.json
run "$bin" log --ledger acme.assay

say "The operator signs a checkpoint; a witness cosigns it"
run "$bin" checkpoint --ledger acme.assay --key operator.key > checkpoint.txt
cat checkpoint.txt
# The witness is configured with the log it witnesses: its origin and the operator's key.
run "$bin" witness add-log --state witness-state --origin "$(head -n 1 checkpoint.txt)" --log-key operator.key.pub
run "$bin" witness cosign --checkpoint checkpoint.txt --key witness.key --state witness-state > cosigned.txt

say "An auditor verifies, offline: the whole ledger, and one entry's inclusion proof"
run "$bin" verify --ledger acme.assay
run "$bin" prove inclusion --ledger acme.assay --seq 2 > entry2.tlog-proof
# The proof carries the operator-signed checkpoint; swap in the witness-cosigned copy.
sed -n '1,/^$/p' entry2.tlog-proof > entry2.cosigned.tlog-proof && cat cosigned.txt >> entry2.cosigned.tlog-proof
run "$bin" verify-proof --log-key operator.key.pub --witness-key witness.key.pub --witnesses-needed 1 entry2.cosigned.tlog-proof

say "Tampering is caught: flip one byte of a stored payload behind the triggers' back"
cp acme.assay tampered.assay
if command -v sqlite3 >/dev/null; then
  sqlite3 tampered.assay "DROP TRIGGER records_append_only_update; UPDATE records SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJ0', 'eyJ1') AS BLOB) WHERE seq = 2;"
  "$bin" verify --ledger tampered.assay || echo "(exit code $? — verification failed, as it should)"
else
  echo "(install sqlite3 to see the tamper step)"
fi
printf '\nDemo files are in %s\n' "$work"
