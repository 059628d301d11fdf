"""Stats tests: published posts in a real ledger whose ids the loopback sandbox knows.

Posts are put into the sandbox's record and the ledger's published state directly (the
publishing side has its own tests); the metrics are then read over real HTTP. Times are fixed
(``VIDCAMP_NOW`` and the sandbox's ``metrics_clock``), so nothing depends on the wall clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sandbox
from vidcamp.jobs import Post
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
ANALYTICS = ("https://www.googleapis.com/auth/youtube.upload "
             "https://www.googleapis.com/auth/yt-analytics.readonly")
PRESETS = {"youtube": "youtube_shorts", "facebook": "facebook_reels", "x": "x",
           "dailymotion": "dailymotion"}


@dataclass
class Loop:
    """A sandbox, its accounts, and a ledger of published posts."""

    box: Sandbox
    ledger: Path
    accounts: dict[str, str] = field(default_factory=dict)
    remote: dict[str, str] = field(default_factory=dict)  # post key -> remote id
    serial: int = 0

    def publish(self, platform: str, clips: int, published: datetime, *,
                campaign: str = "demo", prefix: str = "clip") -> list[str]:
        """``clips`` posts on ``platform`` published at ``published``; their keys."""
        posts = []
        for c in range(clips):
            clip = f"{prefix}{c}"
            posts.append(Post(
                campaign=campaign, clip_id=clip, target=PRESETS[platform], platform=platform,
                preset=PRESETS[platform], account=self.accounts[platform],
                video=self.ledger.parent / f"{clip}.mp4", thumbnail=None,
                render_hash=f"h-{platform}-{clip}", publish_at=published, privacy="public",
                mode="platform", title=f"{clip} title {c % 3}", description="", tags=(),
            ))
        queue_posts(posts, ledger_path=self.ledger, now=published)
        keys = []
        owner = new_owner()
        with Ledger.open(self.ledger) as ledger:
            for _ in posts:
                row = ledger.claim(owner, published)
                assert row is not None
                self.serial += 1
                remote = str(10**15 + self.serial) if platform != "dailymotion" else \
                    f"x9{self.serial:05d}"
                extra: dict[str, Any] = {}
                if platform == "x":
                    extra["media_key"] = f"13_{remote}"
                self.box.server.state.new_post(
                    platform=platform, account=row.account, remote_id=remote, title=row.title,
                    description="", sha256="", size=0, scheduled_time=None, privacy="public",
                    created_at=published.timestamp(), **extra)
                ledger.mark_published(row.id, owner, remote, f"https://example.test/{remote}")
                self.remote[row.key] = remote
                keys.append(row.key)
        return keys

    def clock(self, when: datetime) -> dict[str, str]:
        """Set the sandbox's metrics clock; the environment for a CLI run at ``when``."""
        self.box.settings(metrics_clock=when.isoformat())
        env = {**os.environ, "PYTHONPATH": str(ROOT), "VIDCAMP_LEDGER": str(self.ledger),
               "VIDCAMP_NOW": when.isoformat()}
        return env

    def vidcamp(self, *args: str, at: datetime) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vidcamp", *args], cwd=ROOT,
                              env=self.clock(at), capture_output=True, text=True, timeout=120)

    def routes(self) -> dict[str, int]:
        return dict(self.box.server.stats()["routes"])

    def rows(self) -> list[tuple[str, str, str, float]]:
        """(post key, time, metric, value) of every stored reading."""
        with Ledger.open(self.ledger) as ledger:
            found = ledger.query(
                "SELECT p.key, m.at, m.metric, m.value FROM metrics m"
                " JOIN posts p ON p.id = m.post_id ORDER BY m.id")
        return [(r[0], r[1], r[2], r[3]) for r in found]


@pytest.fixture
def loop(sandbox: Sandbox, tmp_path: Path) -> Iterator[Loop]:
    box = Loop(sandbox, tmp_path / "ledger.sqlite3")
    box.accounts = {
        "youtube": sandbox.account("youtube", "brand_yt", scope=ANALYTICS),
        "facebook": sandbox.account("facebook", "brand_fb"),
        "x": sandbox.account("x", "brand_x"),
        "dailymotion": sandbox.account("dailymotion", "brand_dm"),
    }
    yield box


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


# the preview tests' headless Chromium (Playwright driving /usr/bin/chromium)
from tests.preview.conftest import Browser, browser  # noqa: E402, F401
