"""End to end: queue real MP4s, `publish --due` against the sandbox, check every post once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger, queue_posts

from .conftest import Sandbox, env_for, iso, later, posts_for, real_now, sha256, vidcamp

# slow: several CLI processes publish eight real MP4s to the sandbox
pytestmark = pytest.mark.slow


def test_every_post_is_published_exactly_once_with_matching_bytes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    now = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    # clip0: cron posts whose time has come; clip1: platform mode, scheduled a day ahead
    # (X falls back to cron and is not due yet)
    posts = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(now, minutes=-1))
    ahead = later(now, days=1)
    posts += posts_for(sandbox, tmp_path / "media", range(1, 2), publish_at=ahead, mode="platform")
    report = queue_posts(posts, ledger_path=ledger, now=now)
    assert len(report.added) == 8
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(now))

    done = vidcamp("publish", "--due", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("published #") == 7
    remote = sandbox.posts()
    assert len(remote) == 7

    # every file is different, so the received bytes' sha256 names the post
    by_hash = {p["sha256"]: p for p in remote}
    assert len(by_hash) == 7
    for post in posts:
        if post.platform == "x" and post.clip_id == "clip1":
            assert sha256(post.video) not in by_hash  # X cannot schedule: waits for its time
            continue
        got = by_hash[sha256(post.video)]
        assert got["title"].startswith(post.title)
        assert got["size"] == post.video.stat().st_size
        assert got["platform"] == post.platform
        if post.clip_id == "clip1":
            assert got["scheduled_time"], f"{post.platform} should be scheduled on the platform"

    # a second run a minute later finds nothing due and posts nothing
    again = vidcamp("publish", "--due", "--quiet", env=env)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
    assert len(sandbox.posts()) == 7

    # at its time the X post goes out too
    at_time = vidcamp("publish", "--due", "--json", env={**env, "VIDCAMP_NOW": iso(ahead)})
    assert at_time.returncode == 0, at_time.stderr
    outcomes = json.loads(at_time.stdout)["outcomes"]
    assert [o["key"] for o in outcomes] == ["demo/clip1/x/brand_x"]
    remote = sandbox.posts()
    assert Counter(p["sha256"] for p in remote).most_common(1)[0][1] == 1
    assert len(remote) == 8

    status = json.loads(vidcamp("status", "--json", env=env).stdout)["posts"]
    assert {p["state"] for p in status} == {"published"}
    remote_ids = {p["remote_id"] for p in remote}
    for row in status:
        assert row["url"] and row["remote_id"] in remote_ids
    table = vidcamp("status", "demo", env=env).stdout
    for row in status:
        assert row["url"] in table
    with Ledger.open(ledger) as book:
        for row in book.posts():
            states = [e.to_state for e in book.events(row.id)]
            assert states[0] == "queued" and states[-1] == "published"
            assert "uploading" in states
            if row.platform == "x":
                assert "processing" in states  # media finalized, waiting for X to process it


def test_sandbox_rehearsal_leaves_the_real_ledger_alone(sandbox: Sandbox, tmp_path: Path) -> None:
    now = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    posts = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(now, minutes=-5))
    queue_posts(posts, ledger_path=ledger, now=now)
    env = env_for(sandbox, ledger, VIDCAMP_SANDBOX_URL=sandbox.url,
                  VIDCAMP_SANDBOX_CREDENTIALS=str(sandbox.credentials))
    env.pop("VIDCAMP_API_ROOT")
    # the real credentials file holds nothing the sandbox knows: --sandbox must not use it
    real_credentials = tmp_path / "real-credentials.yaml"
    real_credentials.write_text("{}\n")
    env["VIDCAMP_CREDENTIALS"] = str(real_credentials)
    done = vidcamp("publish", "--due", "--sandbox", env=env)
    assert done.returncode == 0, done.stderr
    assert len(sandbox.posts()) == 4
    real = json.loads(vidcamp("status", "--json", env=env).stdout)["posts"]
    assert {p["state"] for p in real} == {"queued"}
    rehearsal = json.loads(vidcamp("status", "--json", "--sandbox", env=env).stdout)
    assert {p["state"] for p in rehearsal["posts"]} == {"published"}
    assert rehearsal["ledger"].endswith("ledger.sandbox.sqlite3")
    assert {(p["id"], p["key"]) for p in rehearsal["posts"]} == {(p["id"], p["key"]) for p in real}
