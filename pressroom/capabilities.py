"""What this installation can do: the native parts pressroom's documented behaviour rests on,
each found (with its version or path) or missing (with what pressroom does without it and how
to install it). Several have fallbacks (a rotated JPEG turned by a slower path, or re-encoded
when no lossless one is left; a slower colour path), right for a laptop without a compiler,
wrong for a deployed image: `pressroom doctor` prints this list and deploy/Dockerfile runs
it, so an image missing a part fails its build instead of degrading in production.

Each probe does a little real work (encodes a 16 px picture, loads the library), never
loads a model: the whole list takes well under a second.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Capability", "capabilities", "fallback", "say_fallbacks"]

log = logging.getLogger(__name__)

# The parts whose absence pressroom works around without failing (slower, or lossy for a
# rotated JPEG): said once as a warning, never silently taken.
QUIET_FALLBACKS = ("libturbojpeg", "C kernel _p3", "C kernel _rotate", "C kernel _blocks")
# Names already said, by this process or by the one that spawned it (workers inherit the
# environment): a pool of 16 workers says a missing library once, not 16 times.
_SAID = "PRESSROOM_FALLBACKS_SAID"

_REINSTALL = (
    "install gcc and the Python headers (scripts/system-deps.sh; dnf install gcc), then "
    "reinstall pressroom so it compiles its C files"
)


class Missing(Exception):
    """A probe's own words for why a part is unusable (shown without an exception name)."""


@dataclass(frozen=True)
class Capability:
    name: str
    ok: bool
    found: str  # version or path; or, when missing, why
    without: str  # what pressroom does without it
    fix: str  # how to install it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _libvips() -> str:
    import pyvips

    img = pyvips.Image.black(16, 16, bands=3).cast("uchar")
    for save in (img.jpegsave_buffer, img.webpsave_buffer, img.pngsave_buffer):
        save()
    img.heifsave_buffer(compression="av1", effort=0)  # AVIF needs libvips built with aom
    version = ".".join(str(pyvips.version(i)) for i in range(3))
    return f"{version} (jpeg, webp, png, avif)"


def _libmagic() -> str:
    import magic

    mime = magic.from_buffer(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", mime=True)
    if mime != "image/jpeg":
        raise Missing(f"libmagic calls a JPEG {mime!r}: its database is missing")
    return f"libmagic {magic.version()}"  # type: ignore[no-untyped-call]


def _turbojpeg() -> str:
    from . import turbojpeg

    try:
        return str(turbojpeg.load()._name)
    except turbojpeg.TurboJPEGUnavailable as exc:  # its message's install hint is `fix`'s
        raise Missing(f"not loadable (tried {str(exc).partition('(tried ')[2]}") from None


def _heif() -> str:
    import pillow_heif

    return f"libheif {pillow_heif.libheif_version()}"


def _c_module(name: str) -> Callable[[], str]:
    def probe() -> str:
        import importlib

        module = importlib.import_module(name)
        return str(Path(module.__file__ or name).name)

    return probe


def _faces() -> str:
    import dlib
    import face_recognition_models as models

    for path in (
        models.pose_predictor_five_point_model_location(),
        models.face_recognition_model_location(),
    ):
        if not Path(path).is_file():
            raise Missing(f"{path} is missing")
    return f"dlib {dlib.__version__}, 5-point landmarks and ResNet embedding models"


def _fonts() -> str:
    from .text.faces import FACES

    for face in FACES:
        face.path  # noqa: B018 - raises ConfigError naming the package when its file is missing
    return "Noto Sans: " + ", ".join(face.key for face in FACES)


# name, probe, what pressroom does without it, how to install it
_PROBES: tuple[tuple[str, Callable[[], str], str, str], ...] = (
    (
        "libvips", _libvips,
        "nothing renders: thumbnails, previews and print files all need it",
        "pip install pyvips-binary (in requirements.lock)",
    ),
    (
        "libmagic", _libmagic,
        "ingest cannot run: every upload is judged by its content",
        "apt-get install libmagic1 (Debian/Ubuntu), dnf install file-libs (Amazon Linux)",
    ),
    (
        "libturbojpeg", _turbojpeg,
        "masters encode through libvips, print pictures that crop a master are decoded and "
        "re-encoded instead of cut from its blocks, and without the _rotate kernel too, "
        "EXIF-rotated JPEGs are decoded and re-encoded (lossy, ~2x the CPU)",
        "apt-get install libturbojpeg0 (Debian/Ubuntu), dnf install turbojpeg (Amazon Linux, "
        "Fedora), brew install jpeg-turbo; or set PRESSROOM_TURBOJPEG to its path",
    ),
    (
        "libheif", _heif,
        "ingest cannot run: its HEIC and AVIF reader is part of it",
        "pip install pillow-heif (in requirements.lock)",
    ),
    (
        "C kernel _p3", _c_module("pressroom.ingest._p3"),
        "Display P3 photos convert to sRGB through NumPy's passes (several times slower)",
        _REINSTALL,
    ),
    (
        "C kernel _rotate", _c_module("pressroom._rotate"),
        "EXIF-rotated JPEGs are turned by libturbojpeg's tjTransform: the same bytes, and up "
        "to ~50 ms more CPU for a 12-MP photo in the orientations that transpose it",
        "install gcc, the Python headers and libjpeg's (scripts/system-deps.sh; dnf install "
        "gcc libjpeg-turbo-devel), then reinstall pressroom so it compiles its C files",
    ),
    (
        "C kernel _blocks", _c_module("pressroom.ingest._blocks"),
        "a rotated JPEG's proxy takes a second 1/8-scale decode (~16 ms)",
        _REINSTALL,
    ),
    (
        "faces", _faces,
        "photos are tagged without faces (no face-aware crops, no people)",
        "pip install dlib-bin face-recognition-models (in requirements.lock)",
    ),
    (
        "fonts", _fonts,
        "designs with text cannot be rendered or printed",
        "pip install the font packages in requirements.lock",
    ),
)  # fmt: skip


def fallback(name: str) -> None:
    """Say that pressroom is taking a quiet fallback because the part `name` is missing: a
    WARNING log line (stderr from the CLI, CloudWatch on Lambda), once per process tree."""
    said = [n for n in os.environ.get(_SAID, "").split(",") if n]
    if name in said:
        return
    os.environ[_SAID] = ",".join([*said, name])
    without = next(w for n, _, w, _ in _PROBES if n == name)
    log.warning("pressroom: %s is missing, so %s (`pressroom doctor` says how to install it)",
                name, without)  # fmt: skip


def say_fallbacks() -> None:
    """Before a pool of workers starts: say each quiet fallback they would take, here, once."""
    for part in capabilities(QUIET_FALLBACKS):
        if not part.ok:
            fallback(part.name)


def capabilities(names: Collection[str] | None = None) -> list[Capability]:
    """Every part (or those named), probed."""
    out = []
    for name, probe, without, fix in _PROBES:
        if names is not None and name not in names:
            continue
        try:
            found, ok = probe(), True
        except Exception as exc:  # noqa: BLE001 - any failure means "not usable here"
            why = str(exc) if isinstance(exc, Missing) else f"{type(exc).__name__}: {exc}"
            found, ok = why.splitlines()[0][:300], False
        out.append(Capability(name, ok, found, without, fix))
    return out
