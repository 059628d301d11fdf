"""Must show: rotated phone footage comes out upright; VFR comes out constant; odd sources work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.render.conftest import ffmpeg, frame_at, job, make_source, small, variant
from vidcamp.media.probe import probe
from vidcamp.render import render_clip


def _rotated_phone_clip(tmp_path: Path) -> Path:
    """Upright picture: white top half, black bottom half (240x320, portrait).

    Stored the way phones store it: pixels turned 90° clockwise (320x240) plus display
    rotation metadata telling players to turn it back.
    """
    stored = tmp_path / "stored.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "color=white:s=240x160:r=30:d=1.2",
        "-f", "lavfi", "-i", "color=black:s=240x160:r=30:d=1.2",
        "-f", "lavfi", "-i", "sine=d=1.2",
        "-filter_complex", "[0:v][1:v]vstack,transpose=clock[v]", "-map", "[v]", "-map", "2:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        str(stored),
    )
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(stored), "-c", "copy", str(rotated))
    return rotated


def test_rotated_source_comes_out_upright(tmp_path: Path) -> None:
    source = _rotated_phone_clip(tmp_path)
    info = probe(source)
    assert info.video is not None and (info.video.width, info.video.height) == (320, 240)
    assert info.video.rotation == 270 and info.display_size == (240, 320)

    out = tmp_path / "out"
    preset = small("youtube_shorts", 360, 640)
    render_clip(job(source, out, [variant(out, "v", preset, reframe="pad", pad_color="gray")]))
    result = probe(out / "v.mp4")
    assert result.video is not None and result.video.rotation == 0
    frame = frame_at(out / "v.mp4", 0.5, "gray")
    # the 3:4 picture fills the width: 360x480 in the middle, gray bars above and below
    top, bottom = frame[80 + 20 : 80 + 220], frame[80 + 260 : 80 + 460]
    assert top.mean() > 200 and bottom.mean() < 50, (top.mean(), bottom.mean())


def test_vfr_source_comes_out_constant_frame_rate(tmp_path: Path) -> None:
    source = tmp_path / "vfr.mp4"
    # first 20 frames at 30 fps, the rest at 15: timestamps a phone might write
    make_source(source, seconds=2, audio=True,
                extra=["-vf", "setpts='if(lt(N,20),N/30,(20+2*(N-20))/30)/TB'",
                       "-fps_mode", "passthrough"])
    src = probe(source)
    assert src.video is not None and src.video.variable_frame_rate

    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))],
                    segments=[(0.0, 1.8)]))
    info = probe(out / "v.mp4")
    assert info.video is not None and not info.video.variable_frame_rate
    assert info.video.fps == 30.0

    import av

    with av.open(str(out / "v.mp4")) as container:
        stamps = sorted(p.pts for p in container.demux(video=0) if p.pts is not None)
    assert len(set(np.diff(stamps))) == 1  # every frame lasts the same


def test_odd_size_source(tmp_path: Path) -> None:
    source = tmp_path / "odd.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=1081x1921:r=25:d=1", "-f", "lavfi", "-i", "sine=d=1",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", "-c:a", "aac",
           str(source))
    out = tmp_path / "out"
    variants = [
        variant(out, mode, small("youtube", 320, 180), reframe=mode)
        for mode in ("crop", "pad", "blur")
    ]
    render_clip(job(source, out, variants, segments=[(0.0, 1.0)]))
    for mode in ("crop", "pad", "blur"):
        info = probe(out / f"{mode}.mp4")
        assert info.video is not None
        assert (info.video.width, info.video.height) == (320, 180)
        assert info.video.sample_aspect_ratio in (None, 1)
        # 25 fps source stays at 25 fps (inside the preset's range)
        assert info.video.fps == 25.0


def test_ten_bit_422_source(tmp_path: Path) -> None:
    source = make_source(tmp_path / "p10.mov", seconds=1,
                         extra=["-pix_fmt", "yuv422p10le"])
    src = probe(source)
    assert src.video is not None and (src.video.bit_depth, src.video.chroma) == (10, "4:2:2")
    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("facebook", 216, 270))]))
    info = probe(out / "v.mp4")
    assert info.video is not None
    assert (info.video.pix_fmt, info.video.profile, info.video.bit_depth) == ("yuv420p", "High", 8)


def test_source_without_audio_gets_a_silent_track(tmp_path: Path) -> None:
    source = make_source(tmp_path / "mute.mp4", seconds=1, audio=False)
    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("x", 320, 180))]))
    info = probe(out / "v.mp4")
    assert info.audio is not None and (info.audio.sample_rate, info.audio.channels) == (48000, 2)


def test_intro_outro_bumpers_join_around_the_clip(media: Any, tmp_path: Path) -> None:
    source = media("src.mp4", seconds=2)
    intro = make_source(tmp_path / "intro.mp4", size="200x200", rate=25, seconds=0.6, audio=False)
    outro = make_source(tmp_path / "outro.mp4", size="640x360", seconds=0.4)
    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("youtube_shorts", 180, 320))],
                    segments=[(0.5, 1.5)], intro=intro, outro=outro))
    info = probe(out / "v.mp4")
    assert abs(info.duration - 2.0) <= 1 / 30 + 0.03
    assert info.video is not None and info.video.fps == 30.0


def test_anamorphic_source_is_shown_at_its_display_aspect(tmp_path: Path) -> None:
    # 320x240 stored pixels, each twice as wide as tall: shown as 640x240 (8:3)
    source = make_source(tmp_path / "wide_pixels.mp4", seconds=1, extra=["-vf", "setsar=2"])
    info = probe(source)
    assert info.video is not None and info.video.sample_aspect_ratio == 2
    assert info.square_size == (640, 240)
    out = tmp_path / "out"
    render_clip(job(source, out, [variant(out, "v", small("youtube", 320, 180), reframe="pad",
                                          pad_color="white")]))
    frame = frame_at(out / "v.mp4", 0.5)
    # 8:3 fitted into 16:9 is 320x120: white bars above and below, none at the sides
    top_row, middle_left = frame[5, :, :].mean(axis=0), frame[90, :5, :].mean(axis=0)
    assert top_row.min() > 240, top_row
    assert middle_left.min() < 200, middle_left
