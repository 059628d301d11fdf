"""Where vidcamp's time goes on one build: each step of ``render_clip`` with its wall time and
CPU (the Python process's own and that of the ffmpeg runs it waited for).

    python -m benchmarks.profile_build CAMPAIGN.yaml

Run it in a fresh process on a campaign whose build folder is empty. x264 runs at the
benchmark's ``ultrafast`` unless $VIDCAMP_X264_PRESET says otherwise. It wraps the renderer's
functions from outside (the renderer is not changed) and prints one line per step and a total.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()
STEPS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])  # wall, own, kids, calls


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        label = name(args, kwargs) if callable(name) else name
        t0, (o0, k0) = time.perf_counter(), _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            o1, k1 = _cpu()
            step = STEPS[label]
            step[0] += time.perf_counter() - t0
            step[1] += o1 - o0
            step[2] += k1 - k0
            step[3] += 1

    return wrapper


def main(campaign: Path) -> None:
    # the benchmark's encoder setting unless the caller chose one
    os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
    print(f"x264 preset: {os.environ['VIDCAMP_X264_PRESET']}")
    t0, (o0, k0) = time.perf_counter(), _cpu()
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import engine
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    o1, k1 = _cpu()
    STEPS["import vidcamp (load, plan, render)"] = [time.perf_counter() - t0, o1 - o0, k1 - k0, 1]

    def ffmpeg_label(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return "ffmpeg: " + str(kwargs.get("what", "?")).split(": ", 1)[-1]

    engine.run_ffmpeg = timed(ffmpeg_label, engine.run_ffmpeg)  # type: ignore[arg-type]
    engine.audio_pass.run_ffmpeg = timed(
        ffmpeg_label, engine.audio_pass.run_ffmpeg  # type: ignore[arg-type]
    )
    engine.check_output = timed("check_output (PyAV probe of each output)", engine.check_output)
    engine._probe_inputs = timed("probe inputs (PyAV)", engine._probe_inputs)
    engine._plan_variant = timed("captions -> ASS (pysubs2, fontTools)", engine._plan_variant)
    engine._publish = timed("rename + manifest", engine._publish)
    engine.render_command = timed("build filtergraph (ffmpeg-python)", engine.render_command)

    load = timed("load + check campaign (probes source)",
                 lambda p: check_campaign(load_campaign(p)))
    report = load(campaign)
    plan = timed("plan (fingerprints, hashes)",
                 lambda r: plan_renders(r.campaign, render_environment()))
    jobs = plan(report)
    render_clip = timed("render_clip total", engine.render_clip)
    for job in jobs:
        render_clip(job)
    total_wall = time.perf_counter() - STARTED
    own, kids = _cpu()
    print(f"{'step':<44}{'calls':>6}{'wall s':>9}{'own cpu':>9}{'ffmpeg cpu':>11}")
    for name, (wall, o, k, n) in STEPS.items():
        print(f"{name:<44}{n:>6}{wall:>9.2f}{o:>9.2f}{k:>11.2f}")
    print(f"{'process total (after interpreter start)':<44}{'':>6}{total_wall:>9.2f}"
          f"{own:>9.2f}{kids:>11.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
