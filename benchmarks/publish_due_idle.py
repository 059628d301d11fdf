"""How long a cron run takes when nothing is due, and what it imports.

    /tmp/venv/bin/python benchmarks/publish_due_idle.py [POSTS]

Queues POSTS posts (default 5000) scheduled tomorrow into a temporary ledger, then times
`vidcamp publish --due --quiet` as a real process (median of 15 runs), and lists which heavy
modules such a run imported (there should be none).
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


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.sqlite3"
        posts = [
            Post(
                campaign="bench", clip_id=f"clip{i // 4}", target=f"t{i % 4}", platform="x",
                preset="x", account="acct", video=Path(tmp) / f"{i}.mp4", thumbnail=None,
                render_hash=f"h{i}", publish_at=now + timedelta(days=1, minutes=i),
                privacy="public", mode="cron", title=f"post {i}", description="", tags=(),
            )
            for i in range(count)
        ]
        started = time.perf_counter()
        queue_posts(posts, ledger_path=ledger, now=now)
        queued = time.perf_counter() - started
        env = {**os.environ, "VIDCAMP_LEDGER": str(ledger), "PYTHONPATH": str(ROOT)}
        times = []
        for _ in range(15):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "vidcamp", "publish", "--due", "--quiet"],
                           env=env, check=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
        probe = (
            "import sys\nfrom vidcamp.cli import main\n"
            "try:\n    main(['publish', '--due', '--quiet'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('httpx', 'av', 'numpy', 'moviepy', 'rich', 'yaml',"
            " 'pydantic', 'vidcamp.publish') if m in sys.modules))"
        )
        heavy = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        baseline = []
        for _ in range(15):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            baseline.append(time.perf_counter() - started)
    print(f"queue_posts of {count} posts: {queued:.2f} s")
    print(f"publish --due --quiet, nothing due, {count} posts in the ledger: "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"(bare python startup: {statistics.median(baseline) * 1000:.0f} ms)")
    print(f"heavy modules imported: {heavy}")


if __name__ == "__main__":
    main()
