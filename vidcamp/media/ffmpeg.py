"""Find the ffmpeg binary and read its version once per process.

Order: ``VIDCAMP_FFMPEG`` (a path, or a bare name such as ``ffmpeg`` looked up on PATH),
then imageio-ffmpeg's bundled binary, then ``ffmpeg`` on PATH. Nothing runs at import time.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
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
    """Asked once per binary: remembered on disk by path, size and mtime, so a cached build
    (whose content hashes include this version) starts no ffmpeg process at all."""
    try:
        st = exe.stat()
    except OSError as exc:
        raise RenderError(f"{exe}: cannot run ffmpeg ({exc.strerror or exc})") from exc
    key = f"{exe}|{st.st_size}|{st.st_mtime_ns}"
    store = _version_store()
    known = _read_versions(store)
    if key in known:
        return known[key]
    version = _ask_version(exe)
    known[key] = version
    _write_versions(store, known)
    return version


def _version_store() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("vidcamp")) / "ffmpeg-versions.json"


def _read_versions(store: Path) -> dict[str, str]:
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _write_versions(store: Path, known: dict[str, str]) -> None:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ffmpeg-versions.", dir=store.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(known, fh)
        os.replace(tmp, store)
    except OSError:
        pass  # a read-only cache dir only costs one `ffmpeg -version` per run


def _ask_version(exe: Path) -> str:
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
