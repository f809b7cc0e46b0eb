"""Make demo/photos/ from ../shared/demo-photos/ (47 real photos under CC BY; see its README.md).

    .venv/bin/python demo/make_photos.py [--source ../shared/demo-photos] [--out demo/photos]

Every photo is vendored, at most 40 MB in all, each still big enough to print:
- A file whose long side is at most LONG_SIDE px is copied byte for byte (the Flickr photos,
  the farm photos, the screenshot, which is a PNG named .jpeg).
- A bigger JPEG is resized with Pillow (Lanczos) to LONG_SIDE px on its long side (enough for
  a 21x21 cm page at 300 ppi) and re-encoded at JPEG_QUALITY. Its EXIF block is kept whole
  (capture time, orientation, GPS, camera) with only the EXIF pixel dimensions set to the new
  size; its ICC profile and XMP are kept. Pixels stay as stored, so the orientation tag still
  applies.
- A HEIC up to HEIC_KEEP_BYTES is copied byte for byte (HEVC is small enough even at 24 MP);
  a bigger one is resized to HEIC_LONG_SIDE and re-encoded as HEIC (libheif/x265 in
  pillow-heif) with its EXIF, XMP and ICC profile; its depth map, HDR gain map and thumbnail
  are not carried over.
No ImageMagick or exiftool is involved. Writes CREDITS.md (author, source, licence, capture
time and what was changed, for every file) from the source's MANIFEST.tsv. Pillow's JPEG
encoder is deterministic, so a rerun gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import struct
import sys
from pathlib import Path

from PIL import Image

LONG_SIDE = 2560
JPEG_QUALITY = 85
HEIC_KEEP_BYTES = 2_500_000
HEIC_LONG_SIDE = 4032
HEIC_QUALITY = 50  # x265 at q50: 0.76 MB for 12 MP; q80 would be larger than the source
BUDGET = 40_000_000  # bytes, CREDITS.md included

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "demo-photos"
OUT = ROOT / "demo" / "photos"

UPSTREAM = "https://github.com/RhetTbull/osxphotos"
COMMIT = "a7a4dff4f97798c3af212bdbb242462ac22f0436"

EXIF_IFD, PIXEL_X, PIXEL_Y = 0x8769, 0xA002, 0xA003


def set_exif_size(exif: bytes, width: int, height: int) -> bytes:
    """The EXIF block with PixelXDimension/PixelYDimension set in place; all else unchanged."""
    head = b"Exif\x00\x00" if exif.startswith(b"Exif\x00\x00") else b""
    tiff = bytearray(exif[len(head) :])
    order = {b"II": "<", b"MM": ">"}[bytes(tiff[:2])]

    def entries(offset: int) -> list[tuple[int, int, int]]:
        (count,) = struct.unpack_from(order + "H", tiff, offset)
        return [
            (offset + 2 + 12 * i, *struct.unpack_from(order + "HH", tiff, offset + 2 + 12 * i))
            for i in range(count)
        ]

    (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
    for pos, tag, _ in entries(ifd0):
        if tag != EXIF_IFD:
            continue
        (exif_ifd,) = struct.unpack_from(order + "I", tiff, pos + 8)
        for epos, etag, etype in entries(exif_ifd):
            if etag in (PIXEL_X, PIXEL_Y):
                value = width if etag == PIXEL_X else height
                if etype == 3:  # SHORT, left-justified in the 4-byte value field
                    struct.pack_into(order + "HH", tiff, epos + 8, value, 0)
                else:  # LONG
                    struct.pack_into(order + "I", tiff, epos + 8, value)
    return head + bytes(tiff)


def fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    w, h = size
    scale = long_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def make(src: Path, dst: Path) -> str:
    """Write dst from src; returns what was changed, in words."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    with Image.open(src) as im:
        fmt, size = im.format, im.size
        if fmt == "HEIF":
            if src.stat().st_size <= HEIC_KEEP_BYTES:
                shutil.copyfile(src, dst)
                return "none (byte-for-byte copy)"
            new = fit(size, HEIC_LONG_SIDE)
            info = dict(im.info)
            out = im.convert("RGB").resize(new, Image.Resampling.LANCZOS)
            out.save(
                dst,
                format="HEIF",
                quality=HEIC_QUALITY,
                exif=set_exif_size(info["exif"], *new) if info.get("exif") else None,
                xmp=info.get("xmp"),
                icc_profile=info.get("icc_profile"),
            )
            return (
                f"resized from {size[0]}x{size[1]} to {new[0]}x{new[1]} (Lanczos), re-encoded "
                f"as HEIC q{HEIC_QUALITY} (x265); EXIF, XMP and ICC profile kept (EXIF pixel "
                "size updated); depth map, HDR gain map and thumbnail dropped"
            )
        if fmt != "JPEG" or max(size) <= LONG_SIDE:
            shutil.copyfile(src, dst)
            return "none (byte-for-byte copy)"
        new = fit(size, LONG_SIDE)
        info = dict(im.info)
        out = im.resize(new, Image.Resampling.LANCZOS)
        kept = [k for k in ("exif", "icc_profile", "xmp") if info.get(k)]
        out.save(
            dst,
            format="JPEG",
            quality=JPEG_QUALITY,
            optimize=True,
            exif=set_exif_size(info["exif"], *new) if info.get("exif") else b"",
            icc_profile=info.get("icc_profile"),
            xmp=info.get("xmp", b""),
            dpi=info.get("dpi", (72, 72)),
        )
        names = {"exif": "EXIF", "icc_profile": "ICC profile", "xmp": "XMP"}
        what = ", ".join(names[k] for k in kept) or "no metadata (the source had none)"
        return (
            f"resized from {size[0]}x{size[1]} to {new[0]}x{new[1]} (Lanczos), re-encoded "
            f"JPEG q{JPEG_QUALITY}; kept: {what}"
            + (" (EXIF pixel size updated)" if info.get("exif") else "")
        )


