"""The camera plan as filters in the render's filtergraph: crops whose x (or y) is an expression
of the frame time ``t``, so the one ffmpeg process that encodes also moves the crop.

Fallback shots (blur, split, wide) are branches laid over the main crop only while they are on
(``overlay`` with ``enable``), so one graph serves a clip whose shots use different layouts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vidcamp.render.graph import _fan_out
from vidcamp.render.smart.path import CameraPlan, Shot

FOREVER = 1e9


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _window(shot: Shot, plan: CameraPlan, lead: float) -> tuple[float, float]:
    """A shot's time range, a little early so that the frame on a cut falls in the new shot."""
    first, last = plan.shots[0], plan.shots[-1]
    start = -1.0 if shot is first else shot.start - lead
    end = FOREVER if shot is last else shot.end - lead
    return start, end


def _between(start: float, end: float) -> str:
    return f"gte(t,{_num(start)})*lt(t,{_num(end)})"


def position_expr(
    plan: CameraPlan, lead: float, value: Callable[[Shot, float], float], limit: int
) -> str:
    """A piecewise-linear expression of ``t``: pixel offsets of a crop, even, inside 0..limit."""

    def px(v: float) -> float:
        return min(max(0.0, v), float(limit))

    terms: list[str] = []
    constants: set[int] = set()
    for shot in plan.shots:
        start, end = _window(shot, plan, lead)
        keys = [(t, px(value(shot, c))) for t, c in shot.keys]
        constants.update(round(p) for _, p in keys)
        if len(keys) == 1:
            terms.append(f"{_between(start, end)}*{_num(keys[0][1])}")
            continue
        edges = [start] + [t - lead for t, _ in keys[1:]] + [end]
        for k, (t0, p0) in enumerate(keys):
            a, b = edges[k], edges[k + 1]
            if k + 1 < len(keys):
                t1, p1 = keys[k + 1]
                slope = (p1 - p0) / (t1 - t0) if t1 > t0 else 0.0
                body = f"({_num(p0)}+(t-{_num(t0)})*{_num(slope)})" if slope else _num(p0)
            else:
                body = _num(p0)
            terms.append(f"{_between(a, b)}*{body}")
    if len(constants) == 1:
        return str(constants.pop() // 2 * 2)
    # crop rounds to the chroma grid itself; trunc keeps the expression's value inside the frame
    return f"trunc({balanced_sum(terms)})"


def balanced_sum(terms: list[str]) -> str:
    """``a+b+c+...`` as a balanced tree: ffmpeg's expression parser stops at about 100 levels
    of nesting, and a flat sum of n terms nests n deep (measured: 90 terms pass, 100 fail)."""
    if len(terms) <= 2:
        return "+".join(terms)
    mid = len(terms) // 2
    return f"({balanced_sum(terms[:mid])})+({balanced_sum(terms[mid:])})"


def enable_expr(plan: CameraPlan, mode: str, lead: float) -> str | None:
    parts = [_between(*_window(s, plan, lead)) for s in plan.shots if s.mode == mode]
    return balanced_sum(parts) if parts else None


def smart_video(
    stream: Any, plan: CameraPlan, out: tuple[int, int], fps: float, pad_color: str,
    blur_fit: Callable[[Any], Any],
) -> Any:
    """The frames of the main cut reframed along ``plan`` to ``out``, square pixels."""
    out_w, out_h = out
    src_w, src_h = plan.src
    cw, ch = plan.crop
    lead = 0.25 / fps
    modes = {s.mode for s in plan.shots}
    extra = [m for m in ("blur", "split", "wide") if m in modes]
    branches = _fan_out(stream, 1 + len(extra), "split")
    if plan.axis == "x":
        x = position_expr(plan, lead, lambda _s, c: c * src_w - cw / 2, src_w - cw)
        y = str((src_h - ch) // 2 // 2 * 2)
    else:
        x = str((src_w - cw) // 2 // 2 * 2)
        y = position_expr(plan, lead, lambda _s, c: c * src_h - ch / 2, src_h - ch)
    video = (
        branches[0].filter("crop", cw, ch, x, y)
        .filter("scale", out_w, out_h, flags="lanczos")
        .filter("setsar", 1)
    )
    for mode, branch in zip(extra, branches[1:], strict=True):
        if mode == "blur":
            layer = blur_fit(branch)
        elif mode == "split":
            layer = _split_layer(branch, plan, lead, out)
        else:
            layer = _wide_layer(branch, plan, lead, out, pad_color)
        video = video.overlay(layer.filter("setsar", 1), x=0, y=0,
                              enable=enable_expr(plan, mode, lead))
    return video.filter("setsar", 1)


def _split_layer(stream: Any, plan: CameraPlan, lead: float, out: tuple[int, int]) -> Any:
    """Two crops stacked: the left face on top, the right face below."""
    src_w, src_h = plan.src
    sw, sh = plan.split_crop
    half = out[1] // 2 // 2 * 2
    top, bottom = _fan_out(stream, 2, "split")
    layers = []
    for k, branch in enumerate((top, bottom)):

        def cx(s: Shot, _c: float, k: int = k) -> float:
            return (s.centres[k][0] if s.mode == "split" else 0.5) * src_w - sw / 2

        def cy(s: Shot, _c: float, k: int = k) -> float:
            return (s.centres[k][1] if s.mode == "split" else 0.5) * src_h - sh / 2

        x = position_expr(plan, lead, cx, src_w - sw)
        y = position_expr(plan, lead, cy, src_h - sh)
        layers.append(
            branch.filter("crop", sw, sh, x, y)
            .filter("scale", out[0], half, flags="lanczos")
            .filter("setsar", 1)
        )
    import ffmpeg

    stacked = ffmpeg.filter(layers, "vstack", inputs=2)
    if 2 * half != out[1]:
        stacked = stacked.filter("pad", out[0], out[1], 0, 0)
    return stacked


def _wide_layer(
    stream: Any, plan: CameraPlan, lead: float, out: tuple[int, int], pad_color: str
) -> Any:
    """One crop wide enough for both faces, the full height, fitted and padded."""
    src_w, src_h = plan.src
    ww = plan.wide_width
    x = position_expr(
        plan, lead, lambda s, _c: (s.centres[0][0] if s.mode == "wide" else 0.5) * src_w - ww / 2,
        src_w - ww,
    )
    h = min(out[1], max(2, round(out[0] * src_h / ww / 2) * 2))
    return (
        stream.filter("crop", ww, src_h, x, 0)
        .filter("scale", out[0], h, flags="lanczos")
        .filter("setsar", 1)
        .filter("pad", out[0], out[1], 0, (out[1] - h) // 2 // 2 * 2, color=pad_color)
    )
