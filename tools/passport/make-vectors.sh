#!/usr/bin/env bash
# The shared bundle vectors: one product's bundle and tampered copies of it, on which the passport
# page's JavaScript verifier (Sources/AssayReport/Passport/web/verifier.js) and the Swift verifier
# (assay verify --bundle) must agree.
#
# Runs a product flow with the assay CLI (three suppliers sign the origins of their lots; the
# manufacturer records a manufacturing step, the assembly, the product's passport status and a
# lifecycle commitment; the operator rotates a supplier's key; a witness cosigns two checkpoints;
# the product's bundle is exported), then writes into the output directory:
#   trust.json     the pins: logKey, origin, product, witnessKeys, witnessesNeeded (1)
#   *.assay-bundle valid.assay-bundle, with-consistency.assay-bundle and tampered copies
#   vectors.json   [{"name", "file", "expect": "verified"|"failed", "why"}]
# Tampered bundles are made by editing the valid bundle's JSON (and, where a forger holding the
# operator's or witness's key would, re-signing the checkpoint: Ed25519 in Python below). Entries
# the log would never accept (an unregistered, revoked or wrong-role signer, a relabelled key id,
# a record time going backwards) are forged the way a dishonest operator could: written straight
# into a copy of the ledger file, then checkpointed, cosigned and exported with the CLI.
# Only public keys are written to the output directory.
#
# Then every vector is checked with both verifiers (node tools/passport/verify-bundle.mjs and
# assay verify --bundle … --json, whose integrity verdict is what counts); the script fails when
# either disagrees with the expectation or with the other.
#
# Usage: bash tools/passport/make-vectors.sh [out-dir]      make the vectors, then check them
#        bash tools/passport/make-vectors.sh --check [dir]  only check existing vectors
#   out-dir defaults to Tests/Fixtures/bundle-vectors; ASSAY_BIN (default /work/bin/assay), NODE
#   (default node, 20 or later).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${ASSAY_BIN:-/work/bin/assay}"
node="${NODE:-node}"
check_only=false
if [ "${1:-}" = "--check" ]; then check_only=true; shift; fi
out="${1:-$root/Tests/Fixtures/bundle-vectors}"
[ -x "$bin" ] || { echo "make-vectors: no assay binary at $bin (set ASSAY_BIN)" >&2; exit 2; }
command -v "$node" >/dev/null || { echo "make-vectors: no node (set NODE)" >&2; exit 2; }
work="$(mktemp -d /tmp/assay-vectors.XXXXXX)"
trap 'rm -rf "$work"' EXIT
py="$work/vectors.py"

cat > "$py" <<'PY'
"""Helpers for make-vectors.sh: Ed25519 signing (RFC 8032), signed notes (C2SP), ledger forgery,
bundle tampering, and reading the Swift verifier's JSON. Python standard library only."""
import base64, hashlib, json, os, sqlite3, sys

# --- Ed25519 (RFC 8032 §5.1, extended coordinates) --------------------------------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P: x = x * SQRT_M1 % P
    if (x * x - x2) % P: raise ValueError('not a point')
    return P - x if (x & 1) != sign else x

_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)

def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % P
    b = (p[1] + p[0]) * (q[1] + q[0]) % P
    c = 2 * p[3] * q[3] * D % P
    d = 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)

def _mul(s, p):
    q = (0, 1, 1, 0)
    while s:
        if s & 1: q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q

def _compress(p):
    zi = pow(p[2], P - 2, P)
    x, y = p[0] * zi % P, p[1] * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, 'little')

def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], 'little') & ((1 << 254) - 8) | (1 << 254)
    return a, h[32:]

def public_key(seed):
    return _compress(_mul(_expand(seed)[0], G))

def sign(seed, msg):
    a, prefix = _expand(seed)
    pub = _compress(_mul(a, G))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), 'little') % L
    big_r = _compress(_mul(r, G))
    k = int.from_bytes(hashlib.sha512(big_r + pub + msg).digest(), 'little') % L
    return big_r + ((r + k * a) % L).to_bytes(32, 'little')

