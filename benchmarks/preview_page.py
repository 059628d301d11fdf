"""How long `vidcamp preview` takes to write the page of a 30-clip x 4-target campaign.

    python benchmarks/preview_page.py [CLIPS] [TARGETS]

The campaign is planned, not rendered (every variant shows as "not built"), so the figure is
the page's own cost: validation, planning, gathering and templating. It prints the in-process
time of ``build_preview`` (median of 7, after one warm-up), the whole command as a fresh
process beside ``vidcamp validate`` of the same campaign (alternated, medians of 5: what any
command costs to start and check the spec), and the page's size. The issue asks for under
2 s and under 1 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The four platforms vidcamp publishes to, one target each.
BENCH_TARGETS = ("youtube_shorts", "facebook_reels", "x", "dailymotion")


def write_campaign(
    folder: Path,
    *,
    clips: int = 30,
    targets: tuple[str, ...] = BENCH_TARGETS,
    title: str = "Clip {n}: what changes when the light goes down",
    name: str = "bench",
) -> Path:
    """A campaign of ``clips`` clips x ``targets`` from small generated footage; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    platforms = {"youtube_shorts": "youtube", "facebook_reels": "facebook", "x": "x",
                 "dailymotion": "dailymotion", "youtube": "youtube", "facebook": "facebook"}
    spec = {
        "name": name,
        "sources": {"main": {"path": "footage/source.mp4", "generate": {
            "video": "testsrc2=size=320x240:rate=25", "audio": "sine=frequency=330",
            "duration": 4}}},
        "defaults": {"source": "main", "tags": ["vidcamp", "preview"],
                     "description": "Seen first in the preview page."},
        "clips": [{"id": f"clip{n:02d}", "title": title.format(n=n),
                   "cut": [{"from": 0, "to": 3.5}]} for n in range(clips)],
        "targets": {t: {"reframe": "blur"} for t in targets},
        "accounts": {platforms[t]: f"acct-{platforms[t]}" for t in targets if t in platforms},
        "schedule": {"start": "2026-12-01T09:00:00", "every": "1d",
                     "timezone": "Europe/Rome"},
    }
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def main() -> None:
    clips = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    targets = BENCH_TARGETS[: int(sys.argv[2])] if len(sys.argv) > 2 else BENCH_TARGETS
    from vidcamp.cli._common import load_and_check
    from vidcamp.preview.page import build_preview

    with tempfile.TemporaryDirectory() as tmp:
        campaign = write_campaign(Path(tmp) / "bench", clips=clips, targets=targets)
        load_and_check(campaign)  # makes the footage once, outside the measurement
        ledger = Path(tmp) / "no-ledger.sqlite3"
        times = []
        for _ in range(8):
            started = time.perf_counter()
            result = build_preview(load_and_check(campaign), str(campaign), ledger_path=ledger)
            times.append(time.perf_counter() - started)
        library = statistics.median(times[1:])
        env = {**os.environ, "PYTHONPATH": str(ROOT), "VIDCAMP_LEDGER": str(ledger)}
        runs: list[float] = []
        baseline: list[float] = []
        for _ in range(5):  # alternated, so both see the same machine load
            for command, into in (("preview", runs), ("validate", baseline)):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "vidcamp", command, str(campaign)],
                               env=env, cwd=ROOT, check=True, capture_output=True)
                into.append(time.perf_counter() - started)
        process = statistics.median(runs)
        validate = statistics.median(baseline)
        size = result.page.stat().st_size
    variants = clips * len(targets)
    print(f"preview of {clips} clips x {len(targets)} targets ({variants} variants, "
          f"{result.data.post_count} posts)")
    print(f"  build_preview in process: median {library:.3f} s (max {max(times[1:]):.3f} s)")
    print(f"  `vidcamp preview` as a fresh process: median {process:.3f} s "
          f"(max {max(runs):.3f} s)")
    print(f"  `vidcamp validate` of the same campaign (start-up, spec, probe): median "
          f"{validate:.3f} s; preview/validate = {process / validate:.2f}")
    print(f"  page: {size / 1e6:.3f} MB ({size} bytes); target: under 2 s and under 1 MB")
    print(f"  ratios: process/2 s = {process / 2:.2f}, size/1 MB = {size / 1e6:.2f}")


if __name__ == "__main__":
    main()
