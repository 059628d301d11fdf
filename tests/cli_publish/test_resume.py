"""A run killed mid-upload loses at most the chunk in flight: the next run sends the rest."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from vidcamp.jobs import Post
from vidcamp.ledger import Ledger, queue_posts

from .conftest import (
    Sandbox,
    env_for,
    iso,
    later,
    make_mp4,
    real_now,
    sha256,
    start_vidcamp,
    vidcamp,
)

# slow: a publishing process killed mid-upload (chaos-shaped)
pytestmark = pytest.mark.slow

CHUNK = 256 * 1024


def test_killed_upload_resumes_from_the_acknowledged_offset(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    video = make_mp4(tmp_path / "long.mp4", big=True, seconds=60)
    size = video.stat().st_size
    assert size > 20 * CHUNK
    post = Post(
        campaign="demo", clip_id="long", target="youtube_shorts", platform="youtube",
        preset="youtube_shorts", account=sandbox.accounts["youtube"], video=video,
        thumbnail=None, render_hash=sha256(video), publish_at=later(t0, minutes=-1),
        privacy="public", mode="cron", title="long one", description="", tags=(),
    )
    queue_posts([post], ledger_path=ledger, now=t0)
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(t0), VIDCAMP_CHUNK_SIZE=str(CHUNK))

    run = start_vidcamp("publish", "--due", "--quiet", env=env)
    saved = 0
    with Ledger.open(ledger) as book:
        while run.poll() is None and saved < 2 * CHUNK:
            resume = book.get(post.key).resume or {}
            saved = int(resume.get("offset") or 0)
            time.sleep(0.005)
    assert run.poll() is None, "the upload finished before it could be interrupted"
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)

    with Ledger.open(ledger) as book:
        row = book.get(post.key)
        assert row.state == "uploading" and row.resume and row.resume.get("session_uri")
        kept = int(row.resume["offset"])
    assert 2 * CHUNK <= kept < size

    done = vidcamp("publish", "--due", env=env)
    assert done.returncode == 0, done.stderr
    (remote,) = sandbox.posts()
    assert remote["sha256"] == sha256(video)
    (upload,) = sandbox.get("/_sandbox/stats")["uploads"]  # the same session, resumed
    # everything once, plus at most the chunk that was in flight when the run died
    assert size <= upload["bytes_received"] <= size + CHUNK
    with Ledger.open(ledger) as book:
        details = [e.detail for e in book.events(book.get(post.key).id)]
    assert any("stale lease" in d for d in details)
