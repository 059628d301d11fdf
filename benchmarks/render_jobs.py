"""Measure `-j N` for the render stage: the same clips rendered with 1, 2 (and more) workers.

    python -m benchmarks.render_jobs [--clips 4] [--seconds 6] [--jobs 1 2 3]

Makes a 1080p30 source with lavfi, plans one clip per slice of it with the four demo targets
(9:16, 4:5, 16:9, X 720p), renders with each -j value (forced, default x264 preset), and prints
wall time and peak memory of the ffmpeg children. Results are for the README; not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from vidcamp.jobs import CaptionLine, Captions, ClipRender, Hook, Segment, Variant
from vidcamp.media.ffmpeg import find_ffmpeg
from vidcamp.presets import PRESETS
from vidcamp.render.engine import render_all

TARGETS = (("youtube_shorts", "crop"), ("facebook", "blur"), ("youtube", "pad"), ("x", "crop"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1,
                        help="alternate the -j values this many times (fairer on a busy machine)")
    args = parser.parse_args()

    import subprocess

    work = Path(tempfile.mkdtemp(prefix="vidcamp-bench-"))
    source = work / "source.mp4"
    total = args.clips * args.seconds + 1
    subprocess.run(
        [str(find_ffmpeg()), "-v", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=s=1920x1080:r=30:d={total}", "-f", "lavfi", "-i", f"sine=d={total}",
         "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(source)],
        check=True,
    )
    print(f"source: {source} ({total:.0f} s 1080p30); clips: {args.clips} x {args.seconds} s, "
          f"4 variants each")
    runs = [n for _ in range(args.repeat) for n in args.jobs]
    for n in runs:
        jobs = []
        for i in range(args.clips):
            clip_dir = work / f"j{n}" / f"clip{i}"
            start = i * args.seconds
            variants = tuple(
                Variant(t, PRESETS[t], mode, (0.5, 0.5), "black", "error", "pop", "hook",
                        clip_dir / f"{t}.mp4", clip_dir / f"{t}.jpg", f"bench-{t}")
                for t, mode in TARGETS
            )
            jobs.append(ClipRender(
                "bench", f"clip{i}", source, (Segment(start, start + args.seconds),),
                Captions("pop", lines=(CaptionLine(0.5, 3.0, "Caffè perché 🚀"),)),
                Hook("Look at this", 2.0), 1.0, None, None, None, -14.0, variants, clip_dir,
            ))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        began = time.monotonic()
        render_all(jobs, jobs_parallel=n, force=True)
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"-j {n}: {wall:6.1f} s wall, {wall / args.clips:5.1f} s per clip, "
              f"{cpu:6.1f} s CPU ({cpu / wall:.2f} cores busy), load before {load:.1f}, "
              f"largest ffmpeg so far {after.ru_maxrss / 1024:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
