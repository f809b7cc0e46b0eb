"""Every default in one place. Environment variables override; nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024

# Thumbnail widths/heights a URL may name; other sizes need a preset.
THUMB_SIZES = (
    (32, 48, 64, 96, 128, 150, 160, 192, 200, 240, 256, 300, 320, 360, 400, 480, 500)
    + (512, 600, 640, 720, 768, 800, 960, 1024, 1080, 1200, 1280, 1440, 1600, 1920, 2048)
)
THUMB_PRESETS = (
    ("thumb", "w:200/h:200/fit:cover/g:sm"),
    ("small", "w:400/h:400/fit:inside"),
    ("medium", "w:800/h:800/fit:inside"),
    ("large", "w:1600/h:1600/fit:inside"),
)


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
    # Per-file budget of the untrusted decode, in a killable worker (pressroom.batch): CPU
    # seconds and MB beyond the worker's baseline, scaled up for files that declare more than
    # 16 / 32 MP (ingest/guard.py). 0 = no limit. Over time -> "timeout"; see RELIABILITY.md.
    file_timeout: float = 2.0
    file_memory_mb: int = 512
    # Thumbnail API. Keys sign URLs (the first signs, any verifies, so keys can rotate).
    signing_keys: tuple[bytes, ...] = ()
    allow_unsigned: bool = False  # local development only: accept "/_/..." paths
    # Widths/heights (CSS px, before DPR) a URL may ask for; () = any up to the output limit.
    thumb_sizes: tuple[int, ...] = THUMB_SIZES
    # Named option sets ("pr:thumb"), trusted: they skip the size allow-list.
    thumb_presets: tuple[tuple[str, str], ...] = THUMB_PRESETS
    result_prefix: str = "renders"  # blob-store prefix of the thumbnail result cache
    # AWS (deploy/template.yaml sets these). DynamoDB/SQS endpoint: moto in tests; None = AWS.
    aws_endpoint: str | None = None
    print_storage: str | None = None  # "s3://bucket/prefix" for print files; None = storage
    print_queue_url: str | None = None  # SQS queue of print jobs
    print_max_receives: int = 3  # = the print queue's maxReceiveCount; then the job fails
    print_lease: float = 900.0  # seconds a render may take (= the print function's timeout)
    missing_days: float = 7.0  # cleanup: photos announced but not uploaded for this long
    result_cache_days: float = 30.0  # cleanup: thumbnail results older than this
    # Customer-success console at /console/ of the API: off unless a token is set.
    console_token: str | None = field(default=None, repr=False)

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
            file_timeout=float(env.get("PRESSROOM_FILE_TIMEOUT", 2.0)),
            file_memory_mb=int(env.get("PRESSROOM_FILE_MEMORY_MB", 512)),
            signing_keys=tuple(
                bytes.fromhex(k.strip())
                for k in env.get("PRESSROOM_SIGNING_KEY", "").split(",")
                if k.strip()
            ),
            allow_unsigned=env.get("PRESSROOM_ALLOW_UNSIGNED", "") in ("1", "true", "yes"),
            thumb_sizes=_sizes(env.get("PRESSROOM_THUMB_SIZES")),
            thumb_presets=_presets(env.get("PRESSROOM_THUMB_PRESETS")),
            result_prefix=env.get("PRESSROOM_RESULT_PREFIX", "renders"),
            aws_endpoint=env.get("PRESSROOM_AWS_ENDPOINT") or env.get("AWS_ENDPOINT_URL") or None,
            print_storage=env.get("PRESSROOM_PRINT_STORAGE") or None,
            print_queue_url=env.get("PRESSROOM_PRINT_QUEUE_URL") or None,
            print_max_receives=int(env.get("PRESSROOM_PRINT_MAX_RECEIVES", 3)),
            print_lease=float(env.get("PRESSROOM_PRINT_LEASE", 900)),
            missing_days=float(env.get("PRESSROOM_MISSING_DAYS", 7)),
            result_cache_days=float(env.get("PRESSROOM_RESULT_CACHE_DAYS", 30)),
            console_token=env.get("PRESSROOM_CONSOLE_TOKEN") or None,
        )


def _sizes(raw: str | None) -> tuple[int, ...]:
    """"*" allows any size; otherwise a comma-separated list of pixel sizes."""
    if raw is None:
        return THUMB_SIZES
    raw = raw.strip()
    return () if raw in ("", "*") else tuple(sorted({int(v) for v in raw.split(",")}))


def _presets(raw: str | None) -> tuple[tuple[str, str], ...]:
    """"name=w:200/h:200/fit:cover;other=w:800" (options as in a thumbnail URL)."""
    if raw is None:
        return THUMB_PRESETS
    pairs = (item.partition("=") for item in raw.split(";") if item.strip())
    return tuple((name.strip(), opts.strip()) for name, _, opts in pairs)
