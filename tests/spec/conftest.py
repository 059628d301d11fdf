from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vidcamp.media.ffmpeg import find_ffmpeg


def lavfi(path: Path, *inputs: str, extra: tuple[str, ...] = ()) -> Path:
    """Make a small media file from lavfi sources (test media is never committed)."""
    args = [str(find_ffmpeg()), "-nostdin", "-v", "error", "-y"]
    for source in inputs:
        args += ["-f", "lavfi", "-i", source]
    args += [*extra, str(path)]
    subprocess.run(args, check=True)
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3 s video with audio, an audio-only file and a file that is not media."""
    folder = tmp_path_factory.mktemp("media")
    lavfi(
        folder / "clip.mp4",
        "testsrc2=size=320x240:rate=25:duration=3",
        "sine=frequency=440:duration=3",
        extra=("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest"),
    )
    lavfi(folder / "voice.m4a", "sine=frequency=220:duration=3", extra=("-c:a", "aac"))
    (folder / "garbage.mp4").write_bytes(b"this is not a video file\n" * 40)
    return folder
