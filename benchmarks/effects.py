"""What effects cost: the standard job with a zoom and a progress bar on every clip against the
same job without, and the moviepy tier (a trivial Python effect) against the ffmpeg tier.

    python -m benchmarks.effects [--full] [--rounds 2]

(A) and (B) alternate A B A B; each is ``vidcamp render --force`` in a fresh process on the
benchmark's inputs (benchmarks/inputs.py: three clips, four targets, captions, loudness;
``--quick`` size unless ``--full``). (C) and (D) render the first clip for one target
(youtube_shorts): (C) with a progress bar (ffmpeg tier), (D) with the same bar plus a Python
effect that inverts the colours (moviepy tier). Medians and ratios are printed with the load.

``--graph`` measures instead the clip's render command alone (captured from the renderer, as
benchmarks/compare_graph.py does) for the first clip of (A) and (B), alternated: the CPU that
the effects add to the filtergraph, without the loudness pass and start-up around it.
x264 runs at ``ultrafast`` like the main benchmark unless $VIDCAMP_X264_PRESET says otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks import inputs
from benchmarks.measure import Measurement, median, run_measured

EFFECTS = (
    "  effects:\n"
    "    - zoom: {from: 1.0, to: 2.5, factor: 1.3}\n"
    "    - progress_bar: {color: \"#FFCC00\"}\n"
)
INVERT = "def invert(frame, t, **args):\n    return 255 - frame\n"


def campaigns(work: Path, size: inputs.Size) -> dict[str, Path]:
    source = inputs.make_source(work / f"source-{size.name}.mp4", size)
    srt = inputs.write_srt(work / "captions.srt", size)
    cuts = inputs.clip_cuts(size, 3)
    made = {}
    for name, effects in (("plain", ""), ("effects", EFFECTS)):
        path = inputs.write_campaign(work / name, source, srt, cuts)
        if effects:
            text = path.read_text().replace("defaults:\n", "defaults:\n" + effects, 1)
            path.write_text(text)
        made[name] = path
    one = inputs.clip_cuts(size, 1)
    for name, extra in (
        ("ffmpeg_tier", '    - progress_bar: {color: "#FFCC00"}\n'),
        ("moviepy_tier",
         '    - progress_bar: {color: "#FFCC00"}\n    - python: "bench_fx:invert"\n'),
    ):
        path = inputs.write_campaign(work / name, source, srt, one)
        text = path.read_text().replace("defaults:\n", "defaults:\n  effects:\n" + extra, 1)
        for other in inputs.TARGETS[1:]:  # one target: youtube_shorts
            text = text.replace(f"  {other}: {{}}\n", "")
        path.write_text(text)
        (path.parent / "bench_fx.py").write_text(INVERT)
        made[name] = path
    return made


def render(label: str, campaign: Path, log_dir: Path) -> Measurement:
    env = dict(os.environ)
    env.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
    return run_measured(
        label, [sys.executable, "-m", "vidcamp", "render", str(campaign), "--force", "-q"],
        env=env, log=log_dir / f"{label}.log",
    )


def graph_only(made: dict[str, Path], rounds: int, work: Path) -> None:
    """The render command of the first clip with and without effects, alternated."""
    from benchmarks.compare_graph import vidcamp_command

    commands = {name: vidcamp_command(made[name])[0] for name in ("plain", "effects")}
    runs: dict[str, list[Measurement]] = {name: [] for name in commands}
    for r in range(1, rounds + 1):
        for name, args in commands.items():
            m = run_measured(f"graph-{name}{r}", args, log=work / f"graph-{name}{r}.log")
            runs[name].append(m)
            print(f"{m.label:>16}: {m.wall:7.1f} s wall, {m.cpu:7.1f} s CPU, load {m.load:.1f}",
                  flush=True)
    cpu = {name: median([m.cpu for m in ms]) for name, ms in runs.items()}
    print(f"\nrender command of one clip, {rounds} rounds: CPU with effects / without "
          f"{cpu['effects'] / cpu['plain']:.3f} ({cpu['effects']:.1f} s vs {cpu['plain']:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full-size standard job")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("benchmarks/work/effects"))
    parser.add_argument("--graph", action="store_true",
                        help="measure only the render command of one clip, with and without")
    args = parser.parse_args(argv)
    size = inputs.FULL if args.full else inputs.QUICK
    work = args.work / size.name
    work.mkdir(parents=True, exist_ok=True)
    made = campaigns(work, size)
    if args.graph:
        os.environ.setdefault("VIDCAMP_X264_PRESET", "ultrafast")
        graph_only(made, args.rounds, work)
        return 0
    runs: dict[str, list[Measurement]] = {k: [] for k in made}
    for r in range(1, args.rounds + 1):
        for name in ("plain", "effects", "ffmpeg_tier", "moviepy_tier"):
            m = render(f"{name}{r}", made[name], work)
            runs[name].append(m)
            print(f"{m.label:>14}: {m.wall:7.1f} s wall, {m.cpu:7.1f} s CPU, load {m.load:.1f}",
                  flush=True)

    def wall(name: str) -> float:
        return median([m.wall for m in runs[name]])

    def cpu(name: str) -> float:
        return median([m.cpu for m in runs[name]])

    print(f"\n{size.name} job, {args.rounds} rounds, medians:")
    print(f"  zoom + progress bar on every clip / without: "
          f"wall {wall('effects') / wall('plain'):.3f}, CPU {cpu('effects') / cpu('plain'):.3f} "
          f"({wall('effects'):.1f} s vs {wall('plain'):.1f} s)")
    print(f"  moviepy tier (trivial Python effect) / ffmpeg tier, one clip, one target: wall "
          f"{wall('moviepy_tier') / wall('ffmpeg_tier'):.2f}, CPU "
          f"{cpu('moviepy_tier') / cpu('ffmpeg_tier'):.2f} "
          f"({wall('moviepy_tier'):.1f} s vs {wall('ffmpeg_tier'):.1f} s)")
    loads = [m.load for ms in runs.values() for m in ms]
    print(f"  1-minute load during the runs: {min(loads):.1f}-{max(loads):.1f} (2 cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
