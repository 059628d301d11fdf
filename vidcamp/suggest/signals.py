"""Measure footage for `vidcamp suggest` in one ffmpeg pass.

One process decodes the file once and feeds two filter chains:

- picture: 10 frames a second, shrunk to 64x36, scored by ``select``'s scene-change metric
  (``lavfi.scene_score``, 0..1), printed per frame to a file. A score over ``CUT_SCORE`` is a
  shot change; the scores are also the motion signal.
- sound: mono 16 kHz in 0.1 s blocks, ``ebur128`` momentary loudness (LUFS, printed per block to
  a file) and ``silencedetect`` (its log lines).

The result is a :class:`Signals` on a 0.1 s grid. Nothing here scores or picks.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vidcamp.errors import MediaError
from vidcamp.media.probe import MediaInfo

STEP = 0.1  # seconds per grid cell
CUT_SCORE = 0.3  # scene score above which a frame starts a new shot
MIN_SHOT = 0.5  # seconds; a second "cut" closer than this to the last one is the same cut
SILENCE_DB = -35  # silencedetect noise floor, dBFS
SILENCE_MIN = 0.3  # seconds of quiet that count as a pause
FLOOR_LUFS = -70.0  # momentary loudness of digital silence is clamped to this

ProgressFn = Callable[[float], None]  # seconds of footage read so far


@dataclass(frozen=True)
class Signals:
    """What one pass over the footage measured, on a grid of ``STEP`` seconds."""

    duration: float
    has_audio: bool
    loudness: tuple[float, ...]  # momentary LUFS per cell (FLOOR_LUFS where unknown)
    motion: tuple[float, ...]  # scene-change score per cell, 0..1
    cuts: tuple[float, ...]  # shot-change times, seconds
    silences: tuple[tuple[float, float], ...]  # (start, end) of each pause, seconds

    @property
    def cells(self) -> int:
        return len(self.motion)


def measure_signals(info: MediaInfo, *, progress: ProgressFn | None = None) -> Signals:
    """Decode ``info.path`` once and return its shot, motion, loudness and silence signals."""
    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.render.runner import run_ffmpeg

    if info.video is None:
        raise MediaError(f"{info.path}: has no video stream")
    exe = find_ffmpeg()
    with tempfile.TemporaryDirectory(prefix="vidcamp-suggest-") as work:
        vfile, afile = Path(work) / "scene.txt", Path(work) / "loud.txt"
        # file names go into the graph; the temp folder is ours, so only plain characters
        graph = (
            "[0:v:0]fps=10,scale=64:36:flags=fast_bilinear,select='gte(scene,0)',"
            f"metadata=mode=print:key=lavfi.scene_score:file={_graph_path(vfile)}[v]"
        )
        maps = ["-map", "[v]", "-f", "null", "-"]
        if info.has_audio:
            graph += (
                ";[0:a:0]aresample=16000,aformat=channel_layouts=mono,"
                "asetnsamples=n=1600:p=0,ebur128=metadata=1,"
                f"ametadata=mode=print:key=lavfi.r128.M:file={_graph_path(afile)},"
                f"silencedetect=n={SILENCE_DB}dB:d={SILENCE_MIN}[a]"
            )
            maps += ["-map", "[a]", "-f", "null", "-"]
        args = [str(exe), "-hide_banner", "-nostdin", "-loglevel", "info",
                "-i", str(info.path), "-filter_complex", graph, *maps]
        on_progress = None if progress is None else (lambda sec, _speed: progress(sec))
        result = run_ffmpeg(args, what=f"{info.path}: analysis", on_progress=on_progress)
        scores = _read_metadata(vfile, "lavfi.scene_score")
        loud = _read_metadata(afile, "lavfi.r128.M") if info.has_audio else []
    duration = info.duration
    cells = max(1, math.ceil(duration / STEP - 1e-9))
    motion = [0.0] * cells
    for t, score in scores:
        i = min(cells - 1, int(t / STEP + 1e-6))
        motion[i] = max(motion[i], score)
    loudness = [FLOOR_LUFS] * cells
    for t, value in loud:
        i = min(cells - 1, int(t / STEP + 1e-6))
        loudness[i] = max(FLOOR_LUFS, value)
    silences = _silences(result.stderr, duration) if info.has_audio else []
    return Signals(
        duration=duration,
        has_audio=info.has_audio,
        loudness=tuple(loudness),
        motion=tuple(motion),
        cuts=tuple(_cuts(scores)),
        silences=tuple(silences),
    )


def _graph_path(path: Path) -> str:
    """A path as a filter option value: ``\\``, ``:`` and ``'`` escaped for the graph parser."""
    text = str(path).replace("\\", "/")
    return text.replace(":", r"\:").replace("'", r"\'")


_META_FRAME = re.compile(r"pts_time:(-?[\d.]+)")


def _read_metadata(path: Path, key: str) -> list[tuple[float, float]]:
    """(time, value) pairs from a ``metadata=mode=print:file=`` dump."""
    out: list[tuple[float, float]] = []
    if not path.is_file():
        return out
    t: float | None = None
    prefix = key + "="
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("frame:"):
                m = _META_FRAME.search(line)
                t = float(m.group(1)) if m else None
            elif line.startswith(prefix) and t is not None:
                try:
                    value = float(line[len(prefix):])
                except ValueError:
                    continue
                if math.isfinite(value):
                    out.append((t, value))
    return out


def _cuts(scores: list[tuple[float, float]]) -> list[float]:
    cuts: list[float] = []
    for t, score in scores:
        if score >= CUT_SCORE and t > 0 and (not cuts or t - cuts[-1] >= MIN_SHOT):
            cuts.append(round(t, 3))
    return cuts


_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")


def _silences(stderr: str, duration: float) -> list[tuple[float, float]]:
    """(start, end) pauses from silencedetect's log; one still open at the end closes there."""
    out: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in _SILENCE.findall(stderr):
        t = max(0.0, float(value))
        if kind == "start":
            start = t
        elif start is not None:
            out.append((start, min(t, duration)))
            start = None
    if start is not None and start < duration:
        out.append((start, duration))
    return out
