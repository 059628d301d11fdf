"""Measure what Dask adds to a clip job, and what a second worker gives on this machine.

    python -m benchmarks.cluster_overhead [--clips 8] [--rounds 2] [--scale-clips 4]

1. **Overhead per job.** The same small clip jobs (1 s of a 320x240 source, one 320x180
   variant, x264 ultrafast: about as little real work as a clip can be) rendered forced with
   ``-j 1`` in this process (A) and on a ``LocalCluster`` of one single-threaded worker process
   (B), alternated A B A B. Overhead per job = (B - A) / clips, where B includes connecting a
   client and checking the worker (once per build); that once-per-build part is also printed.
   Goal: at most 0.5 s per job.
2. **Scaling here.** Bigger jobs (6 s of a 1080p source into 9:16 and 16:9 at full size, the
   default x264 preset) on a LocalCluster of one worker, then of two workers, ``--nthreads 1``
   each. On a 2-core machine one ffmpeg already keeps about 1.8 cores busy, so two workers can
   only share the same two cores: expect a speed-up near 1. docs/scale.md says how to measure on
   real machines.

Each cluster is started before its timed runs (start-up is not a per-build cost: a scheduler
and workers run for days). Prints wall times, ratios and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vidcamp.jobs import ClipRender, Segment, Variant
from vidcamp.media.ffmpeg import find_ffmpeg
from vidcamp.presets import PRESETS, Preset
from vidcamp.render.cluster import render_on_cluster
from vidcamp.render.engine import ClipResult, render_all

os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=8, help="small jobs for the overhead")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds")
    parser.add_argument("--scale-clips", type=int, default=4, help="big jobs for the scaling")
    parser.add_argument("--scale-seconds", type=float, default=6.0, help="length of each")
    parser.add_argument("--no-scale", action="store_true", help="overhead only")
    args = parser.parse_args()
    import dataclasses

    from distributed import LocalCluster

    work = Path(tempfile.mkdtemp(prefix="vidcamp-bench-cluster-"))
    small_src = _source(work / "small.mp4", "320x240", args.clips * 0.5 + 2)
    wide = dataclasses.replace(PRESETS["x"], width=320, height=180)
    print(f"load before: {_load()}; work: {work}", flush=True)

    def small_jobs(tag: str) -> list[ClipRender]:
        return [_job(small_src, work / tag / f"c{i}", i * 0.5, 1.0, [("x", wide, "crop")])
                for i in range(args.clips)]

    local: list[tuple[float, float]] = []  # (wall, wall outside render_clip)
    remote: list[tuple[float, float]] = []
    once: list[float] = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=40) as cluster:
        address = cluster.scheduler_address
        render_on_cluster(address, small_jobs("warm"), force=True)  # imports, ffmpeg version
        for _ in range(args.rounds):
            local.append(_timed(lambda: render_all(small_jobs("a"), jobs_parallel=1,
                                                   force=True)))
            remote.append(_timed(lambda: render_on_cluster(address, small_jobs("b"),
                                                           force=True)))
            once.append(_time(lambda: _connect_and_check(address, small_jobs("b"))))
    n = args.clips
    a, b = (statistics.median(w for w, _ in local), statistics.median(w for w, _ in remote))
    a_gap = statistics.median(g for _, g in local)
    b_gap = statistics.median(g for _, g in remote)
    c = statistics.median(once)
    print(f"overhead: {n} jobs of 1 s at 320x180, one at a time; medians of {args.rounds} rounds")
    print(f"  -j 1 here       {a:7.2f} s wall ({a / n:.3f} s per job), "
          f"outside render_clip {a_gap / n:.3f} s per job")
    print(f"  1 Dask worker   {b:7.2f} s wall ({b / n:.3f} s per job), "
          f"outside render_clip {b_gap / n:.3f} s per job")
    print(f"  wall ratio B/A {b / a:.2f}; Dask overhead per job: {(b_gap - a_gap) / n:+.3f} s "
          f"(time outside the render, which a busy machine does not inflate; goal <= 0.5 s), "
          f"{(b - a) / n:+.3f} s (difference of walls); connect + worker check once per "
          f"build: {c:.2f} s; load {_load()}", flush=True)
    if args.no_scale:
        return

    length = args.scale_seconds
    big_src = _source(work / "big.mp4", "1920x1080", args.scale_clips * length + 1, "veryfast")
    targets = [("youtube_shorts", PRESETS["youtube_shorts"], "crop"),
               ("youtube", PRESETS["youtube"], "pad")]
    walls = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=40) as cluster:
            jobs = [_job(big_src, work / f"w{workers}" / f"c{i}", i * length, length, targets)
                    for i in range(args.scale_clips)]
            began = time.monotonic()
            render_on_cluster(cluster.scheduler_address, jobs, force=True, encoder="veryfast")
            walls[workers] = time.monotonic() - began
            print(f"scaling: {workers} worker(s), {args.scale_clips} clips of {length:g} s "
                  f"1080p -> 9:16 + 16:9 at full size: {walls[workers]:.1f} s; "
                  f"load {_load()}", flush=True)
    print(f"  speed-up 2 workers / 1 worker on {os.cpu_count()} cores: "
          f"{walls[1] / walls[2]:.2f}x", flush=True)


def _connect_and_check(address: str, jobs: list[ClipRender]) -> None:
    """What a build does once before submitting: connect, wait for a worker, check them."""
    import distributed

    from vidcamp.plan import render_environment
    from vidcamp.render import cluster

    client = cluster._connect(distributed, address)
    try:
        cluster.check_workers(client, jobs, render_environment())
    finally:
        client.close()


def _job(source: Path, clip_dir: Path, start: float, seconds: float,
         targets: list[tuple[str, Preset, str]]) -> ClipRender:
    variants = tuple(
        Variant(name, preset, mode, (0.5, 0.5), "black", "error", "pop", "hook",
                clip_dir / f"{name}.mp4", clip_dir / f"{name}.jpg", f"bench-{name}")
        for name, preset, mode in targets
    )
    return ClipRender("bench", clip_dir.name, source, (Segment(start, start + seconds),), None,
                      None, 0.5, None, None, None, -14.0, variants, clip_dir)


def _source(path: Path, size: str, seconds: float, preset: str = "ultrafast") -> Path:
    subprocess.run(
        [str(find_ffmpeg()), "-v", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=s={size}:r=30:d={seconds}", "-f", "lavfi", "-i", f"sine=d={seconds}",
         "-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)],
        check=True,
    )
    return path


def _timed(func: Callable[[], list[ClipResult]]) -> tuple[float, float]:
    """(wall, wall minus the seconds spent inside render_clip) of one render of all jobs."""
    began = time.monotonic()
    results = func()
    wall = time.monotonic() - began
    return wall, wall - sum(r.seconds for r in results)


def _time(func: Callable[[], object]) -> float:
    began = time.monotonic()
    func()
    return time.monotonic() - began


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
