"""How fast `vidcamp suggest` reads long footage, and whether a batch of its clips renders in
time that does not grow with the clip's position in the source.

    python benchmarks/suggest_batch.py [--minutes 60] [--clips 30] [--skip-build]

The source is made once into benchmarks/work/ (gitignored): a 5-minute 1080p30 pattern of
solid-colour shots with a moving test pattern over them and tone bursts separated by silences,
encoded x264 ultrafast at a low bitrate, then joined to itself (stream copy) up to ``--minutes``.
Part 1 times the analysis pass (``suggest_clips`` without transcription) and prints it as a
fraction of real time (the issue's goal: 0.1x or less on 2 cores). Part 2 writes the suggested
clips into a campaign with one small target and renders them one after the other, timing each
clip, and compares the first 5 clips in source order with the last 5: with input seeking a clip
an hour in costs what a clip at the start costs. Then it renders a few clips at -j 1 and -j 2
side by side, which is how the default parallelism was chosen. Load is printed with each figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = ROOT / "benchmarks" / "work"
PATTERN_SECONDS = 300.0
SHOT_CYCLE = (7.0, 11.0, 5.0, 13.0, 9.0, 6.0, 12.0, 8.0)
SENTENCE_CYCLE = (9.0, 14.0, 6.0, 11.0, 17.0, 8.0, 12.0)
PAUSE_CYCLE = (0.8, 1.2, 0.6, 1.5)
LOUDNESS_CYCLE = (0.3, 0.6, 0.45, 0.8, 0.2)


def pattern_structure(seconds: float) -> tuple[list[float], list[tuple[float, float, float]]]:
    """Shot lengths and tone bursts of the repeating pattern (the known answers)."""
    shots: list[float] = []
    k = 0
    while sum(shots) < seconds:
        shots.append(min(SHOT_CYCLE[k % len(SHOT_CYCLE)], seconds - sum(shots)))
        k += 1
    bursts: list[tuple[float, float, float]] = []
    t, k = 0.7, 0
    while True:
        end = t + SENTENCE_CYCLE[k % len(SENTENCE_CYCLE)]
        if end > seconds - 0.5:
            break
        bursts.append((t, end, LOUDNESS_CYCLE[k % len(LOUDNESS_CYCLE)]))
        t = end + PAUSE_CYCLE[k % len(PAUSE_CYCLE)]
        k += 1
    return shots, bursts


def long_source(minutes: int, size: str = "1920x1080") -> Path:
    """benchmarks/work/long-<minutes>m.mp4, made once: the pattern joined to itself."""
    from vidcamp.media.ffmpeg import find_ffmpeg
    from vidcamp.media.generate import generate_structured

    out = WORK / f"long-{minutes}m-{size}.mp4"
    if out.is_file():
        return out
    pattern = WORK / f"pattern-{size}.mp4"
    if not pattern.is_file():
        shots, bursts = pattern_structure(PATTERN_SECONDS)
        began = time.monotonic()
        generate_structured(pattern, shots=shots, bursts=bursts, size=size, rate=30,
                            texture=True, crf=30)
        print(f"made the {PATTERN_SECONDS:.0f} s pattern in {time.monotonic() - began:.0f} s",
              flush=True)
    copies = max(1, round(minutes * 60 / PATTERN_SECONDS))
    listing = WORK / f"long-{minutes}m.txt"
    listing.write_text("".join(f"file '{pattern.name}'\n" for _ in range(copies)),
                       encoding="utf-8")
    tmp = out.with_name(f".{out.name}.part{os.getpid()}.mp4")
    subprocess.run(
        [str(find_ffmpeg()), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
         "-movflags", "+faststart", str(tmp)],
        check=True,
    )
    os.replace(tmp, out)
    return out
