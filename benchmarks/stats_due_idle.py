"""How long a cron stats run takes when nothing is due, and what it imports.

    python benchmarks/stats_due_idle.py [POSTS]

Puts POSTS published posts (default 5000) into a temporary ledger, each read a few minutes
ago (so none is due), then times `vidcamp stats --due --quiet` as a real process (median of
15 runs) beside `vidcamp publish --due --quiet` on the same ledger and a bare Python start,
and lists which heavy modules the stats run imported (there should be none). A second ledger
holds posts over 30 days old read 2 days ago (weekly, so not due for 5 more days).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vidcamp.jobs import Post  # noqa: E402
from vidcamp.ledger import queue_posts  # noqa: E402
from vidcamp.ledger.store import Ledger  # noqa: E402
from vidcamp.stats.cadence import Cadence  # noqa: E402
from vidcamp.stats.store import record  # noqa: E402

HEAVY = ("httpx", "av", "numpy", "moviepy", "rich", "yaml", "pydantic", "vidcamp.publish",
         "vidcamp.stats.fetch")


def seed(ledger_path: Path, count: int, now: datetime, *, old: bool = False) -> None:
    posts = [
        Post(
            campaign="bench", clip_id=f"clip{i // 4}", target=f"t{i % 4}",
            platform=("youtube", "facebook", "x", "dailymotion")[i % 4], preset="x",
            account="acct", video=ledger_path.parent / f"{i}.mp4", thumbnail=None,
            render_hash=f"h{i}",
            publish_at=now - timedelta(days=40 + i % 60 if old else i % 60, hours=1),
            privacy="public", mode="cron", title=f"post {i}", description="", tags=(),
        )
        for i in range(count)
    ]
    queue_posts(posts, ledger_path=ledger_path, now=now)
    with Ledger.open(ledger_path) as ledger:
        with ledger.transaction() as conn:
            conn.execute("UPDATE posts SET state = 'published', remote_id = 'r' || id")
        rows = ledger.query("SELECT id, publish_at FROM posts")
        last = now - (timedelta(days=2) if old else timedelta(minutes=5))
        cadence = Cadence()
        record(ledger, last, {r[0]: {"views": (1.0, "bench")} for r in rows},
               next_due={r[0]: cadence.next_due("youtube", datetime.fromisoformat(r[1]), last)
                         for r in rows})


def timed(args: list[str], env: dict[str, str], runs: int = 15) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.sqlite3"
        seed(ledger, count, now)
        env = {**os.environ, "VIDCAMP_LEDGER": str(ledger), "PYTHONPATH": str(ROOT),
               "VIDCAMP_NOW": now.isoformat()}
        stats = timed([sys.executable, "-m", "vidcamp", "stats", "--due", "--quiet"], env)
        publish = timed([sys.executable, "-m", "vidcamp", "publish", "--due", "--quiet"], env)
        bare = timed([sys.executable, "-c", "pass"], env)
        weekly = Path(tmp) / "weekly.sqlite3"
        seed(weekly, count, now, old=True)
        hard = timed([sys.executable, "-m", "vidcamp", "stats", "--due", "--quiet"],
                     {**env, "VIDCAMP_LEDGER": str(weekly)})
        probe = (
            "import sys\nfrom vidcamp.cli import main\n"
            "try:\n    main(['stats', '--due', '--quiet'])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
        )
        heavy = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    load = os.getloadavg()[0]
    s, p, b = (statistics.median(t) for t in (stats, publish, bare))
    print(f"{count} published posts, none due; load average {load:.2f}")
    print(f"stats --due --quiet:   median {s * 1000:.0f} ms, max {max(stats) * 1000:.0f} ms")
    print(f"publish --due --quiet: median {p * 1000:.0f} ms (stats/publish {s / p:.2f})")
    print(f"bare python startup:   median {b * 1000:.0f} ms")
    h = statistics.median(hard)
    print(f"stats --due, {count} weekly posts read 2 days ago:"
          f" median {h * 1000:.0f} ms")
    print(f"heavy modules imported by stats --due: {heavy}")
    print(f"target < 500 ms: {'met' if max(s, h) < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
