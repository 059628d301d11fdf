"""The ffmpeg tier of effects: filters added to a variant's chain inside the one filtergraph.

Times are on the clip's timeline, which is the main cut's timeline (bumpers are joined later),
and the chain runs at the variant's constant frame rate, so a time maps to a frame index.
Effects that move the picture (zoom, shake) cut the chain into pieces: frames inside a range go
through zoompan, the others are left alone, and the pieces are joined again. With the crop
reframe the zoom replaces the reframe's scale for those frames, so it costs next to nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vidcamp.jobs import Effect, Variant
from vidcamp.render import reframe as rf

PICTURE = ("freeze", "zoom", "shake")  # before captions: they move the footage
MOTION = ("zoom", "shake")
OVERLAY = ("flash", "progress_bar", "sticker")  # after captions: drawn on top


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def focus_point(src_w: int, src_h: int, variant: Variant) -> tuple[float, float]:
    """Where the target's focus lands in the output frame, as fractions (the zoom centre)."""
    out_w, out_h = variant.preset.width, variant.preset.height
    fx, fy = variant.focus
    if variant.reframe == "crop":
        r = rf.crop_rect(src_w, src_h, out_w, out_h, variant.focus)
        return (min(max((fx * src_w - r.x) / r.w, 0.0), 1.0),
                min(max((fy * src_h - r.y) / r.h, 0.0), 1.0))
    w, h = rf.fit_size(src_w, src_h, out_w, out_h)
    return (((out_w - w) / 2 + fx * w) / out_w, ((out_h - h) / 2 + fy * h) / out_h)


def _frames(effect: Effect, fps: float) -> tuple[int, int]:
    """First and one-past-last frame index of the effect's range (at least one frame).

    The first is the frame on screen at the start time, so a zoom's first changed frame (the
    next one) comes at most one frame after its start.
    """
    first = math.floor(effect.start * fps + 1e-6)
    last = max(first + 1, math.ceil(effect.end * fps - 1e-6))
    return first, last


def picture(
    stream: Any, effects: Sequence[Effect], *, width: int, height: int, fps: float,
    focus: tuple[float, float], total_frames: int,
) -> Any:
    """Freeze, zoom and shake on the reframed main chain (before captions are drawn)."""
    motion = [e for e in effects if e.name in MOTION]
    if motion:
        stream = _pieces(stream, motion, fps=fps, total_frames=total_frames, width=width,
                         height=height, focus=focus, plain=lambda s: s)
    for effect in effects:
        if effect.name == "freeze":
            stream = _freeze(stream, effect, fps)
    return stream


def crop_with_motion(
    stream: Any, src_size: tuple[int, int], variant: Variant, motion: Sequence[Effect], *,
    fps: float, total_frames: int,
) -> Any:
    """The crop reframe with zoom and shake folded in: a frame in a motion range is zoomed
    straight from the source crop to the output size, in place of the plain scale, so each
    frame is scaled once (the moving effects then cost next to nothing)."""
    out_w, out_h = variant.preset.width, variant.preset.height
    r = rf.crop_rect(*src_size, out_w, out_h, variant.focus)
    stream = stream.filter("fps", _num(fps)).crop(r.x, r.y, r.w, r.h)
    return _pieces(
        stream, motion, fps=fps, total_frames=total_frames, width=out_w, height=out_h,
        focus=focus_point(*src_size, variant),
        plain=lambda s: s.filter("scale", out_w, out_h, flags="lanczos").filter("setsar", 1),
    ).filter("setsar", 1)


def _pieces(
    stream: Any, motion: Sequence[Effect], *, fps: float, total_frames: int, width: int,
    height: int, focus: tuple[float, float], plain: Callable[[Any], Any],
) -> Any:
    """Cut the chain at the motion ranges: frames outside go through ``plain``, frames inside
    through their zoompan; the pieces are joined again in order (no frame is handled twice)."""
    import ffmpeg

    spans: list[tuple[int, int | None, Effect | None]] = []
    at = 0
    for effect in sorted(motion, key=lambda e: (e.start, e.end)):
        first, last = _frames(effect, fps)
        first, last = max(first, at), min(last, total_frames)
        if last <= first:
            continue  # overlaps an earlier range, or past the end
        if first > at:
            spans.append((at, first, None))
        spans.append((first, last, effect))
        at = last
    if at < total_frames - 1:  # the rest (open-ended: the frame count is only estimated)
        spans.append((at, None, None))
    if not spans:
        return plain(stream)
    node = stream.filter_multi_output("split", len(spans)) if len(spans) > 1 else None
    pieces = []
    for n, (start, stop, moving) in enumerate(spans):
        part = node[n] if node is not None else stream
        trim = {"start_frame": start, **({"end_frame": stop} if stop is not None else {})}
        part = part.filter("trim", **trim)
        part = plain(part) if moving is None else _zoompan(
            part, moving, fps=fps, width=width, height=height, focus=focus
        )
        pieces.append(part.filter("setpts", "PTS-STARTPTS"))
    return pieces[0] if len(pieces) == 1 else ffmpeg.concat(*pieces, v=1, a=0)


def _freeze(stream: Any, effect: Effect, fps: float) -> Any:
    import ffmpeg

    first, last = _frames(effect, fps)
    node = stream.split()
    # the second input supplies the held frame (its frame `first`), the first all the others
    return ffmpeg.filter(
        [node[0], node[1]], "freezeframes", first=first, last=last - 1, replace=first
    )


