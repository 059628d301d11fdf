"""The benchmark: vidcamp build (a) beside hand-written ffmpeg (b) and a moviepy script (c).

    python -m benchmarks            # the standard job: 60 s 1080p30 source, 3 clips of 15 s
    python -m benchmarks --quick    # 720p source, 5 s clips: for day-to-day checks

Every measured run is a fresh process. a and b alternate (A B A B) and medians are reported;
then the moviepy script on one clip beside vidcamp on the same clip, an unchanged rebuild,
1/3/9 clips, and ``vidcamp publish --due`` with nothing due. Results are printed as a table and
written to benchmarks/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import handwritten, inputs, moviepy_job
from benchmarks.measure import Measurement, median, run_measured

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WORK = ROOT / "benchmarks" / "work"
GIB = 1 << 30

# Targets from the issue: reported, never asserted.
TARGETS = {
    "a_over_b": ("<=", 1.05),
    "c_over_a": (">=", 3.0),
    "build_tree_rss_gib": ("<=", 1.5),
    "rebuild_wall": ("<=", 2.0),
    "publish_wall": ("<=", 0.5),
}
HEAVY_MODULES = ("numpy", "moviepy", "av")


@dataclass(frozen=True)
class Config:
    """What to run and how big."""

    size: inputs.Size
    rounds: int = 2  # A B rounds of the standard job
    clips: int = 3
    scale: tuple[int, ...] = (1, 3, 9)
    moviepy_targets: tuple[str, ...] | None = None  # None: all four
    cache_runs: int = 3
    publish_runs: int = 5
    x264_preset: str = "ultrafast"
    crf: int = inputs.CRF
    work: Path = WORK
    fresh_inputs: bool = False


FULL = Config(inputs.FULL)
# --quick: two A B rounds, moviepy on the largest and smallest output (its time is scaled to
# four), and no 9-clip run: about 2 minutes on an idle 2-core machine.
QUICK = Config(inputs.QUICK, rounds=2, scale=(1, 3), moviepy_targets=("youtube_shorts", "x"))


@dataclass
class Results:
    config: dict[str, Any]
    machine: dict[str, Any]
    command: str
    build_mode: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- environment


def machine_info() -> dict[str, Any]:
    """Where the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / (1 << 20), 1)
    except OSError:
        pass
    versions: dict[str, str] = {}
    for name in ("moviepy", "imageio_ffmpeg", "av"):
        try:
            from importlib.metadata import version

            versions[name] = version(name.replace("_", "-"))
        except Exception:  # a missing package is a fact to report, not a failure
            versions[name] = "missing"
    from vidcamp.media.ffmpeg import ffmpeg_version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ffmpeg": ffmpeg_version(),
        **versions,
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def child_env(cfg: Config) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["VIDCAMP_X264_PRESET"] = cfg.x264_preset
    env["VIDCAMP_LEDGER"] = str(cfg.work / "ledger" / "ledger.sqlite")
    # never the user's real accounts: a path that does not exist
    env["VIDCAMP_CREDENTIALS"] = str(cfg.work / "no-credentials.yaml")
    env.pop("VIDCAMP_API_ROOT", None)
    return env


def build_command(campaign: Path) -> tuple[list[str], str]:
    """``vidcamp build`` when the command exists, else the same library calls (see build_driver)."""
    from importlib.util import find_spec

    if find_spec("vidcamp.cli.build") is not None:
        return [sys.executable, "-m", "vidcamp", "build", str(campaign)], "cli"
    return [sys.executable, "-m", "benchmarks.build_driver", str(campaign)], "library"


# --------------------------------------------------------------------------- set-up


@dataclass(frozen=True)
class Job:
    """One campaign of N clips and where each contender writes."""

    clips: int
    campaign: Path
    build_dir: Path  # vidcamp's outputs
    b_dir: Path
    b_job: Path


def make_jobs(cfg: Config, source: Path, srt: Path, counts: Sequence[int]) -> dict[int, Job]:
    jobs = {}
    for n in sorted(set(counts)):
        folder = cfg.work / cfg.size.name / f"clips{n}"
        if folder.exists():
            shutil.rmtree(folder)
        campaign = inputs.write_campaign(folder, source, srt, inputs.clip_cuts(cfg.size, n))
        b_dir = folder / "handwritten"
        b_job = handwritten.prepare(campaign, b_dir, x264_preset=cfg.x264_preset, crf=cfg.crf)
        jobs[n] = Job(n, campaign, folder / "build", b_dir, b_job)
    return jobs


