"""The output check names every way a file misses its preset."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render.conftest import make_source
from vidcamp.errors import RenderError
from vidcamp.presets import PRESETS
from vidcamp.render.check import check_output, moov_before_mdat


def test_a_plain_lavfi_file_fails_the_youtube_preset_on_every_count(tmp_path: Path) -> None:
    # ultrafast Baseline, 320x240, 44.1 kHz mono audio, index at the end
    path = make_source(tmp_path / "plain.mp4", seconds=1,
                       tone="sine=f=440:sample_rate=44100", extra=["-ac", "1"])
    assert not moov_before_mdat(path)
    with pytest.raises(RenderError) as err:
        check_output(path, PRESETS["youtube"], expected_duration=2.0, fps=30.0, what="c/yt")
    message = str(err.value)
    assert message.startswith("c/yt: output does not meet preset youtube: ")
    for part in ("profile constrained baseline (want high)", "size 320x240 (want 1920x1080)",
                 "duration 1.000 s (want 2.000 s)", "audio rate 44100 (want 48000)",
                 "audio channels 1 (want 2)", "moov atom after mdat"):
        assert part in message, part
    fast = make_source(tmp_path / "fast.mp4", seconds=1, extra=["-movflags", "+faststart"])
    assert moov_before_mdat(fast)
