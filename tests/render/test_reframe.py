"""Reframe math: even sizes, inside the source, the output's aspect, focus respected."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vidcamp.presets import PRESETS
from vidcamp.render.reframe import crop_rect, fit_size

sizes = st.integers(min_value=16, max_value=4096)
outputs = st.sampled_from([(p.width, p.height) for p in PRESETS.values()])
focus = st.tuples(st.floats(0, 1), st.floats(0, 1))


@given(sizes, sizes, outputs, focus)
def test_crop_is_even_inside_and_of_the_output_aspect(
    sw: int, sh: int, out: tuple[int, int], f: tuple[float, float]
) -> None:
    r = crop_rect(sw, sh, out[0], out[1], f)
    assert r.w % 2 == 0 and r.h % 2 == 0 and r.x % 2 == 0 and r.y % 2 == 0
    assert r.x >= 0 and r.x + r.w <= sw and r.y >= 0 and r.y + r.h <= sh
    # within one even step of the exact aspect
    assert abs(r.w / r.h - out[0] / out[1]) <= 2.5 / min(r.w, r.h) * max(1, out[0] / out[1])


@given(sizes, sizes, outputs)
def test_fit_is_even_and_inside(sw: int, sh: int, out: tuple[int, int]) -> None:
    w, h = fit_size(sw, sh, out[0], out[1])
    assert w % 2 == 0 and h % 2 == 0 and w <= out[0] and h <= out[1]
    assert w == out[0] or h == out[1] or abs(w - out[0]) <= 2 or abs(h - out[1]) <= 2


def test_odd_phone_frame_to_shorts_and_focus() -> None:
    assert crop_rect(1081, 1921, 1080, 1920, (0.5, 0.5)) == crop_rect(1080, 1920, 1080, 1920,
                                                                        (0.5, 0.5))
    left = crop_rect(1920, 1080, 1080, 1920, (0.0, 0.5))
    right = crop_rect(1920, 1080, 1080, 1920, (1.0, 0.5))
    centre = crop_rect(1920, 1080, 1080, 1920, (0.5, 0.5))
    assert (left.x, right.x + right.w, centre.w) == (0, 1920, 608)
    assert centre.x == 656  # (1920 - 608) / 2
