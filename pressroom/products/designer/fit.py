"""How well a photo suits a frame: the costs the page plan and the layout search minimise,
from the placement crop.place makes (exact). They are the score's measures (score.py)
turned into penalties, heavier where a designer would redo the page:

- crop: share of the photo cut away (W_CROP per unit, and W_HEAVY more per unit beyond
  HEAVY_CROP: a portrait cut to a landscape strip is no longer the photo that was taken);
- turned: a photo taller than wide cut beyond STRIP_LOSS of its area into a landscape frame
  (or a landscape into a portrait frame) costs W_STRIP more (a face portrait cut in half to a
  strip is a page a designer would redo; a portrait frame, or two smaller ones, belong to it);
- faces' photos: beyond FACE_LOSS cut away, W_FACE_CROP per unit more (people are cropped
  lightly: their shoulders, hands and the place around them are the picture);
- ppi: under target, W_PPI x (target / ppi - 1), and REACHABLE times more plus a step when
  another frame of the product takes the photo to the target (it belongs there);
- faces: W_FACE for each face cut or without headroom; W_FITTED when no crop could keep the
  faces safe and the whole photo sits inside the frame with white around it;
- shrunk: a photo too small to fill its frame at the product's minimum ppi leaves a hole in
  the layout, a picture floating on white inside it: W_SHRUNK, above MISSED_TARGET, so a
  sharper photo takes that frame even short of the target and the small one a smaller frame
  (A4's last page put a 975-px photo at 150 ppi in a 185-mm frame over a 2048-px one, which
  would have reached 281 ppi there);
- coverage: a page whose pictures cover less than score.COVERAGE_FULL of its trim costs
  W_COVER x the share missing, and W_SPARSE x the share missing under SPARSE (half the
  page: small pictures on white, as a portrait beside a landscape on a square page, which a
  designer would redo; the page plan then groups the photos otherwise).
"""

from __future__ import annotations

from ..book import Page, Placement
from ..model import Product, Rect
from .score import COVERAGE_FULL, crop_loss, face_ok

W_CROP = 2.0
HEAVY_CROP = 0.3  # beyond this share cut away, a photo is another picture (a portrait made a strip)
W_HEAVY = 4.0
STRIP_LOSS = 0.25  # of a portrait's area, cut away to fit a landscape frame
SQUARE = 0.15  # frames within this of 1:1 count as square, neither landscape nor portrait
W_STRIP = 8.0
FACE_LOSS = 0.2  # of a photo with faces, cut away
W_FACE_CROP = 6.0
W_PPI = 2.0
REACHABLE = 20.0  # multiplies the ppi cost when a smaller frame of the product reaches target
MISSED_TARGET = 12.0  # a photo under target that a smaller frame would take to target
W_FACE = 4.0
W_FITTED = 20.0
W_SHRUNK = 15.0  # (was 1.5)
W_COVER = 2.0
SPARSE = 0.5  # a page whose pictures cover less than this of its trim reads as mostly white
W_SPARSE = 40.0  # (was 10) a lone 1000-px photo shrunk to 0.28 of an A4 page outweighs a grid


def crop_cost(loss: float) -> float:
    """W_CROP per unit of the photo cut away, W_HEAVY more per unit beyond HEAVY_CROP."""
    return W_CROP * loss + W_HEAVY * max(0.0, loss - HEAVY_CROP)


def shape_cost(src_w: float, src_h: float, frame_aspect: float, loss: float, faces: int) -> float:
    """W_STRIP for a portrait cut beyond STRIP_LOSS into a landscape frame (or a landscape
    into a portrait frame), W_FACE_CROP per unit of a faces' photo cut away beyond FACE_LOSS."""
    cost = 0.0
    turned = (src_h > src_w and frame_aspect > 1 + SQUARE) or (
        src_w > src_h and frame_aspect < 1 - SQUARE
    )
    if turned and loss > STRIP_LOSS:
        cost += W_STRIP
    if faces:
        cost += W_FACE_CROP * max(0.0, loss - FACE_LOSS)
    return cost


def ppi_cost(ppi: float, reach: float, product: Product) -> float:
    """reach: the best ppi the photo gets in any frame of the product (faces kept safe).
    Short of the target costs W_PPI per unit. A photo that some frame takes to the target
    costs REACHABLE times more, plus MISSED_TARGET, so it moves to a smaller frame; one that
    reaches the target nowhere pays W_PPI per unit short of its best."""
    t = product.target_ppi
    if ppi >= t - 0.5:
        return 0.0
    cost = W_PPI * (t / ppi - 1)
    if reach >= t - 0.5:
        cost += W_PPI * REACHABLE * (t / ppi - 1) + MISSED_TARGET
    elif ppi < reach - 0.5:
        cost += W_PPI * (reach / ppi - 1)
    return cost


def exact(pl: Placement, page: Page, reach: float, product: Product) -> float:
    """Cost of a placement made by crop.place on its page."""
    loss = crop_loss(pl, page.layout)
    cost = crop_cost(loss) + ppi_cost(pl.ppi, reach, product)
    cost += shape_cost(pl.src_w, pl.src_h, pl.frame.aspect, loss, len(pl.faces))
    for f in pl.faces:
        whole, room = face_ok(f, pl, page)
        cost += 0.0 if room else W_FACE
    if "fitted" in pl.flags:
        cost += W_FITTED
    if "shrunk" in pl.flags:
        cost += W_SHRUNK
    return cost


def shown(pl: Placement, page: Page) -> float:
    """Share of the page's trim the placement's picture covers."""
    r = pl.image.intersect(Rect(0, 0, page.width, page.height))
    return r.w * r.h / (page.width * page.height)


def coverage_cost(share: float) -> float:
    """A page whose pictures cover `share` of its trim."""
    full = W_COVER * max(0.0, COVERAGE_FULL - share) / COVERAGE_FULL
    return full + W_SPARSE * max(0.0, SPARSE - share) / SPARSE
