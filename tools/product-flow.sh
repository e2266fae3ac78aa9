#!/usr/bin/env bash
# The job Assay exists for, end to end, on an embedded SQLite ledger: suppliers sign the origins of
# their components, the manufacturer records a manufacturing step (with firmware and SBOM digests),
# the assembly and a lifecycle commitment; a witness cosigns the checkpoint; the product's bundle is
# exported and an auditor verifies it offline against the principles, with nothing but the log's
# key, its origin and the product pinned; then the HTML report, the buyer's passport page and its QR
# code are written.
#
# Usage: bash tools/product-flow.sh [work-dir]   (builds the release binary unless ASSAY_BIN is set)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ASSAY_BIN:-$root/.build/release/assay}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product assay >/dev/null)
work="${1:-$(mktemp -d /tmp/assay-product.XXXXXX)}"
mkdir -p "$work" && cd "$work"
say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }

ORIGIN=acme.example/ledger
PRODUCT=https://id.gs1.org/01/04012345000016/21/SN-0001
CTX='"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#"}]'
HERE='"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"}'

say "Keys: the ledger operator, the manufacturer, three suppliers, a witness (secret files 0600)"
run "$bin" key generate --name acme.example/operator --out operator.key >/dev/null
run "$bin" key generate --name acme.example/devices --out maker.key >/dev/null
for s in chips radio cells; do run "$bin" key generate --name "$s.example/signing" --out "$s.key" >/dev/null; done
run "$bin" key generate --name certbody.example/witness --out witness.key --witness >/dev/null

say "The operator creates the ledger and registers each party with its roles and the identifiers it speaks for"
run "$bin" init --ledger acme.assay --key operator.key --origin "$ORIGIN" --operator-name "ACME Devices GmbH"
reg() { run "$bin" register --ledger acme.assay --key operator.key "$@"; }
reg --party-id https://id.gs1.org/417/4012345000009 --legal-name "ACME Devices GmbH" --role manufacturer \
    --public-key maker.key.pub --scope https://id.gs1.org/01/04012345000016 --scope https://id.gs1.org/01/04012345000030
reg --party-id https://id.gs1.org/417/4023456000000 --legal-name "Chips GmbH" --role supplier \
    --public-key chips.key.pub --scope https://id.gs1.org/01/04012345000023 --scope https://id.gs1.org/01/04012345000078
reg --party-id https://id.gs1.org/417/3012345000000 --legal-name "Radio SA" --role supplier \
    --public-key radio.key.pub --scope https://id.gs1.org/01/04012345000061
reg --party-id https://id.gs1.org/417/6901234000009 --legal-name "Cells Co., Ltd." --role supplier \
    --public-key cells.key.pub --scope https://id.gs1.org/01/04012345000047

say "Each supplier signs the origin of its component offline and hands the envelope over"
origin() { # key lot quantity part country [firmware json]
  local fw=""; [ -n "${6:-}" ] && fw=",\"assay:firmware\":$6"
  cat > "origin-$1.json" <<JSON
{$CTX,"type":"ObjectEvent","eventTime":"2026-11-18T10:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"commissioning","quantityList":[{"epcClass":"$2","quantity":$3,"uom":"C62"}],$HERE,"ilmd":{"assay:partNumber":"$4","assay:countryOfOrigin":"$5"$fw}}
JSON
  run "$bin" sign --key "$1.key" "origin-$1.json" > "origin-$1.dsse"
}
FW=sha256:$(printf 'firmware 1.4.2' | sha256sum | cut -c1-64)
SBOM=sha256:$(printf 'sbom 1.4.2' | sha256sum | cut -c1-64)
origin chips https://id.gs1.org/01/04012345000023/10/MCU-LOT-1 1000 MCU-32 DE
origin radio https://id.gs1.org/01/04012345000061/10/RF-LOT-7 500 RF-868 FR
origin cells https://id.gs1.org/01/04012345000047/10/BAT-2026 2000 CR2032 CN
cp origin-chips.json fw.json
sed -i "s#MCU-LOT-1#X#; s#04012345000023/10/X#04012345000078/10/FW-1.4.2#; s#MCU-32#FW-TH1#" fw.json
sed -i "s#\"assay:countryOfOrigin\":\"DE\"#\"assay:countryOfOrigin\":\"DE\",\"assay:firmware\":{\"imageDigest\":\"$FW\",\"sbomDigest\":\"$SBOM\"}#" fw.json
run "$bin" sign --key chips.key fw.json > origin-fw.dsse
run "$bin" append --ledger acme.assay origin-chips.dsse origin-radio.dsse origin-cells.dsse origin-fw.dsse

say "The manufacturer records the encoding step, the assembly and its lifecycle commitment"
cat > step.json <<JSON
{$CTX,"type":"TransformationEvent","eventTime":"2026-11-20T11:00:00+01:00","eventTimeZoneOffset":"+01:00","bizStep":"encoding","inputQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000023/10/MCU-LOT-1","quantity":1,"uom":"C62"},{"epcClass":"https://id.gs1.org/01/04012345000061/10/RF-LOT-7","quantity":1,"uom":"C62"},{"epcClass":"https://id.gs1.org/01/04012345000078/10/FW-1.4.2","quantity":1,"uom":"C62"}],"outputEPCList":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],$HERE,"ilmd":{"assay:firmware":{"imageDigest":"$FW","sbomDigest":"$SBOM"}}}
JSON
cat > assembly.json <<JSON
{$CTX,"type":"AggregationEvent","eventTime":"2026-11-20T12:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"assembling","parentID":"$PRODUCT","childEPCs":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],"childQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000047/10/BAT-2026","quantity":2,"uom":"C62"}],$HERE,"assay:manufacturingDate":"2026-11-20"}
JSON
run "$bin" statement new LifecycleCommitment > commitment.json
for f in step assembly commitment; do run "$bin" sign --key maker.key "$f.json" > "$f.dsse"; done
run "$bin" append --ledger acme.assay step.dsse assembly.dsse commitment.dsse

say "The operator signs a checkpoint; a witness configured for this log cosigns it; the ledger keeps the cosignature"
run "$bin" checkpoint --ledger acme.assay --key operator.key > checkpoint.txt
run "$bin" witness add-log --state witness-state --origin "$ORIGIN" --log-key operator.key.pub
run "$bin" witness cosign --checkpoint checkpoint.txt --key witness.key --state witness-state > cosigned.txt
run "$bin" cosignatures add --ledger acme.assay cosigned.txt

say "The whole ledger verifies; the product's bundle is exported with the best-witnessed checkpoint"
run "$bin" verify --ledger acme.assay
run "$bin" export --ledger acme.assay --product "$PRODUCT" --out product.assay-bundle

say "The auditor verifies the bundle offline against the principles, pinning log key, origin, product and the witness"
run "$bin" verify --bundle product.assay-bundle --log-key operator.key.pub --origin "$ORIGIN" --product "$PRODUCT" \
    --witness-key witness.key.pub --witnesses-needed 1

say "The report"
run "$bin" report --bundle product.assay-bundle --log-key operator.key.pub --origin "$ORIGIN" --product "$PRODUCT" --html report.html
say "The buyer's passport page (verified again by the browser itself) and the QR code for the product's label"
run "$bin" passport --bundle product.assay-bundle --log-key operator.key.pub --witness-key witness.key.pub --witnesses-needed 1 \
    --out passport.html --qr passport-qr.svg
echo "work directory: $work"
