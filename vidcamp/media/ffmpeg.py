"""Find the ffmpeg binary and read its version once per process.

Order: ``VIDCAMP_FFMPEG`` (a path, or a bare name such as ``ffmpeg`` looked up on PATH),
then imageio-ffmpeg's bundled binary, then ``ffmpeg`` on PATH. Nothing runs at import time.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from vidcamp.errors import RenderError

ENV_VAR = "VIDCAMP_FFMPEG"


def find_ffmpeg(*, prefer_path: bool = False) -> Path:
    """The ffmpeg to run; ``prefer_path`` (or VIDCAMP_FFMPEG=ffmpeg) asks for the one on PATH."""
    return _find(os.environ.get(ENV_VAR, ""), prefer_path)


@functools.lru_cache(maxsize=8)
def _find(env_value: str, prefer_path: bool) -> Path:
    if env_value:
        candidate = Path(env_value)
        if os.sep in env_value or candidate.is_file():
            if not candidate.is_file():
                raise RenderError(f"{ENV_VAR}={env_value}: no such file")
            return candidate.resolve()
        found = shutil.which(env_value)
        if not found:
            raise RenderError(f"{ENV_VAR}={env_value}: not found on PATH")
        return Path(found)
    if not prefer_path:
        try:
            import imageio_ffmpeg

            return Path(imageio_ffmpeg.get_ffmpeg_exe())
        except (ImportError, RuntimeError):
            pass  # no bundled binary for this platform: fall back to PATH
    found = shutil.which("ffmpeg")
    if not found:
        raise RenderError(
            "ffmpeg not found: install imageio-ffmpeg, put ffmpeg on PATH or set " + ENV_VAR
        )
    return Path(found)


def ffmpeg_version() -> str:
    """The version string of the ffmpeg that find_ffmpeg() picks, e.g. ``9.0.2``."""
    return _version(find_ffmpeg())


@functools.lru_cache(maxsize=8)
def _version(exe: Path) -> str:
    try:
        out = subprocess.run(
            [str(exe), "-hide_banner", "-version"],
            capture_output=True, text=True, timeout=30, check=False,
        )
    except OSError as exc:
        raise RenderError(f"{exe}: cannot run ffmpeg ({exc.strerror or exc})") from exc
    first = (out.stdout or "").splitlines()[:1]
    if out.returncode != 0 or not first or not first[0].startswith("ffmpeg version "):
        raise RenderError(f"{exe}: does not look like ffmpeg (exit {out.returncode})")
    return first[0].split()[2]