def _zoompan(
    stream: Any, effect: Effect, *, fps: float, width: int, height: int,
    focus: tuple[float, float],
) -> Any:
    """Zoom or shake as zoompan on frames already trimmed to the effect's range."""
    first, last = _frames(effect, fps)
    a, b = first / fps, (last - 1) / fps
    if effect.name == "zoom":
        factor = float(effect.param("factor", 1.3))
        ease = min(float(effect.param("ease", 0.15)), (b - a) / 2)
        if ease > 0:
            ramp = f"clip(min((it-{_num(a)})/{_num(ease)},({_num(b)}-it)/{_num(ease)}),0,1)"
            eased = f"({ramp})*({ramp})*(3-2*({ramp}))"
        else:
            eased = "1"
        zoom = f"1+{_num(factor - 1)}*{eased}"
        cx, cy = focus
        x = f"clip({_num(cx)}*iw-iw/zoom/2,0,iw-iw/zoom)"
        y = f"clip({_num(cy)}*ih-ih/zoom/2,0,ih-ih/zoom)"
    else:  # shake: a small fixed zoom whose window wanders
        amp = float(effect.param("amplitude", 0.02))
        speed = float(effect.param("speed", 12.0))
        zoom = _num(1 + 2 * amp)
        x = f"(iw-iw/zoom)/2*(1+sin(2*PI*{_num(speed)}*it))"
        y = f"(ih-ih/zoom)/2*(1+sin(2*PI*{_num(speed * 0.77)}*it+1.3))"
    # `it` is the input time: trim keeps the frames' places on the clip's timeline
    return stream.filter(
        "zoompan", z=zoom, x=x, y=y, d=1, s=f"{width}x{height}", fps=_num(fps)
    ).filter("setsar", 1)


def overlays(
    stream: Any, effects: Sequence[Effect], variant: Variant, *, fps: float, fonts_dir: Path,
) -> Any:
    """Flash, progress bar and stickers, drawn over the captioned main chain."""
    import ffmpeg

    p = variant.preset
    zone = p.safe_zone
    zx0, zx1 = round(zone.left * p.width), round(p.width * (1 - zone.right))
    zy0, zy1 = round(zone.top * p.height), round(p.height * (1 - zone.bottom))
    for effect in effects:
        on = f"between(t,{_num(effect.start)},{_num(effect.end - 0.5 / fps)})"
        if effect.name == "flash":
            color = str(effect.param("color", "white"))
            if "@" not in color:
                color += f"@{_num(float(effect.param('opacity', 0.85)))}"
            stream = stream.filter("drawbox", x=0, y=0, w="iw", h="ih", color=color,
                                   thickness="fill", enable=on)
        elif effect.name == "progress_bar":
            thick = rf.even(p.height * float(effect.param("thickness", 0.012)))
            color = str(effect.param("color", "#FFFFFF"))
            bar = ffmpeg.input(
                f"color=c={color}:s={p.width}x{thick}:r={_num(fps)}", f="lavfi"
            ).video
            if "@" in color:  # see-through: keep the alpha for the blend
                bar = bar.filter("format", "rgba")
            span = _num(max(effect.end - effect.start, 1e-3))
            x = f"-w+w*min(1,(t-{_num(effect.start)}+{_num(1 / fps)})/{span})"
            y = "0" if effect.param("position", "bottom") == "top" else "H-h"
            # overlay's default yuv420 blend: format=auto would convert every frame of the
            # main chain (measured: 4x the filter time of the chain without the bar)
            stream = stream.overlay(bar, x=x, y=y, shortest=1, eof_action="pass", enable=on)
        elif effect.name == "sticker":
            cx = zx0 + float(effect.param("x", 0.5)) * (zx1 - zx0)
            cy = zy0 + float(effect.param("y", 0.3)) * (zy1 - zy0)
            size = float(effect.param("size", 0.25)) * p.width
            image = effect.param("image")
            if image:
                logo = (
                    ffmpeg.input(str(image)).video.filter("scale", rf.even(size), -2)
                    .filter("format", "rgba")
                )
                x = f"clip({_num(cx)}-overlay_w/2,{zx0},{zx1}-overlay_w)"
                y = f"clip({_num(cy)}-overlay_h/2,{zy0},{zy1}-overlay_h)"
                stream = stream.overlay(logo, x=x, y=y, eof_action="repeat", enable=on)
            else:
                from vidcamp.render.captions import EMOJI_FONT_FILE

                stream = stream.filter(
                    "drawtext", fontfile=str(fonts_dir / EMOJI_FONT_FILE),
                    text=str(effect.param("emoji")), expansion="none",
                    fontsize=max(8, round(size)), fontcolor="white", borderw=3,
                    bordercolor="black",
                    x=f"clip({_num(cx)}-text_w/2,{zx0},{zx1}-text_w)",
                    y=f"clip({_num(cy)}-text_h/2,{zy0},{zy1}-text_h)",
                    enable=on,
                )
    return stream


def emoji_missing(text: str) -> str:
    """The characters of a sticker's text that the bundled emoji font does not draw."""
    from vidcamp.render.captions import _font_facts, emoji_font_file

    _, cmap = _font_facts(emoji_font_file())
    return "".join(ch for ch in text if not ch.isspace() and ord(ch) not in cmap
                   and ord(ch) not in (0x200D, 0xFE0F))
