"""The render command alone: vidcamp's ffmpeg command line for one clip beside the hand-written
one, alternated, so differences in the filtergraph show apart from everything around it.

    python -m benchmarks.compare_graph CAMPAIGN.yaml [ROUNDS]

vidcamp's command is captured from the renderer (its ffmpeg run is intercepted, not executed),
its outputs redirected to a scratch folder; the hand-written command comes from
benchmarks.handwritten with the same loudness values. x264 runs at the benchmark's
``ultrafast`` unless $VIDCAMP_X264_PRESET says otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import handwritten
from benchmarks.measure import median, run_measured


class _Captured(Exception):
    pass


def vidcamp_command(campaign: Path) -> tuple[list[str], dict[str, str]]:
    """The renderer's render command for the campaign's first clip, and its loudness values."""
    from vidcamp.plan import plan_renders, render_environment
    from vidcamp.render import engine
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    report = check_campaign(load_campaign(campaign))
    job = plan_renders(report.campaign, render_environment())[0]
    captured: dict[str, Any] = {}
    real_run = engine.run_ffmpeg
    real_measure = engine.audio_pass.measure

    def measure(*args: Any, **kwargs: Any) -> Any:
        captured["loudness"] = real_measure(*args, **kwargs)
        return captured["loudness"]

    def run(args: list[str], *, what: str, **kwargs: Any) -> Any:
        if what.endswith(": render"):
            captured["args"] = list(args)
            # the ASS files live in a temp folder the renderer deletes: keep copies
            keep = Path(tempfile.mkdtemp(prefix="bench-ass-"))
            for k, arg in enumerate(captured["args"]):
                if "ass=filename=" in arg or ".ass" in arg:
                    captured["args"][k] = _copy_ass(arg, keep)
            raise _Captured
        return real_run(args, what=what, **kwargs)

    engine.run_ffmpeg = run  # type: ignore[assignment]
    engine.audio_pass.measure = measure
    with contextlib.suppress(_Captured):
        engine.render_clip(job, force=True)
    loud = captured["loudness"]
    values = {"input_i": str(loud.input_i), "input_tp": str(loud.input_tp),
              "input_lra": str(loud.input_lra), "input_thresh": str(loud.input_thresh),
              "target_offset": str(loud.target_offset)}
    return captured["args"], values


def _copy_ass(graph: str, keep: Path) -> str:
    import re
    import shutil

    def repl(m: re.Match[str]) -> str:
        src = Path(m.group(1))
        dst = keep / src.name
        shutil.copyfile(src, dst)
        return f"filename={dst}"

    return re.sub(r"filename=([^:\[\]]+\.ass)", repl, graph)


def main(campaign: Path, rounds: int) -> None:
    # the benchmark's encoder setting unless the caller chose one
    os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
    print(f"x264 preset: {os.environ['VIDCAMP_X264_PRESET']}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-graph-"))
    args, loudness = vidcamp_command(campaign)
    # the renderer's outputs are its temp names inside the build folder: send them to scratch
    a_args = [str(scratch / ("a-" + Path(x).name.lstrip("."))) if ".partial." in x else x
              for x in args]
    a_args = [x for x in a_args if x not in ("-progress", "pipe:1", "-nostats")]
    b_job = handwritten.prepare(campaign, scratch / "b", x264_preset=_preset(args), crf=_crf(args))
    clip = json.loads(b_job.read_text())["clips"][0]
    b_args = handwritten.render_command(json.loads(b_job.read_text())["ffmpeg"], clip, loudness)
    walls: dict[str, list[float]] = {"vidcamp graph": [], "hand-written graph": []}
    cpus: dict[str, list[float]] = {"vidcamp graph": [], "hand-written graph": []}
    for r in range(rounds):
        for label, cmd in (("vidcamp graph", a_args), ("hand-written graph", b_args)):
            m = run_measured(f"{label} {r + 1}", cmd)
            walls[label].append(m.wall)
            cpus[label].append(m.cpu)
            print(f"{label:<20} round {r + 1}: wall {m.wall:6.2f} s  cpu {m.cpu:6.2f} s  "
                  f"rss {m.tree_rss_mib:6.1f} MiB  load {m.load}", flush=True)
    a_w, b_w = median(walls["vidcamp graph"]), median(walls["hand-written graph"])
    a_c, b_c = median(cpus["vidcamp graph"]), median(cpus["hand-written graph"])
    print(f"medians: vidcamp {a_w:.2f} s / {a_c:.2f} s cpu, hand-written {b_w:.2f} s / "
          f"{b_c:.2f} s cpu; ratio wall {a_w / b_w:.3f}, cpu {a_c / b_c:.3f}")


def _preset(args: list[str]) -> str:
    return args[args.index("-preset") + 1]


def _crf(args: list[str]) -> int:
    return int(args[args.index("-crf") + 1])


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 2)
