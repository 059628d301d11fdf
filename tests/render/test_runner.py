"""ffmpeg failures are reported by quoting ffmpeg's own relevant line."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidcamp.errors import RenderError
from vidcamp.media.ffmpeg import find_ffmpeg
from vidcamp.render.runner import LAUNCHES, error_line, run_ffmpeg


def test_missing_input_is_quoted(tmp_path: Path) -> None:
    before = LAUNCHES.value
    with pytest.raises(RenderError) as err:
        run_ffmpeg([str(find_ffmpeg()), "-v", "error", "-i", str(tmp_path / "nope.mp4"),
                    "-f", "null", "-"], what="probe-ish")
    assert LAUNCHES.value == before + 1
    assert "No such file or directory (Error opening input file " in str(err.value)
    assert "nope.mp4)" in str(err.value)
    assert str(err.value).startswith("probe-ish: ffmpeg failed (exit ")


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[float] = []
    run_ffmpeg([str(find_ffmpeg()), "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=s=64x64:r=30:d=1", "-f", "null", "-"],
               what="progress", on_progress=lambda sec, speed: seen.append(sec))
    assert seen and abs(seen[-1] - 1.0) < 0.1


def test_error_line_skips_generic_noise() -> None:
    log = "\n".join([
        "[vost#0:0/libx264 @ 0x1] Error while filtering: Invalid argument",
        "[Parsed_pad_4 @ 0x2] Cannot find color 'nope'",
        "Error reinitializing filters!",
        "Conversion failed!",
    ])
    assert error_line(log) == "[Parsed_pad_4] Cannot find color 'nope'"
    assert error_line("") == "no error message"


def test_progress_sinks_print_plain_lines_and_a_rich_bar() -> None:
    import io

    from rich.console import Console

    from vidcamp.render.progress import PlainProgress, RichProgress, make_progress

    out = io.StringIO()
    plain = PlainProgress(out)
    plain.start("teaser", 4.0, ["youtube", "x"])
    for sec in (1.1, 2.2, 3.3, 4.0):
        plain.update("teaser", sec, 2.0)
    plain.finish("teaser", "done: youtube, x")
    lines = out.getvalue().splitlines()
    assert lines[0] == "teaser: rendering youtube, x (4.0 s)"
    assert lines[1].startswith("teaser:  28%, about ") and lines[-1] == "teaser: done: youtube, x"
    assert make_progress(quiet=True).__class__.__name__ == "NullProgress"
    assert isinstance(make_progress(stream=io.StringIO()), PlainProgress)

    screen = io.StringIO()
    with RichProgress(Console(file=screen, force_terminal=True, width=100)) as bar:
        bar.start("teaser", 6.0, ["youtube"])
        bar.update("teaser", 3.0, 1.5)
        bar.finish("teaser", "done")
    assert "100%" in screen.getvalue() and "teaser" in screen.getvalue()
