"""Face vectors off the upload path (issue 17): ingest records boxes and landmarks, and the
first grouping of people embeds the faces from the stored proxy, once, and stores them.
People come out as they did when ingest embedded (corpus people/: 2 people, 6 faces)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings, TagConfig
from pressroom.curate import curate
from pressroom.ingest.service import Ingestor
from pressroom.photos import PhotoFacts
from pressroom.storage.local import LocalStore
from pressroom.tags import make_tagger
from pressroom.tags.embed import ensure_embeddings, missing
from tests.conftest import CORPUS

PEOPLE = sorted((CORPUS / "people").glob("*.jpg"))


def _ingest(tmp: Path, config: TagConfig) -> tuple[LocalStore, SqliteCatalogue, list[str]]:
    tmp.mkdir()
    store, catalogue = LocalStore(tmp / "blobs"), SqliteCatalogue(tmp / "c.db")
    ingestor = Ingestor(store, catalogue, Settings(data_dir=tmp), make_tagger(config))
    return store, catalogue, [ingestor.ingest_path(p).id or "" for p in PEOPLE]


def _people(catalogue: SqliteCatalogue, ids: list[str]) -> list[list[tuple[str, int]]]:
    items = [PhotoFacts.from_record(catalogue.get(i)) for i in ids]  # type: ignore[arg-type]
    return [sorted(g) for g in curate(items).people]


def test_embeddings_are_computed_once_when_people_are_asked_for(tmp_path: Path) -> None:
    config = TagConfig()
    assert not config.embed_at_ingest
    store, catalogue, ids = _ingest(tmp_path / "lazy", config)
    records = [(i, catalogue.get(i).data) for i in ids]  # type: ignore[union-attr]
    assert all(missing(d.get("tags"), config) for _, d in records)  # every photo has a face
    assert _people(catalogue, ids) == []  # no vectors yet: nobody to group
    saved: list[str] = []

    def save(pid: str, data: dict) -> None:
        saved.append(pid)
        catalogue.update_data(pid, data)

    assert ensure_embeddings(records, lambda d: store.get(d["proxy"]), save, config) == 5
    assert sorted(saved) == sorted(ids)
    again = [(i, catalogue.get(i).data) for i in ids]  # type: ignore[union-attr]
    assert ensure_embeddings(again, lambda d: pytest.fail("read again"), save, config) == 0
    lazy = _people(catalogue, ids)
    assert sorted(len(g) for g in lazy) == [3, 3]  # Obama x3, Biden x3 (PEOPLE.tsv)

    # The same people as embedding at ingest, with nearly the same vectors.
    _, eager_cat, eager_ids = _ingest(tmp_path / "eager", TagConfig(embed_at_ingest=True))
    assert eager_ids == ids and _people(eager_cat, ids) == lazy
    for pid in ids:
        a = catalogue.get(pid).data["tags"]["faces"]  # type: ignore[union-attr]
        b = eager_cat.get(pid).data["tags"]["faces"]  # type: ignore[union-attr]
        for fa, fb in zip(a, b, strict=True):
            # the q90 proxy JPEG against the in-memory proxy: same person by a wide margin
            # (one person's faces lie 0.05-0.40 apart, different people 0.83+)
            d = np.linalg.norm(np.subtract(fa["embedding"], fb["embedding"]))
            assert d < 0.1, (pid, d)
