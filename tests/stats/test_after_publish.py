"""The whole loop on real uploads: `publish --due` to the sandbox, then `stats --due` and
`report`, so the ids the upload clients record are the ones the metrics endpoints know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_publish.conftest import (
    Sandbox,
    env_for,
    iso,
    later,
    posts_for,
    real_now,
    sandbox,  # noqa: F401 (fixture)
    vidcamp,
)
from vidcamp.ledger import queue_posts

# slow: real uploads of every platform, then stats and report processes
pytestmark = pytest.mark.slow


def test_published_posts_are_read_back_on_every_platform(sandbox: Sandbox,  # noqa: F811
                                                         tmp_path: Path) -> None:
    now = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    posts = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(now, minutes=-1))
    queue_posts(posts, ledger_path=ledger, now=now)
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(now))
    published = vidcamp("publish", "--due", env=env)
    assert published.returncode == 0, published.stderr

    # a fixed metrics clock: the figures served while reading are the ones compared below
    sandbox.post("/_sandbox/settings", {"metrics_clock": iso(later(now, hours=1))})
    stats = vidcamp("stats", "--due", "--json", env=env)
    assert stats.returncode == 0, stats.stderr
    run = json.loads(stats.stdout)
    assert run["due"] == 4 and run["read"] == 4 and run["gone"] == {}
    served = sandbox.get("/_sandbox/metrics")["posts"]
    report = vidcamp("report", "demo", "--json", env=env)
    assert report.returncode == 0, report.stderr
    figures = {p["platform"]: (p["remote_id"], p["metrics"])
               for p in json.loads(report.stdout)["posts"]}
    assert set(figures) == {"youtube", "facebook", "x", "dailymotion"}
    for platform, (remote_id, metrics) in figures.items():
        assert metrics["likes"] == served[remote_id]["likes"], platform
        if platform != "dailymotion":  # views need its Reporting API key
            assert metrics["views"] == served[remote_id]["views"], platform
