"""A PNG contact sheet of suggestions: one row per clip, a strip of frames and its score.

One ffmpeg run per row seeks to each frame (input seeking, so a row an hour in costs what the
first row costs) and draws the label from a file; one more run stacks the rows.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from vidcamp.suggest.engine import Suggestion, SuggestResult

FRAMES = 4
FRAME_HEIGHT = 135
LABEL_WIDTH = 300
BACKGROUND = "0x111827"


def frame_times(s: Suggestion, frames: int = FRAMES) -> list[float]:
    """Evenly spread frame times inside the clip, a little in from both ends."""
    span = s.end - s.start
    return [s.start + span * (k + 0.5) / frames for k in range(frames)]


def contact_sheet(result: SuggestResult, out: Path) -> Path | None:
    """Write ``out``; None when there is nothing to show."""
    import ffmpeg

    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.paths import fonts_dir
    from vidcamp.render.cache import temp_name
    from vidcamp.render.runner import run_ffmpeg

    if not result.suggestions:
        return None
    exe = str(find_ffmpeg())
    font = str(fonts_dir() / "Montserrat-Medium.ttf")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name(out)
    with tempfile.TemporaryDirectory(prefix="vidcamp-suggest-sheet-") as work:
        rows: list[str] = []
        for s in result.suggestions:
            label = Path(work) / f"{s.rank}.txt"
            label.write_text(_label(s), encoding="utf-8")
            row = Path(work) / f"{s.rank}.png"
            _row(ffmpeg, exe, result.footage, s, label, font, row, run_ffmpeg)
            rows.append(str(row))
        inputs = [ffmpeg.input(r) for r in rows]
        sheet = (inputs[0].video if len(inputs) == 1
                 else ffmpeg.filter([i.video for i in inputs], "vstack", inputs=len(inputs)))
        args = ffmpeg.output(sheet, str(temp), vframes=1, update=1).overwrite_output().compile(
            cmd=exe)
        try:
            run_ffmpeg([args[0], "-v", "error", *args[1:]], what=f"{out}: contact sheet")
            os.replace(temp, out)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
    return out


def _row(ffmpeg: Any, exe: str, footage: Path, s: Suggestion, label: Path, font: str,
         row: Path, run: Any) -> None:
    tiles = [
        ffmpeg.input(str(footage), ss=f"{t:.3f}", threads=1).video
        .filter("scale", -2, FRAME_HEIGHT).filter("setsar", 1)
        .filter("pad", w="iw+6", h="ih+6", x=3, y=3, color=BACKGROUND)
        for t in frame_times(s)
    ]
    strip = tiles[0] if len(tiles) == 1 else ffmpeg.filter(tiles, "hstack", inputs=len(tiles))
    strip = strip.filter("pad", w=f"iw+{LABEL_WIDTH}", h="ih", x=LABEL_WIDTH, y=0,
                         color=BACKGROUND)
    strip = strip.filter("drawtext", textfile=str(label), fontfile=font, fontsize=16,
                         line_spacing=4, fontcolor="white", x=12, y=12)
    args = ffmpeg.output(strip, str(row), vframes=1, update=1).overwrite_output().compile(cmd=exe)
    run([args[0], "-v", "error", *args[1:]], what=f"{footage}: contact sheet row {s.rank}")


def _label(s: Suggestion) -> str:
    from vidcamp.spec.timecode import format_timecode

    best = "\n".join(s.strongest())
    start, end = format_timecode(s.start)[:-2], format_timecode(s.end)[:-2]  # to the 1/10 s
    return (f"#{s.rank}  score {s.score:.1f}\n{start} - {end}"
            f"  ({s.end - s.start:.1f} s)\n{best}")
