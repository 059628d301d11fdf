"""Must show: every reframe mode x every preset family renders at real size and meets its preset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import frame_at, job, variant
from vidcamp.media.probe import probe
from vidcamp.presets import PRESETS
from vidcamp.render import render_clip
from vidcamp.render.check import moov_before_mdat, output_problems

# One preset per family, at its real size: 9:16, 4:5, 16:9 (with a YouTube thumbnail), X 720p.
FAMILIES = ("youtube_shorts", "facebook", "youtube", "x")


@pytest.mark.parametrize("mode", ["crop", "pad", "blur"])
@pytest.mark.slow
def test_each_family_meets_its_preset(mode: str, media: Any, tmp_path: Path) -> None:
    source = media("wide.mp4", size="640x360", seconds=1.5)
    out = tmp_path / f"clip_{mode}"
    variants = [
        variant(out, name, PRESETS[name], reframe=mode, pad_color="#FF0000")
        for name in FAMILIES
    ]
    result = render_clip(job(source, out, variants, segments=[(0.2, 1.2)]))
    assert set(result.rendered) == set(FAMILIES)
    for name in FAMILIES:
        preset = PRESETS[name]
        path = out / f"{name}.mp4"
        info = probe(path)
        assert output_problems(info, preset, expected_duration=1.0, fps=30.0) == []
        assert info.video is not None and info.audio is not None
        assert (info.video.width, info.video.height) == (preset.width, preset.height)
        assert info.video.codec == "h264" and info.video.profile == "High"
        assert info.video.pix_fmt == "yuv420p" and info.video.sample_aspect_ratio in (None, 1)
        assert not info.video.variable_frame_rate and info.video.fps == 30.0
        assert (info.audio.codec, info.audio.profile) == ("aac", "LC")
        assert (info.audio.sample_rate, info.audio.channels) == (48000, 2)
        assert moov_before_mdat(path)
        assert abs(info.duration - 1.0) < 1 / 30 + 0.03

        thumb = probe(out / f"{name}.jpg")
        assert thumb.video is not None
        want = preset.thumbnail_size or (preset.width, preset.height)
        assert (thumb.video.width, thumb.video.height) == want
        if preset.thumbnail_max_bytes:
            assert thumb.size < preset.thumbnail_max_bytes

        frame = frame_at(path, 0.5)
        corner = frame[: preset.height // 40, : preset.width // 40].reshape(-1, 3).mean(axis=0)
        source_is_wider = preset.width / preset.height + 0.01 < 640 / 360
        if mode == "pad" and (source_is_wider or preset.width / preset.height > 640 / 360 + 0.01):
            # letterbox bars in the pad colour
            assert corner[0] > 200 and corner[1] < 60 and corner[2] < 60, corner
        if mode == "blur" and source_is_wider:
            # the blurred fill is picture, not a flat bar
            assert not (corner[0] > 200 and corner[1] < 60 and corner[2] < 60)
