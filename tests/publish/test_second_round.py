"""Defects found against the platforms' documented behaviour, each pinned by a sandbox test."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Sandbox
from tests.ledger.conftest import T0, make_post
from tests.publish.common import PRESETS, Sleeps, policy, sha256
from vidcamp.errors import PermanentPublishError, RetryableError
from vidcamp.ledger import Ledger, queue_posts
from vidcamp.ledger.run import publish_due
from vidcamp.publish import UploadRequest, upload
from vidcamp.publish.progress import LineProgress

# the request that creates the post, per preset
CREATE_ROUTE = {
    "youtube": "chunk",  # the last chunk of the session creates the video
    "youtube_shorts": "chunk",
    "facebook": "finish",
    "facebook_reels": "finish",
    "x": "tweet",
    "dailymotion": "create",
}


@pytest.mark.parametrize("preset", list(PRESETS))
def test_two_files_with_one_title_are_two_posts(
    sandbox: Sandbox, random_file: Callable[[int], Path], preset: str
) -> None:
    account = sandbox.account(PRESETS[preset])
    first, second = random_file(40_000), random_file(50_000)
    a = upload(UploadRequest(first, preset, "Same title"), account, policy=policy())
    b = upload(UploadRequest(second, preset, "Same title"), account, policy=policy())
    posts = sandbox.posts(PRESETS[preset])
    assert len(posts) == 2
    assert a.remote_id != b.remote_id
    assert {p["sha256"] for p in posts} == {sha256(first), sha256(second)}
    assert {p["remote_id"]: p["sha256"] for p in posts}[b.remote_id] == sha256(second)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_lost_answer_to_the_create_makes_one_post_after_resume(
    sandbox: Sandbox, random_file: Callable[[int], Path], preset: str
) -> None:
    platform = PRESETS[preset]
    account = sandbox.account(platform)
    # another post with the same title, made just before, must not be taken for ours
    upload(UploadRequest(random_file(30_000), preset, "Lost answer"), account, policy=policy())
    sandbox.faults({"platform": platform, "route": CREATE_ROUTE[preset],
                    "kind": "drop_response"})
    video = random_file(60_000)
    request = UploadRequest(video, preset, "Lost answer")
    states: list[dict[str, Any]] = []
    with pytest.raises(RetryableError):
        upload(request, account, on_state=states.append, policy=policy(max_attempts=1))
    assert len(sandbox.posts(platform)) == 2, "the create went through; only its answer was lost"
    result = upload(request, account, resume=states[-1], policy=policy())
    posts = sandbox.posts(platform)
    assert len(posts) == 2
    ours = [p for p in posts if p["remote_id"] == result.remote_id]
    assert len(ours) == 1 and ours[0]["sha256"] == sha256(video)


def test_a_fresh_x_post_reads_no_timeline(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    account = sandbox.account("x")
    for size in (20_000, 30_000):
        upload(UploadRequest(random_file(size), "x", "Fresh"), account, policy=policy())
    routes = sandbox.server.stats()["routes"]
    assert routes["x.tweet"] == 2
    assert routes.get("x.me", 0) == 0
    assert routes.get("x.timeline", 0) == 0


def test_a_fresh_post_looks_nothing_up(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    for preset in ("dailymotion", "facebook"):
        account = sandbox.account(PRESETS[preset])
        upload(UploadRequest(random_file(20_000), preset, "Fresh"), account, policy=policy())
    routes = sandbox.server.stats()["routes"]
    assert routes.get("dailymotion.list", 0) == 0
    assert routes.get("facebook.status", 0) == 0


def test_facebook_feed_uploads_go_to_graph_video(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    # the sandbox serves /{page}/videos on graph-video.facebook.com only, as the guide says
    account = sandbox.account("facebook")
    video = random_file(2_500_000)
    result = upload(UploadRequest(video, "facebook", "Feed"), account, policy=policy())
    [post] = sandbox.posts("facebook")
    assert post["remote_id"] == result.remote_id and post["sha256"] == sha256(video)
    routes = sandbox.server.stats()["routes"]
    assert routes["facebook.start"] == 1 and routes["facebook.transfer"] == 3
    assert routes["facebook.finish"] == 1


def test_a_local_error_is_not_blamed_on_the_platform(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    account = sandbox.account("youtube")

    def broken_ledger(state: dict[str, Any]) -> None:
        raise KeyError("session_uri")  # as a bug in the ledger callback would

    with pytest.raises(KeyError):
        upload(UploadRequest(random_file(10_000), "youtube", "t"), account,
               on_state=broken_ledger, policy=policy())


@pytest.fixture
def ledger_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VIDCAMP_NOW", raising=False)
    return tmp_path / "ledger.sqlite3"


class BrokenProgress:
    """A progress display with a bug: it raises on the first byte count."""

    def start(self, label: str, total: int) -> None:
        pass

    def update(self, completed: int) -> None:
        raise ValueError("bad format string")

    def finish(self, ok: bool = True) -> None:
        pass


def test_a_local_error_leaves_the_post_queued_and_exits_1(
    sandbox: Sandbox, ledger_file: Path, random_file: Callable[[int], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = sandbox.account("x", "bug_x")
    video = random_file(30_000)
    queue_posts([make_post("c1", target="x", platform="x", preset="x", account=account,
                           video=video, mode="cron", publish_at=T0)],
                ledger_path=ledger_file, now=T0)
    when = T0 + timedelta(minutes=1)
    report = publish_due(ledger_path=ledger_file, now=when, progress=BrokenProgress(),
                         credentials=sandbox.credentials)
    [outcome] = report.outcomes
    assert outcome.kind == "bug" and outcome.state == "queued"
    assert "ValueError" in (outcome.error or "")
    assert report.exit_code == 1
    with Ledger.open(ledger_file) as ledger:
        [row] = ledger.posts()
        assert row.state == "queued" and row.attempts == 0
    # the next run (bug fixed) finishes it: one post
    again = publish_due(ledger_path=ledger_file, now=when + timedelta(hours=1),
                        credentials=sandbox.credentials)
    assert [o.state for o in again.outcomes] == ["published"]
    assert len(sandbox.posts("x")) == 1


def test_a_malformed_answer_is_still_the_platforms(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    # a 200 without the documented body is the platform's doing: permanent, with the route
    account = sandbox.account("dailymotion")
    sandbox.faults({"platform": "dailymotion", "route": "file_upload", "kind": "status",
                    "status": 200})
    with pytest.raises(PermanentPublishError, match="upload_url"):
        upload(UploadRequest(random_file(10_000), "dailymotion", "t"), account,
               policy=policy())


def test_a_failed_upload_does_not_say_done(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    account = sandbox.account("dailymotion")
    sandbox.faults({"platform": "dailymotion", "route": "create", "kind": "reject"})
    out = io.StringIO()
    with pytest.raises(PermanentPublishError):
        upload(UploadRequest(random_file(10_000), "dailymotion", "t"), account,
               policy=policy(), progress=LineProgress(out))
    assert "upload done" not in out.getvalue()
    assert out.getvalue().rstrip().endswith("upload stopped")


def test_x_waits_check_after_secs_from_finalize(
    sandbox: Sandbox, random_file: Callable[[int], Path]
) -> None:
    account = sandbox.account("x")
    sandbox.settings(x_check_after_secs=5, x_processing_polls=1)
    sleeps = Sleeps()
    upload(UploadRequest(random_file(10_000), "x", "t"), account, policy=policy(sleeps))
    # finalize said "pending, check after 5 s": wait before the first STATUS (in_progress),
    # and again before the second (succeeded)
    assert sleeps == [5, 5]
    assert sandbox.server.stats()["routes"]["x.status"] == 2