# --- keys and signed notes (FORMAT.md §1, §5) ---------------------------------------------------
def b64(b): return base64.b64encode(b).decode()
def unb64(s): return base64.b64decode(s, validate=True)
def sha(*parts): return hashlib.sha256(b''.join(parts)).digest()

def read_key(path):
    """A secret key file PRIVATE+KEY+<name>+<key id>+<base64(type || seed)>: (name, type, seed, key id)."""
    text = open(path).read().strip()
    assert text.startswith('PRIVATE+KEY+'), path
    name, rest = text[len('PRIVATE+KEY+'):].split('+', 1)
    key_id, raw = rest.split('+', 1)
    raw = unb64(raw)
    key_type, seed = raw[0], raw[1:]
    pub = public_key(seed)
    assert sha(name.encode(), b'\n', bytes([key_type]), pub)[:4].hex() == key_id, f'{path}: key id does not match'
    assert open(path + '.pub').read().strip() == f'{name}+{key_id}+{b64(bytes([key_type]) + pub)}', f'{path}: public key differs'
    return name, key_type, seed, bytes.fromhex(key_id)

def split_note(note):
    """(signed text, [signature lines without newline])."""
    i = note.rindex('\n\n')
    return note[:i + 1], note[i + 2:].splitlines()

def note_line(key, text):
    name, _, seed, key_id = key
    return f'\u2014 {name} {b64(key_id + sign(seed, text.encode()))}'

def cosign_line(key, text, timestamp):
    name, _, seed, key_id = key
    message = b'cosignature/v1\ntime %d\n' % timestamp + text.encode()
    return '\u2014 %s %s' % (name, b64(key_id + timestamp.to_bytes(8, 'big') + sign(seed, message)))

def note(text, lines): return text + '\n' + ''.join(l + '\n' for l in lines)

# --- forging an entry into a ledger file (what a dishonest operator could do) --------------------
def forge(ledger, envelope_path, kind, signer, appended_delta_ms, subjects):
    """Appends one record straight into the SQLite ledger (records, tree nodes, subject rows),
    bypassing every append check; the time is the last record's plus `appended_delta_ms`."""
    envelope = open(envelope_path, 'rb').read().strip()
    c = sqlite3.connect(ledger)
    seq, last_t, prev_chain = c.execute('SELECT seq, appended_at, chain_hash FROM records ORDER BY seq DESC LIMIT 1').fetchone()
    seq += 1
    t = last_t + int(appended_delta_ms)
    record = b'\x01' + seq.to_bytes(8, 'big') + (t % (1 << 64)).to_bytes(8, 'big') + envelope
    leaf = sha(b'\x00', record)
    with c:
        c.execute('INSERT INTO records(seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash) VALUES (?,?,?,?,?,?,?)',
                  (seq, t, kind, signer, envelope, leaf, sha(b'\x02', prev_chain, leaf)))
        def node(level, index):
            if level == 0: return c.execute('SELECT leaf_hash FROM records WHERE seq = ?', (index,)).fetchone()[0]
            return c.execute('SELECT hash FROM nodes WHERE id = ?', ((level << 56) | index,)).fetchone()[0]
        n, level = seq + 1, 1
        while n % (1 << level) == 0:       # every complete subtree the new leaf closes
            i = n // (1 << level) - 1
            c.execute('INSERT INTO nodes(id, hash) VALUES (?,?)', ((level << 56) | i, sha(b'\x01', node(level - 1, 2 * i), node(level - 1, 2 * i + 1))))
            level += 1
        for s in subjects:
            c.execute('INSERT INTO subjects(subject, seq) VALUES (?,?)', (s, seq))
    c.close()

def backup(src, dst):
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close(); b.close()

def relabel(envelope_path, keyid, out_path):
    """The envelope with its signature's keyid replaced (the signature itself unchanged)."""
    env = json.loads(open(envelope_path).read())
    env['signatures'][0]['keyid'] = keyid
    open(out_path, 'w').write(json.dumps(env, separators=(',', ':')))

# --- tampering with bundles ----------------------------------------------------------------------
def load(path): return json.load(open(path))
def save(bundle, path): open(path, 'w').write(json.dumps(bundle, separators=(',', ':'), ensure_ascii=False) + '\n')

