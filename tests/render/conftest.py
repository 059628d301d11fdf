"""Shared helpers for render tests: lavfi-made media, job builders, frame and audio readers."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import made_once
from vidcamp.jobs import ClipRender, Segment, Variant
from vidcamp.media.ffmpeg import find_ffmpeg
from vidcamp.presets import PRESETS, Preset

# Every test render uses x264's fastest preset (High-profile tools kept on).
os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")


def ffmpeg(*args: str) -> None:
    """Run ffmpeg to make test media; fail the test with ffmpeg's own message."""
    cmd = [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def make_source(
    path: Path, *, size: str = "320x240", rate: int = 30, seconds: float = 2.0,
    audio: bool = True, tone: str = "sine=f=440:sample_rate=44100", extra: Sequence[str] = (),
    video: str | None = None,
) -> Path:
    args = ["-f", "lavfi", "-i", video or f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"{tone}:d={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    ffmpeg(*args, str(path))
    return path


def small(name: str, width: int, height: int, **changes: Any) -> Preset:
    """A real preset shrunk for speed: same rules, smaller frame."""
    return dataclasses.replace(PRESETS[name], width=width, height=height, **changes)


def variant(
    out_dir: Path, target: str, preset: Preset, *, reframe: str = "crop", content_hash: str = "h",
    **changes: Any,
) -> Variant:
    fields: dict[str, Any] = {
        "target": target, "preset": preset, "reframe": reframe, "focus": (0.5, 0.5),
        "pad_color": "black", "over_length": "error", "caption_style": "pop",
        "hook_style": "hook", "output": out_dir / f"{target}.mp4",
        "thumbnail": out_dir / f"{target}.jpg", "content_hash": f"{content_hash}-{target}",
    }
    fields.update(changes)
    return Variant(**fields)


def job(
    source: Path, out_dir: Path, variants: Sequence[Variant],
    segments: Sequence[tuple[float, float]] = ((0.0, 1.0),), **changes: Any,
) -> ClipRender:
    fields: dict[str, Any] = {
        "campaign": "test", "clip_id": out_dir.name, "source": source,
        "segments": tuple(Segment(a, b) for a, b in segments), "captions": None, "hook": None,
        "thumbnail_time": 0.2, "watermark": None, "intro": None, "outro": None,
        "loudness": -14.0, "variants": tuple(variants), "clip_dir": out_dir,
    }
    fields.update(changes)
    return ClipRender(**fields)


def frame_at(path: Path, seconds: float, fmt: str = "rgb24") -> Any:
    """The decoded frame shown at ``seconds`` as a numpy array (H, W, C) or (H, W) for gray."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        best = None
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            if frame.time > seconds + 1e-6:
                break
            best = frame
        assert best is not None, f"no frame at {seconds} s in {path}"
        return best.to_ndarray(format=fmt)


def video_frame_times(path: Path) -> list[float]:
    import av

    with av.open(str(path)) as container:
        return [f.time for f in container.decode(video=0) if f.time is not None]


def audio_samples(path: Path) -> tuple[Any, int]:
    """Mono float samples of the first audio stream and the sample rate."""
    import av
    import numpy as np

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        chunks = []
        start = None
        for frame in container.decode(stream):
            if start is None:
                start = frame.time or 0.0
            arr = frame.to_ndarray()
            chunks.append(arr.mean(axis=0) if arr.ndim == 2 else arr)
        samples = np.concatenate(chunks).astype("float64")
        if start and start > 0:
            samples = np.concatenate([np.zeros(round(start * rate)), samples])
        elif start and start < 0:
            samples = samples[round(-start * rate):]
        return samples, rate


def integrated_loudness(path: Path) -> float:
    """Integrated loudness in LUFS as ffmpeg's ebur128 filter measures it."""
    import re

    cmd = [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-i", str(path), "-vn",
           "-af", "ebur128=framelog=quiet", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    match = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    assert match, proc.stderr[-2000:]
    return float(match.group(1))


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Make (once per test run, shared by the xdist workers) a named source with make_source's
    options."""
    made: dict[str, Path] = {}

    def get(name: str, **kwargs: Any) -> Path:
        if name not in made:
            made[name] = made_once(tmp_path_factory, name,
                                   lambda p: make_source(p, **kwargs), sorted(kwargs.items()))
        return made[name]

    return get


@pytest.fixture(scope="session", autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Keep the remembered ffmpeg version out of the real user cache directory."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
