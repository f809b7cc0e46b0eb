"""Byte-level mutations of real files, libFuzzer-style, deterministic for (seed, index).

Every input is a pure function of the run's seed, its index and the seed files, so a
finding is reproduced from two numbers (`python -m fuzz.harness --replay SEED:INDEX`).
Mutations aim where parsers look: integers next to structure markers (JPEG segment
lengths, PNG chunk lengths, ISOBMFF box sizes, RIFF sizes), and PNG chunk CRCs are fixed up
most of the time, or every mutation would stop at the first CRC check.
"""

from __future__ import annotations

import random
import struct
import zlib

MAX_LEN = 256 * 1024

# Tokens whose neighbourhood holds lengths, sizes, counts and dimensions.
TOKENS = (
    b"\xff\xc0", b"\xff\xc2", b"\xff\xc4", b"\xff\xda", b"\xff\xdb", b"\xff\xdd", b"\xff\xe1",
    b"\xff\xe2", b"\xff\xee", b"\xff\xd9", b"Exif", b"ICC_PROFILE", b"MPF",
    b"IHDR", b"IDAT", b"IEND", b"PLTE", b"tRNS", b"iCCP", b"eXIf", b"tEXt", b"zTXt", b"iTXt",
    b"acTL", b"fcTL", b"RIFF", b"WEBP", b"VP8 ", b"VP8L", b"VP8X", b"ANIM", b"ANMF", b"ALPH",
    b"ftyp", b"meta", b"hdlr", b"pitm", b"iloc", b"iinf", b"infe", b"iref", b"iprp", b"ipco",
    b"ipma", b"ispe", b"hvcC", b"av1C", b"colr", b"irot", b"imir", b"pixi", b"mdat", b"grid",
    b"auxC", b"idat", b"dimg", b"thmb", b"cdsc",
)
INTERESTING = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
               0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def _int_at(rng: random.Random, b: bytearray, pos: int) -> None:
    """Rewrite a 1/2/4-byte integer (either endianness) at pos: nudge it or make it extreme."""
    size = rng.choice((1, 2, 2, 4, 4))
    if pos < 0 or pos + size > len(b):
        return
    fmt = {1: "B", 2: "H", 4: "I"}[size]
    fmt = (">" if rng.random() < 0.75 else "<") + fmt
    (value,) = struct.unpack_from(fmt, b, pos)
    if rng.random() < 0.5:
        value += rng.choice((-1, 1)) * rng.randint(1, 64)
    elif rng.random() < 0.2:
        value = len(b) + rng.randint(-16, 16)
    else:
        value = rng.choice(INTERESTING)
    struct.pack_into(fmt, b, pos, value % (1 << (8 * size)))


def _token_offset(rng: random.Random, b: bytearray) -> int | None:
    token = rng.choice(TOKENS)
    hits = []
    start = b.find(token)
    while start != -1 and len(hits) < 16:
        hits.append(start)
        start = b.find(token, start + 1)
    return rng.choice(hits) if hits else None


def _chunk(rng: random.Random, src: bytes | bytearray) -> bytes:
    if not src:
        return b""
    n = min(len(src), rng.choice((1, 2, 4, 8, 16, 64, 256, 1024)))
    start = rng.randrange(0, len(src) - n + 1)
    return bytes(src[start : start + n])


def mutate_once(rng: random.Random, b: bytearray, others: list[bytes]) -> None:
    n = len(b)
    op = rng.randrange(12)
    pos = rng.randrange(n) if n else 0
    if n == 0:
        b.extend(_chunk(rng, rng.choice(others)))
    elif op == 0:  # flip a bit
        b[pos] ^= 1 << rng.randrange(8)
    elif op == 1:  # random byte
        b[pos] = rng.randrange(256)
    elif op in (2, 3):  # an integer near a structure marker
        at = _token_offset(rng, b)
        if at is not None:
            _int_at(rng, b, at + rng.randint(-8, 12))
        else:
            _int_at(rng, b, pos)
    elif op == 4:  # an integer anywhere
        _int_at(rng, b, pos)
    elif op == 5:  # delete a range
        del b[pos : pos + rng.choice((1, 2, 4, 16, 64, 256, 4096))]
    elif op == 6:  # insert random or repeated bytes
        k = rng.choice((1, 2, 4, 16, 64, 256))
        fill = bytes(rng.randrange(256) for _ in range(k)) if rng.random() < 0.5 else (
            bytes((rng.randrange(256),)) * k
        )
        b[pos:pos] = fill
    elif op == 7:  # duplicate a range of itself elsewhere
        b[pos:pos] = _chunk(rng, b)
    elif op == 8:  # overwrite with a piece of another file
        piece = _chunk(rng, rng.choice(others))
        b[pos : pos + len(piece)] = piece
    elif op == 9:  # truncate
        del b[rng.randrange(n) :]
    elif op == 10:  # crossover: this file's head, another's tail
        other = rng.choice(others)
        if other:
            b[pos:] = other[rng.randrange(len(other)) :]
    else:  # copy a marker (and what follows) to another place: duplicated segments/boxes
        at = _token_offset(rng, b)
        if at is not None:
            b[pos:pos] = bytes(b[max(0, at - 4) : at + rng.choice((8, 16, 64, 256))])


def fix_png_crcs(b: bytearray) -> None:
    """Recompute every complete chunk's CRC, so mutations get past the CRC checks."""
    if not b.startswith(b"\x89PNG\r\n\x1a\n"):
        return
    pos = 8
    while pos + 12 <= len(b):
        (length,) = struct.unpack_from(">I", b, pos)
        end = pos + 8 + length
        if end + 4 > len(b):
            return
        struct.pack_into(">I", b, end, zlib.crc32(b[pos + 4 : end]) & 0xFFFFFFFF)
        pos = end + 4


def make_input(seed: int, index: int, files: list[bytes]) -> tuple[int, bytes]:
    """(which seed file, the mutated bytes) of input `index` of run `seed`."""
    rng = random.Random((seed << 40) ^ index)
    which = rng.randrange(len(files))
    b = bytearray(files[which])
    for _ in range(1 + min(7, int(rng.expovariate(0.6)))):
        mutate_once(rng, b, files)
    if rng.random() < 0.7:
        fix_png_crcs(b)
    return which, bytes(b[:MAX_LEN])
