"""Set an ICC v2 profile's description ('desc') and characterisation target ('targ') tags.

The ICC Characterization Data Registry asks that a profile built from registered data carry
charTargetTag = "ICCHDAT <reference name>" and name the reference in its description. ArgyllCMS
writes the whole measurement file into 'targ'; this replaces it (which also keeps the profile
small). Standard library only.

    python3 scripts/icc_retag.py PROFILE.icc --desc "..." [--targ "ICCHDAT FOGRA39"]
"""

from __future__ import annotations

import argparse
import struct
from pathlib import Path


def text_type(s: str) -> bytes:
    return b"text" + b"\0" * 4 + s.encode("ascii") + b"\0"


def desc_type(s: str) -> bytes:
    a = s.encode("ascii") + b"\0"
    # textDescriptionType: ASCII, then empty Unicode and ScriptCode parts
    return b"desc" + b"\0" * 4 + struct.pack(">I", len(a)) + a + b"\0" * 8 + b"\0" * 3 + b"\0" * 67


def retag(icc: bytes, replace: dict[bytes, bytes]) -> bytes:
    (count,) = struct.unpack_from(">I", icc, 128)
    entries = [struct.unpack_from(">4sII", icc, 132 + 12 * i) for i in range(count)]
    blobs: dict[tuple[int, int], bytes] = {}
    order: list[tuple[bytes, tuple[int, int]]] = []
    for sig, off, size in entries:
        key = (off, size)
        data = replace.get(sig, icc[off : off + size])
        if sig in replace:
            key = (-1 - len(order), len(data))  # never shared
        blobs.setdefault(key, data)
        order.append((sig, key))
    for sig, data in replace.items():
        if sig not in {s for s, _ in order}:
            key = (-1000 - len(order), len(data))
            blobs[key] = data
            order.append((sig, key))
    header_len = 128 + 4 + 12 * len(order)
    pos = header_len
    placed: dict[tuple[int, int], int] = {}
    body = bytearray()
    for _, key in order:
        if key in placed:
            continue
        pad = (-pos) % 4
        body += b"\0" * pad
        pos += pad
        placed[key] = pos
        body += blobs[key]
        pos += len(blobs[key])
    body += b"\0" * ((-pos) % 4)
    table = struct.pack(">I", len(order)) + b"".join(
        struct.pack(">4sII", sig, placed[key], len(blobs[key])) for sig, key in order
    )
    header = bytearray(icc[:128])
    total = header_len + len(body)
    struct.pack_into(">I", header, 0, total)
    header[84:100] = b"\0" * 16  # profile ID: not computed (allowed)
    return bytes(header) + table + bytes(body)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("profile", type=Path)
    ap.add_argument("--desc", required=True)
    ap.add_argument("--targ")
    a = ap.parse_args()
    replace = {b"desc": desc_type(a.desc)}
    if a.targ:
        replace[b"targ"] = text_type(a.targ)
    a.profile.write_bytes(retag(a.profile.read_bytes(), replace))


if __name__ == "__main__":
    main()
