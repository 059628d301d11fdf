"""A controlled clock decides what is due; deferred, retried and refused posts end right."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import pytest

from vidcamp.ledger import Ledger, publish_due, queue_posts
from vidcamp.publish import upload as real_upload
from vidcamp.publish.base import RetryPolicy

from .conftest import Sandbox, env_for, iso, later, posts_for, real_now, sha256, vidcamp


@pytest.mark.slow
def test_only_due_posts_go_out_and_deferred_ones_after_their_reset(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    media = tmp_path / "media"
    first = posts_for(sandbox, media, range(0, 1), publish_at=later(t0, hours=1))
    second = posts_for(sandbox, media, range(1, 2), publish_at=later(t0, hours=2))
    queue_posts(first + second, ledger_path=ledger, now=t0)

    def run(at: object, *args: str) -> dict[str, object]:
        done = vidcamp("publish", "--due", "--json", *args,
                       env=env_for(sandbox, ledger, VIDCAMP_NOW=iso(at)))  # type: ignore[arg-type]
        data: dict[str, object] = json.loads(done.stdout)
        assert done.returncode == data["exit_code"], done.stderr
        return data

    early = run(t0)
    assert early["outcomes"] == [] and early["exit_code"] == 0
    assert sandbox.posts() == []

    # at 1 h the first clip's four posts are due; X hits its quota, which resets in 3 hours
    sandbox.faults({"platform": "x", "route": "initialize", "kind": "quota", "seconds": 3 * 3600})
    hour = run(later(t0, hours=1, minutes=1))
    states = {o["key"]: o["state"] for o in hour["outcomes"]}  # type: ignore[union-attr]
    assert states == {
        "demo/clip0/youtube_shorts/brand_youtube": "published",
        "demo/clip0/facebook_reels/brand_facebook": "published",
        "demo/clip0/x/brand_x": "deferred",
        "demo/clip0/dailymotion/brand_dailymotion": "published",
    }
    assert hour["exit_code"] == 6  # some done, the rest still queued
    assert {p["sha256"] for p in sandbox.posts()} == {
        sha256(p.video) for p in first if p.platform != "x"
    }
    with Ledger.open(ledger) as book:
        deferred = book.get("demo/clip0/x/brand_x")
        assert deferred.state == "deferred" and deferred.error_kind == "defer"
        retry_at = deferred.next_attempt_at
    assert retry_at >= later(t0, hours=3)

    # at 2 h: the second clip is due, the deferred X post is still waiting for its reset
    two = run(later(t0, hours=2))
    keys = {o["key"] for o in two["outcomes"]}  # type: ignore[union-attr]
    assert keys == {p.key for p in second}
    assert len(sandbox.posts()) == 7
    assert run(later(retry_at, minutes=-1))["outcomes"] == []
    after = run(later(retry_at, minutes=1))
    assert [o["key"] for o in after["outcomes"]] == ["demo/clip0/x/brand_x"]  # type: ignore[index]
    assert len(sandbox.posts()) == 8
    assert len({p["sha256"] for p in sandbox.posts()}) == 8


@pytest.mark.slow
def test_refused_and_unauthorised_posts_fail_with_their_reason(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    posts = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(t0, minutes=-1))
    queue_posts(posts, ledger_path=ledger, now=t0)
    sandbox.faults(
        {"platform": "dailymotion", "kind": "reject"},
        {"platform": "x", "kind": "revoke"},
    )
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(t0))
    done = vidcamp("publish", "--due", "--quiet", env=env)
    assert done.returncode == 5, done.stderr
    assert done.stdout == ""
    problems = done.stderr.strip().splitlines()
    assert any(line.startswith("failed") and "dailymotion" in line for line in problems)
    assert any("vidcamp auth login brand_x" in line for line in problems)
    assert problems[-1].startswith("error: publish: 2 published, 2 failed")
    table = vidcamp("status", env=env).stdout
    assert "vidcamp auth login brand_x" in table
    # a failed post stays failed across runs until the user says `retry`
    assert vidcamp("publish", "--due", "--quiet", env=env).returncode == 0
    assert vidcamp("retry", "demo/clip0/dailymotion/brand_dailymotion", env=env).returncode == 0
    again = vidcamp("publish", "--due", env=env)
    assert again.returncode == 0, again.stderr
    assert len(sandbox.posts()) == 3


def test_retryable_failures_back_off_then_fail_with_the_reason(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    post = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(t0, minutes=-1))[3]
    assert post.platform == "dailymotion"
    queue_posts([post], ledger_path=ledger, now=t0)
    sandbox.faults({"platform": "dailymotion", "kind": "status", "status": 503, "count": 1000})
    import os

    os.environ["VIDCAMP_API_ROOT"] = sandbox.url
    try:
        # the real client, with its in-process retry sleeps skipped to keep the test short
        quick = partial(real_upload, policy=RetryPolicy(sleep=lambda _s: None, max_attempts=2))
        first = publish_due(ledger_path=ledger, now=t0, upload=quick, max_attempts=3,
                            credentials=sandbox.credentials)
        (outcome,) = first.outcomes
        assert outcome.state == "queued" and outcome.kind == "retry"
        assert outcome.next_attempt_at == later(t0, minutes=1)
        assert first.exit_code == 6
        # not due again before its back-off time
        assert publish_due(ledger_path=ledger, now=later(t0, seconds=30), upload=quick,
                           credentials=sandbox.credentials).outcomes == ()
        second = publish_due(ledger_path=ledger, now=later(t0, minutes=1), upload=quick,
                             max_attempts=3, credentials=sandbox.credentials)
        assert second.outcomes[0].next_attempt_at == later(t0, minutes=3)  # doubled
        third = publish_due(ledger_path=ledger, now=later(t0, minutes=3), upload=quick,
                            max_attempts=3, credentials=sandbox.credentials)
        assert third.outcomes[0].state == "failed"
        assert third.exit_code == 5
        assert "gave up after 3 attempts" in (third.outcomes[0].error or "")
        assert "503" in (third.outcomes[0].error or "")
    finally:
        del os.environ["VIDCAMP_API_ROOT"]
    assert sandbox.posts() == []


@pytest.mark.slow
def test_limit_and_campaign_select_what_goes_out(sandbox: Sandbox, tmp_path: Path) -> None:
    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    due = later(t0, minutes=-1)
    spring = posts_for(sandbox, tmp_path / "a", 1, publish_at=due, campaign="spring")
    autumn = posts_for(sandbox, tmp_path / "b", range(1, 2), publish_at=due, campaign="autumn")
    queue_posts(spring + autumn, ledger_path=ledger, now=t0)
    env = env_for(sandbox, ledger, VIDCAMP_NOW=iso(t0))

    limited = vidcamp("publish", "--due", "--campaign", "spring", "--limit", "3", "--json",
                      env=env)
    data = json.loads(limited.stdout)
    assert limited.returncode == 6  # three went out, one of spring is still due
    assert len(data["outcomes"]) == 3 and data["left_due"] == 1
    assert all(o["key"].startswith("spring/") for o in data["outcomes"])
    rest = vidcamp("publish", "--due", "--campaign", "spring", env=env)
    assert rest.returncode == 0 and rest.stdout.count("published #") == 1
    remote = sandbox.posts()
    assert len(remote) == 4
    assert {p["sha256"] for p in remote} == {sha256(p.video) for p in spring}
    status = json.loads(vidcamp("status", "autumn", "--json", env=env).stdout)["posts"]
    assert [p["state"] for p in status] == ["queued"] * 4


def test_an_unexpected_error_stays_queued_and_never_shows_a_token(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    import yaml

    t0 = real_now()
    ledger = tmp_path / "ledger.sqlite3"
    post = posts_for(sandbox, tmp_path / "media", 1, publish_at=later(t0, minutes=-1))[0]
    queue_posts([post], ledger_path=ledger, now=t0)
    token = yaml.safe_load(sandbox.credentials.read_text())[post.account]["access_token"]

    def broken_upload(*_args: object, **_kwargs: object) -> object:
        # stands in for a client bug whose message carries a token
        raise RuntimeError(f"socket trouble talking with Bearer {token}")

    report = publish_due(ledger_path=ledger, now=t0, upload=broken_upload,
                         credentials=sandbox.credentials)
    (outcome,) = report.outcomes
    # a local error is not the platform's verdict: queued again, no attempt counted, exit 1
    assert outcome.state == "queued" and outcome.kind == "bug"
    assert report.exit_code == 1
    assert token not in (outcome.error or "") and "***" in (outcome.error or "")
    with Ledger.open(ledger) as book:
        row = book.get(post.key)
        assert row.attempts == 0 and token not in (row.last_error or "")
        assert all(token not in e.detail for e in book.events(row.id))
