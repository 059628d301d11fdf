"""The render command line: one process, input seeking per segment, one split, every output."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from tests.render.conftest import job, small, variant
from vidcamp.media.probe import AudioStreamInfo, MediaInfo, VideoStreamInfo
from vidcamp.render.graph import VariantPlan, output_fps, render_command, timeline


def _info(path: str, *, fps: float = 30.0, vfr: bool = False) -> MediaInfo:
    video = VideoStreamInfo("h264", 1920, 1080, fps, "yuv420p", Fraction(1), 0, "High",
                            variable_frame_rate=vfr)
    return MediaInfo(Path(path), 20.0, 1000, "mov", video, AudioStreamInfo("aac", 48000, 2, "LC"))


def test_one_command_seeks_each_segment_and_splits_once(tmp_path: Path) -> None:
    out = tmp_path / "c"
    variants = [variant(out, "a", small("x", 320, 180)),
                variant(out, "b", small("youtube_shorts", 180, 320), reframe="blur"),
                variant(out, "c", small("facebook", 216, 270), reframe="pad")]
    clip = job(Path("/media/src.mp4"), out, variants, segments=[(1.0, 2.5), (4.0, 6.0)])
    parts = timeline(clip, _info("/media/src.mp4"), None, None)
    plans = [VariantPlan(v, 30.0, None, out / f".{v.target}.tmp.mp4", None) for v in variants]
    args = render_command(Path("/bin/ffmpeg"), clip, parts, plans, fonts_dir=Path("/fonts"),
                          measured=None, x264_preset="veryfast")
    assert args[0] == "/bin/ffmpeg"
    inputs = [i for i, a in enumerate(args) if a == "-i"]
    assert [args[i + 1] for i in inputs] == ["/media/src.mp4", "/media/src.mp4"]
    # input seeking: -ss and -t come before each -i
    assert args[inputs[0] - 4: inputs[0]] == ["-ss", "1", "-t", "1.5"]
    assert args[inputs[1] - 4: inputs[1]] == ["-ss", "4", "-t", "2"]
    graph = args[args.index("-filter_complex") + 1]
    assert args.count("-filter_complex") == 1
    assert "concat=a=0:n=2:v=1" in graph and graph.count("]split=3") == 1
    assert graph.count("]asplit=3") == 1
    assert "boxblur" in graph and "pad=216:270" in graph and "crop=" in graph
    assert [a for a in args if a.endswith(".tmp.mp4")] == [str(p.temp_output) for p in plans]
    assert args.count("+faststart") == 3 and args.count("libx264") == 3


def test_output_rate_keeps_the_source_rate_when_allowed() -> None:
    v = variant(Path("/o"), "v", small("youtube", 320, 180))
    assert output_fps(_info("a", fps=25.0), v) == 25.0
    assert output_fps(_info("a", fps=29.97003), v) == 29.97
    assert output_fps(_info("a", fps=120.0), v) == 30.0  # over the preset's 60
    assert output_fps(_info("a", fps=15.0), v) == 30.0  # under its 24
    assert output_fps(_info("a", fps=27.3, vfr=True), v) == 30.0  # phone VFR: a standard rate
