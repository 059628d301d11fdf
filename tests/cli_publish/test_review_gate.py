"""The review gate end to end: nothing goes out before approval, then exactly what was approved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger, queue_posts

from .conftest import Sandbox, env_for, iso, later, posts_for, real_now, sha256, vidcamp

# slow: CLI processes publishing real MP4s around each review step
pytestmark = pytest.mark.slow


def test_publish_due_sends_nothing_until_approval_then_exactly_the_approved_posts(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    posts = posts_for(sandbox, tmp_path / "media", 2, publish_at=later(t0, minutes=-1))
    queue_posts(posts, ledger_path=ledger, now=t0, review=True)
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(t0), VIDCAMP_USER="ana")

    def publish() -> dict[str, object]:
        done = vidcamp("publish", "--due", "--json", env=env)
        data: dict[str, object] = json.loads(done.stdout)
        assert done.returncode == data["exit_code"], done.stderr
        return data

    before = publish()
    assert before["outcomes"] == [] and sandbox.posts() == []

    status = vidcamp("status", env=env)
    assert "8 posts await approval (demo)" in status.stdout

    approved = vidcamp("approve", "demo", "clip0", "clip1:x", env=env)
    assert approved.returncode == 0, approved.stderr
    after = publish()
    chosen = {p.key for p in posts if p.clip_id == "clip0" or p.key.startswith("demo/clip1/x/")}
    assert {o["key"] for o in after["outcomes"]} == chosen  # type: ignore[union-attr]
    assert {o["state"] for o in after["outcomes"]} == {"published"}  # type: ignore[union-attr]
    assert sorted(p["sha256"] for p in sandbox.posts()) == sorted(
        sha256(p.video) for p in posts if p.key in chosen
    )
    assert publish()["outcomes"] == []  # the other three still wait

    late = vidcamp("approve", "demo", "clip0:x", env=env)
    assert late.returncode == 2
    assert "is published: too late to approve it" in late.stderr
    with Ledger.open(ledger) as book:
        waiting = {r.key for r in book.posts() if r.state == "awaiting_approval"}
        assert waiting == {p.key for p in posts} - chosen
        approvals = [
            e for r in book.posts() for e in book.events(r.id) if e.detail == "approved by ana"
        ]
        assert len(approvals) == len(chosen) and all(e.owner == "ana" for e in approvals)
