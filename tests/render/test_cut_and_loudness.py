"""Must show: a multi-segment cut lasts the sum of its segments, in sync; loudness on target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.render.conftest import (
    audio_samples,
    ffmpeg,
    frame_at,
    integrated_loudness,
    job,
    make_source,
    small,
    variant,
    video_frame_times,
)
from vidcamp.media.probe import probe
from vidcamp.render import render_clip

FLASHES = (1.5, 4.5, 7.5)  # source seconds of a white flash with a beep, every 3 s
FPS = 30


def _flash_source(path: Path) -> Path:
    """Black video with a 3-frame white flash and a 1 kHz beep at each time in FLASHES."""
    on = "lt(mod({t}+1.5,3),0.099)*gte({t},1)"
    video = f"color=c=black:s=320x240:r={FPS}:d=9"
    # geq names time T, aeval names it t
    flash = [
        "-vf", f"geq=lum='if({on.format(t='T')},235,16)':cb=128:cr=128",
        "-af", f"aeval='val(0)*({on.format(t='t')})':c=same",
    ]
    return make_source(path, seconds=9, video=video, extra=flash,
                       tone="sine=f=1000:sample_rate=48000")


def _onsets(values: Any, times: Any, threshold: float) -> list[float]:
    above = values > threshold
    starts = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    return [float(times[i]) for i in starts]


def test_multi_segment_cut_length_and_sync(tmp_path: Path) -> None:
    source = _flash_source(tmp_path / "flash.mp4")
    segments = [(1.0, 2.0), (4.0, 5.5), (7.1, 7.8)]  # each holds one flash
    out = tmp_path / "cut"
    render_clip(job(source, out, [variant(out, "v", small("youtube_shorts", 180, 320))],
                    segments=segments))
    path = out / "v.mp4"
    expected = sum(b - a for a, b in segments)

    times = video_frame_times(path)
    assert abs(len(times) / FPS - expected) <= 1 / FPS, (len(times), expected)
    info = probe(path)
    assert abs(info.duration - expected) <= 1 / FPS + 0.025

    # where each flash lands on the output timeline
    want = [0.5, 1.0 + 0.5, 2.5 + 0.4]
    luma = np.array([frame_at(path, t, "gray").mean() for t in times])
    flashes = _onsets(luma, np.array(times), 128)
    samples, rate = audio_samples(path)
    envelope = np.convolve(np.abs(samples), np.ones(48) / 48, mode="same")
    beeps = _onsets(envelope, np.arange(len(envelope)) / rate, envelope.max() * 0.3)
    assert len(flashes) == len(beeps) == len(want), (flashes, beeps)
    for flash, beep, at in zip(flashes, beeps, want, strict=True):
        assert abs(flash - at) <= 1 / FPS + 1e-3, (flash, at)
        assert abs(beep - flash) <= 1 / FPS, (beep, flash)


def test_loudness_within_one_lu_of_target(tmp_path: Path) -> None:
    quiet = make_source(tmp_path / "quiet.mp4", seconds=5, tone="sine=f=300:sample_rate=48000",
                        extra=["-af", "volume=0.05"])
    out = tmp_path / "loud"
    target = -16.0
    clip = job(quiet, out, [variant(out, "v", small("x", 320, 180))], segments=[(0.5, 4.5)],
               loudness=target)
    render_clip(clip)
    before = integrated_loudness(quiet)
    after = integrated_loudness(out / "v.mp4")
    assert abs(before - target) > 5  # the source really was far off
    assert abs(after - target) <= 1.0, after


def test_sound_that_starts_after_the_picture_stays_in_sync(tmp_path: Path) -> None:
    """A camera file whose audio track begins 0.5 s in: the beep stays on its flash."""
    on = "lt(mod({t}+2,3),0.099)*gte({t},0.5)"  # flash and beep at 1.0 s
    source = tmp_path / "late_audio.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", f"color=c=black:s=320x240:r={FPS}:d=3",
        "-itsoffset", "0.5", "-f", "lavfi", "-i", "sine=f=1000:sample_rate=48000:d=2.5",
        "-vf", f"geq=lum='if({on.format(t='T')},235,16)':cb=128:cr=128",
        "-af", f"aeval='val(0)*({on.format(t='t')})':c=same",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        str(source),
    )
    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))],
                    segments=[(0.0, 2.0)]))
    path = out / "v.mp4"
    times = np.array(video_frame_times(path))
    luma = np.array([frame_at(path, t, "gray").mean() for t in times])
    samples, rate = audio_samples(path)
    envelope = np.convolve(np.abs(samples), np.ones(48) / 48, mode="same")
    beeps = _onsets(envelope, np.arange(len(envelope)) / rate, envelope.max() * 0.3)
    assert _onsets(luma, times, 128) == [1.0]
    assert len(beeps) == 1 and abs(beeps[0] - 1.0) <= 1 / FPS, beeps
