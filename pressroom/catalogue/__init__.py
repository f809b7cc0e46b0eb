"""Pick the catalogue backend named in the settings."""

from __future__ import annotations

from pressroom.catalogue.base import STATES, Catalogue, PhotoRecord, State
from pressroom.config import Settings

__all__ = ["STATES", "Catalogue", "PhotoRecord", "State", "open_catalogue"]


def open_catalogue(settings: Settings) -> Catalogue:
    # Backends are imported here so one backend's dependencies never load for another.
    if settings.catalogue == "sqlite":
        from pressroom.catalogue.sqlite import SqliteCatalogue

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteCatalogue(settings.data_dir / "catalogue.sqlite3")
    if settings.catalogue.startswith("dynamodb://"):
        from pressroom.catalogue.dynamodb.photos import DynamoCatalogue
        from pressroom.catalogue.dynamodb.table import table_prefix

        return DynamoCatalogue(table_prefix(settings.catalogue), endpoint_url=settings.aws_endpoint)
    raise ValueError(f"unsupported catalogue backend: {settings.catalogue!r}")
