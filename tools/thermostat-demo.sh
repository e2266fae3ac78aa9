#!/usr/bin/env bash
# A smart thermostat from four suppliers in four countries: origins, an encoding step with a
# firmware digest, an assembly, a lifecycle commitment; then a product bundle an auditor verifies.
# Usage: bash tools/thermostat-demo.sh   (run in an empty directory; builds nothing: set ASSAY_BIN)
set -e
A="${ASSAY_BIN:-$(cd "$(dirname "$0")/.." && pwd)/.build/release/assay}"
$A key generate --name acme.example/operator --out op.key >/dev/null
$A init --ledger t.assay --key op.key --origin acme.example/ledger >/dev/null
for s in mcu radio battery pcb maker recycler; do $A key generate --name $s.example --out $s.key >/dev/null; done
$A register --ledger t.assay --key op.key --party-id https://id.gs1.org/417/4012345000009 --legal-name "MCU GmbH" --role supplier --public-key mcu.key.pub --scope https://id.gs1.org/01/04012345000023
$A register --ledger t.assay --key op.key --party-id urn:example:party:radio --legal-name "Radio SA" --role supplier --public-key radio.key.pub --scope "urn:epc:idpat:sgtin:4012345.000003.*"
$A register --ledger t.assay --key op.key --party-id urn:example:party:battery --legal-name "Cells Co" --role supplier --public-key battery.key.pub --scope https://id.gs1.org/01/04012345000047
$A register --ledger t.assay --key op.key --party-id urn:example:party:pcb --legal-name "Boards Ltd" --role supplier --public-key pcb.key.pub --scope https://id.gs1.org/01/04012345000054
$A register --ledger t.assay --key op.key --party-id urn:example:party:acme --legal-name "ACME Devices" --role manufacturer --public-key maker.key.pub \
  --scope https://id.gs1.org/01/04012345000016 --scope https://id.gs1.org/01/04012345000030
origin() { # key class-or-epc country part qty
  if [ "$5" = "" ]; then OBJ="\"epcList\":[\"$2\"]"; else OBJ="\"quantityList\":[{\"epcClass\":\"$2\",\"quantity\":$5,\"uom\":\"C62\"}]"; fi
  echo "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-18T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"commissioning\",$OBJ,\"bizLocation\":{\"id\":\"https://id.gs1.org/414/4012345000016\"},\"ilmd\":{\"assay:partNumber\":\"$4\",\"assay:countryOfOrigin\":\"$3\"}}" > o-$1.json
  $A sign --key $1.key o-$1.json > o-$1.dsse
}
origin mcu "https://id.gs1.org/01/04012345000023/10/MCU-LOT1" DE MCU-32 1000
origin radio "urn:epc:class:lgtin:4012345.000003.RADIO-7" FR RF-868 500
origin battery "https://id.gs1.org/01/04012345000047/10/BAT-2026" CN CR2032 2000
origin pcb "https://id.gs1.org/01/04012345000054/21/PCB-0001" TW PCB-TH1
$A append --ledger t.assay o-mcu.dsse o-radio.dsse o-battery.dsse o-pcb.dsse
D1=sha256:$(echo -n fw | sha256sum | cut -c1-64); D2=sha256:$(echo -n sbom | sha256sum | cut -c1-64)
cat > step.json <<J
{"type":"TransformationEvent","eventTime":"2026-11-20T11:00:00+01:00","eventTimeZoneOffset":"+01:00","bizStep":"encoding","inputEPCList":["https://id.gs1.org/01/04012345000054/21/PCB-0001"],"inputQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000023/10/MCU-LOT1","quantity":1,"uom":"C62"},{"epcClass":"urn:epc:class:lgtin:4012345.000003.RADIO-7","quantity":1,"uom":"C62"}],"outputEPCList":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"},"ilmd":{"assay:firmware":{"imageDigest":"$D1","sbomDigest":"$D2"}}}
J
cat > asm.json <<J
{"type":"AggregationEvent","eventTime":"2026-11-20T12:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"assembling","parentID":"https://id.gs1.org/01/04012345000016/21/SN-0001","childEPCs":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],"childQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000047/10/BAT-2026","quantity":2,"uom":"C62"}],"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"},"assay:manufacturingDate":"2026-11-20"}
J
$A statement new LifecycleCommitment > lc.json
$A sign --key maker.key step.json > step.dsse; $A sign --key maker.key asm.json > asm.dsse; $A sign --key maker.key lc.json > lc.dsse
$A append --ledger t.assay step.dsse asm.dsse lc.dsse
$A checkpoint --ledger t.assay --key op.key > cp.txt
$A export --ledger t.assay --product "urn:epc:id:sgtin:4012345.000001.SN-0001" --out p.assay-bundle
$A verify --bundle p.assay-bundle --log-key op.key.pub --origin acme.example/ledger --product "urn:epc:id:sgtin:4012345.000001.SN-0001"
