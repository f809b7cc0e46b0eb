"""Crop a photo to its frame so every face lands inside the frame and inside the safe zone
(never cut by the trim or lost in the gutter) with headroom above it, then check resolution.

Headroom rule: above each face box, half the box's height (or all the photo has above the face,
when that is less) stays in the picture and inside the safe zone, so the crown of the head and
a little air survive the trim. Products cut to a circle (ornaments) zoom in on the faces so the
subject fills the disc, down to the resolution the target ppi allows.

The crop is the largest the photo allows at the frame's aspect, slid along its free axis to
centre the faces (or the photo) within the limits the faces set. When no crop can keep all
faces safe, the whole photo is fitted inside the safe part of the frame instead. A photo
short of the minimum ppi is drawn smaller (about the frame's centre) until it reaches it.
"""

from __future__ import annotations

from pressroom.photos import PhotoFacts

from ..book import Placement
from ..model import Product, Rect
from .context import face_rects

EPS = 1e-6
HEADROOM = 0.5  # of a face box's height, kept visible above it
ORNAMENT_FILL = 0.5  # faces (with headroom) span about this share of a circle's frame
ZOOM_STEP = 0.92  # circles: each try crops 8% tighter


def headroom_px(face: Rect, lost: float = 0.0) -> float:
    """Pixels above a face that must stay visible: half its height, or what the photo has
    (less the `lost` top rows that fall outside the safe zone when the photo's top edge sits
    on the frame's top edge)."""
    return min(HEADROOM * face.h, max(0.0, face.y - lost))


def with_headroom(face: Rect, lost: float = 0.0) -> Rect:
    h = headroom_px(face, lost)
    return Rect(face.x, face.y - h, face.w, face.h + h)


def _slide(
    size: float,
    crop: float,
    f0: float | None,
    f1: float | None,
    frame0: float,
    allow0: float,
    allow1: float,
    k: float,
) -> float | None:
    """Start of the crop on one axis (pixels), or None when the faces cannot all be safe.
    k = millimetres per pixel; the page position of pixel p is frame0 + (p - start) * k."""
    lo, hi = 0.0, size - crop
    if f0 is None or f1 is None:
        return hi / 2
    lo = max(lo, f1 - (allow1 - frame0) / k)
    hi = min(hi, f0 - (allow0 - frame0) / k)
    if lo > hi + EPS:
        return None
    want = (f0 + f1) / 2 - crop / 2
    return min(max(want, lo), hi)


def faces_on_page(faces: list[Rect], crop: Rect, image: Rect) -> list[Rect]:
    k = image.w / crop.w
    return [
        Rect(
            image.x + (f.x - crop.x) * k,
            image.y + (f.y - crop.y) * image.h / crop.h,
            f.w * k,
            f.h * image.h / crop.h,
        )
        for f in faces
    ]


def _zoom(cw: float, boxes: list[Rect], frame: Rect, allowed: Rect, product: Product) -> float:
    """Crop width that makes the faces fill a circle's frame: never wider than the photo
    allows, never so narrow that the faces leave the safe zone or the ppi drops under target
    (or under the minimum when the photo is short of pixels even uncropped)."""
    gw = max(b.x1 for b in boxes) - min(b.x for b in boxes)
    gh = max(b.y1 for b in boxes) - min(b.y for b in boxes)
    want = max(gw / ORNAMENT_FILL, gh / ORNAMENT_FILL * frame.aspect)
    fits = 1.02 * max(gw * frame.w / allowed.w, gh * frame.w / allowed.h)
    ppi = product.target_ppi if cw / (frame.w / 25.4) >= product.target_ppi else product.min_ppi
    sharp = frame.w / 25.4 * ppi
    return min(cw, max(want, fits, sharp))


def _crop_at(
    W: int,
    H: int,
    cw: float,
    ch: float,
    faces: list[Rect],
    boxes: list[Rect],
    frame: Rect,
    allowed: Rect,
) -> tuple[float | None, float | None]:
    """Where a cw x ch crop starts so the faces (with headroom) lie in `allowed`; None on an
    axis where they cannot."""
    k = frame.w / cw
    no_face: tuple[float | None, float | None] = (None, None)
    fx = (min(f.x for f in boxes), max(f.x1 for f in boxes)) if faces else no_face
    fy = (min(f.y for f in boxes), max(f.y1 for f in boxes)) if faces else no_face
    sx = _slide(W, cw, *fx, frame.x, allowed.x, allowed.x1, k)
    sy = _slide(H, ch, *fy, frame.y, allowed.y, allowed.y1, k)
    if sy is None and faces:  # the photo has little above the faces: show its top edge
        lost = max(0.0, (allowed.y - frame.y) / k)
        tops = [with_headroom(f, lost) for f in faces]
        top, bottom = min(b.y for b in tops), max(b.y1 for b in tops)
        sy = _slide(H, ch, top, bottom, frame.y, allowed.y, allowed.y1, k)
    return sx, sy


def place(photo: PhotoFacts, frame: Rect, safe: Rect, product: Product) -> Placement:
    W, H = photo.width, photo.height
    faces = [f.intersect(Rect(0, 0, W, H)) for f in face_rects(photo)]
    faces = [f for f in faces if f.w > 0 and f.h > 0]
    boxes = [with_headroom(f) for f in faces]
    allowed = safe.intersect(frame)
    flags: list[str] = []
    if frame.aspect < W / H:
        cw, ch = H * frame.aspect, float(H)
    else:
        cw, ch = float(W), W / frame.aspect
    if product.shape == "circle" and boxes and allowed.w > 0:
        cw = _zoom(cw, boxes, frame, allowed, product)
        ch = cw / frame.aspect
    sx, sy = _crop_at(W, H, cw, ch, faces, boxes, frame, allowed)
    if (sx is None or sy is None) and product.shape == "circle" and faces and allowed.w > 0:
        # a face near the photo's edge cannot reach the disc's safe area at this zoom: zoom
        # in, step by step, while the picture keeps the minimum ppi
        least = frame.w / 25.4 * product.min_ppi
        while (sx is None or sy is None) and cw * ZOOM_STEP >= least:
            cw, ch = cw * ZOOM_STEP, ch * ZOOM_STEP
            sx, sy = _crop_at(W, H, cw, ch, faces, boxes, frame, allowed)
    if sx is not None and sy is not None and allowed.w > 0:
        crop, image = Rect(sx, sy, cw, ch), frame
    else:  # the whole photo, inside the safe part of the frame
        crop = Rect(0, 0, W, H)
        image = (allowed if allowed.w > 0 and allowed.h > 0 else frame).fit(W / H)
        flags.append("fitted")
    ppi = crop.w / (image.w / 25.4)
    if ppi < product.min_ppi - EPS:
        image = image.scaled(ppi / product.min_ppi)
        ppi = product.min_ppi
        flags.append("shrunk")
        on_page = faces_on_page(faces, crop, image)
        if not all(safe.contains(f) for f in on_page):
            crop = Rect(0, 0, W, H)
            area = allowed if allowed.w > 0 and allowed.h > 0 else frame
            image = area.fit(W / H)
            max_w = W / product.min_ppi * 25.4
            if image.w > max_w:
                image = image.scaled(max_w / image.w)
            ppi = crop.w / (image.w / 25.4)
            flags.append("fitted")
    if ppi < product.target_ppi - 0.5:
        flags.append("low_ppi")
    return Placement(
        photo_id=photo.id,
        master=photo.master,
        src_w=W,
        src_h=H,
        frame=frame,
        image=image,
        crop=crop,
        ppi=ppi,
        faces=faces_on_page(faces, crop, image),
        flags=flags,
    )
