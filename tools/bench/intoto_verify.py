#!/usr/bin/env python3
"""Peer comparison: the in-toto reference implementation's DSSE verification
(securesystemslib, which in-toto uses for DSSE) over the same envelopes Assay verifies.

Usage: intoto_verify.py ENVELOPES.jsonl KEYS.json
  ENVELOPES.jsonl  one DSSE envelope per line (Assay's canonical envelope JSON)
  KEYS.json        {"<keyid>": "<32-byte Ed25519 public key, hex>", ...}
Prints one JSON line: {"verified": N, "seconds": S, "rate": N/S, "implementation": "..."}.
"""
import json
import sys
import time

import in_toto  # noqa: F401  (the reference implementation; DSSE verification lives in securesystemslib)
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey


def main() -> int:
    envelopes_path, keys_path = sys.argv[1], sys.argv[2]
    with open(keys_path) as f:
        keys = {kid: SSlibKey(kid, "ed25519", "ed25519", {"public": pub}) for kid, pub in json.load(f).items()}
    with open(envelopes_path) as f:
        docs = [json.loads(line) for line in f if line.strip()]
    start = time.perf_counter()
    n = 0
    for d in docs:
        env = Envelope.from_dict(d)
        key = keys[env.signatures and next(iter(env.signatures))]
        env.verify([key], 1)
        n += 1
    secs = time.perf_counter() - start
    import securesystemslib
    print(json.dumps({"verified": n, "seconds": secs, "rate": n / secs,
                      "implementation": f"in-toto {in_toto.__version__} / securesystemslib {securesystemslib.__version__}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
