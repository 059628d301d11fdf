"""ffmpeg discovery order and the PyAV probe on awkward files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.render.conftest import ffmpeg, make_source
from vidcamp.errors import MediaError, RenderError
from vidcamp.media import ffmpeg as ff
from vidcamp.media.probe import probe, summary


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ff.ENV_VAR, raising=False)
    bundled = ff.find_ffmpeg()
    assert bundled.is_file() and "imageio_ffmpeg" in str(bundled)
    assert ff.ffmpeg_version()[0].isalnum()

    link = tmp_path / "bin" / "ffmpeg"
    link.parent.mkdir()
    link.symlink_to(bundled)
    monkeypatch.setenv(ff.ENV_VAR, str(link))
    assert ff.find_ffmpeg() == bundled.resolve()
    monkeypatch.setenv(ff.ENV_VAR, "ffmpeg")  # a bare name: looked up on PATH
    monkeypatch.setenv("PATH", str(link.parent) + os.pathsep + os.environ.get("PATH", ""))
    assert ff.find_ffmpeg() == link
    monkeypatch.delenv(ff.ENV_VAR)
    assert ff.find_ffmpeg(prefer_path=True) == link
    monkeypatch.setenv(ff.ENV_VAR, str(tmp_path / "missing" / "ffmpeg"))
    with pytest.raises(RenderError, match="no such file"):
        ff.find_ffmpeg()


def test_probe_reads_rotation_vfr_depth_and_chroma(tmp_path: Path) -> None:
    plain = make_source(tmp_path / "plain.mp4", seconds=1)
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(plain), "-c", "copy", str(rotated))
    info = probe(rotated)
    assert info.video is not None and info.video.rotation == 270
    assert info.display_size == (240, 320)
    assert probe(plain).video.rotation == 0  # type: ignore[union-attr]

    vfr = make_source(tmp_path / "vfr.mp4", seconds=1, audio=False,
                      extra=["-vf", "setpts='if(lt(N,10),N/30,(10+3*(N-10))/30)/TB'",
                             "-fps_mode", "passthrough"])
    assert probe(vfr).video.variable_frame_rate  # type: ignore[union-attr]
    assert not probe(plain).video.variable_frame_rate  # type: ignore[union-attr]

    deep = make_source(tmp_path / "deep.mov", seconds=1, audio=False,
                       extra=["-pix_fmt", "yuv422p10le"])
    v = probe(deep).video
    assert v is not None and (v.bit_depth, v.chroma) == (10, "4:2:2")
    s = summary(probe(plain))
    assert s["video"]["width"] == 320 and s["audio"]["codec"] == "aac"


def test_probe_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="file not found"):
        probe(tmp_path / "none.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(MediaError, match=r"junk\.mp4: not a readable media file"):
        probe(junk)
