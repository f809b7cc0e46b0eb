"""Shared by the URL-dialect tests: an app over the thumbnail library with every dialect's
keys set, requests, and reference crops computed straight from the master with libvips."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import numpy as np
import pyvips

from pressroom.catalogue import open_catalogue
from pressroom.photos import PhotoFacts
from pressroom.storage import open_store

from .thumbnail_fixtures import Library

IMGPROXY_KEY = bytes.fromhex("736563726574")  # "secret", imgproxy's documented example
IMGPROXY_SALT = bytes.fromhex("68656C6C6F")  # "hello"
THUMBOR_KEY = b"my-security-key"  # libthumbor's test key
DIT_BUCKET = "photos-bucket"


def app(lib: Library, **overrides: Any) -> Any:
    overrides.setdefault("result_prefix", f"renders-{uuid.uuid4().hex[:8]}")
    overrides.setdefault("imgproxy_keys", (IMGPROXY_KEY,))
    overrides.setdefault("imgproxy_salts", (IMGPROXY_SALT,))
    overrides.setdefault("thumbor_keys", (THUMBOR_KEY,))
    overrides.setdefault("dit_buckets", (DIT_BUCKET,))
    return lib.app(**overrides)


def get(application: Any, path: str, **headers: str) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(send())


def pixels(r: httpx.Response) -> np.ndarray:
    assert r.status_code == 200, r.text
    return np.asarray(pyvips.Image.new_from_buffer(r.content, "").numpy(), dtype=np.float32)


def master(lib: Library, name: str) -> pyvips.Image:
    facts = PhotoFacts.from_record(open_catalogue(lib.settings).get(lib.ids[name]))
    assert facts is not None and facts.master
    return pyvips.Image.new_from_buffer(open_store(lib.settings).get(facts.master), "")


def reference(
    img: pyvips.Image, w: int, h: int, focus: tuple[float, float] = (0.5, 0.5)
) -> np.ndarray:
    """Cover-resize then cut w x h around `focus`: what imgproxy's rt:fill gives."""
    scale = max(w / img.width, h / img.height)
    rw, rh = max(w, round(img.width * scale)), max(h, round(img.height * scale))
    big = img.thumbnail_image(rw, height=rh, size="force")
    left = max(0, min(round(focus[0] * rw - w / 2), rw - w))
    top = max(0, min(round(focus[1] * rh - h / 2), rh - h))
    return np.asarray(big.crop(left, top, w, h).numpy(), dtype=np.float32)


def close(a: np.ndarray, b: np.ndarray, tolerance: float = 6.0) -> bool:
    """Same picture: mean absolute difference of 8-bit values over 10x10 blocks (resampling
    and JPEG noise differ pixel by pixel; a crop shifted by a few percent does not pass)."""
    if a.shape != b.shape:
        return False
    h, w = (a.shape[0] // 10) * 10, (a.shape[1] // 10) * 10

    def blocks(x: np.ndarray) -> np.ndarray:
        return x[:h, :w, :3].reshape(h // 10, 10, w // 10, 10, 3).mean(axis=(1, 3))

    return float(np.abs(blocks(a) - blocks(b)).mean()) < tolerance
