"""Two `publish --due` processes started together never upload the same post."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger, queue_posts

from .conftest import Sandbox, env_for, iso, later, posts_for, real_now, sha256, start_vidcamp

# slow: two processes racing over twelve ~1 MB uploads
pytestmark = pytest.mark.slow


def test_two_overlapping_runs_share_the_work_and_never_a_post(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    posts = posts_for(sandbox, tmp_path / "media", 3, publish_at=later(t0, minutes=-1), big=True)
    queue_posts(posts, ledger_path=ledger, now=t0)
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(t0), VIDCAMP_CHUNK_SIZE=str(256 * 1024))
    runs = [start_vidcamp("publish", "--due", "--json", env=env) for _ in range(2)]
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        reports.append(json.loads(out))

    taken = [[o["key"] for o in r["outcomes"]] for r in reports]
    assert not set(taken[0]) & set(taken[1]), "both runs published the same post"
    assert sorted(taken[0] + taken[1]) == sorted(p.key for p in posts)
    assert all(o["state"] == "published" for r in reports for o in r["outcomes"])

    remote = sandbox.posts()
    assert len(remote) == len(posts) == 12
    assert Counter(p["sha256"] for p in remote) == Counter(sha256(p.video) for p in posts)
    # one upload session per post: no run even started an upload of a post the other held
    uploads = sandbox.get("/_sandbox/stats")["uploads"]
    assert len(uploads) == len(posts)
    with Ledger.open(ledger) as book:
        for row in book.posts():
            owners = {e.owner for e in book.events(row.id) if e.to_state == "uploading"}
            assert len(owners) == 1
    # both runs really worked at the same time (each published some)
    assert taken[0] and taken[1]
