"""The review gate in the ledger: awaiting approval, approve / reject, approval withdrawn."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from vidcamp.errors import UsageError
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.clock import to_db
from vidcamp.ledger.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, new_owner

from .conftest import T0, changed, make_post, run_cli

DUE = T0 + timedelta(days=1)


def _campaign() -> list:  # type: ignore[type-arg]
    return [
        make_post(clip, target=target, platform=platform, preset=target, mode="cron",
                  publish_at=T0 + timedelta(hours=1))
        for clip in ("intro", "outro")
        for target, platform in (("youtube_shorts", "youtube"), ("x", "x"))
    ]


def test_review_queues_awaiting_approval_and_nothing_is_due(ledger_file: Path) -> None:
    report = queue_posts(_campaign(), ledger_path=ledger_file, now=T0, review=True)
    assert len(report.awaiting) == 4
    assert "4 posts await approval" in report.summary()[-1]
    with Ledger.open(ledger_file) as ledger:
        assert {r.state for r in ledger.posts()} == {"awaiting_approval"}
        assert all(r.review and r.gated for r in ledger.posts())
        assert ledger.due(DUE) == []
        assert ledger.claim(new_owner(), DUE) is None


def test_approve_by_clip_and_target_then_only_those_are_due(ledger_file: Path) -> None:
    queue_posts(_campaign(), ledger_path=ledger_file, now=T0, review=True)
    with Ledger.open(ledger_file) as ledger:
        done = ledger.review("demo", ["intro", "outro:x"], user="ana")
        assert sorted(r.key for r in done) == [
            "demo/intro/x/brand", "demo/intro/youtube_shorts/brand", "demo/outro/x/brand",
        ]
        assert sorted(r.key for r in ledger.due(DUE)) == sorted(r.key for r in done)
        row = ledger.get("demo/intro/x/brand")
        assert row.state == "queued" and row.approved_by == "ana" and row.approved_at
        event = ledger.events(row.id)[-1]
        assert (event.from_state, event.to_state, event.owner) == (
            "awaiting_approval", "queued", "ana",
        )
        assert event.detail == "approved by ana" and event.at is not None
        # approving again changes nothing; no selector approves what still waits
        assert ledger.review("demo", ["intro"], user="ana") == []
        assert [r.key for r in ledger.review("demo", [], user="bo")] == [
            "demo/outro/youtube_shorts/brand"
        ]


def test_a_changed_render_or_text_withdraws_the_approval(ledger_file: Path) -> None:
    posts = _campaign()
    queue_posts(posts, ledger_path=ledger_file, now=T0, review=True)
    with Ledger.open(ledger_file) as ledger:
        ledger.review("demo", [], user="ana")
    # the caption is burned in: a new caption is a new render hash; a new title is new text;
    # a new time is neither
    new = [
        changed(posts[0], render_hash="hash-new-caption"),
        changed(posts[1], title="Another title"),
        changed(posts[2], publish_at=T0 + timedelta(hours=3)),
        posts[3],
    ]
    report = queue_posts(new, ledger_path=ledger_file, now=T0, review=True)
    assert sorted(report.awaiting) == sorted([posts[0].key, posts[1].key])
    with Ledger.open(ledger_file) as ledger:
        states = {r.key: (r.state, r.approved_by) for r in ledger.posts()}
        assert states == {
            posts[0].key: ("awaiting_approval", None),
            posts[1].key: ("awaiting_approval", None),
            posts[2].key: ("queued", "ana"),
            posts[3].key: ("queued", "ana"),
        }
        last = ledger.events(ledger.get(posts[0].key).id)[-1]
        assert last.to_state == "awaiting_approval" and "approval withdrawn" in last.detail


def test_turning_review_on_gates_queued_posts_not_yet_approved(ledger_file: Path) -> None:
    queue_posts(_campaign(), ledger_path=ledger_file, now=T0)
    report = queue_posts(_campaign(), ledger_path=ledger_file, now=T0, review=True)
    assert len(report.awaiting) == 4
    with Ledger.open(ledger_file) as ledger:
        assert ledger.due(DUE) == []


def test_reject_keeps_the_reason_and_a_changed_rebuild_puts_it_up_again(
    ledger_file: Path,
) -> None:
    posts = _campaign()
    queue_posts(posts, ledger_path=ledger_file, now=T0, review=True)
    with Ledger.open(ledger_file) as ledger:
        (row,) = ledger.review("demo", ["intro:x"], user="ana", reject_reason="logo too small")
        assert row.state == "rejected" and row.last_error == "rejected by ana: logo too small"
        with pytest.raises(UsageError, match="approve demo intro:x"):
            ledger.retry(row.id, DUE)
    queue_posts(
        [changed(p, render_hash="bigger-logo") if p.key == row.key else p for p in posts],
        ledger_path=ledger_file, now=T0, review=True,
    )
    with Ledger.open(ledger_file) as ledger:
        assert ledger.get(row.key).state == "awaiting_approval"


def test_approve_of_a_missing_or_published_post_is_a_usage_error(ledger_file: Path) -> None:
    queue_posts(_campaign(), ledger_path=ledger_file, now=T0, review=True)
    with Ledger.open(ledger_file) as ledger:
        with pytest.raises(UsageError, match="no post 'nope' in campaign 'demo'"):
            ledger.review("demo", ["intro", "nope"], user="ana")
        assert ledger.due(DUE) == []  # all or nothing: intro was not approved either
        with pytest.raises(UsageError, match="no posts of campaign 'other'"):
            ledger.review("other", [], user="ana")
        ledger.review("demo", ["intro:x"], user="ana")
        owner = new_owner()
        row = ledger.claim(owner, DUE)
        assert row is not None and row.key == "demo/intro/x/brand"
        ledger.mark_published(row.id, owner, "1", "https://x.com/i/status/1")
        with pytest.raises(UsageError, match="is published: too late to approve it"):
            ledger.review("demo", ["intro:x"], user="ana")
        with pytest.raises(UsageError, match="too late to reject it"):
            ledger.review("demo", ["intro:x"], user="ana", reject_reason="late")


def test_cli_approve_reject_and_status(ledger_file: Path) -> None:
    queue_posts(_campaign(), ledger_path=ledger_file, now=T0, review=True)
    env = {"VIDCAMP_USER": "ana", "VIDCAMP_NOW": T0.isoformat()}
    waiting = run_cli("status", env=env)
    assert waiting.returncode == 0, waiting.stderr
    assert "4 posts await approval (demo)" in waiting.stdout
    assert "`vidcamp approve demo intro:x`" in waiting.stdout
    missing = run_cli("approve", "demo", "intro:tiktok", env=env)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "error: no post 'intro:tiktok' in campaign 'demo' (see `vidcamp status`)"
    ]
    approved = run_cli("approve", "demo", "intro", env=env)
    assert approved.returncode == 0, approved.stderr
    assert "demo/intro/x/brand: approved by ana" in approved.stdout
    no_reason = run_cli("reject", "demo", "outro", env=env)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    rejected = run_cli("reject", "demo", "outro", "--reason", "wrong music", env=env)
    assert rejected.returncode == 0, rejected.stderr
    shown = run_cli("status", env=env).stdout
    assert "rejected by ana: wrong music" in shown and "await approval" not in shown


def test_a_first_version_ledger_is_migrated_with_its_posts_and_events(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(MIGRATIONS[0][1])
    conn.execute("CREATE TABLE migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                 " applied_at TEXT NOT NULL)")
    conn.execute("INSERT INTO migrations VALUES (1, ?, '2026-01-01T00:00:00+00:00')",
                 (MIGRATIONS[0][0],))
    conn.execute(
        "INSERT INTO posts (key, campaign, clip_id, target, platform, preset, account, video,"
        " render_hash, publish_at, mode, privacy, title, description, tags, state,"
        " next_attempt_at, created_at, updated_at, url) VALUES ('demo/a/x/b', 'demo', 'a', 'x',"
        " 'x', 'x', 'b', '/v.mp4', 'h', ?, 'cron', 'public', 't', 'd', '[]', 'published', ?, ?,"
        " ?, 'https://x.com/i/status/9')",
        (to_db(T0),) * 4,
    )
    conn.execute("INSERT INTO events (post_id, at, to_state, detail) VALUES (1, ?, 'published',"
                 " 'old')", (to_db(T0),))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Ledger.open(path, create=False) as ledger:
        (row,) = ledger.posts()
        assert (row.state, row.url, row.review, row.approved_at) == (
            "published", "https://x.com/i/status/9", False, None,
        )
        assert [e.detail for e in ledger.events(row.id)] == ["old"]
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert check.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        check.execute("UPDATE events SET detail = 'z'")  # the events table kept its triggers


def test_republishing_a_new_render_under_review_waits_for_approval(ledger_file: Path) -> None:
    posts = _campaign()
    queue_posts(posts, ledger_path=ledger_file, now=T0, review=True)
    with Ledger.open(ledger_file) as ledger:
        ledger.review("demo", ["intro:x"], user="ana")
        owner = new_owner()
        row = ledger.claim(owner, DUE)
        assert row is not None
        ledger.mark_published(row.id, owner, "1", "https://x.com/i/status/1")
    new = [changed(p, render_hash="recut") if p.key == row.key else p for p in posts]
    assert queue_posts(new, ledger_path=ledger_file, now=T0, review=True).republish_needed == (
        row.key,
    )
    with Ledger.open(ledger_file) as ledger:
        again = ledger.republish(row.id, DUE)
        assert (again.state, again.render_hash, again.approved_at) == (
            "awaiting_approval", "recut", None,
        )
        assert ledger.due(DUE) == []


def test_without_review_a_rebuild_never_releases_a_waiting_post(ledger_file: Path) -> None:
    posts = _campaign()
    queue_posts(posts, ledger_path=ledger_file, now=T0, review=True)
    new = [changed(p, render_hash="other") for p in posts]
    report = queue_posts(new, ledger_path=ledger_file, now=T0)
    assert sorted(report.awaiting) == sorted(p.key for p in posts)
    with Ledger.open(ledger_file) as ledger:
        assert {r.state for r in ledger.posts()} == {"awaiting_approval"}
        assert not any(r.review for r in ledger.posts())
        ledger.review("demo", ["intro"], user="ana")
    # review off: an approved post's later change needs no new approval
    again = [changed(p, title="New title") for p in new]
    queue_posts(again, ledger_path=ledger_file, now=T0)
    with Ledger.open(ledger_file) as ledger:
        states = {r.clip_id: r.state for r in ledger.posts()}
        assert states == {"intro": "queued", "outro": "awaiting_approval"}