def clear_outputs(folder: Path) -> None:
    """Remove rendered files (keep the prepared job and ASS files)."""
    if not folder.exists():
        return
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".mp4", ".jpg", ".json"} and path.name != "job.json":
            path.unlink()


# --------------------------------------------------------------------------- the runs


class Runner:
    def __init__(self, cfg: Config, results: Results) -> None:
        self.cfg = cfg
        self.results = results
        self.env = child_env(cfg)
        self.logs = cfg.work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def measure(self, label: str, args: Sequence[str], **extra: Any) -> Measurement:
        m = run_measured(label, args, env=self.env, cwd=ROOT, log=self.logs / f"{label}.log")
        row = {**m.as_dict(), **extra}
        self.results.runs.append(row)
        say(f"  {label:<22} wall {m.wall:7.2f} s  cpu {m.cpu:7.2f} s  "
            f"tree rss {m.tree_rss_mib:7.1f} MiB  (load {m.load})")
        return m

    def vidcamp(self, job: Job, label: str, *, fresh: bool = True) -> Measurement:
        if fresh and job.build_dir.exists():
            shutil.rmtree(job.build_dir)
        args, mode = build_command(job.campaign)
        self.results.build_mode = mode
        return self.measure(label, args, contender="a", clips=job.clips)

    def handwritten(self, job: Job, label: str) -> Measurement:
        clear_outputs(job.b_dir)
        return self.measure(
            label, [sys.executable, "-m", "benchmarks.handwritten", str(job.b_job)],
            contender="b", clips=job.clips,
        )


def standard(runner: Runner, job: Job) -> dict[str, Any]:
    """A B A B on the standard job; medians of each."""
    a: list[Measurement] = []
    b: list[Measurement] = []
    for r in range(1, runner.cfg.rounds + 1):
        a.append(runner.vidcamp(job, f"a-round{r}"))
        b.append(runner.handwritten(job, f"b-round{r}"))
    return {"a": _medians(a), "b": _medians(b)}


def _medians(ms: Sequence[Measurement]) -> dict[str, float]:
    return {
        "wall": round(median([m.wall for m in ms]), 3),
        "wall_min": round(min(m.wall for m in ms), 3),  # the least disturbed run
        "cpu": round(median([m.cpu for m in ms]), 3),
        "max_rss_mib": round(max(m.max_rss_mib for m in ms), 1),
        "tree_rss_mib": round(max(m.tree_rss_mib for m in ms), 1),
        "runs": len(ms),
    }


def check_outputs(
    label: str, files: dict[str, Path], expected: float, fps: float = 30.0
) -> list[str]:
    """Every output against its preset, with the renderer's own check (untimed)."""
    from vidcamp.media.probe import probe
    from vidcamp.presets import PRESETS
    from vidcamp.render.check import output_problems

    problems = []
    for target, path in files.items():
        if not path.is_file():
            problems.append(f"{label}/{target}: missing {path}")
            continue
        info = probe(path)
        for p in output_problems(info, PRESETS[target], expected_duration=expected, fps=fps):
            problems.append(f"{label}/{target}: {p}")
    return problems


def _outputs(folder: Path, clip: str, targets: Sequence[str]) -> dict[str, Path]:
    return {t: folder / clip / f"{t}.mp4" for t in targets}


def rebuild(runner: Runner, job: Job) -> dict[str, Any]:
    """``vidcamp build`` again on the unchanged campaign: everything is cached."""
    ms = [runner.vidcamp(job, f"rebuild{k + 1}", fresh=False) for k in range(runner.cfg.cache_runs)]
    return _medians(ms)


def moviepy_versus(runner: Runner, job1: Job) -> dict[str, Any]:
    """vidcamp on one clip, then the moviepy script on the same clip (same four outputs)."""
    cfg = runner.cfg
    c_dir = job1.campaign.parent / "moviepy"
    if c_dir.exists():
        shutil.rmtree(c_dir)
    clip_id = inputs.clip_cuts(cfg.size, 1)[0].clip_id
    c_job = moviepy_job.prepare(job1.campaign, c_dir, clip_id, x264_preset=cfg.x264_preset,
                                crf=cfg.crf)
    if cfg.moviepy_targets is not None:
        data = json.loads(c_job.read_text())
        data["targets"] = [t for t in data["targets"] if t["target"] in cfg.moviepy_targets]
        c_job.write_text(json.dumps(data, indent=1))
    a = runner.vidcamp(job1, "a-1clip")
    c = runner.measure("c-moviepy", [sys.executable, "-m", "benchmarks.moviepy_job", str(c_job)],
                       contender="c", clips=1)
    targets = cfg.moviepy_targets or inputs.TARGETS
    runner.results.checks["c (moviepy)"] = check_outputs(
        "c", {t: c_dir / f"{t}.mp4" for t in targets}, inputs.clip_cuts(cfg.size, 1)[0].duration
    )
    share = len(targets) / len(inputs.TARGETS)
    return {"a_1clip": _medians([a]), "c": _medians([c]), "c_targets": list(targets),
            "c_share_of_outputs": share}


