"""The proxy as numpy arrays, once: RGB, luma, and luma at a fixed working size."""

from __future__ import annotations

import cv2
import numpy as np
import pyvips

from ..context import TagContext

# Long side of the grey image that sharpness and the screenshot signals read. Proxies are
# 321-640 px, made by JPEG DCT scaling or by libvips' Lanczos reduce, and the two differ near
# their Nyquist limit: measured, the Laplacian variance of one photo differs 2.2x between
# the two proxies at 320 px, 1.5x at 256 and <= 1.1x at 200, while a Gaussian blur of 0.4%
# of the long side still lowers it 5-16x at 200. So 200: values compare across photos.
WORK_SIZE = 200


def to_rgb(img: pyvips.Image) -> np.ndarray:
    if img.format != "uchar":
        img = img.cast("uchar")
    if img.hasalpha():
        img = img.flatten(background=[255] * (img.bands - 1))  # white: paper
        img = img.cast("uchar")
    if img.bands < 3:
        img = img[0].bandjoin([img[0], img[0]])
    arr = np.frombuffer(img.write_to_memory(), np.uint8)
    return arr.reshape(img.height, img.width, img.bands)[:, :, :3]


def resize_long(arr: np.ndarray, size: int) -> np.ndarray:
    h, w = arr.shape[:2]
    s = size / max(h, w)
    dsize = (max(1, round(w * s)), max(1, round(h * s)))
    return cv2.resize(arr, dsize, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)


def pixels(ctx: TagContext) -> None:
    ctx.rgb = to_rgb(ctx.proxy)
    ctx.grey = cv2.cvtColor(ctx.rgb, cv2.COLOR_RGB2GRAY)
    ctx.work = resize_long(ctx.grey, WORK_SIZE)
