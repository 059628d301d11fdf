"""The whole product on the demo campaign: build (real renders), then publish --due to the sandbox."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, Sandbox, env_for, sha256, vidcamp


@pytest.mark.slow
def test_build_the_demo_then_publish_every_post_exactly_once(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(
        ROOT / "campaigns" / "demo", demo, ignore=shutil.ignore_patterns("footage", "build")
    )
    creds = tmp_path / "demo-credentials.yaml"
    entries = {
        name: sandbox.server.add_account(platform, name)
        for platform, name in (
            ("youtube", "demo-youtube"), ("facebook", "demo-facebook"), ("x", "demo-x"),
            ("dailymotion", "demo-dailymotion"),
        )
    }
    creds.write_text(yaml.safe_dump(entries))
    creds.chmod(0o600)
    ledger = tmp_path / "ledger.sqlite3"
    env = env_for(sandbox, ledger, VIDCAMP_CREDENTIALS=str(creds), VIDCAMP_X264_PRESET="ultrafast")

    built = vidcamp("build", "--quiet", str(demo / "campaign.yaml"), env=env, timeout=600)
    assert built.returncode == 0, built.stderr
    outputs = sorted((demo / "build" / "demo").glob("*/*.mp4"))
    assert len(outputs) == 10  # 2 clips x 5 targets

    # YouTube and Facebook posts go up ahead and the platform publishes them on time; X has
    # no API scheduling, so its posts wait for their time: the second run pretends it came.
    first = vidcamp("publish", "--due", env=env)
    assert first.returncode in (0, 6), first.stderr
    second = vidcamp("publish", "--due", env={**env, "VIDCAMP_NOW": "2026-12-02T09:01:00+01:00"})
    assert second.returncode == 0, second.stderr

    remote = sandbox.posts()
    assert Counter(p["sha256"] for p in remote).most_common(1)[0][1] == 1  # nothing twice
    published_clips = {(p["platform"], p["sha256"]) for p in remote if p["account"].startswith("demo-")}
    # the 4:5 facebook feed, youtube, youtube_shorts, x and dailymotion variants of both
    # clips: 10 posts, on all four platforms
    expected = {
        (platform, sha256(demo / "build" / "demo" / clip / f"{target}.mp4"))
        for clip in ("teaser", "recap")
        for target, platform in (
            ("youtube_shorts", "youtube"), ("youtube", "youtube"), ("facebook", "facebook"),
            ("x", "x"), ("dailymotion", "dailymotion"),
        )
    }
    assert published_clips == expected
    assert {platform for platform, _ in published_clips} == {"youtube", "facebook", "x", "dailymotion"}

    status = vidcamp("status", "demo", "--json", env=env)
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)
    rows = rows["posts"] if isinstance(rows, dict) else rows
    assert len(rows) == 10
    assert all(r["state"] == "published" for r in rows), rows
    assert all(r["url"] for r in rows)
    table = vidcamp("status", "demo", env=env)
    for row in rows:
        assert row["url"] in table.stdout
