"""Queueing rules: never twice, changed renders replaced or held for republish."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from vidcamp.errors import UsageError
from vidcamp.jobs import Post
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.store import new_owner

from .conftest import T0, changed, make_post


def _count(path: Path) -> int:
    return int(sqlite3.connect(path).execute("SELECT count(*) FROM posts").fetchone()[0])


def test_queueing_again_never_duplicates(ledger_file: Path) -> None:
    posts = [make_post("c1"), make_post("c2"), make_post("c1", account="other")]
    first = queue_posts(posts, ledger_path=ledger_file, now=T0)
    again = queue_posts(posts, ledger_path=ledger_file, now=T0)
    assert len(first.added) == 3
    assert again.added == () and len(again.unchanged) == 3
    assert _count(ledger_file) == 3


def test_modes_and_due_times(ledger_file: Path) -> None:
    at = T0 + timedelta(days=2)
    queue_posts(
        [
            make_post("yt", publish_at=at),
            make_post("cr", publish_at=at, mode="cron"),
            make_post("x", platform="x", preset="x", target="x", publish_at=at),
        ],
        ledger_path=ledger_file, now=T0,
    )
    with Ledger.open(ledger_file) as ledger:
        rows = {r.clip_id: r for r in ledger.posts()}
        assert rows["yt"].mode == "platform" and rows["yt"].next_attempt_at == T0
        assert rows["cr"].mode == "cron" and rows["cr"].next_attempt_at == at
        # X cannot schedule through its API: always cron, whatever the spec asked
        assert rows["x"].mode == "cron" and rows["x"].next_attempt_at == at
        assert [r.clip_id for r in ledger.due(T0)] == ["yt"]
        assert {r.clip_id for r in ledger.due(at)} == {"yt", "cr", "x"}


def test_changed_render_of_unpublished_post_replaces_it(ledger_file: Path) -> None:
    post = make_post()
    queue_posts([post], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        row = ledger.claim(owner, T0)
        assert row is not None
        ledger.save_resume(row.id, owner, {"session": "abc", "offset": 100, "size": 1000})
        ledger.release(row.id, owner, "test stops here")
    report = queue_posts([changed(post, render_hash="hash-2")], ledger_path=ledger_file, now=T0)
    assert report.replaced == (post.key,)
    with Ledger.open(ledger_file) as ledger:
        row = ledger.get(post.key)
        assert row.render_hash == "hash-2"
        assert row.state == "queued" and row.resume is None and row.bytes_sent is None
        assert "replaced" in ledger.events(row.id)[-1].detail
    assert _count(ledger_file) == 1


def test_changed_render_of_published_post_waits_for_republish(ledger_file: Path) -> None:
    post = make_post()
    _queue_and_publish(ledger_file, post, "vid-1")
    new = changed(post, render_hash="hash-2", video=Path("/nonexistent/new.mp4"))
    report = queue_posts([new], ledger_path=ledger_file, now=T0)
    assert report.republish_needed == (post.key,)
    assert any("republish" in line for line in report.summary())
    with Ledger.open(ledger_file) as ledger:
        row = ledger.get(post.key)
        assert row.state == "published" and row.render_hash == "hash-1"
        assert row.pending_render_hash == "hash-2"
        assert ledger.due(T0 + timedelta(days=30)) == []  # never goes out by itself
        again = ledger.republish(row.id, T0)
        assert again.state == "queued" and again.render_hash == "hash-2"
        assert again.video == Path("/nonexistent/new.mp4")
        assert again.url is None and again.pending_render_hash is None
        assert [r.id for r in ledger.due(T0)] == [row.id]


def test_cancelled_post_stays_cancelled_on_rebuild(ledger_file: Path) -> None:
    post = make_post()
    queue_posts([post], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        ledger.cancel(post.key)
    report = queue_posts([changed(post, render_hash="h9")], ledger_path=ledger_file, now=T0)
    assert report.cancelled == (post.key,)
    with Ledger.open(ledger_file) as ledger:
        assert ledger.get(post.key).state == "cancelled"
        assert ledger.due(T0 + timedelta(days=1)) == []
        assert ledger.retry(post.key, T0).state == "queued"


def test_metadata_change_moves_the_schedule(ledger_file: Path) -> None:
    post = make_post(mode="cron")
    queue_posts([post], ledger_path=ledger_file, now=T0)
    later = post.publish_at + timedelta(hours=3)
    report = queue_posts(
        [changed(post, publish_at=later, title="New title")], ledger_path=ledger_file, now=T0
    )
    assert report.updated == (post.key,)
    with Ledger.open(ledger_file) as ledger:
        row = ledger.get(post.key)
        assert row.title == "New title" and row.next_attempt_at == later


def test_post_being_uploaded_is_left_alone(ledger_file: Path) -> None:
    post = make_post()
    queue_posts([post], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        assert ledger.claim(new_owner(), T0) is not None  # held by a live process (this one)
        report = queue_posts([changed(post, render_hash="h2")], ledger_path=ledger_file, now=T0)
        assert report.busy == (post.key,)
        with pytest.raises(UsageError, match="being uploaded"):
            ledger.cancel(post.key)


def test_naive_times_are_refused(ledger_file: Path) -> None:
    post = changed(make_post(), publish_at=T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="time zone"):
        queue_posts([post], ledger_path=ledger_file, now=T0)
    assert _count(ledger_file) == 0


def test_changed_render_after_the_bytes_went_up_is_not_replaced(ledger_file: Path) -> None:
    """Once the platform holds the upload (processing), a new render would make a second post."""
    post = make_post()
    queue_posts([post], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        row = ledger.claim(owner, T0)
        assert row is not None
        ledger.save_resume(row.id, owner, {"phase": "posting", "media_id": "m1"}, processing=True)
        ledger.release(row.id, owner, "killed")
        assert ledger.get(row.id).state == "processing"
    report = queue_posts([changed(post, render_hash="h2")], ledger_path=ledger_file, now=T0)
    assert report.republish_needed == (post.key,)
    with Ledger.open(ledger_file) as ledger:
        row = ledger.get(post.key)
        assert row.resume == {"phase": "posting", "media_id": "m1"}
        assert row.render_hash == "hash-1" and row.pending_render_hash == "h2"


def test_the_same_content_to_the_same_account_is_refused(ledger_file: Path) -> None:
    first = make_post("c1", campaign="spring")
    _queue_and_publish(ledger_file, first, "v1")
    again = make_post("c1", campaign="summer", render_hash=first.render_hash)
    with pytest.raises(UsageError, match=r"https://example\.invalid/v1") as info:
        queue_posts([again, make_post("c2", campaign="summer")], ledger_path=ledger_file,
                    now=T0)
    assert "--allow-duplicate" in info.value.message and "spring/c1" in info.value.message
    with Ledger.open(ledger_file) as ledger:
        assert len(ledger.posts()) == 1  # nothing of the refused batch was queued
    # another account, or an explicit allowance, is fine
    report = queue_posts([changed(again, account="other")], ledger_path=ledger_file, now=T0)
    assert len(report.added) == 1
    report = queue_posts([again], ledger_path=ledger_file, now=T0, allow_duplicate=True)
    assert report.added == (again.key,)


def _queue_and_publish(ledger_file: Path, post: Post, remote_id: str) -> None:
    """Queue ``post`` and record it published as ``https://example.invalid/<remote_id>``."""
    queue_posts([post], ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        owner = new_owner()
        row = ledger.claim(owner, T0)
        assert row is not None
        ledger.mark_published(row.id, owner, remote_id, f"https://example.invalid/{remote_id}")