def scale(
    runner: Runner, jobs: dict[int, Job], known: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """Wall and CPU time per clip for 1, 3 and 9 clips (reusing runs made on the same jobs)."""
    rows = {}
    for n in runner.cfg.scale:
        m = known.get(n) or runner.vidcamp(jobs[n], f"a-{n}clips").as_dict()
        rows[str(n)] = {"wall": round(m["wall"], 3), "per_clip": round(m["wall"] / n, 3),
                        "cpu": round(m["cpu"], 3), "cpu_per_clip": round(m["cpu"] / n, 3)}
    return rows


def publish_overhead(runner: Runner, post_campaign: Path) -> dict[str, Any]:
    """``vidcamp publish --due`` with nothing due: no ledger yet, then a ledger of future posts."""
    from importlib.util import find_spec

    if find_spec("vidcamp.cli.publish") is None:
        return {"pending": "vidcamp.cli.publish is not in this checkout"}
    ledger = Path(runner.env["VIDCAMP_LEDGER"])
    if ledger.parent.exists():
        shutil.rmtree(ledger.parent)
    ledger.parent.mkdir(parents=True)
    cmd = [sys.executable, "-m", "vidcamp", "publish", "--due"]
    out: dict[str, Any] = {}
    runs = range(runner.cfg.publish_runs)
    empty = [runner.measure(f"publish-noledger{k + 1}", cmd) for k in runs]
    out["no_ledger"] = _medians(empty)
    queued = _queue_future_posts(post_campaign, ledger)
    full = [runner.measure(f"publish-notdue{k + 1}", cmd) for k in runs]
    out["future_posts"] = {**_medians(full), "queued": queued}
    out["modules"] = _imported_modules(runner.env)
    return out


def _queue_future_posts(campaign: Path, ledger: Path) -> int:
    """Queue the campaign's posts years ahead: the ledger has rows, none of them due."""
    from vidcamp.ledger.queue import queue_posts
    from vidcamp.plan import plan_posts, plan_renders, render_environment
    from vidcamp.spec.checks import check_campaign
    from vidcamp.spec.loader import load_campaign

    report = check_campaign(load_campaign(campaign))
    renders = plan_renders(report.campaign, render_environment())
    posts = plan_posts(report.campaign, renders, now=datetime.now(UTC))
    queue_posts(posts, ledger_path=ledger)
    return len(posts)


def _imported_modules(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import atexit, sys\n"
        "def report():\n"
        "    names = sorted(sys.modules)\n"
        f"    heavy = [n for n in names if n.split('.')[0] in {HEAVY_MODULES!r}]\n"
        "    print('MODULES', len(names), ','.join(heavy), file=sys.__stderr__)\n"
        "atexit.register(report)\n"
        "from vidcamp.cli import main\n"
        "main(['publish', '--due'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, check=False)
    baseline = subprocess.run([sys.executable, "-c", "import sys; print(len(sys.modules))"],
                              env=env, capture_output=True, text=True, check=False)
    for line in proc.stderr.splitlines():
        if line.startswith("MODULES"):
            parts = line.split(" ", 2)
            heavy = [h for h in (parts[2] if len(parts) > 2 else "").split(",") if h]
            return {"count": int(parts[1]), "python_alone": int(baseline.stdout.strip() or 0),
                    "heavy": heavy, "exit": proc.returncode}
    return {"count": None, "error": proc.stderr.strip()[-300:]}


# --------------------------------------------------------------------------- report


def summarise(res: Results, std: dict[str, Any], mp: dict[str, Any] | None,
              rb: dict[str, Any] | None, sc: dict[str, Any] | None,
              pub: dict[str, Any] | None) -> dict[str, Any]:
    s: dict[str, Any] = {"standard": std}
    a, b = std["a"], std["b"]
    s["a_over_b"] = round(a["wall"] / b["wall"], 3)
    s["a_over_b_cpu"] = round(a["cpu"] / b["cpu"], 3)
    s["a_over_b_min"] = round(a["wall_min"] / b["wall_min"], 3)
    s["build_tree_rss_gib"] = round(a["tree_rss_mib"] / 1024, 3)
    if mp is not None:
        s["moviepy"] = mp
        # moviepy may have made fewer outputs (smoke runs): scale its time to all four
        c_wall = mp["c"]["wall"] / mp["c_share_of_outputs"]
        s["c_over_a"] = round(c_wall / mp["a_1clip"]["wall"], 2)
        s["c_over_a_from_standard"] = round(c_wall / (a["wall"] / res.config["clips"]), 2)
        s["c_over_a_cpu"] = round(
            mp["c"]["cpu"] / mp["c_share_of_outputs"] / mp["a_1clip"]["cpu"], 2
        )
    if rb is not None:
        s["rebuild"] = rb
        s["rebuild_wall"] = rb["wall"]
    if sc is not None:
        s["scale"] = sc
    if pub is not None:
        s["publish"] = pub
        if "future_posts" in pub:
            s["publish_wall"] = max(pub["future_posts"]["wall"], pub["no_ledger"]["wall"])
    s["targets"] = {
        key: {"target": f"{op} {limit:g}", "value": s.get(key),
              "met": None if s.get(key) is None
              else (s[key] <= limit if op == "<=" else s[key] >= limit)}
        for key, (op, limit) in TARGETS.items()
    }
    return s


def table(res: Results) -> str:
    s = res.summary
    std = s["standard"]
    lines = [
        f"vidcamp benchmark ({res.config['size']}; x264 {res.config['x264_preset']} "
        f"crf {res.config['crf']}; {res.machine['cores']} cores, {res.machine['cpu']})",
        f"a = vidcamp build via {res.build_mode}",
        "",
        f"{'run':<34}{'wall s':>9}{'cpu s':>9}{'tree RSS MiB':>14}{'max proc MiB':>14}",
    ]

    def row(name: str, m: dict[str, Any]) -> None:
        lines.append(f"{name:<34}{m['wall']:>9.2f}{m['cpu']:>9.2f}"
                     f"{m['tree_rss_mib']:>14.1f}{m['max_rss_mib']:>14.1f}")

    n = res.config["clips"]
    row(f"(a) vidcamp build, {n} clips", std["a"])
    row(f"(b) hand-written ffmpeg, {n} clips", std["b"])
    if "moviepy" in s:
        row("(a) vidcamp build, 1 clip", s["moviepy"]["a_1clip"])
        targets = s["moviepy"]["c_targets"]
        row(f"(c) moviepy, 1 clip, {len(targets)} outputs", s["moviepy"]["c"])
    if "rebuild" in s:
        row("vidcamp rebuild, unchanged", s["rebuild"])
    pub = s.get("publish", {})
    if "no_ledger" in pub:
        row("publish --due, no ledger", pub["no_ledger"])
        row(f"publish --due, {pub['future_posts']['queued']} posts not due", pub["future_posts"])
    lines.append("")
    if "scale" in s:
        lines.append("scale: " + ", ".join(
            f"{k} clips {v['wall']:.1f} s ({v['per_clip']:.2f} s/clip, "
            f"cpu {v['cpu_per_clip']:.2f} s/clip)"
            for k, v in s["scale"].items()
        ))
    if "modules" in pub:
        mods = pub["modules"]
        lines.append(f"publish --due imports {mods.get('count')} modules "
                     f"(python alone {mods.get('python_alone')}); "
                     f"heavy: {mods.get('heavy') or 'none'}")
    elif "pending" in pub:
        lines.append(f"publish --due: pending ({pub['pending']})")
    lines.append("max proc: getrusage's largest process; on Linux it starts from the size of "
                 "the forked harness (~80 MiB), so small commands show that floor")
    lines.append("")
    lines.append("targets (reported, not asserted):")
    for key, t in s["targets"].items():
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        lines.append(f"  {key:<22} {t['target']:<8} value {t['value']!s:<10} {mark}")
    lines.append(f"  a/b of the fastest runs {s['a_over_b_min']}, of CPU {s['a_over_b_cpu']} "
                 "(on a busy machine these move less than the median wall)")
    for label, problems in res.checks.items():
        lines.append(f"output check {label}: " + ("ok" if not problems else "; ".join(problems)))
    for note in res.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def run_benchmark(cfg: Config, *, command: str = "", out: Path | None = None) -> Results:
    """Run every part of the benchmark; write the JSON to ``out`` (default: benchmarks/results)."""
    started = time.monotonic()
    cfg.work.mkdir(parents=True, exist_ok=True)
    res = Results(
        config={"size": cfg.size.name, "source": f"{cfg.size.width}x{cfg.size.height}"
                f"@{cfg.size.fps} {cfg.size.source_seconds:g} s",
                "clip_seconds": cfg.size.clip_seconds, "clips": cfg.clips,
                "rounds": cfg.rounds, "x264_preset": cfg.x264_preset, "crf": cfg.crf,
                "targets": list(inputs.TARGETS), "scale": list(cfg.scale)},
        machine=machine_info(), command=command, build_mode="",
    )
    say(f"inputs ({cfg.size.name})")
    t = time.monotonic()
    src_dir = cfg.work / "inputs"
    source = src_dir / f"source-{cfg.size.name}.mp4"
    if cfg.fresh_inputs:
        source.unlink(missing_ok=True)
    made = not source.is_file()
    inputs.make_source(source, cfg.size)
    srt = inputs.write_srt(src_dir / f"captions-{cfg.size.name}.srt", cfg.size)
    jobs = make_jobs(cfg, source, srt, (cfg.clips, 1, *cfg.scale))
    res.summary["setup_seconds"] = round(time.monotonic() - t, 1)
    res.notes.append(f"source {'generated' if made else 'reused'}; set-up took "
                     f"{res.summary['setup_seconds']} s (not counted)")
    runner = Runner(cfg, res)

    say(f"standard job: {cfg.clips} clips x {len(inputs.TARGETS)} targets, "
        f"{cfg.rounds} round(s) A B")
    std = standard(runner, jobs[cfg.clips])
    job = jobs[cfg.clips]
    cuts = inputs.clip_cuts(cfg.size, cfg.clips)
    res.checks["a (vidcamp)"] = [
        p for c in cuts for p in check_outputs(
            "a", _outputs(job.build_dir / "bench", c.clip_id, inputs.TARGETS), c.duration)
    ]
    res.checks["b (hand-written)"] = [
        p for c in cuts for p in check_outputs(
            "b", _outputs(job.b_dir, c.clip_id, inputs.TARGETS), c.duration)
    ]
    say("unchanged rebuild")
    rb = rebuild(runner, job)
    say("moviepy beside vidcamp on one clip")
    mp = moviepy_versus(runner, jobs[1])
    say("scale")
    sc = scale(runner, jobs, {cfg.clips: std["a"], 1: mp["a_1clip"]})
    say("publish --due with nothing due")
    post_campaign = _campaign_with_posts(job.campaign)
    pub = publish_overhead(runner, post_campaign)
    res.summary = {**summarise(res, std, mp, rb, sc, pub), "setup_seconds":
                   res.summary["setup_seconds"]}
    res.summary["total_seconds"] = round(time.monotonic() - started, 1)
    res.machine["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    write_results(res, cfg, out)
    return res


def _campaign_with_posts(campaign: Path) -> Path:
    """The standard campaign plus accounts and a schedule years ahead (for the ledger rows).

    ``mode: cron`` keeps every post waiting for its time: in platform mode a post is uploaded
    ahead of time (the platform publishes it), so it would be due at once.
    """
    text = campaign.read_text(encoding="utf-8")
    text += (
        "accounts:\n  youtube: bench-youtube\n  facebook: bench-facebook\n  x: bench-x\n"
        "schedule:\n  start: 2099-01-01T09:00:00+00:00\n  every: 1d\n  mode: cron\n"
    )
    path = campaign.with_name("campaign-posts.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def write_results(res: Results, cfg: Config, out: Path | None) -> Path:
    data: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": res.command,
        "build_mode": res.build_mode,
        "config": res.config,
        "machine": res.machine,
        "summary": res.summary,
        "checks": res.checks,
        "notes": res.notes,
        "runs": res.runs,
    }
    if out is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = data["when"].replace(":", "").replace("-", "")
        out = RESULTS / f"{stamp}-{cfg.size.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    latest = out.with_name(f"latest-{cfg.size.name}.json")
    if out.parent == RESULTS:
        shutil.copyfile(out, latest)
    say(f"results: {out}")
    return out


def main(argv: Sequence[str] | None = None, *, runner: Callable[..., Results] = run_benchmark
         ) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="720p source, 5 s clips, no 9-clip run (about 2 minutes)")
    parser.add_argument("--rounds", type=int, help="A B rounds of the standard job")
    parser.add_argument("--x264-preset", default=None,
                        help="x264 preset for a, b and c (default: ultrafast, the renderer's "
                             "test-speed setting, so the full run fits in 20 minutes on 2 cores)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the source video")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder")
    parser.add_argument("--out", type=Path, help="results JSON (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    cfg = replace(cfg, work=args.work, fresh_inputs=args.fresh)
    if args.rounds:
        cfg = replace(cfg, rounds=args.rounds)
    if args.x264_preset:
        cfg = replace(cfg, x264_preset=args.x264_preset)
    command = " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])])
    res = runner(cfg, command=command, out=args.out)
    print(table(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
