"""Make footage with ffmpeg's lavfi sources (demo campaigns, tests, benchmarks)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from vidcamp.errors import MediaError


def generate_footage(
    path: Path,
    *,
    video: str = "testsrc2=size=1920x1080:rate=30",
    audio: str | None = "sine=frequency=440",
    duration: float = 20.0,
    preset: str = "ultrafast",
) -> Path:
    """Encode ``duration`` seconds of lavfi ``video`` (+ ``audio``) to ``path``, atomically."""
    from vidcamp.media.ffmpeg import find_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part{os.getpid()}{path.suffix}")
    args = [str(find_ffmpeg()), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    args += ["-f", "lavfi", "-i", f"{video}:duration={duration}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"{audio}:duration={duration}"]
    args += ["-c:v", "libx264", "-preset", preset, "-crf", "23", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-shortest"]
    args += ["-movflags", "+faststart", str(tmp)]
    try:
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["ffmpeg failed"])[-1]
            raise MediaError(f"{path}: could not generate footage: {last}")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
