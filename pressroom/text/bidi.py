"""Bidirectional text for one line (a caption, a title): the embedding level of each character
and the visual order of runs, after the Unicode Bidirectional Algorithm (UAX #9) without
explicit embeddings (LRE/RLO/isolates are treated as neutrals): W1-W7, N1-N2, I1-I2, L1-L2.

Enough for a caption that mixes Hebrew or Arabic with Latin words and numbers; HarfBuzz then
shapes each run in its own direction (and mirrors brackets in right-to-left runs).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_STRONG_R = {"R", "AL"}
_NUMBER = {"EN", "AN"}


def base_level(text: str) -> int:
    """P2-P3: the direction of the first strong character (0 LTR, 1 RTL); LTR without one."""
    for ch in text:
        c = unicodedata.bidirectional(ch)
        if c == "L":
            return 0
        if c in _STRONG_R:
            return 1
    return 0


def levels(text: str, base: int | None = None) -> list[int]:
    """The resolved embedding level of every character."""
    if base is None:
        base = base_level(text)
    n = len(text)
    cls = [unicodedata.bidirectional(ch) or "ON" for ch in text]
    sor = "R" if base else "L"
    # W1: a non-spacing mark takes the class of what it follows.
    for i in range(n):
        if cls[i] == "NSM":
            cls[i] = cls[i - 1] if i else sor
    # W2: European numbers after Arabic letters are Arabic numbers; W3: AL -> R.
    last = sor
    for i in range(n):
        if cls[i] in ("L", "R", "AL"):
            last = cls[i]
        elif cls[i] == "EN" and last == "AL":
            cls[i] = "AN"
    cls = ["R" if c == "AL" else c for c in cls]
    # W4: a single separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        if cls[i] == "ES" and cls[i - 1] == cls[i + 1] == "EN":
            cls[i] = "EN"
        elif cls[i] == "CS" and cls[i - 1] == cls[i + 1] and cls[i - 1] in _NUMBER:
            cls[i] = cls[i - 1]
    # W5: terminators (%, currency) next to European numbers are numbers.
    for i in range(n):
        if cls[i] == "EN":
            j = i - 1
            while j >= 0 and cls[j] == "ET":
                cls[j] = "EN"
                j -= 1
            j = i + 1
            while j < n and cls[j] == "ET":
                cls[j] = "EN"
                j += 1
    # W6: remaining separators and terminators are neutral; W7: EN after L is L.
    cls = ["ON" if c in ("ES", "ET", "CS") else c for c in cls]
    last = sor
    for i in range(n):
        if cls[i] in ("L", "R"):
            last = cls[i]
        elif cls[i] == "EN" and last == "L":
            cls[i] = "L"
    # N1-N2: a run of neutrals between two strong types of one direction takes it (numbers
    # count as R), otherwise the embedding direction.
    strong = ["R" if c in _NUMBER else c for c in cls]
    i = 0
    while i < n:
        if strong[i] in ("L", "R"):
            i += 1
            continue
        j = i
        while j < n and strong[j] not in ("L", "R"):
            j += 1
        before = strong[i - 1] if i else sor
        after = strong[j] if j < n else sor
        fill = before if before == after else sor
        for k in range(i, j):
            cls[k] = fill
        i = j
    # I1-I2.
    out = []
    for c in cls:
        if base % 2 == 0:
            out.append(base + (1 if c == "R" else 2 if c in _NUMBER else 0))
        else:
            out.append(base + (1 if c in ("L", "EN", "AN") else 0))
    # L1: trailing whitespace goes back to the paragraph level.
    k = n - 1
    while k >= 0 and unicodedata.bidirectional(text[k]) in ("WS", "S", "B", "BN"):
        out[k] = base
        k -= 1
    return out


def visual_order(items: Sequence[T], item_levels: Sequence[int]) -> list[T]:
    """L2: reverse every maximal sequence at each level from the highest down to the lowest
    odd level. `items` are runs (or characters) in logical order with their levels."""
    order = list(range(len(items)))
    if not items:
        return []
    lv = list(item_levels)
    top = max(lv)
    low_odd = min((v for v in lv if v % 2), default=top + 1)
    for level in range(top, low_odd - 1, -1):
        i = 0
        while i < len(order):
            if lv[order[i]] >= level:
                j = i
                while j < len(order) and lv[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [items[k] for k in order]
