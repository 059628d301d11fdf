"""Reframe math: pure functions from a source frame size to crop / scale / pad numbers.

Every size is even (4:2:0 chroma needs it, and odd crops drift the pixel aspect after scaling),
and every chain ends with ``setsar=1`` so players show square pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

REFRAME_MODES = ("crop", "pad", "blur", "smart")


def even(value: float) -> int:
    """The nearest even integer, at least 2."""
    return max(2, round(value / 2.0) * 2)


def even_floor(value: float) -> int:
    return max(2, int(value) // 2 * 2)


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


def crop_rect(src_w: int, src_h: int, out_w: int, out_h: int, focus: tuple[float, float]) -> Rect:
    """The largest even window of the output's aspect inside the source, centred on ``focus``."""
    target = out_w / out_h
    if src_w / src_h > target:  # source wider: keep full height, cut the sides
        h = even_floor(src_h)
        w = min(even(h * target), even_floor(src_w))
    else:  # source taller: keep full width, cut top and bottom
        w = even_floor(src_w)
        h = min(even(w / target), even_floor(src_h))
    fx = min(max(focus[0], 0.0), 1.0)
    fy = min(max(focus[1], 0.0), 1.0)
    x = round(fx * src_w - w / 2)
    y = round(fy * src_h - h / 2)
    x = min(max(x, 0), src_w - w) // 2 * 2
    y = min(max(y, 0), src_h - h) // 2 * 2
    return Rect(x, y, w, h)


def fit_size(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The even size of the whole source scaled to fit inside the output."""
    scale = min(out_w / src_w, out_h / src_h)
    return min(even(src_w * scale), out_w), min(even(src_h * scale), out_h)


def cover_size(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The even size of the source scaled to cover the whole output (for the blurred fill)."""
    scale = max(out_w / src_w, out_h / src_h)
    return max(even(src_w * scale), out_w), max(even(src_h * scale), out_h)
