"""Every default in one place. Environment variables override; nothing else reads os.environ.

Each setting is declared once, as a dataclass field with its default, the environment
variable that overrides it and how to read that variable's text (`setting(...)`); `from_env`
walks that table, so a default is never written twice. Commands never write the environment:
worker processes receive the `Settings` object itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

MB = 1024 * 1024
T = TypeVar("T")

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


# --------------------------------------------------------------------------- the table


def setting(
    default: Any = MISSING,
    env: str | tuple[str, ...] = (),
    parse: Callable[[str], Any] = str,
    *,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """A field with its default, its environment variable(s) and the parser of their text.

    Several names: the first with a non-empty value wins (PRESSROOM_AWS_ENDPOINT, then
    AWS_ENDPOINT_URL). A variable set to "" is still handed to `parse`, which decides what
    empty means (`_optional`: unset; `_sizes`: any size)."""
    names = (env,) if isinstance(env, str) else env
    meta = {"env": names, "parse": parse}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def _optional(raw: str) -> str | None:
    return raw or None


def _yes(raw: str) -> bool:
    return raw in ("1", "true", "yes")


def _not_off(raw: str) -> bool:
    return raw not in ("0", "false", "no")


def _keys(raw: str) -> tuple[bytes, ...]:
    """Hex digits (comma-separated keys for rotation: the first signs, any verifies)."""
    return tuple(bytes.fromhex(k.strip()) for k in raw.split(",") if k.strip())


def _texts(raw: str) -> tuple[str, ...]:
    """A comma-separated list of plain words (bucket names)."""
    return tuple(v.strip() for v in raw.split(",") if v.strip())


def _secrets(raw: str) -> tuple[bytes, ...]:
    """Comma-separated plain-text keys (thumbor's SECURITY_KEY is text, not hex)."""
    return tuple(v.strip().encode() for v in raw.split(",") if v.strip())


def _imgproxy_presets(raw: str) -> tuple[tuple[str, str], ...]:
    """imgproxy's IMGPROXY_PRESETS: "name=rs:fill:300:400/g:sm,other=q:80"."""
    pairs = (item.partition("=") for item in raw.split(",") if item.strip())
    return tuple((name.strip(), opts.strip()) for name, _, opts in pairs)


def _sizes(raw: str) -> tuple[int, ...]:
    """"*" (any size) or a comma-separated list of pixel sizes."""
    raw = raw.strip()
    return () if raw in ("", "*") else tuple(sorted({int(v) for v in raw.split(",")}))


def _presets(raw: str) -> tuple[tuple[str, str], ...]:
    """"name=w:200/h:200/fit:cover;other=w:800" (options as in a thumbnail URL)."""
    pairs = (item.partition("=") for item in raw.split(";") if item.strip())
    return tuple((name.strip(), opts.strip()) for name, _, opts in pairs)


def _read(names: tuple[str, ...], env: Mapping[str, str]) -> str | None:
    """The text of the first named variable with a value; "" if only empty ones are set."""
    found = None
    for name in names:
        value = env.get(name)
        if value:
            return value
        if value is not None and found is None:
            found = value
    return found


def read_env(cls: type[T], env: Mapping[str, str] | None = None) -> T:
    """An instance of a settings dataclass: each field from its variable, else its default.
    Nested settings dataclasses (Limits, TagConfig) read the same environment."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        nested = f.metadata.get("nested")
        if nested is not None:
            values[f.name] = nested.from_env(env)
            continue
        names = f.metadata.get("env", ())
        raw = _read(names, env)
        if raw is not None:
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError:
                raise _bad_setting(names, f.metadata["parse"]) from None
    return cls(**values)


def _bad_setting(names: tuple[str, ...], parse: Callable[[str], Any]) -> Exception:
    """One line naming the variable and what it must be (a configuration error, exit 2)."""
    from .reasons import ConfigError

    must = {int: "a whole number", float: "a number"}.get(parse)  # type: ignore[call-overload]
    if must is None:
        must = (parse.__doc__ or "a valid value").strip().splitlines()[0].rstrip(".")
        must = must[0].lower() + must[1:]
    name = " or ".join(names)
    return ConfigError("bad_setting", name, message=f"{name} is not valid: it must be {must}.")


def nested(cls: type[Any]) -> Any:
    """A field holding another settings dataclass, read from the same environment."""
    return field(default_factory=cls, metadata={"nested": cls})


# --------------------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Limits:
    """What an upload may be. Pixels are checked from headers before any decode."""

    max_pixels: int = setting(100_000_000, "PRESSROOM_MAX_PIXELS", int)
    max_bytes: int = setting(50 * MB, "PRESSROOM_MAX_BYTES", int)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        return read_env(cls, env)


@dataclass(frozen=True)
class TagConfig:
    """How photos are tagged (pressroom.tags). PRESSROOM_FACE_* override."""

    # "hog" (dlib, built in: the default), "yunet" (needs face_model), or "none".
    # Unset: "yunet" when a face_model is given (see from_env), else "hog".
    face_detector: str = setting("hog", "PRESSROOM_FACE_DETECTOR")
    # An ONNX YuNet model (e.g. face_detection_yunet_2023mar.onnx); setting it selects YuNet.
    face_model: str | None = setting(None, "PRESSROOM_FACE_MODEL", _optional)
    # dlib HOG SVM margin. Measured (README): at 0 (dlib's default) no false positives on
    # the corpus and all labelled faces found; -0.1 already adds one on the astronaut's suit.
    hog_threshold: float = 0.0
    yunet_threshold: float = 0.8  # measured: corpus false positives score 0.50-0.74
    # Faces are searched on the proxy scaled to this long side, so the smallest face found is
    # the same share of any photo (dlib's HOG window is 80 px: 1/8 of 640).
    face_size: int = 640
    # 128-D dlib ResNet vector per face (~85 ms per face, 1 core)
    embeddings: bool = setting(True, "PRESSROOM_FACE_EMBEDDINGS", _not_off)
    max_embedded_faces: int = 8  # the largest faces only: bounds the cost of group photos
    # Ingest records boxes and landmarks only; vectors are computed from the stored proxy when
    # people are first grouped (pressroom.tags.embed). "1" = embed on the upload path.
    embed_at_ingest: bool = setting(False, "PRESSROOM_EMBED_AT_INGEST", _yes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TagConfig:
        env = os.environ if env is None else env
        config = read_env(cls, env)
        if not env.get("PRESSROOM_FACE_DETECTOR"):  # none named: a model alone picks YuNet
            detector = "yunet" if config.face_model else TagConfig.face_detector
            config = replace(config, face_detector=detector)
        return config


@dataclass(frozen=True)
class Settings:
    # Folder of the local store and catalogue.
    data_dir: Path = setting(Path("pressroom-data"), "PRESSROOM_DATA", Path)
    # "file" (folder under data_dir) or "s3://bucket/prefix"
    storage: str = setting("file", "PRESSROOM_STORAGE")
    # "sqlite" (data_dir/catalogue.sqlite3) or "dynamodb://table-prefix"
    catalogue: str = setting("sqlite", "PRESSROOM_CATALOGUE")
    # moto / seaweedfs / minio in tests and local runs
    s3_endpoint: str | None = setting(None, "PRESSROOM_S3_ENDPOINT", _optional)
    limits: Limits = nested(Limits)
    # JPEG masters: print-grade, no chroma subsampling at >= 90
    master_quality: int = setting(92, "PRESSROOM_MASTER_QUALITY", int)
    proxy_size: int = setting(640, "PRESSROOM_PROXY_SIZE", int)  # long side of the proxy
    # Thumbnails render from the smallest stored rung that covers them (proxy, a rendition of
    # about this long side made on first need, master; pressroom.render.renditions). 0 = off.
    rendition_size: int = setting(2048, "PRESSROOM_RENDITION_SIZE", int)
    # libwebp's method (0-6) for WebP thumbnails: CPU against bytes. 2 costs ~2.5x the CPU of
    # 0 for ~13% fewer bytes at the same quality (demo photos at 640 px); thumbor and
    # imgproxy default to 4. README, "Measured", has the figures.
    webp_effort: int = setting(2, "PRESSROOM_WEBP_EFFORT", int)
    workers: int = setting(0, "PRESSROOM_WORKERS", int)  # 0 = one per core
    # Tag photos as they are ingested (faces, quality, hashes); "0" = ingest without tags.
    tags: bool = setting(True, "PRESSROOM_TAGS", lambda raw: raw != "0")
    tagging: TagConfig = nested(TagConfig)
    # Per-file budget of the untrusted decode, in a killable worker (pressroom.batch): CPU
    # seconds and MB beyond the worker's baseline, scaled up for files that declare more than
    # 16 / 32 MP (pressroom.batch.files). 0 = no limit. Over time -> "timeout"; see
    # RELIABILITY.md.
    file_timeout: float = setting(2.0, "PRESSROOM_FILE_TIMEOUT", float)
    file_memory_mb: int = setting(512, "PRESSROOM_FILE_MEMORY_MB", int)
    # Thumbnail API. Keys sign URLs (the first signs, any verifies, so keys can rotate).
    signing_keys: tuple[bytes, ...] = setting((), "PRESSROOM_SIGNING_KEY", _keys)
    # local development only: accept "/_/..." paths
    allow_unsigned: bool = setting(False, "PRESSROOM_ALLOW_UNSIGNED", _yes)
    # Widths/heights (CSS px, before DPR) a URL may ask for; () = any up to the output limit.
    thumb_sizes: tuple[int, ...] = setting(THUMB_SIZES, "PRESSROOM_THUMB_SIZES", _sizes)
    # Named option sets ("pr:thumb"), trusted: they skip the size allow-list.
    thumb_presets: tuple[tuple[str, str], ...] = setting(
        THUMB_PRESETS, "PRESSROOM_THUMB_PRESETS", _presets
    )
    # blob-store prefix of the thumbnail result cache
    result_prefix: str = setting("renders", "PRESSROOM_RESULT_PREFIX")
    # URL dialects (pressroom.api.dialects; docs/migrating.md), each under its path prefix.
    # imgproxy: IMGPROXY_KEY / IMGPROXY_SALT (hex; comma-separated pairs rotate),
    # IMGPROXY_SIGNATURE_SIZE and IMGPROXY_PRESETS, copied as they are.
    imgproxy_prefix: str = setting("/imgproxy", "PRESSROOM_IMGPROXY_PREFIX")
    imgproxy_keys: tuple[bytes, ...] = setting((), "PRESSROOM_IMGPROXY_KEY", _keys)
    imgproxy_salts: tuple[bytes, ...] = setting((), "PRESSROOM_IMGPROXY_SALT", _keys)
    imgproxy_signature_size: int = setting(32, "PRESSROOM_IMGPROXY_SIGNATURE_SIZE", int)
    imgproxy_presets: tuple[tuple[str, str], ...] = setting(
        (), "PRESSROOM_IMGPROXY_PRESETS", _imgproxy_presets
    )
    # thumbor: SECURITY_KEY (text; comma-separated keys rotate: any verifies)
    thumbor_prefix: str = setting("/thumbor", "PRESSROOM_THUMBOR_PREFIX")
    thumbor_keys: tuple[bytes, ...] = setting((), "PRESSROOM_THUMBOR_KEY", _secrets)
    # AWS Dynamic Image Transformation: the source bucket names its requests may carry (none
    # = the dialect is off) and its optional signature secret (?signature=).
    dit_prefix: str = setting("/dit", "PRESSROOM_DIT_PREFIX")
    dit_buckets: tuple[str, ...] = setting((), "PRESSROOM_DIT_BUCKETS", _texts)
    dit_secrets: tuple[bytes, ...] = setting((), "PRESSROOM_DIT_SECRET", _secrets)
    # AWS (deploy/template.yaml sets these). DynamoDB/SQS endpoint: moto in tests; None = AWS.
    aws_endpoint: str | None = setting(
        None, ("PRESSROOM_AWS_ENDPOINT", "AWS_ENDPOINT_URL"), _optional
    )
    # "s3://bucket/prefix" for print files; None = storage
    print_storage: str | None = setting(None, "PRESSROOM_PRINT_STORAGE", _optional)
    print_queue_url: str | None = setting(None, "PRESSROOM_PRINT_QUEUE_URL", _optional)
    # = the print queue's maxReceiveCount; then the job fails
    print_max_receives: int = setting(3, "PRESSROOM_PRINT_MAX_RECEIVES", int)
    # seconds a render may take (= the print function's timeout)
    print_lease: float = setting(900.0, "PRESSROOM_PRINT_LEASE", float)
    # cleanup: photos announced but not uploaded for this long
    missing_days: float = setting(7.0, "PRESSROOM_MISSING_DAYS", float)
    # cleanup: thumbnail results older than this
    result_cache_days: float = setting(30.0, "PRESSROOM_RESULT_CACHE_DAYS", float)
    # Customer-success console at /console/ of the API: off unless a token is set.
    console_token: str | None = field(
        default=None,
        repr=False,
        metadata={"env": ("PRESSROOM_CONSOLE_TOKEN",), "parse": _optional},
    )
    # The app API (/v1/..., page previews, /openapi.json; pressroom.api.v1): off (404) unless
    # a token is set. Comma-separated bearer tokens, any accepted, so a new one can be added
    # before the old one is removed.
    api_tokens: tuple[str, ...] = field(
        default=(),
        repr=False,
        metadata={"env": ("PRESSROOM_API_TOKENS",), "parse": _texts},
    )
    # On AWS the secrets above come from SSM Parameter Store or Secrets Manager instead
    # (pressroom.aws.params, docs/aws.md): "/name" or "ssm:/name" names a SecureString,
    # "secretsmanager:name" (or a secret's ARN) a secret; the value is the variable's own
    # text. Re-read after parameters_max_age seconds, so a rotation needs no redeploy.
    signing_key_param: str | None = setting(None, "PRESSROOM_SIGNING_KEY_PARAM", _optional)
    imgproxy_key_param: str | None = setting(None, "PRESSROOM_IMGPROXY_KEY_PARAM", _optional)
    imgproxy_salt_param: str | None = setting(None, "PRESSROOM_IMGPROXY_SALT_PARAM", _optional)
    thumbor_key_param: str | None = setting(None, "PRESSROOM_THUMBOR_KEY_PARAM", _optional)
    dit_secret_param: str | None = setting(None, "PRESSROOM_DIT_SECRET_PARAM", _optional)
    console_token_param: str | None = setting(None, "PRESSROOM_CONSOLE_TOKEN_PARAM", _optional)
    api_tokens_param: str | None = setting(None, "PRESSROOM_API_TOKENS_PARAM", _optional)
    parameters_max_age: int = setting(300, "PRESSROOM_PARAMETERS_MAX_AGE", int)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        return read_env(cls, env)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed (a command's flags over the environment)."""
        return replace(self, **changes)
