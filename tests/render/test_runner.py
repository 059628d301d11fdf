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
    assert error_line(log) == "[Parsed_pad_4 @ 0x2] Cannot find color 'nope'"
    assert error_line("") == "no error message"
