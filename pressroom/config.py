"""Every default in one place. Environment variables override; nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an upload may be. Pixels are checked from headers before any decode."""

    max_pixels: int = 100_000_000
    max_bytes: int = 50 * MB


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("pressroom-data")
    # "file" (folder under data_dir) or "s3://bucket/prefix"
    storage: str = "file"
    # "sqlite" (data_dir/catalogue.sqlite3) or "dynamodb://table-prefix"
    catalogue: str = "sqlite"
    s3_endpoint: str | None = None  # moto / seaweedfs / minio in tests and local runs
    limits: Limits = field(default_factory=Limits)
    master_quality: int = 92  # JPEG masters: print-grade, no chroma subsampling at >= 90
    proxy_size: int = 640  # long side of the tagging/preview proxy
    workers: int = 0  # 0 = one per core

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        limits = Limits(
            max_pixels=int(env.get("PRESSROOM_MAX_PIXELS", Limits.max_pixels)),
            max_bytes=int(env.get("PRESSROOM_MAX_BYTES", Limits.max_bytes)),
        )
        return cls(
            data_dir=Path(env.get("PRESSROOM_DATA", "pressroom-data")),
            storage=env.get("PRESSROOM_STORAGE", "file"),
            catalogue=env.get("PRESSROOM_CATALOGUE", "sqlite"),
            s3_endpoint=env.get("PRESSROOM_S3_ENDPOINT") or None,
            limits=limits,
            master_quality=int(env.get("PRESSROOM_MASTER_QUALITY", 92)),
            proxy_size=int(env.get("PRESSROOM_PROXY_SIZE", 640)),
            workers=int(env.get("PRESSROOM_WORKERS", 0)),
        )