def statement(entry):
    record = unb64(entry['record'])
    env = json.loads(record[17:])
    return json.loads(unb64(env['payload']))

def find(bundle, pred):
    for i, e in enumerate(bundle['entries']):
        if pred(statement(e)): return i
    raise SystemExit('make-vectors: no entry matches')

def tamper(valid_path, since_path, other_path, keys_dir, product, out_dir):
    op = read_key(os.path.join(keys_dir, 'operator.key'))
    witness = read_key(os.path.join(keys_dir, 'witness.key'))
    impostor = read_key(os.path.join(keys_dir, 'impostor.key'))
    assert impostor[0] == op[0] and impostor[3] != op[3]
    vectors = []
    def emit(name, bundle, why):
        save(bundle, os.path.join(out_dir, name + '.assay-bundle'))
        vectors.append({'name': name, 'file': name + '.assay-bundle', 'expect': 'failed', 'why': why})
    fresh = lambda: load(valid_path)
    text, lines = split_note(fresh()['checkpoint'])
    op_line = next(l for l in lines if l.startswith('\u2014 ' + op[0] + ' '))
    wit_line = next(l for l in lines if l.startswith('\u2014 ' + witness[0] + ' '))
    body = text.split('\n')
    def resigned(new_text):
        """A checkpoint the operator and the witness both signed (a forger holding both keys)."""
        ts = int.from_bytes(unb64(wit_line.split(' ')[2])[4:12], 'big')
        return note(new_text, [note_line(op, new_text), cosign_line(witness, new_text, ts)])
    assembly = lambda s: s.get('type') == 'AggregationEvent'
    commitment = lambda s: s.get('type') == 'LifecycleCommitment'

    b = fresh(); i = find(b, assembly)
    record = bytearray(unb64(b['entries'][i]['record']))
    env = json.loads(record[17:])
    payload = bytearray(unb64(env['payload'])); payload[len(payload) // 2] ^= 0x01
    env['payload'] = b64(bytes(payload))
    new_env = ('{"payloadType":"%s","payload":"%s","signatures":[{"keyid":"%s","sig":"%s"}]}' % (
        env['payloadType'], env['payload'], env['signatures'][0]['keyid'], env['signatures'][0]['sig'])).encode()
    b['entries'][i]['record'] = b64(bytes(record[:17]) + new_env)
    emit('payload-byte-flipped', b, f'entry {b["entries"][i]["seq"]} (the assembly): one byte of its envelope payload flipped; its leaf hash no longer matches its inclusion proof')

    b = fresh(); i = find(b, lambda s: s.get('bizStep') == 'commissioning')
    b['entries'][i]['proof'][0] = b64(sha(b'not the sibling'))
    emit('inclusion-proof-wrong-hash', b, f'entry {b["entries"][i]["seq"]}: the first hash of its inclusion proof replaced')

    b = fresh()
    b['checkpoint'] = note(text, [note_line(impostor, text) if l == op_line else l for l in lines])
    emit('checkpoint-signed-by-other-key', b, 'the checkpoint re-signed by a different key under the operator key\'s name (so another key id), the log\'s signature removed')

    b = fresh(); i = find(b, commitment); seq = b['entries'][i]['seq']; del b['entries'][i]
    emit('entry-dropped', b, f'entry {seq} (the lifecycle commitment of the product\'s model) left out: the subject index commits to it')

    b = fresh(); other = load(other_path)
    foreign = next(e for e in other['entries'] if statement(e).get('subject') == product.replace('SN-0001', 'SN-0002'))
    b['entries'].append(foreign); b['entries'].sort(key=lambda e: e['seq'])
    emit('foreign-entry-added', b, f'entry {foreign["seq"]}, about another product (SN-0002) of the same log, added with its valid inclusion proof')

    b = fresh()
    b['checkpoint'] = note('\n'.join(body[:2] + [b64(sha(b'another root'))] + body[3:]), lines)
    emit('checkpoint-root-changed', b, 'the checkpoint\'s root hash line replaced; its signatures no longer verify')

    b = fresh()
    b['checkpoint'] = resigned('\n'.join(body[:2] + [b64(sha(b'another root'))] + body[3:]))
    emit('checkpoint-root-changed-resigned', b, 'the checkpoint\'s root replaced and re-signed by the operator and the witness (both keys stolen): no inclusion proof leads to it')

    b = fresh()
    b['checkpoint'] = resigned('\n'.join(l for l in body if not l.startswith('assay-subject-index ')))
    emit('checkpoint-without-subject-index', b, 'the checkpoint re-signed (operator and witness) without its assay-subject-index line: completeness cannot be shown')

    b = fresh()
    b['checkpoint'] = note(text, [l for l in lines if l != wit_line])
    emit('witness-cosignature-removed', b, 'the witness cosignature line removed: 0 of the 1 witness cosignatures needed')

    b = fresh()
    w = wit_line.split(' '); raw = bytearray(unb64(w[2])); raw[-1] ^= 0x80; w[2] = b64(bytes(raw))
    b['checkpoint'] = note(text, [' '.join(w) if l == wit_line else l for l in lines])
    emit('witness-cosignature-corrupted', b, 'one bit of the witness cosignature flipped')

    b = fresh()
    p = next(p for p in b['index'] if p['type'] == 'identifier' and p['subject'] == product)
    p['count'] += 1
    emit('index-count-changed', b, 'the product\'s subject-index proof claims one entry more than the log holds')

    b = fresh(); del_at = next(k for k, p in enumerate(b['index']) if p['type'] == 'identifier' and p['subject'] == product); del b['index'][del_at]
    emit('index-proof-removed', b, 'the product\'s subject-index proof left out')

    b = fresh(); i = find(b, lambda s: s.get('type') == 'KeyRevocation'); seq = b['entries'][i]['seq']; del b['entries'][i]
    emit('revocation-dropped', b, f'entry {seq}, the revocation of a supplier\'s key, left out: the index of that key commits to it')

    b = fresh(); i = find(b, lambda s: s.get('bizStep') == 'commissioning')
    b['entries'][i], b['entries'][i + 1] = b['entries'][i + 1], b['entries'][i]
    emit('entries-reordered', b, f'entries {b["entries"][i + 1]["seq"]} and {b["entries"][i]["seq"]} swapped in the bundle')

    b = fresh(); b['product'] = product.replace('SN-0001', 'SN-0002')
    emit('product-mismatch', b, 'the bundle claims to be for another product (SN-0002) than the one pinned')

    b = load(since_path)
    b['consistency']['hashes'][0] = b64(sha(b'not in the tree'))
    emit('consistency-proof-wrong-hash', b, 'a hash of the consistency proof from the older checkpoint replaced')

    b = load(since_path)
    p = next(p for p in b['consistency']['index'] if p['type'] == 'identifier' and p['subject'] == product)
    p['count'] -= 1
    p['chain'] = b64(bytes(32)) if p['count'] == 0 else p['chain']
    emit('prefix-proof-count-changed', b, 'the older checkpoint\'s subject-index (prefix) proof for the product claims one entry fewer')

    raw = open(valid_path).read()
    open(os.path.join(out_dir, 'duplicate-member.assay-bundle'), 'w').write(raw.replace('"origin":', '"origin":"acme.example/ledger","origin":', 1))
    vectors.append({'name': 'duplicate-member', 'file': 'duplicate-member.assay-bundle', 'expect': 'failed',
                    'why': 'the bundle\'s JSON names the member "origin" twice (same value): strict JSON refuses duplicate member names'})
    return vectors

def swift_integrity(path):
    """The integrity verdict of `assay verify --bundle --json` output: (verdict, [findings])."""
    try:
        report = json.load(open(path))
    except (ValueError, OSError):
        return 'refused', []
    for p in report.get('principles', []):
        if p.get('principle') == 'integrity':
            return p.get('verdict'), [f.get('message') for f in p.get('findings', [])]
    return 'refused', []

if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'forge':
        forge(args[0], args[1], args[2], args[3], args[4], args[5:])
    elif cmd == 'backup':
        backup(args[0], args[1])
    elif cmd == 'relabel':
        relabel(args[0], args[1], args[2])
    elif cmd == 'set':   # set a JSON statement's member: file member value
        s = json.load(open(args[0])); s[args[1]] = args[2]; open(args[0], 'w').write(json.dumps(s, separators=(',', ':')))
    elif cmd == 'tamper':
        vectors = tamper(*args[:6])
        extra = json.load(open(args[6]))
        json.dump(extra[:2] + vectors + extra[2:], open(args[7], 'w'), indent=1)
        open(args[7], 'a').write('\n')
    elif cmd == 'trust':   # operator.pub witness.pub origin product out
        json.dump({'logKey': open(args[0]).read().strip(), 'origin': args[2], 'product': args[3],
                   'witnessKeys': [open(args[1]).read().strip()], 'witnessesNeeded': 1}, open(args[4], 'w'), indent=1)
        open(args[4], 'a').write('\n')
    elif cmd == 'vectors':   # list the vectors: name file expect
        for v in json.load(open(args[0])):
            print(v['name'], v['file'], v['expect'])
    elif cmd == 'trust-field':   # trust.json field (witnessKey: the first of witnessKeys)
        t = json.load(open(args[0]))
        print(t['witnessKeys'][0] if args[1] == 'witnessKey' else t[args[1]])
    elif cmd == 'swift':
        verdict, findings = swift_integrity(args[0])
        print('verified' if verdict == 'satisfied' else 'failed')
        for f in findings if verdict != 'satisfied' else []:
            print(f)
    elif cmd == 'js':
        try:
            r = json.load(open(args[0]))
            print('verified' if r['ok'] else 'failed')
            for m in r['problems']:
                print(m)
        except (ValueError, OSError, KeyError):
            print('failed')
            print('(no result)')
    else:
        raise SystemExit(f'unknown command {cmd}')
PY

check() {
  local dir="$1" bad=0 differ=0 name file expect js swift
  local trust="$dir/trust.json"
  local log_key origin product witness needed
  log_key="$(python3 "$py" trust-field "$trust" logKey)"
  origin="$(python3 "$py" trust-field "$trust" origin)"
  product="$(python3 "$py" trust-field "$trust" product)"
  witness="$(python3 "$py" trust-field "$trust" witnessKey)"
  needed="$(python3 "$py" trust-field "$trust" witnessesNeeded)"
  printf '%-36s %-9s %-9s %-9s %s\n' vector expect js swift 'same problems' 
  while read -r name file expect; do
    "$node" "$root/tools/passport/verify-bundle.mjs" "$dir/$file" "$trust" > "$work/js.json" 2>"$work/js.err" || true
    "$bin" verify --bundle "$dir/$file" --log-key "$log_key" --origin "$origin" --product "$product" \
      --witness-key "$witness" --witnesses-needed "$needed" --json > "$work/swift.json" 2>"$work/swift.err" || true
    python3 "$py" js "$work/js.json" > "$work/js.txt"
    python3 "$py" swift "$work/swift.json" > "$work/swift.txt"
    js="$(head -1 "$work/js.txt")"; swift="$(head -1 "$work/swift.txt")"
    local mark="" same=yes
    tail -n +2 "$work/js.txt" > "$work/js.problems"; tail -n +2 "$work/swift.txt" > "$work/swift.problems"
    if [ "$js" != "$expect" ] || [ "$swift" != "$expect" ]; then mark="  <-- DISAGREES"; bad=$((bad + 1)); fi
    # Informational: whether both name the same problems, line for line (Swift refuses a bundle that
    # does not parse without a report, so there the texts cannot be compared).
    if [ ! -s "$work/swift.json" ]; then same=n/a
    elif ! cmp -s "$work/js.problems" "$work/swift.problems"; then same=no; differ=$((differ + 1)); fi
    printf '%-36s %-9s %-9s %-9s %s%s\n' "$name" "$expect" "$js" "$swift" "$same" "$mark"
    if [ -n "$mark" ] || [ "$same" = no ] || [ -n "${VERBOSE:-}" ]; then
      sed -n '2,$s/^/      js:    /p' "$work/js.txt"
      sed -n '2,$s/^/      swift: /p' "$work/swift.txt"
      [ -s "$work/swift.json" ] || sed 's/^/      swift stderr: /' "$work/swift.err"
    fi
  done < <(python3 "$py" vectors "$dir/vectors.json")
  if [ "$bad" -ne 0 ]; then echo "make-vectors: $bad vector(s) where a verifier disagrees with the expectation" >&2; return 1; fi
  echo "every vector: both verifiers agree with the expectation ($differ where their problem lists differ in text)"
}

if $check_only; then check "$out"; exit; fi

a() { "$bin" "$@"; }
cd "$work"
ORIGIN=acme.example/ledger
PRODUCT=https://id.gs1.org/01/04012345000016/21/SN-0001
OTHER=https://id.gs1.org/01/04012345000016/21/SN-0002
HERE='"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"}'
CTX='"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#"}]'
echo "== making the vectors in $work"

# Keys: operator, manufacturer, three suppliers, a witness; a key nobody registered; another key
# under the operator key's name (an impostor).
a key generate --name acme.example/operator --out operator.key >/dev/null
a key generate --name acme.example/devices --out maker.key >/dev/null
for s in chips radio cells; do a key generate --name "$s.example/signing" --out "$s.key" >/dev/null; done
a key generate --name certbody.example/witness --out witness.key --witness >/dev/null
a key generate --name rogue.example/signing --out rogue.key >/dev/null
a key generate --name acme.example/operator --out impostor.key >/dev/null
ref() { cut -d+ -f1,2 "$1.pub"; }

a init --ledger acme.assay --key operator.key --origin "$ORIGIN" --operator-name "ACME Devices GmbH" >/dev/null
reg() { a register --ledger acme.assay --key operator.key "$@" >/dev/null; }
reg --party-id https://id.gs1.org/417/4012345000009 --legal-name "ACME Devices GmbH" --role manufacturer \
    --public-key maker.key.pub --scope https://id.gs1.org/01/04012345000016 --scope https://id.gs1.org/01/04012345000030
reg --party-id https://id.gs1.org/417/4023456000000 --legal-name "Chips GmbH" --role supplier \
    --public-key chips.key.pub --scope https://id.gs1.org/01/04012345000023
reg --party-id https://id.gs1.org/417/3012345000000 --legal-name "Radio SA" --role supplier \
    --public-key radio.key.pub --scope https://id.gs1.org/01/04012345000061
reg --party-id https://id.gs1.org/417/6901234000009 --legal-name "Cells Co., Ltd." --role supplier \
    --public-key cells.key.pub --scope https://id.gs1.org/01/04012345000047

# Origins from three suppliers, signed offline.
origin() { # key lot quantity part country
  cat > "origin-$1.json" <<JSON
{$CTX,"type":"ObjectEvent","eventTime":"2026-11-18T10:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"commissioning","quantityList":[{"epcClass":"$2","quantity":$3,"uom":"C62"}],$HERE,"ilmd":{"assay:partNumber":"$4","assay:countryOfOrigin":"$5"}}
JSON
  a sign --key "$1.key" "origin-$1.json" > "origin-$1.dsse"
}
origin chips https://id.gs1.org/01/04012345000023/10/MCU-LOT-1 1000 MCU-32 DE
origin radio https://id.gs1.org/01/04012345000061/10/RF-LOT-7 500 RF-868 FR
origin cells https://id.gs1.org/01/04012345000047/10/BAT-2026 2000 CR2032 CN
FW=sha256:$(printf 'firmware 1.4.2' | sha256sum | cut -c1-64)
SBOM=sha256:$(printf 'sbom 1.4.2' | sha256sum | cut -c1-64)
cat > step.json <<JSON
{$CTX,"type":"TransformationEvent","eventTime":"2026-11-20T11:00:00+01:00","eventTimeZoneOffset":"+01:00","bizStep":"encoding","inputQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000023/10/MCU-LOT-1","quantity":1,"uom":"C62"},{"epcClass":"https://id.gs1.org/01/04012345000061/10/RF-LOT-7","quantity":1,"uom":"C62"}],"outputEPCList":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],"ilmd":{"assay:firmware":{"imageDigest":"$FW","sbomDigest":"$SBOM"}}}
JSON
cat > assembly.json <<JSON
{$CTX,"type":"AggregationEvent","eventTime":"2026-11-20T12:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"assembling","parentID":"$PRODUCT","childEPCs":["https://id.gs1.org/01/04012345000030/21/BOARD-1"],"childQuantityList":[{"epcClass":"https://id.gs1.org/01/04012345000047/10/BAT-2026","quantity":2,"uom":"C62"}],$HERE,"assay:manufacturingDate":"2026-11-20"}
JSON
cat > commitment.json <<JSON
{"type":"LifecycleCommitment","scope":{"model":"https://id.gs1.org/01/04012345000016"},"placedOnMarket":"2026-12-01","securitySupportEnd":"2032-12-31","vulnerabilityContact":"mailto:security@acme.example","vulnerabilityResponseDays":30,"repairInformation":{"url":"https://acme.example/repair","digest":"sha256:a1a14ff4aab4f1d3efbe2f3fe8e32ec686289ba95e5b2fc3e1f38052d64da522"},"spareParts":[{"partNumber":"BAT-CR2032","availableUntil":"2036-12-31","deliveryDays":10}],"takeBack":{"channel":"https://acme.example/takeback","recyclingScheme":"WEEE DE 12345678"},"insolvencyContinuity":"Update keys escrowed with Escrow AG until the support end.","expectedUseTime":"P6Y","eventTime":"2026-11-20T13:00:00+01:00","eventTimeZoneOffset":"+01:00"}
JSON
generic() { # out key subject action
  a statement new GenericEvent --json > "$1.json"
  python3 "$py" set "$1.json" subject "$3"
  python3 "$py" set "$1.json" action "$4"
  a sign --key "$2.key" "$1.json" > "$1.dsse"
}
# The battery's passport status, signed by its manufacturer (passport data, FORMAT.md §2.1).
printf '{"batteryStatus":"Original"}' > status-data.json
a statement passport --aspect status --subject "$PRODUCT" --data status-data.json --time 2026-11-20T12:30:00+01:00 --out status.json
for f in step assembly status commitment; do a sign --key maker.key "$f.json" > "$f.dsse"; done
generic other maker "$OTHER" inspected
a append --ledger acme.assay origin-chips.dsse origin-radio.dsse origin-cells.dsse step.dsse assembly.dsse status.dsse commitment.dsse other.dsse >/dev/null
# The operator rotates the radio supplier's key out (its earlier origin stays valid).
a revoke --ledger acme.assay --key operator.key --public-key radio.key.pub --reason superseded >/dev/null

# Checkpoint 1, cosigned by a witness configured for this log.
a checkpoint --ledger acme.assay --key operator.key > checkpoint-1.txt
size1="$(sed -n 2p checkpoint-1.txt)"
a witness add-log --state witness-state --origin "$ORIGIN" --log-key operator.key.pub >/dev/null
a witness cosign --checkpoint checkpoint-1.txt --key witness.key --state witness-state > cosigned-1.txt
a cosignatures add --ledger acme.assay cosigned-1.txt >/dev/null
# One more entry about the product, checkpoint 2, cosigned with a consistency proof from 1.
generic inspected maker "$PRODUCT" inspected
a append --ledger acme.assay inspected.dsse >/dev/null
a checkpoint --ledger acme.assay --key operator.key > checkpoint-2.txt
size2="$(sed -n 2p checkpoint-2.txt)"
a prove consistency --ledger acme.assay --from "$size1" > consistency-1-2.txt
a witness cosign --checkpoint checkpoint-2.txt --key witness.key --state witness-state --proof consistency-1-2.txt > cosigned-2.txt
a cosignatures add --ledger acme.assay cosigned-2.txt >/dev/null
a verify --ledger acme.assay --log-key operator.key.pub >/dev/null
a export --ledger acme.assay --product "$PRODUCT" --out valid.assay-bundle >/dev/null
a export --ledger acme.assay --product "$PRODUCT" --since checkpoint-1.txt --out with-consistency.assay-bundle >/dev/null
a export --ledger acme.assay --product "$OTHER" --out other.assay-bundle >/dev/null

# Entries the log would never have accepted, forged into copies of the ledger file, then
# checkpointed, cosigned (the witness only checks consistency) and exported as the CLI does.
forged() { # name envelope kind signer delta-ms subject...
  local name="$1"; shift
  python3 "$py" backup acme.assay "forged-$name.assay"
  rm -rf "ws-$name"; cp -r witness-state "ws-$name"
  python3 "$py" forge "forged-$name.assay" "$@"
  a checkpoint --ledger "forged-$name.assay" --key operator.key > "cp-$name.txt"
  a prove consistency --ledger "forged-$name.assay" --from "$size2" > "proof-$name.txt"
  a witness cosign --checkpoint "cp-$name.txt" --key witness.key --state "ws-$name" --proof "proof-$name.txt" > "cos-$name.txt"
  a cosignatures add --ledger "forged-$name.assay" "cos-$name.txt" >/dev/null
  a export --ledger "forged-$name.assay" --product "$PRODUCT" --out "$name.assay-bundle" >/dev/null
}
generic rogue rogue "$PRODUCT" inspected
forged unregistered-signer rogue.dsse GenericEvent "$(ref rogue.key)" 1000 "$PRODUCT"
generic revoked radio "$PRODUCT" inspected
forged revoked-signer revoked.dsse GenericEvent "$(ref radio.key)" 1000 "$PRODUCT"
a sign --key cells.key commitment.json > role.dsse
forged role-not-allowed role.dsse LifecycleCommitment "$(ref cells.key)" 1000 https://id.gs1.org/01/04012345000016
generic relabel chips "$PRODUCT" repaired
python3 "$py" relabel relabel.dsse "$(ref maker.key)" relabelled.dsse
forged keyid-relabelled relabelled.dsse GenericEvent "$(ref maker.key)" 1000 "$PRODUCT"
generic late maker "$PRODUCT" shipped
forged record-time-backwards late.dsse GenericEvent "$(ref maker.key)" -60000 "$PRODUCT"

# The output: trust, valid bundles, tampered copies, vectors.json.
mkdir -p "$out"
rm -f "$out"/*.assay-bundle "$out/vectors.json" "$out/trust.json"
python3 "$py" trust operator.key.pub witness.key.pub "$ORIGIN" "$PRODUCT" "$out/trust.json"
cp valid.assay-bundle with-consistency.assay-bundle "$out/"
cat > extra.json <<JSON
[{"name": "valid", "file": "valid.assay-bundle", "expect": "verified", "why": "the product's bundle as assay export wrote it: checkpoint of size $size2 cosigned by the witness"},
 {"name": "with-consistency", "file": "with-consistency.assay-bundle", "expect": "verified", "why": "exported with --since the checkpoint of size $size1: carries a consistency proof and per-subject prefix proofs, both checked"},
 {"name": "unregistered-signer", "file": "unregistered-signer.assay-bundle", "expect": "failed", "why": "forged log: a generic event about the product signed by a key no registration names"},
 {"name": "revoked-signer", "file": "revoked-signer.assay-bundle", "expect": "failed", "why": "forged log: a generic event about the product signed by the radio supplier's key after its revocation"},
 {"name": "role-not-allowed", "file": "role-not-allowed.assay-bundle", "expect": "failed", "why": "forged log: a lifecycle commitment for the product's model signed by a supplier (only a manufacturer or importer may write one)"},
 {"name": "keyid-relabelled", "file": "keyid-relabelled.assay-bundle", "expect": "failed", "why": "forged log: an entry signed by a supplier whose keyid was relabelled to the manufacturer's key"},
 {"name": "record-time-backwards", "file": "record-time-backwards.assay-bundle", "expect": "failed", "why": "forged log: the last record's append time is a minute before the previous record's"}]
JSON
for f in unregistered-signer revoked-signer role-not-allowed keyid-relabelled record-time-backwards; do cp "$f.assay-bundle" "$out/"; done
python3 "$py" tamper valid.assay-bundle with-consistency.assay-bundle other.assay-bundle "$work" "$PRODUCT" "$out" extra.json "$out/vectors.json"
echo "== wrote $(ls "$out"/*.assay-bundle | wc -l) bundles ($(( $(cat "$out"/* | wc -c) / 1024 )) KiB) to $out"

echo "== checking every vector with both verifiers"
check "$out"
