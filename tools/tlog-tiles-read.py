#!/usr/bin/env python3
"""An independent C2SP tlog-tiles reader for an Assay log, written from the specs alone
(c2sp.org/tlog-tiles, RFC 6962 §2.1, Schemas/FORMAT.md §3 and §15) with the Python standard
library: no Assay code.

    tlog-tiles-read.py URL [--dump DIR]

Fetches URL/checkpoint, then every level 0 hash tile and entry bundle of its tree (and every
tile of the levels above), and checks:
  * each entry bundle holds exactly the tile's width of big-endian-uint16-length-prefixed entries;
  * each entry is an Assay record (0x01, u64 seq, i64 time, envelope) whose seq is its position;
  * SHA-256(0x00 || entry) equals the level 0 tile's hash at its position;
  * every hash of a level L+1 tile is the Merkle Tree Hash of the full level L tile below it;
  * the RFC 6962 root over all leaf hashes equals the checkpoint's root.
It does not check the checkpoint's Ed25519 signature (no Ed25519 in the standard library).

Prints one JSON object: {"origin", "size", "root", "entries": [[seq, leafHashBase64], ...],
"tiles": n}; exits 1 with a message on standard error when a check fails. With --dump DIR it
also writes every resource it read under DIR at its path (a static copy of the log).
"""
import base64
import hashlib
import json
import os
import struct
import sys
import urllib.error
import urllib.request


def fail(message):
    sys.stderr.write("tlog-tiles-read: " + message + "\n")
    sys.exit(1)


def sha256(data):
    return hashlib.sha256(data).digest()


def mth(hashes):
    """RFC 6962 Merkle Tree Hash over leaf hashes (already hashed)."""
    if not hashes:
        return sha256(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))


def index_path(n):
    groups = ["%03d" % (n % 1000)]
    n //= 1000
    while n > 0:
        groups.insert(0, "x%03d" % (n % 1000))
        n //= 1000
    return "/".join(groups)


def tile_path(level, n, width):
    head = "tile/entries/" if level == "entries" else "tile/%d/" % level
    return head + index_path(n) + ("" if width == 256 else ".p/%d" % width)


class Log:
    def __init__(self, url, dump):
        self.url = url.rstrip("/") + "/"
        self.dump = dump
        self.fetched = 0

    def get(self, path):
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as r:
                body = r.read()
        except urllib.error.HTTPError as e:
            fail("GET %s answered %d" % (path, e.code))
        if self.dump:
            target = os.path.join(self.dump, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(body)
        self.fetched += 1
        return body


def tiles_of(level, size):
    count = size // (256 ** level)
    out = [(n, 256) for n in range(count // 256)]
    if count % 256:
        out.append((count // 256, count % 256))
    return out


def main():
    args = sys.argv[1:]
    dump = None
    if "--dump" in args:
        i = args.index("--dump")
        dump = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        fail("usage: tlog-tiles-read.py URL [--dump DIR]")
    log = Log(args[0], dump)
    note = log.get("checkpoint").decode("utf-8")
    body = note.split("\n\n", 1)[0].split("\n")
    origin, size, root = body[0], int(body[1]), base64.b64decode(body[2], validate=True)
    leaves, entries = [], []
    below = []  # Merkle Tree Hashes of the full tiles of the level just read
    for n, width in tiles_of(0, size):
        tile = log.get(tile_path(0, n, width))
        if len(tile) != 32 * width:
            fail("%s is %d bytes, not %d" % (tile_path(0, n, width), len(tile), 32 * width))
        hashes = [tile[i:i + 32] for i in range(0, len(tile), 32)]
        bundle = log.get(tile_path("entries", n, width))
        at, items = 0, []
        while at < len(bundle):
            if at + 2 > len(bundle):
                fail("%s: truncated length" % tile_path("entries", n, width))
            (length,) = struct.unpack(">H", bundle[at:at + 2])
            if at + 2 + length > len(bundle):
                fail("%s: entry %d runs past the end" % (tile_path("entries", n, width), len(items)))
            items.append(bundle[at + 2:at + 2 + length])
            at += 2 + length
        if len(items) != width:
            fail("%s holds %d entries, not %d" % (tile_path("entries", n, width), len(items), width))
        for i, entry in enumerate(items):
            seq = n * 256 + i
            if len(entry) < 17 or entry[0] != 1:
                fail("entry %d is not a version 1 Assay record" % seq)
            (record_seq,) = struct.unpack(">Q", entry[1:9])
            if record_seq != seq:
                fail("entry %d says seq %d" % (seq, record_seq))
            leaf = sha256(b"\x00" + entry)
            if leaf != hashes[i]:
                fail("entry %d does not hash to %s" % (seq, tile_path(0, n, width)))
            entries.append([seq, base64.b64encode(leaf).decode()])
        leaves.extend(hashes)
        if width == 256:
            below.append(mth(hashes))
    level = 1
    while size // (256 ** level) > 0:
        following = []
        for n, width in tiles_of(level, size):
            tile = log.get(tile_path(level, n, width))
            if len(tile) != 32 * width:
                fail("%s is %d bytes, not %d" % (tile_path(level, n, width), len(tile), 32 * width))
            hashes = [tile[i:i + 32] for i in range(0, len(tile), 32)]
            if hashes != below[n * 256:n * 256 + width]:
                fail("%s is not the Merkle Tree Hashes of the full tiles below it" % tile_path(level, n, width))
            if width == 256:
                following.append(mth(hashes))
        below = following
        level += 1
    if mth(leaves) != root:
        fail("the root over the tiles' leaves is not the checkpoint's")
    print(json.dumps({"origin": origin, "size": size, "root": base64.b64encode(root).decode(),
                      "entries": entries, "tiles": log.fetched}))


if __name__ == "__main__":
    main()
