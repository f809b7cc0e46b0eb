"""Shared fixtures for the book, PDF and preflight tests: corpus photos ingested (and tagged)
into a temporary data folder once per session, and the PDF tools from poppler-utils/qpdf."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.photos import PhotoFacts
from pressroom.products.designer.pipeline import photos_from_catalogue
from pressroom.products.layout import layouts
from pressroom.storage import open_store
from tests.system_tools import require

# The layouts for a chapter's first page ("opener": true in their files).
OPENERS = {i for i, lay in layouts().items() if lay.opener}
BIG = (
    "olympus_12mp_42_IndexError.jpg",
    "HMD_Nokia_8.3_5G.jpg",
    "iphone_hdr_NO.jpg",
    "pug.heic",
    "iphone_13_pro_max.HEIC",
    "jolla.jpg",
)
PEOPLE = (
    "obama_portrait.jpg",
    "biden_portrait.jpg",
    "biden_standing.jpg",
    "obama_biden.jpg",
    "obama_standing.jpg",
)
# Medium phone and camera photos (2-5 MP) from the repository's demo/photos/: with PEOPLE and
# two BIG ones they fill every photobook's minimum pages without padding (a mostly blank book
# fails preflight: blank_pages).
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "photos"
DEMO = (
    "15895161088_a12290f781_k.jpg",
    "2403994289_04f3ed0ec3_k.jpg",
    "3809603052_5c7b07c2a9_k.jpg",
    "45207044465_7a4bdde206_k.jpg",
    "6969547134_c49b0ae563_k.jpg",
    "8703591799_f95674e2a9_k.jpg",
    "Pumkins1.jpg",
    "Pumkins2.jpg",
    "Tulips.jpg",
    "wedding.jpg",
    "48349797706_66AB5DAAFB_O.JPG",
    "IMG_0003.JPG",
    "IMG_0004.JPG",
    "IMG_0728.JPG",
    "IMG_1997.JPG",
    "IMG_3439.jpg",
    "52083079-73D5-4921-AC1B-FE76F279133F.jpeg",
    "06125449-DD12-4CE6-9AC6-37007F157E5B.jpeg",
)


def tool(name: str) -> str:
    """A PDF tool from Debian (qpdf, poppler-utils); fails saying how to install it if absent."""
    return require(name)


def sh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, timeout=120)


class Library:
    """A data folder with ingested, tagged photos: design reads the catalogue, render the store."""

    def __init__(self, root: Path) -> None:
        self.settings = Settings(data_dir=root)
        self.store = open_store(self.settings)
        self.catalogue = open_catalogue(self.settings)
        from pressroom.tags import make_tagger

        self.ingestor = Ingestor(self.store, self.catalogue, self.settings, tagger=make_tagger())
        self.ids: dict[str, str] = {}

    def add(self, path: Path) -> str:
        r = self.ingestor.ingest_path(path)
        assert r.verdict == "accept", (path, r.reason)
        assert r.id is not None
        self.ids[path.name] = r.id
        return r.id

    def photos(self, names: tuple[str, ...] | list[str]) -> list[PhotoFacts]:
        return photos_from_catalogue(self.catalogue, [self.ids[n] for n in names])

    def record(self, name: str) -> Any:
        return self.catalogue.get(self.ids[name])


_LIBRARY: list[Library] = []  # one per session, whichever test module asks first


@pytest.fixture(scope="session")
def library(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Library:
    if _LIBRARY:
        return _LIBRARY[0]
    lib = Library(tmp_path_factory.mktemp("library"))
    _LIBRARY.append(lib)
    for n in BIG:
        lib.add(corpus / "big" / n)
    for n in PEOPLE:
        lib.add(corpus / "people" / n)
    for n in ("Landscape_1.jpg", "Landscape_6.jpg", "Portrait_1.jpg", "Portrait_8.jpg"):
        lib.add(corpus / "orientation" / n)
    for n in DEMO:
        lib.add(DEMO_DIR / n)
    return lib
