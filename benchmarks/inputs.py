"""Inputs made during the run: the source video, an SRT, and campaign files for 1..N clips."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

TARGETS = ("youtube_shorts", "facebook", "youtube", "x")
CRF = 21  # vidcamp.render.graph.DEFAULT_CRF; b and c use the same value


@dataclass(frozen=True)
class Size:
    """How big the job is: full (the issue's standard job) or quick."""

    name: str
    width: int
    height: int
    fps: int
    source_seconds: float
    clip_seconds: float


FULL = Size("full", 1920, 1080, 30, 60.0, 15.0)
QUICK = Size("quick", 1280, 720, 30, 20.0, 5.0)
TINY = Size("tiny", 320, 240, 30, 6.0, 1.5)  # the smoke test's size


@dataclass(frozen=True)
class ClipCut:
    """One clip: an id and its (start, end) segments on the source, in seconds."""

    clip_id: str
    segments: tuple[tuple[float, float], ...]

    @property
    def duration(self) -> float:
        return sum(end - start for start, end in self.segments)


def ffmpeg_exe() -> str:
    from vidcamp.media.ffmpeg import find_ffmpeg

    return str(find_ffmpeg())


def make_source(path: Path, size: Size) -> Path:
    """testsrc2 with temporal noise (so it does not compress trivially) and a 440 Hz tone."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.part{os.getpid()}{path.suffix}")
    video = (
        f"testsrc2=size={size.width}x{size.height}:rate={size.fps}:duration={size.source_seconds},"
        "noise=alls=12:allf=t+u"
    )
    # The tone swells and fades every 4 s so loudness normalisation has something to do.
    audio = (
        f"sine=frequency=440:sample_rate=48000:duration={size.source_seconds},"
        "volume='0.3+0.25*sin(2*PI*t/4)':eval=frame"
    )
    args = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio,
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-g", str(size.fps * 2),
        "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-shortest",
        "-movflags", "+faststart", str(tmp),
    ]
    try:
        subprocess.run(args, check=True, capture_output=True, text=True)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def clip_cuts(size: Size, count: int) -> list[ClipCut]:
    """``count`` clips of ``size.clip_seconds``; clips 1, 4, 7... are cut from two segments."""
    length = size.clip_seconds
    room = size.source_seconds - length - 1.0
    cuts = []
    for k in range(count):
        # spread starts over the source so clips do not all decode the same stretch
        start = round((k * length * 1.3) % room + 0.5, 3)
        if k % 3 == 0:
            first = round(length * 0.45, 3)
            gap = 1.0 if start + length + 1.0 <= size.source_seconds else 0.0
            segs: tuple[tuple[float, float], ...] = (
                (start, start + first), (start + first + gap, start + length + gap)
            )
        else:
            segs = ((start, start + length),)
        cuts.append(ClipCut(f"clip{k + 1}", tuple((round(a, 3), round(b, 3)) for a, b in segs)))
    return cuts


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def write_srt(path: Path, size: Size) -> Path:
    """A caption line every 2 s over the whole source, two lines of Latin text each."""
    words = [
        "Short videos", "one spec", "every platform", "captions burned in", "loudness set",
        "crop to fit", "same settings", "fast and small", "no surprises", "ready to post",
    ]
    blocks = []
    t, n = 0.2, 1
    while t + 1.6 <= size.source_seconds:
        # the mark is one the bundled emoji font draws: validate fails on undrawable ones
        text = f"{words[n % len(words)].capitalize()}, line {n}:\n{words[(n * 3) % len(words)]} ✔"
        blocks.append(f"{n}\n{_srt_time(t)} --> {_srt_time(t + 1.6)}\n{text}\n")
        t += 2.0
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def write_campaign(folder: Path, source: Path, srt: Path, cuts: list[ClipCut]) -> Path:
    """A campaign with ``cuts`` as clips, the four targets, captions and loudness; no posting."""
    lines = [
        "name: bench",
        "sources:",
        "  main:",
        f"    path: {source.resolve()}",
        "defaults:",
        "  source: main",
        "  captions:",
        f"    file: {srt.resolve()}",
        "    style: pop",
        "clips:",
    ]
    for cut in cuts:
        lines.append(f"  - id: {cut.clip_id}")
        lines.append(f"    title: Benchmark {cut.clip_id}")
        lines.append("    cut:")
        for start, end in cut.segments:
            lines.append(f"      - {{from: {start:g}, to: {end:g}}}")
    lines.append("targets:")
    for target in TARGETS:
        lines.append(f"  {target}: {{}}")
    lines.append("brand:")
    lines.append("  loudness: -14")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
