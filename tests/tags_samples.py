"""Evaluation inputs for the tagging and curation tests, generated from real photos.

* UI-like screens and documents rendered with Pillow (what a phone or desktop screenshot
  looks like: flat fills, axis-aligned panels, text), saved as PNG at real screen sizes or as
  JPEGs at arbitrary sizes.
* Variants of corpus photos: re-encoded, resized, cropped, brightened, shifted (a burst),
  Gaussian-blurred.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import skimage
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

SKIMAGE_DATA = Path(skimage.__file__).parent / "data"
ASTRONAUT = SKIMAGE_DATA / "astronaut.png"

# Corpus photos of scenes (not graphics), one per scene, used as distinct photos.
DISTINCT_PHOTOS = (
    "big/Display_P3.heic",
    "big/HMD_Nokia_8.3_5G.jpg",
    "big/cat.hif",
    "big/iphone_13_pro_max.HEIC",
    "big/iphone_hdr_NO.jpg",
    "big/jolla.jpg",
    "big/olympus_12mp_42_IndexError.jpg",
    "big/pug.heic",
    "colour/icc_profile_big.jpg",
    "colour/xmp_test_adobe_rgb.jpg",
    "heic/arrow.heic",
    "heic/aux_YCbCr.heic",
    "heic/empty_icc.heic",
    "heic/spatial_photo.heic",
    "heic/xiaomi.heic",
    "orientation/Landscape_1.jpg",
    "orientation/Portrait_1.jpg",
    "orientation/rot0mir1.avif",
    "orientation/xmp_tags_orientation.png",
    "valid/jpeg/11-tests.jpg",
    "valid/jpeg/22-canon_tags.jpg",
    "valid/jpeg/28-hex_value.jpg",
    "valid/jpeg/35-empty.jpg",
    "valid/jpeg/36-memory_error.jpg",
    "valid/jpeg/Reconyx_HC500_Hyperfire.jpg",
    "valid/jpeg/exif-72dpi-int.jpg",
    "valid/jpeg/exif_typeerror.jpg",
    "valid/jpeg/flower.jpg",
    "valid/jpeg/gps_progressive.jpg",
    "valid/jpeg/image00971.jpg",
    "valid/jpeg/iptc.jpg",
    "valid/mpo/frozenpond.mpo",
    "valid/mpo/sugarshack.mpo",
    "valid/webp/flower2.webp",
    "people/obama_portrait.jpg",
    "people/biden_portrait.jpg",
    "people/obama_biden.jpg",
    "people/biden_standing.jpg",
    "people/obama_standing.jpg",
    "hostile/PHP_exif_system.jpg",
    "valid/jpeg/app13-multiple.jpg",
    "valid/webp/hopper.webp",
)

# Faces counted by looking at each photo (frontal or three-quarter human faces big enough to
# see at 640 px). Photos not listed have none. Not counted: olympus (a painting of a battle,
# dozens of tiny painted faces), 28-hex_value (a person ~10 px tall), the Portrait_*
# waterfall shots (a figure seen from behind).
FACES = {
    "people/obama_portrait.jpg": 1,
    "people/biden_portrait.jpg": 1,
    "people/obama_biden.jpg": 2,
    "people/biden_standing.jpg": 1,
    "people/obama_standing.jpg": 1,
    "valid/jpeg/image00971.jpg": 1,  # a girl cheering; a man seen from behind
    "hostile/PHP_exif_system.jpg": 1,  # a painted portrait of Einstein
    "valid/webp/hopper.webp": 1,  # Grace Hopper, 128x128
    # valid/jpeg/app13-multiple.jpg: three puppies facing the camera, no person
}
UNCOUNTED = ("big/olympus_12mp_42_IndexError.jpg",)

SCREENS = ((1170, 2532), (1080, 2400), (1920, 1080), (2560, 1440), (750, 1334), (1284, 2778))


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def render_ui(seed: int, size: tuple[int, int] = (1170, 2532)) -> Image.Image:
    """A phone/desktop app screen: status bar, header, list rows with avatars and text."""
    rnd = random.Random(seed)
    w, h = size
    u = max(w, h) / 100  # layout unit
    dark = seed % 3 == 2
    bg = (28, 28, 30) if dark else rnd.choice([(255, 255, 255), (242, 242, 247), (250, 250, 250)])
    fg = (235, 235, 240) if dark else (20, 20, 25)
    accent = rnd.choice([(0, 122, 255), (52, 199, 89), (255, 59, 48), (88, 86, 214)])
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    font, small = _font(round(1.6 * u)), _font(round(1.1 * u))
    d.rectangle([0, 0, w, 3 * u], fill=bg)
    d.text((2 * u, 0.7 * u), "9:41", font=small, fill=fg)
    d.rectangle([w - 6 * u, u, w - 2.5 * u, 2.2 * u], outline=fg, width=2)
    d.rectangle([0, 3 * u, w, 9 * u], fill=accent)
    d.text(
        (2 * u, 4.8 * u),
        rnd.choice(["Messages", "Settings", "Inbox", "Photos"]),
        font=font,
        fill=(255, 255, 255),
    )
    y = 10 * u
    words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "sed",
        "do",
        "eiusmod",
        "tempor",
    ]
    while y < h - 8 * u:
        r = 2.2 * u
        d.ellipse([2 * u, y, 2 * u + 2 * r, y + 2 * r], fill=rnd.choice([accent, (142, 142, 147)]))
        d.text(
            (3 * u + 2 * r, y + 0.2 * u), " ".join(rnd.sample(words, 3)).title(), font=font, fill=fg
        )
        d.text(
            (3 * u + 2 * r, y + 2.4 * u),
            " ".join(rnd.sample(words, 6)),
            font=small,
            fill=(142, 142, 147),
        )
        y += 6.5 * u
        d.line([3 * u + 2 * r, y - u, w, y - u], fill=(200, 200, 205) if not dark else (60, 60, 64))
    d.rectangle([0, h - 7 * u, w, h], fill=(249, 249, 249) if not dark else (18, 18, 20))
    for i in range(4):
        cx = (i + 0.5) * w / 4
        d.rounded_rectangle(
            [cx - 1.5 * u, h - 5.5 * u, cx + 1.5 * u, h - 2.5 * u],
            radius=u / 2,
            fill=accent if i == 0 else (142, 142, 147),
        )
    return im


def render_document(seed: int, size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A text page (an A4 page at 150 dpi): headings, justified-looking lines, a table."""
    rnd = random.Random(seed)
    w, h = size
    im = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(im)
    body, head = _font(22), _font(40)
    d.text((100, 100), "Quarterly report", font=head, fill=(0, 0, 0))
    y = 190
    while y < h - 400:
        n = rnd.randint(6, 12)
        line = " ".join(
            rnd.choice(
                [
                    "the",
                    "photo",
                    "book",
                    "print",
                    "order",
                    "page",
                    "colour",
                    "paper",
                    "customer",
                    "album",
                ]
            )
            for _ in range(n)
        )
        d.text((100, y), line, font=body, fill=(30, 30, 30))
        y += 36
    for r in range(5):
        for c in range(4):
            d.rectangle(
                [100 + c * 260, y + r * 50, 360 + c * 260, y + 50 + r * 50],
                outline=(0, 0, 0),
                width=2,
            )
            d.text(
                (
                    112 + c * 260,
                    y + 12 + r * 50,
                ),
                f"{rnd.randint(10, 999)}",
                font=body,
                fill=(0, 0, 0),
            )
    return im


