"""Smart reframe on the standard job: the analysis pass beside the render it steers.

    python -m benchmarks.smart_reframe [--quick] [--rounds 2]

The standard job (benchmarks/README.md: 3 clips of 15 s from the 60 s 1080p30 noisy testsrc2,
four targets, captions, loudness) with ``reframe: smart`` on its 9:16 target:

1. per clip, in this process and alternated: the analysis alone (cache bypassed) and the clip's
   render alone (analysis read from the cache), so the analysis is a share of that render;
2. in fresh processes, alternated: ``vidcamp build`` with smart (empty analysis cache, so it
   analyses), ``vidcamp build`` with the plain centre crop, and the hand-written ffmpeg reference
   (benchmarks/handwritten.py, the same centre crop a person would write).

x264 ``ultrafast`` for everyone, as in the main harness. Results for the README; not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import handwritten, inputs
from benchmarks.measure import median, run_measured

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "smart"


def smart_campaign(plain: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = plain.read_text(encoding="utf-8").replace(
        "  youtube_shorts: {}", "  youtube_shorts: {reframe: smart}"
    )
    path = folder / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def per_clip(campaign: Path, rounds: int) -> list[dict[str, Any]]:
    """Analysis seconds and render seconds of each clip, alternated, medians."""
    from vidcamp.media.probe import probe
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import render_clip
    from vidcamp.render.smart.service import plan_smart
    from vidcamp.spec.loader import load_campaign

    renders = plan_renders(load_campaign(campaign), render_environment())
    rows = []
    for job in renders:
        info = probe(job.source)
        analysis, render = [], []
        for _ in range(rounds):
            began = time.perf_counter()
            plan_smart(job, info, list(job.variants), use_cache=False)
            analysis.append(time.perf_counter() - began)
            began = time.perf_counter()
            render_clip(job, force=True)  # the analysis comes from the cache written above
            render.append(time.perf_counter() - began)
        a, r = median(analysis), median(render)
        rows.append({"clip": job.clip_id, "seconds": round(job.duration, 2),
                     "analysis": round(a, 3), "render": round(r, 3),
                     "share": round(a / r, 4), "load": round(os.getloadavg()[0], 2)})
        print(f"  {job.clip_id}: analysis {a:6.2f} s  render {r:6.2f} s  "
              f"analysis/render {a / r:6.1%}  (load {os.getloadavg()[0]:.1f})", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="the 720p 5 s clips job")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    size = inputs.QUICK if args.quick else inputs.FULL
    work = WORK / size.name
    work.mkdir(parents=True, exist_ok=True)
    source = inputs.make_source(ROOT / "benchmarks" / "work" / f"source-{size.name}.mp4", size)
    srt = inputs.write_srt(work / "captions.srt", size)
    cuts = inputs.clip_cuts(size, 3)
    plain = inputs.write_campaign(work / "plain", source, srt, cuts)
    smart = smart_campaign(plain, work / "smart")
    b_job = handwritten.prepare(plain, work / "handwritten", x264_preset="ultrafast",
                                crf=inputs.CRF)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["VIDCAMP_X264_PRESET"] = "ultrafast"
    os.environ["VIDCAMP_X264_PRESET"] = "ultrafast"
    cache = work / "cache"
    env["XDG_CACHE_HOME"] = str(cache)
    os.environ["XDG_CACHE_HOME"] = str(cache)

    print(f"{size.name}: 3 clips of {size.clip_seconds:g} s from {size.width}x{size.height}"
          f"@{size.fps}; smart on youtube_shorts")
    clips = per_clip(smart, args.rounds)

    walls: dict[str, list[float]] = {"smart": [], "plain": [], "handwritten": []}
    cpus: dict[str, list[float]] = {name: [] for name in walls}
    for r in range(args.rounds):
        for name in walls:
            if name == "handwritten":
                for f in (work / "handwritten").rglob("*.mp4"):
                    f.unlink()
                cmd = [sys.executable, "-m", "benchmarks.handwritten", str(b_job)]
            else:
                campaign = smart if name == "smart" else plain
                shutil.rmtree(campaign.parent / "build", ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                cmd = [sys.executable, "-m", "vidcamp", "build", str(campaign), "--no-queue"]
            m = run_measured(f"{name}-{r}", cmd, env=env, cwd=ROOT,
                             log=work / f"{name}-{r}.log")
            walls[name].append(m.wall)
            cpus[name].append(m.cpu)
            print(f"  {name:<12} wall {m.wall:7.2f} s  cpu {m.cpu:7.2f} s  (load {m.load})",
                  flush=True)
    med = {k: median(v) for k, v in walls.items()}
    cpu = {k: median(v) for k, v in cpus.items()}
    share = sum(c["analysis"] for c in clips) / sum(c["render"] for c in clips)
    print(f"analysis / render over the clips: {share:.1%}")
    print(f"build wall, medians: smart {med['smart']:.2f} s, plain crop {med['plain']:.2f} s, "
          f"hand-written ffmpeg {med['handwritten']:.2f} s; smart/handwritten "
          f"{med['smart'] / med['handwritten']:.2f}x, "
          f"smart/plain {med['smart'] / med['plain']:.2f}x")
    # CPU (user+sys of the build and its ffmpeg children) is steadier than wall on a busy machine
    print(f"build cpu, medians: smart {cpu['smart']:.2f} s, plain crop {cpu['plain']:.2f} s, "
          f"hand-written ffmpeg {cpu['handwritten']:.2f} s; smart/handwritten "
          f"{cpu['smart'] / cpu['handwritten']:.2f}x, "
          f"smart/plain {cpu['smart'] / cpu['plain']:.2f}x")


if __name__ == "__main__":
    main()
