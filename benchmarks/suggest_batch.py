"""How fast `vidcamp suggest` reads long footage, and whether a batch of its clips renders in
time that does not grow with the clip's position in the source.

    python benchmarks/suggest_batch.py [--minutes 60] [--clips 30] [--length 10-20]
                                       [--skip-build]

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

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def child_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_analysis(source: Path, count: int, length: tuple[float, float]) -> Any:
    from vidcamp.suggest.engine import suggest_clips

    print(f"analysis: {source.name}, {load()}", flush=True)
    began, cpu = time.monotonic(), child_cpu()
    result = suggest_clips(source, count=count, length=length, target="x")
    wall = time.monotonic() - began
    used = child_cpu() - cpu
    dur = result.signals.duration
    print(f"  {dur / 60:.1f} min of 1080p30 analysed in {wall:.1f} s wall, {used:.1f} s ffmpeg "
          f"CPU: {wall / dur:.3f}x real time (goal <= 0.1x); {result.considered} candidates, "
          f"{len(result.suggestions)} picks; {load()}", flush=True)
    return result


def time_batch(result: Any, work: Path, jobs: tuple[int, ...], sample: int) -> None:
    from vidcamp.render.engine import render_clip
    from vidcamp.suggest.output import write_campaign

    os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
    work.mkdir(parents=True, exist_ok=True)
    campaign = work / "campaign.yaml"
    campaign.unlink(missing_ok=True)
    write_campaign(result, campaign)
    renders = plan(campaign)
    print(f"batch: {len(renders)} clips x 1 target (x, 1280x720, x264 ultrafast), one after "
          f"the other, {load()}", flush=True)
    times: list[tuple[float, float, float]] = []  # (start in source, clip seconds, wall)
    for job in renders:
        began = time.monotonic()
        render_clip(job, force=True)
        seg = job.segments[0]
        times.append((seg.start, seg.end - seg.start, time.monotonic() - began))
        print(f"  clip at {seg.start / 60:5.1f} min, {seg.end - seg.start:4.1f} s: "
              f"{times[-1][2]:.1f} s", flush=True)
    per = [w / d for _, d, w in times]  # wall seconds per second of clip
    first, last = per[:5], per[-5:]
    print(f"  first 5 clips (from {times[0][0] / 60:.1f} min): "
          f"{statistics.mean(first):.3f} s wall per clip second; last 5 (to "
          f"{times[-1][0] / 60:.1f} min): {statistics.mean(last):.3f}; last/first "
          f"{statistics.mean(last) / statistics.mean(first):.2f}; {load()}", flush=True)
    time_jobs(renders, jobs, sample, rounds=2)


def time_jobs(renders: list[Any], jobs: tuple[int, ...], sample: int, rounds: int) -> None:
    """-j N side by side, alternated, on clips spread over the source; wall and ffmpeg CPU."""
    from vidcamp.render.engine import render_all

    picked = renders[:: max(1, len(renders) // sample)][:sample]
    for n in jobs * rounds:
        began, cpu = time.monotonic(), child_cpu()
        render_all(picked, jobs_parallel=n, force=True)
        wall = time.monotonic() - began
        used = child_cpu() - cpu
        print(f"  -j {n}: {len(picked)} clips in {wall:.1f} s wall, {used:.1f} s ffmpeg CPU "
              f"({used / wall:.2f} cores busy), {load()}", flush=True)


def plan(campaign: Path) -> list[Any]:
    """The campaign's clip renders in source order, built under its folder."""
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.spec.loader import load_campaign

    renders = plan_renders(load_campaign(campaign), render_environment(),
                           build_dir=campaign.parent / "build")
    renders.sort(key=lambda r: r.segments[0].start)
    return renders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--length", default="10-20", help="clip length range for the batch")
    parser.add_argument("--jobs-sample", type=int, default=6,
                        help="clips rendered at each -j value")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--jobs-only", type=int, metavar="ROUNDS", default=0,
                        help="only the -j rounds, on the campaign a previous run wrote")
    args = parser.parse_args(argv)
    from vidcamp.suggest.engine import parse_length

    if args.jobs_only:
        os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
        campaign = WORK / f"batch-{args.minutes}m" / "campaign.yaml"
        print(f"-j rounds on {campaign}, {load()}", flush=True)
        time_jobs(plan(campaign), (1, 2), args.jobs_sample, args.jobs_only)
        return 0

    source = long_source(args.minutes)
    result = time_analysis(source, args.clips, parse_length(args.length))
    if not args.skip_build:
        time_batch(result, WORK / f"batch-{args.minutes}m", (1, 2), args.jobs_sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