def licence(author: str) -> str:
    if "CC BY 4.0" in author:
        return "CC BY 2.0 (also published by the author under CC BY 4.0)"
    return "CC BY 2.0"


def author_of(author: str) -> str:
    if author.startswith("as credited"):
        return (
            "Rhet Turnbull's own library, or a Flickr photographer credited in osxphotos "
            "tests/README.md (the source does not say which, per file)"
        )
    if "(CC BY 4.0" in author:
        return author.split(" (CC BY 4.0")[0]
    return author


def credits(rows: list[dict[str, str]], changes: dict[str, str]) -> str:
    lines = [
        "# Demo photos: credits",
        "",
        "Real photos for pressroom's demo, made from `../shared/demo-photos/` by",
        "`demo/make_photos.py` (Pillow and pillow-heif; no ImageMagick or exiftool).",
        "",
        f"**Source**: the test libraries of the osxphotos project ({UPSTREAM}, folder `tests/`,",
        f'commit `{COMMIT}`), whose `tests/README.md` says: "The test library is',
        "populated with photos from flickr and from my own photo library. All images used are",
        "licensed under Creative Commons 2.0 Attribution license",
        "(https://creativecommons.org/licenses/by/2.0/).\" Each row gives the file's path there.",
        "",
        "**Licence**: CC BY 2.0, https://creativecommons.org/licenses/by/2.0/ . The farm photos",
        "from `TestTimeWarp-10.15.7.photoslibrary` are also published by Rhet Turnbull under",
        "CC BY 4.0 (photos_time_warp project).",
        "",
        "**Authors**: Flickr photos (named by their Flickr photo id) are credited to their",
        "photographer. The others are from Rhet Turnbull's own library or from the Flickr",
        "photographers the source credits as a group: Jeff Hitchcock, Carlos Montesdeoca, Rydale",
        "Clothing, Marco Verch, K M, Shelby Mash, Rory MacLeod, Md. Al Amin, Fatlum Haliti, Benny",
        "Mazur, Sara Cooper PR, herval, Vox Efx, Bill Strain, Guilherme Yagui, Deborah Austin, We",
        "Are Social, cloud.shepherd.",
        "",
        '**Changes**: listed per file. "Captured" is the EXIF DateTimeOriginal, kept in the',
        "vendored file wherever the source had one.",
        "",
        "| file | author | licence | captured | source path | changes |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        name = row["file"]
        cells = [
            f"`{name}`",
            author_of(row["author"]),
            licence(row["author"]),
            row["captured"] or "-",
            f"`{row['source_path']}`",
            changes[name],
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with (args.source / "MANIFEST.tsv").open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    changes = {}
    for row in rows:
        changes[row["file"]] = make(args.source / row["file"], args.out / row["file"])
        print(f"{row['file']}: {changes[row['file']]}")
    (args.out / "CREDITS.md").write_text(credits(rows, changes))
    total = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{len(rows)} photos, {total / 1e6:.1f} MB in {args.out}")
    if total > BUDGET:
        print(f"over the {BUDGET / 1e6:.0f} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
