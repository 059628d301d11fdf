"""A PNG contact sheet per clip: every target side by side, one frame each, safe zones drawn.

One ffmpeg run per clip. Each target's frame is its render's thumbnail (the frame the render
chose), or a frame of its video when the thumbnail is gone; a target with neither is drawn as
a grey card saying so. Labels are passed to drawtext by file, never inside the filtergraph.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from vidcamp.jobs import ClipRender, Variant

SHEET_HEIGHT = 540  # px of each frame; widths follow each target's aspect ratio
LABEL_HEIGHT = 64
GAP = 16
BAND = "0xEF4444@0.38"  # the area platform UI covers
BACKGROUND = "0x111827"


def contact_sheet(job: ClipRender, out: Path) -> Path | None:
    """Write ``out`` for ``job``'s variants; None when no variant has a frame to show."""
    import ffmpeg

    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.paths import fonts_dir
    from vidcamp.render.cache import temp_name
    from vidcamp.render.runner import run_ffmpeg

    if not any(_frame_source(v) for v in job.variants):
        return None
    font = str(fonts_dir() / "Montserrat-Medium.ttf")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(out)
    with tempfile.TemporaryDirectory(prefix="vidcamp-sheet-") as work:
        tiles = []
        for k, v in enumerate(job.variants):
            label = Path(work) / f"{k}.txt"
            label.write_text(_label(v), encoding="utf-8")
            tiles.append(_tile(ffmpeg, v, job.thumbnail_time, label, font))
        sheet = tiles[0] if len(tiles) == 1 else ffmpeg.filter(tiles, "hstack", inputs=len(tiles))
        sheet = sheet.filter("pad", w=f"iw+{GAP}", h=f"ih+{2 * GAP}", x=GAP, y=GAP,
                             color=BACKGROUND)
        args = ffmpeg.output(sheet, str(temp), vframes=1, update=1).overwrite_output().compile(
            cmd=str(find_ffmpeg())
        )
        try:
            run_ffmpeg([args[0], "-v", "error", *args[1:]],
                       what=f"{job.clip_id}: contact sheet")
            os.replace(temp, out)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
    return out


def _frame_source(v: Variant) -> Path | None:
    if v.thumbnail.is_file():
        return v.thumbnail
    if v.output.is_file():
        return v.output
    return None


def _tile(ffmpeg: Any, v: Variant, at: float, label: Path, font: str) -> Any:
    p = v.preset
    w = round(SHEET_HEIGHT * p.width / p.height / 2) * 2
    h = SHEET_HEIGHT
    source = _frame_source(v)
    if source is None:
        stream = ffmpeg.input(f"color=c=0x374151:s={w}x{h}:d=1", f="lavfi").video
        note = label.with_suffix(".none")
        note.write_text("not built", encoding="utf-8")
        stream = stream.filter("drawtext", textfile=str(note), fontfile=font, fontsize=24,
                               fontcolor="white", x="(w-tw)/2", y="(h-th)/2")
    elif source == v.thumbnail:
        stream = ffmpeg.input(str(source)).video
    else:
        stream = ffmpeg.input(str(source), ss=f"{at:.3f}").video
    stream = stream.filter("scale", w, h).filter("setsar", 1).filter("format", "rgb24")
    z = p.safe_zone
    top, bottom = round(h * z.top), round(h * z.bottom)
    left, right = round(w * z.left), round(w * z.right)
    for x, y, bw, bh in (
        (0, 0, w, top), (0, h - bottom, w, bottom),
        (0, top, left, h - top - bottom), (w - right, top, right, h - top - bottom),
    ):
        if bw > 0 and bh > 0:
            stream = stream.filter("drawbox", x=x, y=y, w=bw, h=bh, color=BAND, t="fill")
    stream = stream.filter("drawbox", x=left, y=top, w=w - left - right, h=h - top - bottom,
                           color="white@0.9", t=2)
    stream = stream.filter("pad", w=w + GAP, h=h + LABEL_HEIGHT, x=0, y=LABEL_HEIGHT,
                           color=BACKGROUND)
    return stream.filter("drawtext", textfile=str(label), fontfile=font, fontsize=19,
                         line_spacing=6, fontcolor="white", x=4, y=10)


def _label(v: Variant) -> str:
    p = v.preset
    return f"{v.target}\n{p.aspect_label} · {p.width}x{p.height}"