def png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def jpeg_bytes(im: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def load_upright(data: bytes, long_side: int = 1600) -> Image.Image:
    """A corpus photo as an upright RGB picture (test inputs are made from these pixels)."""
    from pressroom.ingest.pipeline import validate

    verdict, job = validate(data, proxy_size=long_side)
    assert verdict.verdict == "accept", verdict
    arr = job.proxy.numpy()
    im = Image.fromarray(arr if arr.ndim == 2 or arr.shape[2] != 1 else arr[:, :, 0])
    return im.convert("RGB")


def variants(im: Image.Image) -> dict[str, bytes]:
    """What a camera roll holds next to an original: copies and near-copies of it."""
    w, h = im.size
    dx, dy = round(0.05 * w), round(0.05 * h)
    sx = round(0.03 * w)
    return {
        "reencode_q60": jpeg_bytes(im, 60),
        "resize_50": jpeg_bytes(im.resize((w // 2, h // 2), Image.Resampling.LANCZOS)),
        "crop_5": jpeg_bytes(im.crop((dx // 2, dy // 2, w - dx // 2, h - dy // 2))),
        "brighter_15": jpeg_bytes(ImageEnhance.Brightness(im).enhance(1.15)),
        "burst_shift_3": jpeg_bytes(ImageOps.fit(im.crop((sx, 0, w, h)), (w, h))),
    }


def blurred(im: Image.Image, sigma_share: float = 0.004) -> bytes:
    """Gaussian blur with sigma as a share of the long side (0.004 = 6 px at 1600)."""
    return jpeg_bytes(im.filter(ImageFilter.GaussianBlur(sigma_share * max(im.size))))
